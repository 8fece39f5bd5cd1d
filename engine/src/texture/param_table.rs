//! The one parameter table: every continuous texture parameter's field name (as recipes and
//! `TextureParams` spell it), host id and name, unit, range, default, smoothing and editor group,
//! written once. The engine's clamps and smoothers, the plugin's host parameters, recipe automation
//! and the editor's groups all read it. Audio thread (plain constants and field access).

use super::params::TextureParams;
use crate::rt::SmoothCurve;

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

#[allow(clippy::too_many_arguments)] // one row of the table: every field of a parameter, by name at the call
const fn spec(
    field: &'static str,
    id: &'static str,
    name: &'static str,
    unit: Unit,
    (min, max, default): (f32, f32, f32),
    smoothing: Option<(SmoothCurve, f32)>,
    skew: f32,
    group: Group,
) -> ParamSpec {
    ParamSpec { field, id, name, unit, min, max, default, smoothing, skew, group }
}

/// Number of continuous parameters; the first [`NUM_SMOOTHED`] are smoothed by the engine.
pub const NUM_CONTINUOUS: usize = 19;
/// Smoothed parameters (the table's first entries).
pub const NUM_SMOOTHED: usize = 17;

/// Every continuous parameter. The order of the first [`NUM_SMOOTHED`] is the engine's smoother order.
pub const CONTINUOUS: [ParamSpec; NUM_CONTINUOUS] = [
    spec("position", "position", "Position", Unit::Fraction, (0.0, 1.0, 0.5), GLIDE, 0.0, Group::Source),
    spec("position_spray", "position_spray", "Position Spray", Unit::Fraction, (0.0, 1.0, 0.3), GLIDE, 0.0, Group::Source),
    spec("grain_size_ms", "grain_size", "Grain Size", Unit::Milliseconds, (5.0, 1000.0, 120.0), GLIDE, -2.0, Group::Grains),
    spec("size_spray", "size_spray", "Size Spray", Unit::Fraction, (0.0, 1.0, 0.3), GLIDE, 0.0, Group::Grains),
    spec("density_hz", "density", "Density", Unit::GrainsPerSecond, (0.5, 500.0, 24.0), DENSITY, -2.5, Group::Grains),
    spec("pitch_semitones", "pitch", "Pitch", Unit::Semitones, (-24.0, 24.0, 0.0), PITCH, 0.0, Group::Pitch),
    spec("pitch_spray_semitones", "pitch_spray", "Pitch Spray", Unit::Semitones, (0.0, 24.0, 0.0), GLIDE, -1.5, Group::Pitch),
    spec("stereo_spread", "stereo_spread", "Stereo Spread", Unit::Fraction, (0.0, 1.0, 0.7), GLIDE, 0.0, Group::Space),
    spec("reverse_probability", "reverse", "Reverse", Unit::Fraction, (0.0, 1.0, 0.1), GLIDE, 0.0, Group::Grains),
    spec("cloud_gain", "cloud_level", "Cloud Level", Unit::Gain, (0.0, 2.0, 1.0), GAIN, -1.5, Group::Output),
    spec("hiss_gain", "hiss_level", "Hiss Level", Unit::Gain, (0.0, 2.0, 0.0), GAIN, -1.5, Group::Hiss),
    spec("hiss_tone_hz", "hiss_tone", "Hiss Tone", Unit::Hertz, (1000.0, 16_000.0, 8000.0), FREQ, -2.0, Group::Hiss),
    spec("tremolo_rate_hz", "tremolo_rate", "Tremolo Rate", Unit::Hertz, (0.05, 20.0, 0.5), FREQ, -2.0, Group::Hiss),
    spec("tremolo_depth", "tremolo_depth", "Tremolo Depth", Unit::Fraction, (0.0, 1.0, 0.3), GLIDE, 0.0, Group::Hiss),
    spec("flicker_amount", "flicker", "Flicker", Unit::Fraction, (0.0, 1.0, 0.0), GLIDE, 0.0, Group::Hiss),
    spec("lowpass_hz", "cloud_lowpass", "Cloud Low-pass", Unit::Hertz, (200.0, 20_000.0, 16_000.0), FREQ, -2.0, Group::Space),
    spec("output_gain", "output_gain", "Output Gain", Unit::Gain, (0.0, 4.0, 1.0), GAIN, -1.5, Group::Output),
    spec("attack_ms", "attack", "Attack", Unit::Milliseconds, (1.0, 10_000.0, 200.0), None, -2.0, Group::Envelope),
    spec("release_ms", "release", "Release", Unit::Milliseconds, (1.0, 20_000.0, 1500.0), None, -2.0, Group::Envelope),
];

/// The parameter whose field (recipe name) is `field`.
pub fn by_field(field: &str) -> Option<(usize, &'static ParamSpec)> {
    CONTINUOUS.iter().enumerate().find(|(_, s)| s.field == field)
}

/// The parameter whose host id is `id`.
pub fn by_id(id: &str) -> &'static ParamSpec {
    // The plugin asks only for ids of this table (a test pins them); anything else is a bug.
    CONTINUOUS.iter().find(|s| s.id == id).unwrap_or_else(|| panic!("no parameter with id {id}"))
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

/// Value `index` of the table read from `p`. Realtime-safe.
pub fn get(p: &TextureParams, index: usize) -> f32 {
    *field(&mut p.clone(), index)
}

/// Every continuous value of `p`, in table order. Realtime-safe.
pub fn values(p: &TextureParams) -> [f32; NUM_CONTINUOUS] {
    let mut copy = *p;
    std::array::from_fn(|i| *field(&mut copy, i))
}

/// Set value `index` of the table in `p`. Realtime-safe.
pub fn set(p: &mut TextureParams, index: usize, value: f32) {
    *field(p, index) = value;
}

/// The `TextureParams` field of table entry `index` (the one place that maps table order to fields).
fn field(p: &mut TextureParams, index: usize) -> &mut f32 {
    match index {
        0 => &mut p.position,
        1 => &mut p.position_spray,
        2 => &mut p.grain_size_ms,
        3 => &mut p.size_spray,
        4 => &mut p.density_hz,
        5 => &mut p.pitch_semitones,
        6 => &mut p.pitch_spray_semitones,
        7 => &mut p.stereo_spread,
        8 => &mut p.reverse_probability,
        9 => &mut p.cloud_gain,
        10 => &mut p.hiss_gain,
        11 => &mut p.hiss_tone_hz,
        12 => &mut p.tremolo_rate_hz,
        13 => &mut p.tremolo_depth,
        14 => &mut p.flicker_amount,
        15 => &mut p.lowpass_hz,
        16 => &mut p.output_gain,
        17 => &mut p.attack_ms,
        _ => &mut p.release_ms,
    }
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
            assert_eq!(by_field(s.field).map(|(j, _)| j), Some(i));
            assert_eq!(by_id(s.id).field, s.field);
        }
        assert!(CONTINUOUS[..NUM_SMOOTHED].iter().all(|s| s.smoothing.is_some()));
        assert!(CONTINUOUS[NUM_SMOOTHED..].iter().all(|s| s.smoothing.is_none()));
        assert_eq!(CONTINUOUS[7].clean(f32::NAN), 0.7);
        assert_eq!(CONTINUOUS[4].clean(1e9), 500.0);
        assert_eq!(CONTINUOUS[9].clean(f32::NAN), 0.0, "a broken gain is silence");
    }
}
