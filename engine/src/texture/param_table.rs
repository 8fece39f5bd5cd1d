//! The one parameter list: `TextureParams`, row by row. Each continuous parameter's row holds its
//! field name (as recipes spell it), default, host id and name, unit, range, smoothing, skew and
//! editor group, written once; the discrete fields (window, freeze, hold, source slot) are rows
//! without a table entry. From the rows, `texture_params!` (in `param_table/generate.rs`) makes the
//! struct and its `Default`, the table [`CONTINUOUS`], the engine's smoothed `ControlValues` and the
//! mapping between table order and fields. The engine's clamps and smoothers, the plugin's host
//! parameters, recipe automation, the exporter's config checks and the editor's groups all read it.
//! Audio thread (plain constants and field access).
//!
//! Adding a continuous parameter is one row here (and its use in the engine).

mod generate;

use super::expression::ExpressionTarget;
use super::lfo::LfoShape;
use super::scale::{Scale, ScaleRoot};
use super::scan_settings::{ScanLength, ScanMode};
use super::transport::{Feel, NoteValue};
use crate::rt::{SmoothCurve, WindowShape};
use generate::texture_params;
use serde::{Deserialize, Serialize};

/// What a value means, for display and host formatting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// 0..1 shown as a percentage.
    Fraction,
    Milliseconds,
    Hertz,
    GrainsPerSecond,
    Semitones,
    /// A linear gain shown in dB.
    Gain,
    /// A modulation depth, -1..1, shown as a signed percentage.
    Depth,
}

/// The editor's group of a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Source,
    Grains,
    Pitch,
    Space,
    Hiss,
    Envelope,
    Output,
    Modulation,
    Expression,
    /// Tempo sync and the position scan.
    Tempo,
}

impl Group {
    /// The group's title in the editor.
    pub const fn title(self) -> &'static str {
        match self {
            Self::Source => "SOURCE",
            Self::Grains => "GRAINS",
            Self::Pitch => "PITCH",
            Self::Space => "SPACE",
            Self::Hiss => "HISS",
            Self::Envelope => "ENVELOPE",
            Self::Output => "OUTPUT",
            Self::Modulation => "MODULATION",
            Self::Expression => "EXPRESSION",
            Self::Tempo => "TEMPO",
        }
    }
}

/// One continuous parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamSpec {
    /// `TextureParams` field and recipe name.
    pub field: &'static str,
    /// Host parameter id (saved in every project: never changes).
    pub id: &'static str,
    /// Host parameter name.
    pub name: &'static str,
    pub unit: Unit,
    pub min: f32,
    pub max: f32,
    pub default: f32,
    /// How the engine glides to a new value and over how long (ms); `None`: taken as it is.
    pub smoothing: Option<(SmoothCurve, f32)>,
    /// Skew of the host control (`FloatRange::skew_factor` exponent; 0 for linear).
    pub skew: f32,
    pub group: Group,
}

/// Smoothing times: positions and times glide linearly, gains and frequencies approach exponentially.
const GLIDE: Option<(SmoothCurve, f32)> = Some((SmoothCurve::Linear, 50.0));
const GAIN: Option<(SmoothCurve, f32)> = Some((SmoothCurve::Exponential, 20.0));
const FREQ: Option<(SmoothCurve, f32)> = Some((SmoothCurve::Logarithmic, 30.0));
/// Pitch is already logarithmic in frequency: linear in semitones.
const PITCH: Option<(SmoothCurve, f32)> = Some((SmoothCurve::Linear, 30.0));
const DENSITY: Option<(SmoothCurve, f32)> = Some((SmoothCurve::Logarithmic, 50.0));

texture_params! {
    /// Every parameter of the texture engine: the one plain struct both front ends fill, once per
    /// sub-block. The plugin fills it from host parameters (the engine smooths them); the exporter
    /// fills it from a recipe. Units are in the names; the engine clamps every continuous value to
    /// its range. Plain data: `Copy`, no allocation, serde for recipes (the field order is the order
    /// recipe files list them in).
    #[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
    #[serde(default, deny_unknown_fields)]
    pub struct TextureParams {
        /// Read position inside the source pad, fraction of its length.
        position: f32 = 0.5 => smoothed(GLIDE) { id: "position", name: "Position", unit: Fraction, range: 0.0..=1.0, skew: 0.0, group: Source },
        /// Random spread of grain start around `position`, fraction of the pad length.
        position_spray: f32 = 0.3 => smoothed(GLIDE) { id: "position_spray", name: "Position Spray", unit: Fraction, range: 0.0..=1.0, skew: 0.0, group: Source },
        /// Grain length, milliseconds.
        grain_size_ms: f32 = 120.0 => smoothed(GLIDE) { id: "grain_size", name: "Grain Size", unit: Milliseconds, range: 5.0..=1000.0, skew: -2.0, group: Grains },
        /// Random spread of grain length (fraction of `grain_size_ms`, both directions).
        size_spray: f32 = 0.3 => smoothed(GLIDE) { id: "size_spray", name: "Size Spray", unit: Fraction, range: 0.0..=1.0, skew: 0.0, group: Grains },
        /// Grains started per second.
        density_hz: f32 = 24.0 => smoothed(DENSITY) { id: "density", name: "Density", unit: GrainsPerSecond, range: 0.5..=500.0, skew: -2.5, group: Grains },
        /// Transposition of every grain, semitones.
        pitch_semitones: f32 = 0.0 => smoothed(PITCH) { id: "pitch", name: "Pitch", unit: Semitones, range: -24.0..=24.0, skew: 0.0, group: Pitch },
        /// Random per-grain transposition spread, semitones (both directions).
        pitch_spray_semitones: f32 = 0.0 => smoothed(GLIDE) { id: "pitch_spray", name: "Pitch Spray", unit: Semitones, range: 0.0..=24.0, skew: -1.5, group: Pitch },
        /// Per-grain random pan width, 0 (mono centre) .. 1 (full left/right).
        stereo_spread: f32 = 0.7 => smoothed(GLIDE) { id: "stereo_spread", name: "Stereo Spread", unit: Fraction, range: 0.0..=1.0, skew: 0.0, group: Space },
        /// Grain window.
        window: WindowShape = WindowShape::Hann,
        /// Probability that a grain plays backwards.
        reverse_probability: f32 = 0.1 => smoothed(GLIDE) { id: "reverse", name: "Reverse", unit: Fraction, range: 0.0..=1.0, skew: 0.0, group: Grains },
        /// When true, `position` stops following the play-head drift and grains keep reading the same spot.
        freeze: bool = false,
        /// Cloud level, linear gain.
        cloud_gain: f32 = 1.0 => smoothed(GAIN) { id: "cloud_level", name: "Cloud Level", unit: Gain, range: 0.0..=2.0, skew: -1.5, group: Output },
        /// Hiss level, linear gain.
        hiss_gain: f32 = 0.0 => smoothed(GAIN) { id: "hiss_level", name: "Hiss Level", unit: Gain, range: 0.0..=2.0, skew: -1.5, group: Hiss },
        /// Hiss band centre, Hz (band-pass); the hiss voice filters its noise here.
        hiss_tone_hz: f32 = 8000.0 => smoothed(FREQ) { id: "hiss_tone", name: "Hiss Tone", unit: Hertz, range: 1000.0..=16_000.0, skew: -2.0, group: Hiss },
        /// Tremolo rate on the hiss, Hz.
        tremolo_rate_hz: f32 = 0.5 => smoothed(FREQ) { id: "tremolo_rate", name: "Tremolo Rate", unit: Hertz, range: 0.05..=20.0, skew: -2.0, group: Hiss },
        /// Tremolo depth on the hiss, fraction.
        tremolo_depth: f32 = 0.3 => smoothed(GLIDE) { id: "tremolo_depth", name: "Tremolo Depth", unit: Fraction, range: 0.0..=1.0, skew: 0.0, group: Hiss },
        /// Flicker amount on the hiss: probability-weighted short bursts.
        flicker_amount: f32 = 0.0 => smoothed(GLIDE) { id: "flicker", name: "Flicker", unit: Fraction, range: 0.0..=1.0, skew: 0.0, group: Hiss },
        /// Cloud low-pass cutoff, Hz.
        lowpass_hz: f32 = 16_000.0 => smoothed(FREQ) { id: "cloud_lowpass", name: "Cloud Low-pass", unit: Hertz, range: 200.0..=20_000.0, skew: -2.0, group: Space },
        /// Note envelope attack, milliseconds (a time the envelope ramps over: taken as it is).
        attack_ms: f32 = 200.0 => direct { id: "attack", name: "Attack", unit: Milliseconds, range: 1.0..=10_000.0, skew: -2.0, group: Envelope },
        /// Note envelope release, milliseconds (a time the envelope ramps over: taken as it is).
        release_ms: f32 = 1500.0 => direct { id: "release", name: "Release", unit: Milliseconds, range: 1.0..=20_000.0, skew: -2.0, group: Envelope },
        /// Play the texture without notes (at the pad's own pitch, full velocity).
        hold: bool = false,
        /// Which pad-bank slot grains read from; `None` means every filled slot, chosen per grain.
        source_slot: Option<u16> = None,
        /// Output gain, linear.
        output_gain: f32 = 1.0 => smoothed(GAIN) { id: "output_gain", name: "Output Gain", unit: Gain, range: 0.0..=4.0, skew: -1.5, group: Output },
        /// Tempo sync: each sounding voice starts one grain on every line of the `grain_division`
        /// grid (instead of `density_hz` grains a second), the hiss tremolo makes one cycle per
        /// `tremolo_division` and the scan one pass per `scan_division`, all phase-locked to the
        /// song position (free-running at the tempo without one).
        sync: bool = false,
        /// Grain rate when synced: a grain per voice on every line of this note value's grid.
        grain_division: NoteValue = NoteValue::SIXTEENTH,
        /// How the read position travels through the pad from `position` (`Drift`: as without a scan).
        scan_mode: ScanMode = ScanMode::Drift,
        /// Scan passes through the pad per second when not synced; 0 holds the read position still.
        scan_rate_hz: f32 = 0.1 => smoothed(GLIDE) { id: "scan_rate", name: "Scan Rate", unit: Hertz, range: 0.0..=10.0, skew: -2.0, group: Tempo },
        /// Length of one scan pass when synced: a note value or 2, 4, 8 or 16 bars (of four beats).
        scan_division: ScanLength = ScanLength::Bars(4),
        /// Hiss tremolo cycle when synced.
        tremolo_division: NoteValue = NoteValue::WHOLE,
        /// LFO 1's rate when not synced, Hz.
        lfo1_rate_hz: f32 = 0.5 => smoothed(FREQ) { id: "lfo1_rate", name: "LFO 1 Rate", unit: Hertz, range: 0.01..=20.0, skew: -2.0, group: Modulation },
        /// Depth of LFO 1 to position, -1..1 (see `modulation::Destination` for full scale).
        lfo1_to_position: f32 = 0.0 => smoothed(GLIDE) { id: "lfo1_position", name: "LFO 1 to Position", unit: Depth, range: -1.0..=1.0, skew: 0.0, group: Modulation },
        /// Depth of LFO 1 to spray, -1..1 (see `modulation::Destination` for full scale).
        lfo1_to_spray: f32 = 0.0 => smoothed(GLIDE) { id: "lfo1_spray", name: "LFO 1 to Spray", unit: Depth, range: -1.0..=1.0, skew: 0.0, group: Modulation },
        /// Depth of LFO 1 to size, -1..1 (see `modulation::Destination` for full scale).
        lfo1_to_size: f32 = 0.0 => smoothed(GLIDE) { id: "lfo1_size", name: "LFO 1 to Size", unit: Depth, range: -1.0..=1.0, skew: 0.0, group: Modulation },
        /// Depth of LFO 1 to density, -1..1 (see `modulation::Destination` for full scale).
        lfo1_to_density: f32 = 0.0 => smoothed(GLIDE) { id: "lfo1_density", name: "LFO 1 to Density", unit: Depth, range: -1.0..=1.0, skew: 0.0, group: Modulation },
        /// Depth of LFO 1 to pitch, -1..1 (see `modulation::Destination` for full scale).
        lfo1_to_pitch: f32 = 0.0 => smoothed(GLIDE) { id: "lfo1_pitch", name: "LFO 1 to Pitch", unit: Depth, range: -1.0..=1.0, skew: 0.0, group: Modulation },
        /// Depth of LFO 1 to low-pass, -1..1 (see `modulation::Destination` for full scale).
        lfo1_to_lowpass: f32 = 0.0 => smoothed(GLIDE) { id: "lfo1_lowpass", name: "LFO 1 to Low-pass", unit: Depth, range: -1.0..=1.0, skew: 0.0, group: Modulation },
        /// Depth of LFO 1 to level, -1..1 (see `modulation::Destination` for full scale).
        lfo1_to_level: f32 = 0.0 => smoothed(GLIDE) { id: "lfo1_level", name: "LFO 1 to Level", unit: Depth, range: -1.0..=1.0, skew: 0.0, group: Modulation },
        /// LFO 1's wave.
        lfo1_shape: LfoShape = LfoShape::Sine,
        /// LFO 1 runs in note values at the host's tempo, phase-locked to the song position.
        lfo1_sync: bool = false,
        /// LFO 1's cycle when synced.
        lfo1_division: NoteValue = NoteValue { per_whole: 1, feel: Feel::Straight },
        /// LFO 1 restarts at every note, each voice with its own phase.
        lfo1_retrigger: bool = false,
        /// LFO 2's rate when not synced, Hz.
        lfo2_rate_hz: f32 = 0.13 => smoothed(FREQ) { id: "lfo2_rate", name: "LFO 2 Rate", unit: Hertz, range: 0.01..=20.0, skew: -2.0, group: Modulation },
        /// Depth of LFO 2 to position, -1..1 (see `modulation::Destination` for full scale).
        lfo2_to_position: f32 = 0.0 => smoothed(GLIDE) { id: "lfo2_position", name: "LFO 2 to Position", unit: Depth, range: -1.0..=1.0, skew: 0.0, group: Modulation },
        /// Depth of LFO 2 to spray, -1..1 (see `modulation::Destination` for full scale).
        lfo2_to_spray: f32 = 0.0 => smoothed(GLIDE) { id: "lfo2_spray", name: "LFO 2 to Spray", unit: Depth, range: -1.0..=1.0, skew: 0.0, group: Modulation },
        /// Depth of LFO 2 to size, -1..1 (see `modulation::Destination` for full scale).
        lfo2_to_size: f32 = 0.0 => smoothed(GLIDE) { id: "lfo2_size", name: "LFO 2 to Size", unit: Depth, range: -1.0..=1.0, skew: 0.0, group: Modulation },
        /// Depth of LFO 2 to density, -1..1 (see `modulation::Destination` for full scale).
        lfo2_to_density: f32 = 0.0 => smoothed(GLIDE) { id: "lfo2_density", name: "LFO 2 to Density", unit: Depth, range: -1.0..=1.0, skew: 0.0, group: Modulation },
        /// Depth of LFO 2 to pitch, -1..1 (see `modulation::Destination` for full scale).
        lfo2_to_pitch: f32 = 0.0 => smoothed(GLIDE) { id: "lfo2_pitch", name: "LFO 2 to Pitch", unit: Depth, range: -1.0..=1.0, skew: 0.0, group: Modulation },
        /// Depth of LFO 2 to low-pass, -1..1 (see `modulation::Destination` for full scale).
        lfo2_to_lowpass: f32 = 0.0 => smoothed(GLIDE) { id: "lfo2_lowpass", name: "LFO 2 to Low-pass", unit: Depth, range: -1.0..=1.0, skew: 0.0, group: Modulation },
        /// Depth of LFO 2 to level, -1..1 (see `modulation::Destination` for full scale).
        lfo2_to_level: f32 = 0.0 => smoothed(GLIDE) { id: "lfo2_level", name: "LFO 2 to Level", unit: Depth, range: -1.0..=1.0, skew: 0.0, group: Modulation },
        /// LFO 2's wave.
        lfo2_shape: LfoShape = LfoShape::SmoothRandom,
        /// LFO 2 runs in note values at the host's tempo, phase-locked to the song position.
        lfo2_sync: bool = false,
        /// LFO 2's cycle when synced.
        lfo2_division: NoteValue = NoteValue { per_whole: 4, feel: Feel::Straight },
        /// LFO 2 restarts at every note, each voice with its own phase.
        lfo2_retrigger: bool = false,
        /// Pitch bend range of MPE member channels (2-16), semitones.
        bend_range_semitones: f32 = 48.0 => direct { id: "bend_range", name: "Bend Range", unit: Semitones, range: 0.0..=96.0, skew: 0.0, group: Expression },
        /// What note pressure (MPE channel pressure, polyphonic aftertouch, CLAP pressure) drives.
        pressure_target: ExpressionTarget = ExpressionTarget::Density,
        /// What timbre (MPE CC 74, CLAP brightness) drives.
        timbre_target: ExpressionTarget = ExpressionTarget::LowPass,
        /// Scale the grains' pitch snaps to (`Off`: no snapping).
        scale: Scale = Scale::Off,
        /// Root of the scale: the pad's key, or a fixed pitch class.
        scale_root: ScaleRoot = ScaleRoot::PadKey,
    }
}

/// The parameter whose field (recipe name) is `field`.
pub fn by_field(field: &str) -> Option<(usize, &'static ParamSpec)> {
    CONTINUOUS.iter().enumerate().find(|(_, s)| s.field == field)
}

/// The parameter whose host id is `id`.
pub fn by_id(id: &str) -> &'static ParamSpec {
    // The plugin asks only for ids of this table (a test pins them); anything else is a bug.
    CONTINUOUS.iter().find(|s| s.id == id).unwrap_or_else(|| panic!("no parameter with id {id}"))
}

/// The parameter whose field is `field`, for constants: `const X: ParamSpec = spec_of("x_ms");`
/// fails the build when the table has no such field (at run time, such a name panics).
pub const fn spec_of(field: &str) -> ParamSpec {
    let mut i = 0;
    while i < NUM_CONTINUOUS {
        if same_str(CONTINUOUS[i].field, field) {
            return CONTINUOUS[i];
        }
        i += 1;
    }
    panic!("no continuous parameter with this field name");
}

const fn same_str(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

impl ParamSpec {
    /// `x` clamped to the range; when not finite, the default (silence for gains). Realtime-safe.
    #[inline]
    pub fn clean(&self, x: f32) -> f32 {
        match (x.is_finite(), self.unit) {
            (true, _) => x.clamp(self.min, self.max),
            (false, Unit::Gain) => 0.0,
            (false, _) => self.default,
        }
    }
}

/// Value `index` of the table read from `p` (an index past the end reads the last entry). Realtime-safe.
pub fn get(p: &TextureParams, index: usize) -> f32 {
    values(p)[index.min(NUM_CONTINUOUS - 1)]
}

/// Set value `index` of the table in `p` (an index past the end sets the last entry). Realtime-safe.
pub fn set(p: &mut TextureParams, index: usize, value: f32) {
    let mut all = values(p);
    all[index.min(NUM_CONTINUOUS - 1)] = value;
    set_values(p, all);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_maps_every_field_and_its_defaults_are_the_engines() {
        let d = TextureParams::default();
        for (i, s) in CONTINUOUS.iter().enumerate() {
            assert_eq!(get(&d, i), s.default, "{} default", s.field);
            assert!(s.min < s.max && (s.min..=s.max).contains(&s.default), "{}", s.field);
            let mut p = d;
            set(&mut p, i, 12_345.0);
            assert_eq!(get(&p, i), 12_345.0);
            assert_eq!(values(&p)[i], 12_345.0);
            assert_eq!(values(&p).iter().filter(|&&v| v == 12_345.0).count(), 1, "{} set one field", s.field);
            assert_eq!(by_field(s.field).map(|(j, _)| j), Some(i));
            assert_eq!(by_id(s.id).field, s.field);
            assert_eq!(spec_of(s.field), *s);
        }
        assert!(CONTINUOUS[..NUM_SMOOTHED].iter().all(|s| s.smoothing.is_some()));
        assert!(CONTINUOUS[NUM_SMOOTHED..].iter().all(|s| s.smoothing.is_none()));
        assert_eq!(CONTINUOUS[7].clean(f32::NAN), 0.7);
        assert_eq!(CONTINUOUS[4].clean(1e9), 500.0);
        assert_eq!(CONTINUOUS[9].clean(f32::NAN), 0.0, "a broken gain is silence");
    }

    #[test]
    fn table_order_and_serialised_order_stay_as_they_were() {
        // The table order is the smoother order (and the order of recipe automation names).
        let table: Vec<&str> = CONTINUOUS.iter().map(|s| s.field).collect();
        assert_eq!(
            table,
            [
                "position", "position_spray", "grain_size_ms", "size_spray", "density_hz", "pitch_semitones",
                "pitch_spray_semitones", "stereo_spread", "reverse_probability", "cloud_gain", "hiss_gain",
                "hiss_tone_hz", "tremolo_rate_hz", "tremolo_depth", "flicker_amount", "lowpass_hz", "output_gain",
                "scan_rate_hz", "lfo1_rate_hz", "lfo1_to_position", "lfo1_to_spray", "lfo1_to_size", "lfo1_to_density",
                "lfo1_to_pitch", "lfo1_to_lowpass", "lfo1_to_level", "lfo2_rate_hz", "lfo2_to_position", "lfo2_to_spray",
                "lfo2_to_size", "lfo2_to_density", "lfo2_to_pitch", "lfo2_to_lowpass", "lfo2_to_level", "attack_ms",
                "release_ms", "bend_range_semitones",
            ]
        );
        assert_eq!((NUM_SMOOTHED, NUM_CONTINUOUS), (34, 37));
        assert_eq!(
            DISCRETE_FIELDS,
            [
                "window", "freeze", "hold", "source_slot", "sync", "grain_division", "scan_mode", "scan_division",
                "tremolo_division", "lfo1_shape", "lfo1_sync", "lfo1_division", "lfo1_retrigger", "lfo2_shape", "lfo2_sync",
                "lfo2_division", "lfo2_retrigger", "pressure_target", "timbre_target", "scale", "scale_root",
            ]
        );
        // The struct order is the order recipe files list the parameters in.
        let text = toml::to_string(&TextureParams::default()).unwrap();
        let keys: Vec<&str> = text.lines().filter_map(|l| l.split(" = ").next()).collect();
        assert_eq!(
            keys,
            [
                "position", "position_spray", "grain_size_ms", "size_spray", "density_hz", "pitch_semitones",
                "pitch_spray_semitones", "stereo_spread", "window", "reverse_probability", "freeze", "cloud_gain",
                "hiss_gain", "hiss_tone_hz", "tremolo_rate_hz", "tremolo_depth", "flicker_amount", "lowpass_hz",
                "attack_ms", "release_ms", "hold", "output_gain", "sync", "grain_division", "scan_mode", "scan_rate_hz",
                "scan_division", "tremolo_division", "lfo1_rate_hz", "lfo1_to_position", "lfo1_to_spray", "lfo1_to_size",
                "lfo1_to_density", "lfo1_to_pitch", "lfo1_to_lowpass", "lfo1_to_level", "lfo1_shape", "lfo1_sync",
                "lfo1_division", "lfo1_retrigger", "lfo2_rate_hz", "lfo2_to_position", "lfo2_to_spray", "lfo2_to_size",
                "lfo2_to_density", "lfo2_to_pitch", "lfo2_to_lowpass", "lfo2_to_level", "lfo2_shape", "lfo2_sync",
                "lfo2_division", "lfo2_retrigger", "bend_range_semitones", "pressure_target", "timbre_target", "scale",
                "scale_root",
            ]
        );
    }

    #[test]
    fn defaults_are_the_rows() {
        let d = TextureParams::default();
        assert_eq!((d.window, d.freeze, d.hold, d.source_slot), (WindowShape::Hann, false, false, None));
        assert_eq!(values(&d), CONTINUOUS.map(|s| s.default));
    }
}
