//! `afterglow.toml`: the whole configuration, its commented default, loading and validation.
//!
//! Section and key names follow the original tool's `config.yaml` where they apply. Unknown keys
//! are errors with a suggestion; every value is range-checked with the key, the bad value and the
//! allowed range named.

mod check;
pub mod presets;
mod sections;
pub mod template;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

pub use check::{Checker, Problem};
pub use sections::{
    CloudSection, DroneSection, GlobalSection, HissSection, MusicalitySection, PathsSection, ReproducibilitySection,
};

use engine::curate::{BrightnessThresholds, GradeThresholds};
use engine::mining::{HissMinerConfig, OneShotConfig, PadMinerConfig, RoomToneConfig};
use engine::separate::SeparationConfig;
use engine::texture::param_table::{spec_of, ParamSpec};
use engine::texture::WindowShape;
use engine::transform::FilterSettings;


/// The default config file name.
pub const CONFIG_FILE_NAME: &str = "afterglow.toml";

/// `[curation]`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CurationSection {
    /// Do not save files graded F (they still get a manifest row, marked not saved).
    pub auto_delete_grade_f: bool,
    pub thresholds: GradeThresholds,
}

/// Everything `afterglow render` can be told.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub global: GlobalSection,
    pub paths: PathsSection,
    pub reproducibility: ReproducibilitySection,
    pub pad_miner: PadMinerConfig,
    pub separation: SeparationConfig,
    pub drone_maker: DroneSection,
    pub filters: FilterSettings,
    pub clouds: CloudSection,
    pub hiss: HissSection,
    pub hiss_miner: HissMinerConfig,
    pub oneshots: OneShotConfig,
    pub roomtone: RoomToneConfig,
    pub curation: CurationSection,
    pub brightness_tags: BrightnessThresholds,
    pub musicality: MusicalitySection,
}

impl Config {
    /// Parses and validates TOML text. `origin` names the file in messages.
    pub fn from_toml(text: &str, origin: &str) -> Result<Self, Vec<Problem>> {
        let mut user: toml::Table = toml::from_str(text).map_err(|err| {
            vec![Problem { key: origin.to_string(), value: "(file)".into(), expected: format!("not valid TOML: {err}") }]
        })?;
        let mut checker = Checker::default();
        // Legacy names become current ones before the unknown-key check, which knows only the
        // default (current) names; serde's aliases alone never get the chance to apply.
        check::rename_legacy_keys(&mut user, LEGACY_KEYS, &mut checker);
        check::unknown_keys(&user, &known_keys(), "", &mut checker);
        if !checker.problems.is_empty() {
            return Err(checker.problems);
        }
        // Keys typed as engine enums: checked by name before the typed read, whose message would
        // name only the file; a wrong one is reported with the other problems.
        let window_names = check::serde_names(&WindowShape::ALL);
        let window_names: Vec<&str> = window_names.iter().map(String::as_str).collect();
        check::enum_value(&mut user, "clouds", "window", &window_names, &mut checker);
        check::enum_value(&mut user, "separation", "mode", &["auto", "off", "always"], &mut checker);
        let sets_grade_target = user
            .get("curation")
            .and_then(|c| c.get("thresholds"))
            .and_then(|t| t.get("target_peak_dbfs"))
            .is_some();
        if sets_grade_target {
            checker.fail(
                "curation.thresholds.target_peak_dbfs",
                "(set)",
                "grades check against `global.target_peak_dbfs`: set that instead",
            );
            return Err(checker.problems);
        }
        let mut config: Config = toml::Value::Table(user).try_into().map_err(|err: toml::de::Error| {
            vec![Problem { key: origin.to_string(), value: "(file)".into(), expected: err.message().to_string() }]
        })?;
        // Files are normalised to the global target, so that is the peak the grades expect.
        config.curation.thresholds.target_peak_dbfs = config.global.target_peak_dbfs;
        let mut problems = checker.problems;
        problems.extend(config.problems());
        if problems.is_empty() { Ok(config) } else { Err(problems) }
    }

    /// The config of preset `name` alone.
    pub fn from_preset(name: &str) -> Result<Self> {
        let overlay = presets::preset_overlay(name)?;
        Self::from_toml(overlay, &format!("preset {name}")).map_err(|p| anyhow::anyhow!("preset {name}: {p:?}"))
    }

    /// Loads preset `preset` with the config at `path` (or ./afterglow.toml when it exists) laid
    /// over it; without a preset, the same as [`Config::load`].
    pub fn load_with_preset(path: Option<&Path>, preset: Option<&str>) -> Result<Self> {
        let Some(name) = preset else { return Self::load(path) };
        let overlay = presets::preset_overlay(name)?;
        // The presets are tables of valid TOML (tested).
        let mut merged: toml::Table = toml::from_str(overlay).expect("preset is valid TOML");
        let user_path = path.map(Path::to_path_buf).unwrap_or_else(|| Path::new(CONFIG_FILE_NAME).to_path_buf());
        let origin = if path.is_some() || user_path.exists() {
            let text = std::fs::read_to_string(&user_path).with_context(|| format!("{}: cannot read config", user_path.display()))?;
            let mut user: toml::Table =
                toml::from_str(&text).with_context(|| format!("{}: not valid TOML", user_path.display()))?;
            // Legacy names first, so a preset's current name and the user's legacy one do not clash.
            let mut checker = Checker::default();
            check::rename_legacy_keys(&mut user, LEGACY_KEYS, &mut checker);
            presets::merge_tables(&mut merged, user);
            format!("preset {name} + {}", user_path.display())
        } else {
            format!("preset {name}")
        };
        let text = toml::to_string(&merged).context("cannot serialise the merged config")?;
        Self::from_toml(&text, &origin).map_err(|problems| {
            let lines: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
            anyhow::anyhow!("{origin}: invalid config:\n{}", lines.join("\n"))
        })
    }

    /// Loads `path`; a missing file at the default name gives the defaults.
    pub fn load(path: Option<&Path>) -> Result<Self> {
        let (path, explicit) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => (Path::new(CONFIG_FILE_NAME).to_path_buf(), false),
        };
        if !explicit && !path.exists() {
            return Ok(Self::default());
        }
        let text = std::fs::read_to_string(&path).with_context(|| format!("{}: cannot read config", path.display()))?;
        Self::from_toml(&text, &path.display().to_string()).map_err(|problems| {
            let lines: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
            anyhow::anyhow!("{}: invalid config:\n{}", path.display(), lines.join("\n"))
        })
    }

    /// Every value out of range, with its key. Empty when the config is usable.
    pub fn problems(&self) -> Vec<Problem> {
        let mut c = Checker::default();
        let g = &self.global;
        if g.sample_rate != 44_100 {
            c.fail("global.sample_rate", g.sample_rate, "expected 44100 (the rate every output is written at)");
        }
        if ![16, 24].contains(&g.output_bit_depth) {
            c.fail("global.output_bit_depth", g.output_bit_depth, "expected 16 or 24");
        }
        c.range("global.target_peak_dbfs", g.target_peak_dbfs, -30.0, -0.1);

        let d = &self.drone_maker;
        c.range_list("drone_maker.time_stretch_factors", &d.time_stretch_factors, 0.25, 8.0, false);
        c.range_list("drone_maker.pitch_shift_semitones", &d.pitch_shift_semitones, -24.0, 24.0, false);
        for (i, v) in d.filter_variants.iter().enumerate() {
            c.one_of(&format!("drone_maker.filter_variants[{i}]"), v, &["warm", "airy", "dark"]);
        }
        c.count("drone_maker.max_drones_per_source", d.max_drones_per_source, 0, 16);
        c.count("drone_maker.max_variants_per_pad", d.max_variants_per_pad, 0, 64);
        if d.swell_duration_sec != 0.0 {
            c.range("drone_maker.swell_duration_sec", d.swell_duration_sec, 1.0, 60.0);
        }
        c.range("drone_maker.swell_attack_sec", d.swell_attack_sec, 0.05, 30.0);
        c.range("drone_maker.swell_release_sec", d.swell_release_sec, 0.05, 30.0);
        c.one_of("drone_maker.swell_shape", &d.swell_shape, &["linear", "equal_power", "exponential", "s_curve"]);

        let k = &self.clouds;
        c.texture_range("clouds.grain_length_min_ms", k.grain_length_min_ms, &GRAIN_SIZE);
        c.texture_range("clouds.grain_length_max_ms", k.grain_length_max_ms, &GRAIN_SIZE);
        c.ordered("clouds.grain_length_min_ms", k.grain_length_min_ms, "clouds.grain_length_max_ms", k.grain_length_max_ms);
        c.texture_range("clouds.grains_per_second", k.grains_per_second, &DENSITY);
        c.texture_range("clouds.pitch_shift_min_semitones", k.pitch_shift_min_semitones, &PITCH);
        c.texture_range("clouds.pitch_shift_max_semitones", k.pitch_shift_max_semitones, &PITCH);
        c.ordered(
            "clouds.pitch_shift_min_semitones",
            k.pitch_shift_min_semitones,
            "clouds.pitch_shift_max_semitones",
            k.pitch_shift_max_semitones,
        );
        c.texture_range("clouds.position_spray", k.position_spray, &POSITION_SPRAY);
        c.texture_range("clouds.reverse_probability", k.reverse_probability, &REVERSE);
        c.texture_range("clouds.stereo_spread", k.stereo_spread, &STEREO_SPREAD);
        c.texture_range("clouds.lowpass_hz", k.lowpass_hz, &LOWPASS);
        c.range("clouds.cloud_duration_sec", k.cloud_duration_sec, 1.0, 120.0);
        c.count("clouds.clouds_per_source", k.clouds_per_source, 0, 16);
        c.range("clouds.target_peak_dbfs", k.target_peak_dbfs, -30.0, -0.1);

        let h = &self.hiss;
        c.one_of("hiss.filter", &h.filter, &["bandpass", "highpass"]);
        c.range("hiss.band_low_hz", h.band_low_hz, 500.0, 18_000.0);
        c.range("hiss.band_high_hz", h.band_high_hz, 500.0, 20_000.0);
        c.ordered("hiss.band_low_hz", h.band_low_hz, "hiss.band_high_hz", h.band_high_hz);
        c.range("hiss.tremolo_rate_hz", h.tremolo_rate_hz, 0.0, 20.0);
        c.range("hiss.tremolo_depth", h.tremolo_depth, 0.0, 1.0);
        c.range("hiss.tone_gate_db", h.tone_gate_db, 0.0, 40.0);
        c.range("hiss.hiss_loop_sec", h.hiss_loop_sec, 0.5, 60.0);
        c.count("hiss.hiss_loops_per_source", h.hiss_loops_per_source, 0, 16);
        c.count("hiss.flicker_count", h.flicker_count, 0, 64);
        c.range("hiss.flicker_min_ms", h.flicker_min_ms, 10.0, 5000.0);
        c.range("hiss.flicker_max_ms", h.flicker_max_ms, 10.0, 5000.0);
        c.ordered("hiss.flicker_min_ms", h.flicker_min_ms, "hiss.flicker_max_ms", h.flicker_max_ms);
        c.range("hiss.target_peak_dbfs", h.target_peak_dbfs, -30.0, -0.1);
        c.range("hiss.flicker_target_peak_dbfs", h.flicker_target_peak_dbfs, -30.0, -0.1);

        let m = &self.musicality;
        if !m.target_key.is_empty() && engine::analysis::key::Key::parse(&m.target_key).is_none() {
            c.fail("musicality.target_key", format!("\"{}\"", m.target_key), "expected a key like \"A minor\" or \"F# major\", or \"\"");
        }
        c.range("musicality.key_confidence_threshold", m.key_confidence_threshold, 0.0, 1.0);
        if m.reference_bpm != "detect" {
            match m.reference_bpm.parse::<f32>() {
                Ok(bpm) => c.range("musicality.reference_bpm", bpm, 40.0, 300.0),
                Err(_) => c.fail("musicality.reference_bpm", format!("\"{}\"", m.reference_bpm), "expected \"detect\" or a BPM from 40 to 300"),
            }
        }
        if m.bar_lengths.is_empty() || m.bar_lengths.iter().any(|b| !(1..=16).contains(b)) {
            c.fail("musicality.bar_lengths", format!("{:?}", m.bar_lengths), "expected a non-empty list of bar counts from 1 to 16");
        }
        c.count("musicality.beats_per_bar", m.beats_per_bar as usize, 1, 16);

        engine_problem(&mut c, "pad_miner", self.pad_miner.validate());
        engine_problem(&mut c, "separation", self.separation.validate());
        engine_problem(&mut c, "hiss_miner", self.hiss_miner.validate());
        engine_problem(&mut c, "oneshots", self.oneshots.validate());
        engine_problem(&mut c, "roomtone", self.roomtone.validate());
        engine_problem(&mut c, "filters", self.filters.validate(self.global.sample_rate));
        engine_problem(&mut c, "curation.thresholds", self.curation.thresholds.validate());
        engine_problem(&mut c, "brightness_tags", self.brightness_tags.validate());
        c.problems
    }
}

// The engine parameters the `[clouds]` keys set, whose ranges the keys take (a field missing from
// the engine's table fails the build).
const GRAIN_SIZE: ParamSpec = spec_of("grain_size_ms");
const DENSITY: ParamSpec = spec_of("density_hz");
const PITCH: ParamSpec = spec_of("pitch_semitones");
const POSITION_SPRAY: ParamSpec = spec_of("position_spray");
const REVERSE: ParamSpec = spec_of("reverse_probability");
const STEREO_SPREAD: ParamSpec = spec_of("stereo_spread");
const LOWPASS: ParamSpec = spec_of("lowpass_hz");

/// Keys of the original tool (and older afterglow configs) still accepted: (section, legacy name,
/// current name).
pub const LEGACY_KEYS: &[(&str, &str, &str)] = &[
    ("pad_miner", "crossfade_ms", "loop_crossfade_ms"),
    ("pad_miner", "max_onset_rate_per_second", "max_onset_rate_per_sec"),
    ("paths", "source_audio_dir", "source_audio"),
    ("paths", "pad_sources_dir", "pad_sources"),
    ("paths", "drums_dir", "drums"),
];

/// Every key a config may have, as the table of the default config.
fn known_keys() -> toml::Table {
    // Serialising a plain struct of numbers, strings, lists and sub-structs cannot fail.
    toml::Table::try_from(Config::default()).expect("default config serialises")
}

fn engine_problem(checker: &mut Checker, section: &str, result: engine::Result<()>) {
    match result {
        Ok(()) => {}
        Err(engine::Error::InvalidSetting { key, value, expected }) => {
            // Engine settings name their key with or without a section of their own: use ours.
            let bare = key.rsplit_once('.').map_or(key.as_str(), |(_, k)| k);
            checker.fail(&format!("{section}.{bare}"), value, expected);
        }
        Err(other) => checker.fail(section, "(section)", other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commented_default_parses_back_to_the_default() {
        let text = template::commented_default();
        assert_eq!(Config::from_toml(&text, "default").unwrap(), Config::default());
    }

    #[test]
    fn every_key_of_the_default_has_a_comment() {
        fn walk(table: &toml::Table, prefix: &str, out: &mut Vec<String>) {
            for (k, v) in table {
                let dotted = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                match v {
                    toml::Value::Table(t) => walk(t, &dotted, out),
                    _ => out.push(dotted),
                }
            }
        }
        let mut keys = Vec::new();
        walk(&known_keys(), "", &mut keys);
        let missing: Vec<_> = keys
            .iter()
            .filter(|k| !template::DERIVED_KEYS.contains(&k.as_str()))
            .filter(|k| !template::KEY_COMMENTS.iter().any(|(c, _)| c == k))
            .collect();
        assert!(missing.is_empty(), "keys without a comment in config/template.rs: {missing:?}");
    }

    #[test]
    fn default_is_valid_and_empty_file_means_defaults() {
        assert!(Config::default().problems().is_empty(), "{:?}", Config::default().problems());
        assert_eq!(Config::from_toml("", "x").unwrap(), Config::default());
    }

    #[test]
    fn bad_values_name_key_value_and_range() {
        let err = Config::from_toml("[clouds]\ngrain_length_min_ms = 0.0\n", "x.toml").unwrap_err();
        assert_eq!(err[0].key, "clouds.grain_length_min_ms");
        assert_eq!(err[0].value, "0");
        assert!(err[0].expected.contains("5 to 1000"));
    }

    #[test]
    fn an_unknown_window_names_the_key_and_the_engines_shapes() {
        let err = Config::from_toml("[clouds]\nwindow = \"hamming\"\nlowpass_hz = 5.0\n", "x.toml").unwrap_err();
        let shown: Vec<String> = err.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "`clouds.window` = \"hamming\": expected one of \"hann\", \"tukey\", \"decay\", \"triangle\"",
                "`clouds.lowpass_hz` = 5: expected a number from 200 to 20000",
            ]
        );
        let err = Config::from_toml("[clouds]\nwindow = 3\n", "x.toml").unwrap_err();
        assert_eq!(err[0].key, "clouds.window");
        assert!(err[0].expected.contains("\"triangle\""), "{}", err[0]);
        let config = Config::from_toml("[clouds]\nwindow = \"decay\"\n", "x.toml").unwrap();
        assert_eq!(config.clouds.window, WindowShape::Decay);
    }

    #[test]
    fn cloud_ranges_and_the_templates_words_are_the_engines() {
        for (key, spec) in [
            ("clouds.grain_length_min_ms", GRAIN_SIZE),
            ("clouds.grains_per_second", DENSITY),
            ("clouds.lowpass_hz", LOWPASS),
            ("clouds.position_spray", POSITION_SPRAY),
        ] {
            let comment = template::KEY_COMMENTS.iter().find(|(k, _)| *k == key).map(|(_, c)| *c).unwrap_or_default();
            assert!(comment.contains(&format!("{}..{}", spec.min, spec.max)), "{key}: {comment}");
        }
        let window = template::KEY_COMMENTS.iter().find(|(k, _)| *k == "clouds.window").map(|(_, c)| *c).unwrap_or_default();
        for name in check::serde_names(&WindowShape::ALL) {
            assert!(window.contains(&name), "{name} missing from the template's clouds.window comment");
        }
        assert_eq!(CloudSection::default().window, WindowShape::default());
    }

    #[test]
    fn engine_section_problems_name_the_config_key() {
        let err = Config::from_toml("[hiss_miner]\nmin_flatness = 2.0\n[pad_miner]\nmax_overlap_ratio = 3.0\n", "x").unwrap_err();
        let keys: Vec<&str> = err.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, ["pad_miner.max_overlap_ratio", "hiss_miner.min_flatness"]);
    }

    #[test]
    fn legacy_keys_of_the_original_are_accepted() {
        let text = "[pad_miner]\ncrossfade_ms = 80.0\nmax_onset_rate_per_second = 1.5\n\
                    [paths]\nsource_audio_dir = \"in\"\npad_sources_dir = \"pads\"\ndrums_dir = \"d\"\nexport_dir = \"out\"\n";
        let config = Config::from_toml(text, "x.toml").unwrap();
        assert_eq!(config.pad_miner.loop_crossfade_ms, 80.0);
        assert_eq!(config.pad_miner.max_onset_rate_per_sec, 1.5);
        assert_eq!(
            [config.paths.source_audio.as_str(), &config.paths.pad_sources, &config.paths.drums, &config.paths.export_dir],
            ["in", "pads", "d", "out"]
        );
    }

    #[test]
    fn a_legacy_key_next_to_its_current_name_is_an_error() {
        let err = Config::from_toml("[pad_miner]\ncrossfade_ms = 80.0\nloop_crossfade_ms = 90.0\n", "x").unwrap_err();
        assert_eq!(err[0].key, "pad_miner.crossfade_ms");
        assert!(err[0].expected.contains("loop_crossfade_ms"), "{}", err[0]);
    }

    #[test]
    fn unknown_keys_are_errors_with_suggestions() {
        let err = Config::from_toml("[clouds]\ngrains_per_sec = 3.0\n", "x.toml").unwrap_err();
        assert_eq!(err[0].key, "clouds.grains_per_sec");
        assert!(err[0].expected.contains("grains_per_second"), "{}", err[0]);
    }
}
