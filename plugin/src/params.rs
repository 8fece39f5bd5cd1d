//! The plugin's host parameters: stable ids, names, units, musical ranges and value strings, plus
//! the persisted archive path and bank size, and their mapping into the engine's [`TextureParams`].
//!
//! Parameter ids are part of every saved project and recipe: never rename one once released.

pub(crate) mod host_param;
pub mod modulation;
pub mod tempo;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, RwLock};

use engine::texture::{TextureParams, WindowShape};

use nice_plug::prelude::*;

use modulation::ModulationParams;
use crate::persist::{BankRecall, EditorSize};
use crate::queues::{MIN_BANK_SIZE, NUM_BANK_SLOTS};
use host_param::float_param;

/// Poly modulation ids of the parameters the host may modulate per note (CLAP polyphonic
/// modulation; see `audio::host_notes`), and how many there are.
pub const POLY_POSITION: u32 = 0;
pub const POLY_SPRAY: u32 = 1;
pub const POLY_SIZE: u32 = 2;
pub const POLY_DENSITY: u32 = 3;
pub const POLY_PITCH: u32 = 4;
pub const POLY_LOWPASS: u32 = 5;
pub const NUM_POLY_PARAMS: usize = 6;
use tempo::TempoParams;

/// Number of pad-bank slots the `source` parameter can address (1..=this; 0 means all). Fixed at
/// 64 because it is the parameter's saved range; the bank must keep at least this many slots.
pub const NUM_SOURCE_SLOTS: i32 = 64;
const _: () = assert!(NUM_BANK_SLOTS >= NUM_SOURCE_SLOTS as usize);

/// Window shape choices as the host sees them. Variant ids are stable like parameter ids.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowChoice {
    #[id = "hann"]
    Hann,
    #[id = "tukey"]
    Tukey,
    #[id = "decay"]
    Decay,
    #[id = "triangle"]
    Triangle,
}

impl WindowChoice {
    /// The engine's window shape for this choice.
    pub fn shape(self) -> WindowShape {
        match self {
            Self::Hann => WindowShape::Hann,
            Self::Tukey => WindowShape::Tukey,
            Self::Decay => WindowShape::Decay,
            Self::Triangle => WindowShape::Triangle,
        }
    }
}

/// Every host parameter of the instrument, and the persisted archive folder.
#[derive(Params)]
pub struct AfterglowParams {
    /// Folder of recordings to mine. Persisted in the plugin state; the mining thread watches it.
    #[persist = "archive_path"]
    pub archive_path: Arc<RwLock<String>>,
    /// Most pads the miner keeps (see [`Self::bank_size`]). Persisted; not automatable.
    #[persist = "bank_size"]
    pub bank_size: Arc<AtomicU32>,
    /// The bank's pads by identity, saved with the project and rebuilt exactly when it is loaded
    /// (see [`crate::persist`]; the mining thread rebuilds it).
    #[persist = "bank"]
    pub bank: BankRecall,
    /// The editor's size, so a reopened project opens it as the musician left it.
    #[persist = "editor_size"]
    pub editor_size: EditorSize,

    #[id = "position"]
    pub position: FloatParam,
    #[id = "position_spray"]
    pub position_spray: FloatParam,
    #[id = "grain_size"]
    pub grain_size_ms: FloatParam,
    #[id = "size_spray"]
    pub size_spray: FloatParam,
    #[id = "density"]
    pub density_hz: FloatParam,
    #[id = "pitch"]
    pub pitch_semitones: FloatParam,
    #[id = "pitch_spray"]
    pub pitch_spray_semitones: FloatParam,
    #[id = "stereo_spread"]
    pub stereo_spread: FloatParam,
    #[id = "window"]
    pub window: EnumParam<WindowChoice>,
    #[id = "reverse"]
    pub reverse_probability: FloatParam,
    #[id = "freeze"]
    pub freeze: BoolParam,
    #[id = "cloud_level"]
    pub cloud_gain: FloatParam,
    #[id = "cloud_lowpass"]
    pub lowpass_hz: FloatParam,
    #[id = "hiss_level"]
    pub hiss_gain: FloatParam,
    #[id = "hiss_tone"]
    pub hiss_tone_hz: FloatParam,
    #[id = "tremolo_rate"]
    pub tremolo_rate_hz: FloatParam,
    #[id = "tremolo_depth"]
    pub tremolo_depth: FloatParam,
    #[id = "flicker"]
    pub flicker_amount: FloatParam,
    #[id = "attack"]
    pub attack_ms: FloatParam,
    #[id = "release"]
    pub release_ms: FloatParam,
    #[id = "hold"]
    pub hold: BoolParam,
    #[id = "source"]
    pub source: IntParam,
    #[id = "seed"]
    pub seed: IntParam,
    #[id = "output_gain"]
    pub output_gain: FloatParam,
    /// Scale, LFOs and expression (ids unprefixed: `scale`, `lfo1_rate`, `pressure_target`...).
    #[nested(group = "Modulation")]
    pub modulation: ModulationParams,
    /// Tempo sync and the position scan (`params/tempo.rs`).
    #[nested(group = "Tempo")]
    pub tempo: TempoParams,
}

impl Default for AfterglowParams {
    fn default() -> Self {
        let d = TextureParams::default();
        Self {
            archive_path: Arc::new(RwLock::new(String::new())),
            bank_size: Arc::new(AtomicU32::new(NUM_BANK_SLOTS as u32)),
            bank: BankRecall::default(),
            editor_size: EditorSize::default(),
            position: float_param("position").with_poly_modulation_id(POLY_POSITION),
            position_spray: float_param("position_spray").with_poly_modulation_id(POLY_SPRAY),
            grain_size_ms: float_param("grain_size").with_poly_modulation_id(POLY_SIZE),
            size_spray: float_param("size_spray"),
            density_hz: float_param("density").with_poly_modulation_id(POLY_DENSITY),
            // Fine steps on the pitch control: a hundredth of a semitone.
            pitch_semitones: float_param("pitch").with_step_size(0.01).with_poly_modulation_id(POLY_PITCH),
            pitch_spray_semitones: float_param("pitch_spray"),
            stereo_spread: float_param("stereo_spread"),
            window: EnumParam::new("Window", WindowChoice::Hann),
            reverse_probability: float_param("reverse"),
            freeze: BoolParam::new("Freeze", d.freeze),
            cloud_gain: float_param("cloud_level"),
            lowpass_hz: float_param("cloud_lowpass").with_poly_modulation_id(POLY_LOWPASS),
            hiss_gain: float_param("hiss_level"),
            hiss_tone_hz: float_param("hiss_tone"),
            tremolo_rate_hz: float_param("tremolo_rate"),
            tremolo_depth: float_param("tremolo_depth"),
            flicker_amount: float_param("flicker"),
            attack_ms: float_param("attack"),
            release_ms: float_param("release"),
            hold: BoolParam::new("Hold", d.hold),
            source: IntParam::new(
                "Source",
                0,
                IntRange::Linear {
                    min: 0,
                    max: NUM_SOURCE_SLOTS,
                },
            )
            .with_value_to_string(Arc::new(|value| match value {
                0 => String::from("All pads"),
                n => format!("Pad {n}"),
            }))
            .with_string_to_value(Arc::new(|text| {
                let text = text.trim();
                if text.eq_ignore_ascii_case("all") || text.eq_ignore_ascii_case("all pads") {
                    return Some(0);
                }
                let digits = text.trim_start_matches(|c: char| !c.is_ascii_digit());
                digits.parse().ok()
            })),
            seed: IntParam::new("Seed", 1, IntRange::Linear { min: 0, max: 9999 }),
            output_gain: float_param("output_gain"),
            modulation: ModulationParams::default(),
            tempo: TempoParams::default(),
        }
    }
}

impl AfterglowParams {
    /// The archive folder currently set (empty when none). Not realtime-safe: takes a lock and allocates.
    pub fn archive_path(&self) -> String {
        // A poisoned lock only means a writer panicked mid-assignment of a whole String; the
        // value is still a valid String, so read through the poison.
        match self.archive_path.read() {
            Ok(path) => path.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Whether the archive folder is `path`, without copying it. Not realtime-safe: takes a lock.
    pub fn archive_path_is(&self, path: &str) -> bool {
        match self.archive_path.read() {
            Ok(current) => *current == path,
            Err(poisoned) => *poisoned.into_inner() == path,
        }
    }

    /// Most pads the miner keeps: [`MIN_BANK_SIZE`]..=[`NUM_BANK_SLOTS`]
    /// (a saved value outside that range is clamped into it). Each pad is at most
    /// [`crate::queues::MAX_PAD_SEC`] long, so this bounds the bank's memory. Realtime-safe.
    pub fn bank_size(&self) -> usize {
        (self.bank_size.load(Ordering::Acquire) as usize).clamp(MIN_BANK_SIZE, NUM_BANK_SLOTS)
    }

    /// Set the bank size (clamped as [`Self::bank_size`] reads it). Realtime-safe.
    pub fn set_bank_size(&self, pads: usize) {
        let pads = pads.clamp(MIN_BANK_SIZE, NUM_BANK_SLOTS);
        self.bank_size.store(pads as u32, Ordering::Release);
    }

    /// Set the archive folder. Not realtime-safe: takes a lock and allocates.
    pub fn set_archive_path(&self, path: &str) {
        let mut guard = match self.archive_path.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        guard.clear();
        guard.push_str(path);
    }

    /// The seed the engine is reset with. Realtime-safe.
    pub fn seed_value(&self) -> u64 {
        self.seed.value().max(0) as u64
    }

    /// The current parameter values as the engine's parameter struct. The engine smooths
    /// continuous values itself, so the plain (unsmoothed) values are passed once per sub-block.
    /// Realtime-safe.
    pub fn texture_params(&self) -> TextureParams {
        let source = self.source.value();
        let mut p = TextureParams {
            position: self.position.value(),
            position_spray: self.position_spray.value(),
            grain_size_ms: self.grain_size_ms.value(),
            size_spray: self.size_spray.value(),
            density_hz: self.density_hz.value(),
            pitch_semitones: self.pitch_semitones.value(),
            pitch_spray_semitones: self.pitch_spray_semitones.value(),
            stereo_spread: self.stereo_spread.value(),
            window: self.window.value().shape(),
            reverse_probability: self.reverse_probability.value(),
            freeze: self.freeze.value(),
            cloud_gain: self.cloud_gain.value(),
            hiss_gain: self.hiss_gain.value(),
            hiss_tone_hz: self.hiss_tone_hz.value(),
            tremolo_rate_hz: self.tremolo_rate_hz.value(),
            tremolo_depth: self.tremolo_depth.value(),
            flicker_amount: self.flicker_amount.value(),
            lowpass_hz: self.lowpass_hz.value(),
            attack_ms: self.attack_ms.value(),
            release_ms: self.release_ms.value(),
            hold: self.hold.value(),
            // Slot numbers shown to the musician start at 1; the bank's slots start at 0.
            source_slot: (source > 0).then(|| (source - 1) as u16),
            output_gain: self.output_gain.value(),
            ..TextureParams::default()
        };
        self.modulation.fill(&mut p);
        self.tempo.fill(&mut p);
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_map_to_engine_defaults() {
        let params = AfterglowParams::default();
        let mapped = params.texture_params();
        assert_eq!(mapped, TextureParams::default());
        assert_eq!(params.archive_path(), "");
    }

    /// Parameter ids are saved in every project: this list may grow, never change.
    #[test]
    fn parameter_ids_are_pinned() {
        let params = AfterglowParams::default();
        let ids: Vec<String> = params.param_map().into_iter().map(|(id, _, _)| id).collect();
        let expected = [
            "position", "position_spray", "grain_size", "size_spray", "density", "pitch",
            "pitch_spray", "stereo_spread", "window", "reverse", "freeze", "cloud_level",
            "cloud_lowpass", "hiss_level", "hiss_tone", "tremolo_rate", "tremolo_depth", "flicker",
            "attack", "release", "hold", "source", "seed", "output_gain", "scale", "scale_root",
            "lfo1_shape", "lfo1_rate", "lfo1_sync", "lfo1_division", "lfo1_retrigger", "lfo1_position",
            "lfo1_spray", "lfo1_size", "lfo1_density", "lfo1_pitch", "lfo1_lowpass", "lfo1_level",
            "lfo2_shape", "lfo2_rate", "lfo2_sync", "lfo2_division", "lfo2_retrigger", "lfo2_position",
            "lfo2_spray", "lfo2_size", "lfo2_density", "lfo2_pitch", "lfo2_lowpass", "lfo2_level",
            "bend_range", "pressure_target", "timbre_target", "sync", "grain_division",
            "scan_mode", "scan_rate", "scan_division", "tremolo_division",
        ];
        assert_eq!(ids, expected);
        let fields = params.serialize_fields();
        assert!(fields.contains_key("archive_path") && fields.contains_key("bank"));
    }

    #[test]
    fn value_strings_read_back() {
        let params = AfterglowParams::default();
        let source_text = params.source.normalized_value_to_string(1.0, true);
        assert_eq!(source_text, "Pad 64");
        assert_eq!(params.source.string_to_normalized_value("all"), Some(0.0));
        let gain_text = params.output_gain.normalized_value_to_string(
            params.output_gain.preview_normalized(1.0),
            true,
        );
        assert!(gain_text.contains("dB"), "{gain_text}");
        params.set_archive_path("/tmp/x");
        assert_eq!(params.archive_path(), "/tmp/x");
    }
}
