//! `Analyzer`: the one STFT pass ([`MagnitudeSpectrum`]: Hann window, realfft planned once) that
//! fills every per-frame feature, then picks onsets and folds chroma. Background thread; no later
//! stage recomputes an STFT.

use crate::rt::math;
use super::bands::{BandFlux, NUM_ACCENT_REGIONS};
use super::cepstrum::Cepstrum;
use super::chroma::ChromaPeaks;
use super::features::{Analysis, AnalysisConfig, FrameFeatures};
use super::key_chroma::KeyChroma;
use super::onsets::pick_onsets;
use super::spectrum::MagnitudeSpectrum;
use crate::rt::db::{amplitude_to_db, SILENCE_DB};

/// Samples at or above this magnitude count as clipped.
pub const CLIP_LEVEL: f32 = 0.999;
/// Floor of `rms_db`, dBFS: the level of silence.
pub const RMS_FLOOR_DB: f32 = SILENCE_DB;
/// Power below which a bin counts as empty for flatness (normalised units: a full-scale sine's peak
/// bin is 1), about -200 dB.
const POWER_FLOOR: f32 = 1e-20;
/// Lowest frequency in the flatness band, Hz.
pub const FLATNESS_MIN_HZ: f32 = 100.0;
/// Highest frequency in the flatness band, Hz. Flatness is measured over a fixed band below the
/// Nyquist frequency of every common source rate (11.025 kHz sources reach 5.5 kHz), so noise that
/// was recorded or stored band-limited (low-rate files, MP3's 16 kHz cut) still measures as noise:
/// over the full 44.1 kHz band its empty top would make it look tonal.
pub const FLATNESS_MAX_HZ: f32 = 5000.0;
/// Lowest frequency of the air band, Hz: above the fundamentals and most strong harmonics of
/// instruments and voices.
pub const AIR_MIN_HZ: f32 = 5000.0;
/// Highest frequency of the air band, Hz: below the 16 kHz cut of lossy encoders, so an MP3 of a
/// drum take still shows its air as noise.
pub const AIR_MAX_HZ: f32 = 15_000.0;

/// Runs analysis passes. Plans its FFT once and keeps every scratch buffer, so analysing many sources
/// with one `Analyzer` allocates only the output.
pub struct Analyzer {
    config: AnalysisConfig,
    /// Hann-windowed, `fft_size`-point magnitude spectra (a full-scale sine's peak bin reads 1).
    spectrum: MagnitudeSpectrum,
    /// The current frame's input samples (before windowing), `fft_size` long.
    segment: Vec<f32>,
    /// Sample rate the band and chroma layouts were made for, Hz.
    layout_rate_hz: u32,
    bands: BandFlux,
    /// The DCT basis for `bands`' band count.
    cepstrum: Cepstrum,
    peaks: ChromaPeaks,
    key_chroma: KeyChroma,
    /// Raised: the pass stops early (its result is cut short and should be thrown away).
    cancel: Option<crate::CancelFlag>,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Analyzer {
    /// Plans the FFT and sizes the scratch for `config` (made valid with
    /// [`AnalysisConfig::sanitised`]; check user settings with [`AnalysisConfig::validate`] first).
    /// Not realtime-safe: allocates.
    pub fn new(config: AnalysisConfig) -> Self {
        let config = config.sanitised();
        let n = config.fft_size;
        let rate = crate::ENGINE_SAMPLE_RATE_HZ;
        let bands = BandFlux::new(n, rate);
        Self {
            spectrum: MagnitudeSpectrum::new(n),
            segment: Vec::with_capacity(n),
            cepstrum: Cepstrum::new(bands.num_bands()),
            bands,
            peaks: ChromaPeaks::new(n, rate),
            key_chroma: KeyChroma::new(rate),
            layout_rate_hz: rate,
            cancel: None,
            config,
        }
    }

    /// Stop each analysis early once `flag` is raised (checked every 64 frames); the result is then
    /// cut short, so the caller checks the flag before using it.
    pub fn with_cancel(mut self, flag: crate::CancelFlag) -> Self {
        self.cancel = Some(flag);
        self
    }

    /// The settings this analyser uses (after sanitising).
    pub fn config(&self) -> AnalysisConfig {
        self.config
    }

    /// Analyses a mono signal at `sample_rate_hz` in one STFT pass. Non-finite samples count as zero;
    /// a zero sample rate counts as 1 Hz. Not realtime-safe: allocates.
    pub fn analyze(&mut self, mono: &[f32], sample_rate_hz: u32) -> Analysis {
        self.analyze_with(mono.len(), sample_rate_hz, |start, out| out.copy_from_slice(&mono[start..start + out.len()]))
    }

    /// Analyses the mono mix (mean) of planar `channels`, mixing one frame at a time, so a long
    /// stereo source never needs a whole mono copy. Gives the same result as [`Self::analyze`] of
    /// [`crate::source::mix_to_mono`]. Not realtime-safe: allocates.
    pub fn analyze_channels(&mut self, channels: &[Vec<f32>], sample_rate_hz: u32) -> Analysis {
        let len = channels.iter().map(Vec::len).min().unwrap_or(0);
        match channels {
            [] => self.analyze(&[], sample_rate_hz),
            [only] => self.analyze(only, sample_rate_hz),
            _ => {
                let scale = 1.0 / channels.len() as f32;
                self.analyze_with(len, sample_rate_hz, |start, out| {
                    for (i, o) in out.iter_mut().enumerate() {
                        *o = channels.iter().map(|c| c[start + i]).sum::<f32>() * scale;
                    }
                })
            }
        }
    }

    /// The pass itself over `num_samples` samples that `fill(start, out)` provides frame by frame.
    fn analyze_with(&mut self, num_samples: usize, sample_rate_hz: u32, mut fill: impl FnMut(usize, &mut [f32])) -> Analysis {
        let sample_rate_hz = sample_rate_hz.max(1);
        let AnalysisConfig { fft_size, hop_size } = self.config;
        if sample_rate_hz != self.layout_rate_hz {
            self.bands = BandFlux::new(fft_size, sample_rate_hz);
            self.cepstrum = Cepstrum::new(self.bands.num_bands());
            self.peaks = ChromaPeaks::new(fft_size, sample_rate_hz);
            self.key_chroma = KeyChroma::new(sample_rate_hz);
            self.layout_rate_hz = sample_rate_hz;
        }
        self.bands.reset();
        self.peaks.clear();
        self.key_chroma.reset();

        let num_frames = num_samples.div_ceil(hop_size);
        let mut segment_buf = std::mem::take(&mut self.segment);
        segment_buf.resize(fft_size, 0.0);
        let mut features = FrameFeatures {
            rms_db: Vec::with_capacity(num_frames),
            peak: Vec::with_capacity(num_frames),
            crest: Vec::with_capacity(num_frames),
            dc: Vec::with_capacity(num_frames),
            clip_ratio: Vec::with_capacity(num_frames),
            centroid_hz: Vec::with_capacity(num_frames),
            flatness: Vec::with_capacity(num_frames),
            air_db: Vec::with_capacity(num_frames),
            air_flatness: Vec::with_capacity(num_frames),
            flux: Vec::with_capacity(num_frames),
            accent_flux: Vec::with_capacity(num_frames),
            chroma: Vec::with_capacity(num_frames),
            bass_chroma: Vec::with_capacity(num_frames),
            key_chroma: Vec::with_capacity(num_frames),
            cepstrum: Vec::with_capacity(num_frames),
        };
        let bin_hz = sample_rate_hz as f32 / fft_size as f32;
        for i in 0..num_frames {
            if i % 64 == 0 && crate::cancel::is_cancelled(self.cancel.as_ref()) {
                break;
            }
            let start = i * hop_size;
            let segment = &mut segment_buf[..(start + fft_size).min(num_samples) - start];
            fill(start, segment);
            let segment = &*segment;
            // Each frame's first hop is new: the key transform sees every sample once, in order.
            self.key_chroma.push(&segment[..hop_size.min(segment.len())]);
            self.push_levels(segment, &mut features);
            self.spectrum.transform(segment);
            let (centroid_hz, flatness) = self.centroid_and_flatness(bin_hz);
            features.centroid_hz.push(centroid_hz);
            features.flatness.push(flatness);
            let (air_db, air_flatness) = self.band_level_and_flatness(bin_hz, AIR_MIN_HZ, AIR_MAX_HZ);
            features.air_db.push(air_db);
            features.air_flatness.push(air_flatness);
            // A window running past the end sees the cut as a broadband attack: its flux is 0.
            let (flux, accent_flux) = self.bands.next_fluxes(self.spectrum.magnitudes());
            let whole = segment.len() == fft_size || start == 0;
            features.flux.push(if whole { flux } else { 0.0 });
            features.accent_flux.push(if whole { accent_flux } else { [0.0; NUM_ACCENT_REGIONS] });
            features.cepstrum.push(self.cepstrum.coefficients(self.bands.levels()));
            self.peaks.push_frame(self.spectrum.magnitudes());
        }

        self.segment = segment_buf;
        let tuning_semitones = self.peaks.tuning_semitones();
        self.peaks
            .fold_into(tuning_semitones, &mut features.chroma, &mut features.bass_chroma);
        self.key_chroma.finish();
        let analysed_frames = features.rms_db.len();
        self.key_chroma
            .fold_into(tuning_semitones, analysed_frames, hop_size, fft_size, &mut features.key_chroma);
        let frame_rate_hz = sample_rate_hz as f32 / hop_size as f32;
        let onsets = pick_onsets(&features.flux, frame_rate_hz);
        Analysis {
            config: self.config,
            sample_rate_hz,
            num_samples,
            features,
            onsets,
            tuning_cents: 100.0 * tuning_semitones,
        }
    }

    /// Time-domain levels of one frame's samples (the zero padding past the end does not count).
    fn push_levels(&self, segment: &[f32], features: &mut FrameFeatures) {
        let (mut sum, mut sum_sq, mut peak, mut clipped) = (0.0f64, 0.0f64, 0.0f32, 0usize);
        for &x in segment {
            let x = if x.is_finite() { x } else { 0.0 };
            sum += f64::from(x);
            sum_sq += f64::from(x) * f64::from(x);
            peak = peak.max(x.abs());
            clipped += usize::from(x.abs() >= CLIP_LEVEL);
        }
        let len = segment.len().max(1) as f64;
        let rms = (sum_sq / len).sqrt() as f32;
        features.rms_db.push(amplitude_to_db(rms));
        features.peak.push(peak);
        features.crest.push(if rms > 0.0 { peak / rms } else { 1.0 });
        features.dc.push((sum / len) as f32);
        features.clip_ratio.push((clipped as f64 / len) as f32);
    }

    /// Level (dB of a full-scale sine; floored at [`RMS_FLOOR_DB`]) and power-spectrum flatness
    /// (0..1) of the current magnitudes between `lo_hz` and `hi_hz` (clamped below Nyquist).
    /// An empty band gives the floor and flatness 0.
    fn band_level_and_flatness(&self, bin_hz: f32, lo_hz: f32, hi_hz: f32) -> (f32, f32) {
        let (power_sum, flatness) = self.band_power_and_flatness(bin_hz, lo_hz, hi_hz);
        if power_sum <= POWER_FLOOR {
            return (RMS_FLOOR_DB, 0.0);
        }
        // Magnitudes are scaled so a full-scale sine's peak bin is 1: the band's power sum is then
        // in units of that sine's power (leakage into neighbour bins aside).
        (10.0 * math::log10(power_sum).max(RMS_FLOOR_DB / 10.0), flatness)
    }

    /// Summed power and power-spectrum flatness (geometric / arithmetic mean, 0..1; 0 for an empty
    /// band) of the current magnitudes between `lo_hz` and `hi_hz` (clamped below Nyquist).
    fn band_power_and_flatness(&self, bin_hz: f32, lo_hz: f32, hi_hz: f32) -> (f32, f32) {
        let magnitudes = self.spectrum.magnitudes();
        let last_bin = magnitudes.len() - 1;
        let lo = ((lo_hz / bin_hz).round() as usize).clamp(1, last_bin);
        let hi = ((hi_hz / bin_hz).round() as usize).min(last_bin).max(lo);
        let (mut power_sum, mut log_power_sum) = (0.0f32, 0.0f32);
        for &m in &magnitudes[lo..=hi] {
            let power = m * m;
            power_sum += power;
            log_power_sum += math::ln(power.max(POWER_FLOOR));
        }
        if power_sum <= POWER_FLOOR {
            return (power_sum, 0.0);
        }
        let count = (hi - lo + 1) as f32;
        (power_sum, (math::exp(log_power_sum / count) / (power_sum / count)).clamp(0.0, 1.0))
    }

    /// Magnitude-weighted spectral centroid (Hz, over bins 1..Nyquist, DC excluded) and power-spectrum
    /// flatness (0..1, over [`FLATNESS_MIN_HZ`]..[`FLATNESS_MAX_HZ`]) of the current magnitudes.
    /// Silence gives centroid 0 and flatness 0.
    fn centroid_and_flatness(&self, bin_hz: f32) -> (f32, f32) {
        let magnitudes = self.spectrum.magnitudes();
        let bins = &magnitudes[1..];
        let (mut weighted, mut total) = (0.0f32, 0.0f32);
        for (k, &m) in bins.iter().enumerate() {
            weighted += (k + 1) as f32 * m;
            total += m;
        }
        let (power_sum, flatness) = self.band_power_and_flatness(bin_hz, FLATNESS_MIN_HZ, FLATNESS_MAX_HZ);
        if total <= 0.0 || power_sum <= POWER_FLOOR {
            return (0.0, 0.0);
        }
        (weighted / total * bin_hz, flatness)
    }
}

/// Analyses `mono` at `sample_rate_hz` with a fresh [`Analyzer`] (plan a reusable one for many
/// sources). Not realtime-safe: allocates.
pub fn analyze(mono: &[f32], sample_rate_hz: u32, config: &AnalysisConfig) -> Analysis {
    Analyzer::new(*config).analyze(mono, sample_rate_hz)
}

#[cfg(test)]
mod channel_tests {
    use super::*;

    #[test]
    fn analysing_channels_equals_analysing_their_mix() {
        let left: Vec<f32> = (0..20_000).map(|i| math::sin(i as f32 * 0.031) * 0.5).collect();
        let right: Vec<f32> = (0..20_000).map(|i| math::sin(i as f32 * 0.017) * 0.3).collect();
        let channels = vec![left, right];
        let mut analyzer = Analyzer::new(AnalysisConfig::default());
        let from_mix = analyzer.analyze(&crate::source::mix_to_mono(&channels), 44_100);
        let from_channels = analyzer.analyze_channels(&channels, 44_100);
        assert_eq!(from_mix, from_channels);
    }
}
