//! Expression in a real CLAP host (clack-host, one processing session per scenario, events at
//! frame offsets): per-note pitch bend from CLAP tuning expressions and from MPE channel bend moves
//! one note's pitch and not another's; pressure (CLAP and MPE) and timbre (CLAP brightness, MPE
//! CC 74) drive their default targets (density, low-pass); the mod wheel opens the Bloom macro;
//! CLAP polyphonic modulation moves one note's parameter and not another's, automation of the knob
//! moves both with the modulated note's offset kept, and the plugin tells the host when each note's
//! voice has ended (CLAP note-end, which a modulating host waits for to free its modulators).
//! Pitch and level are measured in the output: two notes far apart (C2 and C6 of the built-in
//! harmonic pad) and the power at their fundamentals.
//!
//! Built with `--features assert_process_allocs`, every render runs under the allocation guard.

mod common;

use common::pitch::{assert_only_the_low_note_moved, hz};
use common::{HostEvent, NoteExpressionType, TestHost};
use nice_plug::prelude::Param;

const SR: f64 = 48_000.0;
const BLOCK: usize = 512;
const LOW: u16 = 36;
const HIGH: u16 = 84;

/// Power near `f_hz` in the output, dB (see [`common::pitch::band_db`]).
fn band_db(x: &[f32], f_hz: f64) -> f64 {
    common::pitch::band_db(x, f_hz, SR)
}

/// The left channel of a stretch of output.
fn left(out: &[Vec<f32>; 2]) -> Vec<f32> {
    out[0].clone()
}

fn secs(s: f64) -> usize {
    (s * SR) as usize
}

/// Plays `events` for `seconds`, returns the last second of output (left).
fn segment(session: &mut common::Session<'_>, seconds: f64, events: &[(usize, HostEvent)]) -> Vec<f32> {
    let out = left(&session.play(secs(seconds), &[BLOCK], events));
    out[out.len() - secs(1.0)..].to_vec()
}

fn tuning(key: u16, channel: u16, semitones: f64) -> HostEvent {
    HostEvent::Expression { key, channel, kind: NoteExpressionType::Tuning, value: semitones }
}

/// A 14-bit MIDI pitch bend on `channel` (0-based) by `semitones` at the 48-semitone MPE range.
fn mpe_bend(channel: u8, semitones: f64) -> HostEvent {
    let raw = (8192.0 + semitones / 48.0 * 8192.0).round() as u16;
    HostEvent::Midi([0xe0 | channel, (raw & 0x7f) as u8, (raw >> 7) as u8])
}

fn midi_note_on(channel: u8, key: u16) -> HostEvent {
    HostEvent::Midi([0x90 | channel, key as u8, 100])
}

#[test]
fn a_clap_tuning_expression_bends_its_own_note_and_not_the_other() {
    let mut host = TestHost::new();
    let mut session = host.session(SR, BLOCK as u32);
    let on = [(0, HostEvent::NoteOn { key: LOW, velocity: 0.9 }), (0, HostEvent::NoteOn { key: HIGH, velocity: 0.9 })];
    let before = segment(&mut session, 2.0, &on);
    // The expression lands mid-block, at its own frame.
    let after = segment(&mut session, 2.0, &[(300, tuning(LOW, 0, 7.0))]);
    assert_only_the_low_note_moved(&before, &after, SR);
}

#[test]
fn an_mpe_channel_bend_bends_the_note_on_its_channel_and_not_the_other() {
    let mut host = TestHost::new();
    let mut session = host.session(SR, BLOCK as u32);
    // MPE lower zone: notes on member channels 2 and 3 (indices 1 and 2).
    let on = [(0, midi_note_on(1, LOW)), (0, midi_note_on(2, HIGH))];
    let before = segment(&mut session, 2.0, &on);
    let after = segment(&mut session, 2.0, &[(700, mpe_bend(1, 7.0))]);
    assert_only_the_low_note_moved(&before, &after, SR);
}

#[test]
fn pressure_thickens_its_own_note_by_default() {
    // Pressure drives density by default (up to 8x): the pressed note's fundamental gains about
    // 9 dB (uncorrelated grains add in power; about 5 measured), the other note's stays.
    for press in [
        HostEvent::Expression { key: LOW, channel: 1, kind: NoteExpressionType::Pressure, value: 1.0 },
        HostEvent::Midi([0xd1, 127, 0]),
    ] {
        let mut host = TestHost::new();
        let mut session = host.session(SR, BLOCK as u32);
        let on = [(0, midi_note_on(1, LOW)), (0, midi_note_on(2, HIGH))];
        let before = segment(&mut session, 2.0, &on);
        let after = segment(&mut session, 2.0, &[(100, press)]);
        let (c2, c6) = (hz(36.0), hz(84.0));
        let gain_low = band_db(&after, c2) - band_db(&before, c2);
        let gain_high = band_db(&after, c6) - band_db(&before, c6);
        println!("{press:?}: low {gain_low:+.1} dB, high {gain_high:+.1} dB");
        assert!(gain_low > 3.0, "pressure did not thicken its note: {gain_low:+.1} dB");
        assert!(gain_high.abs() < 3.0, "pressure reached the other note: {gain_high:+.1} dB");
    }
}

/// Mean power at harmonics 12-16 of C3 (1.6-2.1 kHz) against harmonics 1-3, dB: how open the
/// cloud's low-pass is on a note at the pad's root (C3). A 1 kHz low-pass takes 8-13 dB off them.
fn brightness_db(x: &[f32]) -> f64 {
    let mean = |ks: std::ops::RangeInclusive<u32>| {
        let n = ks.clone().count() as f64;
        ks.map(|k| band_db(x, f64::from(k) * hz(48.0))).sum::<f64>() / n
    };
    mean(12..=16) - mean(1..=3)
}

#[test]
fn timbre_closes_and_opens_the_low_pass_from_clap_brightness_and_mpe_cc74() {
    let mut host = TestHost::new();
    let mut session = host.session(SR, BLOCK as u32);
    let neutral = segment(&mut session, 2.0, &[(0, midi_note_on(1, 48))]);
    // CLAP brightness 0: the low-pass falls four octaves (16 kHz -> 1 kHz).
    let dark = segment(&mut session, 1.5, &[(0, HostEvent::Expression { key: 48, channel: 1, kind: NoteExpressionType::Brightness, value: 0.0 })]);
    let back = segment(&mut session, 1.5, &[(0, HostEvent::Expression { key: 48, channel: 1, kind: NoteExpressionType::Brightness, value: 0.5 })]);
    // MPE timbre: CC 74 at 0 on the note's channel does the same.
    let cc74 = segment(&mut session, 1.5, &[(0, HostEvent::Midi([0xb1, 74, 0]))]);
    let [n, d, b, c] = [&neutral, &dark, &back, &cc74].map(|x| brightness_db(x));
    println!("harmonics 12-16 vs 1-3: neutral {n:.1} dark {d:.1} back {b:.1} cc74 {c:.1}");
    assert!(n - d > 8.0, "brightness 0 should darken: {n:.1} -> {d:.1} dB");
    assert!((b - n).abs() < 3.0, "brightness 0.5 should be neutral again: {b:.1} vs {n:.1}");
    assert!(n - c > 8.0, "CC 74 at 0 should darken: {n:.1} -> {c:.1} dB");
}

#[test]
fn the_mod_wheel_blooms_the_cloud() {
    let mut host = TestHost::new();
    let lowpass = host.params().into_iter().find(|p| p.name == "Cloud Low-pass").expect("low-pass parameter");
    // nice-plug's CLAP parameters are normalised: 1 kHz on the skewed 200 Hz..20 kHz range.
    let at_1khz = afterglow_plugin::params::AfterglowParams::default().lowpass_hz.preview_normalized(1000.0);
    let mut session = host.session(SR, BLOCK as u32);
    let setup = [(0, HostEvent::Param { id: lowpass.id, value: f64::from(at_1khz) }), (0, HostEvent::NoteOn { key: 48, velocity: 0.9 })];
    let still = segment(&mut session, 2.0, &setup);
    let bloom = segment(&mut session, 2.0, &[(0, HostEvent::Midi([0xb0, 1, 127]))]);
    let back = segment(&mut session, 2.0, &[(0, HostEvent::Midi([0xb0, 1, 0]))]);
    let [s, b, r] = [&still, &bloom, &back].map(|x| brightness_db(x));
    let level = |x: &[f32]| band_db(x, hz(48.0));
    println!("harmonics 12-16 vs 1-3: still {s:.1} bloom {b:.1} back {r:.1}; C3 {:.1} {:.1}", level(&still), level(&bloom));
    assert!(b - s.max(r) > 3.0, "the wheel should open the low-pass: {s:.1} / {r:.1} -> {b:.1} dB");
    assert!(level(&bloom) - level(&still) > 3.0, "the wheel should thicken the cloud");
}

/// Power at `note`'s fundamental minus the most of the power at `others`, dB.
fn stands_out(x: &[f32], note: f64, others: &[f64]) -> f64 {
    band_db(x, hz(note)) - others.iter().map(|&o| band_db(x, hz(o))).fold(f64::MIN, f64::max)
}

#[test]
fn clap_polyphonic_modulation_moves_its_own_note_and_the_host_hears_each_note_end() {
    let mut host = TestHost::new();
    let pitch = host.params().into_iter().find(|p| p.name == "Pitch").expect("pitch parameter");
    let knob = afterglow_plugin::params::AfterglowParams::default().pitch_semitones;
    let mut session = host.session(SR, BLOCK as u32);
    let on = [(0, HostEvent::NoteOnId { key: LOW, note_id: 1, velocity: 0.9 }), (0, HostEvent::NoteOnId { key: HIGH, note_id: 2, velocity: 0.9 })];
    let before = segment(&mut session, 2.0, &on);
    // +7 semitones for note 1 only (a normalised offset on the knob's -24..+24 range), mid-block.
    let seven = f64::from(knob.preview_normalized(7.0) - knob.preview_normalized(0.0));
    let after = segment(&mut session, 2.0, &[(300, HostEvent::PolyMod { id: pitch.id, key: LOW, note_id: 1, amount: seven })]);
    assert_only_the_low_note_moved(&before, &after, SR);

    // The knob automated to +20: both notes rise; note 1's value is the knob's plus its offset,
    // which the knob's +24 top limits (C2 + 24 = C4, not C2 + 27 = D#4); note 2 follows the knob
    // (it leaves C6).
    let raised = segment(&mut session, 2.0, &[(0, HostEvent::Param { id: pitch.id, value: f64::from(knob.preview_normalized(20.0)) })]);
    let low = stands_out(&raised, 60.0, &[36.0, 43.0, 56.0, 63.0]);
    let left_c6 = band_db(&after, hz(84.0)) - band_db(&raised, hz(84.0));
    println!("after the knob moved: C4 stands {low:.1} dB over C2/G2/G#3/D#4; C6 fell {left_c6:.1} dB");
    assert!(low > 15.0, "the modulated note should sound on C4 (the knob's +20 and its own +7, limited to +24)");
    assert!(left_c6 > 15.0, "the other note should follow the knob");

    // Held notes have not ended; released, each ends once its release is over, and the plugin
    // says so with the host's note id and key.
    assert_eq!(session.take_note_ends(), Vec::new(), "a held note was reported ended");
    let released_at = session.frames_played();
    segment(&mut session, 4.0, &[(0, HostEvent::NoteOffId { key: LOW, note_id: 1 }), (0, HostEvent::NoteOffId { key: HIGH, note_id: 2 })]);
    let mut ends = session.take_note_ends();
    ends.sort_by_key(|e| e.note_id);
    println!("note ends: {ends:?} (released at frame {released_at})");
    let ids: Vec<(Option<u32>, Option<u16>)> = ends.iter().map(|e| (e.note_id, e.key)).collect();
    assert_eq!(ids, [(Some(1), Some(LOW)), (Some(2), Some(HIGH))], "each note should end once, with its id and key");
    // The default release (1.5 s) is over before the voice ends.
    assert!(ends.iter().all(|e| e.frame >= released_at + secs(1.0) as u64), "a note ended before its release was over");
}
