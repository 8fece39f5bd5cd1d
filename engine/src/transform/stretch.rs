//! Phase-vocoder time stretch with identity phase locking (Laroche & Dolson, "Improved phase
//! vocoder time-scale modification of audio", IEEE Trans. Speech and Audio Processing 7(3), 1999).
//!
//! Each synthesis frame sits a fixed hop after the previous one; its analysis frame is read from
//! the input at `synthesis position / factor`. Spectral peaks (a bin louder than both
//! neighbours) get a new phase from their measured instantaneous frequency; every
//! other bin is locked to the peak whose region of influence it lies in, keeping the phase
//! relation to that peak it had in the input. This is what keeps pads and chords from the
//! "phasey", smeared sound of a plain phase vocoder.
//!
//! Multichannel audio shares one peak map and one set of phase rotations, derived from the
//! summed (mid) spectrum, so every channel is rotated by the same angle per bin and the
//! inter-channel phase differences, and with them the stereo image, survive the stretch.
//! Known limit: content that is nearly anti-phase between channels has a weak mid spectrum, so
//! its phase tracking is less accurate.

use crate::rt::math;
use crate::{Error, Result};
use realfft::num_complex::Complex;
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};
use std::f64::consts::{PI, TAU};
use std::sync::Arc;

/// Smallest stretch factor accepted (4x shorter).
pub const MIN_STRETCH_FACTOR: f64 = 0.25;
/// Largest stretch factor accepted (8x longer).
pub const MAX_STRETCH_FACTOR: f64 = 8.0;

/// Frame and hop sizes of the phase vocoder.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StretchConfig {
    /// FFT length, samples: a power of two from 256 to 65536.
    pub fft_size: usize,
    /// Hop between synthesis frames, samples: from 32 to `fft_size / 2`.
    pub synthesis_hop_samples: usize,
}

impl Default for StretchConfig {
    /// 4096 / 1024 (93 ms frames, 4x overlap): fine enough frequency resolution to resolve the
    /// partials of a low pad (10.8 Hz bins), short enough that slow swells do not smear.
    fn default() -> Self {
        Self {
            fft_size: 4096,
            synthesis_hop_samples: 1024,
        }
    }
}

/// A planned phase vocoder with all its scratch buffers. Not realtime-safe: allocates.
///
/// Plan once and reuse it for every excerpt: the FFT plans and buffers are kept between calls.
pub struct PhaseVocoder {
    config: StretchConfig,
    forward: Arc<dyn RealToComplex<f32>>,
    inverse: Arc<dyn ComplexToReal<f32>>,
    window: Vec<f32>,
    frame: Vec<f32>,
    fft_scratch: Vec<Complex<f32>>,
    /// Current analysis spectrum per channel.
    spectra: Vec<Vec<Complex<f32>>>,
    mid: Vec<Complex<f32>>,
    prev_mid: Vec<Complex<f32>>,
    /// Power summed over channels per bin (peak picking needs only its order, not its root).
    power: Vec<f32>,
    /// Phase rotation (synthesis minus analysis phase) per bin, radians, this and last frame.
    rotation: Vec<f64>,
    prev_rotation: Vec<f64>,
    unit_rotation: Vec<Complex<f32>>,
    peaks: Vec<usize>,
}

impl std::fmt::Debug for PhaseVocoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhaseVocoder")
            .field("config", &self.config)
            .finish()
    }
}

impl PhaseVocoder {
    /// Plans the FFTs and sizes the buffers. Not realtime-safe: allocates.
    pub fn new(config: StretchConfig) -> Result<Self> {
        let n = config.fft_size;
        if !n.is_power_of_two() || !(256..=65_536).contains(&n) {
            return Err(invalid(
                "fft_size",
                n as f64,
                "a power of two from 256 to 65536",
            ));
        }
        let hop = config.synthesis_hop_samples;
        if !(32..=n / 2).contains(&hop) {
            return Err(invalid(
                "synthesis_hop_samples",
                hop as f64,
                "32 to fft_size / 2",
            ));
        }
        let mut planner = RealFftPlanner::<f32>::new();
        let forward = planner.plan_fft_forward(n);
        let inverse = planner.plan_fft_inverse(n);
        let scratch_len = forward.get_scratch_len().max(inverse.get_scratch_len());
        let bins = n / 2 + 1;
        // Periodic Hann: with per-sample normalisation by the summed squared window, any hop up
        // to half the frame reconstructs exactly when nothing is modified.
        let window = (0..n)
            .map(|i| (0.5 - 0.5 * math::cos(TAU * i as f64 / n as f64)) as f32)
            .collect();
        Ok(Self {
            config,
            forward,
            inverse,
            window,
            frame: vec![0.0; n],
            fft_scratch: vec![Complex::default(); scratch_len],
            spectra: Vec::new(),
            mid: vec![Complex::default(); bins],
            prev_mid: vec![Complex::default(); bins],
            power: vec![0.0; bins],
            rotation: vec![0.0; bins],
            prev_rotation: vec![0.0; bins],
            unit_rotation: vec![Complex::new(1.0, 0.0); bins],
            peaks: Vec::with_capacity(bins / 2),
        })
    }

    /// The frame and hop sizes this vocoder was planned for.
    pub fn config(&self) -> StretchConfig {
        self.config
    }

    /// Stretches planar channels by `factor` (2.0 = twice as long). Every output channel is
    /// `round(len * factor)` samples, where `len` is the shortest input channel. Overlap-add
    /// weights count only the parts of frames that read real input, so the output keeps its level
    /// up to the first and last sample (within 0.1 dB on a steady tone).
    /// Non-finite input samples are read as zero. Not realtime-safe: allocates.
    pub fn stretch(&mut self, channels: &[Vec<f32>], factor: f64) -> Result<Vec<Vec<f32>>> {
        let len = channels.iter().map(Vec::len).min().unwrap_or(0);
        self.stretch_region(channels, 0, len, factor)
    }

    /// Stretches `num_frames` frames from `start_frame` of planar channels (an excerpt of a longer
    /// source) into `round(num_frames * factor)` frames per channel. The frames around the
    /// excerpt are read as context, so its ends sound as they do inside the source. The excerpt
    /// must lie inside the source.
    /// Not realtime-safe: allocates.
    pub fn stretch_region(
        &mut self,
        channels: &[Vec<f32>],
        start_frame: usize,
        num_frames: usize,
        factor: f64,
    ) -> Result<Vec<Vec<f32>>> {
        let source_len = channels.iter().map(Vec::len).min().unwrap_or(0);
        if start_frame.saturating_add(num_frames) > source_len {
            return Err(Error::InvalidSetting {
                key: "stretch excerpt".to_owned(),
                value: format!(
                    "frames {start_frame}..{}",
                    start_frame.saturating_add(num_frames)
                ),
                expected: format!("an excerpt inside the source's {source_len} frames"),
            });
        }
        let slices: Vec<&[f32]> = channels.iter().map(Vec::as_slice).collect();
        self.stretch_slices(&slices, start_frame as i64, num_frames, factor)
    }

    /// Stretches one channel by `factor`. Not realtime-safe: allocates.
    pub fn stretch_mono(&mut self, input: &[f32], factor: f64) -> Result<Vec<f32>> {
        let mut out = self.stretch_slices(&[input], 0, input.len(), factor)?;
        // One channel in gives exactly one channel out.
        Ok(out
            .pop()
            .expect("one input channel gives one output channel"))
    }

    /// The stretch of input frames `start .. start + num_frames` (`start` may be negative).
    pub(super) fn stretch_slices(
        &mut self,
        channels: &[&[f32]],
        start: i64,
        num_frames: usize,
        factor: f64,
    ) -> Result<Vec<Vec<f32>>> {
        if !factor.is_finite() || !(MIN_STRETCH_FACTOR..=MAX_STRETCH_FACTOR).contains(&factor) {
            return Err(invalid(
                "stretch factor",
                factor,
                &format!("a number from {MIN_STRETCH_FACTOR} to {MAX_STRETCH_FACTOR}"),
            ));
        }
        let source_len = channels.iter().map(|c| c.len()).min().unwrap_or(0);
        let len_out = (num_frames as f64 * factor).round() as usize;
        if source_len == 0 || num_frames == 0 {
            return Ok(vec![vec![0.0; len_out]; channels.len()]);
        }
        let n = self.config.fft_size;
        let half = n / 2;
        let hop_s = self.config.synthesis_hop_samples;
        let bins = n / 2 + 1;
        self.spectra
            .resize_with(channels.len(), || vec![Complex::default(); bins]);

        // Synthesis frame m is centred at output time m * hop - n: the first frames, before the
        // output starts, settle the phase trajectories on the context, so every output sample
        // gets the full overlap. Buffer index = output time + n + half.
        let offset = n + half;
        let num_synth_frames = (len_out + offset).div_ceil(hop_s);
        let buffer_len = (num_synth_frames - 1) * hop_s + n;
        let mut out = vec![vec![0.0f32; buffer_len]; channels.len()];
        let mut norm = vec![0.0f32; buffer_len];
        let mut prev_centre = 0i64;
        for frame_index in 0..num_synth_frames {
            let synth_time = (frame_index * hop_s) as f64 - n as f64;
            let analysis_centre = start + (synth_time / factor).round() as i64;
            for (ch, input) in channels.iter().enumerate() {
                self.analyse(&input[..source_len], analysis_centre, ch)?;
            }
            self.sum_mid();
            if frame_index == 0 {
                self.rotation.fill(0.0);
                self.unit_rotation.fill(Complex::new(1.0, 0.0));
            } else {
                self.lock_phases(analysis_centre - prev_centre);
            }
            let span = frame_index * hop_s..frame_index * hop_s + n;
            for (ch, out_ch) in out.iter_mut().enumerate() {
                self.synthesise(ch, &mut out_ch[span.clone()])?;
            }
            // Count only the part of the frame that read real input: near the source's ends the
            // frame holds zeros there, and the overlapping frames that did read audio carry it.
            let (lo, hi) = self.valid_span(analysis_centre, source_len);
            for (acc, w) in norm[span][lo..hi].iter_mut().zip(&self.window[lo..hi]) {
                *acc += w * w;
            }
            std::mem::swap(&mut self.mid, &mut self.prev_mid);
            std::mem::swap(&mut self.rotation, &mut self.prev_rotation);
            prev_centre = analysis_centre;
        }
        let scale = 1.0 / n as f32;
        Ok(out
            .into_iter()
            .map(|ch| {
                ch[offset..offset + len_out]
                    .iter()
                    .zip(&norm[offset..offset + len_out])
                    // Every output sample maps inside the source, so frames around it read real
                    // input; the floor only guards against float underflow.
                    .map(|(x, w)| x * scale / w.max(1e-3))
                    .collect()
            })
            .collect())
    }

    /// Windows the input frame centred at `centre` (zeros outside the input) into `spectra[ch]`.
    fn analyse(&mut self, input: &[f32], centre: i64, ch: usize) -> Result<()> {
        let (lo, hi) = self.valid_span(centre, input.len());
        let start = centre - (self.config.fft_size / 2) as i64;
        self.frame.fill(0.0);
        if lo < hi {
            let src = &input[(start + lo as i64) as usize..(start + hi as i64) as usize];
            for ((f, w), &x) in self.frame[lo..hi]
                .iter_mut()
                .zip(&self.window[lo..hi])
                .zip(src)
            {
                *f = if x.is_finite() { x * w } else { 0.0 };
            }
        }
        self.forward
            .process_with_scratch(
                &mut self.frame,
                &mut self.spectra[ch],
                &mut self.fft_scratch,
            )
            .map_err(fft_error)
    }

    /// The indices `lo..hi` of the frame centred at `centre` that fall inside an input of
    /// `input_len` samples (empty when none do).
    fn valid_span(&self, centre: i64, input_len: usize) -> (usize, usize) {
        let n = self.config.fft_size as i64;
        let start = centre - n / 2;
        let lo = (-start).clamp(0, n);
        let hi = (input_len as i64 - start).clamp(lo, n);
        (lo as usize, hi as usize)
    }

    /// Sums the channel spectra into the mid spectrum and their powers into `power`.
    fn sum_mid(&mut self) {
        self.mid.fill(Complex::default());
        self.power.fill(0.0);
        for spectrum in &self.spectra {
            for ((m, mag), x) in self.mid.iter_mut().zip(self.power.iter_mut()).zip(spectrum) {
                *m += x;
                *mag += x.norm_sqr();
            }
        }
    }

    /// Finds the peaks of `power` and sets `rotation` and `unit_rotation` for every bin from
    /// its region's peak.
    fn lock_phases(&mut self, analysis_hop: i64) {
        let n = self.config.fft_size as f64;
        let hop_s = self.config.synthesis_hop_samples as f64;
        let mag = &self.power;
        let bins = mag.len();
        // Peaks more than 120 dB below the loudest bin are numerical noise.
        let floor = mag.iter().fold(0.0f32, |m, &v| m.max(v)) * 1e-12;
        self.peaks.clear();
        for k in 1..bins - 1 {
            let v = mag[k];
            if v > floor && v > mag[k - 1] && v >= mag[k + 1] {
                self.peaks.push(k);
            }
        }
        if self.peaks.is_empty() {
            // Nothing to track (silence): keep the trajectories as they were.
            self.rotation.copy_from_slice(&self.prev_rotation);
            for (u, r) in self.unit_rotation.iter_mut().zip(&self.rotation) {
                *u = Complex::new(math::cos(*r) as f32, math::sin(*r) as f32);
            }
            return;
        }
        let mut region_start = 0usize;
        for (j, &p) in self.peaks.iter().enumerate() {
            let region_end = match self.peaks.get(j + 1) {
                // The region boundary is the quietest bin between two peaks.
                Some(&next) => (p..next)
                    .min_by(|&a, &b| mag[a].total_cmp(&mag[b]))
                    .unwrap_or(p),
                None => bins - 1,
            };
            let phase = f64::from(math::atan2(self.mid[p].im, self.mid[p].re));
            let prev_phase = f64::from(math::atan2(self.prev_mid[p].im, self.prev_mid[p].re));
            let rotation = if analysis_hop > 0 {
                let ha = analysis_hop as f64;
                let expected = TAU * p as f64 * ha / n;
                let deviation = wrap_phase(phase - prev_phase - expected);
                let advance = (expected + deviation) * hop_s / ha;
                wrap_phase(prev_phase + self.prev_rotation[p] + advance - phase)
            } else {
                // The analysis frame did not move (extreme factors): advance at the bin centre.
                wrap_phase(self.prev_rotation[p] + TAU * p as f64 * hop_s / n)
            };
            self.rotation[region_start..=region_end].fill(rotation);
            let (sin, cos) = math::sin_cos(rotation);
            let unit = Complex::new(cos as f32, sin as f32);
            self.unit_rotation[region_start..=region_end].fill(unit);
            region_start = region_end + 1;
        }
    }

    /// Rotates channel `ch`'s spectrum, inverse-transforms and overlap-adds it into `out`.
    fn synthesise(&mut self, ch: usize, out: &mut [f32]) -> Result<()> {
        let spectrum = &mut self.spectra[ch];
        let last = spectrum.len() - 1;
        for (x, r) in spectrum
            .iter_mut()
            .zip(&self.unit_rotation)
            .take(last)
            .skip(1)
        {
            *x *= r;
        }
        // DC and Nyquist stay real (unrotated) as a real signal's spectrum requires.
        spectrum[0].im = 0.0;
        spectrum[last].im = 0.0;
        self.inverse
            .process_with_scratch(spectrum, &mut self.frame, &mut self.fft_scratch)
            .map_err(fft_error)?;
        for ((o, y), w) in out.iter_mut().zip(&self.frame).zip(&self.window) {
            *o += y * w;
        }
        Ok(())
    }
}

/// Stretches one channel with the default 4096/1024 vocoder (planned for this call; keep a
/// [`PhaseVocoder`] to stretch many excerpts). Output length is `round(len * factor)`.
/// Not realtime-safe: allocates.
pub fn time_stretch(input: &[f32], factor: f64) -> Result<Vec<f32>> {
    PhaseVocoder::new(StretchConfig::default())?.stretch_mono(input, factor)
}

/// Wraps a phase to -pi..pi.
fn wrap_phase(x: f64) -> f64 {
    x - TAU * ((x + PI) / TAU).floor()
}

fn invalid(key: &str, value: f64, expected: &str) -> Error {
    Error::InvalidSetting {
        key: key.to_owned(),
        value: value.to_string(),
        expected: expected.to_owned(),
    }
}

fn fft_error(e: realfft::FftError) -> Error {
    // Buffer sizes are fixed by `new`, so this only reports a broken invariant, never bad input.
    Error::InvalidSetting {
        key: "phase vocoder buffers".to_owned(),
        value: e.to_string(),
        expected: "buffers sized by PhaseVocoder::new".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_factor_reconstructs_the_input() {
        let x = fixtures::white_noise(0.5, 20_000, 3);
        let y = time_stretch(&x, 1.0).unwrap();
        assert_eq!(y.len(), x.len());
        let err = x
            .iter()
            .zip(&y)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(err < 1e-4, "max error {err}");
    }

    #[test]
    fn bad_factors_are_errors() {
        let x = vec![0.0; 100];
        for f in [0.0, -1.0, f64::NAN, f64::INFINITY, 100.0] {
            assert!(time_stretch(&x, f).is_err(), "factor {f}");
        }
        assert!(
            PhaseVocoder::new(StretchConfig {
                fft_size: 1000,
                synthesis_hop_samples: 250
            })
            .is_err()
        );
    }

    #[test]
    fn empty_and_short_inputs() {
        assert!(time_stretch(&[], 2.0).unwrap().is_empty());
        assert_eq!(time_stretch(&[0.5; 7], 2.0).unwrap().len(), 14);
        assert_eq!(time_stretch(&[0.5; 7], 0.5).unwrap().len(), 4);
    }

    #[test]
    fn phase_wrapping() {
        for x in [-10.0, -PI, 0.0, 3.0, 7.0, 100.0] {
            let w = wrap_phase(x);
            assert!((-PI..PI).contains(&w));
            assert!(((x - w) / TAU - ((x - w) / TAU).round()).abs() < 1e-9);
        }
    }
}
