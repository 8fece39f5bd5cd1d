//! Drum one-shots: the engine's hit slicer and classifier over one source, each kept hit a file
//! under `oneshots/` with its class as the variant. A separated source's hits come from its
//! percussive layer, clear of the music around them.

use super::context::SourceContext;
use super::texture::Texture;
use crate::kind::Kind;
use engine::mining::find_oneshots;

/// The best few hits per class of one source, in class order.
pub fn make_oneshots(ctx: &SourceContext) -> Vec<Texture> {
    let sr = ctx.sample_rate_hz();
    let (channels, analysis, layer) = ctx.drum_material();
    find_oneshots(channels, analysis, &ctx.config.oneshots)
        .into_iter()
        .enumerate()
        .map(|(index, shot)| Texture {
            kind: Kind::OneShot,
            index,
            variant: shot.class.name().to_string(),
            channels: shot.channels,
            is_loop: false,
            source_offset_sec: Some(shot.start_sample as f64 / f64::from(sr)),
            key: None,
            transposed_semitones: None,
            seed: ctx.texture_seed(Kind::OneShot, index),
            notes: if shot.natural_end { Vec::new() } else { vec!["cut before its decay ended".into()] },
            recipe: None,
            region_id: ctx.region_id_of(&engine::mining::Region { layer, ..engine::mining::Region::span(shot.start_sample, shot.len_samples) }),
            layer: Some(layer),
            drum_bleed_db: None,
        })
        .collect()
}
