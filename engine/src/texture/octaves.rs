//! Octave-decimated copies of a pad, for grains pitched up: a grain reading faster than one frame per
//! output sample reads the copy decimated by 2, 4 or 8 instead, which holds nothing above its own
//! Nyquist frequency, so pitching up two or three octaves does not fold the pad's highs back down as
//! aliases (the mipmap idea of wavetable oscillators). Made off the audio thread, with the pad.

use crate::rt::math;
use std::f64::consts::PI;

/// Octave copies kept: grains read cleanly up to 8 frames per sample (+36 semitones at the pad's
/// rate). They cost 7/8 of the pad's own memory.
pub const MAX_OCTAVES: usize = 3;
/// Taps of the half-band low-pass (odd, so it is symmetric about its centre tap).
const NUM_TAPS: usize = 95;
/// Cut-off as a fraction of the input rate: the transition band of a 95-tap Blackman window
/// (about 0.058) ends at 0.25, the decimated copy's Nyquist frequency.
const CUTOFF: f64 = 0.215;

/// The loop `x` low-passed (circularly, so the copy loops as seamlessly as the pad) and decimated by
/// two: `ceil(n / 2)` frames. Not realtime-safe: allocates.
pub fn halve_loop(x: &[f32]) -> Vec<f32> {
    let n = x.len();
    if n == 0 {
        return Vec::new();
    }
    let taps = half_band_taps();
    let half = NUM_TAPS / 2;
    // The loop with `half` frames of its wrap before and after it (a loop shorter than the filter
    // repeats), so each output reads one plain slice: the same terms, in the same order, as indexing
    // modulo `n` per tap, at a fraction of the cost (a pad is made while the plugin may be closing).
    let wrapped: Vec<f64> = (0..n + 2 * half).map(|j| f64::from(x[(j + n * NUM_TAPS - half) % n])).collect();
    (0..n.div_ceil(2))
        .map(|i| {
            let sum: f64 = taps.iter().zip(&wrapped[2 * i..2 * i + NUM_TAPS]).map(|(&t, &v)| t * v).sum();
            sum as f32
        })
        .collect()
}

/// Windowed-sinc (Blackman) low-pass taps at [`CUTOFF`], normalised to unity gain at DC.
fn half_band_taps() -> [f64; NUM_TAPS] {
    let m = (NUM_TAPS - 1) as f64;
    let mut taps = [0.0; NUM_TAPS];
    for (k, tap) in taps.iter_mut().enumerate() {
        let t = k as f64 - m / 2.0;
        let sinc = if t == 0.0 { 2.0 * CUTOFF } else { math::sin(2.0 * PI * CUTOFF * t) / (PI * t) };
        let w = 0.42 - 0.5 * math::cos(2.0 * PI * k as f64 / m) + 0.08 * math::cos(4.0 * PI * k as f64 / m);
        *tap = sinc * w;
    }
    let sum: f64 = taps.iter().sum();
    taps.iter_mut().for_each(|t| *t /= sum);
    taps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(cycles_per_sample: f64, n: usize) -> Vec<f32> {
        (0..n).map(|i| math::sin(2.0 * PI * cycles_per_sample * i as f64) as f32).collect()
    }

    fn rms(x: &[f32]) -> f64 {
        (x.iter().map(|&v| f64::from(v) * f64::from(v)).sum::<f64>() / x.len() as f64).sqrt()
    }

    /// The filter as first written: every tap indexed modulo the loop's length.
    fn halve_loop_by_modulo(x: &[f32]) -> Vec<f32> {
        let n = x.len();
        let taps = half_band_taps();
        let half = NUM_TAPS / 2;
        (0..n.div_ceil(2))
            .map(|i| taps.iter().enumerate().map(|(k, &t)| t * f64::from(x[(2 * i + n * NUM_TAPS + k - half) % n])).sum::<f64>() as f32)
            .collect()
    }

    #[test]
    fn the_wrapped_slice_filter_gives_the_modulo_filters_bits() {
        // Loops longer and shorter than the filter, odd and even.
        for n in [1, 2, 7, 94, 95, 96, 1001, 4096] {
            let x: Vec<f32> = (0..n).map(|i| (math::sin(i as f64 * 0.37) * 0.8 + math::cos(i as f64 * 2.9) * 0.1) as f32).collect();
            let (fast, reference) = (halve_loop(&x), halve_loop_by_modulo(&x));
            assert!(fast.iter().map(|v| v.to_bits()).eq(reference.iter().map(|v| v.to_bits())), "n = {n}");
        }
    }

    #[test]
    fn keeps_the_low_band_and_removes_what_would_alias() {
        let n = 8192;
        // Whole cycles in the loop, so the circular filter sees a seamless tone.
        let low = halve_loop(&sine(512.0 / n as f64, n));
        assert_eq!(low.len(), n / 2);
        assert!((rms(&low) - std::f64::consts::FRAC_1_SQRT_2).abs() < 0.01, "{}", rms(&low));
        let high = halve_loop(&sine(2600.0 / n as f64, n)); // 0.317 of the rate: above the new Nyquist
        assert!(20.0 * math::log10(rms(&high) / std::f64::consts::FRAC_1_SQRT_2) < -60.0, "{}", rms(&high));
        assert_eq!(halve_loop(&[1.0; 5]).len(), 3);
        assert!(halve_loop(&[]).is_empty());
    }
}
