//! Ready-made configs selectable by `--preset NAME`: small TOML overlays on the defaults. A config
//! file given as well is laid over the preset, so its keys win.

/// (name, what it is for, TOML overlay).
pub const PRESETS: &[(&str, &str, &str)] = &[
    (
        "ambient-pads",
        "long, evolving pads and clouds: reversed pad loops, few but varied drones, slow swells",
        "[drone_maker]\n\
         pitch_shift_semitones = [0.0, 7.0]\n\
         filter_variants = [\"warm\", \"airy\"]\n\
         max_variants_per_pad = 4\n\
         swell_duration_sec = 12.0\n\
         swell_attack_sec = 5.0\n\
         swell_release_sec = 6.0\n\
         enable_reversal = true\n\
         [clouds]\n\
         clouds_per_source = 4\n\
         grains_per_second = 24.0\n",
    ),
    (
        "drum-machine-kit",
        "a sampler kit: 16-bit, more one-shots per class, short fixed swells, at most 2 drones or swells per pad",
        "[global]\n\
         output_bit_depth = 16\n\
         [drone_maker]\n\
         pitch_shift_semitones = [0.0]\n\
         filter_variants = [\"warm\"]\n\
         max_variants_per_pad = 2\n\
         swell_duration_sec = 4.0\n\
         swell_attack_sec = 1.5\n\
         swell_release_sec = 2.0\n\
         [oneshots]\n\
         max_per_class = 6\n\
         [hiss]\n\
         hiss_loops_per_source = 1\n",
    ),
    (
        "dark-drones",
        "low, dark drones: an octave and a fourth down, four times as long, dark and warm filters, no swells",
        "[drone_maker]\n\
         time_stretch_factors = [2.0, 4.0]\n\
         pitch_shift_semitones = [-12.0, -5.0]\n\
         filter_variants = [\"dark\", \"warm\"]\n\
         max_variants_per_pad = 12\n\
         make_swells = false\n\
         [clouds]\n\
         lowpass_hz = 2500.0\n",
    ),
    (
        "lofi-hiss",
        "tape-like hiss and flickers: more hiss loops with slow tremolo, 16-bit, dark clouds",
        "[global]\n\
         output_bit_depth = 16\n\
         [hiss]\n\
         hiss_loops_per_source = 4\n\
         tremolo_rate_hz = 0.3\n\
         tremolo_depth = 0.4\n\
         flicker_count = 12\n\
         [clouds]\n\
         lowpass_hz = 4000.0\n",
    ),
];

/// The overlay of preset `name`, or an error listing the presets.
pub fn preset_overlay(name: &str) -> anyhow::Result<&'static str> {
    PRESETS.iter().find(|(n, _, _)| *n == name).map(|(_, _, toml)| *toml).ok_or_else(|| {
        let names: Vec<&str> = PRESETS.iter().map(|(n, _, _)| *n).collect();
        anyhow::anyhow!("unknown preset `{name}` (presets: {})", names.join(", "))
    })
}

/// Lays `over` on `base`, key by key, tables merged recursively.
pub fn merge_tables(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge_tables(b, o),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_a_valid_config_that_differs_from_the_defaults() {
        for (name, _, text) in PRESETS {
            let config = crate::config::Config::from_toml(text, name).unwrap_or_else(|p| panic!("{name}: {p:?}"));
            assert_ne!(config, crate::config::Config::default(), "{name}");
        }
        assert!(preset_overlay("nope").unwrap_err().to_string().contains("dark-drones"));
    }
}
