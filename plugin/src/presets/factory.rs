//! The factory presets: the files in `plugin/presets/`, compiled into the plugin binary with
//! `include_str!`, so every bundle (CLAP, VST3, any system) ships them. A test checks that every
//! file of that folder is listed here and that each one parses, names only parameters the plugin
//! has, and sounds.
//!
//! A factory preset names only the values it moves from the defaults; every other parameter
//! (including ones added later, such as tempo sync or LFO settings) takes its default on loading.

use super::format::{Preset, PresetError, preset_from_text};

/// Each factory preset's file name (in `plugin/presets/`) and text, in the order the browser
/// lists them within their category.
pub const FACTORY_FILES: &[(&str, &str)] = &[
    ("pads-warm-tape.toml", include_str!("../../presets/pads-warm-tape.toml")),
    ("pads-glass-choir.toml", include_str!("../../presets/pads-glass-choir.toml")),
    ("pads-slow-bloom.toml", include_str!("../../presets/pads-slow-bloom.toml")),
    ("pads-smeared-halo.toml", include_str!("../../presets/pads-smeared-halo.toml")),
    ("pads-soft-keys.toml", include_str!("../../presets/pads-soft-keys.toml")),
    ("drones-frozen-field.toml", include_str!("../../presets/drones-frozen-field.toml")),
    ("drones-deep-sub.toml", include_str!("../../presets/drones-deep-sub.toml")),
    ("drones-organ-loop.toml", include_str!("../../presets/drones-organ-loop.toml")),
    ("clouds-swarm.toml", include_str!("../../presets/clouds-swarm.toml")),
    ("clouds-scattered-glass.toml", include_str!("../../presets/clouds-scattered-glass.toml")),
    ("clouds-reverse-rain.toml", include_str!("../../presets/clouds-reverse-rain.toml")),
    ("clouds-granite.toml", include_str!("../../presets/clouds-granite.toml")),
    ("textures-micro-grit.toml", include_str!("../../presets/textures-micro-grit.toml")),
    ("textures-worn-cassette.toml", include_str!("../../presets/textures-worn-cassette.toml")),
    ("textures-underwater.toml", include_str!("../../presets/textures-underwater.toml")),
    ("rhythmic-pulse-grains.toml", include_str!("../../presets/rhythmic-pulse-grains.toml")),
    ("rhythmic-ticking-clock.toml", include_str!("../../presets/rhythmic-ticking-clock.toml")),
    ("rhythmic-gated-stutter.toml", include_str!("../../presets/rhythmic-gated-stutter.toml")),
    ("hiss-vinyl-dust.toml", include_str!("../../presets/hiss-vinyl-dust.toml")),
    ("hiss-radio-air.toml", include_str!("../../presets/hiss-radio-air.toml")),
    ("hiss-breath.toml", include_str!("../../presets/hiss-breath.toml")),
];

/// Every factory preset, read from the text compiled in: the preset, or why its file is not one
/// (a test keeps the shipped list free of those). Not realtime-safe: allocates.
pub fn factory_presets() -> Vec<Result<Preset, PresetError>> {
    FACTORY_FILES
        .iter()
        .map(|(file, text)| preset_from_text(text, &format!("factory preset {file}")).map(|(preset, _notes)| preset))
        .collect()
}
