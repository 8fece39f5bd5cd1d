//! The recipe format: serde types (the front ends read and write them as TOML), versioned.
//!
//! ```toml
//! version = 1
//! kind = "cloud"
//! seed = 42
//! duration_sec = 8.0
//!
//! [source]                          # path = "builtin:" plays the built-in texture (no region)
//! path = "fixtures/archive/02 tape loop in A.wav"
//! content_hash = "3f2a..."          # xxh3-64 of the file; a mismatch is an error
//! start_sample = 44100              # region, in samples of the 44.1 kHz decoded source
//! len_samples = 176400
//! as_loop = true                    # cut as a seamless loop (as the plugin's miner does)
//! root_note = 57.0                  # MIDI note the pad sounds at (optional)
//! [source.loop]                     # optional: the loop cut's settings (default: the pad miner's)
//! crossfade_ms = 100.0
//!
//! [params]                          # every TextureParams field; missing ones keep their defaults
//! density_hz = 30.0
//!
//! [[notes]]                         # optional; without notes set params.hold = true
//! start_sec = 0.0
//! length_sec = 2.0
//! note = 60
//! velocity = 0.8
//!
//! [[automation]]                    # optional: from `time_sec` on, `param` has `value`
//! time_sec = 4.0
//! param = "position"
//! value = 0.2
//!
//! [output]
//! bits = 24
//! channels = 2
//! edge_fade_sec = 0.05              # S-curve fades at both ends
//! normalize_peak_dbfs = -1.0        # optional peak normalisation
//! ```

use crate::mining::LoopConfig;
use crate::separate::{Layer, SeparationConfig};
use crate::texture::transport::{DEFAULT_TEMPO_BPM, MAX_TEMPO_BPM, MIN_TEMPO_BPM};
use crate::texture::TextureParams;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// The `source.path` of a recipe that plays the built-in texture (no file, no region).
pub const BUILTIN_SOURCE_PATH: &str = "builtin:";

/// The version this build writes; it reads this one and every older one it knows.
pub const RECIPE_VERSION: u32 = 1;

/// What a recipe renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RecipeKind {
    /// Granular cloud (and hiss) through the texture engine.
    #[default]
    Cloud,
}

/// Where the pad comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecipeSource {
    /// Path of the source file (relative paths are relative to the recipe file's folder, then the
    /// working folder), or `"builtin:"` for the built-in texture (the region fields are then ignored).
    pub path: String,
    /// xxh3-64 of the source file's bytes, 16 hex digits; empty to skip the check.
    #[serde(default)]
    pub content_hash: String,
    /// First sample of the region in the decoded 44.1 kHz source.
    #[serde(default)]
    pub start_sample: usize,
    /// Length of the region, samples (at least 64 for a file source).
    #[serde(default)]
    pub len_samples: usize,
    /// Cut the region as a seamless loop (seam search and cross-fade) rather than a plain excerpt.
    #[serde(default = "default_true")]
    pub as_loop: bool,
    /// MIDI note number the pad sounds at; notes transpose from it.
    #[serde(default)]
    pub root_note: Option<f32>,
    /// Seam search and cross-fade of the loop cut; absent means the pad miner's defaults.
    #[serde(default, rename = "loop")]
    pub loop_settings: Option<LoopConfig>,
    /// The layer of the source the region is cut from; absent means the mix.
    #[serde(default, skip_serializing_if = "Layer::is_mix")]
    pub layer: Layer,
    /// The separation settings the layer is made with; absent means the defaults. Only read for a
    /// layer other than the mix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub separation: Option<SeparationConfig>,
}

impl RecipeSource {
    /// The source of a recipe that plays the built-in texture.
    pub fn builtin() -> Self {
        Self {
            path: String::from(BUILTIN_SOURCE_PATH),
            content_hash: String::new(),
            start_sample: 0,
            len_samples: 0,
            as_loop: false,
            root_note: None,
            loop_settings: None,
            layer: Layer::Mix,
            separation: None,
        }
    }

    /// Whether this source is the built-in texture rather than a file.
    pub fn is_builtin(&self) -> bool {
        self.path.trim() == BUILTIN_SOURCE_PATH
    }

    /// The loop settings in force.
    pub fn loop_config(&self) -> LoopConfig {
        self.loop_settings.unwrap_or_else(|| crate::mining::PadMinerConfig::default().loop_config())
    }
}

fn default_true() -> bool {
    true
}

/// A held note.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteSpan {
    /// When the key goes down, seconds from the start (rounded to the nearest sample).
    pub start_sec: f64,
    /// How long it is held, seconds; released at `start_sec + length_sec`.
    pub length_sec: f64,
    /// MIDI note number, 0..127.
    pub note: u8,
    /// 0..1.
    pub velocity: f32,
}

/// One automation point: from `time_sec` on, `param` has `value`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamPoint {
    pub time_sec: f64,
    /// A `TextureParams` field name (see [`super::param_names`]).
    pub param: String,
    /// The value, in the field's own unit (booleans: 0 or 1; window: 0 hann, 1 tukey, 2 decay,
    /// 3 triangle; source_slot: -1 for all).
    pub value: f32,
}

/// The file written, and the finishing applied to the engine's output.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutputSpec {
    /// 16 or 24.
    pub bits: u16,
    /// 1 or 2.
    pub channels: u16,
    /// S-curve fade at both ends, seconds (0 for none).
    pub edge_fade_sec: f32,
    /// Peak-normalise to this level, dBFS; absent keeps the engine's own level.
    pub normalize_peak_dbfs: Option<f32>,
}

impl Default for OutputSpec {
    fn default() -> Self {
        Self { bits: 24, channels: 2, edge_fade_sec: 0.0, normalize_peak_dbfs: None }
    }
}

/// A recipe. See the module docs for the TOML form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recipe {
    pub version: u32,
    #[serde(default)]
    pub kind: RecipeKind,
    pub seed: u64,
    pub duration_sec: f64,
    /// The tempo the recipe renders at, quarter notes per minute (synced grains, scan and tremolo
    /// follow it; the song starts at beat 0 on the first sample). Written only when not 120.
    #[serde(default = "default_tempo_bpm", skip_serializing_if = "is_default_tempo")]
    pub tempo_bpm: f64,
    pub source: RecipeSource,
    #[serde(default)]
    pub params: TextureParams,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<NoteSpan>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub automation: Vec<ParamPoint>,
    #[serde(default)]
    pub output: OutputSpec,
}

fn default_tempo_bpm() -> f64 {
    DEFAULT_TEMPO_BPM
}

fn is_default_tempo(tempo_bpm: &f64) -> bool {
    *tempo_bpm == DEFAULT_TEMPO_BPM
}

/// The longest recipe render, seconds (ten minutes).
pub const MAX_RECIPE_SEC: f64 = 600.0;

impl Recipe {
    /// Checks the version and every value a render depends on. `origin` names the recipe in errors.
    pub fn validate(&self, origin: &str) -> Result<()> {
        let bad = |key: &str, value: String, expected: &str| {
            Err(Error::InvalidSetting { key: format!("{origin}: {key}"), value, expected: expected.to_string() })
        };
        check_version(self.version, origin)?;
        if !(self.duration_sec.is_finite() && self.duration_sec > 0.0 && self.duration_sec <= MAX_RECIPE_SEC) {
            return bad("duration_sec", self.duration_sec.to_string(), "a number of seconds from 0 to 600");
        }
        if !self.source.is_builtin() && self.source.len_samples < 64 {
            return bad("source.len_samples", self.source.len_samples.to_string(), "at least 64 samples");
        }
        if !(self.tempo_bpm.is_finite() && (MIN_TEMPO_BPM..=MAX_TEMPO_BPM).contains(&self.tempo_bpm)) {
            return bad("tempo_bpm", self.tempo_bpm.to_string(), "a tempo from 10 to 999 BPM");
        }
        if ![16, 24].contains(&self.output.bits) {
            return bad("output.bits", self.output.bits.to_string(), "16 or 24");
        }
        if ![1, 2].contains(&self.output.channels) {
            return bad("output.channels", self.output.channels.to_string(), "1 or 2");
        }
        let fade = self.output.edge_fade_sec;
        if !(fade.is_finite() && (0.0..=10.0).contains(&fade)) {
            return bad("output.edge_fade_sec", fade.to_string(), "0..10 seconds");
        }
        if let Some(peak) = self.output.normalize_peak_dbfs
            && !(peak.is_finite() && (-60.0..=0.0).contains(&peak))
        {
            return bad("output.normalize_peak_dbfs", peak.to_string(), "-60..0 dBFS");
        }
        for (i, n) in self.notes.iter().enumerate() {
            let ok = n.start_sec.is_finite()
                && n.start_sec >= 0.0
                && n.length_sec.is_finite()
                && n.length_sec >= 0.0
                && n.note < 128
                && (0.0..=1.0).contains(&n.velocity);
            if !ok {
                return bad(&format!("notes[{i}]"), format!("{n:?}"), "start and length >= 0, note 0..127, velocity 0..1");
            }
        }
        for (i, p) in self.automation.iter().enumerate() {
            if !(p.time_sec.is_finite() && p.time_sec >= 0.0 && p.value.is_finite()) {
                return bad(&format!("automation[{i}]"), format!("{p:?}"), "a finite time >= 0 and a finite value");
            }
            if !super::is_param_name(&p.param) {
                return bad(&format!("automation[{i}].param"), p.param.clone(), "a texture parameter name");
            }
        }
        Ok(())
    }
}

/// Checks a recipe's `version` before anything else is read, so a recipe from a newer afterglow
/// fails with that message rather than with an unknown field.
pub fn check_version(version: u32, origin: &str) -> Result<()> {
    if version == 0 || version > RECIPE_VERSION {
        return Err(Error::InvalidSetting {
            key: format!("{origin}: version"),
            value: version.to_string(),
            expected: format!(
                "1..={RECIPE_VERSION}: a recipe needs a version, and a higher one was made by a newer afterglow"
            ),
        });
    }
    Ok(())
}
