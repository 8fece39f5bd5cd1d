//! Setting a `TextureParams` field by name, for recipe automation.

use crate::texture::{
    param_table, ExpressionTarget, LfoShape, NoteValue, Scale, ScaleRoot, ScanLength, ScanMode, TextureParams, WindowShape,
};

/// Every name [`set_param`] accepts: the `TextureParams` field names, continuous ones (the parameter
/// table's) first, then the discrete ones.
pub fn param_names() -> impl Iterator<Item = &'static str> {
    param_table::CONTINUOUS.iter().map(|s| s.field).chain(param_table::DISCRETE_FIELDS.iter().copied())
}

/// Whether [`set_param`] accepts `name`.
pub fn is_param_name(name: &str) -> bool {
    param_names().any(|n| n == name)
}

/// Sets field `name` of `params` to `value` (booleans: non-zero is true; window, LFO shapes,
/// note values (grain_division, tremolo_division, LFO divisions), expression targets, scale, scale
/// root and scan_mode: index into their type's `ALL`; scan_division: index into the scan lengths,
/// [`ScanLength::from_index`]; source_slot: negative means every slot). Returns false for an
/// unknown name.
pub fn set_param(params: &mut TextureParams, name: &str, value: f32) -> bool {
    if let Some((index, _)) = param_table::by_field(name) {
        param_table::set(params, index, value);
        return true;
    }
    let p = params;
    match name {
        "window" => {
            let index = (value.max(0.0).round() as usize).min(WindowShape::ALL.len() - 1);
            p.window = WindowShape::ALL[index];
        }
        "freeze" => p.freeze = value != 0.0,
        "hold" => p.hold = value != 0.0,
        "source_slot" => p.source_slot = (value >= 0.0).then(|| value.round().min(f32::from(u16::MAX)) as u16),
        "lfo1_shape" => p.lfo1_shape = pick(&LfoShape::ALL, value),
        "lfo2_shape" => p.lfo2_shape = pick(&LfoShape::ALL, value),
        "lfo1_sync" => p.lfo1_sync = value != 0.0,
        "lfo2_sync" => p.lfo2_sync = value != 0.0,
        "lfo1_division" => p.lfo1_division = pick(&NoteValue::ALL, value),
        "lfo2_division" => p.lfo2_division = pick(&NoteValue::ALL, value),
        "lfo1_retrigger" => p.lfo1_retrigger = value != 0.0,
        "lfo2_retrigger" => p.lfo2_retrigger = value != 0.0,
        "pressure_target" => p.pressure_target = pick(&ExpressionTarget::ALL, value),
        "timbre_target" => p.timbre_target = pick(&ExpressionTarget::ALL, value),
        "scale" => p.scale = pick(&Scale::ALL, value),
        "scale_root" => p.scale_root = pick(&ScaleRoot::ALL, value),
        "sync" => p.sync = value != 0.0,
        "grain_division" => p.grain_division = pick(&NoteValue::ALL, value),
        "tremolo_division" => p.tremolo_division = pick(&NoteValue::ALL, value),
        "scan_mode" => p.scan_mode = pick(&ScanMode::ALL, value),
        "scan_division" => p.scan_division = ScanLength::from_index(value.max(0.0).round() as usize),
        _ => return false,
    }
    true
}

/// The entry of `all` at index `value` (rounded, clamped to the list).
fn pick<T: Copy>(all: &[T], value: f32) -> T {
    all[(value.max(0.0).round() as usize).min(all.len() - 1)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_name_sets_something() {
        for name in param_names() {
            let mut p = TextureParams::default();
            assert!(set_param(&mut p, name, 3.0), "{name}");
            assert_ne!(p, TextureParams::default(), "{name} changed nothing");
        }
        assert!(!set_param(&mut TextureParams::default(), "volume", 1.0));
    }

    #[test]
    fn names_match_the_serialised_fields() {
        let value = serde_json_free_field_names();
        assert_eq!(value, param_names().count());
    }

    /// Counts the struct's fields through serde's own field list, without a data format.
    fn serde_json_free_field_names() -> usize {
        struct Count(usize);
        impl<'de> serde::Deserializer<'de> for &mut Count {
            type Error = serde::de::value::Error;
            fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
                Err(serde::de::Error::custom("only structs"))
            }
            fn deserialize_struct<V: serde::de::Visitor<'de>>(
                self,
                _: &'static str,
                fields: &'static [&'static str],
                _: V,
            ) -> Result<V::Value, Self::Error> {
                self.0 = fields.len();
                for f in fields {
                    assert!(is_param_name(f), "field {f} missing from the parameter names");
                }
                Err(serde::de::Error::custom("counted"))
            }
            serde::forward_to_deserialize_any! {
                bool i8 i16 i32 i64 u8 u16 u32 u64 f32 f64 char str string bytes byte_buf option unit
                unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
            }
        }
        let mut count = Count(0);
        let _ = <TextureParams as serde::Deserialize>::deserialize(&mut count);
        count.0
    }
}
