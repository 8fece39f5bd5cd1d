//! Host parameters of scales, the two LFOs and expression: their stable ids, names and choices,
//! and how they fill the engine's [`TextureParams`]. Continuous ones come from the engine's
//! parameter table (smoothed by the engine); choices are enums whose variant ids are as stable as
//! parameter ids.
//!
//! Parameter ids are part of every saved project: never rename one once released.

use engine::texture::{ExpressionTarget, LfoShape, Scale, ScaleRoot, TextureParams};
use nice_plug::prelude::*;

use crate::params::host_param::{float_param, note_value_of, note_value_param};

/// Scale choices as the host sees them (order and ids of `Scale::ALL`).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScaleChoice {
    #[id = "off"]
    Off,
    #[id = "chromatic"]
    Chromatic,
    #[id = "major"]
    Major,
    #[id = "natural_minor"]
    #[name = "Minor"]
    NaturalMinor,
    #[id = "dorian"]
    Dorian,
    #[id = "pentatonic_major"]
    #[name = "Pent. major"]
    PentatonicMajor,
    #[id = "pentatonic_minor"]
    #[name = "Pent. minor"]
    PentatonicMinor,
    #[id = "whole_tone"]
    #[name = "Whole tone"]
    WholeTone,
    #[id = "octaves"]
    Octaves,
    #[id = "fifths_octaves"]
    #[name = "Fifths + oct."]
    FifthsAndOctaves,
}

/// Scale roots as the host sees them (order of `ScaleRoot::ALL`).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootChoice {
    #[id = "pad_key"]
    #[name = "Pad key"]
    PadKey,
    #[id = "c"]
    C,
    #[id = "c_sharp"]
    #[name = "C#"]
    CSharp,
    #[id = "d"]
    D,
    #[id = "d_sharp"]
    #[name = "D#"]
    DSharp,
    #[id = "e"]
    E,
    #[id = "f"]
    F,
    #[id = "f_sharp"]
    #[name = "F#"]
    FSharp,
    #[id = "g"]
    G,
    #[id = "g_sharp"]
    #[name = "G#"]
    GSharp,
    #[id = "a"]
    A,
    #[id = "a_sharp"]
    #[name = "A#"]
    ASharp,
    #[id = "b"]
    B,
}

/// LFO shapes as the host sees them (order of `LfoShape::ALL`).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShapeChoice {
    #[id = "sine"]
    Sine,
    #[id = "triangle"]
    Triangle,
    #[id = "saw"]
    Saw,
    #[id = "square"]
    Square,
    #[id = "sample_hold"]
    #[name = "S&H"]
    SampleAndHold,
    #[id = "smooth_random"]
    #[name = "Smooth rnd"]
    SmoothRandom,
}

/// Expression targets as the host sees them (order of `ExpressionTarget::ALL`).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetChoice {
    #[id = "off"]
    Off,
    #[id = "density"]
    Density,
    #[id = "lowpass"]
    #[name = "Low-pass"]
    LowPass,
    #[id = "position"]
    Position,
}

/// Scale, LFO and expression parameters (nested into the plugin's parameters, ids unprefixed).
#[derive(Params)]
pub struct ModulationParams {
    #[id = "scale"]
    pub scale: EnumParam<ScaleChoice>,
    #[id = "scale_root"]
    pub scale_root: EnumParam<RootChoice>,
    #[id = "lfo1_shape"]
    pub lfo1_shape: EnumParam<ShapeChoice>,
    #[id = "lfo1_rate"]
    pub lfo1_rate_hz: FloatParam,
    #[id = "lfo1_sync"]
    pub lfo1_sync: BoolParam,
    #[id = "lfo1_division"]
    pub lfo1_division: IntParam,
    #[id = "lfo1_retrigger"]
    pub lfo1_retrigger: BoolParam,
    #[id = "lfo1_position"]
    pub lfo1_to_position: FloatParam,
    #[id = "lfo1_spray"]
    pub lfo1_to_spray: FloatParam,
    #[id = "lfo1_size"]
    pub lfo1_to_size: FloatParam,
    #[id = "lfo1_density"]
    pub lfo1_to_density: FloatParam,
    #[id = "lfo1_pitch"]
    pub lfo1_to_pitch: FloatParam,
    #[id = "lfo1_lowpass"]
    pub lfo1_to_lowpass: FloatParam,
    #[id = "lfo1_level"]
    pub lfo1_to_level: FloatParam,
    #[id = "lfo2_shape"]
    pub lfo2_shape: EnumParam<ShapeChoice>,
    #[id = "lfo2_rate"]
    pub lfo2_rate_hz: FloatParam,
    #[id = "lfo2_sync"]
    pub lfo2_sync: BoolParam,
    #[id = "lfo2_division"]
    pub lfo2_division: IntParam,
    #[id = "lfo2_retrigger"]
    pub lfo2_retrigger: BoolParam,
    #[id = "lfo2_position"]
    pub lfo2_to_position: FloatParam,
    #[id = "lfo2_spray"]
    pub lfo2_to_spray: FloatParam,
    #[id = "lfo2_size"]
    pub lfo2_to_size: FloatParam,
    #[id = "lfo2_density"]
    pub lfo2_to_density: FloatParam,
    #[id = "lfo2_pitch"]
    pub lfo2_to_pitch: FloatParam,
    #[id = "lfo2_lowpass"]
    pub lfo2_to_lowpass: FloatParam,
    #[id = "lfo2_level"]
    pub lfo2_to_level: FloatParam,
    #[id = "bend_range"]
    pub bend_range: FloatParam,
    #[id = "pressure_target"]
    pub pressure_target: EnumParam<TargetChoice>,
    #[id = "timbre_target"]
    pub timbre_target: EnumParam<TargetChoice>,
}

fn shape_choice(shape: LfoShape) -> ShapeChoice {
    ShapeChoice::from_index(LfoShape::ALL.iter().position(|&s| s == shape).unwrap_or(0))
}

impl Default for ModulationParams {
    fn default() -> Self {
        let d = TextureParams::default();
        Self {
            scale: EnumParam::new("Scale", ScaleChoice::Off),
            scale_root: EnumParam::new("Scale Root", RootChoice::PadKey),
            lfo1_shape: EnumParam::new("LFO 1 Shape", shape_choice(d.lfo1_shape)),
            lfo1_rate_hz: float_param("lfo1_rate"),
            lfo1_sync: BoolParam::new("LFO 1 Sync", d.lfo1_sync),
            lfo1_division: note_value_param("LFO 1 Division", d.lfo1_division),
            lfo1_retrigger: BoolParam::new("LFO 1 Retrigger", d.lfo1_retrigger),
            lfo1_to_position: float_param("lfo1_position"),
            lfo1_to_spray: float_param("lfo1_spray"),
            lfo1_to_size: float_param("lfo1_size"),
            lfo1_to_density: float_param("lfo1_density"),
            lfo1_to_pitch: float_param("lfo1_pitch"),
            lfo1_to_lowpass: float_param("lfo1_lowpass"),
            lfo1_to_level: float_param("lfo1_level"),
            lfo2_shape: EnumParam::new("LFO 2 Shape", shape_choice(d.lfo2_shape)),
            lfo2_rate_hz: float_param("lfo2_rate"),
            lfo2_sync: BoolParam::new("LFO 2 Sync", d.lfo2_sync),
            lfo2_division: note_value_param("LFO 2 Division", d.lfo2_division),
            lfo2_retrigger: BoolParam::new("LFO 2 Retrigger", d.lfo2_retrigger),
            lfo2_to_position: float_param("lfo2_position"),
            lfo2_to_spray: float_param("lfo2_spray"),
            lfo2_to_size: float_param("lfo2_size"),
            lfo2_to_density: float_param("lfo2_density"),
            lfo2_to_pitch: float_param("lfo2_pitch"),
            lfo2_to_lowpass: float_param("lfo2_lowpass"),
            lfo2_to_level: float_param("lfo2_level"),
            bend_range: float_param("bend_range").with_step_size(1.0),
            pressure_target: EnumParam::new("Pressure Target", TargetChoice::Density),
            timbre_target: EnumParam::new("Timbre Target", TargetChoice::LowPass),
        }
    }
}

impl ModulationParams {
    /// Writes the current values into `p` (plain values: the engine smooths). Realtime-safe.
    pub fn fill(&self, p: &mut TextureParams) {
        p.scale = Scale::ALL[self.scale.value().to_index()];
        p.scale_root = ScaleRoot::ALL[self.scale_root.value().to_index()];
        p.lfo1_shape = LfoShape::ALL[self.lfo1_shape.value().to_index()];
        p.lfo1_rate_hz = self.lfo1_rate_hz.value();
        p.lfo1_sync = self.lfo1_sync.value();
        p.lfo1_division = note_value_of(self.lfo1_division.value());
        p.lfo1_retrigger = self.lfo1_retrigger.value();
        p.lfo1_to_position = self.lfo1_to_position.value();
        p.lfo1_to_spray = self.lfo1_to_spray.value();
        p.lfo1_to_size = self.lfo1_to_size.value();
        p.lfo1_to_density = self.lfo1_to_density.value();
        p.lfo1_to_pitch = self.lfo1_to_pitch.value();
        p.lfo1_to_lowpass = self.lfo1_to_lowpass.value();
        p.lfo1_to_level = self.lfo1_to_level.value();
        p.lfo2_shape = LfoShape::ALL[self.lfo2_shape.value().to_index()];
        p.lfo2_rate_hz = self.lfo2_rate_hz.value();
        p.lfo2_sync = self.lfo2_sync.value();
        p.lfo2_division = note_value_of(self.lfo2_division.value());
        p.lfo2_retrigger = self.lfo2_retrigger.value();
        p.lfo2_to_position = self.lfo2_to_position.value();
        p.lfo2_to_spray = self.lfo2_to_spray.value();
        p.lfo2_to_size = self.lfo2_to_size.value();
        p.lfo2_to_density = self.lfo2_to_density.value();
        p.lfo2_to_pitch = self.lfo2_to_pitch.value();
        p.lfo2_to_lowpass = self.lfo2_to_lowpass.value();
        p.lfo2_to_level = self.lfo2_to_level.value();
        p.bend_range_semitones = self.bend_range.value();
        p.pressure_target = ExpressionTarget::ALL[self.pressure_target.value().to_index()];
        p.timbre_target = ExpressionTarget::ALL[self.timbre_target.value().to_index()];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The host's choices map to the engine's by index: same order, same names.
    #[test]
    fn choices_are_the_engines_in_order() {
        let labels = |all: &[&str]| all.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(labels(ScaleChoice::variants()), labels(&Scale::ALL.map(Scale::label)));
        assert_eq!(labels(RootChoice::variants()), labels(&ScaleRoot::ALL.map(ScaleRoot::label)));
        assert_eq!(labels(ShapeChoice::variants()), labels(&LfoShape::ALL.map(LfoShape::label)));
        assert_eq!(labels(TargetChoice::variants()), labels(&ExpressionTarget::ALL.map(ExpressionTarget::label)));
    }

    #[test]
    fn division_values_read_as_note_values() {
        let p = ModulationParams::default();
        assert_eq!(p.lfo1_division.normalized_value_to_string(p.lfo1_division.unmodulated_normalized_value(), true), "1/1");
        assert_eq!(p.lfo2_division.string_to_normalized_value("1/8."), Some(p.lfo2_division.preview_normalized(10)));
        let mut t = TextureParams::default();
        p.fill(&mut t);
        assert_eq!(t, TextureParams::default());
    }
}
