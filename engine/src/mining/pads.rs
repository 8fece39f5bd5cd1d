//! Pad mining: sliding windows over one analysis pass, gated on level, onset rate, tonality,
//! DC, crest and clipping, ranked by stability, several target durations; one pad per distinct
//! material (see [`super::material`]), as many as the source holds up to a per-minute ceiling,
//! no two overlapping by more than a set fraction.

use super::looping::LoopConfig;
use super::setting::{check_ordered, check_range, WindowSettings};
use super::windows::{
    chroma_match, select_round_robin, window_lengths_samples, window_starts, window_stats, WindowStats,
};
use super::material::Material;
use super::Region;
use crate::analysis::Analysis;
use crate::rt::db::SILENCE_DB;
use crate::Result;

/// The `[pad_miner]` settings (key names follow the original tool's `pad_miner` section).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PadMinerConfig {
    /// Quietest window level accepted, dBFS (-120..=0).
    pub min_rms_db: f32,
    /// Loudest window level accepted, dBFS (-120..=0). The original's -10 rejected most
    /// mastered music; -6 keeps it while rejecting brick-walled material.
    pub max_rms_db: f32,
    /// Most onsets per second accepted inside a window (and the material its loop fades in),
    /// 0..=50. Busy material (a drum loop gives 4 or more) is rejected.
    #[serde(alias = "max_onset_rate_per_second")]
    pub max_onset_rate_per_sec: f32,
    /// Highest mean spectral flatness accepted, 0..1 (power-spectrum flatness: white noise is
    /// about 0.56, tonal pads stay below 0.05).
    pub spectral_flatness_threshold: f32,
    /// Largest |mean DC offset| accepted, linear (0..=1).
    pub max_dc_offset: f32,
    /// Largest window crest factor (largest peak / RMS) accepted, linear (1..=100).
    pub max_crest_factor: f32,
    /// Largest mean fraction of clipped samples accepted, 0..=1.
    pub max_clip_ratio: f32,
    /// Shortest pad, seconds: used when the source is too short for every target duration.
    pub min_duration_sec: f32,
    /// Longest pad, seconds.
    pub max_duration_sec: f32,
    /// Pad lengths searched, seconds, each within min_duration_sec..=max_duration_sec.
    pub target_durations_sec: Vec<f32>,
    /// Most pads kept per source, whatever its length (0..=1000).
    pub max_candidates_per_file: usize,
    /// Most pads per minute of source (0..=60; 0: no per-minute ceiling). A source gives at
    /// least one pad when it has one, however short it is.
    pub max_pads_per_minute: f32,
    /// Most pads in a whole pack (0..=100000; 0: no pack ceiling). The exporter shares it among
    /// the sources by their length (see [`pack_shares`]); the plugin's bank has its own limit.
    pub max_pads_per_pack: usize,
    /// Keep one pad per distinct material (its best window); off, every window that passes the
    /// gates and the overlap rule counts, so neighbouring windows of one chord all become pads.
    pub one_per_material: bool,
    /// Step between window starts, seconds (0.01..=60).
    pub window_hop_sec: f32,
    /// Largest share of the shorter of two kept pads they may have in common, 0..=1.
    pub max_overlap_ratio: f32,
    /// Loop cross-fade, ms (1..=2000); the legacy key `crossfade_ms` is accepted too.
    #[serde(alias = "crossfade_ms")]
    pub loop_crossfade_ms: f32,
    /// How far the loop length may move to find the best seam, ms (0..=500).
    pub seam_search_ms: f32,
    /// Window compared when searching the seam, ms (5..=500).
    pub seam_match_ms: f32,
    /// How far the loop start may move to put the wrap somewhere calm, ms (0..=2000).
    pub loop_start_search_ms: f32,
}

impl Default for PadMinerConfig {
    fn default() -> Self {
        let looping = LoopConfig::default();
        Self {
            min_rms_db: -40.0,
            max_rms_db: -6.0,
            max_onset_rate_per_sec: 1.0,
            spectral_flatness_threshold: 0.3,
            max_dc_offset: 0.05,
            max_crest_factor: 8.0,
            max_clip_ratio: 0.001,
            min_duration_sec: 1.0,
            max_duration_sec: 12.0,
            target_durations_sec: vec![2.0, 4.0],
            max_candidates_per_file: 64,
            max_pads_per_minute: 12.0,
            max_pads_per_pack: 0,
            one_per_material: true,
            window_hop_sec: 0.5,
            max_overlap_ratio: 0.5,
            loop_crossfade_ms: looping.crossfade_ms,
            seam_search_ms: looping.seam_search_ms,
            seam_match_ms: looping.seam_match_ms,
            loop_start_search_ms: looping.start_search_ms,
        }
    }
}

impl PadMinerConfig {
    /// Checks every key, naming the first bad one (as `pad_miner.<key>`), its value and the
    /// allowed range.
    pub fn validate(&self) -> Result<()> {
        let key = |k: &str| format!("pad_miner.{k}");
        check_range(&key("min_rms_db"), self.min_rms_db, SILENCE_DB, 0.0)?;
        check_range(&key("max_rms_db"), self.max_rms_db, SILENCE_DB, 0.0)?;
        check_ordered(&key("min_rms_db"), self.min_rms_db, &key("max_rms_db"), self.max_rms_db)?;
        check_range(&key("max_onset_rate_per_sec"), self.max_onset_rate_per_sec, 0.0, 50.0)?;
        check_range(&key("spectral_flatness_threshold"), self.spectral_flatness_threshold, 0.0, 1.0)?;
        check_range(&key("max_dc_offset"), self.max_dc_offset, 0.0, 1.0)?;
        check_range(&key("max_crest_factor"), self.max_crest_factor, 1.0, 100.0)?;
        check_range(&key("max_clip_ratio"), self.max_clip_ratio, 0.0, 1.0)?;
        check_range(&key("max_pads_per_minute"), self.max_pads_per_minute, 0.0, 60.0)?;
        if self.max_pads_per_pack > 100_000 {
            return Err(super::setting::invalid(
                &key("max_pads_per_pack"),
                self.max_pads_per_pack,
                "expected a count from 0 to 100000".into(),
            ));
        }
        WindowSettings {
            min_duration_sec: self.min_duration_sec,
            max_duration_sec: self.max_duration_sec,
            target_durations_sec: &self.target_durations_sec,
            max_candidates_per_file: self.max_candidates_per_file,
            window_hop_sec: self.window_hop_sec,
            max_overlap_ratio: self.max_overlap_ratio,
        }
        .validate(key)?;
        self.loop_config().validate().map_err(|e| match e {
            crate::Error::InvalidSetting { key: k, value, expected } => crate::Error::InvalidSetting {
                key: key(match k.as_str() {
                    "crossfade_ms" => "loop_crossfade_ms",
                    "start_search_ms" => "loop_start_search_ms",
                    other => other,
                }),
                value,
                expected,
            },
            other => other,
        })
    }

    /// The most pads a source `duration_sec` long may give: `max_pads_per_minute` of its length
    /// (rounded up, at least 1), at most `max_candidates_per_file`.
    pub fn pads_allowed(&self, duration_sec: f64) -> usize {
        let cap = self.max_candidates_per_file;
        if self.max_pads_per_minute <= 0.0 {
            return cap;
        }
        let per_minute = (f64::from(self.max_pads_per_minute) * duration_sec.max(0.0) / 60.0).ceil() as usize;
        per_minute.max(1).min(cap)
    }

    /// The loop settings of this section, for [`super::make_loop`].
    pub fn loop_config(&self) -> LoopConfig {
        LoopConfig {
            crossfade_ms: self.loop_crossfade_ms,
            seam_search_ms: self.seam_search_ms,
            seam_match_ms: self.seam_match_ms,
            start_search_ms: self.loop_start_search_ms,
        }
    }
}

/// Finds the stable, tonal regions of a source, best first: one per distinct material, at most
/// [`PadMinerConfig::pads_allowed`] for its length.
///
/// Every window (each target duration, every `window_hop_sec`) also covers the source material
/// its loop will fade in after its end and the loop's start search either side, and must pass
/// every gate; survivors are ranked by [`stability_score`] times how well the harmony after the
/// end matches the head (the chroma cosine to the fourth power) and picked in turns across
/// durations so that no two share more than `max_overlap_ratio` of the shorter and (with
/// `one_per_material`) no two are the same [`Material`]. An invalid config (see
/// [`PadMinerConfig::validate`]) finds nothing. Not realtime-safe: allocates.
pub fn find_pads(analysis: &Analysis, config: &PadMinerConfig) -> Vec<Region> {
    find_pads_at_most(analysis, config, config.pads_allowed(analysis.duration_sec()))
}

/// [`find_pads`] with a ceiling of its own (e.g. a source's share of a pack's ceiling), still at
/// most what the config allows.
pub fn find_pads_at_most(analysis: &Analysis, config: &PadMinerConfig, max_count: usize) -> Vec<Region> {
    if config.validate().is_err() || analysis.num_frames() == 0 {
        return Vec::new();
    }
    let max_count = max_count.min(config.pads_allowed(analysis.duration_sec()));
    let windows = Windows::plan(analysis, config);
    let flux_scale = file_flux_scale(analysis, config.min_rms_db);
    let per_length = windows
        .lengths
        .iter()
        .map(|&len| {
            windows
                .of_length(analysis, len)
                .filter(|(_, stats)| passes_gates(stats, config))
                .map(|(start, stats)| {
                    // The loop fades the material after its end into its head: same harmony wanted.
                    let seam_match = chroma_match(analysis, start, start + len, windows.tail + windows.margin).powi(4);
                    let stability = stability_score(&stats, flux_scale, config.spectral_flatness_threshold);
                    (Region::from_window(start, len, seam_match * stability, &stats), Material::of(analysis, start, len))
                })
                .collect()
        })
        .collect();
    let one_per_material = config.one_per_material;
    select_round_robin(per_length, max_count, config.max_overlap_ratio, |a: &Material, b: &Material| {
        one_per_material && a.same_as(b)
    })
}

/// Each source's share of a pack ceiling of `max_pads` (0: none, every share `usize::MAX`), in
/// proportion to the sources' durations in seconds, rounded up so no source with material is
/// left without a pad: the shares may add up to a few more than `max_pads`.
pub fn pack_shares(durations_sec: &[f64], max_pads: usize) -> Vec<usize> {
    let total: f64 = durations_sec.iter().map(|d| d.max(0.0)).sum();
    durations_sec
        .iter()
        .map(|&d| {
            if max_pads == 0 || total <= 0.0 {
                usize::MAX
            } else {
                ((max_pads as f64 * d.max(0.0) / total).ceil() as usize).max(1)
            }
        })
        .collect()
}

/// The windows [`find_pads`] weighs: every target length, every `window_hop_sec`.
struct Windows {
    /// Source material a loop fades in after its end, samples.
    tail: usize,
    /// How far the loop may start earlier or later than its window (to put its wrap somewhere
    /// calm), samples: the gates and the ranking look that far around the window too.
    margin: usize,
    lengths: Vec<usize>,
    hop: usize,
}

impl Windows {
    fn plan(analysis: &Analysis, config: &PadMinerConfig) -> Self {
        let sr = analysis.sample_rate_hz;
        let loop_config = config.loop_config();
        let tail = loop_config.tail_samples(sr);
        let usable = analysis.num_samples.saturating_sub(tail);
        Self {
            tail,
            margin: (loop_config.start_search_ms * sr as f32 / 1000.0).round() as usize,
            lengths: window_lengths_samples(&config.target_durations_sec, config.min_duration_sec, config.max_duration_sec, usable, sr),
            hop: ((config.window_hop_sec * sr as f32).round() as usize).max(1),
        }
    }

    /// The start of every window `len` long, with the stats of it, its tail and its margins.
    fn of_length<'a>(&'a self, analysis: &'a Analysis, len: usize) -> impl Iterator<Item = (usize, WindowStats)> + 'a {
        window_starts(analysis.num_samples, len + self.tail, self.hop).filter_map(move |start| {
            let around = start.saturating_sub(self.margin);
            window_stats(analysis, around, start - around + len + self.tail + self.margin).map(|stats| (start, stats))
        })
    }
}

/// Why `find_pads` found nothing in `analysis`, in words a musician can act on: the gates that
/// turned away most windows, with the share of windows each rejected and the setting behind it,
/// e.g. "no sustained region: of 212 windows, 100 % too busy (more than 1 onsets/s,
/// pad_miner.max_onset_rate_per_sec)". Meant for when `find_pads` returned no region.
pub fn why_no_pads(analysis: &Analysis, config: &PadMinerConfig) -> String {
    if let Err(e) = config.validate() {
        return format!("no pads: {e}");
    }
    let windows = Windows::plan(analysis, config);
    let mut rejected = [0usize; Gate::ALL.len()];
    let mut num_windows = 0usize;
    for &len in &windows.lengths {
        for (_, stats) in windows.of_length(analysis, len) {
            num_windows += 1;
            for gate in failed_gates(&stats, config) {
                rejected[gate as usize] += 1;
            }
        }
    }
    if num_windows == 0 {
        return format!(
            "no sustained region: shorter than the shortest pad ({} s, pad_miner.min_duration_sec) plus its loop cross-fade",
            config.min_duration_sec
        );
    }
    let mut reasons: Vec<(usize, Gate)> = Gate::ALL.iter().map(|&g| (rejected[g as usize], g)).filter(|&(n, _)| n > 0).collect();
    reasons.sort_by_key(|&(n, _)| std::cmp::Reverse(n));
    let shown: Vec<String> = reasons
        .iter()
        .take(3)
        .map(|&(n, gate)| format!("{:.0} % {}", 100.0 * n as f64 / num_windows as f64, gate.describe(config)))
        .collect();
    let windows = if num_windows == 1 { "window" } else { "windows" };
    format!("no sustained region: of {num_windows} {windows}, {}", shown.join(", "))
}

/// The share of `analysis`' windows (every target length, every hop) turned away as too busy or
/// too percussive, 0..1: near 1 for music with drums throughout, near 0 for sustained material.
/// 0 when no window fits. Not realtime-safe.
pub fn busy_share(analysis: &Analysis, config: &PadMinerConfig) -> f32 {
    if config.validate().is_err() {
        return 0.0;
    }
    let windows = Windows::plan(analysis, config);
    let (mut busy, mut total) = (0usize, 0usize);
    for &len in &windows.lengths {
        for (_, stats) in windows.of_length(analysis, len) {
            total += 1;
            busy += usize::from(failed_gates(&stats, config).any(|g| matches!(g, Gate::Busy | Gate::Percussive)));
        }
    }
    if total == 0 { 0.0 } else { busy as f32 / total as f32 }
}

/// The tests a window must pass to become a pad, causes before symptoms (clipping and an offset
/// also read as busy or percussive), so an explanation names the cause first on a tie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gate {
    Quiet,
    Clipped,
    Offset,
    Loud,
    Noisy,
    Percussive,
    Busy,
}

impl Gate {
    const ALL: [Gate; 7] = [Gate::Quiet, Gate::Clipped, Gate::Offset, Gate::Loud, Gate::Noisy, Gate::Percussive, Gate::Busy];

    /// What failing this gate means, with its limit and setting.
    fn describe(self, c: &PadMinerConfig) -> String {
        match self {
            Gate::Quiet => format!("too quiet (below {} dBFS RMS, pad_miner.min_rms_db)", c.min_rms_db),
            Gate::Loud => format!("too loud (above {} dBFS RMS, pad_miner.max_rms_db)", c.max_rms_db),
            Gate::Busy => format!("too busy (more than {} onsets/s, pad_miner.max_onset_rate_per_sec)", c.max_onset_rate_per_sec),
            Gate::Noisy => format!("noise rather than tone (flatness above {}, pad_miner.spectral_flatness_threshold)", c.spectral_flatness_threshold),
            Gate::Offset => format!("DC offset above {} (pad_miner.max_dc_offset)", c.max_dc_offset),
            Gate::Percussive => format!("too percussive (crest factor above {}, pad_miner.max_crest_factor)", c.max_crest_factor),
            Gate::Clipped => format!("clipped (more than {} % of samples at full scale, pad_miner.max_clip_ratio)", 100.0 * c.max_clip_ratio),
        }
    }
}

/// The gates `s` fails.
fn failed_gates(s: &WindowStats, c: &PadMinerConfig) -> impl Iterator<Item = Gate> {
    // Written as "not within", so a NaN measurement fails its gate.
    let failed = [
        !(c.min_rms_db..).contains(&s.rms_db),
        !(..=c.max_clip_ratio).contains(&s.clip_ratio),
        !(..=c.max_dc_offset).contains(&s.dc_abs),
        !(..=c.max_rms_db).contains(&s.rms_db),
        !(..=c.spectral_flatness_threshold).contains(&s.flatness),
        !(..=c.max_crest_factor).contains(&s.crest),
        !(..=c.max_onset_rate_per_sec).contains(&s.onset_rate_per_sec),
    ];
    Gate::ALL.into_iter().zip(failed).filter_map(|(gate, failed)| failed.then_some(gate))
}

fn passes_gates(s: &WindowStats, c: &PadMinerConfig) -> bool {
    failed_gates(s, c).next().is_none()
}

/// Stability in 0..1: the product of a level term (frame-level spread, 3 dB halves it), a flux
/// term (spread of onset strength against the file's typical flux: equal spread halves it), a
/// harmonic term (chroma steadiness, squared twice so a chord change inside the window costs
/// clearly more than small drifts) and a tonality term (1 for a pure tone, 0 at the flatness
/// threshold).
pub(crate) fn stability_score(s: &WindowStats, flux_scale: f32, flatness_threshold: f32) -> f32 {
    let level = 1.0 / (1.0 + s.rms_std_db / 3.0);
    let flux = 1.0 / (1.0 + s.flux_std / flux_scale.max(1e-9));
    let tonal = (1.0 - s.flatness / flatness_threshold.max(1e-6)).clamp(0.0, 1.0);
    let harmonic = s.chroma_stability.powi(4);
    level * flux * harmonic * tonal
}

/// The median onset-strength flux over the file's frames louder than `min_rms_db` (the scale
/// flux spreads are judged against), floored at a quarter of their mean so a file of near-zero
/// flux does not turn rounding noise into instability.
fn file_flux_scale(analysis: &Analysis, min_rms_db: f32) -> f32 {
    let f = &analysis.features;
    let mut loud: Vec<f32> =
        f.flux.iter().zip(&f.rms_db).filter(|&(_, &db)| db >= min_rms_db).map(|(&flux, _)| flux).collect();
    if loud.is_empty() {
        return 1.0;
    }
    let mean = loud.iter().sum::<f32>() / loud.len() as f32;
    let mid = loud.len() / 2;
    let median = *loud.select_nth_unstable_by(mid, f32::total_cmp).1;
    median.max(0.25 * mean).max(1e-6)
}
