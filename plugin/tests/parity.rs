//! Plugin/recipe parity: the built plugin in a CLAP host at 44.1 kHz and
//! `engine::recipe::render_engine` on the recipe of the same situation (parameters, seed, notes,
//! automation, pad) give identical samples (f32 equality).
//!
//! Why they can be identical: both drive the same `TextureEngine` code, prepared at the same rate,
//! reset with the same seed, over a bank whose pad is made by the same function
//! (`engine::recipe::pad_material`, or `builtin_pad`) with the same id; the parameters are the
//! plugin's own mapping (`AfterglowParams::texture_params`, fed the host's values exactly as the
//! CLAP wrapper converts them), and note and parameter events land on the same frames.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use afterglow_plugin::capture::capture_recipe;
use afterglow_plugin::mining::{MiningSnapshot, MiningStatus, make_pad, publish_builtin};
use afterglow_plugin::params::AfterglowParams;
use common::{HostEvent, TestHost, rms, state_with_archive_path};
use engine::analysis::{AnalysisConfig, analyze};
use engine::mining::find_pads;
use engine::recipe::{ParamPoint, Recipe, recipe_from_text, recipe_to_text, render_engine};
use engine::source::{LoadOptions, load};
use nice_plug::prelude::Params;

const SAMPLE_RATE_HZ: f64 = 44_100.0;

/// Set `params` (the lib crate's own parameter object) as the CLAP wrapper does for a
/// `ParamValueEvent` of `value` on the parameter called `name`: the CLAP value divided by the
/// step count, as f32, is the normalised value.
fn set_like_host(params: &AfterglowParams, name: &str, value: f64) {
    let map = params.param_map();
    // SAFETY: the pointers come from `params`, which outlives this call.
    let ptr = map
        .iter()
        .map(|(_, ptr, _)| *ptr)
        .find(|ptr| unsafe { ptr.name() } == name)
        .unwrap_or_else(|| panic!("no parameter {name}"));
    // SAFETY: as above; this mirrors the wrapper's `update_plain_value_by_hash`.
    unsafe {
        let normalized = value as f32 / ptr.step_count().unwrap_or(1) as f32;
        ptr._internal_set_normalized_value(normalized);
    }
}

/// The same (name, CLAP value) settings as host events at frame 0 and on the lib's parameters.
fn settings(host: &mut TestHost, params: &AfterglowParams, values: &[(&str, f64)]) -> Vec<(usize, HostEvent)> {
    values
        .iter()
        .map(|&(name, value)| {
            set_like_host(params, name, value);
            (0, HostEvent::Param { id: host.param_id(name), value })
        })
        .collect()
}

/// The editor's catalogue with only the built-in texture, as a fresh instance has it.
fn builtin_catalogue() -> Vec<Option<afterglow_plugin::mining::PadInfo>> {
    let status = MiningStatus::new();
    publish_builtin(&status, &engine::texture::builtin_pad(SAMPLE_RATE_HZ as f32));
    let mut snapshot = MiningSnapshot::default();
    assert!(status.try_copy_into(&mut snapshot));
    snapshot.pads
}

/// Index and values of the first differing sample, if any.
fn first_difference(plugin: &[Vec<f32>; 2], recipe: &[Vec<f32>]) -> Option<(usize, usize, f32, f32)> {
    for (channel, (a, b)) in plugin.iter().zip(recipe).enumerate() {
        assert_eq!(a.len(), b.len(), "lengths differ");
        if let Some(i) = a.iter().zip(b).position(|(x, y)| x.to_bits() != y.to_bits()) {
            return Some((channel, i, a[i], b[i]));
        }
    }
    None
}

fn assert_identical(plugin: &[Vec<f32>; 2], recipe: &[Vec<f32>]) {
    assert!(rms(plugin) > 1e-3, "plugin render is silent: rms {}", rms(plugin));
    assert_eq!(first_difference(plugin, recipe), None, "plugin and recipe differ (channel, frame, plugin, recipe)");
}

/// Parameter settings shared by the tests: away from the defaults, all audible.
const SOUND: &[(&str, f64)] = &[
    ("Density", 0.45),
    ("Grain Size", 0.3),
    ("Pitch Spray", 0.2),
    ("Stereo Spread", 0.8),
    ("Reverse", 0.3),
    ("Tremolo Depth", 0.4),
    ("Window", 1.0),
    ("Seed", 1234.0),
];

#[test]
fn parity_hold_mode_with_the_builtin_pad() {
    let mut host = TestHost::new();
    let params = AfterglowParams::default();
    let mut events = settings(&mut host, &params, SOUND);
    events.extend(settings(&mut host, &params, &[("Hold", 1.0)]));
    host.activate(SAMPLE_RATE_HZ, 512);
    let num_frames = 3 * 44_100;
    let plugin = host.render(num_frames, 512, &events);

    let capture = capture_recipe(&params, &builtin_catalogue(), &[0.0; 128], 3.0).expect("capture");
    let recipe = render_engine(&capture.recipe, None).expect("render recipe");
    assert_identical(&plugin, &recipe);
    // The comparison is sharp: another seed differs.
    let mut reseeded = capture.recipe.clone();
    reseeded.seed += 1;
    let other = render_engine(&reseeded, None).expect("render recipe");
    assert!(first_difference(&plugin, &other).is_some(), "a different seed gave the same samples");
}

#[test]
fn parity_hiss_and_cloud_with_tremolo_and_flickers() {
    let mut host = TestHost::new();
    let params = AfterglowParams::default();
    let mut events = settings(&mut host, &params, SOUND);
    let hiss = [("Hiss Level", 0.7), ("Hiss Tone", 0.4), ("Tremolo Rate", 0.6), ("Flicker", 0.8), ("Hold", 1.0)];
    events.extend(settings(&mut host, &params, &hiss));
    host.activate(SAMPLE_RATE_HZ, 512);
    let plugin = host.render(3 * 44_100, 512, &events);

    let capture = capture_recipe(&params, &builtin_catalogue(), &[0.0; 128], 3.0).expect("capture");
    assert!(capture.recipe.params.hiss_gain > 0.1 && capture.recipe.params.flicker_amount > 0.5);
    let recipe = render_engine(&capture.recipe, None).expect("render recipe");
    assert_identical(&plugin, &recipe);
    // The hiss is in it: without it the recipe renders differently.
    let mut dry = capture.recipe.clone();
    dry.params.hiss_gain = 0.0;
    let without = render_engine(&dry, None).expect("render recipe");
    assert!(first_difference(&plugin, &without).is_some(), "the hiss made no difference");
}

#[test]
fn parity_held_note_and_automation_mid_render() {
    let mut host = TestHost::new();
    let params = AfterglowParams::default();
    let mut events = settings(&mut host, &params, SOUND);
    events.push((0, HostEvent::NoteOn { key: 62, velocity: 0.7 }));
    let mut held = [0.0; 128];
    // The CLAP wrapper hands velocity on as f32.
    held[62] = 0.7f64 as f32;
    let capture = capture_recipe(&params, &builtin_catalogue(), &held, 2.5).expect("capture");
    let mut recipe: Recipe = capture.recipe;

    // Automation inside a host block (30_000 is not a block or sub-block boundary): pitch and
    // density change there, on both sides.
    let automation_frame = 30_000;
    let automated = AfterglowParams::default();
    set_like_host(&automated, "Pitch", 0.7);
    set_like_host(&automated, "Density", 0.6);
    for (name, value) in [("Pitch", 0.7), ("Density", 0.6)] {
        events.push((automation_frame, HostEvent::Param { id: host.param_id(name), value }));
    }
    let time_sec = automation_frame as f64 / SAMPLE_RATE_HZ;
    let after = automated.texture_params();
    recipe.automation = vec![
        ParamPoint { time_sec, param: String::from("pitch_semitones"), value: after.pitch_semitones },
        ParamPoint { time_sec, param: String::from("density_hz"), value: after.density_hz },
    ];

    let rendered = render_engine(&recipe, None).expect("render recipe");
    // Host blocks that are and are not multiples of the engine's 64-frame sub-block.
    let renders: Vec<[Vec<f32>; 2]> = [512usize, 100, 4096]
        .into_iter()
        .map(|block| {
            let mut host = TestHost::new();
            host.activate(SAMPLE_RATE_HZ, block as u32);
            host.render(recipe_frames(&recipe), block, &events)
        })
        .collect();
    for plugin in &renders {
        assert_identical(plugin, &rendered);
    }
    let plugin = &renders[0];
    // The automation did something: the recipe without it differs after the point only.
    let mut still = recipe.clone();
    still.automation.clear();
    let unautomated = render_engine(&still, None).expect("render recipe");
    let (_, frame, _, _) = first_difference(plugin, &unautomated).expect("automation changed nothing");
    assert!(frame >= automation_frame, "differs before the automation point: frame {frame}");
}

fn recipe_frames(recipe: &Recipe) -> usize {
    (recipe.duration_sec * SAMPLE_RATE_HZ).round() as usize
}

/// Write `seconds` of a chord pad as a 16-bit stereo WAV at 44.1 kHz.
fn write_chord_wav(path: &std::path::Path, seconds: usize) {
    let mono = fixtures::chord_pad(&[57.0, 60.0, 64.0, 69.0], 0.4, seconds * 44_100, 44_100, 3);
    // A slightly different right channel, so the stereo pad is really stereo.
    let right: Vec<f32> = mono.iter().enumerate().map(|(i, &x)| x * (0.8 + 0.2 * ((i / 4410) % 2) as f32)).collect();
    fixtures::wav::write_wav(path, &[&mono, &right], 44_100, fixtures::wav::WavFormat::PCM16);
}

#[test]
fn parity_mined_pad_from_a_temporary_archive() {
    let archive = tempfile::tempdir().expect("temp dir");
    let wav = archive.path().join("take.wav");
    // Shorter than the miner's early-analysis span: its pads come in `find_pads` order.
    write_chord_wav(&wav, 18);

    // The pad the miner puts in slot 0 (the file's first region), cut by the lib's own code.
    let source = load(&wav, &LoadOptions::default()).expect("decode");
    let analysis = analyze(&source.mono(), source.sample_rate_hz, &AnalysisConfig::default());
    let miner_config = engine::mining::PadMinerConfig::default();
    let regions = find_pads(&analysis, &miner_config);
    assert!(regions.len() >= 2, "the test file should give at least two pads: {}", regions.len());
    let mined = make_pad(&source, &regions[0], 0, &miner_config.loop_config()).expect("pad");

    let mut host = TestHost::new();
    let source_id = host.param_id("Source");
    host.activate(SAMPLE_RATE_HZ, 512);
    let state = state_with_archive_path(&host.save_state(), &archive.path().display().to_string());
    host.load_state(&state);
    // Wait until slot 2 sounds: the miner sends in slot order, so slot 1 holds the file's first pad.
    let probe = [(0, HostEvent::Param { id: source_id, value: 2.0 }), (0, HostEvent::Param { id: host.param_id("Hold"), value: 1.0 })];
    let started = Instant::now();
    while rms(&host.render(22_050, 512, &probe)) < 1e-3 {
        assert!(started.elapsed() < Duration::from_secs(60), "slot 2 never sounded");
        std::thread::sleep(Duration::from_millis(50));
    }
    // A fresh engine (reactivation resets it) over the mined bank.
    host.deactivate();
    host.activate(SAMPLE_RATE_HZ, 512);

    let params = Arc::new(AfterglowParams::default());
    let mut events = settings(&mut host, &params, SOUND);
    events.extend(settings(&mut host, &params, &[("Hold", 1.0), ("Source", 1.0)]));
    let mut catalogue = vec![None; 4];
    catalogue[0] = Some(mined.info.clone());
    let capture = capture_recipe(&params, &catalogue, &[0.0; 128], 2.0).expect("capture");
    assert_eq!(capture.recipe.source.path, wav.display().to_string());
    assert_eq!(capture.recipe.source.content_hash, source.provenance.content_hash);
    // Through TOML and back, as `afterglow recipe render` reads it.
    let text = recipe_to_text(&capture.recipe).expect("to text");
    let recipe: Recipe = recipe_from_text(&text, "captured.toml").expect("from text");
    assert_eq!(recipe, capture.recipe);

    let plugin = host.render(recipe_frames(&recipe), 512, &events);
    let rendered = render_engine(&recipe, Some(&source)).expect("render recipe");
    assert_identical(&plugin, &rendered);
}
