//! `Separator`: harmonic / percussive / residual separation streamed over a source, frame by frame.
//!
//! Each frame's spectrum is taken once per channel; the masks come from the channels' summed
//! magnitudes, so every channel gets the same masks and the layers stay phase-coherent. The
//! harmonic estimate of a frame is a percentile over the frames around it, so a frame is masked
//! `half_time_frames` frames after it was read: the separator keeps a ring of the magnitudes the
//! percentile spans and a ring of the spectra awaiting their masks, never the whole spectrogram,
//! so its memory is bounded whatever the source's length (only the layers it writes grow).
//! Harmonic and percussive layers are overlap-added as they are masked; the residual is the input
//! less both, so the three add up to the input exactly up to float rounding.

use realfft::num_complex::Complex;

use super::config::{Kernels, SeparationConfig};
use super::layer::Layers;
use super::masks::{median_across_frequency, SoftMasks};
use super::sorted_window::SortedWindows;
use super::stft::{FrameTransform, OVERLAP};
use crate::cancel::is_cancelled;
use crate::{CancelFlag, Error, Result};

/// Frames between two looks at the cancel flag (32 frames of 4096 at 44.1 kHz: 0.75 s of audio,
/// a few milliseconds of work).
const CANCEL_CHECK_FRAMES: usize = 32;

/// Magnitudes below this count as zero, so near-silence never turns into denormals in the masks.
const MIN_MAGNITUDE: f32 = 1e-20;

/// Plans its FFTs once (realfft) and keeps its scratch: separating many sources allocates only the
/// output (and nothing at all through [`Separator::separate_into`] once the output has the shape).
pub struct Separator {
    config: SeparationConfig,
    transform: FrameTransform,
    /// Each channel's spectra of the frames awaiting their masks: `channel * ring + slot` spectra of
    /// `num_bins` each, `ring = half_time_frames + 1`.
    spectra: Vec<Complex<f32>>,
    /// The summed magnitudes of the frames the harmonic percentile spans, plus the one leaving it:
    /// `time_frames + 1` frames of `num_bins`.
    magnitudes: Vec<f32>,
    /// Per bin, the magnitudes within the harmonic span, sorted.
    time_windows: SortedWindows,
    /// Scratch of the median across frequency.
    freq_window: SortedWindows,
    /// The masked frame's percussive estimate, per bin.
    percussive_estimate: Vec<f32>,
    harmonic_mask: Vec<f32>,
    percussive_mask: Vec<f32>,
    /// A spectrum being masked (the inverse FFT uses it as scratch).
    masked: Vec<Complex<f32>>,
}

impl std::fmt::Debug for Separator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Separator").field("config", &self.config).finish_non_exhaustive()
    }
}

impl Separator {
    /// A separator with `config`'s settings (values out of range are clamped into it: call
    /// [`SeparationConfig::validate`] first to report them). Plans the FFTs. Not realtime-safe: allocates.
    pub fn new(config: &SeparationConfig) -> Self {
        let fft_size = config.kernels(crate::ENGINE_SAMPLE_RATE_HZ).fft_size;
        Self {
            config: config.clone(),
            transform: FrameTransform::new(fft_size),
            spectra: Vec::new(),
            magnitudes: Vec::new(),
            time_windows: SortedWindows::default(),
            freq_window: SortedWindows::default(),
            percussive_estimate: Vec::new(),
            harmonic_mask: Vec::new(),
            percussive_mask: Vec::new(),
            masked: Vec::new(),
        }
    }

    /// The settings it separates with.
    pub fn config(&self) -> &SeparationConfig {
        &self.config
    }

    /// Separates `channels` (planar, at `sample_rate_hz`) into harmonic, percussive and residual
    /// layers of the same shape. `Err(Error::Cancelled)` when `cancel` is raised (it is checked every
    /// few dozen frames). Not realtime-safe: allocates the layers.
    pub fn separate(&mut self, channels: &[Vec<f32>], sample_rate_hz: u32, cancel: Option<&CancelFlag>) -> Result<Layers> {
        let mut layers = Layers::default();
        self.separate_into(channels, sample_rate_hz, cancel, &mut layers)?;
        Ok(layers)
    }

    /// [`Separator::separate`] into `layers`, reusing their allocations: a source of the shape
    /// `layers` already has (and of a sample rate seen before) allocates nothing. On cancel,
    /// `layers` holds partial results. Not realtime-safe: allocates when a layer must grow.
    pub fn separate_into(
        &mut self,
        channels: &[Vec<f32>],
        sample_rate_hz: u32,
        cancel: Option<&CancelFlag>,
        layers: &mut Layers,
    ) -> Result<()> {
        self.run(None, channels, sample_rate_hz, cancel, layers)
    }

    /// Separates `channels` with the masks that `guide` gives (instead of their own), each channel
    /// masked alike. Masks are linear, so guiding with a mix and separating its parts shows exactly
    /// which share of each part each layer took: the parts' layers add up to the mix's layers. The
    /// layers have the shape of `channels`. Not realtime-safe: allocates the layers.
    pub fn separate_guided(
        &mut self,
        guide: &[Vec<f32>],
        channels: &[Vec<f32>],
        sample_rate_hz: u32,
        cancel: Option<&CancelFlag>,
    ) -> Result<Layers> {
        let mut layers = Layers::default();
        self.run(Some(guide), channels, sample_rate_hz, cancel, &mut layers)?;
        Ok(layers)
    }

    /// Separates `channels` with the masks of `guide`, or of `channels` themselves.
    fn run(
        &mut self,
        guide: Option<&[Vec<f32>]>,
        channels: &[Vec<f32>],
        sample_rate_hz: u32,
        cancel: Option<&CancelFlag>,
        layers: &mut Layers,
    ) -> Result<()> {
        layers.reset_to(channels.iter().map(Vec::len));
        let len = channels.iter().chain(guide.unwrap_or_default()).map(Vec::len).max().unwrap_or(0);
        if len == 0 {
            return Ok(());
        }
        let kernels = self.config.kernels(sample_rate_hz);
        self.prepare(&kernels, channels.len());
        let (fft_size, hop) = (kernels.fft_size, kernels.hop_size);
        debug_assert_eq!(hop * OVERLAP, fft_size);
        let half = kernels.half_time_frames();
        // Frame j starts at j * hop - (fft_size - hop): the first frames reach back before the
        // start and the last ones past the end, so every sample is covered by OVERLAP frames.
        let num_frames = (len - 1 + fft_size - hop) / hop + 1;
        let masks = SoftMasks::new(kernels.margin, kernels.mask_power);
        for step in 0..num_frames + half {
            if step % CANCEL_CHECK_FRAMES == 0 && is_cancelled(cancel) {
                return Err(Error::Cancelled);
            }
            // The frame masked at this step is `step - half`, and its span is `step - 2 half ..= step`:
            // frame `step` enters the spans as the one before that span leaves them.
            let leaving = step.checked_sub(2 * half + 1);
            if step < num_frames {
                self.read_frame(guide, channels, step, leaving, &kernels);
            } else if let Some(leaving) = leaving {
                self.forget_frame(leaving, &kernels);
            }
            if let Some(centre) = step.checked_sub(half) {
                self.write_frame(centre, &kernels, &masks, layers);
            }
        }
        for (c, channel) in channels.iter().enumerate() {
            let parts = layers.harmonic[c].iter().zip(&layers.percussive[c]);
            for ((r, &x), (h, p)) in layers.residual[c].iter_mut().zip(channel).zip(parts) {
                *r = if x.is_finite() { x } else { 0.0 } - h - p;
            }
        }
        Ok(())
    }

    /// Values of scratch it holds (rings, spans, masks; a complex value counts as two): bounded by
    /// the settings and the channel count, whatever the length of the sources separated.
    pub fn scratch_len(&self) -> usize {
        let complex = self.spectra.capacity() + self.masked.capacity();
        let real = [&self.magnitudes, &self.percussive_estimate, &self.harmonic_mask, &self.percussive_mask]
            .iter()
            .map(|v| v.capacity())
            .sum::<usize>();
        2 * complex + real + self.time_windows.allocated() + self.freq_window.allocated()
    }

    /// Sizes the rings and scratch for `kernels` and `num_channels`: allocates only when they grow.
    fn prepare(&mut self, kernels: &Kernels, num_channels: usize) {
        let bins = kernels.num_bins();
        debug_assert_eq!(bins, self.transform.num_bins());
        let spectra_ring = kernels.half_time_frames() + 1;
        self.spectra.clear();
        self.spectra.resize(num_channels * spectra_ring * bins, Complex::default());
        self.magnitudes.clear();
        self.magnitudes.resize((kernels.time_frames + 1) * bins, 0.0);
        self.time_windows.reset(bins, kernels.time_frames);
        for buffer in [&mut self.percussive_estimate, &mut self.harmonic_mask, &mut self.percussive_mask] {
            buffer.clear();
            buffer.resize(bins, 0.0);
        }
        self.masked.clear();
        self.masked.resize(bins, Complex::default());
    }

    /// Reads frame `j`: each channel's spectrum into the spectra ring, the summed magnitudes of the
    /// channels (or of the guide's) into the magnitude ring and into each bin's harmonic span, in
    /// place of frame `leaving`'s.
    fn read_frame(&mut self, guide: Option<&[Vec<f32>]>, channels: &[Vec<f32>], j: usize, leaving: Option<usize>, kernels: &Kernels) {
        let bins = kernels.num_bins();
        let ring = kernels.half_time_frames() + 1;
        let start = frame_start(j, kernels);
        let slot = (j % (kernels.time_frames + 1)) * bins;
        let magnitudes = &mut self.magnitudes[slot..][..bins];
        magnitudes.fill(0.0);
        for (c, channel) in channels.iter().enumerate() {
            let spectrum = &mut self.spectra[(c * ring + j % ring) * bins..][..bins];
            self.transform.analyse(channel, start, spectrum);
            if guide.is_none() {
                add_magnitudes(spectrum, magnitudes);
            }
        }
        for channel in guide.unwrap_or_default() {
            self.transform.analyse(channel, start, &mut self.masked);
            add_magnitudes(&self.masked, magnitudes);
        }
        for m in magnitudes.iter_mut() {
            if *m < MIN_MAGNITUDE {
                *m = 0.0;
            }
        }
        let entering = &self.magnitudes[slot..][..bins];
        match leaving {
            Some(leaving) => {
                let leaving = &self.magnitudes[(leaving % (kernels.time_frames + 1)) * bins..][..bins];
                for (bin, (&old, &new)) in leaving.iter().zip(entering).enumerate() {
                    self.time_windows.replace(bin, old, new);
                }
            }
            None => {
                for (bin, &new) in entering.iter().enumerate() {
                    self.time_windows.insert(bin, new);
                }
            }
        }
    }

    /// Takes frame `j`'s magnitudes out of the harmonic spans.
    fn forget_frame(&mut self, j: usize, kernels: &Kernels) {
        let bins = kernels.num_bins();
        let magnitudes = &self.magnitudes[(j % (kernels.time_frames + 1)) * bins..][..bins];
        for (bin, &m) in magnitudes.iter().enumerate() {
            self.time_windows.remove(bin, m);
        }
    }

    /// Masks frame `j` and overlap-adds its harmonic and percussive parts into `layers`.
    fn write_frame(&mut self, j: usize, kernels: &Kernels, masks: &SoftMasks, layers: &mut Layers) {
        let bins = kernels.num_bins();
        let ring = kernels.half_time_frames() + 1;
        let magnitudes = &self.magnitudes[(j % (kernels.time_frames + 1)) * bins..][..bins];
        median_across_frequency(magnitudes, kernels.freq_bins, &mut self.freq_window, &mut self.percussive_estimate);
        for bin in 0..bins {
            let h = self.time_windows.quantile(bin, kernels.harmonic_quantile);
            let (harmonic, percussive) = masks.split(h, self.percussive_estimate[bin]);
            self.harmonic_mask[bin] = harmonic;
            self.percussive_mask[bin] = percussive;
        }
        let start = frame_start(j, kernels);
        for c in 0..layers.harmonic.len() {
            let spectrum = &self.spectra[(c * ring + j % ring) * bins..][..bins];
            for (mask, out) in [(&self.harmonic_mask, &mut layers.harmonic[c]), (&self.percussive_mask, &mut layers.percussive[c])] {
                for ((m, &x), &g) in self.masked.iter_mut().zip(spectrum).zip(mask.iter()) {
                    *m = x * g;
                }
                self.transform.overlap_add(&mut self.masked, out, start);
            }
        }
    }
}

/// Adds the magnitudes of `spectrum` into `sums`.
fn add_magnitudes(spectrum: &[Complex<f32>], sums: &mut [f32]) {
    for (m, x) in sums.iter_mut().zip(spectrum) {
        // Not `norm()`: its overflow-safe `hypot` is a libm call per bin, and FFT bins of audio are
        // nowhere near overflowing a square.
        *m += (x.re * x.re + x.im * x.im).sqrt();
    }
}

/// First sample of frame `j` (negative for the frames that reach back before the start).
fn frame_start(j: usize, kernels: &Kernels) -> isize {
    (j * kernels.hop_size) as isize - (kernels.fft_size - kernels.hop_size) as isize
}

/// Separates `channels` with a new [`Separator`] after checking `config`.
pub fn separate(
    channels: &[Vec<f32>],
    sample_rate_hz: u32,
    config: &SeparationConfig,
    cancel: Option<&CancelFlag>,
) -> Result<Layers> {
    config.validate()?;
    Separator::new(config).separate(channels, sample_rate_hz, cancel)
}
