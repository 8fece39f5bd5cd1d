//! The built plugin library in a real CLAP host (clack-host), in-process: descriptor, ports and
//! parameters; long renders with held notes and random sample-accurate automation; state round
//! trips; block sizes and sample rates; reactivation; mining a temporary archive.
//!
//! Built with `--features assert_process_allocs`, the same renders run under nice-plug's
//! allocation guard: any allocation inside `process()` aborts the test process.

mod common;

use std::time::{Duration, Instant};

use common::{HostEvent, TestHost, all_finite_within, archive_path_in_state, rms, state_with_archive_path};
use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg32;

/// Loudest sample the plugin may produce with its gains at most at full scale (4x output gain,
/// 2x cloud and hiss levels on a loud pad).
const SAMPLE_LIMIT: f32 = 16.0;

/// Uniform in 0..1.
fn unit(rng: &mut Pcg32) -> f64 {
    f64::from(rng.next_u32()) / 4_294_967_296.0
}

/// Uniform in 0..n.
fn below(rng: &mut Pcg32, n: usize) -> usize {
    (unit(rng) * n as f64) as usize % n.max(1)
}

fn chord_on(frame: usize) -> Vec<(usize, HostEvent)> {
    [48u16, 55, 60, 64, 67]
        .iter()
        .map(|&key| (frame, HostEvent::NoteOn { key, velocity: 0.8 }))
        .collect()
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
        "Seed", "Output Gain",
    ] {
        assert!(names.contains(&expected), "missing parameter {expected}: {names:?}");
    }
    assert_eq!(params.len(), 24, "{names:?}");
    let mut ids: Vec<u32> = params.iter().map(|p| p.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), params.len(), "parameter ids collide");
    let source = params.iter().find(|p| p.name == "Source").expect("source");
    assert!(source.is_stepped);
    assert_eq!((source.min_value, source.max_value, source.default_value), (0.0, 64.0, 0.0));
    let window = params.iter().find(|p| p.name == "Window").expect("window");
    assert_eq!(window.max_value, 3.0);
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
        let fraction = match param.name.as_str() {
            "Cloud Level" | "Output Gain" => 0.5 + 0.4 * unit(&mut rng),
            "Attack" | "Release" | "Density" => 0.2 + 0.5 * unit(&mut rng),
            "Source" => 0.0,
            _ => unit(&mut rng),
        };
        let mut value = param.min_value + fraction * (param.max_value - param.min_value);
        if param.is_stepped {
            value = value.round();
        }
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
    let saved = String::from_utf8(saved).expect("JSON state").replace(r#""bank_size":"64""#, r#""bank_size":"12""#).into_bytes();
    first.load_state(&saved);
    let expected: Vec<(u32, f64)> = params.iter().map(|p| (p.id, first.param_value(p.id))).collect();

    let mut second = TestHost::new();
    second.load_state(&saved);
    for (id, value) in expected {
        let restored = second.param_value(id);
        assert!((restored - value).abs() < 1e-6, "parameter {id}: {restored} != {value}");
    }
    assert_eq!(archive_path_in_state(&second.save_state()), path);
    let resaved = String::from_utf8(second.save_state()).expect("JSON state");
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
    host.activate(48_000.0, 512);
    // Play slot 2 only: with just the built-in texture (slot 1) the instrument is silent.
    let setup = [
        (0, HostEvent::Param { id: source_id, value: 2.0 }),
        (0, HostEvent::Param { id: hold_id, value: 1.0 }),
    ];
    let before = host.render(9_600, 512, &setup);
    assert!(all_finite_within(&before, SAMPLE_LIMIT));
    assert!(rms(&before) < 1e-7, "slot 2 sounds before mining: {}", rms(&before));

    // Restoring a state with an archive path starts mining by itself.
    let state = state_with_archive_path(&host.save_state(), &archive.path().display().to_string());
    host.load_state(&state);
    let started = Instant::now();
    let mut loudness = 0.0;
    while started.elapsed() < Duration::from_secs(40) {
        let out = host.render(24_000, 512, &[]);
        assert!(all_finite_within(&out, SAMPLE_LIMIT));
        loudness = rms(&out);
        if loudness > 1e-3 {
            eprintln!("slot 2 sounded {:.3} s after the state load", started.elapsed().as_secs_f64());
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(loudness > 1e-3, "slot 2 never sounded: rms {loudness}");
    assert_eq!(archive_path_in_state(&host.save_state()), archive.path().display().to_string());
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

#[test]
fn the_same_notes_after_different_silences_are_sample_identical() {
    let mut host = TestHost::new();
    host.activate(44_100.0, 512);
    let at_once = host.render(88_200, 512, &chord_on(0));
    assert!(rms(&at_once) > 1e-3);
    for silence in [3 * 44_100, 1001] {
        host.deactivate();
        host.activate(44_100.0, 512);
        let quiet = host.render(silence, 512, &[]);
        assert!(rms(&quiet) == 0.0);
        let later = host.render(88_200, 512, &chord_on(0));
        assert!(later == at_once, "the notes after {silence} samples of silence sounded different");
    }
}
