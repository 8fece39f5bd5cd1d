//! `Analysis`: the per-frame features of one STFT pass over a source, and what is derived from them.

use super::bands::NUM_ACCENT_REGIONS;
use super::cepstrum::NUM_CEPSTRA;
use crate::{Error, Result};

/// Smallest FFT length the analysis accepts, samples.
pub const MIN_FFT_SIZE: usize = 256;
/// Largest FFT length the analysis accepts, samples.
pub const MAX_FFT_SIZE: usize = 65_536;

/// STFT settings of the analysis pass. One pass per source; no later stage recomputes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnalysisConfig {
    /// FFT length, samples (power of two).
    pub fft_size: usize,
    /// Hop between frames, samples.
    pub hop_size: usize,
}

impl Default for AnalysisConfig {
    fn default() -> Self {
        Self {
            fft_size: 2048,
            hop_size: 512,
        }
    }
}

impl AnalysisConfig {
    /// Checks the settings: `fft_size` a power of two in `MIN_FFT_SIZE..=MAX_FFT_SIZE`, `hop_size` in
    /// `1..=fft_size`. Front ends call this on user settings to report them as errors.
    pub fn validate(&self) -> Result<()> {
        if !self.fft_size.is_power_of_two() || !(MIN_FFT_SIZE..=MAX_FFT_SIZE).contains(&self.fft_size) {
            return Err(Error::InvalidSetting {
                key: "analysis.fft_size".into(),
                value: self.fft_size.to_string(),
                expected: format!("a power of two from {MIN_FFT_SIZE} to {MAX_FFT_SIZE}"),
            });
        }
        if self.hop_size == 0 || self.hop_size > self.fft_size {
            return Err(Error::InvalidSetting {
                key: "analysis.hop_size".into(),
                value: self.hop_size.to_string(),
                expected: format!("1 to fft_size ({})", self.fft_size),
            });
        }
        Ok(())
    }

    /// The nearest valid settings: `fft_size` rounded up to a power of two and clamped to
    /// `MIN_FFT_SIZE..=MAX_FFT_SIZE`, `hop_size` clamped to `1..=fft_size`. Valid settings are
    /// returned unchanged. The analyser uses this, so it never fails on settings.
    pub fn sanitised(&self) -> Self {
        let fft_size = self.fft_size.clamp(MIN_FFT_SIZE, MAX_FFT_SIZE).next_power_of_two();
        Self {
            fft_size,
            hop_size: self.hop_size.clamp(1, fft_size),
        }
    }
}

/// Per-frame features, structure-of-arrays: every `Vec` has one entry per frame.
///
/// Frame `i` covers samples `i * hop_size .. i * hop_size + fft_size` of the mono mix (the last
/// frames are zero-padded).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrameFeatures {
    /// RMS level of the frame's samples, dBFS (floored at [`SILENCE_DB`](crate::rt::db::SILENCE_DB), -120).
    pub rms_db: Vec<f32>,
    /// Largest absolute sample in the frame, linear.
    pub peak: Vec<f32>,
    /// Peak / RMS, linear (1 for silence).
    pub crest: Vec<f32>,
    /// Mean of the frame's samples (DC offset), linear.
    pub dc: Vec<f32>,
    /// Fraction of the frame's samples at or above 0.999 in magnitude, 0..1.
    pub clip_ratio: Vec<f32>,
    /// Spectral centroid, Hz.
    pub centroid_hz: Vec<f32>,
    /// Spectral flatness (geometric / arithmetic mean of the power spectrum between `FLATNESS_MIN_HZ`
    /// and `FLATNESS_MAX_HZ`), 0..1: about 0.56 for white noise, near 0 for a sine, 0 for silence.
    pub flatness: Vec<f32>,
    /// Level of the "air" band ([`AIR_MIN_HZ`]..[`AIR_MAX_HZ`]: cymbals, hats, breath, room and
    /// tape noise above the notes of most instruments), dBFS of a full-scale sine (floored at -120).
    pub air_db: Vec<f32>,
    /// Power-spectrum flatness within the air band, 0..1: noise there (a cymbal's wash, a hat, room
    /// tone) is flat even when the full band is dominated by an orchestra; the harmonics of strings
    /// or brass that reach it are not (0.03-0.05 on real orchestral music, 0.1-0.3 on real drums).
    pub air_flatness: Vec<f32>,
    /// Positive spectral flux of log-magnitudes against the previous frame (onset strength), >= 0:
    /// mean over sixth-octave bands of the rise of `ln(1 + 1000 m)`. Frame 0 is measured against
    /// silence; frames whose window runs past the end of the signal read 0.
    pub flux: Vec<f32>,
    /// The same flux over the bands of each accent region (`ACCENT_REGION_EDGES_HZ`: below 150 Hz,
    /// 150-500 Hz, 500 Hz-3 kHz, above 3 kHz), so the tempo stage can tell kick, snare and hat
    /// accents apart. Same units as `flux`.
    pub accent_flux: Vec<[f32; NUM_ACCENT_REGIONS]>,
    /// Chroma: spectral-peak magnitude per pitch class (C = 0 .. B = 11) from peaks between
    /// `CHROMA_MIN_HZ` and `CHROMA_MAX_HZ`, after removing the source's tuning offset; normalised to sum 1
    /// (all zero for frames without tonal peaks, such as silence).
    pub chroma: Vec<[f32; 12]>,
    /// Bass chroma: the part of `chroma` that comes from peaks below `BASS_CHROMA_MAX_HZ` (bass lines
    /// and low roots), on the same scale, so it sums to the frame's bass share, 0..1.
    pub bass_chroma: Vec<[f32; 12]>,
    /// Key chroma: pitch-class profile from a high-resolution transform (`KEY_FFT_SIZE` points after
    /// decimation by `DECIMATION`, bins `KEY_CHROMA_MIN_HZ`..`KEY_CHROMA_MAX_HZ`, tuning removed) that
    /// tells low notes a semitone apart, normalised to sum 1 (all zero for silence). Its frames are
    /// longer than the pass's: each pass frame holds the key frame centred nearest to it.
    pub key_chroma: Vec<[f32; 12]>,
    /// Spectral envelope: coefficients 1..=[`NUM_CEPSTRA`] of the cepstrum of the compressed
    /// sixth-octave band levels the flux is measured on (see `cepstrum.rs`); gain-independent above
    /// about -60 dBFS.
    pub cepstrum: Vec<[f32; NUM_CEPSTRA]>,
}

/// Everything one analysis pass knows about a source.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub config: AnalysisConfig,
    /// Sample rate of the analysed signal, Hz.
    pub sample_rate_hz: u32,
    /// Number of samples analysed.
    pub num_samples: usize,
    pub features: FrameFeatures,
    /// Peak-picked onsets, as frame indices, ascending. An onset at frame `i` means the attack lies in
    /// the later half of that frame's window (log-compressed flux rises as soon as energy enters it).
    pub onsets: Vec<usize>,
    /// Tuning of the source against A4 = 440 Hz, cents (-50..50): the magnitude-weighted circular mean
    /// of the spectral peaks' deviation from the equal-tempered grid. Chroma is computed after removing it.
    pub tuning_cents: f32,
}

impl Analysis {
    /// Number of frames.
    pub fn num_frames(&self) -> usize {
        self.features.rms_db.len()
    }

    /// Frames per second.
    pub fn frame_rate_hz(&self) -> f32 {
        self.sample_rate_hz as f32 / self.config.hop_size as f32
    }

    /// The first sample of frame `frame`.
    pub fn frame_to_sample(&self, frame: usize) -> usize {
        frame * self.config.hop_size
    }

    /// The frame whose hop contains sample `sample`.
    pub fn sample_to_frame(&self, sample: usize) -> usize {
        sample / self.config.hop_size.max(1)
    }

    /// Duration of the analysed signal, seconds.
    pub fn duration_sec(&self) -> f64 {
        self.num_samples as f64 / f64::from(self.sample_rate_hz.max(1))
    }
}

impl FrameFeatures {
    /// The features of frames `frames` only (as if the analysis had covered just that span).
    pub fn frames(&self, frames: std::ops::Range<usize>) -> FrameFeatures {
        FrameFeatures {
            rms_db: self.rms_db[frames.clone()].to_vec(),
            peak: self.peak[frames.clone()].to_vec(),
            crest: self.crest[frames.clone()].to_vec(),
            dc: self.dc[frames.clone()].to_vec(),
            clip_ratio: self.clip_ratio[frames.clone()].to_vec(),
            centroid_hz: self.centroid_hz[frames.clone()].to_vec(),
            flatness: self.flatness[frames.clone()].to_vec(),
            air_db: self.air_db[frames.clone()].to_vec(),
            air_flatness: self.air_flatness[frames.clone()].to_vec(),
            flux: self.flux[frames.clone()].to_vec(),
            accent_flux: self.accent_flux[frames.clone()].to_vec(),
            chroma: self.chroma[frames.clone()].to_vec(),
            bass_chroma: self.bass_chroma[frames.clone()].to_vec(),
            key_chroma: self.key_chroma[frames.clone()].to_vec(),
            cepstrum: self.cepstrum[frames].to_vec(),
        }
    }
}
