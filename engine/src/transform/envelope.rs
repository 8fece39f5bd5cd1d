//! Gain envelopes for one-shots: fade shapes, fades in and out, swells (rise, hold, decay) and
//! reversal.

use crate::rt::math;
use serde::{Deserialize, Serialize};

/// The curve of a fade, as gain over normalised time 0..1. Every shape goes from exactly 0 to
/// exactly 1 and rises monotonically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FadeShape {
    /// Gain rises in a straight line: quick to become audible, abrupt at the top.
    Linear,
    /// sin(pi/2 x): the power of a fade-in and the matching fade-out sums to one.
    EqualPower,
    /// (e^(kx) - 1) / (e^k - 1) with k = ln 1000: straight in dB over the first 60 dB, the slow
    /// "bloom" of a swell.
    Exponential,
    /// Raised cosine, 0.5 - 0.5 cos(pi x): gentle at both ends.
    #[default]
    SCurve,
}

impl FadeShape {
    /// Gain at normalised time `x` (clamped to 0..1).
    pub fn gain(self, x: f32) -> f32 {
        let x = x.clamp(0.0, 1.0);
        match self {
            Self::Linear => x,
            Self::EqualPower => math::sin(std::f32::consts::FRAC_PI_2 * x),
            Self::Exponential => {
                let k = math::ln(1000f32);
                math::exp_m1(k * x) / math::exp_m1(k)
            }
            Self::SCurve => 0.5 - 0.5 * math::cos(std::f32::consts::PI * x),
        }
    }
}

/// A swell: rise from silence, hold, decay back to silence.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SwellEnvelope {
    /// Rise time from silence to full level, seconds (>= 0).
    pub rise_sec: f32,
    /// Decay time from full level back to silence, seconds (>= 0).
    pub decay_sec: f32,
    /// Curve of both the rise and the decay.
    pub shape: FadeShape,
}

impl Default for SwellEnvelope {
    /// A 6 s swell (the original's `swell_duration_sec`) that spends most of its length
    /// blooming: 3 s rise, 2.5 s decay, raised-cosine curves.
    fn default() -> Self {
        Self {
            rise_sec: 3.0,
            decay_sec: 2.5,
            shape: FadeShape::SCurve,
        }
    }
}

/// Fades the first `duration_sec` in from silence: the first sample is multiplied by 0, sample
/// `i` by `shape(i / n)`. Non-positive or non-finite durations do nothing.
pub fn fade_in(
    channels: &mut [Vec<f32>],
    duration_sec: f32,
    shape: FadeShape,
    sample_rate_hz: u32,
) {
    fade_edge(channels, duration_samples(duration_sec, sample_rate_hz), shape, false);
}

/// Multiplies the `n` samples at one edge of each channel by `shape(i / n)`, `i` counted from the
/// edge (the start, or the end when `from_end`).
fn fade_edge(channels: &mut [Vec<f32>], n: usize, shape: FadeShape, from_end: bool) {
    for ch in channels.iter_mut() {
        let len = n.min(ch.len());
        let edge: Box<dyn Iterator<Item = &mut f32>> =
            if from_end { Box::new(ch.iter_mut().rev().take(len)) } else { Box::new(ch[..len].iter_mut()) };
        for (i, x) in edge.enumerate() {
            *x *= shape.gain(i as f32 / n as f32);
        }
    }
}

/// Fades the last `duration_sec` out to silence: the mirror image of [`fade_in`], so the last
/// sample is multiplied by 0.
pub fn fade_out(
    channels: &mut [Vec<f32>],
    duration_sec: f32,
    shape: FadeShape,
    sample_rate_hz: u32,
) {
    fade_edge(channels, duration_samples(duration_sec, sample_rate_hz), shape, true);
}

/// Applies a swell: fade in over `rise_sec`, fade out over `decay_sec`. When the two together are
/// longer than the audio, both shrink in proportion so they meet without overlapping.
pub fn apply_swell(channels: &mut [Vec<f32>], envelope: &SwellEnvelope, sample_rate_hz: u32) {
    let len = channels.iter().map(Vec::len).max().unwrap_or(0);
    let duration_sec = len as f32 / sample_rate_hz.max(1) as f32;
    let rise = envelope.rise_sec.max(0.0);
    let decay = envelope.decay_sec.max(0.0);
    let scale = if rise + decay > duration_sec && rise + decay > 0.0 {
        duration_sec / (rise + decay)
    } else {
        1.0
    };
    fade_in(channels, rise * scale, envelope.shape, sample_rate_hz);
    fade_out(channels, decay * scale, envelope.shape, sample_rate_hz);
}

/// Reverses every channel in time.
pub fn reverse(channels: &mut [Vec<f32>]) {
    for ch in channels.iter_mut() {
        ch.reverse();
    }
}

fn duration_samples(duration_sec: f32, sample_rate_hz: u32) -> usize {
    if duration_sec.is_finite() && duration_sec > 0.0 {
        (f64::from(duration_sec) * f64::from(sample_rate_hz)).round() as usize
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [FadeShape; 4] = [
        FadeShape::Linear,
        FadeShape::EqualPower,
        FadeShape::Exponential,
        FadeShape::SCurve,
    ];

    #[test]
    fn shapes_run_from_zero_to_one_monotonically() {
        for s in ALL {
            assert_eq!(s.gain(0.0), 0.0, "{s:?}");
            assert!((s.gain(1.0) - 1.0).abs() < 1e-6, "{s:?}");
            let mut prev = 0.0;
            for i in 1..=100 {
                let g = s.gain(i as f32 / 100.0);
                assert!(g >= prev, "{s:?} not monotonic at {i}");
                prev = g;
            }
        }
        // Equal power: a fade-in and its mirrored fade-out keep constant power.
        let p = FadeShape::EqualPower;
        assert!((p.gain(0.3).powi(2) + p.gain(0.7).powi(2) - 1.0).abs() < 1e-6);
        // Exponential is -30 dB at half time.
        assert!((20.0 * math::log10(FadeShape::Exponential.gain(0.5)) + 30.4).abs() < 0.5);
    }

    #[test]
    fn reverse_reverses() {
        let mut ch = vec![vec![1.0, 2.0, 3.0]];
        reverse(&mut ch);
        assert_eq!(ch[0], vec![3.0, 2.0, 1.0]);
    }
}
