//! Setting a `TextureParams` field by name, for recipe automation.

use crate::texture::{TextureParams, WindowShape};

/// Every name [`set_param`] accepts: the `TextureParams` field names.
pub const PARAM_NAMES: &[&str] = &[
    "position",
    "position_spray",
    "grain_size_ms",
    "size_spray",
    "density_hz",
    "pitch_semitones",
    "pitch_spray_semitones",
    "stereo_spread",
    "window",
    "reverse_probability",
    "freeze",
    "cloud_gain",
    "hiss_gain",
    "hiss_tone_hz",
    "tremolo_rate_hz",
    "tremolo_depth",
    "flicker_amount",
    "lowpass_hz",
    "attack_ms",
    "release_ms",
    "hold",
    "source_slot",
    "output_gain",
];

/// Sets field `name` of `params` to `value` (booleans: non-zero is true; window: index into
/// [`WindowShape::ALL`]; source_slot: negative means every slot). Returns false for an unknown name.
pub fn set_param(params: &mut TextureParams, name: &str, value: f32) -> bool {
    let p = params;
    match name {
        "position" => p.position = value,
        "position_spray" => p.position_spray = value,
        "grain_size_ms" => p.grain_size_ms = value,
        "size_spray" => p.size_spray = value,
        "density_hz" => p.density_hz = value,
        "pitch_semitones" => p.pitch_semitones = value,
        "pitch_spray_semitones" => p.pitch_spray_semitones = value,
        "stereo_spread" => p.stereo_spread = value,
        "window" => {
            let index = (value.max(0.0).round() as usize).min(WindowShape::ALL.len() - 1);
            p.window = WindowShape::ALL[index];
        }
        "reverse_probability" => p.reverse_probability = value,
        "freeze" => p.freeze = value != 0.0,
        "cloud_gain" => p.cloud_gain = value,
        "hiss_gain" => p.hiss_gain = value,
        "hiss_tone_hz" => p.hiss_tone_hz = value,
        "tremolo_rate_hz" => p.tremolo_rate_hz = value,
        "tremolo_depth" => p.tremolo_depth = value,
        "flicker_amount" => p.flicker_amount = value,
        "lowpass_hz" => p.lowpass_hz = value,
        "attack_ms" => p.attack_ms = value,
        "release_ms" => p.release_ms = value,
        "hold" => p.hold = value != 0.0,
        "source_slot" => p.source_slot = (value >= 0.0).then(|| value.round().min(f32::from(u16::MAX)) as u16),
        "output_gain" => p.output_gain = value,
        _ => return false,
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_name_sets_something() {
        for name in PARAM_NAMES {
            let mut p = TextureParams::default();
            assert!(set_param(&mut p, name, 3.0), "{name}");
            assert_ne!(p, TextureParams::default(), "{name} changed nothing");
        }
        assert!(!set_param(&mut TextureParams::default(), "volume", 1.0));
    }

    #[test]
    fn names_match_the_serialised_fields() {
        let value = serde_json_free_field_names();
        assert_eq!(value, PARAM_NAMES.len());
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
                    assert!(PARAM_NAMES.contains(f), "field {f} missing from PARAM_NAMES");
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
