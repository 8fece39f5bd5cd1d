//! `Region`: a mined stretch of a source, in samples, with the window statistics it was chosen on.

use crate::separate::Layer;

/// A stretch of a source chosen by a miner, in samples of the analysed signal.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Region {
    /// First sample of the region.
    pub start_sample: usize,
    /// Length of the region, samples (> 0).
    pub len_samples: usize,
    /// Ranking score of the miner that found it, 0..1 (higher is better).
    pub score: f32,
    /// Mean level (power average of frame RMS), dBFS. Like the fields below, measured over the
    /// span the miner gated: for pads, the region plus the material its loop may use around it.
    pub rms_db: f32,
    /// Onsets per second.
    pub onset_rate_per_sec: f32,
    /// Mean spectral flatness, 0..1 (0 tonal, 1 white noise).
    pub flatness: f32,
    /// Mean spectral centroid, Hz.
    pub centroid_hz: f32,
    /// The part of the source it was mined from (the mix, unless the source was separated).
    #[serde(default, skip_serializing_if = "Layer::is_mix")]
    pub layer: Layer,
}

impl Region {
    /// A region known only by its span (score and statistics zero): for callers that choose the
    /// span themselves, such as recipes and synthetic material.
    pub fn span(start_sample: usize, len_samples: usize) -> Self {
        Self {
            start_sample,
            len_samples,
            score: 0.0,
            rms_db: 0.0,
            onset_rate_per_sec: 0.0,
            flatness: 0.0,
            centroid_hz: 0.0,
            layer: Layer::Mix,
        }
    }

    /// One past the last sample.
    pub fn end_sample(&self) -> usize {
        self.start_sample + self.len_samples
    }

    /// Samples shared with `other`.
    pub fn overlap_samples(&self, other: &Region) -> usize {
        let start = self.start_sample.max(other.start_sample);
        let end = self.end_sample().min(other.end_sample());
        end.saturating_sub(start)
    }

    /// Shared samples as a fraction of the shorter region, 0..1.
    pub fn overlap_ratio(&self, other: &Region) -> f32 {
        let shorter = self.len_samples.min(other.len_samples).max(1);
        self.overlap_samples(other) as f32 / shorter as f32
    }

    /// Start in seconds at `sample_rate_hz`.
    pub fn start_sec(&self, sample_rate_hz: u32) -> f64 {
        self.start_sample as f64 / f64::from(sample_rate_hz.max(1))
    }

    /// Duration in seconds at `sample_rate_hz`.
    pub fn duration_sec(&self, sample_rate_hz: u32) -> f64 {
        self.len_samples as f64 / f64::from(sample_rate_hz.max(1))
    }
}
