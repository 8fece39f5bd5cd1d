//! `Analysis`: the per-frame features of one STFT pass over a source, and what is derived from them.

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
        Self { fft_size: 2048, hop_size: 512 }
    }
}

/// Per-frame features, structure-of-arrays: every `Vec` has one entry per frame.
///
/// Frame `i` covers samples `i * hop_size .. i * hop_size + fft_size` of the mono mix (the last
/// frames are zero-padded).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrameFeatures {
    /// RMS level of the frame's samples, dBFS (floored at -120).
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
    /// Spectral flatness (geometric / arithmetic mean of the power spectrum), 0..1.
    pub flatness: Vec<f32>,
    /// Positive spectral flux of log-magnitudes against the previous frame (onset strength), >= 0.
    pub flux: Vec<f32>,
    /// Chroma: energy per pitch class (C = 0 .. B = 11), normalised to sum 1 (all zero for silence).
    pub chroma: Vec<[f32; 12]>,
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
    /// Peak-picked onsets, as frame indices, ascending.
    pub onsets: Vec<usize>,
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
        sample / self.config.hop_size
    }
}
