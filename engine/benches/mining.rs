//! Mining speed on 60 s of stereo pad progression, as "x real time" (throughput is counted in
//! seconds of input audio, so criterion's "elem/s" reads as x real time): `find_pads` on a
//! finished analysis, `make_loop` for every pad found, both together, and the hiss miner.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use engine::analysis::{analyze, AnalysisConfig};
use engine::curate::seam::SeamMeter;
use engine::mining::looping::make_loop_with;
use engine::mining::{find_noisy_regions, find_pads, HissMinerConfig, PadMinerConfig};
use engine::source::mix_to_mono;

const SECONDS: u64 = 60;
const SR: u32 = 44_100;

/// Twelve five-second chords, a little different in each channel.
fn stereo_progression() -> Vec<Vec<f32>> {
    let chords: Vec<&[f64]> = fixtures::archive::PAD_CHORDS.iter().chain(fixtures::archive::PAD_CHORDS.iter()).copied().collect();
    let len = SECONDS as usize * SR as usize;
    (0..2u64)
        .map(|ch| {
            let mut x = fixtures::archive::progression(&chords, 5.0, 0.6, SR, 10 + ch);
            x.resize(len, 0.0);
            x
        })
        .collect()
}

fn mining(c: &mut Criterion) {
    let channels = stereo_progression();
    let analysis = analyze(&mix_to_mono(&channels), SR, &AnalysisConfig::default());
    let config = PadMinerConfig::default();
    let loop_config = config.loop_config();
    let mut meter = SeamMeter::new();
    let mut group = c.benchmark_group("mining_60s_stereo");
    group.sample_size(10);
    group.throughput(Throughput::Elements(SECONDS));
    group.bench_function("find_pads", |b| b.iter(|| black_box(find_pads(black_box(&analysis), &config))));
    let pads = find_pads(&analysis, &config);
    assert!(!pads.is_empty(), "the progression has pads");
    group.bench_function("make_loop_each_pad", |b| {
        b.iter(|| {
            for pad in &pads {
                let lp = make_loop_with(&mut meter, black_box(&channels), pad, &loop_config, SR);
                black_box(lp.expect("mined pads leave room for the cross-fade"));
            }
        })
    });
    group.bench_function("find_pads_and_make_loops", |b| {
        b.iter(|| {
            for pad in find_pads(black_box(&analysis), &config) {
                let lp = make_loop_with(&mut meter, black_box(&channels), &pad, &loop_config, SR);
                black_box(lp.expect("mined pads leave room for the cross-fade"));
            }
        })
    });
    let hiss = HissMinerConfig::default();
    group.bench_function("find_noisy_regions", |b| b.iter(|| black_box(find_noisy_regions(black_box(&analysis), &hiss))));
    group.finish();
}

criterion_group!(benches, mining);
criterion_main!(benches);
