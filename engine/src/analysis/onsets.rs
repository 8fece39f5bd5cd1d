//! Onset picking from the onset-strength (flux) curve: the three-condition peak picker of Böck, Krebs &
//! Schedl ("Evaluating the online capabilities of onset detection methods", ISMIR 2012).
//!
//! Frame `i` is an onset when (1) its flux is the largest within `ONSET_MAX_WINDOW_SEC` either side,
//! (2) it exceeds the mean flux over `ONSET_MEAN_PRE_SEC` before to `ONSET_MEAN_POST_SEC` after by at
//! least `ONSET_DELTA` (an adaptive threshold), and (3) it is at least `ONSET_MIN_SPACING_SEC` after the
//! previous onset.

/// Half-width of the local-maximum window, seconds.
pub const ONSET_MAX_WINDOW_SEC: f32 = 0.03;
/// Span of the moving mean before the frame, seconds.
pub const ONSET_MEAN_PRE_SEC: f32 = 0.10;
/// Span of the moving mean after the frame, seconds.
pub const ONSET_MEAN_POST_SEC: f32 = 0.07;
/// Margin above the moving mean, in flux units (mean per-band increase of `ln(1 + 1000 m)`).
/// Stationary noise and beating drones peak near 0.2; a drum hit or a picked note scores 0.5 and more.
pub const ONSET_DELTA: f32 = 0.2;
/// Smallest spacing of two onsets, seconds.
pub const ONSET_MIN_SPACING_SEC: f32 = 0.03;

/// Picks onsets from `flux` sampled at `frame_rate_hz` frames per second; returns frame indices,
/// ascending.
pub fn pick_onsets(flux: &[f32], frame_rate_hz: f32) -> Vec<usize> {
    let frames = |sec: f32| (sec * frame_rate_hz).round().max(0.0) as usize;
    let max_window = frames(ONSET_MAX_WINDOW_SEC).max(1);
    let mean_pre = frames(ONSET_MEAN_PRE_SEC).max(1);
    let mean_post = frames(ONSET_MEAN_POST_SEC);
    let min_spacing = frames(ONSET_MIN_SPACING_SEC).max(1);
    let n = flux.len();

    // Prefix sums make every moving mean O(1).
    let mut prefix = Vec::with_capacity(n + 1);
    prefix.push(0.0f64);
    let mut acc = 0.0f64;
    for &f in flux {
        acc += f64::from(f);
        prefix.push(acc);
    }

    let mut onsets = Vec::new();
    let mut last: Option<usize> = None;
    for (i, &f) in flux.iter().enumerate() {
        let lo = i.saturating_sub(mean_pre);
        let hi = (i + mean_post + 1).min(n);
        let mean = ((prefix[hi] - prefix[lo]) / (hi - lo) as f64) as f32;
        if f < mean + ONSET_DELTA {
            continue;
        }
        let max_lo = i.saturating_sub(max_window);
        let max_hi = (i + max_window + 1).min(n);
        // Ties go to the earliest frame: a frame loses to an equal neighbour before it.
        let is_max = flux[max_lo..i].iter().all(|&g| g < f) && flux[i + 1..max_hi].iter().all(|&g| g <= f);
        if !is_max {
            continue;
        }
        if last.is_some_and(|l| i - l < min_spacing) {
            continue;
        }
        onsets.push(i);
        last = Some(i);
    }
    onsets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isolated_spikes_are_onsets() {
        let mut flux = vec![0.01f32; 400];
        for i in (20..400).step_by(43) {
            flux[i] = 2.0;
            flux[i + 1] = 1.0;
        }
        let onsets = pick_onsets(&flux, 86.13);
        assert_eq!(onsets, (20..400).step_by(43).collect::<Vec<_>>());
    }

    #[test]
    fn flat_curve_has_no_onsets() {
        assert!(pick_onsets(&[0.3; 300], 86.13).is_empty());
        assert!(pick_onsets(&[], 86.13).is_empty());
    }

    #[test]
    fn close_spikes_are_merged() {
        let mut flux = vec![0.0f32; 100];
        flux[50] = 2.0;
        flux[53] = 2.0;
        assert_eq!(pick_onsets(&flux, 86.13), vec![50]);
    }
}
