//! Pads: mined stable regions made into seamless loops.

use super::context::SourceContext;
use super::texture::Texture;
use crate::kind::Kind;
use engine::curate::drum_bleed_db;
use engine::mining::{make_loop, Region};
use engine::separate::Layer;
use engine::transform::reverse;

/// The region, resized to whole bars when the grid is on (keeping its start).
pub fn snapped(ctx: &SourceContext, region: &Region) -> Region {
    let available = ctx.source.num_frames().saturating_sub(region.start_sample);
    let len_sec = region.duration_sec(ctx.sample_rate_hz());
    match ctx.snap_len(len_sec, available) {
        Some(len) => Region { len_samples: len, ..*region },
        None => *region,
    }
}

/// The drum bleed of a loop cut from `region` (starting at `source_start` in the source), when the
/// region is from the harmonic layer of a separated source: measured at the percussive layer's
/// onsets (each placed at the middle of its analysis window, where its attack begins at the earliest).
fn drum_bleed(ctx: &SourceContext, region: &Region, source_start: usize, channels: &[Vec<f32>]) -> Option<f32> {
    let drums = ctx.percussive_analysis.filter(|_| region.layer == Layer::Harmonic)?;
    let len = channels.first().map_or(0, Vec::len);
    let half = drums.config.fft_size / 2;
    let hits: Vec<usize> = drums
        .onsets
        .iter()
        .map(|&f| drums.frame_to_sample(f) + half)
        .filter(|&s| s >= source_start && s < source_start + len)
        .map(|s| s - source_start)
        .collect();
    drum_bleed_db(channels, &hits, ctx.sample_rate_hz())
}

/// One seamless loop per region.
pub fn make_pads(ctx: &SourceContext, regions: &[Region], notes: &mut Vec<String>) -> Vec<Texture> {
    let loop_config = ctx.config.pad_miner.loop_config();
    let mut out = Vec::new();
    for (index, region) in regions.iter().enumerate() {
        let region_id = ctx.region_id_of(region);
        let region = snapped(ctx, region);
        match make_loop(ctx.channels_of(&region), &region, &loop_config, ctx.sample_rate_hz()) {
            Ok(lp) => {
                let drum_bleed_db = drum_bleed(ctx, &region, lp.source_start_sample, &lp.channels);
                let pad = Texture {
                    kind: Kind::Pad,
                    index,
                    variant: "loop".into(),
                    channels: lp.channels,
                    is_loop: true,
                    source_offset_sec: Some(region.start_sec(ctx.sample_rate_hz())),
                    key: ctx.source_key(),
                    transposed_semitones: None,
                    seed: ctx.texture_seed(Kind::Pad, index),
                    notes: Vec::new(),
                    recipe: None,
                    region_id,
                    layer: Some(region.layer),
                    drum_bleed_db,
                };
                if ctx.config.drone_maker.enable_reversal {
                    // A seamless loop played backwards is still seamless: its wrap is the same pair of samples.
                    let mut channels = pad.channels.clone();
                    reverse(&mut channels);
                    let reversed_index = regions.len() + index;
                    let reversed = Texture {
                        index: reversed_index,
                        variant: "reversed".into(),
                        channels,
                        seed: ctx.texture_seed(Kind::Pad, reversed_index),
                        ..pad.clone()
                    };
                    out.push(pad);
                    out.push(reversed);
                } else {
                    out.push(pad);
                }
            }
            Err(err) => notes.push(format!("pad {index}: {err}")),
        }
    }
    out
}
