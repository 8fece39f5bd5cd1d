//! `TextureParams`: the one plain parameter struct both front ends fill, once per sub-block.
//!
//! The plugin fills it from host parameters (the engine smooths them); the exporter fills it from a
//! recipe. Units are in the names; ranges are documented per field and clamped by the engine.

use serde::{Deserialize, Serialize};

/// Grain window shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum WindowShape {
    /// Raised cosine: smooth, the default.
    #[default]
    Hann,
    /// Tukey (flat top, cosine edges of 25 % each side): fuller grains.
    Tukey,
    /// Fast attack, long exponential-like decay: plucked grains.
    Decay,
    /// Linear rise and fall.
    Triangle,
}

impl WindowShape {
    pub const ALL: [WindowShape; 4] = [Self::Hann, Self::Tukey, Self::Decay, Self::Triangle];
}

/// Every parameter of the texture engine. Plain data: `Copy`, no allocation, serde for recipes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TextureParams {
    /// Read position inside the source pad, 0..1 of its length.
    pub position: f32,
    /// Random spread of grain start around `position`, 0..1 of the pad length.
    pub position_spray: f32,
    /// Grain length, milliseconds, 5..1000.
    pub grain_size_ms: f32,
    /// Random spread of grain length, 0..1 (fraction of `grain_size_ms`, both directions).
    pub size_spray: f32,
    /// Grains started per second, 0.5..500.
    pub density_hz: f32,
    /// Transposition of every grain, semitones, -24..24.
    pub pitch_semitones: f32,
    /// Random per-grain transposition spread, semitones, 0..24 (both directions).
    pub pitch_spray_semitones: f32,
    /// Per-grain random pan width, 0 (mono centre) ..1 (full left/right).
    pub stereo_spread: f32,
    /// Grain window.
    pub window: WindowShape,
    /// Probability that a grain plays backwards, 0..1.
    pub reverse_probability: f32,
    /// When true, `position` stops following the play-head drift and grains keep reading the same spot.
    pub freeze: bool,
    /// Cloud level, linear gain, 0..2.
    pub cloud_gain: f32,
    /// Hiss level, linear gain, 0..2.
    pub hiss_gain: f32,
    /// Hiss band centre, Hz, 1000..16000 (band-pass); the hiss voice filters its noise here.
    pub hiss_tone_hz: f32,
    /// Tremolo rate on the hiss, Hz, 0.05..20.
    pub tremolo_rate_hz: f32,
    /// Tremolo depth on the hiss, 0..1.
    pub tremolo_depth: f32,
    /// Flicker amount on the hiss: probability-weighted short bursts, 0..1.
    pub flicker_amount: f32,
    /// Cloud low-pass cutoff, Hz, 200..20000.
    pub lowpass_hz: f32,
    /// Note envelope attack, milliseconds, 1..10000.
    pub attack_ms: f32,
    /// Note envelope release, milliseconds, 1..20000.
    pub release_ms: f32,
    /// Play the texture without notes (at the pad's own pitch, full velocity).
    pub hold: bool,
    /// Which pad-bank slot grains read from; `None` means every filled slot, chosen per grain.
    pub source_slot: Option<u16>,
    /// Output gain, linear, 0..4.
    pub output_gain: f32,
}

impl Default for TextureParams {
    fn default() -> Self {
        Self {
            position: 0.5,
            position_spray: 0.3,
            grain_size_ms: 120.0,
            size_spray: 0.3,
            density_hz: 24.0,
            pitch_semitones: 0.0,
            pitch_spray_semitones: 0.0,
            stereo_spread: 0.7,
            window: WindowShape::Hann,
            reverse_probability: 0.1,
            freeze: false,
            cloud_gain: 1.0,
            hiss_gain: 0.0,
            hiss_tone_hz: 8000.0,
            tremolo_rate_hz: 0.5,
            tremolo_depth: 0.3,
            flicker_amount: 0.0,
            lowpass_hz: 16_000.0,
            attack_ms: 200.0,
            release_ms: 1500.0,
            hold: false,
            source_slot: None,
            output_gain: 1.0,
        }
    }
}
