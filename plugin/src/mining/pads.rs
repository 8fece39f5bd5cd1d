//! Cutting one playable pad out of a decoded source: the region (at most [`MAX_PAD_SEC`]), its
//! key and root note, its identity, and the catalogue entry the editor shows.

use engine::CancelFlag;
use engine::analysis::{AnalysisConfig, Analyzer, estimate_key};
use engine::mining::{LoopConfig, Region};
use engine::recipe::{RecipeSource, pad_id, pad_material};
use engine::source::{SourceBuffer, mix_to_mono};
use engine::texture::Pad;

use crate::queues::MAX_PAD_SEC;
use super::catalogue::{PadInfo, WAVEFORM_POINTS, format_minutes_seconds, waveform_overview};

/// Key estimates below this confidence (0..1) leave the pad without a root note.
const MIN_KEY_CONFIDENCE: f32 = 0.2;

/// MIDI note of the octave the root note is placed in (C4 = 60).
const ROOT_OCTAVE_BASE_NOTE: f32 = 60.0;

/// A pad and what the editor shows about it.
pub struct MinedPad {
    pub pad: Pad,
    pub info: PadInfo,
}

/// What the editor shows of a pad's sound, measured on the pad itself.
struct PadTraits {
    /// Root note (MIDI), `None` when the material is not tonal enough for a key to mean anything.
    root_note: Option<f32>,
    /// Key name, empty with no root.
    key: String,
    /// Mean spectral centroid, Hz.
    brightness_hz: f32,
}

/// `None` once `stop` is raised (the analysis checks it as it goes).
fn pad_traits(channels: &[Vec<f32>], sample_rate_hz: u32, stop: Option<&CancelFlag>) -> Option<PadTraits> {
    let mono = mix_to_mono(channels);
    let mut analyzer = Analyzer::new(AnalysisConfig::default());
    if let Some(stop) = stop {
        analyzer = analyzer.with_cancel(stop.clone());
    }
    let analysis = analyzer.analyze(&mono, sample_rate_hz);
    if stop.is_some_and(CancelFlag::is_cancelled) {
        return None;
    }
    let centroids = &analysis.features.centroid_hz;
    let brightness_hz = centroids.iter().sum::<f32>() / centroids.len().max(1) as f32;
    let estimate = estimate_key(&analysis);
    if estimate.confidence < MIN_KEY_CONFIDENCE {
        return Some(PadTraits { root_note: None, key: String::new(), brightness_hz });
    }
    let root = ROOT_OCTAVE_BASE_NOTE + f32::from(estimate.key.tonic % 12);
    Some(PadTraits { root_note: Some(root), key: estimate.key.to_string(), brightness_hz })
}

/// Cut `region` (shortened to [`MAX_PAD_SEC`]) out of `source` as a seamless loop for `slot`
/// (a plain cut when the source is too short for the loop's cross-fade), through
/// [`pad_from_source`]. `None` when the region lies outside the source. Not realtime-safe: allocates.
pub fn make_pad(
    source: &SourceBuffer,
    region: &Region,
    slot: u16,
    loop_config: &LoopConfig,
) -> Option<MinedPad> {
    make_pad_until(source, region, slot, loop_config, None)
}

/// [`make_pad`], or `None` once `stop` is raised: it is looked at between the cut, the pad's
/// analysis (which checks it as it goes) and its octave copies, so a closing plugin waits for at
/// most one of those (tens of ms), not the whole pad. Not realtime-safe: allocates.
pub fn make_pad_until(
    source: &SourceBuffer,
    region: &Region,
    slot: u16,
    loop_config: &LoopConfig,
    stop: Option<&CancelFlag>,
) -> Option<MinedPad> {
    let sample_rate_hz = source.sample_rate_hz as f32;
    // The seam search may lengthen the loop by up to its search span: leave room for it.
    let max_frames = ((MAX_PAD_SEC - 0.001 * loop_config.seam_search_ms.max(0.0)) * sample_rate_hz) as usize;
    let recipe_source = RecipeSource {
        path: source.provenance.path.display().to_string(),
        content_hash: source.provenance.content_hash.clone(),
        start_sample: region.start_sample,
        len_samples: region.len_samples.min(max_frames),
        as_loop: true,
        root_note: None,
        loop_settings: Some(*loop_config),
    };
    pad_from_source_until(source, recipe_source, slot, stop)
}

/// The pad `recipe_source` describes, cut from `source` through [`engine::recipe::pad_material`]
/// (loudness-matched), with its key, root note and brightness measured on the pad itself: the
/// code path both mining and recalling a saved bank take, so a recalled pad is the mined one.
/// `None` when the region lies outside the source. Not realtime-safe: allocates.
pub fn pad_from_source(source: &SourceBuffer, recipe_source: RecipeSource, slot: u16) -> Option<MinedPad> {
    pad_from_source_until(source, recipe_source, slot, None)
}

/// [`pad_from_source`], or `None` once `stop` is raised (see [`make_pad_until`]).
fn pad_from_source_until(source: &SourceBuffer, mut recipe_source: RecipeSource, slot: u16, stop: Option<&CancelFlag>) -> Option<MinedPad> {
    let stopped = || stop.is_some_and(CancelFlag::is_cancelled);
    let sample_rate_hz = source.sample_rate_hz as f32;
    let loop_config = recipe_source.loop_config();
    let (channels, start) = pad_material(source, &recipe_source, &loop_config).ok()?;
    let num_frames = channels.first().map_or(0, Vec::len);
    if stopped() {
        return None;
    }

    let traits = pad_traits(&channels, source.sample_rate_hz, stop)?;
    recipe_source.root_note = traits.root_note;
    let id = pad_id(&source.provenance.content_hash, start);
    let stem = source
        .provenance
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let start_sec = start as f32 / sample_rate_hz;
    let views: Vec<&[f32]> = channels.iter().map(Vec::as_slice).collect();
    let info = PadInfo {
        slot,
        pad_id: id,
        name: format!("{stem} @ {}", format_minutes_seconds(start_sec)),
        source_path: Some(source.provenance.path.clone()),
        start_sec,
        length_sec: num_frames as f32 / sample_rate_hz,
        key: traits.key,
        brightness_hz: traits.brightness_hz,
        waveform: waveform_overview(&views, WAVEFORM_POINTS),
        recipe_source,
    };
    if stopped() {
        return None;
    }
    let pad = Pad::new(id, channels, sample_rate_hz, traits.root_note);
    Some(MinedPad { pad, info })
}

/// The catalogue entry of the built-in texture in `slot`.
pub fn builtin_info(pad: &Pad, slot: u16) -> PadInfo {
    PadInfo {
        slot,
        pad_id: pad.id(),
        name: String::from("Built-in texture"),
        source_path: None,
        start_sec: 0.0,
        length_sec: pad.num_frames() as f32 / pad.sample_rate_hz(),
        key: String::new(),
        brightness_hz: 0.0,
        waveform: waveform_overview(&[pad.channel(0), pad.channel(1)], WAVEFORM_POINTS),
        recipe_source: RecipeSource::builtin(),
    }
}
