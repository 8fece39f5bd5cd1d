//! Seamless loops: the seam is found by normalised cross-correlation of the material after the
//! loop end with the loop start, the tail is cross-faded into the head with a correlation-aware
//! equal-power fade, and the tail is dropped, so the file is exactly one loop long and its last
//! sample flows into its first.
//!
//! The fade keeps power constant for partially correlated signals by scaling the sin/cos gains
//! by 1 / sqrt(1 + 2 r sin cos), r the correlation of the two faded segments (equal-power for
//! r = 0, equal-gain for r = 1).
//!
//! Two measured choices come first, because a perfectly continuous wrap still shows as a seam
//! when it falls on a swell or a note change: the start moves (within `start_search_ms`) to
//! where the source's spectral flux across the future wrap is least, and among the highest
//! correlation peaks the seam whose built wrap frame has the least flux (and an in-range
//! sample step) wins. Both are measured with the same spectra as `curate::seam`.

use crate::rt::math;
use super::setting::{check_range, invalid};
use super::Region;
use crate::curate::seam::{
    percentile, SeamMeter, SeamMetrics, SEAM_HOP_SIZE, SEAM_SAMPLES_AFTER_WRAP, SEAM_SAMPLES_BEFORE_WRAP,
};
use crate::Result;

/// How a loop's seam is searched and faded.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LoopConfig {
    /// Length of the cross-fade of the tail into the head, ms (1..=2000). Shortened to a quarter
    /// of the loop for very short loops.
    pub crossfade_ms: f32,
    /// The loop length may move this far either way from the region's length to find the best
    /// match, ms (0..=500).
    pub seam_search_ms: f32,
    /// Length of the window compared by normalised cross-correlation, centred on the middle of
    /// the cross-fade, ms (5..=500).
    pub seam_match_ms: f32,
    /// The loop start may move this far either way from the region's start to put the wrap
    /// where the source is calmest, ms (0..=2000).
    pub start_search_ms: f32,
}

impl Default for LoopConfig {
    fn default() -> Self {
        Self { crossfade_ms: 100.0, seam_search_ms: 25.0, seam_match_ms: 40.0, start_search_ms: 250.0 }
    }
}

impl LoopConfig {
    /// Checks every field, naming the first bad key, its value and the allowed range.
    pub fn validate(&self) -> Result<()> {
        check_range("crossfade_ms", self.crossfade_ms, 1.0, 2000.0)?;
        check_range("seam_search_ms", self.seam_search_ms, 0.0, 500.0)?;
        check_range("seam_match_ms", self.seam_match_ms, 5.0, 500.0)?;
        check_range("start_search_ms", self.start_search_ms, 0.0, 2000.0)
    }

    /// Source samples needed after a region's end for the search and the cross-fade.
    pub fn tail_samples(&self, sample_rate_hz: u32) -> usize {
        let ms = |v: f32| (v * sample_rate_hz as f32 / 1000.0).round() as usize;
        ms(self.seam_search_ms) + ms(self.crossfade_ms).max(ms(self.seam_match_ms))
    }
}

/// A seamless loop cut from a source.
#[derive(Debug, Clone, PartialEq)]
pub struct Loop {
    /// Planar channels, each exactly `len_samples` long; the last sample flows into the first.
    pub channels: Vec<Vec<f32>>,
    /// Source sample the loop starts at: the region's start moved by at most the start search
    /// (further back when the source ends too soon after the region for the cross-fade).
    pub source_start_sample: usize,
    /// Loop length, samples (the region's length moved by at most the seam search).
    pub len_samples: usize,
    /// The seam measured on the finished loop.
    pub seam: SeamMetrics,
}

/// Cuts a seamless loop for `region` from planar `channels` (all the same length).
///
/// The start may move by `config.start_search_ms` to where the source is calmest at the wrap;
/// the loop length is chosen within `config.seam_search_ms` of the region's length where the
/// material after the loop end best matches the loop start (normalised cross-correlation of the
/// mono mix, best integer lag); that material is cross-faded into the head and the rest dropped.
/// Errors name the setting or argument at fault (a region outside the source, channels of
/// unequal length, a source too short for the loop plus its cross-fade).
/// Not realtime-safe: allocates.
pub fn make_loop(channels: &[Vec<f32>], region: &Region, config: &LoopConfig, sample_rate_hz: u32) -> Result<Loop> {
    make_loop_with(&mut SeamMeter::new(), channels, region, config, sample_rate_hz)
}

/// [`make_loop`] measuring the seam with a caller's [`SeamMeter`] (one FFT plan for many
/// loops). Not realtime-safe: allocates.
pub fn make_loop_with(
    meter: &mut SeamMeter,
    channels: &[Vec<f32>],
    region: &Region,
    config: &LoopConfig,
    sample_rate_hz: u32,
) -> Result<Loop> {
    config.validate()?;
    let mut plan = plan_loop(channels, region, config, sample_rate_hz)?;
    // Mix to mono only the stretch the searches can reach, and plan in its coordinates.
    let span_start = plan.start.saturating_sub(plan.start_search);
    let span_end = (plan.start + plan.start_search).min(plan.latest_start) + plan.span_len;
    let span: Vec<Vec<f32>> = channels.iter().map(|c| c[span_start..span_end].to_vec()).collect();
    let mono = crate::source::mix_to_mono(&span);
    let mut local = LoopPlan { start: plan.start - span_start, latest_start: plan.latest_start - span_start, ..plan };
    local.start = choose_start(meter, &mono, &local);
    let len = choose_loop_length(meter, &mono, &local);
    let r = correlation(&mono[local.start..][..plan.crossfade], &mono[local.start + len..][..plan.crossfade]);
    let r = r.clamp(0.0, 1.0);
    plan.start = local.start + span_start;
    let tail = plan.start + len..plan.start + len + plan.crossfade;

    let out: Vec<Vec<f32>> = channels
        .iter()
        .map(|x| {
            let mut y = x[plan.start..plan.start + len].to_vec();
            crossfade_into_head(&mut y[..plan.crossfade], &x[tail.clone()], r, plan.crossfade);
            y
        })
        .collect();
    let seam = meter.measure(&out);
    Ok(Loop { channels: out, source_start_sample: plan.start, len_samples: len, seam })
}

/// Where the loop may read, in samples of the source.
#[derive(Debug, Clone, Copy)]
struct LoopPlan {
    start: usize,
    target_len: usize,
    search: usize,
    crossfade: usize,
    match_len: usize,
    /// Latest start that leaves room for the search and the cross-fade.
    latest_start: usize,
    /// Source samples a loop reads from its start: target length, search and cross-fade.
    span_len: usize,
    /// How far the start may move either way to put the wrap somewhere calm.
    start_search: usize,
}

fn plan_loop(channels: &[Vec<f32>], region: &Region, config: &LoopConfig, sample_rate_hz: u32) -> Result<LoopPlan> {
    let num_samples = channels.first().map_or(0, Vec::len);
    if channels.is_empty() || channels.iter().any(|c| c.len() != num_samples) {
        let lens: Vec<usize> = channels.iter().map(Vec::len).collect();
        return Err(invalid("channels", format!("{lens:?}"), "expected 1 or more channels of equal length".into()));
    }
    if region.len_samples < 64 || region.end_sample() > num_samples {
        return Err(invalid(
            "region",
            format!("{}..{}", region.start_sample, region.end_sample()),
            format!("expected at least 64 samples inside the source's 0..{num_samples}"),
        ));
    }
    let ms = |v: f32| (v * sample_rate_hz as f32 / 1000.0).round() as usize;
    let target_len = region.len_samples;
    let crossfade = ms(config.crossfade_ms).clamp(1, target_len / 4);
    let match_len = ms(config.seam_match_ms).clamp(1, target_len / 4);
    let reach = crossfade.max(match_len);
    let mut search = ms(config.seam_search_ms).min(target_len / 4);
    // The loop needs `target_len + search + reach` samples; move the start earlier, then shrink
    // the search, when the source ends too soon after the region.
    let mut start = region.start_sample;
    let needed = |search: usize| target_len + search + reach;
    if start + needed(search) > num_samples {
        start = num_samples.saturating_sub(needed(search));
        if start + needed(search) > num_samples {
            search = num_samples.saturating_sub(target_len + reach);
            start = 0;
        }
    }
    if start + needed(search) > num_samples {
        return Err(invalid(
            "region",
            format!("{}..{}", region.start_sample, region.end_sample()),
            format!("expected {} more source samples after the loop for the cross-fade", reach),
        ));
    }
    let latest_start = num_samples - needed(search);
    let start_search = ms(config.start_search_ms);
    Ok(LoopPlan { start, target_len, search, crossfade, match_len, latest_start, span_len: needed(search), start_search })
}

/// The loop start within `start_search` of the planned one (every 256 samples) where the
/// source is calmest at the wrap: least positive spectral flux across `start + target_len`.
/// A wrap placed in a swell or a note change would show as a seam even when perfectly
/// continuous. Ties go to the start closest to the planned one.
fn choose_start(meter: &mut SeamMeter, mono: &[f32], plan: &LoopPlan) -> usize {
    let lo = plan.start.saturating_sub(plan.start_search);
    let hi = (plan.start + plan.start_search).min(plan.latest_start);
    let mut best = (f32::INFINITY, plan.start);
    let candidates = (lo..=hi).step_by(SEAM_HOP_SIZE).chain(std::iter::once(plan.start));
    for start in candidates {
        let wrap = start + plan.target_len;
        if wrap < SEAM_SAMPLES_BEFORE_WRAP || wrap + SEAM_SAMPLES_AFTER_WRAP > mono.len() {
            continue;
        }
        let flux = meter.wrap_flux(&mono[wrap - SEAM_SAMPLES_BEFORE_WRAP..wrap + SEAM_SAMPLES_AFTER_WRAP]);
        let closer = start.abs_diff(plan.start) < best.1.abs_diff(plan.start);
        if flux < best.0 || (flux == best.0 && closer) {
            best = (flux, start);
        }
    }
    best.1
}

/// Candidate seams kept from the correlation peaks.
const MAX_SEAM_CANDIDATES: usize = 8;
/// How far below the best correlation a peak may be and still compete on its measured seam.
const SEAM_NCC_TOLERANCE: f32 = 0.1;

/// The loop length within the search range whose following material best matches the loop
/// start. The normalised cross-correlation of a window centred on the cross-fade's middle is
/// computed for every length; its highest peaks (within [`SEAM_NCC_TOLERANCE`] of the best)
/// are then built and measured at the wrap, and the one with an in-range wrap step and the
/// least spectral flux across the wrap wins.
fn choose_loop_length(meter: &mut SeamMeter, mono: &[f32], plan: &LoopPlan) -> usize {
    let centre = plan.crossfade / 2;
    let a_start = plan.start + centre.saturating_sub(plan.match_len / 2);
    let reference = &mono[a_start..a_start + plan.match_len];
    let first_len = plan.target_len - plan.search;
    let ncc: Vec<f32> = (first_len..=plan.target_len + plan.search)
        .map(|len| correlation(reference, &mono[a_start + len..a_start + len + plan.match_len]))
        .collect();
    let mut peaks: Vec<(f32, usize)> = (0..ncc.len())
        .filter(|&i| (i == 0 || ncc[i] >= ncc[i - 1]) && (i + 1 == ncc.len() || ncc[i] > ncc[i + 1]))
        .map(|i| (ncc[i], first_len + i))
        .collect();
    peaks.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.abs_diff(plan.target_len).cmp(&b.1.abs_diff(plan.target_len))));
    peaks.truncate(MAX_SEAM_CANDIDATES);
    let Some(&(best_ncc, best_len)) = peaks.first() else {
        return plan.target_len;
    };
    peaks.retain(|p| p.0 >= best_ncc - SEAM_NCC_TOLERANCE);
    if peaks.len() == 1 || first_len < SEAM_SAMPLES_BEFORE_WRAP + SEAM_SAMPLES_AFTER_WRAP {
        return best_len;
    }

    let mut steps: Vec<f32> =
        mono[plan.start..plan.start + plan.target_len].windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    let p99_step = percentile(&mut steps, 0.99);
    let mut around = vec![0.0f32; SEAM_SAMPLES_BEFORE_WRAP + SEAM_SAMPLES_AFTER_WRAP];
    let mut best = (true, f32::INFINITY, best_len);
    for &(_, len) in &peaks {
        let wrap = plan.start + len;
        let (before, after) = around.split_at_mut(SEAM_SAMPLES_BEFORE_WRAP);
        before.copy_from_slice(&mono[wrap - SEAM_SAMPLES_BEFORE_WRAP..wrap]);
        after.copy_from_slice(&mono[plan.start..plan.start + SEAM_SAMPLES_AFTER_WRAP]);
        let fade = plan.crossfade.min(SEAM_SAMPLES_AFTER_WRAP);
        let r = correlation(&mono[plan.start..plan.start + plan.crossfade], &mono[wrap..wrap + plan.crossfade]);
        let mut head = after[..fade].to_vec();
        crossfade_into_head(&mut head, &mono[wrap..wrap + fade], r.clamp(0.0, 1.0), plan.crossfade);
        after[..fade].copy_from_slice(&head);
        let step_too_big = (mono[wrap] - mono[wrap - 1]).abs() > p99_step;
        let flux = meter.wrap_flux(&around);
        if (step_too_big, flux) < (best.0, best.1) {
            best = (step_too_big, flux, len);
        }
    }
    best.2
}

/// Normalised cross-correlation at lag 0, -1..1 (0 when either side is silent).
fn correlation(a: &[f32], b: &[f32]) -> f32 {
    let (mut ab, mut aa, mut bb) = (0.0f64, 0.0f64, 0.0f64);
    for (&x, &y) in a.iter().zip(b) {
        let (x, y) = (f64::from(x), f64::from(y));
        ab += x * y;
        aa += x * x;
        bb += y * y;
    }
    let norm = (aa * bb).sqrt();
    if norm > 1e-20 { (ab / norm) as f32 } else { 0.0 }
}

/// Fades `tail` out and `head` in over `fade_len` samples (of which `head` may be the first
/// part): gains cos and sin of a quarter turn, scaled to keep power for correlation `r`. The
/// first output sample is the tail's first.
fn crossfade_into_head(head: &mut [f32], tail: &[f32], r: f32, fade_len: usize) {
    let n = fade_len.max(1) as f32;
    for (i, (h, &t)) in head.iter_mut().zip(tail).enumerate() {
        let theta = std::f32::consts::FRAC_PI_2 * i as f32 / n;
        let (g_in, g_out) = math::sin_cos(theta);
        let norm = 1.0 / (1.0 + 2.0 * r * g_in * g_out).sqrt();
        *h = norm * (g_in * *h + g_out * t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correlation_of_known_pairs() {
        let a = [1.0, -1.0, 2.0, 0.5];
        let neg: Vec<f32> = a.iter().map(|v| -v).collect();
        assert!((correlation(&a, &a) - 1.0).abs() < 1e-6);
        assert!((correlation(&a, &neg) + 1.0).abs() < 1e-6);
        assert_eq!(correlation(&a, &[0.0; 4]), 0.0);
    }

    #[test]
    fn crossfade_starts_on_the_tail_and_keeps_power() {
        let mut head = vec![1.0f32; 100];
        crossfade_into_head(&mut head, &[1.0; 100], 1.0, 100);
        assert_eq!(head[0], 1.0);
        assert!(head.iter().all(|v| (v - 1.0).abs() < 1e-5), "equal-gain for r = 1");
        let mut head = vec![0.0f32; 100];
        crossfade_into_head(&mut head, &[1.0; 100], 0.0, 100);
        assert!((head[50] - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6);
    }
}
