//! Room tone: the quiet, steady, non-silent stretches of a source (`engine::mining::roomtone`),
//! made into seamless loops with the same seam search as pads.

use super::context::SourceContext;
use super::texture::Texture;
use crate::kind::Kind;
use engine::mining::{find_room_tone, make_loop};

/// Room-tone loops of one source, longest stretch first.
pub fn make_room_tone(ctx: &SourceContext, notes: &mut Vec<String>) -> Vec<Texture> {
    let sr = ctx.sample_rate_hz();
    let loop_config = ctx.config.pad_miner.loop_config();
    let mut out = Vec::new();
    for (index, stretch) in find_room_tone(&ctx.source.channels, sr, &ctx.config.roomtone).into_iter().enumerate() {
        // The seam search reads past the end: leave it room inside the stretch rather than in the music after it.
        let tail = loop_config.tail_samples(sr);
        let region = engine::mining::Region { len_samples: stretch.len_samples.saturating_sub(tail), ..stretch };
        match make_loop(&ctx.source.channels, &region, &loop_config, sr) {
            Ok(lp) => out.push(Texture {
                kind: Kind::RoomTone,
                index,
                variant: "loop".into(),
                channels: lp.channels,
                is_loop: true,
                source_offset_sec: Some(region.start_sec(sr)),
                key: None,
                transposed_semitones: None,
                seed: ctx.texture_seed(Kind::RoomTone, index),
                notes: vec![format!("room tone at {:.1} dBFS RMS in the source", stretch.rms_db)],
                recipe: None,
                region_id: ctx.region_id(stretch.start_sample, stretch.len_samples),
                layer: Some(engine::separate::Layer::Mix),
                drum_bleed_db: None,
            }),
            Err(err) => notes.push(format!("room tone {index}: {err}")),
        }
    }
    out
}
