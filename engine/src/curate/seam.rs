//! Loop-seam metrics: how audible the wrap from a file's last sample to its first is.
//!
//! Both metrics are defined in `docs/QUALITY.md` ("Loop seam"): the seam flux ratio (positive
//! spectral flux of the frame across the wrap over the median frame-to-frame flux inside the
//! file, Hann 1024-point magnitude spectra, hop 256) and the wrap step (the sample step at the
//! wrap over the 99th percentile of the file's inner sample steps).

use crate::rt::math;
use crate::source::mix_to_mono;
use realfft::{RealFftPlanner, RealToComplex};
use std::sync::Arc;

/// FFT length of the seam spectra, samples.
pub const SEAM_FFT_SIZE: usize = 1024;
/// Hop between seam spectra, samples.
pub const SEAM_HOP_SIZE: usize = 256;
/// Samples before the wrap that the two seam frames read (half a frame plus a hop).
pub const SEAM_SAMPLES_BEFORE_WRAP: usize = SEAM_FFT_SIZE / 2 + SEAM_HOP_SIZE;
/// Samples after the wrap that the seam frame reads (half a frame).
pub const SEAM_SAMPLES_AFTER_WRAP: usize = SEAM_FFT_SIZE / 2;

/// How visible a loop's wrap point is, measured on the mono mix treated as a loop.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SeamMetrics {
    /// Positive spectral flux of the frame centred on the wrap (against the frame one hop
    /// earlier) divided by the median inner flux. About 1 for an invisible seam; a click or a
    /// timbre jump gives several times that. 1 for silence.
    pub flux_ratio: f32,
    /// |x[last] - x[first]| divided by the 99th percentile of |x[n+1] - x[n]| inside the file.
    /// At most 1 means the wrap is no bigger a step than nearly every step inside. 0 for silence.
    pub wrap_step: f32,
}

/// Measures seams with one planned FFT and reusable scratch. Not realtime-safe: allocates.
pub struct SeamMeter {
    fft: Arc<dyn RealToComplex<f32>>,
    window: Vec<f32>,
    frame: Vec<f32>,
    spectrum: Vec<realfft::num_complex::Complex<f32>>,
    scratch: Vec<realfft::num_complex::Complex<f32>>,
    previous_mag: Vec<f32>,
    current_mag: Vec<f32>,
}

impl std::fmt::Debug for SeamMeter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SeamMeter").field("fft_size", &SEAM_FFT_SIZE).finish()
    }
}

impl Default for SeamMeter {
    fn default() -> Self {
        Self::new()
    }
}

impl SeamMeter {
    /// Plans the 1024-point FFT and sizes the scratch buffers. Not realtime-safe: allocates.
    pub fn new() -> Self {
        let fft = RealFftPlanner::<f32>::new().plan_fft_forward(SEAM_FFT_SIZE);
        let window = (0..SEAM_FFT_SIZE)
            .map(|n| {
                let phase = std::f64::consts::TAU * n as f64 / SEAM_FFT_SIZE as f64;
                (0.5 - 0.5 * math::cos(phase)) as f32
            })
            .collect();
        let num_bins = SEAM_FFT_SIZE / 2 + 1;
        Self {
            frame: fft.make_input_vec(),
            spectrum: fft.make_output_vec(),
            scratch: fft.make_scratch_vec(),
            fft,
            window,
            previous_mag: vec![0.0; num_bins],
            current_mag: vec![0.0; num_bins],
        }
    }

    /// Measures the seam of planar `channels` (mixed to mono) treated as a loop.
    /// Not realtime-safe: allocates.
    pub fn measure(&mut self, channels: &[Vec<f32>]) -> SeamMetrics {
        let mono = mix_to_mono(channels);
        self.measure_mono(&mono)
    }

    /// Measures the seam of a mono signal treated as a loop. Not realtime-safe: allocates.
    pub fn measure_mono(&mut self, mono: &[f32]) -> SeamMetrics {
        let len = mono.len();
        if len < 2 {
            return SeamMetrics { flux_ratio: 1.0, wrap_step: 0.0 };
        }
        SeamMetrics { flux_ratio: self.flux_ratio(mono), wrap_step: wrap_step(mono) }
    }

    fn flux_ratio(&mut self, mono: &[f32]) -> f32 {
        let len = mono.len();
        // Inner frames lie wholly inside the file. A file too short for two of them is measured
        // on frames read around the loop (still excluding the pair across the wrap).
        let inner_starts: Vec<usize> = if len >= SEAM_FFT_SIZE + SEAM_HOP_SIZE {
            (0..=(len - SEAM_FFT_SIZE) / SEAM_HOP_SIZE).map(|t| t * SEAM_HOP_SIZE).collect()
        } else {
            (0..len.div_ceil(SEAM_HOP_SIZE).max(2)).map(|t| t * SEAM_HOP_SIZE % len).collect()
        };
        let mut inner_flux = Vec::with_capacity(inner_starts.len());
        self.magnitudes_into_current(mono, inner_starts[0]);
        for &start in &inner_starts[1..] {
            std::mem::swap(&mut self.previous_mag, &mut self.current_mag);
            self.magnitudes_into_current(mono, start);
            inner_flux.push(positive_flux(&self.previous_mag, &self.current_mag));
        }
        let median = median(&mut inner_flux);

        // The frame centred on the wrap, and the one a hop earlier, read around the loop.
        let before = SEAM_SAMPLES_BEFORE_WRAP;
        let around: Vec<f32> =
            (0..before + SEAM_SAMPLES_AFTER_WRAP).map(|i| mono[(i + len - before % len) % len]).collect();
        let seam_flux = self.wrap_flux(&around);

        // A floor far below any audible flux keeps silence (0 / 0) at 1 instead of NaN.
        let floor = 1e-9_f32;
        (seam_flux + floor) / (median + floor)
    }

    /// Positive flux of the frame centred on a wrap against the frame a hop earlier, from the
    /// mono samples around it: `around` holds [`SEAM_SAMPLES_BEFORE_WRAP`] samples before the
    /// wrap and [`SEAM_SAMPLES_AFTER_WRAP`] after (read cyclically when shorter). Lets a seam
    /// search score candidate seams before building them. Not realtime-safe: may allocate.
    pub fn wrap_flux(&mut self, around: &[f32]) -> f32 {
        if around.is_empty() {
            return 0.0;
        }
        self.magnitudes_into_current(around, 0);
        std::mem::swap(&mut self.previous_mag, &mut self.current_mag);
        self.magnitudes_into_current(around, SEAM_HOP_SIZE);
        positive_flux(&self.previous_mag, &self.current_mag)
    }

    /// Windowed magnitude spectrum of the 1024 samples from `start`, read around the loop.
    fn magnitudes_into_current(&mut self, mono: &[f32], start: usize) {
        let len = mono.len();
        for (i, (x, w)) in self.frame.iter_mut().zip(&self.window).enumerate() {
            *x = mono[(start + i) % len] * w;
        }
        // The buffers were made by this plan, so their lengths always match.
        let result = self.fft.process_with_scratch(&mut self.frame, &mut self.spectrum, &mut self.scratch);
        debug_assert!(result.is_ok(), "seam FFT buffers sized by the plan");
        for (m, c) in self.current_mag.iter_mut().zip(&self.spectrum) {
            *m = math::hypot(c.re, c.im);
        }
    }
}

/// Seam metrics of planar `channels` (mixed to mono) treated as a loop, per `docs/QUALITY.md`.
/// Not realtime-safe: allocates (plans an FFT; keep a [`SeamMeter`] to measure many loops).
pub fn seam_metrics(channels: &[Vec<f32>]) -> SeamMetrics {
    SeamMeter::new().measure(channels)
}

/// sum(max(|X_t| - |X_{t-1}|, 0)).
fn positive_flux(previous: &[f32], current: &[f32]) -> f32 {
    previous.iter().zip(current).map(|(p, c)| (c - p).max(0.0)).sum()
}

/// |x[last] - x[first]| over the 99th percentile of the inner steps |x[n+1] - x[n]|.
fn wrap_step(mono: &[f32]) -> f32 {
    let step = (mono[mono.len() - 1] - mono[0]).abs();
    let mut steps: Vec<f32> = mono.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    let p99 = percentile(&mut steps, 0.99);
    let floor = 1e-9_f32;
    if step <= floor { 0.0 } else { step / p99.max(floor) }
}

/// Median by selection (mean of the two middle values for an even count); 0 when empty.
fn median(values: &mut [f32]) -> f32 {
    let n = values.len();
    if n == 0 {
        return 0.0;
    }
    let upper = *values.select_nth_unstable_by(n / 2, f32::total_cmp).1;
    if n % 2 == 1 {
        return upper;
    }
    let lower = values[..n / 2].iter().copied().fold(f32::NEG_INFINITY, f32::max);
    0.5 * (lower + upper)
}

/// The `q` quantile (0..1) by linear interpolation between closest ranks; 0 when empty.
pub(crate) fn percentile(values: &mut [f32], q: f32) -> f32 {
    let n = values.len();
    if n == 0 {
        return 0.0;
    }
    let rank = q.clamp(0.0, 1.0) * (n - 1) as f32;
    let below = rank.floor() as usize;
    let lower = *values.select_nth_unstable_by(below, f32::total_cmp).1;
    if below + 1 >= n {
        return lower;
    }
    let upper = values[below + 1..].iter().copied().fold(f32::INFINITY, f32::min);
    lower + (upper - lower) * (rank - below as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_percentile_of_small_sets() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(percentile(&mut [0.0, 10.0], 0.99), 9.9);
        let mut hundred: Vec<f32> = (0..=100).rev().map(|v| v as f32).collect();
        assert_eq!(percentile(&mut hundred, 0.99), 99.0);
    }

    #[test]
    fn silence_and_tiny_inputs_are_defined() {
        assert_eq!(seam_metrics(&[]), SeamMetrics { flux_ratio: 1.0, wrap_step: 0.0 });
        let m = seam_metrics(&[vec![0.0; 5000]]);
        assert_eq!(m, SeamMetrics { flux_ratio: 1.0, wrap_step: 0.0 });
        let short = seam_metrics(&[vec![0.1, -0.2, 0.3]]);
        assert!(short.flux_ratio.is_finite() && short.wrap_step.is_finite());
    }
}
