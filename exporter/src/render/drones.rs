//! Drones and swells: mined pads time-stretched and pitch-shifted (phase vocoder), looped again
//! with the seam search, in warm/airy/dark variants; swells are enveloped one-shots of the same material.

use super::context::SourceContext;
use super::texture::Texture;
use crate::kind::Kind;
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
    want_clouds: bool,
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
    let combos_per_region = d.time_stretch_factors.len() * d.pitch_shift_semitones.len();
    let num_drone_regions = regions.len().min(d.max_drones_per_source);
    let allowed =
        allowed_variants(ctx, regions.len(), num_drone_regions, combos_per_region, drones_per_combo, swells_per_combo, want_clouds);
    let parts: Vec<(Vec<ManifestRow>, Vec<String>)> = combos
        .par_iter()
        .enumerate()
        .map(|(c, &(i, region, factor, semitones))| {
            let keep = |kind: Kind, slot: usize| {
                allowed.as_ref().is_none_or(|set| set.contains(&(i, c % combos_per_region.max(1), kind == Kind::Drone, slot)))
            };
            let any_kept = (0..drones_per_combo).any(|s| keep(Kind::Drone, s)) || (0..swells_per_combo).any(|s| keep(Kind::Swell, s));
            if !any_kept {
                return (Vec::new(), Vec::new());
            }
            match combo_textures(ctx, region, factor, semitones, want_drones, want_swells) {
                Ok(textures) => {
                    let (mut next_drone, mut next_swell) = (c * drones_per_combo, c * swells_per_combo);
                    let textures = textures
                        .into_iter()
                        .filter_map(|mut t| {
                            let (next, first) =
                                if t.kind == Kind::Drone { (&mut next_drone, c * drones_per_combo) } else { (&mut next_swell, c * swells_per_combo) };
                            let slot = *next - first;
                            t.index = *next;
                            t.seed = ctx.texture_seed(t.kind, *next);
                            *next += 1;
                            keep(t.kind, slot).then_some(t)
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

/// Under `max_variants_per_pad`, the (region, combination, is drone, slot) variants to write, or
/// `None` without a cap. Slot 0 (the plain drone, the forward swell) of every stretch and shift
/// comes first, a drone then a swell per combination, then slot 1 (first filter, reversed swell)
/// and so on; the region's clouds take their share of the cap first.
fn allowed_variants(
    ctx: &SourceContext,
    num_regions: usize,
    num_drone_regions: usize,
    combos_per_region: usize,
    drones_per_combo: usize,
    swells_per_combo: usize,
    want_clouds: bool,
) -> Option<std::collections::HashSet<(usize, usize, bool, usize)>> {
    let cap = ctx.config.drone_maker.max_variants_per_pad;
    if cap == 0 {
        return None;
    }
    let mut set = std::collections::HashSet::new();
    for region in 0..num_drone_regions {
        let clouds = if want_clouds { super::clouds::clouds_of_region(ctx, num_regions, region) } else { 0 };
        let mut left = cap.saturating_sub(clouds);
        for slot in 0..drones_per_combo.max(swells_per_combo) {
            for combo in 0..combos_per_region {
                for (is_drone, per_combo) in [(true, drones_per_combo), (false, swells_per_combo)] {
                    if slot < per_combo && left > 0 {
                        set.insert((region, combo, is_drone, slot));
                        left -= 1;
                    }
                }
            }
        }
    }
    Some(set)
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
        stretch_and_shift_region(&mut vocoder, ctx.channels_of(region), region.start_sample, excerpt_len, f64::from(factor), total)?;
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
        region_id: ctx.region_id_of(region),
        layer: Some(region.layer),
        drum_bleed_db: None,
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
        let fixed_len = (f64::from(d.swell_duration_sec) * f64::from(sr)).round() as usize;
        let mut swell: Vec<Vec<f32>> = if fixed_len == 0 {
            shifted.iter().map(|c| c[..len.min(c.len())].to_vec()).collect()
        } else if fixed_len <= shifted[0].len() {
            shifted.iter().map(|c| c[..fixed_len].to_vec()).collect()
        } else {
            // Longer than the material: tile its seamless loop, so the swell has no seam.
            let whole = Region { start_sample: 0, len_samples: len, ..*region };
            let lp = make_loop(&shifted, &whole, &loop_config, sr)?;
            lp.channels.iter().map(|c| c.iter().copied().cycle().take(fixed_len).collect()).collect()
        };
        let swell_len = swell[0].len();
        apply_swell(&mut swell, &swell_envelope(ctx, swell_len), sr);
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
