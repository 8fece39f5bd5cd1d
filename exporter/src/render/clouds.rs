//! Clouds: granular textures rendered offline by the engine's `TextureEngine`, the very engine the
//! plugin plays live, in hold mode (no notes) with parameters from the `[clouds]` section.

use super::context::SourceContext;
use super::texture::{Kind, Texture};
use engine::mining::Region;
use engine::texture::{Pad, PadBank, ProcessSpec, TextureEngine, TextureParams, WindowShape};
use engine::transform::{fade_in, fade_out, FadeShape};

/// Frames per `process` call when rendering offline (any size gives the same samples).
const RENDER_BLOCK_FRAMES: usize = 512;

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
        window: match c.window.as_str() {
            "tukey" => WindowShape::Tukey,
            "decay" => WindowShape::Decay,
            "triangle" => WindowShape::Triangle,
            _ => WindowShape::Hann,
        },
        reverse_probability: c.reverse_probability,
        lowpass_hz: c.lowpass_hz,
        hiss_gain: 0.0,
        hold: true,
        attack_ms: 1.0,
        source_slot: Some(0),
        ..TextureParams::default()
    }
}

/// `clouds_per_source` clouds, each from one of the best regions (cycling when there are fewer).
pub fn make_clouds(ctx: &SourceContext, regions: &[Region]) -> Vec<Texture> {
    let c = &ctx.config.clouds;
    if regions.is_empty() {
        return Vec::new();
    }
    let sr = ctx.sample_rate_hz();
    let params = cloud_params(ctx);
    let mut engine = TextureEngine::new();
    engine.prepare(ProcessSpec { sample_rate_hz: sr as f32, max_block_frames: RENDER_BLOCK_FRAMES });
    let mut bank = PadBank::default();
    let mut out = Vec::new();
    for index in 0..c.clouds_per_source {
        let region = &regions[index % regions.len()];
        let seed = ctx.texture_seed(Kind::Cloud, index);
        let material = cloud_material(ctx, region);
        bank.insert(0, Pad::new(seed, material, sr as f32, None));
        engine.reset(seed);
        let want_sec = f64::from(c.cloud_duration_sec);
        let len = ctx.snap_len(want_sec, usize::MAX).unwrap_or((want_sec * f64::from(sr)).round() as usize);
        let mut channels = render(&mut engine, &params, &bank, len);
        if !c.stereo {
            channels = vec![engine::source::mix_to_mono(&channels)];
        }
        fade_in(&mut channels, EDGE_FADE_SEC, FadeShape::SCurve, sr);
        fade_out(&mut channels, EDGE_FADE_SEC, FadeShape::SCurve, sr);
        out.push(Texture {
            kind: Kind::Cloud,
            index,
            variant: if c.stereo { "stereo".into() } else { "mono".into() },
            channels,
            is_loop: false,
            source_offset_sec: Some(region.start_sec(sr)),
            key: ctx.key_after(ctx.transpose_semitones.unwrap_or(0)),
            transposed_semitones: ctx.transpose_semitones,
            seed,
            notes: ctx.transpose_note.iter().cloned().collect(),
        });
    }
    out
}

/// The region, widened around its centre to at most [`MAX_CLOUD_SOURCE_SEC`] of stable material.
fn cloud_material(ctx: &SourceContext, region: &Region) -> Vec<Vec<f32>> {
    let sr = f64::from(ctx.sample_rate_hz());
    let max = (MAX_CLOUD_SOURCE_SEC * sr) as usize;
    let len = region.len_samples.min(max);
    let start = region.start_sample + (region.len_samples - len) / 2;
    ctx.source.channels.iter().map(|c| c[start..start + len].to_vec()).collect()
}

/// Runs the engine for `len` frames in fixed blocks.
pub fn render(engine: &mut TextureEngine, params: &TextureParams, bank: &PadBank, len: usize) -> Vec<Vec<f32>> {
    let mut left = vec![0.0; len];
    let mut right = vec![0.0; len];
    for (l, r) in left.chunks_mut(RENDER_BLOCK_FRAMES).zip(right.chunks_mut(RENDER_BLOCK_FRAMES)) {
        engine.process(params, bank, l, r);
    }
    vec![left, right]
}
