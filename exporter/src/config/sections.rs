//! The exporter's own config sections (the engine's sections come from the engine crate).
//!
//! Key names follow the original tool's `config.yaml` where they apply.

use engine::texture::{TextureParams, WindowShape};
use serde::{Deserialize, Serialize};

/// `[global]`: output format and level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GlobalSection {
    /// Output sample rate, Hz. Fixed at 44100: every sampler afterglow targets reads it.
    pub sample_rate: u32,
    /// Output bit depth: 24 (default) or 16 (TPDF-dithered).
    pub output_bit_depth: u16,
    /// Peak level every file is normalised to, dBFS, -30..-0.1.
    pub target_peak_dbfs: f32,
}

impl Default for GlobalSection {
    fn default() -> Self {
        Self { sample_rate: 44_100, output_bit_depth: 24, target_peak_dbfs: -1.0 }
    }
}

/// `[paths]`: where sources are found when `render` gets no ARCHIVE, and where packs go.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PathsSection {
    /// Full tracks, stems and bounces, mined for everything.
    pub source_audio: String,
    /// Hand-picked tonal material: pads, drones, swells and clouds.
    pub pad_sources: String,
    /// Percussive or noisy material: hiss and flickers.
    pub drums: String,
    /// Default output folder (overridden by `--out`).
    pub export_dir: String,
}

impl Default for PathsSection {
    fn default() -> Self {
        Self {
            source_audio: "source_audio".into(),
            pad_sources: "pad_sources".into(),
            drums: "drums".into(),
            export_dir: "export".into(),
        }
    }
}

/// `[reproducibility]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReproducibilitySection {
    /// Master seed: the same seed gives byte-identical packs (overridden by `--seed`).
    pub random_seed: u64,
}

impl Default for ReproducibilitySection {
    fn default() -> Self {
        Self { random_seed: 42 }
    }
}

/// `[drone_maker]`: pad loops and swells made from mined pads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DroneSection {
    /// Time-stretch factors for drones (2.0 = twice as long), 0.25..8.
    pub time_stretch_factors: Vec<f32>,
    /// Pitch shifts for drones, semitones, -24..24.
    pub pitch_shift_semitones: Vec<f32>,
    /// Filter variants to render: any of "warm", "airy", "dark" (the unfiltered loop is always kept).
    pub filter_variants: Vec<String>,
    /// How many mined pads per source become drones, 0..16.
    pub max_drones_per_source: usize,
    /// Make swell one-shots.
    pub make_swells: bool,
    /// Also write reversed swells.
    pub reversed_swells: bool,
    /// Swell rise time, seconds, 0.05..30.
    pub swell_attack_sec: f32,
    /// Swell decay time, seconds, 0.05..30.
    pub swell_release_sec: f32,
    /// Swell fade shape: "linear", "equal_power", "exponential" or "s_curve".
    pub swell_shape: String,
    /// Write pads, drones and swells in stereo (true) or folded to mono.
    pub stereo: bool,
    /// Most drone, swell and cloud files made from one mined pad (region), 0 = no cap, 0..64.
    /// The plain drone and swell of every stretch and shift come first, then filtered and reversed
    /// variants; clouds of the region count toward the cap.
    pub max_variants_per_pad: usize,
    /// Fixed swell length, seconds, 0 = as long as the stretched pad, else 1..60. Longer than the
    /// material, the swell is built on its seamless loop.
    pub swell_duration_sec: f32,
    /// Also write every pad loop reversed (variant `reversed`), as an extra pad.
    pub enable_reversal: bool,
}

impl Default for DroneSection {
    fn default() -> Self {
        Self {
            time_stretch_factors: vec![2.0],
            pitch_shift_semitones: vec![-12.0, 0.0, 7.0],
            filter_variants: vec!["warm".into(), "airy".into(), "dark".into()],
            max_drones_per_source: 2,
            make_swells: true,
            reversed_swells: true,
            swell_attack_sec: 1.5,
            swell_release_sec: 2.5,
            swell_shape: "equal_power".into(),
            stereo: true,
            max_variants_per_pad: 4,
            swell_duration_sec: 0.0,
            enable_reversal: false,
        }
    }
}

/// `[clouds]`: granular textures rendered offline by the same grain engine the plugin plays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CloudSection {
    // The ranges of the grain keys are the engine's, of the `TextureParams` field each one sets
    // (`engine::texture::param_table`); `Config::problems` checks against them.
    /// Shortest grain, milliseconds, in the range of `grain_size_ms` (5..1000).
    pub grain_length_min_ms: f32,
    /// Longest grain, milliseconds, in the range of `grain_size_ms` and at least `grain_length_min_ms`.
    pub grain_length_max_ms: f32,
    /// Grains started per second, in the range of `density_hz` (0.5..500).
    pub grains_per_second: f32,
    /// Lowest per-grain transposition, semitones, in the range of `pitch_semitones` (-24..24).
    pub pitch_shift_min_semitones: f32,
    /// Highest per-grain transposition, semitones, in the range of `pitch_semitones` and at least the minimum.
    pub pitch_shift_max_semitones: f32,
    /// Random spread of grain start inside the region, 0..1 (`position_spray`; default the engine's).
    pub position_spray: f32,
    /// Probability that a grain plays backwards, 0..1 (`reverse_probability`).
    pub reverse_probability: f32,
    /// Per-grain pan width, 0 (mono) .. 1 (`stereo_spread`).
    pub stereo_spread: f32,
    /// Low-pass cutoff of the cloud, Hz, in the range of `lowpass_hz` (200..20000).
    pub lowpass_hz: f32,
    /// Grain window, the engine's shapes by name: "hann" (the default), "tukey", "decay" or "triangle".
    pub window: WindowShape,
    /// Length of each cloud, seconds, 1..120.
    pub cloud_duration_sec: f32,
    /// Clouds per source, 0..16.
    pub clouds_per_source: usize,
    /// Write stereo clouds (true) or fold them to mono.
    pub stereo: bool,
    /// Peak level of clouds, dBFS, -30..-0.1 (the original tool's -3).
    pub target_peak_dbfs: f32,
}

impl Default for CloudSection {
    fn default() -> Self {
        Self {
            grain_length_min_ms: 60.0,
            grain_length_max_ms: 240.0,
            grains_per_second: 30.0,
            pitch_shift_min_semitones: -3.0,
            pitch_shift_max_semitones: 3.0,
            position_spray: TextureParams::default().position_spray,
            reverse_probability: 0.15,
            stereo_spread: 0.8,
            lowpass_hz: 14_000.0,
            window: WindowShape::default(),
            cloud_duration_sec: 8.0,
            clouds_per_source: 2,
            stereo: true,
            target_peak_dbfs: -3.0,
        }
    }
}

/// `[hiss]`: high-frequency air from noisy regions, drums or synthetic noise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HissSection {
    /// "bandpass" or "highpass".
    pub filter: String,
    /// Band-pass low edge (or high-pass cutoff), Hz, 500..18000.
    pub band_low_hz: f32,
    /// Band-pass high edge, Hz, above `band_low_hz`, at most 20000.
    pub band_high_hz: f32,
    /// Tremolo rate, Hz, 0..20 (rounded so each loop holds a whole number of cycles).
    pub tremolo_rate_hz: f32,
    /// Tremolo depth, 0..1.
    pub tremolo_depth: f32,
    /// Spectral tone gate, dB over the local noise floor, 0..40 (0: off): the notes of instruments
    /// that reach the hiss band of a real drum take are pulled down to the noise around them.
    pub tone_gate_db: f32,
    /// Length of each hiss loop, seconds, 0.5..60.
    pub hiss_loop_sec: f32,
    /// Hiss loops per source, 0..16.
    pub hiss_loops_per_source: usize,
    /// Flicker bursts per source, 0..64.
    pub flicker_count: usize,
    /// Shortest flicker, milliseconds, 10..5000.
    pub flicker_min_ms: f32,
    /// Longest flicker, milliseconds, at least `flicker_min_ms`, at most 5000.
    pub flicker_max_ms: f32,
    /// Make hiss from synthetic noise when the archive has no noisy material.
    pub synthetic_fallback: bool,
    /// Write hiss and flickers in stereo (true) or folded to mono.
    pub stereo: bool,
    /// Peak level of hiss loops, dBFS, -30..-0.1 (the original tool's -6: air sits under pads).
    pub target_peak_dbfs: f32,
    /// Peak level of flickers, dBFS, -30..-0.1.
    pub flicker_target_peak_dbfs: f32,
}

impl Default for HissSection {
    fn default() -> Self {
        Self {
            filter: "bandpass".into(),
            band_low_hz: 6000.0,
            band_high_hz: 16_000.0,
            tremolo_rate_hz: 2.0,
            tremolo_depth: 0.4,
            tone_gate_db: 6.0,
            hiss_loop_sec: 4.0,
            hiss_loops_per_source: 1,
            flicker_count: 3,
            flicker_min_ms: 80.0,
            flicker_max_ms: 400.0,
            synthetic_fallback: true,
            stereo: true,
            target_peak_dbfs: -6.0,
            flicker_target_peak_dbfs: -3.0,
        }
    }
}

/// `[musicality]`: key and tempo awareness.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MusicalitySection {
    /// Transpose drones, swells and clouds to this key (e.g. "A minor"); empty: leave keys alone.
    pub target_key: String,
    /// Only transpose when the detected key's confidence is at least this, 0..1.
    pub key_confidence_threshold: f32,
    /// Make loops and clouds whole bars long.
    pub snap_to_grid: bool,
    /// "detect" (each source's own tempo) or a number of BPM, 40..300.
    pub reference_bpm: String,
    /// Allowed loop lengths in bars (1, 2, 4, ...).
    pub bar_lengths: Vec<u32>,
    /// Beats per bar, 1..16.
    pub beats_per_bar: u32,
}

impl Default for MusicalitySection {
    fn default() -> Self {
        Self {
            target_key: String::new(),
            key_confidence_threshold: 0.5,
            snap_to_grid: false,
            reference_bpm: "detect".into(),
            bar_lengths: vec![1, 2, 4],
            beats_per_bar: 4,
        }
    }
}
