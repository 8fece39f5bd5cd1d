//! The built plugin library in a real CLAP host (clack-host), in-process: descriptor, ports and
//! parameters; long renders with held notes and random sample-accurate automation; state round
//! trips; block sizes and sample rates; reactivation; mining a temporary archive while a session
//! plays; repeatability across silences and song positions within DAW-like sessions; the safety
//! limiter's counters.
//!
//! Built with `--features assert_process_allocs`, the same renders run under nice-plug's
//! allocation guard: any allocation inside `process()` aborts the test process.

mod common;

use std::time::{Duration, Instant};

use common::in_process::InProcessPlugin;
use common::{
    HostEvent, TestHost, Transport, all_finite_within, archive_path_in_state, first_difference, frames, peak_dbfs, rms,
    state_with_archive_path,
};
use engine::voice::limiter::LIMITER_CEILING_DBFS;
use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg32;

/// Loudest sample the plugin may produce: the safety limiter's ceiling (-1.5 dBFS), whatever the
/// gains before it. A check of the limiter, not of the gain staging (the limiter counters are).
const SAMPLE_LIMIT: f32 = 0.841_4 * (1.0 + 1e-4);

/// Uniform in 0..1.
fn unit(rng: &mut Pcg32) -> f64 {
    f64::from(rng.next_u32()) / 4_294_967_296.0
}

/// Uniform in 0..n.
fn below(rng: &mut Pcg32, n: usize) -> usize {
    (unit(rng) * n as f64) as usize % n.max(1)
}

const CHORD: [u16; 5] = [48, 55, 60, 64, 67];

fn chord_on(frame: usize) -> Vec<(usize, HostEvent)> {
    CHORD.iter().map(|&key| (frame, HostEvent::NoteOn { key, velocity: 0.8 })).collect()
}

/// The chord pressed at `on` and released at `off`.
fn chord_held(on: usize, off: usize) -> Vec<(usize, HostEvent)> {
    let mut events = chord_on(on);
    events.extend(CHORD.iter().map(|&key| (off, HostEvent::NoteOff { key })));
    events
}

#[test]
fn descriptor_ports_and_parameters() {
    let mut host = TestHost::new();
    let (id, name, vendor, version, features) = host.descriptor();
    assert_eq!(id, "org.afterglow.instrument");
    assert_eq!(name, "Afterglow");
    assert!(!vendor.is_empty());
    assert_eq!(version, env!("CARGO_PKG_VERSION"));
    for feature in ["instrument", "synthesizer", "granular", "stereo"] {
        assert!(features.iter().any(|f| f == feature), "missing feature {feature}: {features:?}");
    }

    let (outputs, channels, inputs, note_inputs) = host.ports();
    assert_eq!((outputs, channels, inputs, note_inputs), (1, 2, 0, 1));

    let params = host.params();
    let names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
    for expected in [
        "Position", "Position Spray", "Grain Size", "Size Spray", "Density", "Pitch", "Pitch Spray",
        "Stereo Spread", "Window", "Reverse", "Freeze", "Cloud Level", "Cloud Low-pass", "Hiss Level",
        "Hiss Tone", "Tremolo Rate", "Tremolo Depth", "Flicker", "Attack", "Release", "Hold", "Source",
        "Seed", "Output Gain", "Scale", "Scale Root", "LFO 1 Shape", "LFO 1 Rate", "LFO 1 Sync", "LFO 1 Division",
        "LFO 1 Retrigger", "LFO 1 to Position", "LFO 1 to Spray", "LFO 1 to Size", "LFO 1 to Density", "LFO 1 to Pitch",
        "LFO 1 to Low-pass", "LFO 1 to Level", "LFO 2 Shape", "LFO 2 Rate", "LFO 2 Sync", "LFO 2 Division",
        "LFO 2 Retrigger", "LFO 2 to Position", "LFO 2 to Spray", "LFO 2 to Size", "LFO 2 to Density", "LFO 2 to Pitch",
        "LFO 2 to Low-pass", "LFO 2 to Level", "Bend Range", "Pressure Target", "Timbre Target", "Sync", "Grain Rate", "Scan", "Scan Rate",
        "Scan Length", "Tremolo Length",
    ] {
        assert!(names.contains(&expected), "missing parameter {expected}: {names:?}");
    }
    assert_eq!(params.len(), 59, "{names:?}");
    let mut ids: Vec<u32> = params.iter().map(|p| p.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), params.len(), "parameter ids collide");
    let source = params.iter().find(|p| p.name == "Source").expect("source");
    assert!(source.is_stepped);
    assert_eq!((source.min_value, source.max_value, source.default_value), (0.0, 64.0, 0.0));
    let window = params.iter().find(|p| p.name == "Window").expect("window");
    assert_eq!(window.max_value, 3.0);
    // Note values: 21 steps (1/1 to 1/64, straight, dotted, triplet), 1/16 by default.
    let rate = params.iter().find(|p| p.name == "Grain Rate").expect("grain rate");
    assert!(rate.is_stepped);
    assert_eq!((rate.min_value, rate.max_value, rate.default_value.round()), (0.0, 20.0, 4.0));
}

#[test]
fn held_notes_with_random_sample_accurate_automation() {
    let mut host = TestHost::new();
    let params = host.params();
    let sample_rate_hz = 48_000.0;
    let block = 512;
    let num_frames = 10 * 48_000 + 123;
    host.activate(sample_rate_hz, block as u32);

    let mut rng = Pcg32::seed_from_u64(5);
    let mut events = chord_on(0);
    events.push((0, HostEvent::Midi([0xB0, 64, 127])));
    // Thirty automation points per second, at random frames, each a random parameter set to a
    // random value. Levels, gain and envelope times stay in the audible half of their ranges so
    // the render cannot fall silent by chance.
    for _ in 0..300 {
        let frame = below(&mut rng, num_frames);
        let param = &params[below(&mut rng, params.len())];
        let value = param.audible_value(unit(&mut rng));
        events.push((frame, HostEvent::Param { id: param.id, value }));
    }
    events.push((num_frames / 2, HostEvent::Midi([0xB0, 64, 0])));
    events.push((num_frames / 2 + 7, HostEvent::NoteOff { key: 60 }));
    events.push((num_frames / 2 + 9, HostEvent::NoteOn { key: 72, velocity: 0.5 }));

    let out = host.render(num_frames, block, &events);
    assert!(all_finite_within(&out, SAMPLE_LIMIT));
    let loudness = rms(&out);
    assert!(loudness > 1e-3, "render is silent: rms {loudness}");
    // Not silent anywhere for long: every second has sound.
    for second in out[0].chunks(48_000) {
        let level = (second.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>() / second.len() as f64).sqrt();
        assert!(level > 1e-5, "a silent second: rms {level}");
    }
}

#[test]
fn state_round_trip_restores_parameters_and_archive_path() {
    let mut first = TestHost::new();
    let params = first.params();
    first.activate(48_000.0, 256);
    let mut rng = Pcg32::seed_from_u64(11);
    let mut events = Vec::new();
    for param in &params {
        let mut value = param.min_value + unit(&mut rng) * (param.max_value - param.min_value);
        if param.is_stepped {
            value = value.round();
        }
        events.push((0, HostEvent::Param { id: param.id, value }));
    }
    first.render(256, 256, &events);
    let folder = tempfile::tempdir().expect("temp dir");
    let path = folder.path().join("no such archive").display().to_string();
    let saved = state_with_archive_path(&first.save_state(), &path);
    // The bank size is saved with the project too: 12 pads instead of the default 64.
    // The state is a little-endian u64 length, then the JSON.
    let body = String::from_utf8(saved[8..].to_vec()).expect("JSON state").replace(r#""bank_size":"64""#, r#""bank_size":"12""#);
    let mut saved = (body.len() as u64).to_le_bytes().to_vec();
    saved.extend_from_slice(body.as_bytes());
    first.load_state(&saved);
    let expected: Vec<(u32, f64)> = params.iter().map(|p| (p.id, first.param_value(p.id))).collect();

    let mut second = TestHost::new();
    second.load_state(&saved);
    for (id, value) in expected {
        let restored = second.param_value(id);
        assert!((restored - value).abs() < 1e-6, "parameter {id}: {restored} != {value}");
    }
    assert_eq!(archive_path_in_state(&second.save_state()), path);
    let resaved = String::from_utf8(second.save_state()[8..].to_vec()).expect("JSON state");
    assert!(resaved.contains(r#""bank_size":"12""#), "{resaved}");
}

#[test]
fn block_sizes_and_sample_rates_give_valid_output() {
    for sample_rate_hz in [44_100.0, 48_000.0, 96_000.0] {
        for block in [1usize, 64, 512, 4096] {
            let mut host = TestHost::new();
            host.activate(sample_rate_hz, 4096);
            let num_frames = (sample_rate_hz as usize) / 2;
            let out = host.render(num_frames, block, &chord_on(0));
            assert!(all_finite_within(&out, SAMPLE_LIMIT), "{sample_rate_hz} Hz, block {block}");
            let loudness = rms(&out);
            assert!(loudness > 1e-4, "{sample_rate_hz} Hz, block {block}: rms {loudness}");
        }
    }
}

#[test]
fn output_does_not_depend_on_the_host_block_size() {
    let render = |block: usize| {
        let mut host = TestHost::new();
        host.activate(48_000.0, 4096);
        let mut events = chord_on(100);
        events.push((30_000, HostEvent::NoteOff { key: 55 }));
        host.render(48_000, block, &events)
    };
    let reference = render(512);
    for block in [1usize, 64, 4096] {
        let out = render(block);
        let max_diff = reference
            .iter()
            .zip(&out)
            .flat_map(|(a, b)| a.iter().zip(b).map(|(x, y)| (x - y).abs()))
            .fold(0.0f32, f32::max);
        assert!(max_diff < 1e-6, "block {block}: max difference {max_diff}");
    }
}

#[test]
fn deactivate_and_reactivate_at_another_rate() {
    let mut host = TestHost::new();
    host.activate(48_000.0, 512);
    let first = host.render(24_000, 512, &chord_on(0));
    assert!(rms(&first) > 1e-4 && all_finite_within(&first, SAMPLE_LIMIT));
    host.deactivate();
    host.activate(96_000.0, 1024);
    let second = host.render(48_000, 1000, &chord_on(0));
    assert!(all_finite_within(&second, SAMPLE_LIMIT));
    assert!(rms(&second) > 1e-4, "silent after reactivation: {}", rms(&second));
    host.deactivate();
    host.activate(44_100.0, 64);
    let third = host.render(22_050, 64, &chord_on(0));
    assert!(rms(&third) > 1e-4 && all_finite_within(&third, SAMPLE_LIMIT));
}

/// Write a few seconds of a chord pad as a 16-bit stereo WAV.
fn write_chord_wav(path: &std::path::Path, seconds: usize, notes: &[f64], seed: u64) {
    let sample_rate_hz = 44_100;
    let mono = fixtures::chord_pad(notes, 0.4, seconds * sample_rate_hz as usize, sample_rate_hz, seed);
    fixtures::wav::write_wav(path, &[&mono, &mono], sample_rate_hz, fixtures::wav::WavFormat::PCM16);
}

#[test]
fn mining_a_temporary_archive_yields_pads() {
    let archive = tempfile::tempdir().expect("temp dir");
    write_chord_wav(&archive.path().join("a pad.wav"), 30, &[57.0, 60.0, 64.0], 1);
    write_chord_wav(&archive.path().join("b pad.wav"), 20, &[50.0, 57.0, 62.0, 65.0], 2);

    let mut host = TestHost::new();
    let source_id = host.param_id("Source");
    let hold_id = host.param_id("Hold");
    // One session: the pads arrive while it plays, as in a DAW.
    let mut session = host.session(48_000.0, 512);
    // Play slot 2 only: with just the built-in texture (slot 1) the instrument is silent.
    let setup = [
        (0, HostEvent::Param { id: source_id, value: 2.0 }),
        (0, HostEvent::Param { id: hold_id, value: 1.0 }),
    ];
    let before = session.play(9_600, &[512], &setup);
    assert!(all_finite_within(&before, SAMPLE_LIMIT));
    assert!(rms(&before) < 1e-7, "slot 2 sounds before mining: {}", rms(&before));

    // Restoring a state with an archive path starts mining by itself.
    let state = state_with_archive_path(&session.save_state(), &archive.path().display().to_string());
    session.load_state(&state);
    let started = Instant::now();
    let mut loudness = 0.0;
    while started.elapsed() < Duration::from_secs(40) {
        let out = session.play(24_000, &[512], &[]);
        assert!(all_finite_within(&out, SAMPLE_LIMIT));
        loudness = rms(&out);
        if loudness > 1e-3 {
            eprintln!("slot 2 sounded {:.3} s after the state load", started.elapsed().as_secs_f64());
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(loudness > 1e-3, "slot 2 never sounded: rms {loudness}");
    assert_eq!(archive_path_in_state(&session.save_state()), archive.path().display().to_string());
}

#[test]
fn automation_lands_on_its_own_sample_inside_a_large_block() {
    let mut host = TestHost::new();
    let hold_id = host.param_id("Hold");
    let gain_id = host.param_id("Output Gain");
    host.activate(48_000.0, 4096);
    // The gain drops to zero at frame 24_000, inside the host block that starts at 20_480.
    let events = [
        (0, HostEvent::Param { id: hold_id, value: 1.0 }),
        (24_000, HostEvent::Param { id: gain_id, value: 0.0 }),
    ];
    let out = host.render(48_000, 4096, &events);
    let window_rms = |range: std::ops::Range<usize>| {
        let n = range.len() as f64;
        (out[0][range].iter().map(|&x| f64::from(x).powi(2)).sum::<f64>() / n).sqrt()
    };
    let steady = window_rms(19_000..20_000);
    let just_before = window_rms(23_000..24_000);
    let after = out[0][24_000 + 9_600..].iter().fold(0.0f32, |m, x| m.max(x.abs()));
    assert!(steady > 1e-3, "no sound while holding: {steady}");
    // Applied at the block's start instead, the 20 ms gain smoothing would have silenced this.
    assert!(just_before > 0.3 * steady, "gain change came early: {just_before} vs {steady}");
    assert!(f64::from(after) < 1e-3 * steady, "still sounding 200 ms after the gain went to zero: {after}");
}

#[test]
fn garbage_or_future_state_never_breaks_the_plugin() {
    let mut host = TestHost::new();
    let params = host.params();
    let good = host.save_state();
    let text = String::from_utf8_lossy(&good).into_owned();
    let mut rng = Pcg32::seed_from_u64(99);
    let mut cases: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"\x00\x01\x02 not json at all".to_vec(),
        good[..good.len() / 2].to_vec(),
        br#"{"version":"99.0.0","params":{"nonexistent":1.0},"fields":{"archive_path":12}}"#.to_vec(),
        text.replace("\"archive_path\"", "\"archive_path_v9\"").into_bytes(),
        text.replace(':', ": \"x\", \"y\":").into_bytes(),
    ];
    for _ in 0..20 {
        let mut bytes = good.clone();
        for _ in 0..8 {
            let at = below(&mut rng, bytes.len());
            bytes[at] = rng.next_u32() as u8;
        }
        cases.push(bytes);
    }
    for bytes in &cases {
        let _accepted = host.try_load_state(bytes);
        for param in &params {
            let value = host.param_value(param.id);
            assert!(value.is_finite() && value >= param.min_value - 1e-9 && value <= param.max_value + 1e-9, "{}: {value}", param.id);
        }
    }
    // Still plays.
    host.activate(44_100.0, 512);
    let out = host.render(44_100, 512, &chord_on(0));
    assert!(all_finite_within(&out, SAMPLE_LIMIT));
    assert!(rms(&out) > 1e-4, "silent after bad states");
}

/// Frames the chord is held in the repeatability tests, and the part of its release tail compared
/// (the default 1.5 s release is 60 dB down by then).
const HELD_FRAMES: usize = 2 * 44_100;
const TAIL_FRAMES: usize = 2 * 44_100;

#[test]
fn the_same_notes_after_any_silence_in_one_session_give_the_same_samples() {
    // One processing run each: `lead_in` frames of silence, the chord held (across blocks of the
    // given sizes), released, `gap` frames, the chord again. The engine comes to rest 100 ms after
    // the first chord's tail dies away, so the second chord starts from the same clean state
    // whatever the gap, the block sizes or where it falls on the 64-frame control grid.
    let play = |lead_in: usize, gap: usize, blocks: &[usize]| {
        let mut host = TestHost::new();
        let mut session = host.session(44_100.0, 4096);
        let second = lead_in + HELD_FRAMES + gap;
        let mut events = chord_held(lead_in, lead_in + HELD_FRAMES);
        events.extend(chord_held(second, second + HELD_FRAMES));
        let out = session.play(second + HELD_FRAMES + TAIL_FRAMES, blocks, &events);
        assert!(out[0][..lead_in].iter().all(|&x| x == 0.0), "sound before the first chord");
        let window = HELD_FRAMES + TAIL_FRAMES;
        (frames(&out, lead_in..lead_in + window), frames(&out, second..second + window))
    };
    let (first, second) = play(0, 4 * 44_100, &[512]);
    assert!(rms(&first) > 1e-3 && rms(&second) > 1e-3);
    for (lead_in, gap, blocks) in [(1001, 6 * 44_100 + 777, &[333usize, 1, 4096, 64][..]), (3 * 44_100, 4 * 44_100 + 5, &[4096][..])] {
        let (first_again, second_again) = play(lead_in, gap, blocks);
        assert_eq!(first_difference(&first, &first_again), None, "the first chord after {lead_in} frames of silence differs (frame)");
        assert_eq!(first_difference(&second, &second_again), None, "the second chord after a {gap}-frame gap differs (frame)");
    }
    // Without a transport each sound from silence has random streams of its own (seeded by how
    // many came before): the second chord is not a replay of the first.
    assert!(first_difference(&first, &second).is_some(), "the second chord replayed the first");
}

/// Song position of the passage in the song-position test: bar 11 and a bit, off every grid.
const PASSAGE_AT: i64 = 20 * 44_100 + 333;

/// One session with `transport` set from its first block, optionally a short note first (a sound
/// from silence that ends and rests), then silence until song position `at`, where the chord plays
/// with automation inside its blocks, the first change `split_before` frames before the chord;
/// returns the chord's part of the output.
fn passage_at(transport: Transport, at: i64, with_prelude: bool, blocks: &[usize], split_before: usize) -> [Vec<f32>; 2] {
    let mut host = TestHost::new();
    let spread_id = host.param_id("Stereo Spread");
    let spray_id = host.param_id("Pitch Spray");
    let mut session = host.session(44_100.0, 4096);
    session.set_transport(Some(transport));
    let chord = usize::try_from(at - transport.position_samples).expect("the passage lies after the session's start");
    let mut events = Vec::new();
    if with_prelude {
        assert!(chord > 5 * 44_100, "the prelude must have died away and rested before the chord");
        events.extend([(0, HostEvent::NoteOn { key: 40, velocity: 0.6 }), (20_000, HostEvent::NoteOff { key: 40 })]);
    }
    // A parameter change just before the chord splits its host block inside nice-plug, which then
    // reports the song position of the later part, and the chord starts inside that part: its
    // position is the part's plus the chord's offset into it, an offset that differs between the
    // renders compared (other `split_before`, other block sizes), so every term must be right.
    events.push((chord - split_before, HostEvent::Param { id: spread_id, value: 0.7 }));
    events.extend(chord_held(chord, chord + HELD_FRAMES));
    events.push((chord + 30_007, HostEvent::Param { id: spray_id, value: 0.3 }));
    let out = session.play(chord + HELD_FRAMES + TAIL_FRAMES, blocks, &events);
    frames(&out, chord..out[0].len())
}

#[test]
fn a_passage_at_the_same_song_position_gives_the_same_samples_whatever_played_before() {
    // The plugin's contract (README "Repeatable"): with the host's transport playing, a sound that
    // starts from silence takes its random streams from the seed and the song position, so starting
    // playback at the same song position gives the same samples. Here: once after other music and
    // a long silence, once with playback started a second before it, in other block sizes.
    let after_music = passage_at(Transport::playing_at(0), PASSAGE_AT, true, &[512], 100);
    assert!(rms(&after_music) > 1e-3);
    let from_just_before = passage_at(Transport::playing_at(PASSAGE_AT - 44_100 - 1001), PASSAGE_AT, false, &[333, 64, 1024, 1], 7);
    assert_eq!(first_difference(&after_music, &from_just_before), None, "the same song position sounded different (frame)");

    // The position is what seeds it: the same passage a bar later sounds different...
    let a_bar_later = PASSAGE_AT + 88_200;
    let later = passage_at(Transport::playing_at(a_bar_later - 44_100 - 1001), a_bar_later, false, &[333, 64, 1024, 1], 7);
    assert!(first_difference(&after_music, &later).is_some(), "a different song position gave the same samples");
    // ...and with the transport stopped the contract does not apply: the chord after the prelude is
    // the second sound from silence and has random streams of its own.
    let stopped_after_music = passage_at(Transport::stopped_at(0), PASSAGE_AT, true, &[512], 100);
    let stopped_alone = passage_at(Transport::stopped_at(PASSAGE_AT - 44_100 - 1001), PASSAGE_AT, false, &[512], 100);
    assert!(
        first_difference(&stopped_after_music, &stopped_alone).is_some(),
        "with the transport stopped a second sound from silence repeated a first one"
    );
}

/// Render `notes` (all at frame 0) for five seconds in a session, with the output gain at the CLAP
/// value `gain` (default when `None`), and the same in the in-process copy of the plugin's audio
/// path; checks the two are the same samples and returns them with the copy's limiter counters.
fn render_with_limiter_stats(gain: Option<f64>, notes: &[(usize, HostEvent)]) -> ([Vec<f32>; 2], engine::voice::limiter::LimiterStats) {
    let num_frames = 5 * 44_100;
    let mut host = TestHost::new();
    let gain_id = host.param_id("Output Gain");
    let mut session = host.session(44_100.0, 512);
    let mut events: Vec<(usize, HostEvent)> = gain.map(|value| (0, HostEvent::Param { id: gain_id, value })).into_iter().collect();
    events.extend(notes.iter().copied());
    let out = session.play(num_frames, &[512], &events);
    let mut mirror = InProcessPlugin::new(44_100.0);
    if let Some(value) = gain {
        mirror.set_like_host("Output Gain", value);
    }
    let mirrored = mirror.play(num_frames, &[512], notes);
    assert_eq!(first_difference(&out, &mirrored), None, "the in-process plugin played other samples (frame)");
    (out, mirror.limiter_stats())
}

#[test]
fn output_gain_at_plus_12_db_makes_the_limiter_act_and_its_counters_report_it() {
    let ceiling = 10f32.powf(LIMITER_CEILING_DBFS / 20.0);
    assert!((SAMPLE_LIMIT / ceiling - 1.0).abs() < 2e-4, "SAMPLE_LIMIT is not the limiter's ceiling");
    // Eight notes at full velocity on the built-in texture with the output gain at its +12 dB
    // maximum: the limiter must turn them down. Its counters live in the engine, which the built
    // plugin does not expose; the in-process copy of the plugin's audio path plays the same events
    // and is checked to give the very same samples, so its counters describe this render.
    let eight: Vec<(usize, HostEvent)> =
        [36u16, 43, 48, 52, 55, 60, 64, 67].iter().map(|&key| (0, HostEvent::NoteOn { key, velocity: 1.0 })).collect();
    let (loud, stats) = render_with_limiter_stats(Some(1.0), &eight);
    eprintln!("+12 dB output gain, 8 notes on the built-in texture: {stats:?}, output peak {:.2} dBFS", peak_dbfs(&loud));
    assert!(stats.num_limited_samples > 4410, "the limiter hardly acted: {stats:?}");
    assert!(stats.peak_in_dbfs > LIMITER_CEILING_DBFS + 3.0, "{stats:?}");
    // Instant attack: the deepest reduction is exactly the input peak's excess over the ceiling,
    // and the output's peak sits on the ceiling.
    let excess_db = stats.peak_in_dbfs - LIMITER_CEILING_DBFS;
    assert!((stats.max_reduction_db - excess_db).abs() < 0.01, "{stats:?}");
    assert!((peak_dbfs(&loud) - f64::from(LIMITER_CEILING_DBFS)).abs() < 0.01, "output peak {:.3} dBFS", peak_dbfs(&loud));
    assert!(all_finite_within(&loud, SAMPLE_LIMIT));

    // One soft note at the default gain, in a new session: nothing reaches the ceiling, the counters
    // read zero, and the peak they saw is the output's own peak (the limiter let it through as is).
    let (soft, quiet) = render_with_limiter_stats(None, &[(0, HostEvent::NoteOn { key: 60, velocity: 0.5 })]);
    eprintln!("one note at velocity 0.5, default gain: {quiet:?}");
    assert!(rms(&soft) > 1e-3);
    assert_eq!((quiet.num_limited_samples, quiet.max_reduction_db), (0, 0.0), "{quiet:?}");
    assert!((f64::from(quiet.peak_in_dbfs) - peak_dbfs(&soft)).abs() < 1e-3, "{quiet:?} vs {:.4} dBFS", peak_dbfs(&soft));
}
