//! Noisy-region mining for hiss: windows whose spectrum is flat (noise, room tone) or bright
//! (cymbals, hats, breath), or whose air band alone is noise (the cymbals, hats and room above an
//! orchestra or a band: real drum recordings, where the full band is tonal), gated on level and
//! clipping, ranked by noisiness. The hiss made from a region keeps only its `[hiss]` band, so the
//! air is what is heard.

use super::setting::{check_ordered, check_range, WindowSettings};
use super::windows::{select_round_robin, window_lengths_samples, window_starts, window_stats, WindowStats};
use super::Region;
use crate::analysis::Analysis;
use crate::rt::db::SILENCE_DB;
use crate::Result;

/// The hiss miner's settings (`[hiss]` section keys).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HissMinerConfig {
    /// Mean spectral flatness from which a window counts as noise, 0..=1 (power-spectrum
    /// flatness: white noise is about 0.56, pink noise and room tone 0.1-0.3, tones below 0.05).
    pub min_flatness: f32,
    /// Mean spectral centroid from which a window counts as bright noise, Hz (0..=22050).
    pub min_centroid_hz: f32,
    /// Mean flatness within the air band (5-15 kHz) from which a window's air counts as noise, 0..=1
    /// (real drum takes under an orchestra: 0.1-0.3; orchestral music alone: 0.03-0.05).
    pub min_air_flatness: f32,
    /// Quietest air-band level at which the air counts, dBFS (-120..=0).
    pub min_air_db: f32,
    /// Quietest window level accepted, dBFS (-120..=0).
    pub min_rms_db: f32,
    /// Loudest window level accepted, dBFS (-120..=0).
    pub max_rms_db: f32,
    /// Largest mean fraction of clipped samples accepted, 0..=1.
    pub max_clip_ratio: f32,
    /// Shortest region, seconds: used when the source is too short for every target duration.
    pub min_duration_sec: f32,
    /// Longest region, seconds.
    pub max_duration_sec: f32,
    /// Region lengths searched, seconds, each within min_duration_sec..=max_duration_sec.
    pub target_durations_sec: Vec<f32>,
    /// Most regions kept per source (0..=1000).
    pub max_candidates_per_file: usize,
    /// Step between window starts, seconds (0.01..=60).
    pub window_hop_sec: f32,
    /// Largest share of the shorter of two kept regions they may have in common, 0..=1.
    pub max_overlap_ratio: f32,
}

impl Default for HissMinerConfig {
    fn default() -> Self {
        Self {
            min_flatness: 0.08,
            min_centroid_hz: 3000.0,
            min_air_flatness: 0.12,
            min_air_db: -70.0,
            min_rms_db: -60.0,
            max_rms_db: 0.0,
            max_clip_ratio: 0.001,
            min_duration_sec: 0.5,
            max_duration_sec: 12.0,
            target_durations_sec: vec![2.0],
            max_candidates_per_file: 2,
            window_hop_sec: 0.5,
            max_overlap_ratio: 0.5,
        }
    }
}

impl HissMinerConfig {
    /// Checks every key, naming the first bad one (as `hiss_miner.<key>`), its value and the allowed range.
    pub fn validate(&self) -> Result<()> {
        let key = |k: &str| format!("hiss_miner.{k}");
        check_range(&key("min_flatness"), self.min_flatness, 0.0, 1.0)?;
        check_range(&key("min_centroid_hz"), self.min_centroid_hz, 0.0, 22_050.0)?;
        check_range(&key("min_air_flatness"), self.min_air_flatness, 0.0, 1.0)?;
        check_range(&key("min_air_db"), self.min_air_db, SILENCE_DB, 0.0)?;
        check_range(&key("min_rms_db"), self.min_rms_db, SILENCE_DB, 0.0)?;
        check_range(&key("max_rms_db"), self.max_rms_db, SILENCE_DB, 0.0)?;
        check_ordered(&key("min_rms_db"), self.min_rms_db, &key("max_rms_db"), self.max_rms_db)?;
        check_range(&key("max_clip_ratio"), self.max_clip_ratio, 0.0, 1.0)?;
        WindowSettings {
            min_duration_sec: self.min_duration_sec,
            max_duration_sec: self.max_duration_sec,
            target_durations_sec: &self.target_durations_sec,
            max_candidates_per_file: self.max_candidates_per_file,
            window_hop_sec: self.window_hop_sec,
            max_overlap_ratio: self.max_overlap_ratio,
        }
        .validate(key)
    }
}

/// Finds up to `config.max_candidates_per_file` noisy regions (flat and/or bright), best first.
/// An invalid config (see [`HissMinerConfig::validate`]) finds nothing. Not realtime-safe: allocates.
pub fn find_noisy_regions(analysis: &Analysis, config: &HissMinerConfig) -> Vec<Region> {
    if config.validate().is_err() || analysis.num_frames() == 0 {
        return Vec::new();
    }
    let sr = analysis.sample_rate_hz;
    let lengths = window_lengths_samples(
        &config.target_durations_sec,
        config.min_duration_sec,
        config.max_duration_sec,
        analysis.num_samples,
        sr,
    );
    let hop = ((config.window_hop_sec * sr as f32).round() as usize).max(1);
    let per_length = lengths
        .iter()
        .map(|&len| {
            window_starts(analysis.num_samples, len, hop)
                .filter_map(|start| {
                    let stats = window_stats(analysis, start, len)?;
                    let score = noisiness(&stats, config);
                    let level_ok = (config.min_rms_db..=config.max_rms_db).contains(&stats.rms_db);
                    (level_ok && stats.clip_ratio <= config.max_clip_ratio && score >= 0.5)
                        .then(|| (Region::from_window(start, len, score, &stats), ()))
                })
                .collect()
        })
        .collect();
    select_round_robin(per_length, config.max_candidates_per_file, config.max_overlap_ratio, |_, _| false)
}

/// Noisiness in 0..1: half the largest of flatness / min_flatness, centroid / min_centroid_hz and
/// (when the air band is at least `min_air_db`) air flatness / min_air_flatness, each capped at 2,
/// times a level-steadiness term (6 dB of frame-level spread halves it). At least 0.5 (before the
/// steadiness term) means the window passes one of the three thresholds.
fn noisiness(s: &WindowStats, c: &HissMinerConfig) -> f32 {
    let flat = (s.flatness / c.min_flatness.max(1e-6)).min(2.0);
    let bright = (s.centroid_hz / c.min_centroid_hz.max(1.0)).min(2.0);
    let air = if s.air_db >= c.min_air_db { (s.air_flatness / c.min_air_flatness.max(1e-6)).min(2.0) } else { 0.0 };
    let steady = 1.0 / (1.0 + s.rms_std_db / 6.0);
    let noise = 0.5 * flat.max(bright).max(air);
    if noise < 0.5 { noise } else { 0.5 + (noise - 0.5) * steady }
}
