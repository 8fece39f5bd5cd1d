//! The masks of one frame: the percussive estimate (a median across frequency: an attack is broad
//! in frequency), and the soft harmonic and percussive masks with a margin between them, whose
//! remainder is the residual (Fitzgerald, "Harmonic/percussive separation using median
//! filtering", DAFx 2010; Driedger, Müller & Disch, "Extending harmonic-percussive separation of
//! audio signals", ISMIR 2014, with Wiener-like soft masks in place of their binary ones).

use crate::rt::math;
use super::sorted_window::SortedWindows;

/// Writes into `out` the median of `magnitudes` over `width` bins (odd) centred on each bin; the
/// window shrinks at the ends of the spectrum instead of reading past them. `window` is scratch,
/// reset here. Allocates only when `window` must grow.
pub fn median_across_frequency(magnitudes: &[f32], width: usize, window: &mut SortedWindows, out: &mut [f32]) {
    let num_bins = magnitudes.len();
    let half = width / 2;
    window.reset(1, 2 * half + 1);
    for &m in &magnitudes[..(half + 1).min(num_bins)] {
        window.insert(0, m);
    }
    for (k, o) in out.iter_mut().enumerate().take(num_bins) {
        *o = window.quantile(0, 0.5);
        // Slide to bin k + 1: its window is k + 1 - half ..= k + 1 + half.
        let leaving = k.checked_sub(half).map(|at| magnitudes[at]);
        match (leaving, magnitudes.get(k + half + 1)) {
            (Some(old), Some(&new)) => window.replace(0, old, new),
            (Some(old), None) => window.remove(0, old),
            (None, Some(&new)) => window.insert(0, new),
            (None, None) => {}
        }
    }
}

/// Soft masks with a margin: how much of a bin goes to the harmonic and to the percussive layer,
/// given the two estimates there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SoftMasks {
    /// The mask power, 0.5..=8.
    power: f32,
    /// The margin raised to the mask power.
    margin_pow: f32,
}

impl SoftMasks {
    /// Masks of power `power` with margin `margin` (at least 1).
    pub fn new(margin: f32, power: f32) -> Self {
        Self { power, margin_pow: math::powf(margin.max(1.0), power) }
    }

    /// The harmonic and percussive masks of a bin whose harmonic estimate is `h` and percussive
    /// estimate `p` (both at least 0): `h^q / (h^q + (β p)^q)` and `p^q / (p^q + (β h)^q)` for power q
    /// and margin β. Each is in 0..=1 and, for β ≥ 1, their sum is at most 1; the rest of the bin is
    /// the residual. A bin with both estimates 0 goes wholly to the residual. Realtime-safe.
    pub fn split(&self, h: f32, p: f32) -> (f32, f32) {
        // As ratios, so that large magnitudes raised to large powers cannot overflow.
        let harmonic = if h > 0.0 { 1.0 / (1.0 + self.margin_pow * self.pow(p / h)) } else { 0.0 };
        let percussive = if p > 0.0 { 1.0 / (1.0 + self.margin_pow * self.pow(h / p)) } else { 0.0 };
        (harmonic, percussive)
    }

    /// `x` to the mask power, with the common powers as plain products.
    fn pow(&self, x: f32) -> f32 {
        if self.power == 2.0 {
            x * x
        } else if self.power == 1.0 {
            x
        } else {
            math::powf(x, self.power)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_across_frequency_matches_a_sort_and_shrinks_at_the_ends() {
        let magnitudes: Vec<f32> = (0..40u32).map(|i| ((i * 31) % 17) as f32).collect();
        let width = 7;
        let mut window = SortedWindows::default();
        let mut out = vec![0.0; magnitudes.len()];
        median_across_frequency(&magnitudes, width, &mut window, &mut out);
        for k in 0..magnitudes.len() {
            let mut span = magnitudes[k.saturating_sub(3)..(k + 4).min(magnitudes.len())].to_vec();
            span.sort_by(f32::total_cmp);
            assert_eq!(out[k], span[((span.len() - 1) as f32 * 0.5).round() as usize], "bin {k}");
        }
    }

    #[test]
    fn a_median_wider_than_the_spectrum_still_works() {
        let mut window = SortedWindows::default();
        let mut out = [0.0; 3];
        median_across_frequency(&[3.0, 1.0, 2.0], 9, &mut window, &mut out);
        assert_eq!(out, [2.0; 3]);
    }

    #[test]
    fn masks_split_by_the_estimates_and_leave_a_residual_with_a_margin() {
        let wiener = SoftMasks::new(1.0, 2.0);
        let (h, p) = wiener.split(3.0, 1.0);
        assert!((h - 0.9).abs() < 1e-6 && (p - 0.1).abs() < 1e-6, "{h} {p}");
        let margined = SoftMasks::new(2.0, 2.0);
        let (h, p) = margined.split(1.0, 1.0);
        assert!((h - 0.2).abs() < 1e-6 && (p - 0.2).abs() < 1e-6, "{h} {p}");
        for (hh, pp) in [(0.0, 0.0), (1e30, 1e-30), (0.0, 5.0), (7.0, 0.0)] {
            let (h, p) = SoftMasks::new(1.5, 8.0).split(hh, pp);
            assert!((0.0..=1.0).contains(&h) && (0.0..=1.0).contains(&p) && h + p <= 1.0 + 1e-6, "{hh} {pp}: {h} {p}");
        }
        assert_eq!(SoftMasks::new(1.5, 2.0).split(0.0, 0.0), (0.0, 0.0));
    }
}
