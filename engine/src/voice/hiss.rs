//! The hiss voice: seeded white noise per side (decorrelated stereo), a band-pass at the hiss tone,
//! a raised-cosine tremolo and random half-sine "flicker" bursts, all shaped on the control grid.

use crate::rt::math;
use super::biquad::{Biquad, BiquadCoefs};
use crate::rt::{Ramp, RngStream};
use std::f32::consts::{PI, TAU};

/// Band-pass quality: wide enough to sound like air, narrow enough for the tone control to matter.
const BAND_Q: f32 = 0.8;
/// Noise amplitude before the filter: about -20 dBFS RMS out of the band-pass at hiss gain 1.
const NOISE_AMP: f32 = 0.25;
/// Flicker bursts per second at flicker amount 1.
const MAX_FLICKERS_PER_SEC: f32 = 6.0;

/// What the hiss does during one control tick.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HissControls {
    pub tone_hz: f32,
    pub tremolo_rate_hz: f32,
    /// The tremolo's phase (radians) at the tick's end when it follows the beat (then the rate
    /// is not used); `None`: free at the rate.
    pub tremolo_phase: Option<f32>,
    pub tremolo_depth: f32,
    pub flicker_amount: f32,
    /// Hiss gain times the note gate, linear.
    pub level: f32,
}

/// Noise source, filters, tremolo and flicker state.
#[derive(Debug, Clone)]
pub struct HissVoice {
    noise: RngStream,
    flicker_rng: RngStream,
    band: [Biquad; 2],
    applied_tone_hz: f32,
    tremolo_phase: f32,
    /// Running burst: samples played, length, extra gain at its peak.
    flicker_age_samples: f32,
    flicker_len_samples: f32,
    flicker_peak: f32,
    gain: Ramp,
}

impl HissVoice {
    /// A silent hiss voice seeded from (`seed`, `stream_id`, `stream_id + 1`). Realtime-safe.
    pub fn new(seed: u64, stream_id: u64) -> Self {
        Self {
            noise: RngStream::new(seed, stream_id),
            flicker_rng: RngStream::new(seed, stream_id + 1),
            band: [Biquad::default(); 2],
            applied_tone_hz: f32::NAN,
            tremolo_phase: 0.0,
            flicker_age_samples: 0.0,
            flicker_len_samples: 0.0,
            flicker_peak: 0.0,
            gain: Ramp::flat(0.0),
        }
    }

    /// New random streams from (`seed`, `stream_id`, `stream_id + 1`), keeping everything that
    /// sounds (filters, tremolo, a running flicker), so a new seed never cuts the hiss. Realtime-safe.
    pub fn reseed(&mut self, seed: u64, stream_id: u64) {
        self.noise = RngStream::new(seed, stream_id);
        self.flicker_rng = RngStream::new(seed, stream_id + 1);
    }

    /// True when the voice neither sounds now nor will during the current tick. Realtime-safe.
    pub fn is_silent(&self) -> bool {
        self.gain.from == 0.0 && self.gain.to == 0.0
    }

    /// Advances one control tick of `tick_samples` at `sample_rate_hz`. Realtime-safe.
    pub fn tick(&mut self, c: &HissControls, tick_samples: f32, sample_rate_hz: f32) {
        if c.tone_hz != self.applied_tone_hz {
            let coefs = BiquadCoefs::bandpass(c.tone_hz, BAND_Q, sample_rate_hz);
            self.band[0].coefs = coefs;
            self.band[1].coefs = coefs;
            self.applied_tone_hz = c.tone_hz;
        }
        match c.tremolo_phase {
            Some(phase) => self.tremolo_phase = phase,
            None => {
                self.tremolo_phase += TAU * c.tremolo_rate_hz * tick_samples / sample_rate_hz;
                if self.tremolo_phase >= TAU {
                    self.tremolo_phase -= TAU;
                }
            }
        }
        let tremolo = 1.0 - c.tremolo_depth * 0.5 * (1.0 - math::cos(self.tremolo_phase));

        if self.flicker_age_samples >= self.flicker_len_samples {
            let p = c.flicker_amount * MAX_FLICKERS_PER_SEC * tick_samples / sample_rate_hz;
            if c.flicker_amount > 0.0 && self.flicker_rng.chance(p) {
                self.flicker_len_samples = sample_rate_hz * (0.01 + 0.07 * self.flicker_rng.uniform());
                self.flicker_peak = 2.5 * c.flicker_amount * (0.3 + 0.7 * self.flicker_rng.uniform());
                self.flicker_age_samples = 0.0;
            }
        }
        let burst = if self.flicker_age_samples < self.flicker_len_samples {
            self.flicker_age_samples += tick_samples;
            let t = (self.flicker_age_samples / self.flicker_len_samples).min(1.0);
            self.flicker_peak * math::sin(PI * t)
        } else {
            0.0
        };
        let flicker = 1.0 - 0.7 * c.flicker_amount + burst;
        self.gain.advance(c.level * tremolo * flicker);
    }

    /// Adds samples `k0..k0 + out_left.len()` of the current tick (of `1 / inv_tick_len` samples) into
    /// the outputs. Skips all work (and draws no noise) while silent. Realtime-safe.
    pub fn render(&mut self, k0: usize, inv_tick_len: f32, out_left: &mut [f32], out_right: &mut [f32]) {
        if self.is_silent() {
            return;
        }
        for (j, (ol, or)) in out_left.iter_mut().zip(out_right.iter_mut()).enumerate() {
            let g = self.gain.at(k0 + j, inv_tick_len);
            let nl = NOISE_AMP * self.noise.bipolar();
            let nr = NOISE_AMP * self.noise.bipolar();
            *ol += g * self.band[0].process_sample(nl);
            *or += g * self.band[1].process_sample(nr);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(c: HissControls, seconds: f32) -> (Vec<f32>, Vec<f32>) {
        let sr = 44_100.0;
        let mut h = HissVoice::new(1, 10);
        let (mut l, mut r) = (Vec::new(), Vec::new());
        for _ in 0..(seconds * sr / 32.0) as usize {
            h.tick(&c, 32.0, sr);
            let (mut bl, mut br) = ([0.0f32; 32], [0.0f32; 32]);
            h.render(0, 1.0 / 32.0, &mut bl, &mut br);
            l.extend_from_slice(&bl);
            r.extend_from_slice(&br);
        }
        (l, r)
    }

    fn rms(x: &[f32]) -> f32 {
        (x.iter().map(|v| v * v).sum::<f32>() / x.len() as f32).sqrt()
    }

    #[test]
    fn stereo_noise_at_a_sensible_level_with_tremolo() {
        let c = HissControls { tone_hz: 6000.0, tremolo_rate_hz: 2.0, tremolo_phase: None, tremolo_depth: 1.0, flicker_amount: 0.0, level: 1.0 };
        let (l, r) = render(c, 2.0);
        let db = 20.0 * math::log10(rms(&l));
        assert!((-30.0..-20.0).contains(&db), "{db}"); // about -20 dBFS, halved on average by the tremolo
        let corr: f32 = l.iter().zip(&r).map(|(a, b)| a * b).sum::<f32>() / (rms(&l) * rms(&r) * l.len() as f32);
        assert!(corr.abs() < 0.05, "{corr}");
        // Depth 1 at 2 Hz: the quietest 50 ms stretch is far below the loudest.
        let chunks: Vec<f32> = l.chunks(2205).map(rms).collect();
        let (lo, hi) = chunks.iter().fold((f32::MAX, 0.0f32), |(a, b), &x| (a.min(x), b.max(x)));
        assert!(lo < 0.1 * hi, "{lo} {hi}");
    }

    #[test]
    fn silent_at_zero_level_and_flickers_add_bursts() {
        let quiet = HissControls { tone_hz: 6000.0, tremolo_rate_hz: 1.0, tremolo_phase: None, tremolo_depth: 0.0, flicker_amount: 0.0, level: 0.0 };
        assert!(render(quiet, 0.5).0.iter().all(|&x| x == 0.0));
        let steady = HissControls { level: 1.0, ..quiet };
        let flick = HissControls { flicker_amount: 1.0, ..steady };
        let crest = |x: &[f32]| {
            let c: Vec<f32> = x.chunks(441).map(rms).collect();
            c.iter().cloned().fold(0.0, f32::max) / rms(x)
        };
        let (a, b) = (crest(&render(steady, 4.0).0), crest(&render(flick, 4.0).0));
        assert!(b > 1.5 * a, "{a} {b}");
    }
}
