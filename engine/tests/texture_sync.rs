//! Tempo sync and the position scan in the texture engine: grain onsets on the host's grid,
//! following tempo changes, the same passage from any song position, a free-running grid without
//! a transport, the scan's travel and the synced tremolo.

mod common;

use ::engine::texture::{
    Pad, PadBank, ScanLength, ScanMode, TextureEngine, TextureParams, Transport, WindowShape,
};
use common::*;

/// A pad whose every sample is far from zero and that has no DC (a square wave of 100-sample
/// plateaus at +-0.1): the first sample of a grain reading it is never silent, so in an output of
/// short grains separated by silence each grain's first sample is the first non-zero sample.
fn square_pad() -> Pad {
    let x: Vec<f32> = (0..4 * 44_100).map(|i| if (i / 50) % 2 == 0 { 0.1 } else { -0.1 }).collect();
    Pad::new(5, vec![x], SR, Some(60.0))
}

/// Synced grains short enough to stand apart: 5 ms, no filtering, no hiss.
fn click_params() -> TextureParams {
    TextureParams {
        hold: true,
        sync: true,
        attack_ms: 1.0,
        grain_size_ms: 5.0,
        size_spray: 0.0,
        lowpass_hz: 20_000.0,
        hiss_gain: 0.0,
        window: WindowShape::Hann,
        ..TextureParams::default()
    }
}

/// Where each grain starts: the first non-zero sample after at least 1000 silent ones.
fn onsets(x: &[f32]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut silent = 1000;
    for (i, &v) in x.iter().enumerate() {
        if v != 0.0 {
            if silent >= 1000 {
                out.push(i);
            }
            silent = 0;
        } else {
            silent += 1;
        }
    }
    out
}

/// Renders `num_frames` in blocks of `block` with the transport before each block: the tempo at
/// each block from `tempo_at(frame)`, the song position (beats) advanced by it from `start_beat`
/// when `playing`.
fn render_with_transport(
    e: &mut TextureEngine,
    p: &TextureParams,
    bank: &PadBank,
    num_frames: usize,
    block: usize,
    start_beat: Option<f64>,
    tempo_at: impl Fn(usize) -> f64,
) -> Vec<f32> {
    let (mut l, mut r) = (vec![0.0; num_frames], vec![0.0; num_frames]);
    let mut beat = start_beat;
    let mut start = 0;
    while start < num_frames {
        let end = (start + block).min(num_frames);
        let tempo = tempo_at(start);
        e.set_transport(&Transport { tempo_bpm: Some(tempo), beat_position: beat });
        e.process(p, bank, &mut l[start..end], &mut r[start..end]);
        beat = beat.map(|b| b + (end - start) as f64 * tempo / 60.0 / f64::from(SR));
        start = end;
    }
    l.iter().zip(&r).map(|(a, b)| a + b).collect()
}

/// The first sample at or after each grid line of `division_beats` from `start_beat`, at a fixed tempo.
fn grid(start_beat: f64, tempo_bpm: f64, division_beats: f64, num_frames: usize) -> Vec<usize> {
    let samples_per_beat = 60.0 / tempo_bpm * f64::from(SR);
    let first = (start_beat / division_beats).ceil() as i64;
    (first..)
        .map(|n| ((n as f64 * division_beats - start_beat) * samples_per_beat - 1e-6).ceil() as usize)
        .take_while(|&s| s < num_frames)
        .collect()
}

#[test]
fn synced_grains_start_on_the_sixteenth_grid_within_one_sample() {
    let bank = bank_with(square_pad());
    let p = click_params();
    // Song positions that put the grid between samples, block sizes that do not divide it.
    for (start_beat, block) in [(0.0, 64), (7.3, 100), (123.456_7, 511)] {
        let mut e = new_engine(3);
        let x = render_with_transport(&mut e, &p, &bank, 4 * 44_100, block, Some(start_beat), |_| 120.0);
        let found = onsets(&x);
        let expected = grid(start_beat, 120.0, 0.25, x.len() - 300);
        // Grains start from the first control tick on: the first line may come before the sound.
        let expected: Vec<usize> = expected.into_iter().filter(|&s| s >= 64).collect();
        assert!(found.len() >= expected.len() && expected.len() >= 30, "{start_beat}: {} onsets, {} lines", found.len(), expected.len());
        let found = &found[found.len() - expected.len()..];
        for (f, g) in found.iter().zip(&expected) {
            assert!(f.abs_diff(*g) <= 1, "beat {start_beat}: onset at {f}, grid line at {g}");
        }
    }
}

#[test]
fn synced_onsets_follow_a_tempo_change_at_once() {
    let bank = bank_with(square_pad());
    let p = TextureParams { grain_division: ::engine::texture::NoteValue::QUARTER, ..click_params() };
    let change = 2 * 44_100 + 17;
    let mut e = new_engine(1);
    let tempo = |frame: usize| if frame < change { 120.0 } else { 90.0 };
    let x = render_with_transport(&mut e, &p, &bank, 5 * 44_100, 64, Some(0.0), tempo);
    // The beat of every sample, as the host reports it (the tempo changes at a block start).
    let change_block = change.div_ceil(64) * 64;
    let beat_at = |s: usize| {
        if s < change_block { s as f64 * 2.0 / f64::from(SR) } else { change_block as f64 * 2.0 / f64::from(SR) + (s - change_block) as f64 * 1.5 / f64::from(SR) }
    };
    let after: Vec<usize> = onsets(&x).into_iter().filter(|&s| s > change_block).collect();
    assert!(after.len() >= 3, "{after:?}");
    for s in after {
        let beat = beat_at(s);
        // On a beat, within one sample at 90 BPM.
        let off_samples = (beat - beat.round()).abs() / 1.5 * f64::from(SR);
        assert!(off_samples <= 1.0 + 1e-9, "onset at {s} lies {off_samples} samples off the 90 BPM grid");
    }
}

/// A held sound (Hold, or a key held from the start) rendered from `start_beat` to past beat 24,
/// returning beats 16..24.
fn passage(p: &TextureParams, bank: &PadBank, start_beat: f64, note: bool) -> Vec<f32> {
    let mut e = new_engine(9);
    let samples_per_beat = 0.5 * f64::from(SR);
    let num_frames = ((24.0 - start_beat) * samples_per_beat) as usize + 1;
    if note {
        e.set_transport(&Transport { tempo_bpm: Some(120.0), beat_position: Some(start_beat) });
        e.note_on(62, 0.8);
    }
    let x = render_with_transport(&mut e, p, bank, num_frames, 333, Some(start_beat), |_| 120.0);
    let from = ((16.0 - start_beat) * samples_per_beat).round() as usize;
    x[from..from + 8 * samples_per_beat as usize].to_vec()
}

#[test]
fn a_held_passage_renders_the_same_samples_from_any_song_position() {
    let bank = bank_with(::engine::texture::builtin_pad(SR));
    // Spray everywhere, a synced scan, the drift: everything random or moving is drawn per line.
    let base = TextureParams {
        sync: true,
        attack_ms: 50.0,
        position_spray: 0.4,
        size_spray: 0.5,
        pitch_spray_semitones: 3.0,
        reverse_probability: 0.3,
        grain_division: ::engine::texture::NoteValue::from_label("1/32T").unwrap(),
        ..TextureParams::default()
    };
    let scan = TextureParams { scan_mode: ScanMode::PingPong, scan_division: ScanLength::Bars(2), ..base };
    for (p, what) in [(base, "drift"), (scan, "scan")] {
        for note in [false, true] {
            let p = TextureParams { hold: !note, ..p };
            let a = passage(&p, &bank, 0.0, note);
            assert!(rms(&a) > 1e-3, "{what}: silent");
            for start in [3.7, 11.0] {
                let b = passage(&p, &bank, start, note);
                let same = a.iter().zip(&b).filter(|(x, y)| x == y).count();
                assert!(a == b, "{what}, note {note}: from beat {start} {same} of {} samples the same", a.len());
            }
            // Not synced, the same passage depends on where playback started.
            let free = TextureParams { sync: false, ..p };
            assert!(passage(&free, &bank, 0.0, note) != passage(&free, &bank, 3.7, note), "{what}: free grains repeated");
        }
    }
}

#[test]
fn without_a_song_position_the_grid_runs_free_from_the_first_note_at_the_tempo() {
    let bank = bank_with(square_pad());
    let p = TextureParams { hold: false, ..click_params() };
    for (tempo, given) in [(120.0, None), (90.0, Some(90.0))] {
        let mut e = new_engine(2);
        let silence = 10_000 + 37;
        let total = silence + 3 * 44_100;
        let (mut l, mut r) = (vec![0.0; total], vec![0.0; total]);
        let mut start = 0;
        while start < total {
            let end = (start + 128).min(total).min(if start < silence { silence } else { total });
            e.set_transport(&Transport { tempo_bpm: given, beat_position: None });
            if start == silence {
                e.note_on(60, 1.0);
            }
            e.process(&p, &bank, &mut l[start..end], &mut r[start..end]);
            start = end;
        }
        let x: Vec<f32> = l.iter().zip(&r).map(|(a, b)| a + b).collect();
        let found: Vec<usize> = onsets(&x).into_iter().map(|s| s - silence).collect();
        let expected = grid(0.0, tempo, 0.25, total - silence - 300);
        assert_eq!(found.len(), expected.len(), "{tempo} BPM: {found:?}");
        for (f, g) in found.iter().zip(&expected) {
            assert!(f.abs_diff(*g) <= 1, "{tempo} BPM: onset at {f}, free grid at {g}");
        }
    }
}

/// The start (0..1 of the pad) of each grain born during a render of `num_frames` in 64-sample
/// blocks from beat 0 at 120 BPM (or without a transport), with the beat of its birth.
fn grain_starts(p: &TextureParams, num_frames: usize, transport: bool) -> Vec<(f64, f32)> {
    let bank = bank_with(square_pad());
    let mut e = new_engine(4);
    let mut out = Vec::new();
    let (mut l, mut r) = ([0.0; 64], [0.0; 64]);
    for block in 0..num_frames / 64 {
        let beat = (block * 64) as f64 * 2.0 / f64::from(SR);
        e.set_transport(&Transport { tempo_bpm: Some(120.0), beat_position: transport.then_some(beat) });
        e.process(p, &bank, &mut l, &mut r);
        e.visit_grains(&bank, |g| {
            // Born in this block: its age is under 64 samples of a 5 ms grain.
            if g.age < 64.0 / 220.0 {
                out.push((beat, g.position));
            }
        });
    }
    out
}

#[test]
fn a_synced_scan_travels_the_pad_once_per_pass_locked_to_the_beat() {
    let p = TextureParams {
        position: 0.2,
        position_spray: 0.0,
        scan_mode: ScanMode::Forward,
        scan_division: ScanLength::Note(::engine::texture::NoteValue::WHOLE),
        ..click_params()
    };
    let starts = grain_starts(&p, 6 * 44_100, true);
    assert!(starts.len() > 40);
    for &(beat, pos) in &starts {
        // One pass per bar (4 beats), from `position`.
        let expected = (0.2 + beat / 4.0).rem_euclid(1.0) as f32;
        let d = (pos - expected).abs().min(1.0 - (pos - expected).abs());
        assert!(d < 0.01, "beat {beat}: grain at {pos}, scan at {expected}");
    }
    let back = grain_starts(&TextureParams { scan_mode: ScanMode::Backward, ..p }, 2 * 44_100, true);
    assert!(back.windows(2).filter(|w| w[1].0 > w[0].0 + 0.2).all(|w| {
        let step = (w[1].1 - w[0].1).rem_euclid(1.0);
        step > 0.5 // moving backwards: a small step down wraps to nearly 1
    }));
}

/// What the engine publishes as the read position's travel (for the editor's grain display) is
/// where its grains start, in every mode: the drift, free and synced, and the scans.
#[test]
fn the_published_travel_is_where_new_grains_read() {
    let base = TextureParams { position: 0.2, position_spray: 0.0, reverse_probability: 0.0, ..click_params() };
    let cases = [
        TextureParams { scan_mode: ScanMode::Drift, sync: false, density_hz: 40.0, ..base },
        TextureParams { scan_mode: ScanMode::Drift, ..base },
        TextureParams { scan_mode: ScanMode::Forward, scan_division: ScanLength::Bars(2), ..base },
        TextureParams { scan_mode: ScanMode::PingPong, sync: false, density_hz: 40.0, scan_rate_hz: 0.7, ..base },
        TextureParams { scan_mode: ScanMode::Backward, ..base },
    ];
    let bank = bank_with(square_pad());
    let pad_sec = 4.0;
    for p in cases {
        let mut e = new_engine(4);
        let (mut l, mut r) = ([0.0; 64], [0.0; 64]);
        let mut seen = 0;
        for block in 0..3 * 44_100 / 64 {
            let beat = (block * 64) as f64 * 2.0 / f64::from(SR);
            e.set_transport(&Transport { tempo_bpm: Some(120.0), beat_position: Some(beat) });
            e.process(&p, &bank, &mut l, &mut r);
            let expected = (f64::from(p.position) + e.travel().fraction_of(pad_sec)).rem_euclid(1.0) as f32;
            e.visit_grains(&bank, |g| {
                if g.age < 64.0 / 220.0 {
                    let d = (g.position - expected).abs();
                    assert!(d.min(1.0 - d) < 0.01, "{:?} sync {}: grain at {}, travel says {expected}", p.scan_mode, p.sync, g.position);
                    seen += 1;
                }
            });
        }
        eprintln!("{:?} sync {}: {seen} grains where the travel said", p.scan_mode, p.sync);
        assert!(seen > 15, "{:?}: only {seen} grains", p.scan_mode);
    }
}

#[test]
fn a_free_scan_at_rate_zero_holds_still_and_moves_at_its_rate() {
    let still = TextureParams {
        sync: false,
        density_hz: 40.0,
        position: 0.3,
        position_spray: 0.0,
        scan_mode: ScanMode::Forward,
        scan_rate_hz: 0.0,
        // Forward grains only: a reversed grain starts at the far end of its span.
        reverse_probability: 0.0,
        ..click_params()
    };
    let starts = grain_starts(&still, 3 * 44_100, false);
    assert!(starts.len() > 50);
    assert!(starts.iter().all(|&(_, pos)| (pos - 0.3).abs() < 1e-3), "{starts:?}");
    // Half a pass per second, forward: 1.5 s later a quarter... three quarters further on.
    let moving = grain_starts(&TextureParams { scan_rate_hz: 0.5, ..still }, 3 * 44_100, false);
    let (b0, p0) = moving[5];
    let (b1, p1) = moving[moving.len() - 5];
    let seconds = (b1 - b0) / 2.0;
    let travelled = (p1 - p0).rem_euclid(1.0);
    assert!((f64::from(travelled) - (0.5 * seconds).rem_euclid(1.0)).abs() < 0.01, "{travelled} in {seconds} s");
}

#[test]
fn the_synced_tremolo_peaks_on_the_beat() {
    let bank = bank_with(square_pad());
    let p = TextureParams {
        hold: true,
        sync: true,
        cloud_gain: 0.0,
        hiss_gain: 1.0,
        tremolo_depth: 1.0,
        tremolo_division: ::engine::texture::NoteValue::QUARTER,
        ..TextureParams::default()
    };
    let mut e = new_engine(6);
    let start_beat = 5.37;
    let x = render_with_transport(&mut e, &p, &bank, 4 * 44_100, 64, Some(start_beat), |_| 120.0);
    let samples_per_beat = 22_050.0;
    // RMS of 1/16-beat windows at each phase of the beat, over the beats rendered.
    let mut by_phase = [0.0f64; 16];
    let first_beat = start_beat.ceil();
    for beat in 0..6 {
        for (k, acc) in by_phase.iter_mut().enumerate() {
            let from = ((first_beat + f64::from(beat) + k as f64 / 16.0 - start_beat) * samples_per_beat) as usize;
            let to = from + (samples_per_beat / 16.0) as usize;
            *acc += rms(&x[from.saturating_sub(689)..to.saturating_sub(689)]);
        }
    }
    // Loudest around the beat (the window centred on it), quietest half a beat later.
    let loudest = (0..16).max_by(|&a, &b| by_phase[a].total_cmp(&by_phase[b])).unwrap();
    let quietest = (0..16).min_by(|&a, &b| by_phase[a].total_cmp(&by_phase[b])).unwrap();
    assert!([0, 1, 15].contains(&loudest), "{by_phase:?}");
    assert!((7..=9).contains(&quietest), "{by_phase:?}");
}

#[test]
fn after_the_host_loops_back_the_grid_starts_again_on_its_lines() {
    let bank = bank_with(square_pad());
    let p = click_params();
    let mut e = new_engine(8);
    // Beats 2..6, then the host loops back to beat 2 (a block start), twice.
    let loop_frames = 4 * 22_050 + 40; // not a whole number of blocks
    let mut x = Vec::new();
    for _ in 0..3 {
        x.extend(render_with_transport(&mut e, &p, &bank, loop_frames, 64, Some(2.0), |_| 120.0));
    }
    let expected: Vec<usize> = grid(2.0, 120.0, 0.25, loop_frames - 300);
    for pass in 1..3 {
        let from = pass * loop_frames;
        let found: Vec<usize> = onsets(&x[from..from + loop_frames - 300]).into_iter().collect();
        assert_eq!(found.len(), expected.len(), "pass {pass}: {found:?}");
        for (f, g) in found.iter().zip(&expected) {
            assert!(f.abs_diff(*g) <= 1, "pass {pass}: onset at {f}, grid line at {g}");
        }
    }
}
