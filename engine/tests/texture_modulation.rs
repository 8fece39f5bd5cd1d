//! Scales, LFOs and expression in the running engine: what the grains do, read off the engine's
//! grain view and LFO values, across a whole render.

mod common;

use ::engine::texture::{Feel, LfoShape, NoteValue, Scale, ScaleRoot, TextureEngine, TextureParams, Transport, MAX_VOICES};
use common::{bank_with, mono_pad, new_engine, SR};

/// The hold voice's index for `lfo_value`.
const HOLD: usize = MAX_VOICES;

fn sine_pad(root: f32) -> ::engine::texture::Pad {
    mono_pad(fixtures::signals::sine(220.0, 0.5, 44_100, 44_100), root)
}

/// Renders `ticks` control ticks of 64 samples.
fn run(e: &mut TextureEngine, p: &TextureParams, bank: &::engine::texture::PadBank, ticks: usize) {
    let (mut l, mut r) = ([0.0f32; 64], [0.0f32; 64]);
    for _ in 0..ticks {
        e.process(p, bank, &mut l, &mut r);
    }
}

#[test]
fn every_grains_sounding_pitch_lands_on_the_scale() {
    // A pad rooted on A (57), A minor pentatonic on the pad's key, wide spray, a pitch LFO and
    // notes in and out of the scale: every grain must sound on A C D E G.
    let root = 57.0;
    let bank = bank_with(sine_pad(root));
    let mut e = new_engine(3);
    let p = TextureParams {
        scale: Scale::PentatonicMinor,
        scale_root: ScaleRoot::PadKey,
        pitch_spray_semitones: 12.0,
        pitch_semitones: 0.3,
        lfo1_to_pitch: 0.4,
        lfo1_rate_hz: 3.0,
        density_hz: 200.0,
        grain_size_ms: 40.0,
        attack_ms: 1.0,
        ..TextureParams::default()
    };
    let degrees = Scale::PentatonicMinor.degrees();
    let mut checked = 0;
    for note in [57u8, 58, 61, 66, 70] {
        e.note_on(note, 1.0);
        for _ in 0..40 {
            run(&mut e, &p, &bank, 4);
            e.visit_grains(&bank, |g| {
                let sounding = root + g.pitch_semitones;
                let class = (sounding.round() as i32 - 9).rem_euclid(12) as u8;
                assert!((sounding - sounding.round()).abs() < 0.01, "note {note}: grain at {sounding} is between notes");
                assert!(degrees.contains(&class), "note {note}: grain at {sounding} is off the scale");
                checked += 1;
            });
        }
        e.note_off(note);
    }
    assert!(checked > 3000, "{checked} grains checked");
}

#[test]
fn a_fixed_root_moves_the_scale_and_off_leaves_pitches_alone() {
    let bank = bank_with(sine_pad(60.0));
    let pitches = |scale, scale_root| {
        let mut e = new_engine(5);
        let p = TextureParams { scale, scale_root, pitch_spray_semitones: 7.0, density_hz: 300.0, grain_size_ms: 40.0, hold: true, ..TextureParams::default() };
        let mut all = Vec::new();
        for _ in 0..30 {
            run(&mut e, &p, &bank, 8);
            e.visit_grains(&bank, |g| all.push(60.0 + g.pitch_semitones));
        }
        all
    };
    // Whole tone on C#: odd pitch classes only.
    let whole = pitches(Scale::WholeTone, ScaleRoot::CSharp);
    assert!(whole.len() > 300, "{} grains", whole.len());
    for p in &whole {
        assert!((p.round() as i32).rem_euclid(2) == 1 && (p - p.round()).abs() < 0.01, "grain at {p}");
    }
    // Off: the spray is continuous, most grains between semitones.
    let off = pitches(Scale::Off, ScaleRoot::CSharp);
    let between = off.iter().filter(|p| (*p - p.round()).abs() > 0.05).count();
    assert!(between * 2 > off.len(), "{between} of {} between semitones", off.len());
}

#[test]
fn a_synced_lfo_has_the_same_phase_at_the_same_beat_wherever_playback_started() {
    let bank = bank_with(sine_pad(60.0));
    let p = TextureParams {
        hold: true,
        lfo1_sync: true,
        lfo1_shape: LfoShape::Saw,
        lfo1_division: NoteValue { per_whole: 4, feel: Feel::Dotted },
        lfo1_to_position: 0.5,
        ..TextureParams::default()
    };
    // At 120 BPM and 44.1 kHz a beat is 22 050 samples; tick k starts at beat k * 64 / 22 050.
    let play_from = |start_tick: usize, until_tick: usize| {
        let mut e = new_engine(9);
        let (mut l, mut r) = ([0.0f32; 64], [0.0f32; 64]);
        let mut values = Vec::new();
        for tick in start_tick..until_tick {
            let beat = tick as f64 * 64.0 / 22_050.0;
            e.set_transport(&Transport { tempo_bpm: Some(120.0), beat_position: Some(beat) });
            e.process(&p, &bank, &mut l, &mut r);
            values.push((beat, e.lfo_value(0, HOLD)));
        }
        values
    };
    let early = play_from(0, 3000);
    let late = play_from(1700, 3000);
    assert_eq!(&early[1700..], &late[..], "the LFO depends on where playback started");
    // And it is the dotted quarter's saw of the beat (1.5 beats a cycle).
    for &(beat, value) in &early {
        let expected = 2.0 * (beat / 1.5).fract() as f32 - 1.0;
        assert!((value - expected).abs() < 1e-4, "beat {beat}: {value} vs {expected}");
    }
}

#[test]
fn a_retriggered_lfo_restarts_with_each_note_and_a_free_one_does_not() {
    let bank = bank_with(sine_pad(60.0));
    for retrigger in [true, false] {
        let p = TextureParams { lfo2_shape: LfoShape::Saw, lfo2_rate_hz: 2.0, lfo2_retrigger: retrigger, lfo2_to_size: 0.3, attack_ms: 1.0, ..TextureParams::default() };
        let mut e = new_engine(2);
        e.note_on(60, 1.0);
        run(&mut e, &p, &bank, 300);
        e.note_on(67, 1.0);
        run(&mut e, &p, &bank, 1);
        // Voices are taken in order: the first note is voice 0, the second voice 1.
        let (first, second) = (e.lfo_value(1, 0), e.lfo_value(1, 1));
        // Playing the first note again restarts its voice (voice 0, sounding all along).
        run(&mut e, &p, &bank, 150);
        e.note_on(60, 1.0);
        run(&mut e, &p, &bank, 1);
        let (again, second_later) = (e.lfo_value(1, 0), e.lfo_value(1, 1));
        if retrigger {
            assert_eq!(second, -1.0, "the second note's LFO starts its cycle");
            assert!(first > -0.9, "{first}");
            assert_eq!(again, -1.0, "the replayed note's LFO starts its cycle again");
            assert!(second_later > -0.9, "{second_later}");
        } else {
            assert_eq!(first, second, "a free LFO is shared");
            assert!(first > -0.9);
            assert_eq!(again, second_later);
        }
    }
}

#[test]
fn an_lfo_on_density_swings_the_number_of_grains() {
    let bank = bank_with(sine_pad(60.0));
    let p = TextureParams { hold: true, density_hz: 40.0, grain_size_ms: 50.0, lfo1_shape: LfoShape::Square, lfo1_rate_hz: 0.5, lfo1_to_density: 1.0, ..TextureParams::default() };
    let mut e = new_engine(4);
    // Square at 0.5 Hz: one second at x8 (320 grains/s), one at /8 (5 grains/s).
    let ticks_per_second = (SR / 64.0) as usize;
    let (mut high, mut low) = (0usize, 0usize);
    for tick in 0..4 * ticks_per_second {
        run(&mut e, &p, &bank, 1);
        let n = e.num_active_grains();
        match tick % (2 * ticks_per_second) {
            t if t > 100 && t < ticks_per_second => high += n,
            t if t > ticks_per_second + 100 => low += n,
            _ => {}
        }
    }
    let ratio = high as f64 / low.max(1) as f64;
    assert!(ratio > 20.0, "density LFO: {high} grains-ticks up, {low} down");
}

#[test]
fn channel_bend_moves_only_the_notes_on_its_channel_and_after_snapping() {
    // Two notes an octave and a half apart on MPE member channels 2 and 3; a bend on channel 2
    // of +1/4 (12 semitones at the 48-semitone range) moves note 48's grains up an octave, and
    // note 66's not at all; a C major scale still snaps the unbent pitch first (66 -> 65).
    let bank = bank_with(sine_pad(60.0));
    let p = TextureParams { scale: Scale::Major, scale_root: ScaleRoot::C, density_hz: 100.0, grain_size_ms: 30.0, attack_ms: 1.0, ..TextureParams::default() };
    let mut e = new_engine(8);
    e.set_channel_bend(1, 0.25);
    e.note_on_channel(48, 1, 1.0);
    e.note_on_channel(66, 2, 1.0);
    run(&mut e, &p, &bank, 200);
    let mut pitches = Vec::new();
    e.visit_grains(&bank, |g| pitches.push((60.0 + g.pitch_semitones).round() as i32));
    pitches.sort_unstable();
    pitches.dedup();
    assert_eq!(pitches, [60, 65], "bent 48 -> 60, snapped 66 -> 65");
    // The master channel bends everything by up to 2 semitones; CLAP tuning one note.
    e.set_channel_bend(0, 0.5);
    e.set_note_tuning(66, None, -3.0);
    run(&mut e, &p, &bank, 200);
    let mut pitches = Vec::new();
    e.visit_grains(&bank, |g| pitches.push((60.0 + g.pitch_semitones).round() as i32));
    pitches.sort_unstable();
    pitches.dedup();
    assert_eq!(pitches, [61, 63]);
}

#[test]
fn pressure_timbre_and_the_mod_wheel_drive_their_targets() {
    let bank = bank_with(sine_pad(60.0));
    let grains = |setup: &dyn Fn(&mut TextureEngine)| {
        let p = TextureParams { density_hz: 20.0, grain_size_ms: 100.0, attack_ms: 1.0, ..TextureParams::default() };
        let mut e = new_engine(6);
        e.note_on_channel(60, 3, 1.0);
        setup(&mut e);
        let mut total = 0;
        for _ in 0..400 {
            run(&mut e, &p, &bank, 1);
            total += e.num_active_grains();
        }
        total as f64
    };
    let plain = grains(&|_| {});
    let pressed = grains(&|e| e.set_channel_pressure(3, 1.0));
    let other_channel = grains(&|e| e.set_channel_pressure(4, 1.0));
    let poly = grains(&|e| e.set_note_pressure(60, None, 1.0));
    let wheel = grains(&|e| e.set_mod_wheel(1.0));
    assert!(pressed > 5.0 * plain, "pressure -> density x8: {pressed} vs {plain}");
    assert_eq!(other_channel, plain, "another channel's pressure reached the note");
    assert_eq!(poly, pressed, "per-note pressure drives as channel pressure does");
    assert!(wheel > 3.0 * plain, "mod wheel -> density x4: {wheel} vs {plain}");
}
