//! Drones and swells: mined pads time-stretched and pitch-shifted (phase vocoder), looped again
//! with the seam search, in warm/airy/dark variants; swells are enveloped one-shots of the same material.

use super::context::SourceContext;
use super::texture::{Kind, Texture};
use engine::mining::{make_loop, Region};
use engine::transform::{
    apply_swell, filter_variant, reverse, stretch_and_shift_region, Edges, FadeShape, FilterVariant, PhaseVocoder,
    StretchConfig, SwellEnvelope,
};

/// Extra source material taken after a region, seconds: the loop seam search and crossfade read it.
const TAIL_MARGIN_SEC: f64 = 0.75;

/// Drone loops (kind `Drone`) and swells (kind `Swell`) from the best `max_drones_per_source` regions.
pub fn make_drones_and_swells(
    ctx: &SourceContext,
    regions: &[Region],
    want_drones: bool,
    want_swells: bool,
    notes: &mut Vec<String>,
) -> Vec<Texture> {
    let d = &ctx.config.drone_maker;
    let mut vocoder = match PhaseVocoder::new(StretchConfig::default()) {
        Ok(v) => v,
        Err(err) => {
            notes.push(format!("drones: {err}"));
            return Vec::new();
        }
    };
    let variants: Vec<FilterVariant> = FilterVariant::ALL
        .into_iter()
        .filter(|v| d.filter_variants.iter().any(|name| name == v.name()))
        .collect();
    let sr = ctx.sample_rate_hz();
    let transpose = ctx.transpose_semitones.unwrap_or(0);
    let loop_config = ctx.config.pad_miner.loop_config();
    let mut out = Vec::new();
    let (mut drone_index, mut swell_index) = (0, 0);
    for (region_index, region) in regions.iter().take(d.max_drones_per_source).enumerate() {
        let excerpt_len = excerpt_len_with_tail(ctx, region);
        for &factor in &d.time_stretch_factors {
            for &semitones in &d.pitch_shift_semitones {
                let total = semitones + transpose as f32;
                let shifted = match stretch_and_shift_region(
                    &mut vocoder,
                    &ctx.source.channels,
                    region.start_sample,
                    excerpt_len,
                    f64::from(factor),
                    total,
                ) {
                    Ok(s) => s,
                    Err(err) => {
                        notes.push(format!("drone {region_index} x{factor} {semitones:+}st: {err}"));
                        continue;
                    }
                };
                let wanted_len = (region.len_samples as f64 * f64::from(factor)).round() as usize;
                let available = shifted[0].len().saturating_sub(loop_config.tail_samples(sr));
                let len_sec = wanted_len as f64 / f64::from(sr);
                let len = ctx.snap_len(len_sec, available).unwrap_or(wanted_len.min(available));
                let tag = format!("x{}_p{:+}", trim_float(factor), trim_float(semitones));
                let key = ctx.key_after(total.round() as i32);
                let offset = Some(region.start_sec(sr));
                let base = Texture {
                    kind: Kind::Drone,
                    index: 0,
                    variant: String::new(),
                    channels: Vec::new(),
                    is_loop: true,
                    source_offset_sec: offset,
                    key,
                    transposed_semitones: ctx.transpose_semitones,
                    seed: 0,
                    notes: ctx.transpose_note.iter().cloned().collect(),
                    recipe: None,
                };
                if want_drones {
                    let whole = Region { start_sample: 0, len_samples: len, ..*region };
                    match make_loop(&shifted, &whole, &loop_config, sr) {
                        Ok(lp) => {
                            for variant in std::iter::once(None).chain(variants.iter().copied().map(Some)) {
                                let (channels, name) = match variant {
                                    None => (lp.channels.clone(), tag.clone()),
                                    Some(v) => (
                                        filter_variant(&lp.channels, v, &ctx.config.filters, Edges::Loop, sr),
                                        format!("{tag}_{v}"),
                                    ),
                                };
                                out.push(Texture {
                                    index: drone_index,
                                    variant: name,
                                    channels,
                                    seed: ctx.texture_seed(Kind::Drone, drone_index),
                                    ..base.clone()
                                });
                                drone_index += 1;
                            }
                        }
                        Err(err) => notes.push(format!("drone {region_index} {tag}: {err}")),
                    }
                }
                if want_swells {
                    let mut swell: Vec<Vec<f32>> = shifted.iter().map(|c| c[..len.min(c.len())].to_vec()).collect();
                    apply_swell(&mut swell, &swell_envelope(ctx, len), sr);
                    let mut reversed = swell.clone();
                    reverse(&mut reversed);
                    let mut shapes = vec![(swell, tag.clone())];
                    if ctx.config.drone_maker.reversed_swells {
                        shapes.push((reversed, format!("{tag}_rev")));
                    }
                    for (channels, name) in shapes {
                        out.push(Texture {
                            kind: Kind::Swell,
                            index: swell_index,
                            variant: name,
                            channels,
                            is_loop: false,
                            seed: ctx.texture_seed(Kind::Swell, swell_index),
                            ..base.clone()
                        });
                        swell_index += 1;
                    }
                }
            }
        }
    }
    out
}

/// Length of the region plus up to [`TAIL_MARGIN_SEC`] of what follows it, samples.
fn excerpt_len_with_tail(ctx: &SourceContext, region: &Region) -> usize {
    let tail = (TAIL_MARGIN_SEC * f64::from(ctx.sample_rate_hz())) as usize;
    (region.end_sample() + tail).min(ctx.source.num_frames()) - region.start_sample
}

/// The configured swell, shortened proportionally when rise + decay do not fit in `len` samples.
fn swell_envelope(ctx: &SourceContext, len: usize) -> SwellEnvelope {
    let d = &ctx.config.drone_maker;
    let len_sec = len as f32 / ctx.sample_rate_hz() as f32;
    let total = d.swell_attack_sec + d.swell_release_sec;
    let scale = if total > len_sec { len_sec / total } else { 1.0 };
    let shape = match d.swell_shape.as_str() {
        "linear" => FadeShape::Linear,
        "exponential" => FadeShape::Exponential,
        "s_curve" => FadeShape::SCurve,
        _ => FadeShape::EqualPower,
    };
    SwellEnvelope { rise_sec: d.swell_attack_sec * scale, decay_sec: d.swell_release_sec * scale, shape }
}

/// `2.0` -> "2", `0.5` -> "0.5", `-12.0` -> "-12": compact numbers for file names.
fn trim_float(v: f32) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}
