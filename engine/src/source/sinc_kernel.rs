//! The resampler's windowed-sinc filter (band-limited interpolation, J. O. Smith, "Digital Audio
//! Resampling"): tables of taps for fractional positions between input frames, built with the
//! portable math of `rt::math` and applied with a dot product whose order of operations is fixed, so
//! a file resamples to the same bits on every platform. (rubato, which the engine used before,
//! builds its tables with the platform's `sin`, and Windows rounds those differently from Linux.)

use std::sync::{Arc, Mutex};

use crate::rt::math;

/// Filter length, input frames (a multiple of [`LANES`]).
pub const SINC_LEN: usize = 256;
/// Partial sums the dot product keeps: the order of additions is part of the result, so it is
/// fixed here rather than left to the compiler.
const LANES: usize = 8;
/// Pass-band edge as a fraction of the lower Nyquist frequency: the highest edge whose transition
/// band (the squared Blackman-Harris window's main lobe, about 5 % of Nyquist at 256 taps) still
/// ends below Nyquist, so aliases stay under -90 dB.
const CUTOFF: f64 = 0.947;
/// Tables [`SincTable::shared`] keeps (at most about 1 MB each).
const SHARED_TABLES: usize = 6;

/// Taps for `phases` evenly spaced fractional positions `p = r / phases`, `r = 0..=phases` (the
/// last one, `p = 1`, lets interpolation between neighbours reach the next frame).
pub struct SincTable {
    phases: usize,
    /// `(phases + 1) * SINC_LEN` taps; phase `r` at `r * SINC_LEN`.
    taps: Vec<f32>,
}

impl SincTable {
    /// The table for converting `from_hz` to `to_hz` (the cut-off follows the lower rate).
    /// Not realtime-safe: allocates.
    pub fn new(phases: usize, from_hz: u32, to_hz: u32) -> Self {
        let cutoff = CUTOFF * (f64::from(to_hz) / f64::from(from_hz)).min(1.0);
        let mut taps = Vec::with_capacity((phases + 1) * SINC_LEN);
        for r in 0..=phases {
            let p = r as f64 / phases as f64;
            let start = taps.len();
            // Tap k weighs input frame `i - SINC_LEN/2 + 1 + k` for an output at `i + p`.
            for k in 0..SINC_LEN {
                let tau = (SINC_LEN / 2) as f64 - 1.0 - k as f64 + p;
                taps.push((cutoff * sinc(cutoff * tau) * window(tau)) as f32);
            }
            // Each phase sums to exactly 1 in f64 before rounding: DC passes at unity gain.
            let sum: f64 = taps[start..].iter().map(|&t| f64::from(t)).sum();
            for tap in &mut taps[start..] {
                *tap = (f64::from(*tap) / sum) as f32;
            }
        }
        Self { phases, taps }
    }

    /// The table for these settings, shared: built once and kept among the last
    /// [`SHARED_TABLES`] used, since a large one (1 025 phases of 256 taps) takes about a million
    /// `sin` and `cos` calls, and an export cuts many regions at the same ratio. The same values as [`Self::new`].
    /// Not realtime-safe: locks and may allocate.
    pub fn shared(phases: usize, from_hz: u32, to_hz: u32) -> Arc<Self> {
        type Key = (usize, u32, u32);
        static RECENT: Mutex<Vec<(Key, Arc<SincTable>)>> = Mutex::new(Vec::new());
        let key = (phases, from_hz, to_hz);
        let mut recent = RECENT.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(at) = recent.iter().position(|(k, _)| *k == key) {
            let entry = recent.remove(at);
            let table = entry.1.clone();
            recent.push(entry);
            return table;
        }
        let table = Arc::new(Self::new(phases, from_hz, to_hz));
        if recent.len() == SHARED_TABLES {
            recent.remove(0);
        }
        recent.push((key, table.clone()));
        table
    }

    /// Number of phases between two input frames.
    pub fn phases(&self) -> usize {
        self.phases
    }

    /// The taps of phase `r` (`0..=phases`).
    pub fn phase(&self, r: usize) -> &[f32] {
        &self.taps[r * SINC_LEN..(r + 1) * SINC_LEN]
    }

    /// The taps for a position `frac` of the way from phase `r` to phase `r + 1`, linearly
    /// interpolated into `out`.
    pub fn interpolate(&self, r: usize, frac: f32, out: &mut [f32; SINC_LEN]) {
        let (a, b) = (self.phase(r), self.phase(r + 1));
        for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
            *o = x + frac * (y - x);
        }
    }
}

fn sinc(x: f64) -> f64 {
    if x == 0.0 {
        1.0
    } else {
        let arg = std::f64::consts::PI * x;
        math::sin(arg) / arg
    }
}

/// Squared 4-term Blackman-Harris window over `(-SINC_LEN/2, SINC_LEN/2)`.
fn window(tau: f64) -> f64 {
    let x = (tau + (SINC_LEN / 2) as f64) / SINC_LEN as f64;
    if !(0.0..=1.0).contains(&x) {
        return 0.0;
    }
    let w = 2.0 * std::f64::consts::PI * x;
    let bh = 0.35875 - 0.48829 * math::cos(w) + 0.14128 * math::cos(2.0 * w) - 0.01168 * math::cos(3.0 * w);
    bh * bh
}

/// `sum(a[k] * b[k])` over `SINC_LEN` values, in [`LANES`] fixed partial sums. With AVX the eight
/// lanes are one register; each lane still multiplies and adds separately (no fused multiply-add),
/// so the result is the same bits either way.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the CPU has AVX, checked just above.
        return unsafe { dot_avx(a, b) };
    }
    dot_lanes(a, b)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
unsafe fn dot_avx(a: &[f32], b: &[f32]) -> f32 {
    dot_lanes(a, b)
}

#[inline(always)]
fn dot_lanes(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; LANES];
    for (x, y) in a[..SINC_LEN].chunks_exact(LANES).zip(b[..SINC_LEN].chunks_exact(LANES)) {
        for lane in 0..LANES {
            acc[lane] += x[lane] * y[lane];
        }
    }
    ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vector_dot_product_gives_the_portable_bits() {
        let a: Vec<f32> = (0..SINC_LEN).map(|i| math::sin(i as f32 * 0.731) * 0.9).collect();
        let b: Vec<f32> = (0..SINC_LEN).map(|i| math::cos(i as f32 * 0.173) / (1.0 + i as f32)).collect();
        assert_eq!(dot(&a, &b).to_bits(), dot_lanes(&a, &b).to_bits());
    }

    #[test]
    fn every_phase_has_unity_gain_and_the_last_phase_is_the_next_frame() {
        let table = SincTable::new(4, 48_000, 44_100);
        for r in 0..=4 {
            let sum: f64 = table.phase(r).iter().map(|&t| f64::from(t)).sum();
            assert!((sum - 1.0).abs() < 1e-5, "phase {r}: {sum}");
        }
        let zero = table.phase(0);
        // At p = 0 the output sits on input frame i, whose tap is SINC_LEN/2 - 1 and the largest.
        let peak = (0..SINC_LEN).max_by(|&a, &b| zero[a].total_cmp(&zero[b])).unwrap();
        assert_eq!(peak, SINC_LEN / 2 - 1);
        // Phase `phases` (p = 1) is phase 0 moved one frame.
        let one = table.phase(4);
        for k in 1..SINC_LEN {
            assert!((one[k] - zero[k - 1]).abs() < 1e-6, "tap {k}");
        }
    }
}
