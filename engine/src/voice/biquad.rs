//! Second-order IIR filter (biquad), transposed direct form II, with coefficients from Robert
//! Bristow-Johnson's "Audio EQ Cookbook". Used live by the voices and offline by `transform`.

use crate::rt::math;
use std::f32::consts::PI;

/// Normalised biquad coefficients (a0 = 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BiquadCoefs {
    pub b0: f32,
    pub b1: f32,
    pub b2: f32,
    pub a1: f32,
    pub a2: f32,
}

impl BiquadCoefs {
    /// Passes everything unchanged.
    pub const IDENTITY: Self = Self { b0: 1.0, b1: 0.0, b2: 0.0, a1: 0.0, a2: 0.0 };

    fn from_raw(b0: f32, b1: f32, b2: f32, a0: f32, a1: f32, a2: f32) -> Self {
        Self { b0: b0 / a0, b1: b1 / a0, b2: b2 / a0, a1: a1 / a0, a2: a2 / a0 }
    }

    /// `(cos w0, alpha)` with the cutoff clamped below Nyquist.
    fn prewarp(cutoff_hz: f32, q: f32, sample_rate_hz: f32) -> (f32, f32) {
        let f = cutoff_hz.clamp(1.0, sample_rate_hz * 0.49);
        let w0 = 2.0 * PI * f / sample_rate_hz;
        (math::cos(w0), math::sin(w0) / (2.0 * q.max(0.01)))
    }

    /// 12 dB/octave low-pass. Realtime-safe.
    pub fn lowpass(cutoff_hz: f32, q: f32, sample_rate_hz: f32) -> Self {
        let (c, alpha) = Self::prewarp(cutoff_hz, q, sample_rate_hz);
        Self::from_raw((1.0 - c) / 2.0, 1.0 - c, (1.0 - c) / 2.0, 1.0 + alpha, -2.0 * c, 1.0 - alpha)
    }

    /// 12 dB/octave high-pass. Realtime-safe.
    pub fn highpass(cutoff_hz: f32, q: f32, sample_rate_hz: f32) -> Self {
        let (c, alpha) = Self::prewarp(cutoff_hz, q, sample_rate_hz);
        Self::from_raw((1.0 + c) / 2.0, -(1.0 + c), (1.0 + c) / 2.0, 1.0 + alpha, -2.0 * c, 1.0 - alpha)
    }

    /// Band-pass with 0 dB peak gain at `centre_hz`. Realtime-safe.
    pub fn bandpass(centre_hz: f32, q: f32, sample_rate_hz: f32) -> Self {
        let (c, alpha) = Self::prewarp(centre_hz, q, sample_rate_hz);
        Self::from_raw(alpha, 0.0, -alpha, 1.0 + alpha, -2.0 * c, 1.0 - alpha)
    }

    /// Low shelf by `gain_db` below `corner_hz` (shelf slope 1). Realtime-safe.
    pub fn low_shelf(corner_hz: f32, gain_db: f32, sample_rate_hz: f32) -> Self {
        let a = math::powf(10f32, gain_db / 40.0);
        let (c, alpha) = Self::prewarp(corner_hz, std::f32::consts::FRAC_1_SQRT_2, sample_rate_hz);
        let s = 2.0 * a.sqrt() * alpha;
        Self::from_raw(
            a * ((a + 1.0) - (a - 1.0) * c + s),
            2.0 * a * ((a - 1.0) - (a + 1.0) * c),
            a * ((a + 1.0) - (a - 1.0) * c - s),
            (a + 1.0) + (a - 1.0) * c + s,
            -2.0 * ((a - 1.0) + (a + 1.0) * c),
            (a + 1.0) + (a - 1.0) * c - s,
        )
    }

    /// High shelf by `gain_db` above `corner_hz` (shelf slope 1). Realtime-safe.
    pub fn high_shelf(corner_hz: f32, gain_db: f32, sample_rate_hz: f32) -> Self {
        let a = math::powf(10f32, gain_db / 40.0);
        let (c, alpha) = Self::prewarp(corner_hz, std::f32::consts::FRAC_1_SQRT_2, sample_rate_hz);
        let s = 2.0 * a.sqrt() * alpha;
        Self::from_raw(
            a * ((a + 1.0) + (a - 1.0) * c + s),
            -2.0 * a * ((a - 1.0) + (a + 1.0) * c),
            a * ((a + 1.0) + (a - 1.0) * c - s),
            (a + 1.0) - (a - 1.0) * c + s,
            2.0 * ((a - 1.0) - (a + 1.0) * c),
            (a + 1.0) - (a - 1.0) * c - s,
        )
    }
}

/// One biquad's state. Coefficients can change between samples without clicks at moderate rates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Biquad {
    pub coefs: BiquadCoefs,
    z1: f32,
    z2: f32,
}

impl Default for Biquad {
    fn default() -> Self {
        Self::new(BiquadCoefs::IDENTITY)
    }
}

impl Biquad {
    /// A filter with cleared state. Realtime-safe.
    pub fn new(coefs: BiquadCoefs) -> Self {
        Self { coefs, z1: 0.0, z2: 0.0 }
    }

    /// Clears the state. Realtime-safe.
    pub fn reset(&mut self) {
        self.z1 = 0.0;
        self.z2 = 0.0;
    }

    /// Filters one sample. Realtime-safe.
    #[inline]
    pub fn process_sample(&mut self, x: f32) -> f32 {
        let c = &self.coefs;
        let y = c.b0 * x + self.z1;
        self.z1 = c.b1 * x - c.a1 * y + self.z2;
        self.z2 = c.b2 * x - c.a2 * y;
        // Keep the feedback path out of the denormal range when the input goes silent.
        if self.z1.abs() < 1e-20 {
            self.z1 = 0.0;
        }
        if self.z2.abs() < 1e-20 {
            self.z2 = 0.0;
        }
        y
    }

    /// Filters a buffer in place. Realtime-safe.
    pub fn process_in_place(&mut self, buf: &mut [f32]) {
        for x in buf {
            *x = self.process_sample(*x);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gain_at(coefs: BiquadCoefs, freq_hz: f32, sr: f32) -> f32 {
        let mut f = Biquad::new(coefs);
        let n = 44_100;
        let w = 2.0 * PI * freq_hz / sr;
        let mut peak = 0.0f32;
        for i in 0..n {
            let y = f.process_sample(math::sin(w * i as f32));
            if i > n / 2 {
                peak = peak.max(y.abs());
            }
        }
        peak
    }

    #[test]
    fn lowpass_passes_lows_and_cuts_highs() {
        let c = BiquadCoefs::lowpass(1000.0, 0.707, 44_100.0);
        assert!((gain_at(c, 100.0, 44_100.0) - 1.0).abs() < 0.02);
        assert!(gain_at(c, 10_000.0, 44_100.0) < 0.02);
    }

    #[test]
    fn bandpass_peaks_at_centre() {
        let c = BiquadCoefs::bandpass(4000.0, 2.0, 44_100.0);
        assert!((gain_at(c, 4000.0, 44_100.0) - 1.0).abs() < 0.03);
        assert!(gain_at(c, 400.0, 44_100.0) < 0.1);
    }

    #[test]
    fn shelves_reach_their_gain() {
        let lo = BiquadCoefs::low_shelf(300.0, 6.0, 44_100.0);
        assert!((gain_at(lo, 50.0, 44_100.0) - 2.0f32.sqrt().powi(2)).abs() < 0.1);
        let hi = BiquadCoefs::high_shelf(3000.0, -12.0, 44_100.0);
        assert!((gain_at(hi, 15_000.0, 44_100.0) - 0.251).abs() < 0.03);
    }
}
