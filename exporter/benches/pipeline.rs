//! Whole-pipeline throughput for the case, a song of four and a half minutes: stereo music
//! (sustained chords, then a groove with keys, four and a half times over) rendered into a full
//! default pack. Throughput is in input frames per second: divide by 44 100 for "x real time".

use afterglow_exporter::config::Config;
use afterglow_exporter::render::{render_pack, RenderRequest};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use fixtures::music::{chord_progression, drum_groove, GrooveSpec, GrooveStyle, Progression, SongSpec};

const SR: u32 = 44_100;

/// 30 s of sustained pad chords, then 30 s of a groove under a keys-bass-melody song; stereo.
fn one_minute_of_music(seed: u64) -> Vec<Vec<f32>> {
    let half = 30 * SR as usize;
    let song = SongSpec { tonic: 2, progression: Progression::AeolianMinor, bpm: 100.0, num_cycles: 3, tuning_cents: 0.0, seed: 5 + seed };
    let keys = chord_progression(&song, 0.5, SR);
    let groove_spec = GrooveSpec { style: GrooveStyle::Funk, bpm: 100.0, num_bars: 13, swing: 0.1, with_bass: false, seed: 9 + seed };
    let groove = drum_groove(&groove_spec, 0.5, SR);
    (0..2)
        .map(|ch| {
            let mut x = fixtures::archive::progression(&fixtures::archive::PAD_CHORDS, 5.0, 0.6, SR, 100 + 2 * seed + ch);
            x.truncate(half);
            x.extend((0..half).map(|i| keys.get(i).copied().unwrap_or(0.0) + groove.get(i).copied().unwrap_or(0.0)));
            x
        })
        .collect()
}

fn bench_pipeline(c: &mut Criterion) {
    let archive = tempfile::tempdir().expect("temp dir");
    let mut music = vec![Vec::new(), Vec::new()];
    for minute in 0..5 {
        for (all, part) in music.iter_mut().zip(one_minute_of_music(minute)) {
            all.extend(part);
        }
    }
    for channel in &mut music {
        channel.truncate(270 * SR as usize);
    }
    let frames = music[0].len();
    fixtures::wav::write_wav(&archive.path().join("song.wav"), &music, SR, fixtures::wav::WavFormat::PCM16);
    let out = tempfile::tempdir().expect("temp dir");
    let config = Config::default();
    let request = RenderRequest::every_kind(vec![archive.path().to_path_buf()], out.path().to_path_buf());
    let mut group = c.benchmark_group("pipeline");
    group.sample_size(10);
    group.throughput(Throughput::Elements(frames as u64));
    group.bench_function("render_default_pack_270s_stereo", |b| {
        b.iter(|| {
            // Without the previous manifest nothing is reused: every iteration renders the whole pack.
            let _ = std::fs::remove_file(out.path().join("manifest.csv"));
            render_pack(&config, &request).expect("render")
        });
    });
    group.finish();
    // What the pack holds, for "audio written per second of rendering": the manifest's durations.
    let rows = afterglow_exporter::manifest::read_manifest(&out.path().join("manifest.csv")).expect("manifest");
    let seconds: f64 = rows.iter().filter(|r| r.saved).map(|r| r.duration_sec).sum();
    eprintln!("pack: {} files, {seconds:.1} s of audio", rows.iter().filter(|r| r.saved).count());
}

criterion_group!(benches, bench_pipeline);
criterion_main!(benches);
