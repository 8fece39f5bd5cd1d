//! Tempo sync through the built plugin in the CLAP host: one processing session per scenario with
//! the host's transport sent with every block, as a DAW plays. Grain onsets are read off the output:
//! 5 ms grains of the built-in pad, no low-pass, no hiss, so each grain stands alone in silence and
//! its first non-zero sample is its first sample (the grain window is non-zero from its first
//! sample on, and nothing after the grains delays the signal).
//!
//! Built with `--features assert_process_allocs`, these renders also run under the allocation guard.

mod common;

use common::{HostEvent, TestHost, Transport, first_difference, frames, rms};

const SR: f64 = 44_100.0;

/// Synced short grains on the hold voice, set at frame 0 (CLAP values: normalised for float
/// parameters, steps for stepped ones).
fn click_settings(host: &mut TestHost, hold: bool) -> Vec<(usize, HostEvent)> {
    let mut out = Vec::new();
    for (name, value) in [
        ("Sync", 1.0),
        ("Grain Rate", 4.0), // 1/16
        ("Grain Size", 0.0), // 5 ms
        ("Size Spray", 0.0),
        ("Cloud Low-pass", 1.0),
        ("Attack", 0.0),
        ("Hold", if hold { 1.0 } else { 0.0 }),
    ] {
        out.push((0, HostEvent::Param { id: host.param_id(name), value }));
    }
    out
}

/// Where each grain starts: the first non-zero frame (either channel) after 1000 silent ones.
fn onsets(out: &[Vec<f32>; 2]) -> Vec<usize> {
    let mut found = Vec::new();
    let mut silent = 1000;
    for (i, (l, r)) in out[0].iter().zip(&out[1]).enumerate() {
        if *l != 0.0 || *r != 0.0 {
            if silent >= 1000 {
                found.push(i);
            }
            silent = 0;
        } else {
            silent += 1;
        }
    }
    found
}

/// Distance in samples from frame `at` (whose beat is `beat`) to the nearest line of a grid of
/// `division` beats at `tempo_bpm`.
fn off_grid_samples(beat: f64, division: f64, tempo_bpm: f64) -> f64 {
    let lines = beat / division;
    (lines - lines.round()).abs() * division * 60.0 / tempo_bpm * SR
}

#[test]
fn synced_grain_onsets_lie_within_one_sample_of_a_sixteenth_grid_at_120_bpm() {
    for (start, blocks) in [(0i64, &[512usize][..]), (3 * 44_100 + 777, &[333, 64, 1024, 1][..])] {
        let mut host = TestHost::new();
        let events = click_settings(&mut host, true);
        let mut session = host.session(SR, 4096);
        let transport = Transport::playing_at(start);
        session.set_transport(Some(transport));
        let out = session.play(4 * 44_100, blocks, &events);
        let found = onsets(&out);
        // Every 1/16 line after the first tick: 4 s at 120 BPM is 32 lines.
        assert!(found.len() >= 30, "from {start}: only {} onsets", found.len());
        for &frame in &found {
            let beat = transport.advanced(frame).beats(SR);
            let off = off_grid_samples(beat, 0.25, 120.0);
            // "The sample whose beat first reaches the line": the onset lies at most a sample after it.
            assert!(off <= 1.0, "from {start}: onset at frame {frame} (beat {beat}) lies {off} samples off the grid");
        }
        // And no line is skipped: the onsets are a sixteenth apart.
        for pair in found.windows(2) {
            let gap = (pair[1] - pair[0]) as f64;
            assert!((gap - 5512.5).abs() <= 1.0, "from {start}: onsets {pair:?} are not a sixteenth apart");
        }
    }
}

#[test]
fn after_a_tempo_change_the_onsets_follow_the_new_grid_within_a_beat() {
    let mut host = TestHost::new();
    let events = click_settings(&mut host, true);
    let mut session = host.session(SR, 4096);
    let start = 1001;
    session.set_transport(Some(Transport::playing_at(start)));
    let before = session.play(2 * 44_100 + 300, &[512], &events);
    assert!(onsets(&before).len() >= 10);
    // The host changes the tempo to 90 BPM; the beat timeline runs on from where it is.
    let changed = session.transport().expect("transport").with_tempo(90.0, SR);
    session.set_transport(Some(changed));
    let after = session.play(3 * 44_100, &[512], &[]);
    let found = onsets(&after);
    let one_beat_at_90 = (60.0 / 90.0 * SR) as usize;
    assert!(found.first().is_some_and(|&f| f < one_beat_at_90), "no onset within a beat of the change: {found:?}");
    for &frame in &found {
        let beat = changed.advanced(frame).beats(SR);
        let off = off_grid_samples(beat, 0.25, 90.0);
        assert!(off <= 1.0, "onset at {frame} after the change lies {off} samples off the 90 BPM grid");
    }
    for pair in found.windows(2) {
        let gap = (pair[1] - pair[0]) as f64;
        assert!((gap - 7350.0).abs() <= 1.0, "onsets {pair:?} are not a sixteenth at 90 BPM apart");
    }
}

/// A synced cloud with sprays and a ping-pong scan over two bars, played from song position
/// `start` (Hold, or one key held from the session's first frame), returning song positions
/// `from..from + len`.
fn synced_passage(start: i64, from: i64, len: usize, hold: bool) -> [Vec<f32>; 2] {
    let mut host = TestHost::new();
    let mut events = Vec::new();
    for (name, value) in [
        ("Sync", 1.0),
        ("Grain Rate", 19.0), // 1/32T
        ("Position Spray", 0.4),
        ("Pitch Spray", 0.3),
        ("Reverse", 0.3),
        ("Scan", 3.0),        // ping-pong
        ("Scan Length", 3.0), // 2 bars
        ("Hold", if hold { 1.0 } else { 0.0 }),
        ("Seed", 77.0),
    ] {
        events.push((0, HostEvent::Param { id: host.param_id(name), value }));
    }
    if !hold {
        events.push((0, HostEvent::NoteOn { key: 62, velocity: 0.8 }));
    }
    let mut session = host.session(SR, 4096);
    session.set_transport(Some(Transport::playing_at(start)));
    let skip = usize::try_from(from - start).expect("the passage lies after the start");
    let out = session.play(skip + len, &[333, 512, 64, 4096], &events);
    frames(&out, skip..skip + len)
}

#[test]
fn the_same_synced_passage_started_at_two_song_positions_gives_the_same_samples() {
    // The passage: bars 9 and 10 (beats 32..40). Playback starts at bar 1, or a bar and a bit
    // before the passage (the envelope and smoothers settle within that).
    let from = 16 * 44_100;
    let len = 4 * 44_100;
    for hold in [true, false] {
        let early = synced_passage(0, from, len, hold);
        assert!(rms(&early) > 1e-3, "silent");
        let late = synced_passage(from - 2 * 44_100 - 4321, from, len, hold);
        assert_eq!(first_difference(&early, &late), None, "hold {hold}: the passage differs (frame)");
    }
}

#[test]
fn with_the_transport_stopped_the_grid_runs_free_at_the_host_tempo_from_the_note() {
    for tempo_bpm in [120.0, 90.0] {
        let mut host = TestHost::new();
        let mut events = click_settings(&mut host, false);
        let note_at = 10_000 + 37;
        events.push((note_at, HostEvent::NoteOn { key: 60, velocity: 1.0 }));
        let mut session = host.session(SR, 4096);
        // Stopped somewhere in the song: the position does not move and is not used.
        session.set_transport(Some(Transport { tempo_bpm, ..Transport::stopped_at(5 * 44_100 + 123) }));
        let out = session.play(note_at + 3 * 44_100, &[512], &events);
        let found = onsets(&out);
        let sixteenth = 0.25 * 60.0 / tempo_bpm * SR;
        assert!(found.len() >= 10, "{tempo_bpm} BPM: {found:?}");
        for (n, &frame) in found.iter().enumerate() {
            let expected = note_at + (n as f64 * sixteenth - 1e-3).ceil() as usize;
            assert!(frame.abs_diff(expected) <= 1, "{tempo_bpm} BPM: onset {n} at {frame}, the free grid from the note at {expected}");
        }
    }
}
