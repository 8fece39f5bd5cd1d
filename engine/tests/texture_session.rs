//! The texture engine in a session: repeatable renders whatever silence came before, song-position
//! seeding, gain staging across voices, click-free pad swaps and reseeds, all sound off, and a grain
//! pool shared fairly between voices.

mod common;

use ::engine::texture::{builtin_pad, Pad, PadBank, TextureEngine, TextureParams, MAX_GRAINS, REST_AFTER_MS};
use ::engine::transform::match_pad_loudness;
use ::engine::voice::limiter::LIMITER_CEILING_DBFS;
use common::*;
use fixtures::signals;

/// A loudness-matched stereo chord pad, as every mined pad enters the bank.
fn matched_chord(id: u64, notes: &[f64], seed: u64) -> Pad {
    let mut channels = vec![
        signals::chord_pad(notes, 0.5, 8 * 44_100, 44_100, seed),
        signals::chord_pad(notes, 0.5, 8 * 44_100, 44_100, seed + 1),
    ];
    match_pad_loudness(&mut channels);
    Pad::new(id, channels, SR, Some(notes[0] as f32))
}

fn peak(x: &[f32]) -> f32 {
    x.iter().fold(0.0f32, |m, v| m.max(v.abs()))
}

const CHORD: [(usize, Ev); 4] = [(0, Ev::On(48, 0.8)), (0, Ev::On(55, 0.8)), (0, Ev::On(60, 0.8)), (0, Ev::On(64, 0.8))];

#[test]
fn the_same_notes_after_any_silence_give_the_same_samples() {
    let bank = bank_with(builtin_pad(SR));
    let p = TextureParams { hiss_gain: 0.4, flicker_amount: 0.5, ..note_params() };
    let render_after = |silence: usize| {
        let mut e = new_engine(7);
        let events: Vec<(usize, Ev)> = CHORD.iter().map(|&(f, ev)| (f + silence, ev)).collect();
        let (l, _) = render_events(&mut e, &p, &bank, silence + 88_200, 512, &events);
        l[silence..].to_vec()
    };
    let at_once = render_after(0);
    assert!(rms(&at_once) > 1e-3);
    // 3 s of processed silence, and an odd length that moves the notes off the control grid.
    assert!(at_once == render_after(3 * 44_100), "3 s of silence changed the notes");
    assert!(at_once == render_after(1001), "1001 samples of silence changed the notes");
    // And after a note that came and went: the engine rests, then starts clean.
    let mut e = new_engine(7);
    let gap = 44_100 + (REST_AFTER_MS as usize) * 44 + 777;
    let mut events = vec![(0, Ev::On(40, 0.5)), (2000, Ev::Off(40))];
    events.extend(CHORD.iter().map(|&(f, ev)| (f + gap, ev)));
    let (l, _) = render_events(&mut e, &p, &bank, gap + 88_200, 512, &events);
    assert!(e.num_limited_samples() == 0);
    // Without a song position the second sound from silence has its own random streams.
    assert_ne!(&l[gap..], &at_once[..], "a second sound from silence repeated the first");
}

#[test]
fn the_song_position_seeds_a_sound_from_silence() {
    let bank = bank_with(builtin_pad(SR));
    let p = note_params();
    let render_at = |position: i64, silence: usize| {
        let mut e = new_engine(3);
        e.set_song_position(Some(position - silence as i64));
        // The front end gives the position of each block's first sample.
        let (mut l, mut r) = (vec![0.0; silence + 44_100], vec![0.0; silence + 44_100]);
        let mut start = 0;
        while start < l.len() {
            e.set_song_position(Some(position - silence as i64 + start as i64));
            if start == silence {
                CHORD.iter().for_each(|&(_, ev)| if let Ev::On(n, v) = ev { e.note_on(n, v) });
            }
            let end = (start + 256).min(l.len()).min(if start < silence { silence } else { usize::MAX });
            e.process(&p, &bank, &mut l[start..end], &mut r[start..end]);
            start = end;
        }
        l[silence..].to_vec()
    };
    let a = render_at(480_000, 0);
    assert!(a == render_at(480_000, 30_000), "the same song position sounded different");
    assert!(a != render_at(960_000, 0), "different song positions sounded the same");
}

#[test]
fn eight_full_notes_at_defaults_stay_below_the_ceiling_and_the_limiter_rests() {
    let mut bank = PadBank::new();
    for (slot, notes) in [[57.0, 60.0, 64.0], [50.0, 57.0, 65.0], [45.0, 52.0, 60.0]].iter().enumerate() {
        bank.insert(slot, matched_chord(slot as u64 + 1, notes, 5 + slot as u64));
    }
    let events: Vec<(usize, Ev)> = [36u8, 43, 48, 52, 55, 60, 64, 67].iter().map(|&n| (0, Ev::On(n, 1.0))).collect();
    let mut e = new_engine(1);
    let (l, r) = render_events(&mut e, &TextureParams::default(), &bank, 10 * 44_100, 512, &events);
    let (peak_db, rms_db) = (db(f64::from(peak(&l).max(peak(&r)))), db(rms(&l)));
    let stats = e.limiter_stats();
    println!("8 notes at full velocity: peak {peak_db:.2} dBFS (before the limiter {:.2} dBFS), RMS {rms_db:.2} dBFS, limiter on {} samples", stats.peak_in_dbfs, stats.num_limited_samples);
    // Judged before the limiter, which would hold the output under its ceiling whatever came in.
    assert!(stats.peak_in_dbfs < LIMITER_CEILING_DBFS, "the cloud reached {:.2} dBFS before the limiter", stats.peak_in_dbfs);
    assert_eq!(stats.num_limited_samples, 0, "the limiter acted");
    // One note and eight notes: the voice normaliser keeps them within a few dB.
    let mut one = new_engine(1);
    let (single, _) = render_events(&mut one, &TextureParams::default(), &bank, 10 * 44_100, 512, &[(0, Ev::On(60, 1.0))]);
    let spread = rms_db - db(rms(&single));
    assert!(spread.abs() < 4.0, "eight notes are {spread:.1} dB louder than one");
}

#[test]
fn a_replaced_pad_fades_its_grains_instead_of_cutting_them() {
    // Low tones: inside a grain the signal moves slowly, so a grain cut short is a plain step.
    let sine = |hz: f64| mono_pad(signals::sine(hz, 0.5, 4 * 44_100, 44_100), 69.0);
    let p = TextureParams { grain_size_ms: 400.0, density_hz: 6.0, stereo_spread: 0.0, ..held() };
    let render_swap = |fading: bool| {
        let mut e = new_engine(2);
        let mut bank = bank_with(sine(30.0));
        let (mut l, mut r) = (vec![0.0; 88_200], vec![0.0; 88_200]);
        e.process(&p, &bank, &mut l[..44_100], &mut r[..44_100]);
        let new_pad = Pad::new(9, vec![signals::sine(45.0, 0.5, 4 * 44_100, 44_100)], SR, Some(69.0));
        if fading {
            assert!(bank.insert_fading(0, new_pad, 2048).is_none());
        } else {
            bank.insert(0, new_pad);
        }
        for start in (44_100..88_200).step_by(512) {
            let end = (start + 512).min(88_200);
            e.process(&p, &bank, &mut l[start..end], &mut r[start..end]);
            bank.collect_retired(end - start, |_| None);
        }
        local_step_ratio(&l[40_000..50_000])
    };
    let (faded, cut) = (render_swap(true), render_swap(false));
    println!("largest local step at the swap: faded {faded:.1}, cut {cut:.1}");
    assert!(cut > 8.0, "the cut should click (the check would catch it): {cut}");
    assert!(faded < 6.0, "the swap clicked: {faded}");
}

#[test]
fn a_new_seed_keeps_sounding_grains() {
    let bank = bank_with(mono_pad(signals::sine(220.0, 0.5, 4 * 44_100, 44_100), 57.0));
    let p = TextureParams { grain_size_ms: 300.0, stereo_spread: 0.0, ..held() };
    let mut e = new_engine(4);
    let (mut l, mut r) = (vec![0.0; 88_200], vec![0.0; 88_200]);
    e.process(&p, &bank, &mut l[..44_100], &mut r[..44_100]);
    let grains_before = e.num_active_grains();
    e.reseed(5);
    e.process(&p, &bank, &mut l[44_100..44_164], &mut r[44_100..44_164]);
    assert!(e.num_active_grains() >= grains_before, "reseeding ended grains");
    e.process(&p, &bank, &mut l[44_164..], &mut r[44_164..]);
    assert!(local_step_ratio(&l[40_000..50_000]) < 6.0, "the reseed clicked");
    // And the new seed does change what comes next.
    let mut other = new_engine(4);
    let (mut l2, mut r2) = (vec![0.0; 88_200], vec![0.0; 88_200]);
    other.process(&p, &bank, &mut l2, &mut r2);
    assert_ne!(&l[60_000..], &l2[60_000..]);
}

#[test]
fn all_sound_off_and_choke_silence_within_ten_milliseconds() {
    let bank = bank_with(builtin_pad(SR));
    let p = TextureParams { release_ms: 8000.0, ..note_params() };
    for choke in [false, true] {
        let mut e = new_engine(1);
        let (l, _) = render_events(&mut e, &p, &bank, 44_100, 512, &[(0, Ev::On(60, 1.0))]);
        assert!(rms(&l[22_050..]) > 1e-3);
        if choke { e.choke_note(60) } else { e.all_sound_off() }
        let (after, _) = render_events(&mut e, &p, &bank, 4410, 512, &[]);
        // 10 ms, plus the tick the event waits for.
        let settled = 441 + 64;
        assert!(peak(&after[settled..]) < 1e-3, "choke {choke}: {}", peak(&after[settled..]));
    }
}

#[test]
fn a_dense_first_note_leaves_later_notes_their_share_of_grains() {
    let bank = bank_with(mono_pad(signals::sine(440.0, 0.5, 4 * 44_100, 44_100), 69.0));
    // 500 grains/s of 1 s: one voice alone would hold 500 grains; the pool has 1024.
    let p = TextureParams { density_hz: 500.0, grain_size_ms: 1000.0, size_spray: 0.0, ..note_params() };
    let mut e = new_engine(1);
    let notes: Vec<(usize, Ev)> = [57u8, 60, 64, 67].iter().enumerate().map(|(i, &n)| (i * 22_050, Ev::On(n, 1.0))).collect();
    render_events(&mut e, &p, &bank, 3 * 44_100, 512, &notes);
    let counts: Vec<usize> = [57u8, 60, 64, 67].iter().map(|&n| e.num_grains_of_note(n)).collect();
    println!("grains per note with the pool full: {counts:?} of {MAX_GRAINS}");
    let fair = MAX_GRAINS / 4;
    for (note, &count) in [57u8, 60, 64, 67].iter().zip(&counts) {
        assert!(count * 10 >= fair * 8 && count <= fair + 2, "note {note} holds {count} grains, its share is {fair}");
    }
}

#[test]
fn the_engine_rests_after_silence_and_wakes_on_a_note() {
    let bank = bank_with(builtin_pad(SR));
    let mut e: TextureEngine = new_engine(1);
    assert!(e.is_at_rest());
    render_events(&mut e, &note_params(), &bank, 44_100, 512, &[(0, Ev::On(60, 1.0)), (100, Ev::Off(60))]);
    assert!(e.is_at_rest(), "still awake after the release and {REST_AFTER_MS} ms of silence");
    e.note_on(60, 1.0);
    assert!(!e.is_at_rest());
}

#[test]
fn grains_pitched_two_octaves_up_do_not_alias() {
    // One tone a pitch of +24 st carries past the Nyquist frequency (8 kHz -> 32 kHz: it should
    // vanish, not fold back to 12.1 kHz), and one it keeps (3 kHz -> 12 kHz).
    let level = |tone_hz: f64, pitch_semitones: f32| {
        let bank = bank_with(mono_pad(signals::sine(tone_hz, 0.5, 4 * 44_100, 44_100), 60.0));
        let p = TextureParams { pitch_semitones, stereo_spread: 0.0, reverse_probability: 0.0, ..held() };
        let (l, _) = render(&mut new_engine(1), &p, &bank, 3 * 44_100);
        db(rms(&l[44_100..]))
    };
    let (folded, kept, unpitched) = (level(8000.0, 24.0) - level(8000.0, 0.0), level(3000.0, 24.0), level(3000.0, 0.0));
    println!("+24 st: an 8 kHz tone comes out {folded:.1} dB (relative to unpitched); a 3 kHz tone {:.1} dB", kept - unpitched);
    assert!(folded < -60.0, "the 8 kHz tone aliased at {folded:.1} dB");
    assert!((kept - unpitched).abs() < 3.0, "the 3 kHz tone lost {:.1} dB", unpitched - kept);
}
