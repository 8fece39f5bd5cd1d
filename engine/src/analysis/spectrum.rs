//! `MagnitudeSpectrum`: one STFT frame (periodic Hann window, realfft planned once) to magnitudes
//! scaled so a full-scale sine's peak bin reads 1. The analysis pass and the exporter's
//! spectrogram thumbnails share it. Background thread.

use crate::rt::math;
use std::sync::Arc;

use realfft::num_complex::Complex;
use realfft::{RealFftPlanner, RealToComplex};

/// A planned FFT with its window and scratch: transforming a frame allocates nothing.
pub struct MagnitudeSpectrum {
    fft: Arc<dyn RealToComplex<f32>>,
    /// Periodic Hann window, `fft_size` long.
    window: Vec<f32>,
    /// Scales FFT magnitudes so a full-scale sine's peak bin reads 1: 2 / sum(window).
    magnitude_scale: f32,
    frame: Vec<f32>,
    spectrum: Vec<Complex<f32>>,
    scratch: Vec<Complex<f32>>,
    /// `fft_size / 2 + 1` magnitudes of the last frame, linear.
    magnitudes: Vec<f32>,
}

impl std::fmt::Debug for MagnitudeSpectrum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MagnitudeSpectrum").field("fft_size", &self.fft_size()).finish_non_exhaustive()
    }
}

impl MagnitudeSpectrum {
    /// Plans an `fft_size`-point FFT (any length of at least 2; powers of two are fastest) and sizes
    /// every buffer. Not realtime-safe: allocates.
    pub fn new(fft_size: usize) -> Self {
        let n = fft_size.max(2);
        let fft = RealFftPlanner::<f32>::new().plan_fft_forward(n);
        let window: Vec<f32> = (0..n)
            .map(|i| {
                let s = math::sin(std::f32::consts::PI * i as f32 / n as f32);
                s * s
            })
            .collect();
        let magnitude_scale = 2.0 / window.iter().sum::<f32>();
        Self {
            frame: fft.make_input_vec(),
            spectrum: fft.make_output_vec(),
            scratch: fft.make_scratch_vec(),
            magnitudes: vec![0.0; n / 2 + 1],
            fft,
            window,
            magnitude_scale,
        }
    }

    /// FFT length, samples.
    pub fn fft_size(&self) -> usize {
        self.window.len()
    }

    /// Windows `segment` (at most `fft_size` samples are used; a shorter one is zero-padded;
    /// non-finite samples count as zero), transforms it and returns its `fft_size / 2 + 1`
    /// magnitudes, bin `k` at `k * sample_rate / fft_size` Hz. Realtime-safe.
    pub fn transform(&mut self, segment: &[f32]) -> &[f32] {
        let n = segment.len().min(self.frame.len());
        for ((f, &x), &w) in self.frame.iter_mut().zip(&segment[..n]).zip(&self.window) {
            *f = if x.is_finite() { x * w } else { 0.0 };
        }
        self.frame[n..].fill(0.0);
        // The buffers come from this plan's make_*_vec, so their lengths always match.
        let ok = self.fft.process_with_scratch(&mut self.frame, &mut self.spectrum, &mut self.scratch);
        debug_assert!(ok.is_ok(), "FFT buffers sized by the plan");
        for (m, c) in self.magnitudes.iter_mut().zip(&self.spectrum) {
            *m = (c.re * c.re + c.im * c.im).sqrt() * self.magnitude_scale;
        }
        &self.magnitudes
    }

    /// The magnitudes of the last [`Self::transform`] (all zero before the first). Realtime-safe.
    pub fn magnitudes(&self) -> &[f32] {
        &self.magnitudes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_scale_sine_on_a_bin_reads_one_there() {
        let n = 1024;
        let bin = 37;
        let sine: Vec<f32> = (0..n).map(|i| math::sin(std::f32::consts::TAU * (bin * i) as f32 / n as f32)).collect();
        let mut spectrum = MagnitudeSpectrum::new(n);
        let magnitudes = spectrum.transform(&sine);
        assert_eq!(magnitudes.len(), n / 2 + 1);
        assert!((magnitudes[bin] - 1.0).abs() < 1e-3, "{}", magnitudes[bin]);
        assert!(magnitudes[bin + 3] < 1e-3);
    }

    #[test]
    fn short_and_non_finite_input_is_zero_padded() {
        let mut spectrum = MagnitudeSpectrum::new(256);
        assert!(spectrum.transform(&[f32::NAN, f32::INFINITY]).iter().all(|&m| m == 0.0));
        assert!(spectrum.transform(&[]).iter().all(|&m| m == 0.0));
    }
}
