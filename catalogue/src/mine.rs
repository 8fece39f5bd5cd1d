//! Mining one file for the catalogue, on the same engine path as `afterglow render`: decode
//! (`engine::source::load`), analyse (`Analyzer::analyze_channels`), key and tempo, pads
//! (`mine_pads` with the `[pad_miner]` and `[separation]` settings: from the mix, and from the
//! harmonic layer of a busy mix), hiss regions (`find_noisy_regions`) and drum one-shots
//! (`find_oneshots` with the `[oneshots]` settings; both from the percussive layer of a separated
//! mix), and the audio fingerprint that recognises copies of the recording
//! (`engine::analysis::fingerprint`).

use engine::rt::math;
use crate::features::{oneshot_features, region_features, region_frames, FeatureVector};
use engine::analysis::fingerprint::fingerprint_until;
use engine::analysis::{
    estimate_key, estimate_tempo, Analysis, AnalysisConfig, Analyzer, Landmark, ANALYSIS_VERSION,
};
use engine::curate::{Brightness, BrightnessThresholds};
use engine::mining::{
    find_noisy_regions, find_oneshots_until, mine_pads, HissMinerConfig, OneShotConfig, PadMinerConfig, Region,
};
use engine::separate::{Layer, SeparationConfig};
use engine::source::{load, LoadOptions};
use engine::CancelFlag;
use std::path::Path;

/// Key estimates below this confidence are not stored as a key (same as the exporter's).
pub const MIN_KEY_CONFIDENCE: f32 = 0.15;

/// The settings a scan uses (from the config's `[pad_miner]`, `[hiss_miner]`, `[oneshots]` and
/// `[brightness_tags]`).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct MineSettings {
    pub pad_miner: PadMinerConfig,
    pub hiss_miner: HissMinerConfig,
    /// The one-shot miner's settings. Part of the fingerprint, so files catalogued before one-shots
    /// were are mined again by the next scan.
    pub oneshots: OneShotConfig,
    /// When and how a busy mix is split into layers (see `engine::separate`).
    pub separation: SeparationConfig,
    pub brightness_tags: BrightnessThresholds,
    /// Raised, a file being mined stops at its decoder's or analyser's next check (a few ms) and
    /// fails as cancelled, so a front end that is closing (the plugin's mining thread) never waits
    /// for a whole file. Not a setting: left out of the fingerprint.
    #[serde(skip)]
    pub cancel: Option<CancelFlag>,
}

impl MineSettings {
    /// A short hash of the settings and of the engine's [`ANALYSIS_VERSION`]: a file mined with other
    /// settings, or by a build whose analysis reads keys, tempi or features differently, is mined again.
    pub fn fingerprint(&self) -> String {
        self.fingerprint_for(ANALYSIS_VERSION)
    }

    fn fingerprint_for(&self, analysis_version: u32) -> String {
        // Serialising plain config structs to JSON cannot fail.
        let json = serde_json::to_string(self).expect("miner settings serialise");
        let features = crate::features::FEATURES_VERSION;
        engine::source::content_hash(format!("{json}\nanalysis {analysis_version}\nfeatures {features}").as_bytes())
    }
}

/// What a region is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionKind {
    /// A stable tonal region (the source of pads, drones, swells and clouds).
    Pad,
    /// A steady noisy region (the source of hiss).
    Hiss,
    /// A drum hit (a one-shot), with its class.
    OneShot,
}

impl RegionKind {
    /// The name stored in the `kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pad => "pad",
            Self::Hiss => "hiss",
            Self::OneShot => "oneshot",
        }
    }
}

/// One mined region with what the catalogue stores about it.
#[derive(Debug, Clone)]
pub struct MinedRegion {
    pub kind: RegionKind,
    pub region: Region,
    /// Key of the region's own material (short name, e.g. "Am"), when confident.
    pub key: Option<String>,
    pub key_confidence: f32,
    /// "dark", "mid" or "bright": the region's mean spectral centroid tagged with the
    /// `[brightness_tags]` thresholds, as render tags its files.
    pub brightness: &'static str,
    /// The aspect vector: [`region_features`] for pads and hiss, [`oneshot_features`] for one-shots
    /// (compared only within a kind).
    pub features: FeatureVector,
    /// A one-shot's drum class (`kick`, `snare`, `hat`, `perc`, `other`, as render names its files).
    pub hit_class: Option<&'static str>,
}

/// Everything a scan learns about one file.
#[derive(Debug, Clone)]
pub struct MinedFile {
    pub content_hash: String,
    pub container: String,
    pub codec: String,
    /// The file's own sample rate, Hz.
    pub sample_rate_hz: u32,
    pub num_channels: u16,
    /// Bits per sample of the file, where the format has one (PCM, FLAC).
    pub bits_per_sample: Option<u32>,
    pub duration_sec: f64,
    pub key: Option<String>,
    pub key_confidence: f32,
    pub bpm: Option<f32>,
    pub bpm_confidence: f32,
    /// Sample rate the regions' sample positions are in (the engine's), Hz.
    pub analysis_rate_hz: u32,
    pub regions: Vec<MinedRegion>,
    /// The audio fingerprint ([`engine::analysis::FINGERPRINT_VERSION`]).
    pub landmarks: Vec<Landmark>,
}

/// What a file's fingerprint pass alone learns (for files catalogued before fingerprints, or
/// with an older fingerprint version: their regions stay, only this is added).
#[derive(Debug, Clone)]
pub struct Fingerprinted {
    pub bits_per_sample: Option<u32>,
    pub landmarks: Vec<Landmark>,
}

/// Decodes `path` and computes its fingerprint only. A bad file is an error naming it.
pub fn fingerprint_file(path: &Path) -> crate::Result<Fingerprinted> {
    fingerprint_file_until(path, None)
}

/// [`fingerprint_file`] that fails as cancelled once `cancel` is raised (see [`MineSettings::cancel`]).
pub(crate) fn fingerprint_file_until(path: &Path, cancel: Option<&CancelFlag>) -> crate::Result<Fingerprinted> {
    let source = load(path, &load_options(cancel))?;
    let landmarks = fingerprint_until(&source.channels, source.sample_rate_hz, cancel).ok_or_else(|| cancelled(path))?;
    Ok(Fingerprinted { bits_per_sample: source.provenance.bits_per_sample, landmarks })
}

/// How the catalogue decodes: as render does, except that a file shorter than render's shortest
/// source (0.25 s) is kept: a drum sample (a closed hat of 0.1 s) is one one-shot, not a bad file.
fn load_options(cancel: Option<&CancelFlag>) -> LoadOptions {
    LoadOptions { min_duration_sec: 0.0, cancel: cancel.cloned(), ..LoadOptions::default() }
}

/// The error of a file whose mining was cancelled.
fn cancelled(path: &Path) -> crate::Error {
    engine::Error::Unusable { path: path.to_path_buf(), reason: String::from("mining was cancelled") }.into()
}

/// Decodes, analyses and mines `path`. A bad file is an error naming it, never a panic.
pub fn mine_file(path: &Path, settings: &MineSettings) -> crate::Result<MinedFile> {
    let source = load(path, &load_options(settings.cancel.as_ref()))?;
    let mut analyzer = Analyzer::new(AnalysisConfig::default());
    if let Some(cancel) = &settings.cancel {
        analyzer = analyzer.with_cancel(cancel.clone());
    }
    let analysis = analyzer.analyze_channels(&source.channels, source.sample_rate_hz);
    // A cancelled analysis stops early: its (partial) result is not stored.
    if settings.cancel.as_ref().is_some_and(CancelFlag::is_cancelled) {
        return Err(cancelled(path));
    }
    let key = estimate_key(&analysis);
    let tempo = estimate_tempo(&analysis);
    let mined = mine_pads(
        &source.channels,
        source.sample_rate_hz,
        &analysis,
        &settings.pad_miner,
        &settings.separation,
        usize::MAX,
        settings.cancel.as_ref(),
    )
    .map_err(|_| cancelled(path))?;
    // A separated mix's drum material comes from its percussive layer, as in `afterglow render`.
    let percussive = mined.layers.as_ref().map(|l| (&l.percussive, analyzer.analyze_channels(&l.percussive, source.sample_rate_hz)));
    if settings.cancel.as_ref().is_some_and(CancelFlag::is_cancelled) {
        return Err(cancelled(path));
    }
    let (drum_channels, drum_analysis, drum_layer) = match &percussive {
        Some((channels, analysis)) => (channels.as_slice(), analysis, Layer::Percussive),
        None => (source.channels.as_slice(), &analysis, Layer::Mix),
    };
    let mut regions = Vec::new();
    let hiss = find_noisy_regions(drum_analysis, &settings.hiss_miner).into_iter().map(|r| Region { layer: drum_layer, ..r });
    for (kind, found) in [(RegionKind::Pad, mined.regions.clone()), (RegionKind::Hiss, hiss.collect())] {
        for region in found {
            let analysis = match region.layer {
                Layer::Harmonic => mined.harmonic_analysis.as_ref().unwrap_or(&analysis),
                Layer::Percussive => drum_analysis,
                Layer::Mix | Layer::Residual => &analysis,
            };
            let (key, key_confidence) = match kind {
                RegionKind::Pad => {
                    let k = estimate_key(&sub_analysis(analysis, &region));
                    ((k.confidence >= MIN_KEY_CONFIDENCE).then(|| k.key.short_name()), k.confidence)
                }
                RegionKind::Hiss | RegionKind::OneShot => (None, 0.0),
            };
            regions.push(MinedRegion {
                kind,
                region,
                key,
                key_confidence,
                brightness: Brightness::from_centroid(region.centroid_hz, &settings.brightness_tags).name(),
                features: region_features(analysis, &region),
                hit_class: None,
            });
        }
    }
    let shots = find_oneshots_until(drum_channels, drum_analysis, &settings.oneshots, settings.cancel.as_ref()).ok_or_else(|| cancelled(path))?;
    for shot in shots {
        let f = &shot.features;
        let power = shot.channels.iter().flatten().map(|x| f64::from(*x).powi(2)).sum::<f64>()
            / (shot.len_samples * shot.channels.len()).max(1) as f64;
        let region = Region {
            score: shot.score,
            rms_db: (10.0 * math::log10(power.max(1e-20))) as f32,
            flatness: f.flatness,
            centroid_hz: f.centroid_hz,
            layer: drum_layer,
            ..Region::span(shot.start_sample, shot.len_samples)
        };
        regions.push(MinedRegion {
            kind: RegionKind::OneShot,
            region,
            key: None,
            key_confidence: 0.0,
            brightness: Brightness::from_centroid(f.centroid_hz, &settings.brightness_tags).name(),
            features: oneshot_features(f, shot.len_samples as f32 / source.sample_rate_hz.max(1) as f32),
            hit_class: Some(shot.class.name()),
        });
    }
    let landmarks =
        fingerprint_until(&source.channels, source.sample_rate_hz, settings.cancel.as_ref()).ok_or_else(|| cancelled(path))?;
    let p = &source.provenance;
    Ok(MinedFile {
        content_hash: p.content_hash.clone(),
        container: p.container.clone(),
        codec: p.codec.clone(),
        sample_rate_hz: p.original_sample_rate_hz,
        num_channels: p.original_channels,
        bits_per_sample: p.bits_per_sample,
        duration_sec: p.original_duration_sec,
        key: (key.confidence >= MIN_KEY_CONFIDENCE).then(|| key.key.short_name()),
        key_confidence: key.confidence,
        bpm: tempo.bpm,
        bpm_confidence: tempo.confidence,
        analysis_rate_hz: source.sample_rate_hz,
        regions,
        landmarks,
    })
}

/// The analysis restricted to the frames of `region`, so its key is the region's own.
fn sub_analysis(analysis: &Analysis, region: &Region) -> Analysis {
    let frames = region_frames(analysis, region);
    let features = analysis.features.frames(frames.clone());
    Analysis {
        config: analysis.config,
        sample_rate_hz: analysis.sample_rate_hz,
        num_samples: frames.len() * analysis.config.hop_size,
        features,
        onsets: analysis.onsets.iter().filter(|&&o| frames.contains(&o)).map(|&o| o - frames.start).collect(),
        tuning_cents: analysis.tuning_cents,
    }
}

#[cfg(test)]
mod fingerprint_tests {
    use super::*;

    #[test]
    fn another_analysis_version_mines_again() {
        let settings = MineSettings::default();
        assert_eq!(settings.fingerprint(), settings.fingerprint_for(ANALYSIS_VERSION));
        assert_ne!(settings.fingerprint_for(ANALYSIS_VERSION), settings.fingerprint_for(ANALYSIS_VERSION - 1));
    }
}
