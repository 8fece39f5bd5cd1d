//! The built-in pad: four seconds of an evolving, harmonically rich additive tone on C3 that loops
//! seamlessly, so a fresh plugin instance with no archive still sounds. Deterministic.

use crate::rt::math;
use super::pad::Pad;
use crate::rt::RngStream;
use std::f64::consts::TAU;

/// The id the built-in pad carries.
pub const BUILTIN_PAD_ID: u64 = u64::MAX;
/// Its root note (C3, 130.8 Hz).
pub const BUILTIN_ROOT_NOTE: f32 = 48.0;
const LENGTH_SEC: f64 = 4.0;
const NUM_HARMONICS: usize = 16;
const PEAK: f32 = 0.5;

/// Not realtime-safe: allocates. A deterministic built-in pad (four seconds of evolving, harmonically
/// rich tone with root note C3 = 48, stereo, seamless as a loop) at `sample_rate_hz`.
pub fn builtin_pad(sample_rate_hz: f32) -> Pad {
    let sr = if sample_rate_hz.is_finite() && sample_rate_hz >= 1000.0 { f64::from(sample_rate_hz) } else { 44_100.0 };
    let num_frames = (LENGTH_SEC * sr).round() as usize;
    let f0 = 440.0 * math::powf(2f64, (f64::from(BUILTIN_ROOT_NOTE) - 69.0) / 12.0);
    let mut rng = RngStream::new(0x0b1e_55ed, 0);
    let mut channels = vec![vec![0.0f64; num_frames]; 2];
    for k in 1..=NUM_HARMONICS {
        // Whole cycles per loop keep the wrap seamless (detuning is at most 1/8 Hz).
        let f = (k as f64 * f0 * LENGTH_SEC).round() / LENGTH_SEC;
        if f > 0.45 * sr {
            break;
        }
        let amp = 1.0 / k as f64;
        for ch in &mut channels {
            let phase = f64::from(rng.uniform());
            let lfo_cycles = f64::from(1 + rng.index(3) as u32);
            let lfo_phase = f64::from(rng.uniform());
            for (n, x) in ch.iter_mut().enumerate() {
                let t = n as f64 / sr;
                let lfo = 0.6 + 0.4 * math::sin(TAU * (lfo_cycles * t / LENGTH_SEC + lfo_phase));
                *x += amp * lfo * math::sin(TAU * ((f * t).fract() + phase));
            }
        }
    }
    let peak = channels.iter().flatten().fold(0.0f64, |m, x| m.max(x.abs())).max(1e-9);
    let scale = f64::from(PEAK) / peak;
    let channels = channels.into_iter().map(|c| c.into_iter().map(|x| (x * scale) as f32).collect()).collect();
    Pad::new(BUILTIN_PAD_ID, channels, sr as f32, Some(BUILTIN_ROOT_NOTE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_pad_is_stereo_loud_enough_deterministic_and_loops() {
        let pad = builtin_pad(44_100.0);
        assert_eq!(pad.num_frames(), 176_400);
        assert_eq!(pad.root_note(), Some(48.0));
        let (l, r) = (pad.channel(0), pad.channel(1));
        assert_ne!(l, r);
        let peak = l.iter().chain(r).fold(0.0f32, |m, x| m.max(x.abs()));
        assert!((peak - 0.5).abs() < 1e-4);
        let steps: Vec<f32> = l.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
        let max_step = steps.iter().cloned().fold(0.0, f32::max);
        assert!((l[0] - l[l.len() - 1]).abs() <= max_step);
        assert_eq!(builtin_pad(44_100.0).channel(0), l);
        assert!(pad.good_fraction() > 0.99);
    }
}
