//! Analysis speed on 60 s of music (a chord progression over a drum groove), as "x real time":
//! throughput is counted in seconds of input audio, so criterion's "elem/s" reads as x real time.
//! Targets: the one-pass analysis at least 200x, key and tempo together at least 300x.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use engine::analysis::{AnalysisConfig, Analyzer, estimate_key, estimate_tempo};
use fixtures::music::{GrooveSpec, GrooveStyle, Progression, SongSpec, chord_progression, drum_groove};

const SECONDS: usize = 60;
const SR: u32 = 44_100;

/// 60 s of a minor-key song over a funk groove at 100 BPM.
fn music() -> Vec<f32> {
    let len = SECONDS * SR as usize;
    let song = SongSpec {
        tonic: 2,
        progression: Progression::EpicMinor,
        bpm: 100.0,
        num_cycles: 6,
        tuning_cents: 0.0,
        seed: 1,
    };
    let groove = GrooveSpec {
        style: GrooveStyle::Funk,
        bpm: 100.0,
        num_bars: 25,
        swing: 0.1,
        with_bass: false,
        seed: 2,
    };
    let mut x = chord_progression(&song, 0.6, SR);
    x.resize(len, 0.0);
    for (o, d) in x.iter_mut().zip(drum_groove(&groove, 0.4, SR)) {
        *o += d;
    }
    x
}

fn analysis(c: &mut Criterion) {
    let x = music();
    let mut analyzer = Analyzer::new(AnalysisConfig::default());
    let analysed = analyzer.analyze(&x, SR);
    let mut group = c.benchmark_group("analysis_60s");
    group.throughput(Throughput::Elements(SECONDS as u64));
    group.sample_size(10);
    group.bench_function("one_pass", |b| {
        b.iter(|| black_box(analyzer.analyze(black_box(&x), SR)))
    });
    group.bench_function("key_and_tempo", |b| {
        b.iter(|| black_box((estimate_key(black_box(&analysed)), estimate_tempo(black_box(&analysed)))))
    });
    group.finish();
}

criterion_group!(benches, analysis);
criterion_main!(benches);
