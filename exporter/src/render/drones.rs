//! Drones and swells: mined pads time-stretched and pitch-shifted (phase vocoder), looped again
//! with the seam search, in warm/airy/dark variants; swells are enveloped one-shots of the same material.

use super::context::SourceContext;
use super::texture::{Kind, Texture};
use crate::manifest::ManifestRow;
use rayon::prelude::*;
use engine::mining::{make_loop, Region};
use engine::transform::{
    apply_swell, filter_variant, reverse, stretch_and_shift_region, Edges, FadeShape, FilterVariant, PhaseVocoder,
    StretchConfig, SwellEnvelope,
};

/// Extra source material taken after a region, seconds: the loop seam search and crossfade read it.
const TAIL_MARGIN_SEC: f64 = 0.75;

/// Drone loops (kind `Drone`) and swells (kind `Swell`) from the best `max_drones_per_source` regions,
/// handed to `write` as they are made. Every (region, stretch, shift) combination renders in
/// parallel; indices follow the combination order (a failed combination leaves a gap). Returns the
/// rows `write` gave, in order, and notes.
pub fn make_drones_and_swells(
    ctx: &SourceContext,
    regions: &[Region],
    want_drones: bool,
    want_swells: bool,
    write: &(dyn Fn(Vec<Texture>) -> (Vec<ManifestRow>, Vec<String>) + Sync),
) -> (Vec<ManifestRow>, Vec<String>) {
    let d = &ctx.config.drone_maker;
    let combos: Vec<(usize, &Region, f32, f32)> = regions
        .iter()
        .take(d.max_drones_per_source)
        .enumerate()
        .flat_map(|(i, region)| {
            d.time_stretch_factors
                .iter()
                .flat_map(move |&factor| d.pitch_shift_semitones.iter().map(move |&semis| (i, region, factor, semis)))
        })
        .collect();
    let num_variants = FilterVariant::ALL.iter().filter(|v| d.filter_variants.iter().any(|name| name == v.name())).count();
    let drones_per_combo = if want_drones { 1 + num_variants } else { 0 };
    let swells_per_combo = if want_swells { 1 + usize::from(d.reversed_swells) } else { 0 };
    let parts: Vec<(Vec<ManifestRow>, Vec<String>)> = combos
        .par_iter()
        .enumerate()
        .map(|(c, &(i, region, factor, semitones))| {
            match combo_textures(ctx, region, factor, semitones, want_drones, want_swells) {
                Ok(textures) => {
                    let (mut next_drone, mut next_swell) = (c * drones_per_combo, c * swells_per_combo);
                    let textures = textures
                        .into_iter()
                        .map(|mut t| {
                            let next = if t.kind == Kind::Drone { &mut next_drone } else { &mut next_swell };
                            t.index = *next;
                            t.seed = ctx.texture_seed(t.kind, *next);
                            *next += 1;
                            t
                        })
                        .collect();
                    write(textures)
                }
                Err(err) => (Vec::new(), vec![format!("drone {i} x{factor} {semitones:+}st: {err}")]),
            }
        })
        .collect();
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for (part_rows, part_notes) in parts {
        rows.extend(part_rows);
        notes.extend(part_notes);
    }
    rows.sort_by_key(|r| (r.kind != "drone", r.filename.clone()));
    (rows, notes)
}

/// The drone loop (plain and filtered) and swells of one region at one stretch and shift.
fn combo_textures(
    ctx: &SourceContext,
    region: &Region,
    factor: f32,
    semitones: f32,
    want_drones: bool,
    want_swells: bool,
) -> engine::Result<Vec<Texture>> {
    let d = &ctx.config.drone_maker;
    let sr = ctx.sample_rate_hz();
    let loop_config = ctx.config.pad_miner.loop_config();
    let total = semitones + ctx.transpose_semitones.unwrap_or(0) as f32;
    let mut vocoder = PhaseVocoder::new(StretchConfig::default())?;
    let excerpt_len = excerpt_len_with_tail(ctx, region);
    let shifted =
        stretch_and_shift_region(&mut vocoder, &ctx.source.channels, region.start_sample, excerpt_len, f64::from(factor), total)?;
    let wanted_len = (region.len_samples as f64 * f64::from(factor)).round() as usize;
    let available = shifted[0].len().saturating_sub(loop_config.tail_samples(sr));
    let len_sec = wanted_len as f64 / f64::from(sr);
    let len = ctx.snap_len(len_sec, available).unwrap_or(wanted_len.min(available));
    let tag = format!("x{}_p{:+}", trim_float(factor), trim_float(semitones));
    let base = Texture {
        kind: Kind::Drone,
        index: 0,
        variant: String::new(),
        channels: Vec::new(),
        is_loop: true,
        source_offset_sec: Some(region.start_sec(sr)),
        key: ctx.key_after(total.round() as i32),
        transposed_semitones: ctx.transpose_semitones,
        seed: 0,
        notes: ctx.transpose_note.iter().cloned().collect(),
        recipe: None,
        region_id: ctx.region_id(region.start_sample, region.len_samples),
    };
    let mut out = Vec::new();
    if want_drones {
        let whole = Region { start_sample: 0, len_samples: len, ..*region };
        let lp = make_loop(&shifted, &whole, &loop_config, sr)?;
        let variants = FilterVariant::ALL.into_iter().filter(|v| d.filter_variants.iter().any(|name| name == v.name()));
        for variant in std::iter::once(None).chain(variants.map(Some)) {
            let (channels, name) = match variant {
                None => (lp.channels.clone(), tag.clone()),
                Some(v) => (filter_variant(&lp.channels, v, &ctx.config.filters, Edges::Loop, sr), format!("{tag}_{v}")),
            };
            out.push(Texture { variant: name, channels, ..base.clone() });
        }
    }
    if want_swells {
        let mut swell: Vec<Vec<f32>> = shifted.iter().map(|c| c[..len.min(c.len())].to_vec()).collect();
        apply_swell(&mut swell, &swell_envelope(ctx, len), sr);
        if d.reversed_swells {
            let mut reversed = swell.clone();
            reverse(&mut reversed);
            out.push(Texture { kind: Kind::Swell, variant: tag.clone(), channels: swell, is_loop: false, ..base.clone() });
            out.push(Texture { kind: Kind::Swell, variant: format!("{tag}_rev"), channels: reversed, is_loop: false, ..base });
        } else {
            out.push(Texture { kind: Kind::Swell, variant: tag, channels: swell, is_loop: false, ..base });
        }
    }
    Ok(out)
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
