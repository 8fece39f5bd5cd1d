//! Real-time safety of the texture engine: after one `prepare`, many seconds of `process` with random
//! parameters, random notes, pedal and pad swaps run without a single allocation (the global allocator
//! aborts on any), and the output never holds NaN, Inf or denormals.

use ::engine::texture::{
    builtin_pad, ExpressionTarget, LfoShape, NoteValue, Pad, PadBank, ProcessSpec, Scale, ScaleRoot, ScanLength, ScanMode,
    TextureEngine, TextureParams, Transport, WindowShape, MAX_GRAINS,
};
use assert_no_alloc::{assert_no_alloc, AllocDisabler};
use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg32;

#[global_allocator]
static ALLOCATOR: AllocDisabler = AllocDisabler;

fn uniform(rng: &mut Pcg32) -> f32 {
    (rng.next_u32() >> 8) as f32 / 16_777_216.0
}

/// Random parameters across (and a little beyond) every documented range, sometimes NaN.
fn random_params(rng: &mut Pcg32) -> TextureParams {
    let mut u = || uniform(rng);
    let odd = |x: f32, roll: f32| if roll < 0.02 { f32::NAN } else if roll < 0.04 { -x * 1e6 } else { x };
    TextureParams {
        position: u(),
        position_spray: u(),
        grain_size_ms: odd(5.0 + 995.0 * u() * u(), u()),
        size_spray: u(),
        density_hz: odd(0.5 + 499.5 * u() * u(), u()),
        pitch_semitones: odd(48.0 * u() - 24.0, u()),
        pitch_spray_semitones: 24.0 * u() * u(),
        stereo_spread: u(),
        window: WindowShape::ALL[(u() * 4.0) as usize % 4],
        reverse_probability: u(),
        freeze: u() < 0.3,
        cloud_gain: odd(2.0 * u(), u()),
        hiss_gain: 2.0 * u() * u(),
        hiss_tone_hz: odd(1000.0 + 15_000.0 * u(), u()),
        tremolo_rate_hz: 0.05 + 20.0 * u(),
        tremolo_depth: u(),
        flicker_amount: u(),
        lowpass_hz: odd(200.0 + 19_800.0 * u(), u()),
        attack_ms: odd(1.0 + 500.0 * u(), u()),
        release_ms: 1.0 + 3000.0 * u(),
        hold: u() < 0.4,
        source_slot: if u() < 0.7 { None } else { Some((u() * 4.0) as u16) },
        output_gain: u(),
        sync: u() < 0.5,
        grain_division: NoteValue::ALL[(u() * 21.0) as usize % 21],
        scan_mode: ScanMode::ALL[(u() * 4.0) as usize % 4],
        scan_rate_hz: odd(10.0 * u() * u(), u()),
        scan_division: ScanLength::from_index((u() * ScanLength::NUM as f32) as usize),
        tremolo_division: NoteValue::ALL[(u() * 21.0) as usize % 21],
        lfo1_rate_hz: odd(0.01 + 20.0 * u(), u()),
        lfo1_to_position: 2.0 * u() - 1.0,
        lfo1_to_size: 2.0 * u() - 1.0,
        lfo1_to_pitch: odd(2.0 * u() - 1.0, u()),
        lfo1_to_lowpass: 2.0 * u() - 1.0,
        lfo1_shape: LfoShape::ALL[(u() * 6.0) as usize % 6],
        lfo1_sync: u() < 0.5,
        lfo1_division: NoteValue::ALL[(u() * 21.0) as usize % 21],
        lfo1_retrigger: u() < 0.5,
        lfo2_rate_hz: 0.01 + 20.0 * u(),
        lfo2_to_spray: 2.0 * u() - 1.0,
        lfo2_to_density: odd(2.0 * u() - 1.0, u()),
        lfo2_to_level: 2.0 * u() - 1.0,
        lfo2_shape: LfoShape::ALL[(u() * 6.0) as usize % 6],
        lfo2_sync: u() < 0.5,
        lfo2_division: NoteValue::ALL[(u() * 21.0) as usize % 21],
        lfo2_retrigger: u() < 0.5,
        bend_range_semitones: odd(96.0 * u(), u()),
        pressure_target: ExpressionTarget::ALL[(u() * 4.0) as usize % 4],
        timbre_target: ExpressionTarget::ALL[(u() * 4.0) as usize % 4],
        scale: Scale::ALL[(u() * 10.0) as usize % 10],
        scale_root: ScaleRoot::ALL[(u() * 13.0) as usize % 13],
        ..TextureParams::default()
    }
}

/// A random transport: playing at a random song position, stopped, or without a tempo, sometimes
/// with broken values.
fn random_transport(rng: &mut Pcg32) -> Transport {
    let mut u = || uniform(rng);
    let tempo_bpm = match (u() * 8.0) as u32 {
        0 => None,
        1 => Some(f64::NAN),
        2 => Some(5000.0),
        _ => Some(f64::from(30.0 + 270.0 * u())),
    };
    let beat_position = match (u() * 6.0) as u32 {
        0 => None,
        1 => Some(f64::INFINITY),
        2 => Some(-f64::from(u()) * 8.0),
        _ => Some(f64::from(u()) * 10_000.0),
    };
    Transport { tempo_bpm, beat_position }
}

fn check(x: &[f32], what: &str) {
    for &v in x {
        assert!(v.is_finite() && !v.is_subnormal() && v.abs() < 64.0, "{what}: {v}");
    }
}

#[test]
fn random_automation_never_allocates_and_stays_finite() {
    for sample_rate_hz in [44_100.0f32, 96_000.0] {
        let mut engine = TextureEngine::new();
        engine.prepare(ProcessSpec { sample_rate_hz, max_block_frames: 4096 });
        let mut bank = PadBank::new();
        bank.insert(0, builtin_pad(sample_rate_hz));
        let noise: Vec<f32> = fixtures::signals::white_noise(0.3, 48_000, 4);
        bank.insert(1, Pad::new(7, vec![noise.clone(), noise], 48_000.0, Some(62.0)));
        // A spare pad to swap in and out on the audio thread (moves only), and a place to park the old one.
        let mut spare = Some(Pad::new(8, vec![fixtures::signals::sine(220.0, 0.5, 22_050, 22_050)], 22_050.0, None));
        let mut rng = Pcg32::seed_from_u64(sample_rate_hz as u64);
        let mut left = vec![0.0f32; 4096];
        let mut right = vec![0.0f32; 4096];
        let mut positions = vec![0.0f32; MAX_GRAINS];
        let mut peak_grains = 0;
        let mut rendered = 0usize;
        let total = (8.0 * sample_rate_hz) as usize;

        assert_no_alloc(|| {
            let mut params = random_params(&mut rng);
            while rendered < total {
                let roll = uniform(&mut rng);
                if roll < 0.05 {
                    params = random_params(&mut rng);
                }
                let note = 30 + (uniform(&mut rng) * 70.0) as u8;
                match (uniform(&mut rng) * 12.0) as u32 {
                    0..=2 => engine.note_on(note, uniform(&mut rng)),
                    3..=4 => engine.note_off(note),
                    5 => engine.set_sustain(uniform(&mut rng) < 0.5),
                    6 if roll < 0.3 => {
                        // Expression: MPE channel messages, per-note expressions, the mod wheel.
                        let (channel, value) = ((uniform(&mut rng) * 16.0) as u8, 2.4 * uniform(&mut rng) - 1.2);
                        match (uniform(&mut rng) * 8.0) as u32 {
                            0 => engine.note_on_channel(note, channel, uniform(&mut rng)),
                            1 => engine.set_channel_bend(channel, value),
                            2 => engine.set_channel_pressure(channel, value),
                            3 => engine.set_channel_timbre(channel, value),
                            4 => engine.set_mod_wheel(value),
                            5 => engine.set_note_tuning(note, Some(channel), 200.0 * value),
                            6 => engine.set_note_pressure(note, None, value),
                            _ => engine.set_note_brightness(note, Some(channel), if roll < 0.01 { f32::NAN } else { value }),
                        }
                    }
                    6 if roll < 0.01 => engine.all_notes_off(),
                    7 if roll < 0.01 => engine.reset(rng.next_u64()),
                    8 if roll < 0.02 => {
                        // Swap slot 2: the replaced pad comes back and is kept for the next swap.
                        spare = match spare.take() {
                            Some(pad) => bank.insert(2, pad),
                            None => bank.take(2),
                        };
                    }
                    _ => {}
                }
                let block = [1usize, 17, 64, 256, 511, 4096][(uniform(&mut rng) * 6.0) as usize % 6];
                let block = block.min(total - rendered);
                if roll < 0.3 {
                    engine.set_transport(&random_transport(&mut rng));
                }
                engine.process(&params, &bank, &mut left[..block], &mut right[..block]);
                check(&left[..block], "left");
                check(&right[..block], "right");
                let n = engine.grain_positions(&mut positions);
                assert!(positions[..n].iter().all(|p| (0.0..=1.0).contains(p)));
                peak_grains = peak_grains.max(engine.num_active_grains());
                rendered += block;
            }
        });
        println!("{sample_rate_hz} Hz: {rendered} frames, at most {peak_grains} grains at once");
        assert!(peak_grains > 100, "the random run should stress the pool: {peak_grains}");
        drop(spare);
    }
}
