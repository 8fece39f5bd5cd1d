//! Blocking DC and sub-audio drift in a decoded source: a zero-phase 12 dB/octave high-pass at
//! [`DC_BLOCK_HZ`], computed in double precision.
//!
//! Why not the audio thread's f32 [`crate::voice::biquad::Biquad`]: at 5 Hz and 44.1 kHz its
//! poles sit within 5e-4 of the unit circle, and single-precision rounding in the feedback path
//! comes out as noise around -64 dBFS on program material. In f64 that noise is far below the
//! 24-bit floor.
//!
//! Why the backward pass runs in blocks: a backward pass over the whole file makes every sample
//! depend, by rounding, on the file's end. Run per block of [`BLOCK_SEC`] (aligned to the file's
//! first sample), each block warmed up over the block after it, a sample depends only on the audio
//! up to two blocks later, so a file's opening ([`super::load_opening`]) blocks exactly as
//! the whole file does up to two seconds before the opening's end. The warm-up leaves an error of
//! e^-22 of the true filter's output (the filter's time constant is 45 ms): nothing in f32.

use crate::rt::math;
use super::buffer::zero_non_finite;

/// Corner of [`block_dc`], Hz: far below any musical content, fast enough to follow a drifting
/// offset within a second.
pub const DC_BLOCK_HZ: f32 = 5.0;

/// Length of the backward pass's blocks, and of each block's warm-up, seconds.
pub const BLOCK_SEC: f64 = 1.0;

/// Removes DC and sub-audio drift from a whole source: a zero-phase (forward and backward)
/// 12 dB/octave Butterworth high-pass at [`DC_BLOCK_HZ`]. Each pass starts settled on the level
/// of the audio where it starts, so a large offset does not ring in, and each output sample
/// depends only on the audio before it and up to two [`BLOCK_SEC`] blocks after it (see the
/// module docs). Non-finite samples are set to zero. Not realtime-safe.
pub fn block_dc(channels: &mut [Vec<f32>], sample_rate_hz: u32) {
    // Without a flag nothing stops it.
    block_dc_until(channels, sample_rate_hz, None);
}

/// [`block_dc`], unless `cancel` is raised: it is checked every [`BLOCK_SEC`] of audio (about
/// 1 ms of work), and a raised flag returns `false` at once, leaving `channels` partly filtered
/// (the caller drops them). `true` when every channel was filtered, sample for sample as
/// [`block_dc`] does. Not realtime-safe.
pub fn block_dc_until(channels: &mut [Vec<f32>], sample_rate_hz: u32, cancel: Option<&crate::CancelFlag>) -> bool {
    let section = HighPass::butterworth(f64::from(DC_BLOCK_HZ), f64::from(sample_rate_hz));
    let block = ((BLOCK_SEC * f64::from(sample_rate_hz)).round() as usize).max(1);
    for ch in channels.iter_mut() {
        if crate::cancel::is_cancelled(cancel) {
            return false;
        }
        zero_non_finite(ch);
        let mut work: Vec<f64> = ch.iter().map(|&x| f64::from(x)).collect();
        let n = work.len();
        let head = mean(&work[..n.min(SETTLE_FRAMES)]);
        // The forward pass, a block at a time with its state carried over: the same samples as
        // one pass over the whole channel.
        let mut state = section.settled_on(head);
        for chunk in work.chunks_mut(block) {
            if crate::cancel::is_cancelled(cancel) {
                return false;
            }
            for x in chunk {
                *x = section.step(&mut state, *x);
            }
        }
        // Ascending blocks, in place: block k writes [k B, (k + 1) B) and reads up to (k + 2) B,
        // which no earlier block has written.
        for block_start in (0..n).step_by(block) {
            if crate::cancel::is_cancelled(cancel) {
                return false;
            }
            let block_end = (block_start + block).min(n);
            let warm_end = (block_start + 2 * block).min(n);
            let tail = mean(&work[warm_end - (warm_end - block_start).min(SETTLE_FRAMES)..warm_end]);
            let mut state = section.settled_on(tail);
            for i in (block_end..warm_end).rev() {
                section.step(&mut state, work[i]);
            }
            for i in (block_start..block_end).rev() {
                work[i] = section.step(&mut state, work[i]);
            }
        }
        for (out, x) in ch.iter_mut().zip(&work) {
            *out = *x as f32;
        }
    }
    true
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
        let alpha = math::sin(w0) / (2.0 * std::f64::consts::FRAC_1_SQRT_2);
        let c = math::cos(w0);
        let a0 = 1.0 + alpha;
        Self {
            b0: (1.0 + c) / 2.0 / a0,
            b1: -(1.0 + c) / a0,
            b2: (1.0 + c) / 2.0 / a0,
            a1: -2.0 * c / a0,
            a2: (1.0 - alpha) / a0,
        }
    }

    /// The state a constant input of `level` would leave (a high-pass then outputs 0), so audio
    /// starting at that level does not ring in: `(z1, z2)` of the transposed direct form II.
    fn settled_on(&self, level: f64) -> (f64, f64) {
        let z2 = self.b2 * level;
        (self.b1 * level + z2, z2)
    }

    /// Filters one sample (transposed direct form II).
    #[inline]
    fn step(&self, (z1, z2): &mut (f64, f64), x: f64) -> f64 {
        let y = self.b0 * x + *z1;
        *z1 = self.b1 * x - self.a1 * y + *z2;
        *z2 = self.b2 * x - self.a2 * y;
        y
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offset_goes_without_ringing_and_music_stays() {
        let rate = 44_100;
        let tone: Vec<f32> = (0..rate).map(|n| 0.5 * math::sin(n as f32 * 440.0 * std::f32::consts::TAU / rate as f32)).collect();
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
    fn an_opening_blocks_exactly_as_the_whole_does_up_to_two_blocks_before_its_end() {
        let rate = 8_000usize;
        let whole: Vec<f32> = (0..rate * 9).map(|n| 0.3 + 0.4 * math::sin(n as f32 * 0.05) + 0.2 * math::cos(n as f32 * 0.0011)).collect();
        let mut a = vec![whole.clone()];
        let mut b = vec![whole[..rate * 5 + 123].to_vec()];
        block_dc(&mut a, rate as u32);
        block_dc(&mut b, rate as u32);
        let exact = rate * 5 + 123 - 2 * rate;
        assert!(a[0][..exact].iter().zip(&b[0]).all(|(x, y)| x.to_bits() == y.to_bits()));
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
        let tone: Vec<f32> = (0..sr as usize * 4).map(|i| 0.5 * math::sin(i as f32 * 2.0 * std::f32::consts::PI * 220.0 / sr as f32)).collect();
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
