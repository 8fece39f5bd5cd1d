//! `FrameTransform`: one STFT frame in and out: periodic Hann analysis window, realfft planned once,
//! and the inverse with the same window as synthesis window, overlap-added at a hop of a quarter
//! frame (the squared Hann windows then sum to a constant, 1.5, so unmasked frames rebuild the
//! signal exactly). Background thread.

use crate::rt::math;
use std::sync::Arc;

use realfft::num_complex::Complex;
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};

/// Overlap of the frames: the hop is `fft_size / OVERLAP`.
pub const OVERLAP: usize = 4;

/// A planned forward and inverse FFT with their window and scratch: transforming a frame allocates
/// nothing.
pub struct FrameTransform {
    forward: Arc<dyn RealToComplex<f32>>,
    inverse: Arc<dyn ComplexToReal<f32>>,
    /// Periodic Hann window, `fft_size` long: analysis and synthesis window both.
    window: Vec<f32>,
    /// Undoes the inverse FFT's gain (`fft_size`) and the windows' overlap (the sum of the squared
    /// windows over the frames covering a sample, 1.5 for Hann at a quarter-frame hop).
    synthesis_scale: f32,
    frame: Vec<f32>,
    scratch: Vec<Complex<f32>>,
}

impl std::fmt::Debug for FrameTransform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FrameTransform").field("fft_size", &self.fft_size()).finish_non_exhaustive()
    }
}

impl FrameTransform {
    /// Plans `fft_size`-point transforms (a power of two, at least [`OVERLAP`]) and sizes every
    /// buffer. Not realtime-safe: allocates.
    pub fn new(fft_size: usize) -> Self {
        let n = fft_size.max(OVERLAP);
        let mut planner = RealFftPlanner::<f32>::new();
        let forward = planner.plan_fft_forward(n);
        let inverse = planner.plan_fft_inverse(n);
        let window: Vec<f32> = (0..n)
            .map(|i| {
                let s = math::sin(std::f32::consts::PI * i as f32 / n as f32);
                s * s
            })
            .collect();
        let hop = n / OVERLAP;
        let overlap_gain = window.iter().map(|w| w * w).sum::<f32>() / hop as f32;
        let scratch_len = forward.get_scratch_len().max(inverse.get_scratch_len());
        Self {
            frame: forward.make_input_vec(),
            scratch: vec![Complex::default(); scratch_len],
            synthesis_scale: 1.0 / (n as f32 * overlap_gain),
            forward,
            inverse,
            window,
        }
    }

    /// FFT length, samples.
    pub fn fft_size(&self) -> usize {
        self.window.len()
    }

    /// Bins of a spectrum: `fft_size / 2 + 1`.
    pub fn num_bins(&self) -> usize {
        self.window.len() / 2 + 1
    }

    /// Windows the `fft_size` samples of `signal` from `start` (samples before 0 or past the end, and
    /// non-finite ones, read as zero) and writes their spectrum into `spectrum` (`num_bins` long).
    /// Realtime-safe.
    pub fn analyse(&mut self, signal: &[f32], start: isize, spectrum: &mut [Complex<f32>]) {
        // The part of the frame that lies within the signal: frame[lo..hi] is signal[start + lo..].
        let n = self.frame.len() as isize;
        let lo = (-start).clamp(0, n) as usize;
        let hi = (signal.len() as isize - start).clamp(lo as isize, n) as usize;
        self.frame[..lo].fill(0.0);
        self.frame[hi..].fill(0.0);
        if hi > lo {
            let inside = &signal[(start + lo as isize) as usize..][..hi - lo];
            for ((f, &x), &w) in self.frame[lo..hi].iter_mut().zip(inside).zip(&self.window[lo..hi]) {
                *f = if x.is_finite() { x * w } else { 0.0 };
            }
        }
        // The buffers come from this plan (the scratch is at least its length), so the lengths match.
        let ok = self.forward.process_with_scratch(&mut self.frame, spectrum, &mut self.scratch);
        debug_assert!(ok.is_ok(), "FFT buffers sized by the plan");
    }

    /// Inverse-transforms `spectrum` (used as scratch: its contents are lost), windows the frame and
    /// adds it into `out` from `start` (the parts before 0 or past the end are dropped). Realtime-safe.
    pub fn overlap_add(&mut self, spectrum: &mut [Complex<f32>], out: &mut [f32], start: isize) {
        // A real signal's spectrum has real DC and Nyquist bins; masking keeps them real, but the
        // inverse transform insists, so rounding is not allowed to say otherwise.
        if let Some(first) = spectrum.first_mut() {
            first.im = 0.0;
        }
        if let Some(last) = spectrum.last_mut() {
            last.im = 0.0;
        }
        let ok = self.inverse.process_with_scratch(spectrum, &mut self.frame, &mut self.scratch);
        debug_assert!(ok.is_ok(), "FFT buffers sized by the plan");
        let skip = usize::try_from(-start).unwrap_or(0).min(self.frame.len());
        let begin = usize::try_from(start).unwrap_or(0);
        if begin >= out.len() {
            return;
        }
        let frame = self.frame[skip..].iter().zip(&self.window[skip..]);
        for (o, (&x, &w)) in out[begin..].iter_mut().zip(frame) {
            *o += x * w * self.synthesis_scale;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unmasked_frames_rebuild_the_signal_exactly_away_from_nothing() {
        let n = 64;
        let hop = n / OVERLAP;
        let signal: Vec<f32> = (0..300).map(|i| ((i * 37) % 23) as f32 / 23.0 - 0.5).collect();
        let mut transform = FrameTransform::new(n);
        let mut spectrum = vec![Complex::default(); transform.num_bins()];
        let mut out = vec![0.0; signal.len()];
        // Frames from n - hop samples before the start until the last one that touches the end.
        let mut start = -((n - hop) as isize);
        while start < signal.len() as isize {
            transform.analyse(&signal, start, &mut spectrum);
            transform.overlap_add(&mut spectrum, &mut out, start);
            start += hop as isize;
        }
        let worst = signal.iter().zip(&out).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
        assert!(worst < 1e-5, "{worst}");
    }

    #[test]
    fn non_finite_samples_read_as_zero() {
        let mut transform = FrameTransform::new(16);
        let mut spectrum = vec![Complex::new(1.0, 1.0); transform.num_bins()];
        transform.analyse(&[f32::NAN, f32::INFINITY], 0, &mut spectrum);
        assert!(spectrum.iter().all(|c| c.re == 0.0 && c.im == 0.0));
    }
}
