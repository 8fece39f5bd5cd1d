//! Offline transform speed on 10 s of stereo pad, as "x real time" (throughput is counted in
//! seconds of input audio, so criterion's "elem/s" reads as x real time): phase-vocoder stretch
//! 2x, pitch shift +7 semitones (stretch + resample), the three tone variants, and measuring
//! (levels, centroid, pitch) one file.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use engine::curate::Meter;
use engine::transform::{
    Edges, FilterSettings, FilterVariant, PhaseVocoder, StretchConfig, filter_variant,
    pitch_shift_channels,
};

const SECONDS: u64 = 10;
const SR: u32 = 44_100;

fn stereo_pad() -> Vec<Vec<f32>> {
    let n = SECONDS as usize * SR as usize;
    vec![
        fixtures::chord_pad(&[57.0, 60.0, 64.0], 0.5, n, SR, 1),
        fixtures::chord_pad(&[57.0, 60.0, 64.0], 0.5, n, SR, 2),
    ]
}

fn transforms(c: &mut Criterion) {
    let pad = stereo_pad();
    let mut group = c.benchmark_group("transform_10s_stereo");
    group.sample_size(10);
    group.throughput(Throughput::Elements(SECONDS));
    let mut vocoder =
        PhaseVocoder::new(StretchConfig::default()).expect("the default config is valid");
    group.bench_function("stretch_2x", |b| {
        b.iter(|| {
            black_box(
                vocoder
                    .stretch(black_box(&pad), 2.0)
                    .expect("2.0 is a valid factor"),
            )
        })
    });
    group.bench_function("pitch_up_7", |b| {
        b.iter(|| {
            black_box(
                pitch_shift_channels(&mut vocoder, black_box(&pad), 7.0)
                    .expect("+7 is a valid shift"),
            )
        })
    });
    let settings = FilterSettings::default();
    group.bench_function("filter_warm_airy_dark", |b| {
        b.iter(|| {
            for variant in FilterVariant::ALL {
                black_box(filter_variant(
                    black_box(&pad),
                    variant,
                    &settings,
                    Edges::Loop,
                    SR,
                ));
            }
        })
    });
    let mut meter = Meter::new();
    group.bench_function("measure", |b| {
        b.iter(|| black_box(meter.measure(black_box(&pad), SR)))
    });
    group.finish();
}

criterion_group!(benches, transforms);
criterion_main!(benches);
