//! Blocking DC and sub-audio drift in a decoded source: a zero-phase 12 dB/octave high-pass at
//! [`DC_BLOCK_HZ`], computed in double precision.
//!
//! Why not the audio thread's f32 [`crate::voice::biquad::Biquad`]: at 5 Hz and 44.1 kHz its
//! poles sit within 5e-4 of the unit circle, and single-precision rounding in the feedback path
//! comes out as noise around -65 dBFS on program material. In f64 that noise is far below the
//! 24-bit floor, and two runs over overlapping audio (a file's opening and the whole file) agree
//! once their starting points are a second behind.

use super::level::zero_non_finite;

/// Corner of [`block_dc`], Hz: far below any musical content, fast enough to follow a drifting
/// offset within a second.
pub const DC_BLOCK_HZ: f32 = 5.0;

/// Removes DC and sub-audio drift from a whole source: a zero-phase (forward and backward)
/// 12 dB/octave Butterworth high-pass at [`DC_BLOCK_HZ`]. Each pass starts settled on the level
/// of its first [`SETTLE_FRAMES`], so a large offset does not ring in, and every output sample depends only on the audio
/// within about a second of it: the opening of a file blocks as the whole file does (see
/// [`crate::source::load_opening`]). Non-finite samples are set to zero. Not realtime-safe.
pub fn block_dc(channels: &mut [Vec<f32>], sample_rate_hz: u32) {
    let section = HighPass::butterworth(f64::from(DC_BLOCK_HZ), f64::from(sample_rate_hz));
    for ch in channels.iter_mut() {
        zero_non_finite(ch);
        let mut work: Vec<f64> = ch.iter().map(|&x| f64::from(x)).collect();
        let settle_len = work.len().min(SETTLE_FRAMES);
        let head = mean(&work[..settle_len]);
        section.run(work.iter_mut(), head);
        let tail = mean(&work[work.len() - settle_len..]);
        section.run(work.iter_mut().rev(), tail);
        for (out, x) in ch.iter_mut().zip(&work) {
            *out = *x as f32;
        }
    }
}

/// Frames averaged for the level each pass starts settled on (23 ms at 44.1 kHz): long enough
/// that a single waveform peak is not mistaken for an offset, short enough to stay local.
const SETTLE_FRAMES: usize = 1024;

fn mean(samples: &[f64]) -> f64 {
    if samples.is_empty() { 0.0 } else { samples.iter().sum::<f64>() / samples.len() as f64 }
}

/// A second-order high-pass (RBJ cookbook form, normalised so a0 = 1).
#[derive(Debug, Clone, Copy)]
struct HighPass {
    b0: f64,
    b1: f64,
    b2: f64,
    a1: f64,
    a2: f64,
}

impl HighPass {
    fn butterworth(cutoff_hz: f64, sample_rate_hz: f64) -> Self {
        let w0 = std::f64::consts::TAU * cutoff_hz.clamp(0.1, 0.49 * sample_rate_hz) / sample_rate_hz;
        let alpha = w0.sin() / (2.0 * std::f64::consts::FRAC_1_SQRT_2);
        let c = w0.cos();
        let a0 = 1.0 + alpha;
        Self {
            b0: (1.0 + c) / 2.0 / a0,
            b1: -(1.0 + c) / a0,
            b2: (1.0 + c) / 2.0 / a0,
            a1: -2.0 * c / a0,
            a2: (1.0 - alpha) / a0,
        }
    }

    /// Filters `samples` in place in the order given (transposed direct form II), starting from
    /// the state a constant input of `settled` would leave (a high-pass then outputs 0), so the
    /// offset the audio starts at does not ring in.
    fn run<'a>(&self, samples: impl Iterator<Item = &'a mut f64>, settled: f64) {
        let mut z2 = self.b2 * settled;
        let mut z1 = self.b1 * settled + z2;
        for x in samples {
            let input = *x;
            let y = self.b0 * input + z1;
            z1 = self.b1 * input - self.a1 * y + z2;
            z2 = self.b2 * input - self.a2 * y;
            *x = y;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offset_goes_without_ringing_and_music_stays() {
        let rate = 44_100;
        let tone: Vec<f32> = (0..rate).map(|n| 0.5 * (n as f32 * 440.0 * std::f32::consts::TAU / rate as f32).sin()).collect();
        let mut channels = vec![tone.iter().map(|x| x + 0.2).collect::<Vec<f32>>()];
        block_dc(&mut channels, rate as u32);
        // At the very ends the settled level includes part of a waveform cycle: a small bump
        // that dies away within 50 ms; beyond that the tone comes through untouched.
        let error = |range: std::ops::Range<usize>| {
            channels[0][range.clone()].iter().zip(&tone[range]).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max)
        };
        let edge = rate / 20;
        assert!(error(0..rate) < 0.02, "{}", error(0..rate));
        assert!(error(edge..rate - edge) < 2e-3, "{}", error(edge..rate - edge));
        let mean = channels[0].iter().map(|&x| f64::from(x)).sum::<f64>() / rate as f64;
        assert!(mean.abs() < 1e-4, "{mean}");
    }

    #[test]
    fn silence_and_empty_channels_stay_so() {
        let mut channels = vec![vec![0.0f32; 1000], Vec::new(), vec![f32::NAN; 10]];
        block_dc(&mut channels, 48_000);
        assert!(channels[0].iter().all(|&x| x == 0.0));
        assert!(channels[1].is_empty());
        assert!(channels[2].iter().all(|&x| x == 0.0));
    }

    #[test]
    fn block_dc_removes_offset_and_drift_but_keeps_music() {
        let sr = 44_100;
        let tone: Vec<f32> = (0..sr as usize * 4).map(|i| 0.5 * (i as f32 * 2.0 * std::f32::consts::PI * 220.0 / sr as f32).sin()).collect();
        let drift: Vec<f32> = (0..tone.len()).map(|i| 0.3 + 0.1 * (i as f32 / tone.len() as f32)).collect();
        let mut x = vec![tone.iter().zip(&drift).map(|(a, b)| a + b).collect::<Vec<f32>>()];
        block_dc(&mut x, sr);
        let mid = &x[0][sr as usize..3 * sr as usize];
        let mean = mid.iter().sum::<f32>() / mid.len() as f32;
        assert!(mean.abs() < 1e-3, "mean {mean}");
        let err = mid.iter().zip(&tone[sr as usize..3 * sr as usize]).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
        assert!(err < 0.01, "220 Hz changed by {err}");
    }
}
