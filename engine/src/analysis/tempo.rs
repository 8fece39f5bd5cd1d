//! Tempo estimation from the onset-strength (flux) curve, in two stages.
//!
//! 1. Pulse: the autocorrelation of the detrended onset curve, read through a comb at the first
//!    `NUM_COMB_TEETH` multiples of each candidate period and weighted by a log-Gaussian prior around
//!    `PRIOR_CENTRE_BPM` (Ellis, "Beat tracking by dynamic programming", 2007, uses the same
//!    autocorrelation and prior). This finds the pulse train but not reliably its metrical level.
//! 2. Level: among the pulse's octaves, the beat is the level with the most accent contrast: its
//!    pulses recur (autocorrelation at whole periods) while its half-period points do not (at
//!    half-odd periods), measured on the cubed onset curve so that loud events (kick, snare) outweigh
//!    soft ones (hats). Half tempo loses because the backbeat falls on its half-period points; double
//!    tempo loses because the off-beat hats are quiet. After the metrical-level scoring of Klapuri,
//!    Eronen & Astola ("Analysis of the meter of acoustic musical signals", 2006), simplified.
//!    Band accents from the same STFT pass add the backbeat: the level where the snare band
//!    (150 Hz-3 kHz) answers the kick band (below 150 Hz) one beat away rather than two scores higher
//!    (after the drum-pattern cue of Goto, "An audio-based real-time beat tracking system", 2001,
//!    reduced to one cross-correlation), and a groove
//!    whose snare comes back every four beats, never every two, is read at half that level
//!    (half time: snare on 3).
//!
//! Beatless material (pads, drones, noise) has no periodic onsets and gets no tempo.

use crate::rt::math;
use super::{Analysis, NUM_ACCENT_REGIONS};
use serde::{Deserialize, Serialize};

/// Slowest tempo reported, BPM.
pub const MIN_BPM: f32 = 50.0;
/// Fastest tempo reported, BPM.
pub const MAX_BPM: f32 = 220.0;
/// Centre of the tempo prior, BPM.
const PRIOR_CENTRE_BPM: f32 = 120.0;
/// Width of the tempo prior, octaves (one standard deviation).
const PRIOR_WIDTH_OCTAVES: f32 = 1.0;
/// Weight of the prior's log next to the contrast when choosing the metrical level.
const LEVEL_PRIOR_WEIGHT: f32 = 0.4;
/// Exponent applied to the onset curve for the level choice (emphasises the loudest onsets).
const ACCENT_EXPONENT: i32 = 3;
/// Weight of the kick-snare alternation (see `Backbeat::alternation`) in the metrical-level score.
const ALTERNATION_WEIGHT: f32 = 2.0;
/// Kick-snare alternation above which a groove is clear enough for the half-time test.
const HALF_TIME_MIN_ALTERNATION: f32 = 0.1;
/// Largest snare recurrence after two beats that still reads as a half-time snare (rendered half-time
/// grooves measure about 0.05 and less, backbeats 0.15 and more).
const HALF_TIME_MAX_RECURRENCE: f32 = 0.1;
/// How much more the snare must recur after four beats than after two for half time.
const HALF_TIME_MIN_RECURRENCE_GAIN: f32 = 0.15;
/// Temperature of the softmax over metrical-level scores that shares the confidence among levels.
const LEVEL_TEMPERATURE: f32 = 0.1;
/// Multiples of the period read by the comb.
const NUM_COMB_TEETH: usize = 4;
/// Comb strength (mean normalised autocorrelation at the period's multiples) below which the
/// material counts as beatless. Rendered grooves measure 0.64 and more; pads, drones and noise 0.1
/// and less.
const MIN_PULSE_STRENGTH: f32 = 0.3;
/// Fewest onsets a source needs before a tempo is reported.
const MIN_ONSETS: usize = 4;
/// Length of the moving mean removed from the onset curve, seconds.
const DETREND_SEC: f32 = 1.0;
/// Step of the tempo grid, natural-log units (0.2 %).
const GRID_STEP: f32 = 0.002;

/// A tempo estimate with its confidence.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TempoEstimate {
    /// Beats per minute, `MIN_BPM..=MAX_BPM`; `None` for beatless material.
    pub bpm: Option<f32>,
    /// 0..1: the pulse's strength (mean normalised autocorrelation at the beat period's multiples),
    /// times the level's share of belief among the metrical levels (lower when half or double tempo
    /// scores nearly as well).
    pub confidence: f32,
}

/// Estimates the tempo of an analysed source: the first of [`rank_tempi`], or no tempo (with the
/// pulse strength as confidence) for beatless material.
pub fn estimate_tempo(analysis: &Analysis) -> TempoEstimate {
    match rank_tempi(analysis) {
        Ok(ranked) => ranked[0],
        Err(confidence) => TempoEstimate { bpm: None, confidence },
    }
}

/// The metrical levels of the source's pulse (its octaves within `MIN_BPM..=MAX_BPM`), most likely
/// first, never empty; `Err(pulse strength)` for beatless material.
///
/// Each level's confidence is the pulse strength at its period times its share of a softmax over the
/// level scores (temperature `LEVEL_TEMPERATURE`), so when two levels score alike (the metrical level
/// is unsure) both read about half the pulse strength, and a clear winner keeps nearly all of it.
pub fn rank_tempi(analysis: &Analysis) -> Result<Vec<TempoEstimate>, f32> {
    let fps = analysis.frame_rate_hz();
    let envelope = onset_envelope(&analysis.features.flux, fps);
    let max_lag = (NUM_COMB_TEETH as f32 * 60.0 / MIN_BPM * fps).ceil() as usize + 2;
    let acf = autocorrelation(&envelope, max_lag);
    if acf.len() < 4 || analysis.onsets.len() < MIN_ONSETS {
        return Err(0.0);
    }
    let period_of = |bpm: f32| 60.0 * fps / bpm;

    // 1. The strongest pulse on a fine log grid, weighted by the prior.
    let num_steps = (math::ln(MAX_BPM / MIN_BPM) / GRID_STEP).ceil() as usize;
    let Some((pulse_bpm, _)) = (0..=num_steps)
        .map(|i| MIN_BPM * math::exp(GRID_STEP * i as f32))
        .map(|bpm| (bpm, comb(&acf, period_of(bpm)) * prior(bpm)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
    else {
        return Err(0.0);
    };
    let pulse_strength = comb(&acf, period_of(pulse_bpm));
    if pulse_strength.is_nan() || pulse_strength < MIN_PULSE_STRENGTH {
        return Err(if pulse_strength.is_finite() { pulse_strength.clamp(0.0, 1.0) } else { 0.0 });
    }

    // 2. The metrical levels with the clearest accents, among the pulse's octaves.
    let accents: Vec<f32> = envelope.iter().map(|e| e.powi(ACCENT_EXPONENT)).collect();
    let accent_acf = autocorrelation(&accents, max_lag);
    let backbeat = Backbeat::new(&analysis.features.accent_flux, fps);
    let mut levels: Vec<(f32, f32)> = (-3i32..=3)
        .map(|octave| pulse_bpm * 2f32.powi(octave))
        .filter(|bpm| (MIN_BPM..=MAX_BPM).contains(bpm))
        .map(|bpm| {
            let period = period_of(bpm);
            let score = contrast(&accent_acf, period)
                + ALTERNATION_WEIGHT * backbeat.alternation(period)
                + LEVEL_PRIOR_WEIGHT * math::ln(prior(bpm));
            (bpm, score)
        })
        .filter(|(_, score)| score.is_finite())
        .collect();
    if levels.is_empty() {
        levels.push((pulse_bpm, 0.0));
    }
    levels.sort_by(|a, b| b.1.total_cmp(&a.1));
    // Half-time feel: a clear kick-snare groove whose snare comes back every four beats, never every
    // two, is felt at half the level (snare on 3). The half level takes the winner's place.
    let (best_bpm, _) = levels[0];
    if backbeat.alternation(period_of(best_bpm)) > HALF_TIME_MIN_ALTERNATION
        && let Some(half) = levels.iter().position(|&(bpm, _)| (bpm * 2.0 / best_bpm - 1.0).abs() < 1e-3)
    {
        let (two, four) = backbeat.snare_recurrence(period_of(best_bpm), max_lag);
        if two < HALF_TIME_MAX_RECURRENCE && four > two + HALF_TIME_MIN_RECURRENCE_GAIN {
            let (first, second) = (levels[0].1, levels[half].1);
            levels[0].1 = second;
            levels[half].1 = first;
            levels.sort_by(|a, b| b.1.total_cmp(&a.1));
        }
    }
    let best_score = levels[0].1;
    let weights: Vec<f32> = levels
        .iter()
        .map(|&(_, score)| math::exp((score - best_score) / LEVEL_TEMPERATURE))
        .collect();
    let weight_sum: f32 = weights.iter().sum();
    Ok(levels
        .iter()
        .zip(&weights)
        .map(|(&(bpm, _), &w)| {
            let confidence = comb(&acf, period_of(bpm)).clamp(0.0, 1.0) * w / weight_sum;
            TempoEstimate {
                bpm: Some(bpm),
                confidence: if confidence.is_finite() { confidence } else { 0.0 },
            }
        })
        .collect())
}

/// Mean autocorrelation at the first `NUM_COMB_TEETH` multiples of `period` (frames) that fit.
fn comb(acf: &[f32], period: f32) -> f32 {
    let teeth = (1..=NUM_COMB_TEETH)
        .map(|k| k as f32 * period)
        .take_while(|&lag| lag + 1.0 < acf.len() as f32);
    let (sum, count) = teeth.fold((0.0, 0usize), |(s, n), lag| (s + peak_near(acf, lag), n + 1));
    if count == 0 { 0.0 } else { sum / count as f32 }
}

/// Accent contrast of a pulse with `period` frames: mean autocorrelation at its whole periods minus
/// the mean at its half-odd periods (0.5, 1.5, ...).
fn contrast(acf: &[f32], period: f32) -> f32 {
    let ks = (1..=NUM_COMB_TEETH).take_while(|&k| k as f32 * period + 1.0 < acf.len() as f32);
    let (mut on, mut off, mut count) = (0.0, 0.0, 0usize);
    for k in ks {
        on += peak_near(acf, k as f32 * period);
        off += peak_near(acf, (k as f32 - 0.5) * period);
        count += 1;
    }
    if count == 0 {
        f32::NEG_INFINITY
    } else {
        (on - off) / count as f32
    }
}

/// Kick-band and snare-band onset envelopes, centred and scaled to unit energy, for the alternation
/// cue: in a backbeat the snare answers the kick one beat later.
struct Backbeat {
    kick: Vec<f32>,
    snare: Vec<f32>,
    /// Squared onset envelopes of the 150-500 Hz (snare body) and 500 Hz-3 kHz (snare crack) regions.
    snare_accents: [Vec<f32>; 2],
}

impl Backbeat {
    /// Envelopes of the accent regions below 150 Hz (kick) and from 150 Hz to 3 kHz (snare body and
    /// crack; the hats above 3 kHz are left out). Empty when `accent_flux` is.
    fn new(accent_flux: &[[f32; NUM_ACCENT_REGIONS]], fps: f32) -> Self {
        let region = |regions: &[usize]| -> Vec<f32> {
            let flux: Vec<f32> = accent_flux.iter().map(|f| regions.iter().map(|&r| f[r]).sum()).collect();
            let mut envelope = onset_envelope(&flux, fps);
            let mean = envelope.iter().sum::<f32>() / envelope.len().max(1) as f32;
            envelope.iter_mut().for_each(|e| *e -= mean);
            let energy = envelope.iter().map(|e| e * e).sum::<f32>();
            let scale = if energy > 0.0 { energy.sqrt().recip() } else { 0.0 };
            envelope.iter_mut().for_each(|e| *e *= scale);
            envelope
        };
        let accents = |r: usize| -> Vec<f32> {
            let flux: Vec<f32> = accent_flux.iter().map(|f| f[r]).collect();
            onset_envelope(&flux, fps).iter().map(|e| e * e).collect()
        };
        Self {
            kick: region(&[0]),
            snare: region(&[1, 2]),
            snare_accents: [accents(1), accents(2)],
        }
    }

    /// How strongly the snare regions' accents recur after two and after four beats of `period`
    /// frames: the larger of the two regions' autocorrelations at each lag. A backbeat recurs every
    /// two beats; a half-time snare (on 3) only every four.
    fn snare_recurrence(&self, period: f32, max_lag: usize) -> (f32, f32) {
        let (mut two, mut four) = (f32::NEG_INFINITY, f32::NEG_INFINITY);
        for accents in &self.snare_accents {
            let acf = autocorrelation(accents, max_lag);
            if acf.len() > (4.0 * period) as usize + 1 {
                two = two.max(peak_near(&acf, 2.0 * period));
                four = four.max(peak_near(&acf, 4.0 * period));
            }
        }
        (two, four)
    }

    /// Normalised cross-correlation at integer `lag` frames (snare later), corrected for the overlap.
    fn cross_correlation(&self, lag: isize) -> f32 {
        let n = self.kick.len().min(self.snare.len());
        if lag.unsigned_abs() >= n {
            return 0.0;
        }
        let len = n - lag.unsigned_abs();
        let (k0, s0) = if lag >= 0 { (0, lag.unsigned_abs()) } else { (lag.unsigned_abs(), 0) };
        let sum: f32 = self.kick[k0..k0 + len].iter().zip(&self.snare[s0..s0 + len]).map(|(k, s)| k * s).sum();
        sum * n as f32 / len as f32
    }

    /// The largest cross-correlation within one frame of the fractional `lag` (timing jitter, swing).
    fn cross_near(&self, lag: f32) -> f32 {
        let lo = (lag - 1.0).ceil() as isize;
        let hi = (lag + 1.0).floor() as isize;
        (lo..=hi).map(|l| self.cross_correlation(l)).fold(0.0, f32::max)
    }

    /// Kick-snare alternation at beat `period` (frames): how much more the snare band follows the
    /// kick band one beat later or earlier than two beats apart. Positive at the beat of a backbeat
    /// groove (kick on 1 and 3, snare on 2 and 4), negative at half tempo (there the snare answers
    /// half a beat away and the kick comes back every two beats) and near zero at double tempo.
    fn alternation(&self, period: f32) -> f32 {
        let near = 0.5 * (self.cross_near(period) + self.cross_near(-period));
        let far = 0.5 * (self.cross_near(2.0 * period) + self.cross_near(-2.0 * period));
        near - far
    }
}

/// Log-Gaussian tempo prior, 1 at `PRIOR_CENTRE_BPM`.
fn prior(bpm: f32) -> f32 {
    let octaves = math::log2(bpm / PRIOR_CENTRE_BPM) / PRIOR_WIDTH_OCTAVES;
    math::exp(-0.5 * octaves * octaves)
}

/// The flux with its moving mean (`DETREND_SEC`) removed, half-wave rectified and lightly smoothed.
fn onset_envelope(flux: &[f32], fps: f32) -> Vec<f32> {
    let n = flux.len();
    let half = ((DETREND_SEC * fps * 0.5) as usize).max(1);
    let mut prefix = vec![0.0f64; n + 1];
    for (i, &f) in flux.iter().enumerate() {
        prefix[i + 1] = prefix[i] + if f.is_finite() { f64::from(f) } else { 0.0 };
    }
    let detrended: Vec<f32> = (0..n)
        .map(|i| {
            let (lo, hi) = (i.saturating_sub(half), (i + half + 1).min(n));
            let mean = ((prefix[hi] - prefix[lo]) / (hi - lo) as f64) as f32;
            let f = if flux[i].is_finite() { flux[i] } else { 0.0 };
            (f - mean).max(0.0)
        })
        .collect();
    (0..n)
        .map(|i| {
            let at = |j: isize| detrended.get(j as usize).copied().unwrap_or(0.0);
            let i = i as isize;
            0.25 * at(i - 1) + 0.5 * at(i) + 0.25 * at(i + 1)
        })
        .collect()
}

/// Unbiased autocorrelation of `x` minus its mean, at lags `0..=max_lag`, normalised to 1 at lag 0
/// (all zero for a constant curve).
fn autocorrelation(x: &[f32], max_lag: usize) -> Vec<f32> {
    let n = x.len();
    let mean = x.iter().sum::<f32>() / n.max(1) as f32;
    let centred: Vec<f32> = x.iter().map(|v| v - mean).collect();
    let mut acf: Vec<f32> = (0..=max_lag.min(n.saturating_sub(1)))
        .map(|lag| {
            let sum: f32 = centred[..n - lag].iter().zip(&centred[lag..]).map(|(a, b)| a * b).sum();
            sum / (n - lag) as f32
        })
        .collect();
    let zero = acf.first().copied().unwrap_or(0.0);
    if zero > 0.0 {
        acf.iter_mut().for_each(|a| *a /= zero);
    } else {
        acf.iter_mut().for_each(|a| *a = 0.0);
    }
    acf
}

/// The largest autocorrelation within one frame of the fractional lag `lag` (linearly interpolated at
/// the ends), so timing jitter and swing do not hide a peak.
fn peak_near(acf: &[f32], lag: f32) -> f32 {
    let value = |l: f32| -> f32 {
        let l = l.clamp(0.0, (acf.len() - 1) as f32);
        let i = l.floor() as usize;
        let frac = l - i as f32;
        let next = acf.get(i + 1).copied().unwrap_or(acf[i]);
        acf[i] + frac * (next - acf[i])
    };
    if acf.is_empty() {
        return 0.0;
    }
    let lo = ((lag - 1.0).ceil().max(0.0) as usize).min(acf.len() - 1);
    let hi = ((lag + 1.0).floor().max(0.0) as usize).min(acf.len() - 1);
    let edges = value(lag - 1.0).max(value(lag + 1.0));
    acf[lo..=hi.max(lo)].iter().fold(edges, |m, &a| m.max(a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn autocorrelation_of_pulse_train_peaks_at_its_period() {
        let mut x = vec![0.0f32; 400];
        for i in (0..400).step_by(40) {
            x[i] = 1.0;
        }
        let acf = autocorrelation(&x, 100);
        assert_eq!(acf[0], 1.0);
        assert!(acf[40] > 0.9 && acf[80] > 0.9 && acf[20] < 0.0);
        assert!((peak_near(&acf, 39.5) - acf[40]).abs() < 1e-6);
    }

    #[test]
    fn prior_prefers_moderate_tempi() {
        assert_eq!(prior(PRIOR_CENTRE_BPM), 1.0);
        assert!(prior(100.0) > prior(200.0) && prior(100.0) > prior(60.0));
    }
}
