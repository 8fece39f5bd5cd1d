//! Drum one-shots: hits sliced at their onsets with a short pre-roll, ended where their own decay
//! fades into the floor (or where the next hit begins), faded at both ends, gated on level, attack,
//! DC and length, classified by spectral shape ([`super::hit_class`]) and thinned so near-identical
//! hits of one source (a loop played many times) leave only the best few per class.

use crate::rt::math;
use super::hit_class::{HitAnalyzer, HitClass, HitFeatures};
use super::setting::{check_range, invalid};
use crate::analysis::{Analysis, NUM_ACCENT_REGIONS};
use crate::rt::db::db_to_amplitude;
use crate::voice::{Biquad, BiquadCoefs};
use crate::cancel::is_cancelled;
use crate::{CancelFlag, Result};

/// Lower edge of the band in which hats and cymbals are looked for and cut, Hz (the top accent
/// region of the analysis starts at 3 kHz; a hat's energy sits above 4 kHz, a snare's body below).
pub const HAT_BAND_HZ: f32 = 4000.0;

/// Least high-band flatness of a hat cut from the high band (real hats and cymbals under an
/// orchestra: 0.25-0.47; string and brass attacks there: under 0.01).
pub const HAT_MIN_HIGH_FLATNESS: f32 = 0.1;

/// The one-shot miner's settings (`[oneshots]`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OneShotConfig {
    /// Audio kept before the attack, ms (0..=50).
    pub pre_roll_ms: f32,
    /// Fade-in over the start of the slice, ms (0..=20, at most `pre_roll_ms` is sensible).
    pub fade_in_ms: f32,
    /// Fade-out at the end of the slice, ms (1..=200).
    pub fade_out_ms: f32,
    /// A hit ends where its 3 ms RMS falls this far below its peak RMS, dB (-90..=-12).
    pub decay_floor_db: f32,
    /// Shortest one-shot, ms (5..=1000).
    pub min_length_ms: f32,
    /// Longest one-shot, ms (50..=10000).
    pub max_length_ms: f32,
    /// Quietest hit peak accepted, dBFS (-90..=0).
    pub min_peak_dbfs: f32,
    /// How far the attack must rise above the 30 ms before it, dB (0..=60): a hit, not a swell.
    pub min_attack_db: f32,
    /// Largest |mean| of the raw slice, linear (0..=1).
    pub max_dc_offset: f32,
    /// Largest fraction of samples at full scale, 0..=1.
    pub max_clip_ratio: f32,
    /// Most one-shots kept per class per source (0..=64).
    pub max_per_class: usize,
    /// Hits closer than this in spectral shape count as the same hit ([`HitFeatures::distance`], 0..=2).
    pub min_distance: f32,
}

impl Default for OneShotConfig {
    fn default() -> Self {
        Self {
            pre_roll_ms: 5.0,
            fade_in_ms: 1.0,
            fade_out_ms: 10.0,
            decay_floor_db: -45.0,
            min_length_ms: 40.0,
            max_length_ms: 1500.0,
            min_peak_dbfs: -40.0,
            min_attack_db: 6.0,
            max_dc_offset: 0.05,
            max_clip_ratio: 0.01,
            max_per_class: 3,
            min_distance: 0.12,
        }
    }
}

impl OneShotConfig {
    /// Checks every key, naming the first bad one (as `oneshots.<key>`).
    pub fn validate(&self) -> Result<()> {
        let key = |k: &str| format!("oneshots.{k}");
        check_range(&key("pre_roll_ms"), self.pre_roll_ms, 0.0, 50.0)?;
        check_range(&key("fade_in_ms"), self.fade_in_ms, 0.0, 20.0)?;
        check_range(&key("fade_out_ms"), self.fade_out_ms, 1.0, 200.0)?;
        check_range(&key("decay_floor_db"), self.decay_floor_db, -90.0, -12.0)?;
        check_range(&key("min_length_ms"), self.min_length_ms, 5.0, 1000.0)?;
        check_range(&key("max_length_ms"), self.max_length_ms, 50.0, 10_000.0)?;
        if self.min_length_ms > self.max_length_ms {
            return Err(invalid(&key("max_length_ms"), self.max_length_ms, format!("expected at least `min_length_ms` ({})", self.min_length_ms)));
        }
        check_range(&key("min_peak_dbfs"), self.min_peak_dbfs, -90.0, 0.0)?;
        check_range(&key("min_attack_db"), self.min_attack_db, 0.0, 60.0)?;
        check_range(&key("max_dc_offset"), self.max_dc_offset, 0.0, 1.0)?;
        check_range(&key("max_clip_ratio"), self.max_clip_ratio, 0.0, 1.0)?;
        if self.max_per_class > 64 {
            return Err(invalid(&key("max_per_class"), self.max_per_class, "expected a count from 0 to 64".into()));
        }
        check_range(&key("min_distance"), self.min_distance, 0.0, 2.0)
    }
}

/// One sliced hit.
#[derive(Debug, Clone, PartialEq)]
pub struct OneShot {
    /// First source sample of the slice (pre-roll included).
    pub start_sample: usize,
    /// Slice length, samples.
    pub len_samples: usize,
    pub class: HitClass,
    pub features: HitFeatures,
    /// Ranking 0..1: attack clarity, a natural (not cut) end, level.
    pub score: f32,
    /// Whether the slice ends in its own decay (false: cut at the next hit or at `max_length_ms`).
    pub natural_end: bool,
    /// The faded slice, planar, same channel count as the source.
    pub channels: Vec<Vec<f32>>,
}

/// How far a slice cut before its natural end (at the next hit or the length limit) must still
/// have decayed, dB.
const MIN_DECAY_DB: f32 = 12.0;

/// A hit has decayed into its bed when it is within this factor (3 dB) of the level before it.
const BED_MARGIN: f32 = 1.41;

/// Envelope block, samples at 44.1 kHz (about 3 ms): attack and decay are found on block RMS.
const BLOCK: usize = 128;

/// Every hit of `channels` that passes the gates, classified, before de-duplication: the hits at
/// the analysis' onsets, and the hats and cymbals heard in the high band alone (see
/// [`HAT_BAND_HZ`]). Not realtime-safe: allocates.
pub fn slice_hits(channels: &[Vec<f32>], analysis: &Analysis, config: &OneShotConfig) -> Vec<OneShot> {
    // Without a flag nothing stops it: always `Some`.
    slice_hits_until(channels, analysis, config, None).unwrap_or_default()
}

/// [`slice_hits`], or `None` once `cancel` is raised: it is looked at between the passes over the
/// whole source (each a few tens of ms for minutes of audio) and every 64 hits, so a closing
/// plugin recording a file in the catalogue does not wait for them all.
fn slice_hits_until(channels: &[Vec<f32>], analysis: &Analysis, config: &OneShotConfig, cancel: Option<&CancelFlag>) -> Option<Vec<OneShot>> {
    let Some(first) = channels.first() else { return Some(Vec::new()) };
    if config.validate().is_err() || first.is_empty() {
        return Some(Vec::new());
    }
    let hop = analysis.config.hop_size;
    let fft = analysis.config.fft_size;
    // Attack windows: the attack of onset frame i lies in the later half of its window.
    let windows = |frames: &[usize]| -> Vec<(usize, usize)> { frames.iter().map(|&f| (f * hop, f * hop + fft + hop)).collect() };
    let mut hits = cut_hits(channels, &windows(&analysis.onsets), analysis.sample_rate_hz, config, cancel)?;
    // In a full mix (drums under an orchestra) a hat or a cymbal barely moves the full-band level:
    // it is found in the high band's own onsets and cut from the high band, where it is the sound.
    let frame_rate_hz = analysis.sample_rate_hz as f32 / hop.max(1) as f32;
    let high_flux: Vec<f32> = analysis.features.accent_flux.iter().map(|bands| bands[NUM_ACCENT_REGIONS - 1]).collect();
    let high_onsets = crate::analysis::pick_onsets(&high_flux, frame_rate_hz);
    let high: Vec<Vec<f32>> = channels
        .iter()
        .map(|c| {
            let mut x = c.clone();
            for _ in 0..2 {
                if is_cancelled(cancel) {
                    return None;
                }
                Biquad::new(BiquadCoefs::highpass(HAT_BAND_HZ, 0.707, analysis.sample_rate_hz as f32)).process_in_place(&mut x);
            }
            Some(x)
        })
        .collect::<Option<_>>()?;
    let high_hits = cut_hits(&high, &windows(&high_onsets), analysis.sample_rate_hz, config, cancel)?;
    // Noise in the high band, not the attack of a high note (a violin's is a few lines there), and
    // not a hit the full band already holds (a hat heard there, or the click of a kick).
    let near = (0.03 * analysis.sample_rate_hz as f32) as usize;
    let full_band_starts: Vec<usize> = hits.iter().map(|h| h.start_sample).collect();
    hits.extend(high_hits.into_iter().filter(|h| {
        h.class == HitClass::Hat
            && h.features.high_flatness >= HAT_MIN_HIGH_FLATNESS
            && !full_band_starts.iter().any(|&s| s.abs_diff(h.start_sample) <= near)
    }));
    hits.sort_by_key(|h| h.start_sample);
    Some(hits)
}

/// The hits of `channels` whose attacks lie in `windows` (sample ranges), gated, sliced, faded
/// and classified; `None` once `cancel` is raised (see [`slice_hits_until`]).
fn cut_hits(channels: &[Vec<f32>], windows: &[(usize, usize)], sr: u32, config: &OneShotConfig, cancel: Option<&CancelFlag>) -> Option<Vec<OneShot>> {
    let Some(first) = channels.first() else { return Some(Vec::new()) };
    let n = first.len();
    let ms = |v: f32| (v * sr as f32 / 1000.0) as usize;
    let inv = 1.0 / channels.len() as f32;
    let mono: Vec<f32> = (0..n).map(|i| channels.iter().map(|c| c[i]).sum::<f32>() * inv).collect();
    if is_cancelled(cancel) {
        return None;
    }
    let env: Vec<f32> = mono.chunks(BLOCK).map(|c| (c.iter().map(|x| x * x).sum::<f32>() / c.len() as f32).sqrt()).collect();
    // Peaks and decay are read on a smoothed envelope (5 blocks, about 15 ms, centred): a 3 ms
    // block is shorter than one period of a low drum, whose block RMS would flicker.
    let smooth: Vec<f32> = (0..env.len())
        .map(|b| {
            let part = &env[b.saturating_sub(2)..(b + 3).min(env.len())];
            (part.iter().map(|x| x * x).sum::<f32>() / part.len() as f32).sqrt()
        })
        .collect();
    let attacks: Vec<usize> = windows.iter().filter_map(|&(from, to)| attack_sample(&env, from, to)).collect();
    let mut analyzer = HitAnalyzer::new();
    let mut out = Vec::new();
    for (k, &attack) in attacks.iter().enumerate() {
        if k % 64 == 0 && is_cancelled(cancel) {
            return None;
        }
        let next = attacks.get(k + 1).copied().unwrap_or(n);
        if next <= attack {
            continue;
        }
        let ab = attack / BLOCK;
        // The loudest block in the first 50 ms is the hit's peak.
        let peak_end = ((attack + ms(50.0)) / BLOCK + 1).min(env.len()).min(next.div_ceil(BLOCK).max(ab + 1));
        let Some((pb, peak_rms)) = smooth[ab..peak_end].iter().copied().enumerate().max_by(|a, b| a.1.total_cmp(&b.1)) else { continue };
        let pb = ab + pb;
        // Loudest block of the 30 ms before the attack (the block just before it may hold its start).
        let lo = ab.saturating_sub(ms(30.0) / BLOCK + 1);
        let before = env[lo..ab.saturating_sub(1).max(lo)].iter().copied().fold(0.0f32, f32::max);
        let attack_db = 20.0 * math::log10(peak_rms / before.max(1e-7));
        if attack_db < config.min_attack_db {
            continue;
        }
        // In a mix the hit decays into the bed it rose from: it ends at whichever comes first, the
        // decay floor or 3 dB above the level before the attack.
        let floor = (peak_rms * db_to_amplitude(config.decay_floor_db)).max(before * BED_MARGIN);
        let start = attack.saturating_sub(ms(config.pre_roll_ms));
        let limit = (start + ms(config.max_length_ms)).min(next.saturating_sub(ms(config.pre_roll_ms))).min(n);
        let mut end_block = pb;
        let mut natural_end = false;
        while (end_block + 1) * BLOCK <= limit {
            if smooth[end_block] < floor {
                natural_end = true;
                break;
            }
            end_block += 1;
        }
        let end = (end_block * BLOCK).min(limit);
        // A sound that has not fallen `MIN_DECAY_DB` by the end of its slice is sustained, not a hit.
        let end_rms = smooth[(end / BLOCK).saturating_sub(1).min(env.len() - 1)];
        if !natural_end && 20.0 * math::log10(peak_rms / end_rms.max(1e-9)) < MIN_DECAY_DB {
            continue;
        }
        if end <= start || end - start < ms(config.min_length_ms) {
            continue;
        }
        let slice = &mono[start..end];
        let peak = slice.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        let peak_dbfs = 20.0 * math::log10(peak.max(1e-9));
        let dc = slice.iter().sum::<f32>() / slice.len() as f32;
        let clipped = channels.iter().flat_map(|c| &c[start..end]).filter(|x| x.abs() >= 0.999).count();
        let clip_ratio = clipped as f32 / (slice.len() * channels.len()) as f32;
        if peak_dbfs < config.min_peak_dbfs || dc.abs() > config.max_dc_offset || clip_ratio > config.max_clip_ratio {
            continue;
        }
        let features = analyzer.features(&mono[..end], attack, pb * BLOCK, sr);
        let mut cut: Vec<Vec<f32>> = channels.iter().map(|c| c[start..end].to_vec()).collect();
        fade(&mut cut, ms(config.fade_in_ms), ms(config.fade_out_ms));
        let level = ((peak_dbfs + 40.0) / 40.0).clamp(0.0, 1.0);
        let score = 0.5 * (attack_db / 30.0).min(1.0) + 0.3 * f32::from(u8::from(natural_end)) + 0.2 * level;
        out.push(OneShot { start_sample: start, len_samples: end - start, class: features.class(), features, score, natural_end, channels: cut });
    }
    Some(out)
}

/// The best hits of a source: [`slice_hits`], then per class the highest-scoring hits that differ
/// from every hit kept before them by at least `min_distance`, at most `max_per_class` each.
/// Returned in class order, best first. Not realtime-safe: allocates.
pub fn find_oneshots(channels: &[Vec<f32>], analysis: &Analysis, config: &OneShotConfig) -> Vec<OneShot> {
    // Without a flag nothing stops it: always `Some`.
    find_oneshots_until(channels, analysis, config, None).unwrap_or_default()
}

/// [`find_oneshots`], or `None` once `cancel` is raised (see [`slice_hits_until`]). Not
/// realtime-safe: allocates.
pub fn find_oneshots_until(channels: &[Vec<f32>], analysis: &Analysis, config: &OneShotConfig, cancel: Option<&CancelFlag>) -> Option<Vec<OneShot>> {
    let mut hits = slice_hits_until(channels, analysis, config, cancel)?;
    hits.sort_by(|a, b| a.class.cmp(&b.class).then(b.score.total_cmp(&a.score)).then(a.start_sample.cmp(&b.start_sample)));
    let mut kept: Vec<OneShot> = Vec::new();
    for hit in hits {
        let same_class = kept.iter().filter(|k| k.class == hit.class);
        if same_class.clone().count() >= config.max_per_class {
            continue;
        }
        if same_class.clone().any(|k| k.features.distance(&hit.features) < config.min_distance) {
            continue;
        }
        kept.push(hit);
    }
    Some(kept)
}

/// The first sample of the attack inside `from..to`: the start of the first block, counting back
/// from the loudest block, whose RMS is below a tenth of that block's.
fn attack_sample(env: &[f32], from: usize, to: usize) -> Option<usize> {
    let (b0, b1) = (from / BLOCK, (to / BLOCK + 1).min(env.len()));
    if b0 >= b1 {
        return None;
    }
    let (peak_block, peak) = env[b0..b1].iter().copied().enumerate().max_by(|a, b| a.1.total_cmp(&b.1))?;
    let mut b = b0 + peak_block;
    while b > 0 && b > b0.saturating_sub(4) && env[b - 1] >= 0.1 * peak {
        b -= 1;
    }
    Some(b * BLOCK)
}

/// Raised-cosine fades: `fade_in` samples at the start, `fade_out` (at most a third of the slice) at the end.
fn fade(channels: &mut [Vec<f32>], fade_in: usize, fade_out: usize) {
    let n = channels.first().map_or(0, Vec::len);
    let fade_in = fade_in.min(n / 3);
    let fade_out = fade_out.min(n / 3).max(1);
    for ch in channels {
        for (i, sample) in ch.iter_mut().take(fade_in).enumerate() {
            *sample *= 0.5 - 0.5 * math::cos(std::f32::consts::PI * i as f32 / fade_in as f32);
        }
        for i in 0..fade_out {
            ch[n - 1 - i] *= 0.5 - 0.5 * math::cos(std::f32::consts::PI * i as f32 / fade_out as f32);
        }
    }
}
