//! Hiss and flickers: high-frequency air from noisy regions (drums, room tone), or from the live
//! instrument's hiss voice when the archive has none. The shaping (band, flattened dynamics,
//! seamless loop, tremolo, flicker envelope) is the engine's (`engine::transform::hiss_loop`).

use super::context::SourceContext;
use super::texture::Texture;
use crate::kind::Kind;
use crate::config::{Config, HissSection};
use engine::mining::{find_noisy_regions, Region};
use engine::separate::Layer;
use engine::transform::{hiss_flicker, synthetic_hiss_source, HissShape};

/// The `source` of hiss made from synthetic noise.
pub(super) const SYNTHETIC: &str = "synthetic";

/// Hiss loops and flickers from one source's noisy regions.
pub fn make_hiss(ctx: &SourceContext, want_loops: bool, want_flickers: bool) -> Vec<Texture> {
    let (channels_in, analysis, layer) = ctx.drum_material();
    let regions = find_noisy_regions(analysis, &ctx.config.hiss_miner);
    if regions.is_empty() {
        return Vec::new();
    }
    let sr = ctx.sample_rate_hz();
    let mut out = Vec::new();
    if want_loops {
        for index in 0..ctx.config.hiss.hiss_loops_per_source {
            let region = &regions[index % regions.len()];
            let seed = ctx.texture_seed(Kind::Hiss, index);
            if let Some(channels) = hiss_loop(ctx.config, channels_in, region, sr, seed) {
                let id = ctx.region_id_of(&Region { layer, ..*region });
                out.push(hiss_texture(Kind::Hiss, index, channels, Some(region.start_sec(sr)), seed, id, Some(layer)));
            }
        }
    }
    if want_flickers {
        for index in 0..ctx.config.hiss.flicker_count {
            let seed = ctx.texture_seed(Kind::Flicker, index);
            let region = &regions[index % regions.len()];
            let (channels, offset) = flicker(&ctx.config.hiss, channels_in, region, sr, seed);
            let id = ctx.region_id_of(&Region { layer, ..*region });
            out.push(hiss_texture(Kind::Flicker, index, channels, Some(offset as f64 / f64::from(sr)), seed, id, Some(layer)));
        }
    }
    out
}

/// Hiss loops and flickers for archives with no noisy material, cut from the live instrument's own
/// hiss voice (its noise through its band-pass, centred in the `[hiss]` band).
pub fn make_synthetic_hiss(config: &Config, seed: u64, sr: u32, want_loops: bool, want_flickers: bool) -> Vec<Texture> {
    let h = &config.hiss;
    let len = ((f64::from(h.hiss_loop_sec) + 2.0) * f64::from(sr)) as usize;
    let tone_hz = if h.filter == "bandpass" { (h.band_low_hz * h.band_high_hz).sqrt() } else { 2.0 * h.band_low_hz };
    let noise = synthetic_hiss_source(len, sr, tone_hz.min(0.45 * sr as f32), seed);
    let region = Region::span((0.5 * f64::from(sr)) as usize, (f64::from(h.hiss_loop_sec) * f64::from(sr)) as usize);
    let mut out = Vec::new();
    if want_loops {
        for index in 0..h.hiss_loops_per_source.max(1) {
            let s = engine::rt::rng::stream_seed(seed, &[Kind::Hiss.stream_id(), index as u64]);
            if let Some(channels) = hiss_loop(config, &noise, &region, sr, s) {
                out.push(hiss_texture(Kind::Hiss, index, channels, None, s, SYNTHETIC.into(), None));
            }
        }
    }
    if want_flickers {
        for index in 0..h.flicker_count {
            let s = engine::rt::rng::stream_seed(seed, &[Kind::Flicker.stream_id(), index as u64]);
            let (channels, _) = flicker(h, &noise, &region, sr, s);
            out.push(hiss_texture(Kind::Flicker, index, channels, None, s, SYNTHETIC.into(), None));
        }
    }
    out
}

fn hiss_texture(
    kind: Kind,
    index: usize,
    channels: Vec<Vec<f32>>,
    offset: Option<f64>,
    seed: u64,
    region_id: String,
    layer: Option<Layer>,
) -> Texture {
    Texture {
        kind,
        index,
        variant: if kind == Kind::Hiss { "loop".into() } else { "burst".into() },
        channels,
        is_loop: kind == Kind::Hiss,
        source_offset_sec: offset,
        key: None,
        transposed_semitones: None,
        seed,
        notes: Vec::new(),
        recipe: None,
        region_id,
        layer,
        drum_bleed_db: None,
    }
}

/// The engine's hiss shape for a `[hiss]` section.
fn shape(h: &HissSection) -> HissShape {
    HissShape {
        band_low_hz: h.band_low_hz,
        band_high_hz: (h.filter == "bandpass").then_some(h.band_high_hz),
        tremolo_rate_hz: h.tremolo_rate_hz,
        tremolo_depth: h.tremolo_depth,
        tone_gate_db: h.tone_gate_db,
        loop_sec: h.hiss_loop_sec,
        flicker_min_ms: h.flicker_min_ms,
        flicker_max_ms: h.flicker_max_ms,
    }
}

/// A stereo hiss loop `hiss_loop_sec` long from `region` (or as much of it as there is).
fn hiss_loop(config: &Config, channels: &[Vec<f32>], region: &Region, sr: u32, seed: u64) -> Option<Vec<Vec<f32>>> {
    engine::transform::hiss_loop(channels, region, sr, seed, &shape(&config.hiss), &config.pad_miner.loop_config())
}

/// A short burst inside `region`, and its first source sample.
fn flicker(h: &HissSection, channels: &[Vec<f32>], region: &Region, sr: u32, seed: u64) -> (Vec<Vec<f32>>, usize) {
    hiss_flicker(channels, region, sr, seed, &shape(h))
}
