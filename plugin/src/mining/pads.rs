//! Cutting one playable pad out of a decoded source, or out of one of its layers when the miner
//! separated it: the region (at most [`MAX_PAD_SEC`]), its key and root note, its identity, and
//! the catalogue entry the editor shows.

use engine::CancelFlag;
use engine::analysis::{AnalysisConfig, Analyzer, estimate_key};
use engine::mining::{LoopConfig, Region};
use engine::recipe::{RecipeSource, layer_pad_id, pad_material_of_layers};
use engine::separate::{Layers, SeparationConfig};
use engine::source::{SourceBuffer, mix_to_mono};
use engine::texture::Pad;

use crate::queues::MAX_PAD_SEC;
use super::catalogue::{PadInfo, WAVEFORM_POINTS, format_minutes_seconds, waveform_overview};

/// Key estimates below this confidence (0..1) leave the pad without a root note.
const MIN_KEY_CONFIDENCE: f32 = 0.2;

/// MIDI note of the octave the root note is placed in (C4 = 60).
const ROOT_OCTAVE_BASE_NOTE: f32 = 60.0;

/// What mined regions are cut from: the decoded source and, when the miner separated it, its
/// layers and the settings they were made with (`engine::mining::MinedPads` gives both).
#[derive(Debug, Clone, Copy)]
pub struct MinedSource<'a> {
    pub source: &'a SourceBuffer,
    /// The source's layers, `None` when it was not separated (then every region is of the mix).
    pub layers: Option<&'a Layers>,
    /// The `[separation]` settings the layers were made with: a layer pad's recipe records them,
    /// so a recipe or a recalled project separates the source again exactly as mining did.
    pub separation: &'a SeparationConfig,
}

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

/// Cut `region` (shortened to [`MAX_PAD_SEC`]) out of `mined` (the source, or the layer the region
/// names) as a seamless loop for `slot` (a plain cut when the source is too short for the loop's
/// cross-fade), through [`pad_from_source`]. `None` when the region lies outside the source.
/// Not realtime-safe: allocates.
pub fn make_pad(mined: MinedSource, region: &Region, slot: u16, loop_config: &LoopConfig) -> Option<MinedPad> {
    make_pad_until(mined, region, slot, loop_config, None)
}

/// [`make_pad`], or `None` once `stop` is raised: it is looked at between the cut, the pad's
/// analysis (which checks it as it goes) and its octave copies, so a closing plugin waits for at
/// most one of those (tens of ms), not the whole pad. Not realtime-safe: allocates.
pub fn make_pad_until(
    mined: MinedSource,
    region: &Region,
    slot: u16,
    loop_config: &LoopConfig,
    stop: Option<&CancelFlag>,
) -> Option<MinedPad> {
    let source = mined.source;
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
        layer: region.layer,
        // As the exporter writes a layer's recipes: the settings only where there is a layer.
        separation: (!region.layer.is_mix()).then(|| mined.separation.clone()),
    };
    pad_from_source_until(source, mined.layers, recipe_source, slot, stop)
}

/// The pad `recipe_source` describes, cut from `source` or from the layer it names (one of
/// `layers`, made with the recipe's separation settings) through
/// [`engine::recipe::pad_material_of_layers`] (loudness-matched), with the id
/// [`engine::recipe::layer_pad_id`] gives and its key, root note and brightness measured on the pad
/// itself: the code path mining, recalling a saved bank and rendering a recipe take, so a recalled
/// pad is the mined one. A layer pad without `layers` separates `source` here, which cannot be
/// stopped: callers on the mining thread separate first, with the stop flag. `None` when the
/// region lies outside the source. Not realtime-safe: allocates.
pub fn pad_from_source(source: &SourceBuffer, layers: Option<&Layers>, recipe_source: RecipeSource, slot: u16) -> Option<MinedPad> {
    pad_from_source_until(source, layers, recipe_source, slot, None)
}

/// [`pad_from_source`], or `None` once `stop` is raised (see [`make_pad_until`]).
fn pad_from_source_until(
    source: &SourceBuffer,
    layers: Option<&Layers>,
    mut recipe_source: RecipeSource,
    slot: u16,
    stop: Option<&CancelFlag>,
) -> Option<MinedPad> {
    let stopped = || stop.is_some_and(CancelFlag::is_cancelled);
    let sample_rate_hz = source.sample_rate_hz as f32;
    let loop_config = recipe_source.loop_config();
    let (channels, start) = pad_material_of_layers(source, layers, &recipe_source, &loop_config).ok()?;
    let num_frames = channels.first().map_or(0, Vec::len);
    if stopped() {
        return None;
    }

    let traits = pad_traits(&channels, source.sample_rate_hz, stop)?;
    recipe_source.root_note = traits.root_note;
    let id = layer_pad_id(&source.provenance.content_hash, start, recipe_source.layer);
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

/// One past the last source frame a loop cut of `len_samples` from `start_sample` reads (at
/// `sample_rate_hz`): the region, its start search before and its seam search, match and
/// cross-fade after.
pub fn reach_frames(start_sample: usize, len_samples: usize, loop_config: &LoopConfig, sample_rate_hz: u32) -> usize {
    let extra_sec = 0.001 * f64::from(loop_searches_ms(loop_config));
    start_sample + len_samples + (extra_sec * f64::from(sample_rate_hz)).ceil() as usize
}

/// The loop cut's searches and fade, ms: how far past its region a cut may read.
fn loop_searches_ms(loop_config: &LoopConfig) -> f32 {
    let l = loop_config;
    (l.crossfade_ms + l.seam_search_ms + l.start_search_ms + l.seam_match_ms).max(0.0)
}

/// How far past a sample the separator reads to make that sample of a layer, seconds (at the
/// engine's rate): half the span of its harmonic filter plus one STFT frame. A source decoded
/// that far (and [`super::worker::DECODE_MARGIN_SEC`]) past a layer pad's cut gives the very
/// layer samples the whole file gives.
pub fn separation_lookahead_sec(separation: &SeparationConfig) -> f64 {
    let rate = engine::ENGINE_SAMPLE_RATE_HZ;
    let k = separation.kernels(rate);
    (k.half_time_frames() * k.hop_size + k.fft_size) as f64 / f64::from(rate)
}

/// How far into its file the pad `recipe_source` describes reads, seconds (at the engine's rate):
/// its region, its loop cut's searches and fade, and for a layer pad the separator's look-ahead.
pub fn cut_reach_sec(recipe_source: &RecipeSource) -> f64 {
    let rate = f64::from(engine::ENGINE_SAMPLE_RATE_HZ);
    let end = (recipe_source.start_sample + recipe_source.len_samples) as f64 / rate;
    let mut reach = end + 0.001 * f64::from(loop_searches_ms(&recipe_source.loop_config()));
    if !recipe_source.layer.is_mix() {
        reach += separation_lookahead_sec(&recipe_source.separation.clone().unwrap_or_default());
    }
    reach
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

#[cfg(test)]
mod tests {
    use super::*;
    use engine::separate::separate;

    /// A layer's samples depend on the source no further ahead than [`separation_lookahead_sec`]:
    /// a source cut short (a partial decode) gives the whole source's layer bit for bit up to the
    /// look-ahead before the cut, and another layer within it. The look-ahead is what a rebuilt
    /// layer pad's decode must reach past its cut.
    #[test]
    fn a_layer_sample_depends_on_the_source_no_further_ahead_than_the_lookahead() {
        let rate = engine::ENGINE_SAMPLE_RATE_HZ;
        let num_frames = 14 * rate as usize;
        let chord = fixtures::chord_pad(&[57.0, 60.0, 64.0], 0.4, num_frames, rate, 3);
        let drums = fixtures::drum_loop(100.0, 0.5, num_frames, rate, 9);
        let left: Vec<f32> = chord.iter().zip(&drums).map(|(c, d)| c + d).collect();
        let right: Vec<f32> = chord.iter().zip(&drums).map(|(c, d)| 0.8 * c + d).collect();
        let whole = vec![left, right];
        let cut_at = 10 * rate as usize;
        let cut: Vec<Vec<f32>> = whole.iter().map(|c| c[..cut_at].to_vec()).collect();
        let longest = SeparationConfig { harmonic_kernel_ms: 5000.0, fft_size: 16_384, ..SeparationConfig::default() };
        for config in [SeparationConfig::default(), longest] {
            let lookahead = (separation_lookahead_sec(&config) * f64::from(rate)).round() as usize;
            let of_whole = separate(&whole, rate, &config, None).expect("separates");
            let of_cut = separate(&cut, rate, &config, None).expect("separates");
            let first_difference = of_whole.harmonic[0][..cut_at]
                .iter()
                .zip(&of_cut.harmonic[0])
                .position(|(a, b)| a.to_bits() != b.to_bits())
                .expect("the cut changes the layer before it");
            eprintln!(
                "kernel {} ms, FFT {}: look-ahead {lookahead} frames; the cut's layer first differs {} frames before the cut",
                config.harmonic_kernel_ms,
                config.fft_size,
                cut_at - first_difference
            );
            assert!(first_difference >= cut_at - lookahead, "the layer depends on the source {} frames ahead, past the look-ahead of {lookahead}", cut_at - first_difference);
            for c in 0..2 {
                assert!(of_whole.harmonic[c][..cut_at - lookahead].iter().zip(&of_cut.harmonic[c]).all(|(a, b)| a.to_bits() == b.to_bits()));
            }
        }
    }
}
