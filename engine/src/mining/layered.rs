//! Layer-aware pad mining, the one both front ends call: pads from a source's mix, and where the
//! mix is too busy to give them (drums over sustained harmony), from its harmonic layer too.
//! Background thread; cancellable.

use super::material::Material;
use super::pads::{busy_share, find_pads_at_most, PadMinerConfig};
use super::Region;
use crate::analysis::{Analysis, AnalysisConfig, Analyzer};
use crate::separate::{Layer, Layers, SeparationConfig, SeparationMode, Separator};
use crate::{CancelFlag, Result};

/// In `auto` mode a source is separated when at least this share of its mix's windows is turned
/// away as too busy or too percussive (see [`busy_share`]).
pub const AUTO_BUSY_SHARE: f32 = 0.5;
/// ... and it has at least this many onsets: drums *throughout* play many hits, while a lone hit
/// or a sampled cymbal (one onset, all of it "too percussive") is better mined whole.
pub const AUTO_MIN_ONSETS: usize = 8;

/// What [`mine_pads`] found in one source.
#[derive(Debug)]
pub struct MinedPads {
    /// The pads, best first within each layer, the mix's first; each names its layer.
    pub regions: Vec<Region>,
    /// The source's layers, when it was separated and its harmonic layer gave pads (a source whose
    /// layers give none is mined as a mix: a drum take keeps its one-shots whole).
    pub layers: Option<Layers>,
    /// The analysis of the harmonic layer, when it was separated.
    pub harmonic_analysis: Option<Analysis>,
    /// The share of the mix's windows that were too busy or too percussive.
    pub busy_share: f32,
}

impl MinedPads {
    /// The channels `region` is cut from: its layer's, or `mix` for the mix.
    pub fn channels_of<'a>(&'a self, region: &Region, mix: &'a [Vec<f32>]) -> &'a [Vec<f32>] {
        self.layers.as_ref().and_then(|l| l.get(region.layer)).unwrap_or(mix)
    }
}

/// Whether a source whose mix has `busy_share` of busy windows and `num_onsets` onsets is
/// separated under `mode`.
pub fn wants_layers(mode: SeparationMode, busy_share: f32, num_onsets: usize) -> bool {
    match mode {
        SeparationMode::Off => false,
        SeparationMode::Always => true,
        SeparationMode::Auto => busy_share >= AUTO_BUSY_SHARE && num_onsets >= AUTO_MIN_ONSETS,
    }
}

/// Mines the pads of a source: [`find_pads_at_most`] on its mix (`mix_analysis`, the analysis of
/// `channels`), then, when [`wants_layers`] says so, on its harmonic layer, keeping the harmonic
/// pads that neither overlap a mix pad by more than `max_overlap_ratio` nor are the same
/// [`Material`] as one, up to the source's ceiling (`max_pads` and the config's). A harmonic pad
/// passes the same gates as any other, measured on the layer. `Err` only when `cancel` was raised.
/// Not realtime-safe: allocates.
pub fn mine_pads(
    channels: &[Vec<f32>],
    sample_rate_hz: u32,
    mix_analysis: &Analysis,
    config: &PadMinerConfig,
    separation: &SeparationConfig,
    max_pads: usize,
    cancel: Option<&CancelFlag>,
) -> Result<MinedPads> {
    let ceiling = max_pads.min(config.pads_allowed(mix_analysis.duration_sec()));
    let mut regions = find_pads_at_most(mix_analysis, config, ceiling);
    let busy = busy_share(mix_analysis, config);
    let mut mined = MinedPads { regions: Vec::new(), layers: None, harmonic_analysis: None, busy_share: busy };
    if !wants_layers(separation.mode, busy, mix_analysis.onsets.len()) || separation.validate().is_err() || channels.is_empty() {
        mined.regions = regions;
        return Ok(mined);
    }
    let layers = Separator::new(separation).separate(channels, sample_rate_hz, cancel)?;
    let mut analyzer = Analyzer::new(AnalysisConfig::default());
    if let Some(flag) = cancel {
        analyzer = analyzer.with_cancel(flag.clone());
    }
    let harmonic = analyzer.analyze_channels(&layers.harmonic, sample_rate_hz);
    if cancel.is_some_and(CancelFlag::is_cancelled) {
        return Err(crate::Error::Cancelled);
    }
    let mix_materials: Vec<Material> =
        regions.iter().map(|r| Material::of(mix_analysis, r.start_sample, r.len_samples)).collect();
    let room = ceiling.saturating_sub(regions.len());
    let from_layer: Vec<Region> = find_pads_at_most(&harmonic, config, ceiling)
        .into_iter()
        .filter(|h| {
            let material = Material::of(&harmonic, h.start_sample, h.len_samples);
            regions.iter().zip(&mix_materials).all(|(m, mm)| {
                m.overlap_ratio(h) <= config.max_overlap_ratio && !(config.one_per_material && mm.same_as(&material))
            })
        })
        .take(room)
        .map(|h| Region { layer: Layer::Harmonic, ..h })
        .collect();
    if from_layer.is_empty() {
        // Nothing sustained under the drums (a drum take, a lone hit): the layers add nothing, and
        // the recording itself is the better source of its one-shots.
        mined.regions = regions;
        return Ok(mined);
    }
    regions.extend(from_layer);
    mined.regions = regions;
    mined.layers = Some(layers);
    mined.harmonic_analysis = Some(harmonic);
    Ok(mined)
}
