//! Rendering a recipe offline through the very `TextureEngine` the plugin plays, in sub-blocks
//! split at note and automation events, exactly as the plugin's audio callback splits host blocks,
//! with a transport playing from beat 0 at the recipe's tempo.

use super::automation::set_param;
use super::format::Recipe;
use super::pad::recipe_pad_of_layers;
use crate::separate::Layers;
use crate::source::SourceBuffer;
use crate::texture::{PadBank, ProcessSpec, TextureEngine, Transport};
use crate::transform::{fade_in, fade_out, normalize_peak, remove_dc, FadeShape};
use crate::Result;

/// Longest sub-block rendered with one parameter struct, frames (the plugin uses the same).
pub const RENDER_BLOCK_FRAMES: usize = 64;

/// An event at a frame: a key going down or up, or an automation point.
enum Event<'a> {
    NoteOn(u8, f32),
    NoteOff(u8),
    Param(&'a str, f32),
}

fn to_frame(sec: f64, sample_rate_hz: u32) -> usize {
    (sec * f64::from(sample_rate_hz)).round().max(0.0) as usize
}

/// Renders `recipe` from its decoded `source` (`None` for the built-in texture) into planar
/// stereo (or mono when the output asks for one channel), then applies the output's fades and
/// normalisation. The pad sits in slot 0. Not realtime-safe: allocates the output.
pub fn render_recipe(recipe: &Recipe, source: Option<&SourceBuffer>) -> Result<Vec<Vec<f32>>> {
    render_recipe_of_layers(recipe, source, None)
}

/// [`render_recipe`] for a caller that already separated the source with the recipe's separation
/// settings (a recipe whose region is cut from a layer otherwise separates the source itself).
/// Not realtime-safe: allocates the output.
pub fn render_recipe_of_layers(recipe: &Recipe, source: Option<&SourceBuffer>, layers: Option<&Layers>) -> Result<Vec<Vec<f32>>> {
    let mut out = render_engine_of_layers(recipe, source, layers)?;
    let sr = source.map_or(crate::ENGINE_SAMPLE_RATE_HZ, |s| s.sample_rate_hz);
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
/// parameters, seed, pad and notes, with the host at the pad's rate (44.1 kHz). `source` is the
/// decoded file the recipe names (`None` for the built-in texture). Not realtime-safe: allocates
/// the output.
pub fn render_engine(recipe: &Recipe, source: Option<&SourceBuffer>) -> Result<Vec<Vec<f32>>> {
    render_engine_of_layers(recipe, source, None)
}

/// [`render_engine`] with the source's layers, when the caller has them (see [`render_recipe_of_layers`]).
fn render_engine_of_layers(recipe: &Recipe, source: Option<&SourceBuffer>, layers: Option<&Layers>) -> Result<Vec<Vec<f32>>> {
    let origin = source.map_or_else(|| recipe.source.path.clone(), |s| s.provenance.path.display().to_string());
    recipe.validate(&origin)?;
    let (pad, sr) = recipe_pad_of_layers(recipe, source, layers)?;
    let mut bank = PadBank::new();
    bank.insert(0, pad);

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
    let beats_per_frame = recipe.tempo_bpm / 60.0 / f64::from(sr);
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
        // The song plays from beat 0 on the first sample at the recipe's tempo; only synced
        // settings read it.
        engine.set_transport(&Transport { tempo_bpm: Some(recipe.tempo_bpm), beat_position: Some(frame as f64 * beats_per_frame) });
        engine.process(&params, &bank, &mut left[frame..end], &mut right[frame..end]);
        frame = end;
    }
    Ok(vec![left, right])
}
