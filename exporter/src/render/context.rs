//! `SourceContext`: what every texture maker knows about one source after decoding and analysis.

use crate::kind::Kind;
use crate::config::Config;
use engine::analysis::key::{Key, KeyEstimate};
use engine::analysis::tempo::TempoEstimate;
use engine::analysis::Analysis;
use engine::mining::Region;
use engine::separate::{Layer, Layers};
use engine::rt::rng::stream_seed;
use engine::source::SourceBuffer;

/// Below this key confidence the key is not shown in names or the manifest: the material has too
/// little tonal content for the estimate to mean anything.
pub const MIN_KEY_CONFIDENCE: f32 = 0.15;

/// One decoded and analysed source, shared read-only by the makers.
pub struct SourceContext<'a> {
    pub config: &'a Config,
    pub source: &'a SourceBuffer,
    pub analysis: &'a Analysis,
    /// The source's layers, when the pad miner separated it (a busy mix).
    pub layers: Option<&'a Layers>,
    /// The analysis of the percussive layer, when the source was separated.
    pub percussive_analysis: Option<&'a Analysis>,
    pub key: KeyEstimate,
    pub tempo: TempoEstimate,
    /// The run's master seed.
    pub seed: u64,
    /// The source's content hash as a number (for seeds).
    pub source_hash: u64,
    /// Semitones to move tonal material towards the target key, when one is set and the key is
    /// confident enough.
    pub transpose_semitones: Option<i32>,
    /// Why tonal material was not transposed, when a target key is set.
    pub transpose_note: Option<String>,
    /// Loop length grid (seconds per bar) when `musicality.snap_to_grid` is on and a tempo is known.
    pub bar_sec: Option<f64>,
}

impl<'a> SourceContext<'a> {
    /// The seed of texture `index` of `kind` from this source: (seed, source hash, kind, index).
    /// 63 bits, so it fits the signed integers of TOML recipes.
    pub fn texture_seed(&self, kind: Kind, index: usize) -> u64 {
        stream_seed(self.seed, &[self.source_hash, kind.stream_id(), index as u64]) >> 1
    }

    /// The manifest's `region_id` of `len_samples` from `start_sample` of this source: the first 8
    /// hex digits of the source hash, the start and the length in samples.
    pub fn region_id(&self, start_sample: usize, len_samples: usize) -> String {
        let hash = &self.source.provenance.content_hash;
        format!("{}-{start_sample}-{len_samples}", &hash[..hash.len().min(8)])
    }

    /// The `region_id` of a mined region: [`Self::region_id`], with `-<layer>` after it for a
    /// region of a layer (a mix region's id is as it always was).
    pub fn region_id_of(&self, region: &Region) -> String {
        let id = self.region_id(region.start_sample, region.len_samples);
        if region.layer.is_mix() { id } else { format!("{id}-{}", region.layer) }
    }

    /// Where drum material (one-shots, hiss, flickers) comes from: the percussive layer of a
    /// separated source, else the mix; with its analysis and its layer.
    pub fn drum_material(&self) -> (&'a [Vec<f32>], &'a Analysis, Layer) {
        match (self.layers, self.percussive_analysis) {
            (Some(layers), Some(analysis)) => (&layers.percussive, analysis, Layer::Percussive),
            _ => (&self.source.channels, self.analysis, Layer::Mix),
        }
    }

    /// The channels `region` is cut from: its layer's, or the source's own.
    pub fn channels_of(&self, region: &Region) -> &'a [Vec<f32>] {
        self.layers.and_then(|l| l.get(region.layer)).unwrap_or(&self.source.channels)
    }

    /// The key of this source, when detected with at least [`MIN_KEY_CONFIDENCE`].
    pub fn source_key(&self) -> Option<Key> {
        (self.key.confidence >= MIN_KEY_CONFIDENCE).then_some(self.key.key)
    }

    /// The key after moving by `semitones`.
    pub fn key_after(&self, semitones: i32) -> Option<Key> {
        self.source_key().map(|k| Key::new((i32::from(k.tonic) + semitones).rem_euclid(12) as u8, k.mode))
    }

    /// Sample rate of the source buffer (always the engine rate).
    pub fn sample_rate_hz(&self) -> u32 {
        self.source.sample_rate_hz
    }

    /// The nearest whole number of bars (from `musicality.bar_lengths`) to `len_sec`, in samples,
    /// never longer than `max_samples`; `None` without a grid.
    pub fn snap_len(&self, len_sec: f64, max_samples: usize) -> Option<usize> {
        let bar_sec = self.bar_sec?;
        let sr = f64::from(self.sample_rate_hz());
        self.config
            .musicality
            .bar_lengths
            .iter()
            .map(|&bars| (f64::from(bars) * bar_sec * sr).round() as usize)
            .filter(|&n| n > 0 && n <= max_samples)
            .min_by(|a, b| {
                let da = (*a as f64 / sr - len_sec).abs();
                let db = (*b as f64 / sr - len_sec).abs();
                da.total_cmp(&db)
            })
    }
}

/// Works out the transposition towards `target_key` and the note when it is not applied.
pub fn plan_transposition(config: &Config, key: &KeyEstimate) -> (Option<i32>, Option<String>) {
    let target = &config.musicality.target_key;
    if target.is_empty() {
        return (None, None);
    }
    let Some(target) = Key::parse(target) else {
        // Validation rejects unparsable keys before a render starts.
        return (None, None);
    };
    let threshold = config.musicality.key_confidence_threshold;
    if key.confidence < threshold {
        let note = format!(
            "key {} confidence {:.2} below {:.2}: not transposed to {}",
            key.key, key.confidence, threshold, target
        );
        return (None, Some(note));
    }
    (Some(engine::analysis::key::transpose_semitones(key.key, target)), None)
}

/// Seconds per bar for the loop grid, or `None` (with the reason) when the grid is off or no tempo is known.
pub fn plan_grid(config: &Config, tempo: &TempoEstimate) -> (Option<f64>, Option<String>) {
    let m = &config.musicality;
    if !m.snap_to_grid {
        return (None, None);
    }
    let bpm = if m.reference_bpm == "detect" { tempo.bpm } else { m.reference_bpm.parse::<f32>().ok() };
    match bpm {
        Some(bpm) if bpm > 0.0 => (Some(f64::from(m.beats_per_bar) * 60.0 / f64::from(bpm)), None),
        _ => (None, Some("no tempo detected: loops not snapped to bars".to_string())),
    }
}
