//! Host parameters built from the engine's tables: the continuous ones from the parameter table
//! (`engine::texture::param_table`) and the stepped note values. A leaf module, shared by the
//! parameter groups (`params.rs`, `params/tempo.rs`, `params/modulation.rs`).

use std::sync::Arc;

use engine::texture::param_table::{self, Unit};
use engine::texture::NoteValue;
use nice_plug::prelude::*;

/// The host parameter of the parameter table's entry `id`: its name, range, skew, default and
/// unit are the table's (`engine::texture::param_table`), so the host, the engine's clamps and
/// recipes agree by construction.
pub fn float_param(id: &str) -> FloatParam {
    let spec = param_table::by_id(id);
    let range = if spec.skew == 0.0 {
        FloatRange::Linear { min: spec.min, max: spec.max }
    } else {
        FloatRange::Skewed { min: spec.min, max: spec.max, factor: FloatRange::skew_factor(spec.skew) }
    };
    let param = FloatParam::new(spec.name, spec.default, range);
    match spec.unit {
        Unit::Fraction => param
            .with_unit(" %")
            .with_value_to_string(formatters::v2s_f32_percentage(0))
            .with_string_to_value(formatters::s2v_f32_percentage()),
        Unit::Gain => param
            .with_unit(" dB")
            .with_value_to_string(formatters::v2s_f32_gain_to_db(1))
            .with_string_to_value(formatters::s2v_f32_gain_to_db()),
        Unit::Milliseconds => param.with_unit(" ms").with_value_to_string(formatters::v2s_f32_rounded(0)),
        // Audio frequencies read as Hz then kHz; slow rates (the tremolo) in Hz with decimals.
        Unit::Hertz if spec.max > 1000.0 => param
            .with_value_to_string(formatters::v2s_f32_hz_then_khz(1))
            .with_string_to_value(formatters::s2v_f32_hz_then_khz()),
        Unit::Hertz => param.with_unit(" Hz").with_value_to_string(formatters::v2s_f32_rounded(2)),
        Unit::GrainsPerSecond => param.with_unit(" grains/s").with_value_to_string(formatters::v2s_f32_rounded(1)),
        Unit::Semitones => param.with_unit(" st").with_value_to_string(formatters::v2s_f32_rounded(2)),
        Unit::Depth => param
            .with_unit(" %")
            .with_value_to_string(Arc::new(|v| format!("{:+.0}", v * 100.0)))
            .with_string_to_value(Arc::new(|s| s.trim().trim_end_matches('%').trim().parse::<f32>().ok().map(|v| v / 100.0))),
    }
}

/// A stepped parameter over the note values ([`NoteValue::ALL`], the host's list order), shown
/// as "1/16", "1/8.", "1/4T" and parsed back from that text.
pub fn note_value_param(name: &str, default: NoteValue) -> IntParam {
    IntParam::new(name, default.index() as i32, IntRange::Linear { min: 0, max: NoteValue::ALL.len() as i32 - 1 })
        .with_value_to_string(Arc::new(|i| note_value_of(i).label().to_string()))
        .with_string_to_value(Arc::new(|text| NoteValue::from_label(text).map(|n| n.index() as i32)))
}

/// The note value at step `i` of a [`note_value_param`] (clamped to the list). Realtime-safe.
pub fn note_value_of(i: i32) -> NoteValue {
    NoteValue::from_index(i.max(0) as usize)
}
