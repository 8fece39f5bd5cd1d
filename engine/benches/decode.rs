//! Decode speed, in frames per second (divide by 44 100 for "x real time"): a 60 s stereo
//! 16-bit 44.1 kHz WAV (decode only, target >= 1000x real time) and a 60 s stereo 16-bit
//! 48 kHz WAV (decode + resample to 44.1 kHz).

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use engine::source::{load, LoadOptions};
use fixtures::encode::{wav_bytes, SampleEncoding};

const SECONDS: f64 = 60.0;

fn write_pad(dir: &Path, rate_hz: u32) -> std::path::PathBuf {
    let num_frames = (SECONDS * f64::from(rate_hz)) as usize;
    let left = fixtures::chord_pad(&[57.0, 60.0, 64.0], 0.5, num_frames, rate_hz, 1);
    let right = fixtures::chord_pad(&[57.0, 60.0, 64.0], 0.5, num_frames, rate_hz, 2);
    let path = dir.join(format!("pad_{rate_hz}.wav"));
    std::fs::write(&path, wav_bytes(&[left, right], rate_hz, SampleEncoding::Pcm16, false, None))
        .expect("the temporary folder is writable");
    path
}

fn decode(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder can be made");
    let mut group = c.benchmark_group("decode_60s_stereo_16bit");
    group.sample_size(10);
    // Throughput in seconds of audio at the source rate: "elem/s" reads as x real time.
    group.throughput(Throughput::Elements(SECONDS as u64));
    for (name, rate_hz) in [("wav_44k1", 44_100), ("wav_48k_resample", 48_000)] {
        let path = write_pad(dir.path(), rate_hz);
        let options = LoadOptions::default();
        group.bench_function(name, |b| {
            b.iter(|| black_box(load(black_box(&path), &options).expect("the bench file decodes")))
        });
    }
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
