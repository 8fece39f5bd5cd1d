//! Tempo estimation from the onset-strength (flux) curve: autocorrelation with a comb over the beat
//! period's multiples finds the pulse (Ellis, "Beat tracking by dynamic programming", 2007, uses the
//! same autocorrelation); the metrical level is then chosen by accent contrast, after Klapuri, Eronen &
//! Astola ("Analysis of the meter of acoustic musical signals", 2006): the beat is the level whose
//! half-period points are clearly weaker than its pulses (so the eighth-note hats lose) while at the
//! next level up the half-period points are as strong as the pulses (a backbeat snare answers the
//! kick), with a log-Gaussian preference around `PRIOR_CENTRE_BPM` to settle close calls.
//! Beatless material (pads, drones, noise) has no periodic onsets and gets no tempo.

use super::Analysis;
use serde::{Deserialize, Serialize};

/// Slowest tempo reported, BPM.
pub const MIN_BPM: f32 = 50.0;
/// Fastest tempo reported, BPM.
pub const MAX_BPM: f32 = 220.0;
/// Centre of the tempo prior, BPM.
const PRIOR_CENTRE_BPM: f32 = 120.0;
/// Width of the tempo prior, octaves (one standard deviation).
const PRIOR_WIDTH_OCTAVES: f32 = 1.0;
/// Weight of the prior's log against the contrast evidence when choosing the metrical level.
const PRIOR_WEIGHT: f32 = 1.0;
/// Multiples of the period summed by the comb.
const NUM_COMB_TEETH: usize = 4;
/// Comb strength (mean normalised autocorrelation at the period's multiples) below which the
/// material counts as beatless.
const MIN_PULSE_STRENGTH: f32 = 0.2;
/// Fewest onsets a source needs before a tempo is reported.
const MIN_ONSETS: usize = 4;
/// Length of the moving mean removed from the onset curve, seconds.
const DETREND_SEC: f32 = 1.0;

/// A tempo estimate with its confidence.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TempoEstimate {
    /// Beats per minute, `MIN_BPM..=MAX_BPM`; `None` for beatless material.
    pub bpm: Option<f32>,
    /// 0..1: the pulse's strength (mean normalised autocorrelation at the beat period's multiples).
    pub confidence: f32,
}

/// Estimates the tempo of an analysed source.
pub fn estimate_tempo(analysis: &Analysis) -> TempoEstimate {
    let none = TempoEstimate { bpm: None, confidence: 0.0 };
    let fps = analysis.frame_rate_hz();
    let envelope = onset_envelope(&analysis.features.flux, fps);
    let max_lag = (NUM_COMB_TEETH as f32 * 2.0 * 60.0 / MIN_BPM * fps).ceil() as usize;
    let acf = autocorrelation(&envelope, max_lag.min(envelope.len().saturating_sub(1)));
    if acf.len() < 2 || analysis.onsets.len() < MIN_ONSETS {
        return none;
    }
    let lag_of = |bpm: f32| 60.0 * fps / bpm;
    let comb = |bpm: f32| -> f32 {
        let period = lag_of(bpm);
        let teeth: Vec<f32> = (1..=NUM_COMB_TEETH)
            .map(|k| k as f32 * period)
            .take_while(|&lag| lag < (acf.len() - 1) as f32)
            .map(|lag| peak_near(&acf, lag))
            .collect();
        if teeth.is_empty() { 0.0 } else { teeth.iter().sum::<f32>() / teeth.len() as f32 }
    };

    // 1. The strongest pulse on a fine log grid, gently weighted by the prior.
    let num_steps = ((MAX_BPM / MIN_BPM).ln() / 0.002).ceil() as usize;
    let grid = (0..=num_steps).map(|i| MIN_BPM * (0.002 * i as f32).exp());
    let Some((pulse_bpm, pulse_strength)) = grid
        .map(|bpm| (bpm, comb(bpm)))
        .max_by(|a, b| (a.1 * prior(a.0)).total_cmp(&(b.1 * prior(b.0))))
    else {
        return none;
    };
    if !(pulse_strength >= MIN_PULSE_STRENGTH) {
        return TempoEstimate { bpm: None, confidence: pulse_strength.clamp(0.0, 1.0) };
    }

    // 2. The metrical level: among the pulse's octaves, the one whose half-period points are weak
    //    (contrast) while the level above has strong half-period points.
    let half_ratio = |bpm: f32| -> f32 {
        let period = lag_of(bpm);
        if period >= (acf.len() - 1) as f32 {
            return 1.0;
        }
        (peak_near(&acf, period * 0.5).max(1e-3) / peak_near(&acf, period).max(1e-3)).min(1.5)
    };
    let mut best: Option<(f32, f32)> = None;
    for octave in -2i32..=2 {
        let bpm = pulse_bpm * 2f32.powi(octave);
        if !(MIN_BPM..=MAX_BPM).contains(&bpm) {
            continue;
        }
        let score = half_ratio(bpm * 0.5).ln() - half_ratio(bpm).ln() + PRIOR_WEIGHT * prior(bpm).ln();
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((bpm, score));
        }
    }
    let bpm = best.map_or(pulse_bpm, |(bpm, _)| bpm);
    TempoEstimate { bpm: Some(bpm), confidence: comb(bpm).clamp(0.0, 1.0) }
}

/// Log-Gaussian tempo prior, 1 at `PRIOR_CENTRE_BPM`.
fn prior(bpm: f32) -> f32 {
    let octaves = (bpm / PRIOR_CENTRE_BPM).log2() / PRIOR_WIDTH_OCTAVES;
    (-0.5 * octaves * octaves).exp()
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

/// Unbiased autocorrelation of `x` at lags `0..=max_lag`, normalised to 1 at lag 0 (all zero for a
/// silent curve).
fn autocorrelation(x: &[f32], max_lag: usize) -> Vec<f32> {
    let n = x.len();
    let mut acf: Vec<f32> = (0..=max_lag.min(n.saturating_sub(1)))
        .map(|lag| {
            let sum: f32 = x[..n - lag].iter().zip(&x[lag..]).map(|(a, b)| a * b).sum();
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
    let mut best = value(lag - 1.0).max(value(lag + 1.0));
    for i in ((lag - 1.0).ceil().max(0.0) as usize)..=((lag + 1.0).floor() as usize).min(acf.len() - 1) {
        best = best.max(acf[i]);
    }
    best
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
        assert!(acf[40] > 0.9 && acf[80] > 0.9 && acf[20] == 0.0);
        assert!((peak_near(&acf, 39.5) - acf[40]).abs() < 1e-6);
    }

    #[test]
    fn prior_prefers_moderate_tempi() {
        assert_eq!(prior(PRIOR_CENTRE_BPM), 1.0);
        assert!(prior(100.0) > prior(200.0) && prior(100.0) > prior(60.0));
    }
}
