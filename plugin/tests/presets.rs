//! Presets end to end: the factory presets as shipped (parse, names, ids) and as heard through the
//! plugin's own audio path (each sounds, none clips, no two alike); a user preset through its real
//! file (save, load back, rename, delete, errors naming the file); a preset holding a bank makes
//! the plugin's mining thread rebuild exactly that bank.
//!
//! Presets are loaded as the editor loads them: through a `ParamSetter` on a host context that
//! sets each value the way nice-plug's CLAP wrapper does when the host takes the edit (the CLAP
//! value is the normalised value times the step count, divided back on arrival).

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use afterglow_plugin::params::AfterglowParams;
use afterglow_plugin::presets::factory::{FACTORY_FILES, factory_presets};
use afterglow_plugin::presets::format::preset_from_text;
use afterglow_plugin::presets::values::{current_values, resolve};
use afterglow_plugin::presets::{Preset, PresetLibrary, UserPresets, load_preset, preset_from_params};
use common::HostEvent;
use common::mining_rig::MiningRig;
use common::in_process::InProcessPlugin;
use nice_plug::context::PluginApi;
use nice_plug::context::gui::GuiContextInner;
use nice_plug::prelude::{ParamPtr, ParamSetter, PluginState};

const SAMPLE_RATE_HZ: f64 = 44_100.0;

/// A host that takes each edit as a CLAP host does and counts the gestures.
#[derive(Default)]
struct Host {
    begins: AtomicUsize,
    ends: AtomicUsize,
}

impl GuiContextInner for Host {
    fn plugin_api(&self) -> PluginApi {
        PluginApi::Clap
    }
    unsafe fn raw_begin_set_parameter(&self, _param: ParamPtr) {
        self.begins.fetch_add(1, Ordering::Relaxed);
    }
    unsafe fn raw_set_parameter_normalized(&self, param: ParamPtr, normalized: f32) {
        // SAFETY: the pointer comes from the test's live parameters. As nice-plug's CLAP wrapper:
        // out as a CLAP value, back in as CLAP value / step count.
        unsafe {
            let steps = param.step_count().unwrap_or(1);
            let clap_value = f64::from(normalized) * steps as f64;
            param._internal_set_normalized_value(clap_value as f32 / steps as f32);
        }
    }
    unsafe fn raw_end_set_parameter(&self, _param: ParamPtr) {
        self.ends.fetch_add(1, Ordering::Relaxed);
    }
    fn get_state(&self) -> PluginState {
        PluginState { version: String::new(), params: BTreeMap::new(), fields: BTreeMap::new() }
    }
    fn set_state(&self, _state: PluginState) {}
    fn request_restart(&self) {}
}

fn factory() -> Vec<Preset> {
    factory_presets().into_iter().map(|p| p.expect("every factory preset parses")).collect()
}

#[test]
fn factory_presets_parse_have_unique_names_and_name_only_parameters_the_plugin_has() {
    // Every file of plugin/presets ships (is compiled in), and nothing else does.
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("presets");
    let mut on_disk: Vec<String> = std::fs::read_dir(&folder).expect("presets folder").map(|e| e.expect("entry").file_name().to_string_lossy().into_owned()).collect();
    on_disk.sort();
    let mut shipped: Vec<String> = FACTORY_FILES.iter().map(|(file, _)| file.to_string()).collect();
    shipped.sort();
    assert_eq!(shipped, on_disk, "FACTORY_FILES and plugin/presets differ");
    for (file, text) in FACTORY_FILES {
        let (_, notes) = preset_from_text(text, file).expect("parses");
        assert!(notes.is_empty(), "{file}: {notes:?}");
    }

    let presets = factory();
    assert!(presets.len() >= 16, "only {} factory presets", presets.len());
    let mut names: Vec<&str> = presets.iter().map(|p| p.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), presets.len(), "two factory presets share a name");
    let params = Arc::new(AfterglowParams::default());
    for preset in &presets {
        assert!(!preset.category.is_empty() && preset.category != "User", "{} has no category", preset.name);
        assert!(preset.bank.is_none(), "{}: a factory preset cannot hold the musician's pads", preset.name);
        assert!(!preset.params.is_empty(), "{} is just the defaults", preset.name);
        // Every id exists, every value is usable and in range.
        let resolved = resolve(&params, preset);
        assert!(resolved.notes.is_empty(), "{}: {:?}", preset.name, resolved.notes);
    }
    let categories = PresetLibrary::load(None).categories().len();
    assert!(categories >= 5, "only {categories} categories");
}

/// What a render sounds like, in numbers a listener would notice a difference in.
#[derive(Debug, Clone, Copy)]
struct Sound {
    rms_db: f32,
    peak: f32,
    /// Spectral centroid, octaves above 1 kHz.
    brightness_oct: f32,
    /// Side energy over mid energy.
    width: f32,
    /// How long the sound takes to come within 6 dB of its steady level (the last two seconds),
    /// octaves above 50 ms (one 50 ms frame).
    rise_oct: f32,
    /// Spread of the 50 ms loudness over the last two seconds, dB (steady pads low, pulses high).
    motion_db: f32,
    /// Spread of the 5 ms loudness over the last two seconds, dB: the grain-scale texture (a
    /// smooth wash low; sparse, short or sharply windowed grains high).
    grain_db: f32,
    /// Spectral flatness of the last two seconds, 100 Hz to 8 kHz, dB, floored at -50 dB (below
    /// that, clear partials over a silent floor, the differences are not heard): clear partials
    /// (a steady pitch) low, smeared ones (pitch spray, noise) high.
    flatness_db: f32,
}

/// Spectral flatness (geometric over arithmetic mean of the power) of the mid signal's mean
/// power spectrum over the last two seconds, 100 Hz to 8 kHz, dB.
fn flatness_db(out: &[Vec<f32>; 2]) -> f32 {
    const FFT: usize = 4096;
    let mid: Vec<f32> = out[0].iter().zip(&out[1]).map(|(l, r)| (l + r) * 0.5).collect();
    let tail = &mid[mid.len() - 2 * SAMPLE_RATE_HZ as usize..];
    let mut spectrum = engine::analysis::MagnitudeSpectrum::new(FFT);
    let mut power = vec![0.0f64; FFT / 2 + 1];
    for frame in tail.chunks_exact(FFT / 2).collect::<Vec<_>>().windows(2) {
        let segment: Vec<f32> = frame.concat();
        for (p, m) in power.iter_mut().zip(spectrum.transform(&segment)) {
            *p += f64::from(*m).powi(2);
        }
    }
    let bin_hz = SAMPLE_RATE_HZ / FFT as f64;
    let band: Vec<f64> = power[(100.0 / bin_hz) as usize..(8000.0 / bin_hz) as usize].iter().map(|p| p + 1e-20).collect();
    let geometric = band.iter().map(|p| p.ln()).sum::<f64>() / band.len() as f64;
    let arithmetic = band.iter().sum::<f64>() / band.len() as f64;
    (10.0 * (geometric.exp() / arithmetic).log10()).max(-50.0) as f32
}

fn sound_of(out: &[Vec<f32>; 2]) -> Sound {
    let m = engine::curate::measure(out, SAMPLE_RATE_HZ as u32);
    let (mut mid, mut side) = (0.0f64, 0.0f64);
    for (l, r) in out[0].iter().zip(&out[1]) {
        mid += f64::from((l + r) * 0.5).powi(2);
        side += f64::from((l - r) * 0.5).powi(2);
    }
    let loudness = |frame_sec: f64| -> Vec<f64> {
        let frame = (SAMPLE_RATE_HZ * frame_sec) as usize;
        out[0]
            .chunks(frame)
            .zip(out[1].chunks(frame))
            .filter(|(l, _)| l.len() == frame)
            .map(|(l, r)| {
                let energy = l.iter().chain(r).map(|x| f64::from(*x).powi(2)).sum::<f64>() / (2 * frame) as f64;
                10.0 * (energy + 1e-12).log10()
            })
            .collect()
    };
    // Mean and spread of the last two seconds.
    let last_two_sec = |frames: &[f64], frame_sec: f64| {
        let steady = &frames[frames.len() - (2.0 / frame_sec) as usize..];
        let mean = steady.iter().sum::<f64>() / steady.len() as f64;
        (mean, (steady.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / steady.len() as f64).sqrt())
    };
    let coarse = loudness(0.05);
    let (mean, spread) = last_two_sec(&coarse, 0.05);
    let (_, fine_spread) = last_two_sec(&loudness(0.005), 0.005);
    let loudness = coarse;
    let rise_frames = loudness.iter().position(|&db| db >= mean - 6.0).unwrap_or(loudness.len()) + 1;
    Sound {
        rms_db: m.rms_db,
        peak: m.peak,
        brightness_oct: (m.centroid_hz.max(1.0) / 1000.0).log2(),
        width: (side / mid.max(1e-12)) as f32,
        rise_oct: (rise_frames as f32).log2(),
        motion_db: spread as f32,
        grain_db: fine_spread as f32,
        flatness_db: flatness_db(out),
    }
}

/// How far apart two sounds are, in steps a listener hears: 3 dB of level, a third of an octave
/// of brightness, 0.15 of width, twice (or half) the rise time, 2 dB of motion or of grain-scale
/// texture, 3 dB of spectral flatness. The largest.
fn distance(a: &Sound, b: &Sound) -> f32 {
    let steps = [
        (a.rms_db - b.rms_db) / 3.0,
        (a.brightness_oct - b.brightness_oct) / (1.0 / 3.0),
        (a.width - b.width) / 0.15,
        a.rise_oct - b.rise_oct,
        (a.motion_db - b.motion_db) / 2.0,
        (a.grain_db - b.grain_db) / 2.0,
        (a.flatness_db - b.flatness_db) / 3.0,
    ];
    steps.iter().map(|s| s.abs()).fold(0.0, f32::max)
}

/// Each factory preset, loaded into a fresh instance through the host path and played with one
/// held key through the plugin's audio path (the code `Afterglow::process` runs, with its built-in
/// texture), sounds (above -50 dBFS), stays under full scale without the engine's safety limiter
/// acting, and differs audibly from every other.
#[test]
fn every_factory_preset_sounds_distinct_and_does_not_clip() {
    let seconds = 4.0;
    let num_frames = (seconds * SAMPLE_RATE_HZ) as usize;
    let key = [(0, HostEvent::NoteOn { key: 60, velocity: 0.8 })];
    let mut sounds: Vec<(String, Sound)> = Vec::new();
    let mut limited = Vec::new();
    for preset in factory() {
        let mut plugin = InProcessPlugin::new(SAMPLE_RATE_HZ);
        let host = Host::default();
        let resolved = load_preset(&plugin.params, &ParamSetter::new(&host), &preset);
        assert!(resolved.all_hold(), "{}: not every value arrived", preset.name);
        let out = plugin.play(num_frames, &[512], &key);
        let sound = sound_of(&out);
        println!(
            "{:<18} {:>6.1} dB  peak {:.3}  brightness {:+.2} oct  width {:.2}  rise {:.1} oct  motion {:.1} dB  grain {:.1} dB  flatness {:.1} dB",
            preset.name, sound.rms_db, sound.peak, sound.brightness_oct, sound.width, sound.rise_oct, sound.motion_db, sound.grain_db, sound.flatness_db
        );
        assert!(out.iter().flatten().all(|x| x.is_finite()), "{}: not finite", preset.name);
        assert!(sound.rms_db > -50.0, "{} is silent: {:.1} dBFS", preset.name, sound.rms_db);
        assert!(sound.peak < 0.99, "{} clips: peak {}", preset.name, sound.peak);
        // The engine's safety limiter keeps every output under full scale; a preset that leans on
        // it is distorting all the same, so it must never have had to act.
        let limiter = plugin.limiter_stats();
        if limiter.num_limited_samples > 0 {
            limited.push(format!("{} (peak in {:.1} dBFS, {:.1} dB down)", preset.name, limiter.peak_in_dbfs, limiter.max_reduction_db));
        }
        sounds.push((preset.name.clone(), sound));
    }
    assert!(limited.is_empty(), "these presets drive the safety limiter: {limited:?}");
    for (i, (a, sa)) in sounds.iter().enumerate() {
        for (b, sb) in &sounds[i + 1..] {
            let d = distance(sa, sb);
            assert!(d >= 1.0, "{a} and {b} sound alike (distance {d:.2}): {sa:?} {sb:?}");
        }
    }
}

#[test]
fn a_saved_user_preset_loads_back_to_the_same_values_through_its_file() {
    let folder = tempfile::tempdir().expect("temp dir");
    let user = UserPresets::new(folder.path().join("afterglow").join("presets"));
    let host = Host::default();
    // Move every parameter away from its default: a factory preset, then a few by hand.
    let edited = Arc::new(AfterglowParams::default());
    let frozen = factory().into_iter().find(|p| p.name == "Frozen Field").expect("Frozen Field");
    load_preset(&edited, &ParamSetter::new(&host), &frozen);
    let setter = ParamSetter::new(&host);
    setter.set_parameter(&edited.pitch_semitones, -7.25);
    setter.set_parameter(&edited.seed, 1234);
    setter.set_parameter(&edited.source, 3);
    // As a knob drag leaves them: anywhere in the range, not on round numbers.
    setter.set_parameter_normalized(&edited.grain_size_ms, 0.4137);
    setter.set_parameter_normalized(&edited.lowpass_hz, 0.6321);
    setter.set_parameter_normalized(&edited.release_ms, 0.7771);
    let saved = preset_from_params(&edited, "Night / Shift", "Drones", false);
    let path = user.save(&saved, false).expect("save");
    assert_eq!(path, folder.path().join("afterglow/presets/Night - Shift.toml"));
    assert!(std::fs::read_to_string(&path).expect("read").contains("name = \"Night / Shift\""));

    let fresh = Arc::new(AfterglowParams::default());
    let (loaded, notes) = afterglow_plugin::presets::user::load(&path).expect("load");
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(loaded, saved);
    let begins_before = host.begins.load(Ordering::Relaxed);
    let resolved = load_preset(&fresh, &ParamSetter::new(&host), &loaded);
    assert!(resolved.notes.is_empty(), "{:?}", resolved.notes);
    let num_gestures = host.begins.load(Ordering::Relaxed) - begins_before;
    assert!(num_gestures >= 10, "only {num_gestures} parameters were set");
    assert_eq!(host.begins.load(Ordering::Relaxed), host.ends.load(Ordering::Relaxed), "every gesture ends");
    // The same plain value for every host parameter: saved to TOML, read back and set through the
    // host's normalised path.
    assert_eq!(current_values(&fresh), current_values(&edited));
    assert_eq!(fresh.texture_params(), edited.texture_params());
    assert_eq!(fresh.seed_value(), 1234);
}

#[test]
fn user_presets_are_renamed_and_deleted_as_files_and_errors_name_the_file() {
    let folder = tempfile::tempdir().expect("temp dir");
    let user = UserPresets::new(folder.path());
    let params = AfterglowParams::default();
    let first = user.save(&preset_from_params(&params, "Dawn", "", false), false).expect("save");
    user.save(&preset_from_params(&params, "Dusk", "Pads", false), false).expect("save");
    // Saving over a name needs saying so.
    let error = user.save(&preset_from_params(&params, "Dawn", "", false), false).expect_err("exists");
    assert!(error.to_string().starts_with(&first.display().to_string()), "{error}");
    user.save(&preset_from_params(&params, "Dawn", "Pads", false), true).expect("replace");

    let renamed = user.rename(&first, "Early Dawn").expect("rename");
    assert!(!first.exists() && renamed.is_file());
    let (presets, problems) = user.list();
    assert!(problems.is_empty(), "{problems:?}");
    let names: Vec<&str> = presets.iter().map(|(_, p)| p.name.as_str()).collect();
    assert_eq!(names, ["Dusk", "Early Dawn"]);
    let error = user.rename(&renamed, "Dusk").expect_err("taken");
    assert!(error.to_string().contains("Dusk.toml") && renamed.is_file(), "{error}");

    user.delete(&renamed).expect("delete");
    assert!(!renamed.exists());
    let error = user.delete(&renamed).expect_err("already gone");
    assert!(error.to_string().starts_with(&renamed.display().to_string()) && error.problem.contains("cannot delete"), "{error}");

    // A file that is not a preset is listed as a problem naming it; the others still load.
    let broken = folder.path().join("broken.toml");
    std::fs::write(&broken, "version = 1\nname = \"x\"\n[params\n").expect("write");
    let (presets, problems) = user.list();
    assert_eq!(presets.len(), 1);
    assert_eq!(problems.len(), 1);
    assert!(problems[0].to_string().starts_with(&broken.display().to_string()), "{}", problems[0]);
    let error = user.rename(&broken, "fixed").expect_err("unreadable");
    assert_eq!(error.origin, broken.display().to_string());
    // Nothing half-written is left behind by any of it.
    let hidden = std::fs::read_dir(folder.path()).expect("list").filter(|e| e.as_ref().expect("entry").file_name().to_string_lossy().starts_with('.')).count();
    assert_eq!(hidden, 0);
}

/// `seconds` of a steady chord, mono at 44.1 kHz, to mine.
fn write_chord_wav(path: &Path, seconds: usize, notes: &[f64], seed: u64) {
    let mono = common::busy_mix::steady_chord(notes, seconds * 44_100, seed);
    fixtures::wav::write_wav(path, &[&mono], 44_100, fixtures::wav::WavFormat::PCM16);
}


/// A preset saved with its pads, loaded into another instance whose folder was never mined, makes
/// that instance's mining thread rebuild the very pads (same ids) in the same slots.
#[test]
fn a_preset_with_a_bank_recalls_that_bank() {
    let archive = tempfile::tempdir().expect("temp dir");
    write_chord_wav(&archive.path().join("take a.wav"), 20, &[57.0, 60.0, 64.0], 1);
    write_chord_wav(&archive.path().join("take b.wav"), 20, &[50.0, 53.0, 57.0], 2);
    let mut mined = MiningRig::new();
    mined.params.set_archive_path(&archive.path().display().to_string());
    mined.shared.request_mine();
    assert!(mined.pump_until(Duration::from_secs(120), |r| r.idle() && r.shared.status.files_done.load(Ordering::Acquire) == 2), "mining did not finish");
    let host = Host::default();
    ParamSetter::new(&host).set_parameter(&mined.params.source, 2);
    let users = tempfile::tempdir().expect("temp dir");
    let user = UserPresets::new(users.path());
    let path = user.save(&preset_from_params(&mined.params, "Two takes", "Pads", true), false).expect("save");
    let saved_bank = mined.params.bank.saved();
    assert!(saved_bank.pads.len() >= 2, "the folder gave {} pads", saved_bank.pads.len());
    drop(mined);

    let mut other = MiningRig::new();
    assert_eq!(other.bank.num_filled(), 1, "only the built-in texture before the preset");
    let (preset, _) = afterglow_plugin::presets::user::load(&path).expect("load");
    assert_eq!(preset.bank.as_ref(), Some(&saved_bank));
    load_preset(&other.params, &ParamSetter::new(&host), &preset);
    assert!(other.pump_until(Duration::from_secs(120), |r| r.params.bank.is_settled() && r.idle()), "the bank was not rebuilt");
    other.inbox.apply(&mut other.bank);
    for pad in &saved_bank.pads {
        assert_eq!(other.bank.get(usize::from(pad.slot)).map(|p| p.id()), Some(pad.pad_id), "slot {}", pad.slot);
    }
    assert_eq!(other.bank.num_filled(), saved_bank.pads.len());
    assert_eq!(other.params.source.value(), 2);
    assert_eq!(other.params.archive_path(), "", "the preset recalls pads, not the folder");
}
