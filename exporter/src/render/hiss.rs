//! Hiss and flickers: high-frequency air from noisy regions (drums, room tone), or from seeded
//! synthetic noise when the archive has none. Loops get a tremolo with a whole number of cycles per
//! loop, so the tremolo is as seamless as the loop.

use super::context::SourceContext;
use super::texture::{Kind, Texture};
use crate::config::{Config, HissSection};
use engine::mining::{find_noisy_regions, make_loop, Region};
use engine::rt::rng::RngStream;
use engine::voice::{Biquad, BiquadCoefs};

/// Filter context before and after an excerpt, seconds (the band filters settle in a few ms).
const FILTER_MARGIN_SEC: f64 = 0.05;

/// Hiss loops and flickers from one source's noisy regions.
pub fn make_hiss(ctx: &SourceContext, want_loops: bool, want_flickers: bool) -> Vec<Texture> {
    let regions = find_noisy_regions(ctx.analysis, &ctx.config.hiss_miner);
    if regions.is_empty() {
        return Vec::new();
    }
    let sr = ctx.sample_rate_hz();
    let mut out = Vec::new();
    if want_loops {
        for index in 0..ctx.config.hiss.hiss_loops_per_source {
            let region = &regions[index % regions.len()];
            let seed = ctx.texture_seed(Kind::Hiss, index);
            if let Some(channels) = hiss_loop(ctx.config, &ctx.source.channels, region, sr, seed) {
                out.push(hiss_texture(Kind::Hiss, index, channels, Some(region.start_sec(sr)), seed));
            }
        }
    }
    if want_flickers {
        for index in 0..ctx.config.hiss.flicker_count {
            let seed = ctx.texture_seed(Kind::Flicker, index);
            let region = &regions[index % regions.len()];
            let (channels, offset) = flicker(&ctx.config.hiss, &ctx.source.channels, region, sr, seed);
            out.push(hiss_texture(Kind::Flicker, index, channels, Some(offset as f64 / f64::from(sr)), seed));
        }
    }
    out
}

/// Hiss loops and flickers from seeded noise, for archives with no noisy material.
pub fn make_synthetic_hiss(config: &Config, seed: u64, sr: u32, want_loops: bool, want_flickers: bool) -> Vec<Texture> {
    let h = &config.hiss;
    let len = ((f64::from(h.hiss_loop_sec) + 2.0) * f64::from(sr)) as usize;
    let mut rng = RngStream::new(seed, 0x5e);
    let noise: Vec<Vec<f32>> = (0..2).map(|_| (0..len).map(|_| 0.5 * rng.bipolar()).collect()).collect();
    let region = Region::span((0.5 * f64::from(sr)) as usize, (f64::from(h.hiss_loop_sec) * f64::from(sr)) as usize);
    let mut out = Vec::new();
    if want_loops {
        for index in 0..h.hiss_loops_per_source.max(1) {
            let s = engine::rt::rng::stream_seed(seed, &[Kind::Hiss.stream_id(), index as u64]);
            if let Some(channels) = hiss_loop(config, &noise, &region, sr, s) {
                out.push(hiss_texture(Kind::Hiss, index, channels, None, s));
            }
        }
    }
    if want_flickers {
        for index in 0..h.flicker_count {
            let s = engine::rt::rng::stream_seed(seed, &[Kind::Flicker.stream_id(), index as u64]);
            let (channels, _) = flicker(h, &noise, &region, sr, s);
            out.push(hiss_texture(Kind::Flicker, index, channels, None, s));
        }
    }
    out
}

fn hiss_texture(kind: Kind, index: usize, channels: Vec<Vec<f32>>, offset: Option<f64>, seed: u64) -> Texture {
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
    }
}

/// A stereo hiss loop `hiss_loop_sec` long from `region` (or as much of it as there is).
fn hiss_loop(config: &Config, channels: &[Vec<f32>], region: &Region, sr: u32, seed: u64) -> Option<Vec<Vec<f32>>> {
    let h = &config.hiss;
    let want = (f64::from(h.hiss_loop_sec) * f64::from(sr)) as usize;
    let margin = (FILTER_MARGIN_SEC * f64::from(sr)) as usize;
    let total = channels[0].len();
    let start = region.start_sample.saturating_sub(margin);
    let end = total.min(region.start_sample + want.max(region.len_samples) + margin * 4);
    let mut filtered = stereo_band(h, channels, start, end, sr, seed);
    flatten_dynamics(&mut filtered, sr);
    let loop_config = config.pad_miner.loop_config();
    // The loop reads its cross-fade material after its end: keep that inside the excerpt.
    let room = (end - region.start_sample).checked_sub(loop_config.tail_samples(sr))?;
    let len = want.max(region.len_samples).min(room);
    let local = Region { start_sample: region.start_sample - start, len_samples: len, ..*region };
    let mut lp = make_loop(&filtered, &local, &loop_config, sr).ok()?;
    let n = lp.channels[0].len();
    let cycles = (h.tremolo_rate_hz * n as f32 / sr as f32).round().max(1.0);
    for ch in &mut lp.channels {
        for (i, x) in ch.iter_mut().enumerate() {
            let phase = std::f32::consts::TAU * cycles * i as f32 / n as f32;
            *x *= 1.0 - h.tremolo_depth * (0.5 - 0.5 * phase.cos());
        }
    }
    Some(lp.channels)
}

/// A short burst: random length and place inside `region`, fast attack, exponential decay and a fast flutter.
fn flicker(h: &HissSection, channels: &[Vec<f32>], region: &Region, sr: u32, seed: u64) -> (Vec<Vec<f32>>, usize) {
    let mut rng = RngStream::new(seed, 0xf1);
    let len_ms = h.flicker_min_ms + rng.uniform() * (h.flicker_max_ms - h.flicker_min_ms);
    let len = ((len_ms / 1000.0) * sr as f32) as usize;
    let room = region.len_samples.saturating_sub(len);
    let start = region.start_sample + (rng.uniform() * room as f32) as usize;
    let end = (start + len).min(channels[0].len());
    let mut out = stereo_band(h, channels, start, end, sr, seed);
    flatten_dynamics(&mut out, sr);
    let n = out[0].len().max(1);
    let flutter_hz = 8.0 + rng.uniform() * 12.0;
    for ch in &mut out {
        for (i, x) in ch.iter_mut().enumerate() {
            let t = i as f32 / n as f32;
            let attack = (t * 20.0).min(1.0);
            let decay = (-4.0 * t).exp() * (1.0 - t).min(1.0);
            let flutter = 1.0 - 0.5 * (0.5 - 0.5 * (std::f32::consts::TAU * flutter_hz * i as f32 / sr as f32).cos());
            *x *= attack * decay * flutter;
        }
    }
    (out, start)
}

/// Level follower time constant for [`flatten_dynamics`], seconds.
const FLATTEN_TIME_SEC: f32 = 0.005;
/// Most gain [`flatten_dynamics`] gives the quietest moments, relative to the loudest, dB.
const FLATTEN_MAX_GAIN_DB: f32 = 30.0;

/// Evens out the level of noisy material (hats and cymbals in a drum loop are peaks over a quiet
/// floor): divides by a zero-phase RMS envelope (one-pole, forward and backward, shared by the
/// channels), with the gain limited to [`FLATTEN_MAX_GAIN_DB`]. What is left is the material's
/// colour as a steady bed: air, not a rhythm.
fn flatten_dynamics(channels: &mut [Vec<f32>], sr: u32) {
    let n = channels.iter().map(Vec::len).min().unwrap_or(0);
    if n == 0 {
        return;
    }
    let a = (-1.0 / (FLATTEN_TIME_SEC * sr as f32)).exp();
    let mut power: Vec<f32> = (0..n).map(|i| channels.iter().map(|c| c[i] * c[i]).sum::<f32>() / channels.len() as f32).collect();
    for pass in 0..2 {
        let mut state = power[if pass == 0 { 0 } else { n - 1 }];
        let mut step = |p: &mut f32| {
            state = a * state + (1.0 - a) * *p;
            *p = state;
        };
        if pass == 0 { power.iter_mut().for_each(&mut step) } else { power.iter_mut().rev().for_each(&mut step) }
    }
    let loudest = power.iter().fold(0.0f32, |m, &p| m.max(p)).sqrt();
    if loudest <= 0.0 {
        return;
    }
    let floor = loudest * 10f32.powf(-FLATTEN_MAX_GAIN_DB / 20.0);
    for ch in channels.iter_mut() {
        for (x, p) in ch.iter_mut().zip(&power) {
            *x *= loudest / p.sqrt().max(floor);
        }
    }
}

/// Band-filters `start..end` of the source into two channels. A mono source gets a decorrelated
/// right channel by reading the same noisy material a few milliseconds later.
fn stereo_band(h: &HissSection, channels: &[Vec<f32>], start: usize, end: usize, sr: u32, seed: u64) -> Vec<Vec<f32>> {
    let total = channels[0].len();
    let offset = if channels.len() == 1 { 1 + (seed % 400) as usize + (0.011 * sr as f32) as usize } else { 0 };
    (0..2)
        .map(|side| {
            let src = &channels[side.min(channels.len() - 1)];
            let shift = if side == 1 { offset } else { 0 };
            let mut x: Vec<f32> = (start..end).map(|i| src[(i + shift) % total]).collect();
            let mut stages = vec![BiquadCoefs::highpass(h.band_low_hz, 0.707, sr as f32); 2];
            if h.filter == "bandpass" {
                stages.push(BiquadCoefs::lowpass(h.band_high_hz, 0.707, sr as f32));
            }
            for coefs in stages {
                Biquad::new(coefs).process_in_place(&mut x);
            }
            x
        })
        .collect()
}
