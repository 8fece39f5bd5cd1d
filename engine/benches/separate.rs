//! Separation speed on 60 s of a busy stereo mix (a chord progression over a drum groove), as
//! "x real time": throughput is counted in seconds of input audio, so criterion's "elem/s" reads as
//! x real time. Single-threaded, so the figure is per core. Target: at least 50x.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use engine::separate::{Layers, SeparationConfig, Separator};
use fixtures::music::{GrooveSpec, GrooveStyle, Progression, SongSpec, chord_progression, drum_groove};

const SECONDS: usize = 60;
const SR: u32 = 44_100;

/// 60 s of a minor-key song over a funk groove at 100 BPM, the groove a little louder on the left.
fn busy_stereo() -> Vec<Vec<f32>> {
    let len = SECONDS * SR as usize;
    let song = SongSpec { tonic: 2, progression: Progression::EpicMinor, bpm: 100.0, num_cycles: 6, tuning_cents: 0.0, seed: 1 };
    let groove = GrooveSpec { style: GrooveStyle::Funk, bpm: 100.0, num_bars: 25, swing: 0.1, with_bass: false, seed: 2 };
    let mut tonal = chord_progression(&song, 0.5, SR);
    tonal.resize(len, 0.0);
    let drums = drum_groove(&groove, 0.4, SR);
    [1.0f32, 0.7]
        .iter()
        .map(|&g| tonal.iter().zip(drums.iter().chain(std::iter::repeat(&0.0))).map(|(t, d)| t + g * d).collect())
        .collect()
}

fn separation(c: &mut Criterion) {
    let stereo = busy_stereo();
    let mono = vec![engine::source::mix_to_mono(&stereo)];
    let mut separator = Separator::new(&SeparationConfig::default());
    let mut layers = Layers::default();
    let mut group = c.benchmark_group("separate_60s");
    group.sample_size(10);
    group.throughput(Throughput::Elements(SECONDS as u64));
    group.bench_function("stereo", |b| {
        b.iter(|| black_box(separator.separate(black_box(&stereo), SR, None).expect("no cancel flag")))
    });
    group.bench_function("stereo_into_reused_layers", |b| {
        b.iter(|| separator.separate_into(black_box(&stereo), SR, None, &mut layers).expect("no cancel flag"))
    });
    group.bench_function("mono", |b| b.iter(|| black_box(separator.separate(black_box(&mono), SR, None).expect("no cancel flag"))));
    group.finish();
}

criterion_group!(benches, separation);
criterion_main!(benches);
