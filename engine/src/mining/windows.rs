//! Sliding-window statistics over an analysis' frame features, and the non-overlapping
//! round-robin selection the pad and hiss miners share.

use super::Region;
use crate::analysis::Analysis;

/// Statistics of the frames whose centres fall inside a span of samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct WindowStats {
    /// Power-mean level, dBFS.
    pub rms_db: f32,
    /// Standard deviation of the frame levels, dB.
    pub rms_std_db: f32,
    /// Onsets per second over the span.
    pub onset_rate_per_sec: f32,
    /// Mean spectral flatness, 0..1.
    pub flatness: f32,
    /// Mean spectral centroid, Hz.
    pub centroid_hz: f32,
    /// |mean of the frame DC offsets|, linear.
    pub dc_abs: f32,
    /// Largest frame peak over the power-mean RMS, linear.
    pub crest: f32,
    /// Mean fraction of clipped samples, 0..1.
    pub clip_ratio: f32,
    /// Mean onset-strength flux.
    pub flux_mean: f32,
    /// Standard deviation of the onset-strength flux.
    pub flux_std: f32,
    /// Harmonic steadiness, 0..1: similarity of the chroma of the window's two halves (1 when
    /// one chord sounds throughout; lower across a chord change).
    pub chroma_stability: f32,
}

/// Statistics of the frames centred in samples `start_sample .. start_sample + len_samples`;
/// `None` when no frame is centred there.
pub(crate) fn window_stats(analysis: &Analysis, start_sample: usize, len_samples: usize) -> Option<WindowStats> {
    let hop = analysis.config.hop_size.max(1);
    let half_fft = analysis.config.fft_size / 2;
    let first_centre_frame = |sample: usize| sample.saturating_sub(half_fft).div_ceil(hop);
    let num_frames = analysis.num_frames();
    let lo = first_centre_frame(start_sample).min(num_frames);
    let end_sample = start_sample + len_samples;
    let hi = if end_sample > half_fft { first_centre_frame(end_sample).min(num_frames) } else { 0 };
    if hi <= lo {
        return None;
    }
    let f = &analysis.features;
    let n = (hi - lo) as f32;
    let mean = |v: &[f32]| v[lo..hi].iter().sum::<f32>() / n;
    let std = |v: &[f32], m: f32| (v[lo..hi].iter().map(|x| (x - m) * (x - m)).sum::<f32>() / n).sqrt();

    let power_mean = f.rms_db[lo..hi].iter().map(|db| 10f32.powf(db / 10.0)).sum::<f32>() / n;
    let rms_lin = power_mean.sqrt();
    let rms_db = 10.0 * power_mean.max(1e-12).log10();
    let mean_db = mean(&f.rms_db);
    let peak = f.peak[lo..hi].iter().copied().fold(0.0f32, f32::max);
    let flux_mean = mean(&f.flux);
    let onsets_lo = analysis.onsets.partition_point(|&o| o < lo);
    let onsets_hi = analysis.onsets.partition_point(|&o| o < hi);
    let span_sec = len_samples as f32 / analysis.sample_rate_hz.max(1) as f32;
    Some(WindowStats {
        rms_db,
        rms_std_db: std(&f.rms_db, mean_db),
        onset_rate_per_sec: (onsets_hi - onsets_lo) as f32 / span_sec.max(1e-6),
        flatness: mean(&f.flatness),
        centroid_hz: mean(&f.centroid_hz),
        dc_abs: mean(&f.dc).abs(),
        crest: if rms_lin > 1e-9 { peak / rms_lin } else { 1.0 },
        clip_ratio: mean(&f.clip_ratio),
        flux_mean,
        flux_std: std(&f.flux, flux_mean),
        chroma_stability: chroma_stability(&f.chroma[lo..hi.min(f.chroma.len())]),
    })
}

/// Cosine similarity of the mean chroma of the first half of the frames and of the second half,
/// 0..1 (1 when either half has no chroma). Averaging over halves smooths the per-frame chroma
/// noise of vibrato and beating, so what remains is a change of chord.
fn chroma_stability(chroma: &[[f32; 12]]) -> f32 {
    let half = chroma.len() / 2;
    let mean = |frames: &[[f32; 12]]| {
        let mut m = [0.0f32; 12];
        for c in frames {
            for (m, v) in m.iter_mut().zip(c) {
                *m += v;
            }
        }
        m
    };
    let (a, b) = (mean(&chroma[..half]), mean(&chroma[half..]));
    let norm = |v: &[f32; 12]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
    let (na, nb) = (norm(&a), norm(&b));
    if na <= 1e-9 || nb <= 1e-9 {
        return 1.0;
    }
    (a.iter().zip(&b).map(|(x, y)| x * y).sum::<f32>() / (na * nb)).clamp(0.0, 1.0)
}
