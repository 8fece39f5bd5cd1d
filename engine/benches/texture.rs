//! Live texture engine speed at 44.1 kHz, as "x real time" (throughput is counted in seconds of
//! output, so criterion's "elem/s" reads as x real time): about 64 stereo grains plus hiss, and about
//! 512 grains, each rendered one second at a time in 512-frame blocks after warming up to a steady
//! grain count. A third case plays the 64-grain load tempo-synced, with the synced scan and tremolo
//! (free-running at 120 BPM: no transport).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use engine::texture::{
    builtin_pad, LfoShape, NoteValue, PadBank, ProcessSpec, Scale, ScanLength, ScanMode, TextureEngine, TextureParams,
};

const SR: f32 = 44_100.0;
const BLOCK: usize = 512;

/// An engine playing `params` (and `notes`) until its grain count is steady.
fn warmed_up(params: &TextureParams, bank: &PadBank, notes: &[u8]) -> TextureEngine {
    let mut engine = TextureEngine::new();
    engine.prepare(ProcessSpec { sample_rate_hz: SR, max_block_frames: BLOCK });
    engine.reset(1);
    for &n in notes {
        engine.note_on(n, 1.0);
    }
    let (mut l, mut r) = ([0.0f32; BLOCK], [0.0f32; BLOCK]);
    for _ in 0..(2.0 * SR) as usize / BLOCK {
        engine.process(params, bank, &mut l, &mut r);
    }
    engine
}

fn one_second(engine: &mut TextureEngine, params: &TextureParams, bank: &PadBank) -> f32 {
    let (mut l, mut r) = ([0.0f32; BLOCK], [0.0f32; BLOCK]);
    let mut acc = 0.0;
    for _ in 0..SR as usize / BLOCK {
        engine.process(params, bank, &mut l, &mut r);
        acc += l[0] + r[BLOCK - 1];
    }
    acc
}

fn texture(c: &mut Criterion) {
    let mut bank = PadBank::new();
    bank.insert(0, builtin_pad(SR));
    let mut group = c.benchmark_group("texture_1s_44k1");
    group.throughput(Throughput::Elements(1));
    group.sample_size(20);

    // 200 ms grains at 320 grains/s: 64 overlapping grains, plus the hiss voice.
    let p64 = TextureParams {
        hold: true,
        grain_size_ms: 200.0,
        size_spray: 0.0,
        density_hz: 320.0,
        pitch_spray_semitones: 3.0,
        hiss_gain: 0.5,
        flicker_amount: 0.5,
        ..TextureParams::default()
    };
    let mut e64 = warmed_up(&p64, &bank, &[]);
    eprintln!("64-grain case: {} grains active", e64.num_active_grains());
    group.bench_function("grains_64_plus_hiss", |b| b.iter(|| black_box(one_second(&mut e64, &p64, &bank))));

    // The hold voice and one note, each with 1 s grains at 256 grains/s: 512 overlapping grains.
    let p512 = TextureParams { grain_size_ms: 1000.0, density_hz: 256.0, hiss_gain: 0.0, ..p64 };
    let mut e512 = warmed_up(&p512, &bank, &[55]);
    eprintln!("512-grain case: {} grains active", e512.num_active_grains());
    group.bench_function("grains_512", |b| b.iter(|| black_box(one_second(&mut e512, &p512, &bank))));

    // Both LFOs moving everything that does not change the grain count (position, spray, pitch,
    // low-pass, level; the low-pass recomputed every tick), one synced and restarted per note
    // (smooth random, per voice), and the pitch snapped to a scale.
    let lfos = TextureParams {
        lfo1_rate_hz: 3.0,
        lfo1_to_position: 0.2,
        lfo1_to_spray: 0.2,
        lfo1_to_pitch: 0.1,
        lfo1_to_lowpass: -0.3,
        lfo1_to_level: 0.3,
        lfo2_shape: LfoShape::SmoothRandom,
        lfo2_sync: true,
        lfo2_retrigger: true,
        lfo2_to_position: 0.1,
        lfo2_to_pitch: 0.05,
        lfo2_to_lowpass: 0.2,
        scale: Scale::Major,
        ..p64
    };
    let mut e64_lfo = warmed_up(&lfos, &bank, &[]);
    eprintln!("64-grain case with LFOs: {} grains active", e64_lfo.num_active_grains());
    group.bench_function("grains_64_plus_hiss_two_lfos", |b| b.iter(|| black_box(one_second(&mut e64_lfo, &lfos, &bank))));
    let lfos512 = TextureParams { grain_size_ms: 1000.0, density_hz: 256.0, hiss_gain: 0.0, ..lfos };
    let mut e512_lfo = warmed_up(&lfos512, &bank, &[55]);
    eprintln!("512-grain case with LFOs: {} grains active", e512_lfo.num_active_grains());
    group.bench_function("grains_512_two_lfos", |b| b.iter(|| black_box(one_second(&mut e512_lfo, &lfos512, &bank))));
    // Synced: 1 s grains on a 1/32T grid (24 a second at 120 BPM) for the hold voice and two
    // notes, about 72 grains, each drawing from a stream of its own, with the scan and the hiss.
    let synced = TextureParams {
        sync: true,
        grain_size_ms: 1000.0,
        grain_division: NoteValue::from_label("1/32T").unwrap_or_default(),
        scan_mode: ScanMode::PingPong,
        scan_division: ScanLength::Bars(2),
        ..p64
    };
    let mut es = warmed_up(&synced, &bank, &[48, 55]);
    eprintln!("synced case: {} grains active", es.num_active_grains());
    group.bench_function("grains_72_synced_scan_plus_hiss", |b| b.iter(|| black_box(one_second(&mut es, &synced, &bank))));
    group.finish();
}

criterion_group!(benches, texture);
criterion_main!(benches);
