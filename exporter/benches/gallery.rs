//! Gallery throughput: every thumbnail of a pack (read the WAV, fold to mono, waveform, spectrogram,
//! PNG, write) and its page, for the pack of the bundled archive. Throughput is in frames of audio
//! per second (divide by 44 100 for "x real time"); the time per file is the iteration's time over
//! the number of files in the benchmark's name.

use afterglow_exporter::config::Config;
use afterglow_exporter::gallery::write_gallery;
use afterglow_exporter::render::{render_pack, RenderRequest};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::path::Path;

fn bench_gallery(c: &mut Criterion) {
    let out = tempfile::tempdir().expect("temp dir");
    let archive = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/archive");
    let request = RenderRequest::every_kind(vec![archive], out.path().to_path_buf());
    let rows = render_pack(&Config::default(), &request).expect("render").rows;
    let saved: Vec<_> = rows.iter().filter(|r| r.saved).collect();
    let frames: f64 = saved.iter().map(|r| r.duration_sec * f64::from(engine::ENGINE_SAMPLE_RATE_HZ)).sum();
    let mut group = c.benchmark_group("gallery");
    group.sample_size(10);
    group.throughput(Throughput::Elements(frames as u64));
    group.bench_function(format!("bundled_pack_{}_files", saved.len()), |b| {
        b.iter(|| write_gallery(out.path(), &rows).expect("gallery"));
    });
    group.finish();
}

criterion_group!(benches, bench_gallery);
criterion_main!(benches);
