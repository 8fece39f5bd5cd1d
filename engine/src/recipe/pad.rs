//! Region -> pad material -> `Pad`: the one code path both front ends use to turn a recipe's
//! source (a file region, or the built-in texture) into the pad the engine plays, so a recipe's
//! pad is bit-identical to the one the plugin's miner made.

use super::format::{Recipe, RecipeSource};
use crate::mining::{make_loop, LoopConfig, Region};
use crate::separate::{separate, Layer, Layers};
use crate::source::SourceBuffer;
use crate::texture::{builtin_pad, Pad};
use crate::{Error, Result, ENGINE_SAMPLE_RATE_HZ};


/// A stable 64-bit identity for a region of a source: the source's content hash mixed with the
/// region's start (splitmix64 finaliser), so the same file and region always give the same id.
pub fn pad_id(content_hash: &str, start_sample: usize) -> u64 {
    let hash = u64::from_str_radix(content_hash, 16).unwrap_or_else(|_| {
        // Not hex (a caller-made provenance): fold the bytes instead.
        content_hash
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
    });
    let mut z = hash ^ (start_sample as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The pad material a recipe (or the plugin's miner) plays: the region cut as a seamless loop, or
/// as a plain excerpt when `as_loop` is off or the source has no room for the loop's cross-fade,
/// loudness-matched to [`crate::transform::PAD_TARGET_RMS_DBFS`] (so every pad plays at the same
/// level, whatever the recording's). Returns the channels and the first source sample they start
/// at. Not realtime-safe: allocates.
pub fn pad_material(source: &SourceBuffer, spec: &RecipeSource, loop_config: &LoopConfig) -> Result<(Vec<Vec<f32>>, usize)> {
    pad_material_of_layers(source, None, spec, loop_config)
}

/// [`pad_material`] for a caller that already separated `source` (`layers`, made with the
/// recipe's separation settings); without them a region of a layer other than the mix separates
/// the source here. Not realtime-safe: allocates.
pub fn pad_material_of_layers(
    source: &SourceBuffer,
    layers: Option<&Layers>,
    spec: &RecipeSource,
    loop_config: &LoopConfig,
) -> Result<(Vec<Vec<f32>>, usize)> {
    let (mut channels, start) = match layers.and_then(|l| l.get(spec.layer)) {
        Some(channels) => region_material(source, channels, spec, loop_config)?,
        None if spec.layer.is_mix() => region_material(source, &source.channels, spec, loop_config)?,
        None => {
            let separation = spec.separation.clone().unwrap_or_default();
            let layers = separate(&source.channels, source.sample_rate_hz, &separation, None)?;
            let channels = layers.get(spec.layer).unwrap_or(&source.channels);
            region_material(source, channels, spec, loop_config)?
        }
    };
    crate::transform::match_pad_loudness(&mut channels);
    Ok((channels, start))
}

/// [`pad_material`] before loudness matching, cut from `channels` (the source's or a layer's).
fn region_material(
    source: &SourceBuffer,
    channels: &[Vec<f32>],
    spec: &RecipeSource,
    loop_config: &LoopConfig,
) -> Result<(Vec<Vec<f32>>, usize)> {
    let total = source.num_frames().min(channels.first().map_or(0, Vec::len));
    let start = spec.start_sample.min(total);
    let len = spec.len_samples.min(total - start);
    if len < 64 {
        return Err(Error::Unusable {
            path: source.provenance.path.clone(),
            reason: format!("region {}+{} lies outside the {total}-sample source", spec.start_sample, spec.len_samples),
        });
    }
    let region = Region::span(start, len);
    if spec.as_loop
        && let Ok(looped) = make_loop(channels, &region, loop_config, source.sample_rate_hz)
    {
        return Ok((looped.channels, looped.source_start_sample));
    }
    Ok((channels.iter().map(|c| c[start..start + len].to_vec()).collect(), start))
}

/// The pad a recipe plays and the sample rate to render it at: the built-in texture (at the
/// engine rate) when the source is [`BUILTIN_SOURCE_PATH`](super::BUILTIN_SOURCE_PATH), else the region of `source` through
/// [`pad_material`], with the id the plugin's miner gives it ([`pad_id`] of the source's content
/// hash and the material's start). A file source without `source` is an error naming the recipe.
/// Not realtime-safe: allocates.
pub fn recipe_pad(recipe: &Recipe, source: Option<&SourceBuffer>) -> Result<(Pad, u32)> {
    recipe_pad_of_layers(recipe, source, None)
}

/// [`recipe_pad`] for a caller that already separated the source (see [`pad_material_of_layers`]).
/// Not realtime-safe: allocates.
pub fn recipe_pad_of_layers(recipe: &Recipe, source: Option<&SourceBuffer>, layers: Option<&Layers>) -> Result<(Pad, u32)> {
    if recipe.source.is_builtin() {
        return Ok((builtin_pad(ENGINE_SAMPLE_RATE_HZ as f32), ENGINE_SAMPLE_RATE_HZ));
    }
    let Some(source) = source else {
        return Err(Error::InvalidSetting {
            key: String::from("source.path"),
            value: recipe.source.path.clone(),
            expected: String::from("a decoded source file for this recipe (none was given)"),
        });
    };
    let (material, start) = pad_material_of_layers(source, layers, &recipe.source, &recipe.source.loop_config())?;
    let id = layer_pad_id(&source.provenance.content_hash, start, recipe.source.layer);
    let sr = source.sample_rate_hz;
    Ok((Pad::new(id, material, sr as f32, recipe.source.root_note), sr))
}

/// [`pad_id`] of a pad cut from `layer`: the mix's pads keep their ids, a layer's differ from the
/// mix's pad at the same start.
pub fn layer_pad_id(content_hash: &str, start_sample: usize, layer: Layer) -> u64 {
    let id = pad_id(content_hash, start_sample);
    if layer.is_mix() { id } else { pad_id(&format!("{id:016x}"), layer as usize + 1) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pad_ids_are_stable_and_distinct() {
        let a = pad_id("00ff00ff00ff00ff", 0);
        assert_eq!(a, pad_id("00ff00ff00ff00ff", 0));
        assert_ne!(a, pad_id("00ff00ff00ff00ff", 1));
        assert_ne!(a, pad_id("00ff00ff00ff00fe", 0));
        assert_ne!(pad_id("not hex", 0), pad_id("not hex!", 0));
    }

    #[test]
    fn a_file_recipe_without_its_source_is_an_error_and_builtin_needs_none() {
        let mut recipe: Recipe = Recipe {
            version: super::super::RECIPE_VERSION,
            kind: Default::default(),
            seed: 3,
            duration_sec: 1.0,
            source: RecipeSource::builtin(),
            params: Default::default(),
            notes: Vec::new(),
            automation: Vec::new(),
            tempo_bpm: crate::texture::transport::DEFAULT_TEMPO_BPM,
            output: Default::default(),
        };
        let (pad, sr) = recipe_pad(&recipe, None).expect("built-in pad");
        assert_eq!(sr, ENGINE_SAMPLE_RATE_HZ);
        assert_eq!(pad.id(), builtin_pad(ENGINE_SAMPLE_RATE_HZ as f32).id());
        recipe.source.path = String::from("some file.wav");
        assert!(matches!(recipe_pad(&recipe, None), Err(Error::InvalidSetting { .. })));
    }
}
