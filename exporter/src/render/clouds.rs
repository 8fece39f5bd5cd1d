//! Clouds: granular textures rendered offline by the engine's `TextureEngine`, the very engine the
//! plugin plays live, in hold mode (no notes) with parameters from the `[clouds]` section. Each
//! cloud is rendered from a recipe, and the recipe is written next to it.

use super::context::SourceContext;
use super::texture::Texture;
use crate::kind::Kind;
use engine::mining::Region;
use engine::recipe::{render_recipe_of_layers, OutputSpec, Recipe, RecipeKind, RecipeSource, RECIPE_VERSION};
use engine::texture::TextureParams;

/// The longest stretch of source a cloud reads from, seconds.
const MAX_CLOUD_SOURCE_SEC: f64 = 8.0;

/// Fade at both ends of a cloud so it starts and stops without a click, seconds.
const EDGE_FADE_SEC: f32 = 0.05;

/// The engine parameters a `[clouds]` section asks for (hold on, cloud only).
pub fn cloud_params(ctx: &SourceContext) -> TextureParams {
    let c = &ctx.config.clouds;
    let mid_ms = 0.5 * (c.grain_length_min_ms + c.grain_length_max_ms);
    let spread = if mid_ms > 0.0 { (c.grain_length_max_ms - c.grain_length_min_ms) / (2.0 * mid_ms) } else { 0.0 };
    let transpose = ctx.transpose_semitones.unwrap_or(0) as f32;
    TextureParams {
        position: 0.5,
        position_spray: c.position_spray,
        grain_size_ms: mid_ms,
        size_spray: spread,
        density_hz: c.grains_per_second,
        pitch_semitones: 0.5 * (c.pitch_shift_min_semitones + c.pitch_shift_max_semitones) + transpose,
        pitch_spray_semitones: 0.5 * (c.pitch_shift_max_semitones - c.pitch_shift_min_semitones),
        stereo_spread: if c.stereo { c.stereo_spread } else { 0.0 },
        window: c.window,
        reverse_probability: c.reverse_probability,
        lowpass_hz: c.lowpass_hz,
        hiss_gain: 0.0,
        hold: true,
        attack_ms: 1.0,
        source_slot: Some(0),
        ..TextureParams::default()
    }
}

/// `clouds_per_source` clouds, each from one of the best regions (cycling when there are fewer),
/// each rendered from the recipe that is written next to it.
pub fn make_clouds(ctx: &SourceContext, regions: &[Region], notes: &mut Vec<String>) -> Vec<Texture> {
    let c = &ctx.config.clouds;
    if regions.is_empty() {
        return Vec::new();
    }
    let sr = ctx.sample_rate_hz();
    let mut out = Vec::new();
    for index in 0..c.clouds_per_source {
        if index >= clouds_cap(ctx, regions.len()) {
            break;
        }
        let region = &regions[index % regions.len()];
        let seed = ctx.texture_seed(Kind::Cloud, index);
        let recipe = cloud_recipe(ctx, region, seed);
        let channels = match render_recipe_of_layers(&recipe, Some(ctx.source), ctx.layers) {
            Ok(channels) => channels,
            Err(err) => {
                notes.push(format!("cloud {index}: {err}"));
                continue;
            }
        };
        out.push(Texture {
            kind: Kind::Cloud,
            index,
            variant: if c.stereo { "stereo".into() } else { "mono".into() },
            channels,
            is_loop: false,
            source_offset_sec: Some(recipe.source.start_sample as f64 / f64::from(sr)),
            key: ctx.key_after(ctx.transpose_semitones.unwrap_or(0)),
            transposed_semitones: ctx.transpose_semitones,
            seed,
            notes: ctx.transpose_note.iter().cloned().collect(),
            recipe: Some(recipe),
            region_id: ctx.region_id_of(region),
            layer: Some(region.layer),
            drum_bleed_db: None,
        });
    }
    out
}

/// The recipe of one cloud: the region (widened around its centre to at most
/// [`MAX_CLOUD_SOURCE_SEC`]) as a plain excerpt, the `[clouds]` parameters, hold on, no notes.
fn cloud_recipe(ctx: &SourceContext, region: &Region, seed: u64) -> Recipe {
    let c = &ctx.config.clouds;
    let sr = f64::from(ctx.sample_rate_hz());
    let len = region.len_samples.min((MAX_CLOUD_SOURCE_SEC * sr) as usize);
    let start = region.start_sample + (region.len_samples - len) / 2;
    let want_sec = f64::from(c.cloud_duration_sec);
    let frames = ctx.snap_len(want_sec, usize::MAX).unwrap_or((want_sec * sr).round() as usize);
    let path = ctx.source.provenance.path.canonicalize().unwrap_or_else(|_| ctx.source.provenance.path.clone());
    Recipe {
        version: RECIPE_VERSION,
        kind: RecipeKind::Cloud,
        seed,
        duration_sec: frames as f64 / sr,
        source: RecipeSource {
            path: engine::source::portable_path(&path),
            content_hash: ctx.source.provenance.content_hash.clone(),
            start_sample: start,
            len_samples: len,
            as_loop: false,
            root_note: None,
            loop_settings: None,
            layer: region.layer,
            separation: (!region.layer.is_mix()).then(|| ctx.config.separation.clone()),
        },
        params: cloud_params(ctx),
        notes: Vec::new(),
        automation: Vec::new(),
        tempo_bpm: engine::texture::transport::DEFAULT_TEMPO_BPM,
        output: OutputSpec {
            bits: ctx.config.global.output_bit_depth,
            channels: if c.stereo { 2 } else { 1 },
            edge_fade_sec: EDGE_FADE_SEC,
            normalize_peak_dbfs: Some(ctx.config.clouds.target_peak_dbfs),
        },
    }
}

/// How many clouds a source makes: `clouds_per_source`, at most `max_variants_per_pad` per region.
fn clouds_cap(ctx: &SourceContext, num_regions: usize) -> usize {
    let cap = ctx.config.drone_maker.max_variants_per_pad;
    let wanted = ctx.config.clouds.clouds_per_source;
    if cap == 0 { wanted } else { wanted.min(cap * num_regions) }
}

/// How many clouds come from region `region_index` of `num_regions` (they cycle through the regions).
pub fn clouds_of_region(ctx: &SourceContext, num_regions: usize, region_index: usize) -> usize {
    if num_regions == 0 {
        return 0;
    }
    (0..clouds_cap(ctx, num_regions)).filter(|i| i % num_regions == region_index).count()
}
