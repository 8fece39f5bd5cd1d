//! Measurements of a rendered file: levels (RMS, peak, crest factor, DC, clipping, non-finite
//! samples), the spectral centroid of all channels together, and a rough pitch by YIN
//! (de Cheveigne & Kawahara, "YIN, a fundamental frequency estimator for speech and music",
//! JASA 111(4), 2002).
//!
//! The centroid of a multichannel file comes from the magnitude spectra of every channel and
//! every frame summed into one long-term spectrum, so a stereo file with identical channels has
//! exactly the centroid of its mono version (the original tool mistook channels for frames and
//! wrote 8006 Hz for every stereo cloud).

use crate::rt::math;
use crate::rt::db::{amplitude_to_db, SILENCE_DB};
use realfft::num_complex::Complex;
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};
use std::sync::Arc;

/// FFT length of the centroid spectra, samples (21.5 Hz bins at 44.1 kHz).
const CENTROID_FFT_SIZE: usize = 2048;
/// Hop between centroid spectra, samples (Hann at 50 % overlap weights every sample alike).
const CENTROID_HOP: usize = 1024;
/// At most this many centroid frames per channel (about 48 s of back-to-back frames); longer
/// files are sampled evenly, which bounds the time a long source takes to measure.
const MAX_CENTROID_FRAMES: usize = 2048;
/// YIN integration window, samples.
const YIN_WINDOW: usize = 2048;
/// YIN correlation FFT length: holds the window plus the longest lag without wrap-around.
const YIN_FFT_SIZE: usize = 4096;
/// Lowest pitch YIN reports, Hz.
pub const MIN_PITCH_HZ: f32 = 40.0;
/// Highest pitch YIN reports, Hz.
pub const MAX_PITCH_HZ: f32 = 2000.0;
/// YIN's absolute threshold on the cumulative-mean-normalised difference: below it a lag is
/// taken as a period (the paper's 0.1 to 0.15).
const YIN_THRESHOLD: f32 = 0.15;
/// YIN looks at most this many frames, spread evenly over the file.
const YIN_MAX_FRAMES: usize = 48;
/// Frames quieter than this are unvoiced, dBFS RMS.
const YIN_SILENCE_DB: f32 = -60.0;

/// What [`measure`] reports about a rendered file.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurements {
    /// Number of channels measured.
    pub num_channels: usize,
    /// Frames (samples per channel) of the shortest channel.
    pub num_frames: usize,
    /// Duration, seconds.
    pub duration_sec: f64,
    /// RMS of all finite samples of all channels, dBFS (a full-scale sine is -3.01 dBFS), floored
    /// at [`SILENCE_DB`] (-120).
    pub rms_db: f32,
    /// Largest absolute finite sample, linear (1.0 = full scale).
    pub peak: f32,
    /// `peak` in dBFS, floored at [`SILENCE_DB`] (-120).
    pub peak_dbfs: f32,
    /// Peak / RMS, linear (a sine is 1.414, white noise about 1.7 to 4, a click train far more);
    /// 1 for silence.
    pub crest_factor: f32,
    /// Largest |mean| of any channel, linear.
    pub dc_offset: f32,
    /// Samples at or above full scale in magnitude.
    pub clipped_samples: usize,
    /// NaN or infinite samples (left out of every other number).
    pub non_finite: usize,
    /// Spectral centroid of the long-term magnitude spectrum of all channels, Hz (0 for silence).
    pub centroid_hz: f32,
    /// Median YIN pitch of the mono mix, Hz, when at least half of the frames are periodic;
    /// `None` for noise, silence and inharmonic material.
    pub est_pitch_hz: Option<f32>,
    /// For a pad cut from a separated source's harmonic layer: its level at the source's drum hits
    /// against its level between them, dB (see [`super::bleed`]); `None` otherwise. `measure`
    /// leaves it `None`: the caller who knows the hits fills it in.
    pub drum_bleed_db: Option<f32>,
}

/// Measures files with FFTs planned once. Not realtime-safe: allocates.
pub struct Meter {
    centroid_fft: Arc<dyn RealToComplex<f32>>,
    yin_forward: Arc<dyn RealToComplex<f32>>,
    yin_inverse: Arc<dyn ComplexToReal<f32>>,
    centroid_window: Vec<f32>,
    frame: Vec<f32>,
    spectrum: Vec<Complex<f32>>,
    yin_a: Vec<f32>,
    yin_b: Vec<f32>,
    yin_spec_a: Vec<Complex<f32>>,
    yin_spec_b: Vec<Complex<f32>>,
    yin_corr: Vec<f32>,
    scratch: Vec<Complex<f32>>,
}

impl std::fmt::Debug for Meter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Meter").finish_non_exhaustive()
    }
}

impl Default for Meter {
    fn default() -> Self {
        Self::new()
    }
}

impl Meter {
    /// Plans the FFTs and sizes the buffers. Not realtime-safe: allocates.
    pub fn new() -> Self {
        let mut planner = RealFftPlanner::<f32>::new();
        let centroid_fft = planner.plan_fft_forward(CENTROID_FFT_SIZE);
        let yin_forward = planner.plan_fft_forward(YIN_FFT_SIZE);
        let yin_inverse = planner.plan_fft_inverse(YIN_FFT_SIZE);
        let scratch_len = centroid_fft
            .get_scratch_len()
            .max(yin_forward.get_scratch_len())
            .max(yin_inverse.get_scratch_len());
        let n = CENTROID_FFT_SIZE;
        let centroid_window = (0..n)
            .map(|i| (0.5 - 0.5 * math::cos(std::f64::consts::TAU * i as f64 / n as f64)) as f32)
            .collect();
        Self {
            centroid_fft,
            yin_forward,
            yin_inverse,
            centroid_window,
            frame: vec![0.0; CENTROID_FFT_SIZE],
            spectrum: vec![Complex::default(); CENTROID_FFT_SIZE / 2 + 1],
            yin_a: vec![0.0; YIN_FFT_SIZE],
            yin_b: vec![0.0; YIN_FFT_SIZE],
            yin_spec_a: vec![Complex::default(); YIN_FFT_SIZE / 2 + 1],
            yin_spec_b: vec![Complex::default(); YIN_FFT_SIZE / 2 + 1],
            yin_corr: vec![0.0; YIN_FFT_SIZE],
            scratch: vec![Complex::default(); scratch_len],
        }
    }

    /// Measures planar channels at `sample_rate_hz`. Not realtime-safe: allocates.
    pub fn measure(&mut self, channels: &[Vec<f32>], sample_rate_hz: u32) -> Measurements {
        let num_frames = channels.iter().map(Vec::len).min().unwrap_or(0);
        let mut sum_sq = 0.0f64;
        let mut count = 0usize;
        let mut peak = 0.0f32;
        let mut dc_offset = 0.0f32;
        let mut clipped_samples = 0usize;
        let mut non_finite = 0usize;
        for ch in channels {
            let mut sum = 0.0f64;
            for &x in &ch[..num_frames] {
                if !x.is_finite() {
                    non_finite += 1;
                    continue;
                }
                sum += f64::from(x);
                sum_sq += f64::from(x) * f64::from(x);
                count += 1;
                peak = peak.max(x.abs());
                if x.abs() >= 1.0 {
                    clipped_samples += 1;
                }
            }
            if num_frames > 0 {
                dc_offset = dc_offset.max((sum / num_frames as f64).abs() as f32);
            }
        }
        let rms = if count > 0 {
            (sum_sq / count as f64).sqrt() as f32
        } else {
            0.0
        };
        let sample_rate = sample_rate_hz.max(1) as f32;
        Measurements {
            num_channels: channels.len(),
            num_frames,
            duration_sec: num_frames as f64 / f64::from(sample_rate_hz.max(1)),
            rms_db: amplitude_to_db(rms),
            peak,
            peak_dbfs: amplitude_to_db(peak),
            crest_factor: if rms > 0.0 && amplitude_to_db(rms) > SILENCE_DB {
                peak / rms
            } else {
                1.0
            },
            dc_offset,
            clipped_samples,
            non_finite,
            centroid_hz: self.centroid_hz(channels, num_frames, sample_rate),
            est_pitch_hz: self.pitch_hz(channels, num_frames, sample_rate),
            drum_bleed_db: None,
        }
    }

    /// Centroid of the magnitude spectra of every channel and frame summed together. Frames lie
    /// wholly inside the audio (the last one flush with its end), so no frame sees the cut at the
    /// end of the file as a broadband click; audio shorter than a frame is one frame with a Hann
    /// window of its own length.
    fn centroid_hz(&mut self, channels: &[Vec<f32>], num_frames: usize, sample_rate: f32) -> f32 {
        let n = CENTROID_FFT_SIZE;
        let bins = n / 2 + 1;
        let mut total = vec![0.0f64; bins];
        let (starts, window_len): (Vec<usize>, usize) = if num_frames >= n {
            let last = num_frames - n;
            // Long files (over about a minute): frames spread evenly instead of back to back.
            let hop = CENTROID_HOP.max(last.div_ceil(MAX_CENTROID_FRAMES));
            let mut starts: Vec<usize> = (0..=last).step_by(hop).collect();
            if starts.last() != Some(&last) {
                starts.push(last);
            }
            (starts, n)
        } else {
            (vec![0], num_frames)
        };
        if window_len < 2 {
            return 0.0;
        }
        let short_window =
            |i: usize| 0.5 - 0.5 * math::cos(std::f32::consts::TAU * i as f32 / window_len as f32);
        for ch in channels {
            for &start in &starts {
                for (i, f) in self.frame.iter_mut().enumerate() {
                    let w = if window_len == n {
                        self.centroid_window[i]
                    } else if i < window_len {
                        short_window(i)
                    } else {
                        0.0
                    };
                    let x = if i < window_len { ch[start + i] } else { 0.0 };
                    *f = if x.is_finite() { x * w } else { 0.0 };
                }
                if self
                    .centroid_fft
                    .process_with_scratch(&mut self.frame, &mut self.spectrum, &mut self.scratch)
                    .is_err()
                {
                    // Buffers are sized by `new` for this plan; a size error cannot occur.
                    continue;
                }
                for (t, s) in total.iter_mut().zip(&self.spectrum) {
                    *t += f64::from(math::hypot(s.re, s.im));
                }
            }
        }
        let bin_hz = f64::from(sample_rate) / n as f64;
        let weight: f64 = total.iter().sum();
        if weight <= 0.0 {
            return 0.0;
        }
        (total
            .iter()
            .enumerate()
            .map(|(k, m)| k as f64 * bin_hz * m)
            .sum::<f64>()
            / weight) as f32
    }

    /// Median YIN pitch over up to [`YIN_MAX_FRAMES`] frames of the mono mix, if most are
    /// periodic. Only the frames looked at are mixed, so a long source is never copied whole.
    fn pitch_hz(
        &mut self,
        channels: &[Vec<f32>],
        num_frames_in: usize,
        sample_rate: f32,
    ) -> Option<f32> {
        let max_lag =
            ((sample_rate / MIN_PITCH_HZ).ceil() as usize).min(YIN_FFT_SIZE - YIN_WINDOW - 1);
        let min_lag = ((sample_rate / MAX_PITCH_HZ).floor() as usize).max(2);
        let span = YIN_WINDOW + max_lag;
        if channels.is_empty() || num_frames_in < span || min_lag + 2 >= max_lag {
            return None;
        }
        let num_frames = ((num_frames_in - span) / YIN_WINDOW + 1).min(YIN_MAX_FRAMES);
        let stride = if num_frames > 1 {
            (num_frames_in - span) / (num_frames - 1)
        } else {
            0
        };
        let mut pitches = Vec::with_capacity(num_frames);
        let mut segment = vec![0.0f32; span];
        let scale = 1.0 / channels.len() as f32;
        for f in 0..num_frames {
            let start = f * stride;
            segment.fill(0.0);
            for ch in channels {
                for (m, &x) in segment.iter_mut().zip(&ch[start..start + span]) {
                    *m += x * scale;
                }
            }
            if let Some(lag) = self.yin_lag(&segment, min_lag, max_lag) {
                pitches.push(sample_rate / lag);
            }
        }
        if pitches.is_empty() || pitches.len() * 2 < num_frames {
            return None;
        }
        pitches.sort_by(f32::total_cmp);
        Some(pitches[pitches.len() / 2])
    }

    /// The period of `segment` in samples (fractional), or `None` when it is not periodic.
    fn yin_lag(&mut self, segment: &[f32], min_lag: usize, max_lag: usize) -> Option<f32> {
        let clean = |x: f32| if x.is_finite() { x } else { 0.0 };
        let energy: f64 = segment[..YIN_WINDOW]
            .iter()
            .map(|&x| f64::from(clean(x)).powi(2))
            .sum();
        if amplitude_to_db((energy / YIN_WINDOW as f64).sqrt() as f32) < YIN_SILENCE_DB {
            return None;
        }
        // r(tau) = sum_{j < W} x[j] x[j + tau], by FFT cross-correlation without wrap-around.
        self.yin_a.fill(0.0);
        self.yin_b.fill(0.0);
        for (i, &x) in segment.iter().enumerate() {
            self.yin_b[i] = clean(x);
        }
        self.yin_a[..YIN_WINDOW].copy_from_slice(&self.yin_b[..YIN_WINDOW]);
        let ok = self
            .yin_forward
            .process_with_scratch(&mut self.yin_a, &mut self.yin_spec_a, &mut self.scratch)
            .is_ok()
            && self
                .yin_forward
                .process_with_scratch(&mut self.yin_b, &mut self.yin_spec_b, &mut self.scratch)
                .is_ok();
        for (a, b) in self.yin_spec_a.iter_mut().zip(&self.yin_spec_b) {
            *a = a.conj() * b;
        }
        let last = self.yin_spec_a.len() - 1;
        self.yin_spec_a[0].im = 0.0;
        self.yin_spec_a[last].im = 0.0;
        if !ok
            || self
                .yin_inverse
                .process_with_scratch(&mut self.yin_spec_a, &mut self.yin_corr, &mut self.scratch)
                .is_err()
        {
            // Buffers are sized by `new` for these plans; a size error cannot occur.
            return None;
        }
        let scale = 1.0 / YIN_FFT_SIZE as f64;
        // d(tau) = E(0) + E(tau) - 2 r(tau), with E(tau) the energy of the window shifted by tau.
        let x = |i: usize| f64::from(clean(segment[i]));
        let e0 = energy;
        let mut e_tau = energy;
        let mut cumulative = 0.0f64;
        let mut cmnd = vec![1.0f32; max_lag + 1];
        for (tau, c) in cmnd.iter_mut().enumerate().skip(1) {
            e_tau += x(tau + YIN_WINDOW - 1).powi(2) - x(tau - 1).powi(2);
            let d = (e0 + e_tau - 2.0 * f64::from(self.yin_corr[tau]) * scale).max(0.0);
            cumulative += d;
            *c = if cumulative > 0.0 {
                (d * tau as f64 / cumulative) as f32
            } else {
                1.0
            };
        }
        let mut tau = min_lag;
        while tau < max_lag {
            if cmnd[tau] < YIN_THRESHOLD {
                while tau + 1 < max_lag && cmnd[tau + 1] < cmnd[tau] {
                    tau += 1;
                }
                // Parabolic interpolation around the minimum for a sub-sample period.
                let (a, b, c) = (cmnd[tau - 1], cmnd[tau], cmnd[tau + 1]);
                let denom = a - 2.0 * b + c;
                let offset = if denom.abs() > 1e-12 {
                    (0.5 * (a - c) / denom).clamp(-0.5, 0.5)
                } else {
                    0.0
                };
                return Some(tau as f32 + offset);
            }
            tau += 1;
        }
        None
    }
}

/// Measures planar channels with a [`Meter`] planned for this call. Not realtime-safe: allocates.
pub fn measure(channels: &[Vec<f32>], sample_rate_hz: u32) -> Measurements {
    Meter::new().measure(channels, sample_rate_hz)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_input_measures_as_silence() {
        let m = measure(&[], 44_100);
        assert_eq!(m.num_frames, 0);
        assert_eq!(m.rms_db, SILENCE_DB);
        assert_eq!(m.centroid_hz, 0.0);
        assert_eq!(m.est_pitch_hz, None);
        let m = measure(&[vec![0.0; 10]], 44_100);
        assert_eq!((m.crest_factor, m.peak_dbfs), (1.0, SILENCE_DB));
    }

    #[test]
    fn non_finite_samples_are_counted_and_ignored() {
        let mut x = vec![0.5f32; 1000];
        x[3] = f32::NAN;
        x[9] = f32::INFINITY;
        let m = measure(&[x], 44_100);
        assert_eq!(m.non_finite, 2);
        assert!((m.peak - 0.5).abs() < 1e-6);
        assert!(m.centroid_hz.is_finite());
    }
}
