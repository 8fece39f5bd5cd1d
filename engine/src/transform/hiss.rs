//! Hiss shaping: high-frequency air cut from noisy material (drums, room tone) as seamless loops and
//! short flickers, the offline half of the hiss the live engine plays. Loops get a tremolo with a
//! whole number of cycles per loop, so the tremolo is as seamless as the loop. When an archive has
//! no noisy material, [`synthetic_hiss_source`] is the live instrument's own hiss voice.

use crate::rt::math;
use crate::mining::{make_loop, LoopConfig, Region};
use crate::rt::db::db_to_amplitude;
use crate::rt::RngStream;
use crate::voice::hiss::{HissControls, HissVoice};
use crate::voice::{Biquad, BiquadCoefs};

/// Filter context before and after an excerpt, seconds (the band filters settle in a few ms).
const FILTER_MARGIN_SEC: f64 = 0.05;
/// Level follower time constant for [`flatten_dynamics`], seconds.
const FLATTEN_TIME_SEC: f32 = 0.005;
/// Most gain [`flatten_dynamics`] gives the quietest moments, relative to the loudest, dB.
const FLATTEN_MAX_GAIN_DB: f32 = 30.0;
/// Control block of the hiss voice when rendered offline, samples.
const VOICE_BLOCK: usize = 64;

/// How hiss is cut and shaped (the exporter's `[hiss]` section).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HissShape {
    /// High-pass edge, Hz.
    pub band_low_hz: f32,
    /// Low-pass edge, Hz, or `None` for a plain high-pass.
    pub band_high_hz: Option<f32>,
    /// Tremolo over a loop, Hz (rounded to whole cycles per loop) and depth 0..1.
    pub tremolo_rate_hz: f32,
    pub tremolo_depth: f32,
    /// Tonal lines more than this far above their neighbourhood's noise floor are pulled down to
    /// it ([`crate::transform::gate_tones`]): the notes that reach the hiss band from the instruments
    /// over a real drum take go, its air stays. 0 turns the gate off.
    pub tone_gate_db: f32,
    /// Length of a hiss loop, seconds.
    pub loop_sec: f32,
    /// Flicker length range, milliseconds.
    pub flicker_min_ms: f32,
    pub flicker_max_ms: f32,
}

/// A stereo hiss loop `shape.loop_sec` long from `region` of `channels` (or as much of it as there
/// is): band-filtered, its dynamics flattened into a steady bed, cut as a seamless loop with the
/// pad loops' settings, then given its tremolo. `None` when the region has no room for a loop.
/// Not realtime-safe: allocates.
pub fn hiss_loop(channels: &[Vec<f32>], region: &Region, sr: u32, seed: u64, shape: &HissShape, loop_config: &LoopConfig) -> Option<Vec<Vec<f32>>> {
    let want = (f64::from(shape.loop_sec) * f64::from(sr)) as usize;
    let margin = (FILTER_MARGIN_SEC * f64::from(sr)) as usize;
    let total = channels.first()?.len();
    let start = region.start_sample.saturating_sub(margin);
    let end = total.min(region.start_sample + want.max(region.len_samples) + margin * 4);
    let mut filtered = stereo_band(shape, channels, start, end, sr, seed);
    flatten_dynamics(&mut filtered, sr);
    // The loop reads its cross-fade material after its end: keep that inside the excerpt.
    let room = (end - region.start_sample).checked_sub(loop_config.tail_samples(sr))?;
    let len = want.max(region.len_samples).min(room);
    let local = Region { start_sample: region.start_sample - start, len_samples: len, ..*region };
    let mut lp = make_loop(&filtered, &local, loop_config, sr).ok()?;
    let n = lp.channels[0].len();
    let cycles = (shape.tremolo_rate_hz * n as f32 / sr as f32).round().max(1.0);
    for ch in &mut lp.channels {
        for (i, x) in ch.iter_mut().enumerate() {
            let phase = std::f32::consts::TAU * cycles * i as f32 / n as f32;
            *x *= 1.0 - shape.tremolo_depth * (0.5 - 0.5 * math::cos(phase));
        }
    }
    Some(lp.channels)
}

/// A short burst: random length and place inside `region`, fast attack, exponential decay and a fast
/// flutter. Returns the burst and its first source sample. Not realtime-safe: allocates.
pub fn hiss_flicker(channels: &[Vec<f32>], region: &Region, sr: u32, seed: u64, shape: &HissShape) -> (Vec<Vec<f32>>, usize) {
    let mut rng = RngStream::new(seed, 0xf1);
    let len_ms = shape.flicker_min_ms + rng.uniform() * (shape.flicker_max_ms - shape.flicker_min_ms);
    let len = ((len_ms / 1000.0) * sr as f32) as usize;
    let room = region.len_samples.saturating_sub(len);
    let start = region.start_sample + (rng.uniform() * room as f32) as usize;
    let end = (start + len).min(channels.first().map_or(0, Vec::len));
    let mut out = stereo_band(shape, channels, start, end, sr, seed);
    flatten_dynamics(&mut out, sr);
    let n = out[0].len().max(1);
    let flutter_hz = 8.0 + rng.uniform() * 12.0;
    for ch in &mut out {
        for (i, x) in ch.iter_mut().enumerate() {
            let t = i as f32 / n as f32;
            let attack = (t * 20.0).min(1.0);
            let decay = math::exp(-4.0 * t) * (1.0 - t).min(1.0);
            let flutter = 1.0 - 0.5 * (0.5 - 0.5 * math::cos(std::f32::consts::TAU * flutter_hz * i as f32 / sr as f32));
            *x *= attack * decay * flutter;
        }
    }
    (out, start)
}

/// `num_frames` of the live instrument's hiss voice (seeded stereo noise through its band-pass at
/// `tone_hz`, steady: no tremolo, no flickers) at `sr`: the material synthetic hiss is cut from
/// when an archive has no noisy recordings, so exported and live hiss are one sound.
/// Not realtime-safe: allocates.
pub fn synthetic_hiss_source(num_frames: usize, sr: u32, tone_hz: f32, seed: u64) -> Vec<Vec<f32>> {
    let mut voice = HissVoice::new(seed, 0x5e);
    let controls = HissControls { tone_hz, tremolo_rate_hz: 0.1, tremolo_phase: None, tremolo_depth: 0.0, flicker_amount: 0.0, level: 1.0 };
    let mut out = vec![vec![0.0f32; num_frames]; 2];
    let mut start = 0;
    while start < num_frames {
        let len = VOICE_BLOCK.min(num_frames - start);
        voice.tick(&controls, VOICE_BLOCK as f32, sr as f32);
        let (left, right) = out.split_at_mut(1);
        voice.render(0, 1.0 / VOICE_BLOCK as f32, &mut left[0][start..start + len], &mut right[0][start..start + len]);
        start += len;
    }
    out
}

/// Evens out the level of noisy material (hats and cymbals in a drum loop are peaks over a quiet
/// floor): divides by a zero-phase RMS envelope (one-pole, forward and backward, shared by the
/// channels), with the gain limited to [`FLATTEN_MAX_GAIN_DB`]. What is left is the material's
/// colour as a steady bed: air, not a rhythm.
fn flatten_dynamics(channels: &mut [Vec<f32>], sr: u32) {
    let n = channels.iter().map(Vec::len).min().unwrap_or(0);
    if n == 0 {
        return;
    }
    let a = math::exp(-1.0 / (FLATTEN_TIME_SEC * sr as f32));
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
    let floor = loudest * db_to_amplitude(-FLATTEN_MAX_GAIN_DB);
    for ch in channels.iter_mut() {
        for (x, p) in ch.iter_mut().zip(&power) {
            *x *= loudest / p.sqrt().max(floor);
        }
    }
}

/// Band-filters `start..end` of the source into two channels. A mono source gets a decorrelated
/// right channel by reading the same noisy material a few milliseconds later.
fn stereo_band(shape: &HissShape, channels: &[Vec<f32>], start: usize, end: usize, sr: u32, seed: u64) -> Vec<Vec<f32>> {
    let total = channels[0].len();
    let offset = if channels.len() == 1 { 1 + (seed % 400) as usize + (0.011 * sr as f32) as usize } else { 0 };
    (0..2)
        .map(|side| {
            let src = &channels[side.min(channels.len() - 1)];
            let shift = if side == 1 { offset } else { 0 };
            let mut x: Vec<f32> = (start..end).map(|i| src[(i + shift) % total]).collect();
            let mut stages = vec![BiquadCoefs::highpass(shape.band_low_hz, 0.707, sr as f32); 2];
            if let Some(high_hz) = shape.band_high_hz {
                stages.push(BiquadCoefs::lowpass(high_hz, 0.707, sr as f32));
            }
            for coefs in stages {
                Biquad::new(coefs).process_in_place(&mut x);
            }
            super::gate_tones(&mut x, shape.tone_gate_db);
            x
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_hiss_is_the_live_voice_and_loops_from_it_are_seamless() {
        let sr = 44_100;
        let source = synthetic_hiss_source(6 * sr as usize, sr, 8000.0, 3);
        let rms = |x: &[f32]| (x.iter().map(|v| v * v).sum::<f32>() / x.len() as f32).sqrt();
        assert!(rms(&source[0]) > 0.01 && rms(&source[1]) > 0.01);
        assert_ne!(source[0], source[1], "the two sides should be decorrelated noise");
        let shape = HissShape { band_low_hz: 4000.0, band_high_hz: Some(14_000.0), tremolo_rate_hz: 0.5, tremolo_depth: 0.3, tone_gate_db: 6.0, loop_sec: 4.0, flicker_min_ms: 40.0, flicker_max_ms: 200.0 };
        let region = Region::span(sr as usize / 2, 4 * sr as usize);
        let lp = hiss_loop(&source, &region, sr, 7, &shape, &LoopConfig::default()).expect("a loop");
        let n = lp[0].len();
        assert!(n > 3 * sr as usize);
        let wrap = (lp[0][n - 1] - lp[0][0]).abs();
        let mut steps: Vec<f32> = lp[0].windows(2).map(|w| (w[1] - w[0]).abs()).collect();
        steps.sort_by(f32::total_cmp);
        assert!(wrap <= steps[steps.len() * 99 / 100] * 1.5, "wrap step {wrap}");
        let (burst, start) = hiss_flicker(&source, &region, sr, 9, &shape);
        assert!(start >= region.start_sample && !burst[0].is_empty());
    }
}
