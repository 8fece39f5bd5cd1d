//! Sliding-window statistics over an analysis' frame features, and the non-overlapping
//! round-robin selection the pad and hiss miners share.

use crate::rt::math;
use super::Region;
use crate::analysis::Analysis;
use std::ops::Range;

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
    /// Power-mean level of the air band (see `FrameFeatures::air_db`), dBFS.
    pub air_db: f32,
    /// Mean flatness within the air band, 0..1.
    pub air_flatness: f32,
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
    let Range { start: lo, end: hi } = centred_frames(analysis, start_sample, len_samples);
    if hi <= lo {
        return None;
    }
    let f = &analysis.features;
    let n = (hi - lo) as f32;
    let mean = |v: &[f32]| v[lo..hi].iter().sum::<f32>() / n;
    let std = |v: &[f32], m: f32| (v[lo..hi].iter().map(|x| (x - m) * (x - m)).sum::<f32>() / n).sqrt();

    let power_mean = f.rms_db[lo..hi].iter().map(|db| math::powf(10f32, db / 10.0)).sum::<f32>() / n;
    let rms_lin = power_mean.sqrt();
    let rms_db = 10.0 * math::log10(power_mean.max(1e-12));
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
        air_db: 10.0 * math::log10((f.air_db[lo..hi].iter().map(|db| math::powf(10f32, db / 10.0)).sum::<f32>() / n).max(1e-12)),
        air_flatness: mean(&f.air_flatness),
        dc_abs: mean(&f.dc).abs(),
        crest: if rms_lin > 1e-9 { peak / rms_lin } else { 1.0 },
        clip_ratio: mean(&f.clip_ratio),
        flux_mean,
        flux_std: std(&f.flux, flux_mean),
        chroma_stability: {
            let chroma = &f.chroma[lo..hi.min(f.chroma.len())];
            let half = chroma.len() / 2;
            chroma_cosine(&chroma[..half], &chroma[half..])
        },
    })
}

/// The frames whose centres fall in samples `start_sample .. start_sample + len_samples`.
pub(crate) fn centred_frames(analysis: &Analysis, start_sample: usize, len_samples: usize) -> Range<usize> {
    let hop = analysis.config.hop_size.max(1);
    let half_fft = analysis.config.fft_size / 2;
    let first_centre_frame = |sample: usize| sample.saturating_sub(half_fft).div_ceil(hop);
    let num_frames = analysis.num_frames().min(analysis.features.chroma.len());
    let lo = first_centre_frame(start_sample).min(num_frames);
    let end_sample = start_sample + len_samples;
    let hi = if end_sample > half_fft { first_centre_frame(end_sample).min(num_frames) } else { 0 };
    lo..hi.max(lo)
}

/// How alike the harmony of two spans of `len_samples` is: the cosine of their mean chroma,
/// 0..1 (1 when either has none). Used for the material a loop cross-fades into its head.
pub(crate) fn chroma_match(analysis: &Analysis, a_start_sample: usize, b_start_sample: usize, len_samples: usize) -> f32 {
    let chroma = &analysis.features.chroma;
    let a = centred_frames(analysis, a_start_sample, len_samples);
    let b = centred_frames(analysis, b_start_sample, len_samples);
    chroma_cosine(&chroma[a], &chroma[b])
}

/// Window lengths in samples: each target duration that fits in `usable_samples`; when none
/// fits, the longest window the source allows if it is at least `min_duration_sec`.
pub(crate) fn window_lengths_samples(
    targets_sec: &[f32],
    min_duration_sec: f32,
    max_duration_sec: f32,
    usable_samples: usize,
    sample_rate_hz: u32,
) -> Vec<usize> {
    let sr = sample_rate_hz as f32;
    let mut lengths: Vec<usize> = targets_sec
        .iter()
        .map(|&d| (d * sr).round() as usize)
        .filter(|&len| len > 0 && len <= usable_samples)
        .collect();
    if lengths.is_empty() {
        let longest = usable_samples.min((max_duration_sec * sr) as usize);
        if longest > 0 && longest as f32 >= min_duration_sec * sr {
            lengths.push(longest);
        }
    }
    lengths.sort_unstable_by(|a, b| b.cmp(a));
    lengths.dedup();
    lengths
}

/// Window starts every `hop_samples` such that `start + span_samples <= usable_samples`.
pub(crate) fn window_starts(usable_samples: usize, span_samples: usize, hop_samples: usize) -> impl Iterator<Item = usize> {
    let last = usable_samples.checked_sub(span_samples);
    (0..).map(move |k| k * hop_samples.max(1)).take_while(move |&s| last.is_some_and(|last| s <= last))
}

/// Picks at most `max_count` regions, taking turns between the window lengths (longest first,
/// each its best remaining candidate) so several durations come out, never keeping two regions
/// that share more than `max_overlap_ratio` of the shorter one, nor two whose tags `same` calls
/// alike (the pad miner tags regions with their [`super::Material`], so each material gives one
/// pad; the hiss miner tags nothing). Best first overall.
pub(crate) fn select_round_robin<T>(
    mut per_length: Vec<Vec<(Region, T)>>,
    max_count: usize,
    max_overlap_ratio: f32,
    same: impl Fn(&T, &T) -> bool,
) -> Vec<Region> {
    for list in &mut per_length {
        list.sort_by(|(a, _), (b, _)| b.score.total_cmp(&a.score).then(a.start_sample.cmp(&b.start_sample)));
        list.reverse(); // pop() takes the best.
    }
    let mut chosen: Vec<(Region, T)> = Vec::new();
    while chosen.len() < max_count {
        let mut picked_any = false;
        for list in &mut per_length {
            if chosen.len() >= max_count {
                break;
            }
            while let Some((candidate, tag)) = list.pop() {
                let fits = |(c, t): &(Region, T)| c.overlap_ratio(&candidate) <= max_overlap_ratio && !same(t, &tag);
                if chosen.iter().all(fits) {
                    chosen.push((candidate, tag));
                    picked_any = true;
                    break;
                }
            }
        }
        if !picked_any {
            break;
        }
    }
    let mut chosen: Vec<Region> = chosen.into_iter().map(|(region, _)| region).collect();
    chosen.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.start_sample.cmp(&b.start_sample)));
    chosen
}

/// Cosine similarity of the mean chroma of two runs of frames, 0..1 (1 when either has no
/// chroma). Averaging smooths the per-frame chroma noise of vibrato and beating, so what
/// remains is a change of chord.
fn chroma_cosine(a: &[[f32; 12]], b: &[[f32; 12]]) -> f32 {
    let mean = |frames: &[[f32; 12]]| {
        let mut m = [0.0f32; 12];
        for c in frames {
            for (m, v) in m.iter_mut().zip(c) {
                *m += v;
            }
        }
        m
    };
    let (a, b) = (mean(a), mean(b));
    let norm = |v: &[f32; 12]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
    let (na, nb) = (norm(&a), norm(&b));
    if na <= 1e-9 || nb <= 1e-9 {
        return 1.0;
    }
    (a.iter().zip(&b).map(|(x, y)| x * y).sum::<f32>() / (na * nb)).clamp(0.0, 1.0)
}

impl Region {
    /// A mined window with its ranking score and the statistics it was chosen on.
    pub(crate) fn from_window(start_sample: usize, len_samples: usize, score: f32, stats: &WindowStats) -> Self {
        Self {
            start_sample,
            len_samples,
            score,
            rms_db: stats.rms_db,
            onset_rate_per_sec: stats.onset_rate_per_sec,
            flatness: stats.flatness,
            centroid_hz: stats.centroid_hz,
            layer: crate::separate::Layer::Mix,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(start_sample: usize, len_samples: usize, score: f32) -> Region {
        Region { score, rms_db: -20.0, ..Region::span(start_sample, len_samples) }
    }

    #[test]
    fn round_robin_respects_overlap_and_count() {
        let long: Vec<(Region, ())> = (0..10).map(|k| (region(k * 100, 400, 0.5 + k as f32 * 0.01), ())).collect();
        let short: Vec<(Region, ())> = (0..20).map(|k| (region(k * 50, 200, 0.9 - k as f32 * 0.01), ())).collect();
        let chosen = select_round_robin(vec![long, short], 4, 0.5, |_, _| false);
        assert_eq!(chosen.len(), 4);
        for (i, a) in chosen.iter().enumerate() {
            for b in &chosen[i + 1..] {
                assert!(a.overlap_ratio(b) <= 0.5, "{a:?} {b:?}");
            }
        }
        assert!(chosen.iter().any(|r| r.len_samples == 400) && chosen.iter().any(|r| r.len_samples == 200));
        assert!(chosen.windows(2).all(|w| w[0].score >= w[1].score));
    }

    #[test]
    fn round_robin_keeps_one_region_per_tag_that_is_alike() {
        // Far apart in time, so only the tags can keep them out: two materials, 0 and 1.
        let regions: Vec<(Region, u8)> = (0..8).map(|k| (region(k * 1000, 100, 1.0 - k as f32 * 0.01), (k % 2) as u8)).collect();
        let chosen = select_round_robin(vec![regions], 8, 0.5, |a, b| a == b);
        assert_eq!(chosen.iter().map(|r| r.start_sample).collect::<Vec<_>>(), vec![0, 1000]);
    }

    #[test]
    fn lengths_fall_back_to_what_fits() {
        assert_eq!(window_lengths_samples(&[2.0, 4.0], 1.0, 10.0, 44_100 * 3, 44_100), vec![88_200]);
        assert_eq!(window_lengths_samples(&[2.0, 4.0], 1.0, 10.0, 60_000, 44_100), vec![60_000]);
        assert!(window_lengths_samples(&[2.0], 1.0, 10.0, 40_000, 44_100).is_empty());
        assert_eq!(window_starts(10, 4, 3).collect::<Vec<_>>(), vec![0, 3, 6]);
        assert_eq!(window_starts(3, 4, 3).count(), 0);
    }
}
