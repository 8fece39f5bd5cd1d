//! Rendering a recipe offline through the very `TextureEngine` the plugin plays, in sub-blocks
//! split at note and automation events, exactly as the plugin's audio callback splits host blocks.

use super::format::{Recipe, RecipeSource};
use super::automation::set_param;
use crate::mining::{make_loop, LoopConfig, Region};
use crate::source::SourceBuffer;
use crate::texture::{Pad, PadBank, ProcessSpec, TextureEngine};
use crate::transform::{fade_in, fade_out, normalize_peak, remove_dc, FadeShape};
use crate::{Error, Result};

/// Longest sub-block rendered with one parameter struct, frames (the plugin uses the same).
pub const RENDER_BLOCK_FRAMES: usize = 64;

/// The pad material a recipe (or the plugin's miner) plays: the region cut as a seamless loop, or
/// as a plain excerpt when `as_loop` is off or the source has no room for the loop's cross-fade.
/// Returns the channels and the first source sample they start at. Not realtime-safe: allocates.
pub fn pad_material(source: &SourceBuffer, spec: &RecipeSource, loop_config: &LoopConfig) -> Result<(Vec<Vec<f32>>, usize)> {
    let total = source.num_frames();
    let start = spec.start_sample.min(total);
    let len = spec.len_samples.min(total - start);
    if len < 64 {
        return Err(Error::Unusable {
            path: source.provenance.path.clone(),
            reason: format!("region {}+{} lies outside the {total}-sample source", spec.start_sample, spec.len_samples),
        });
    }
    let region = Region {
        start_sample: start,
        len_samples: len,
        score: 0.0,
        rms_db: 0.0,
        onset_rate_per_sec: 0.0,
        flatness: 0.0,
        centroid_hz: 0.0,
    };
    if spec.as_loop {
        if let Ok(looped) = make_loop(&source.channels, &region, loop_config, source.sample_rate_hz) {
            return Ok((looped.channels, looped.source_start_sample));
        }
    }
    Ok((source.channels.iter().map(|c| c[start..start + len].to_vec()).collect(), start))
}

/// An event at a frame: a key going down or up, or an automation point.
enum Event<'a> {
    NoteOn(u8, f32),
    NoteOff(u8),
    Param(&'a str, f32),
}

fn to_frame(sec: f64, sample_rate_hz: u32) -> usize {
    (sec * f64::from(sample_rate_hz)).round().max(0.0) as usize
}

/// Renders `recipe` from its decoded `source` into planar stereo (or mono when the output asks
/// for one channel), then applies the output's fades and normalisation. The pad sits in slot 0.
/// Not realtime-safe: allocates the output.
pub fn render_recipe(recipe: &Recipe, source: &SourceBuffer) -> Result<Vec<Vec<f32>>> {
    let mut out = render_engine(recipe, source)?;
    let sr = source.sample_rate_hz;
    let o = &recipe.output;
    if o.channels == 1 {
        out = vec![crate::source::mix_to_mono(&out)];
    }
    if o.edge_fade_sec > 0.0 {
        fade_in(&mut out, o.edge_fade_sec, FadeShape::SCurve, sr);
        fade_out(&mut out, o.edge_fade_sec, FadeShape::SCurve, sr);
    }
    if let Some(peak) = o.normalize_peak_dbfs {
        remove_dc(&mut out);
        normalize_peak(&mut out, peak);
    }
    Ok(out)
}

/// The texture engine's raw stereo output for `recipe`: what the plugin plays for the same
/// parameters, seed, pad and notes. Not realtime-safe: allocates the output.
pub fn render_engine(recipe: &Recipe, source: &SourceBuffer) -> Result<Vec<Vec<f32>>> {
    recipe.validate(&source.provenance.path.display().to_string())?;
    let sr = source.sample_rate_hz;
    let (material, _) = pad_material(source, &recipe.source, &recipe.source.loop_config())?;
    let mut bank = PadBank::new();
    bank.insert(0, Pad::new(recipe.seed, material, sr as f32, recipe.source.root_note));

    let mut events: Vec<(usize, u8, Event)> = Vec::new();
    for n in &recipe.notes {
        let on = to_frame(n.start_sec, sr);
        events.push((on, 1, Event::NoteOn(n.note, n.velocity)));
        events.push((on + to_frame(n.length_sec, sr), 0, Event::NoteOff(n.note)));
    }
    for p in &recipe.automation {
        events.push((to_frame(p.time_sec, sr), 2, Event::Param(&p.param, p.value)));
    }
    // Stable order at one frame: releases, then new notes, then parameter changes.
    events.sort_by_key(|(frame, order, _)| (*frame, *order));

    let mut engine = TextureEngine::new();
    engine.prepare(ProcessSpec { sample_rate_hz: sr as f32, max_block_frames: RENDER_BLOCK_FRAMES });
    engine.reset(recipe.seed);
    let mut params = recipe.params;
    let total = to_frame(recipe.duration_sec, sr);
    let mut left = vec![0.0; total];
    let mut right = vec![0.0; total];
    let mut next = 0;
    let mut frame = 0;
    while frame < total {
        while next < events.len() && events[next].0 <= frame {
            match events[next].2 {
                Event::NoteOn(note, velocity) => engine.note_on(note, velocity),
                Event::NoteOff(note) => engine.note_off(note),
                Event::Param(name, value) => {
                    set_param(&mut params, name, value);
                }
            }
            next += 1;
        }
        let until_event = events.get(next).map_or(total, |e| e.0.min(total));
        let end = (frame + RENDER_BLOCK_FRAMES).min(until_event.max(frame + 1)).min(total);
        engine.process(&params, &bank, &mut left[frame..end], &mut right[frame..end]);
        frame = end;
    }
    Ok(vec![left, right])
}
