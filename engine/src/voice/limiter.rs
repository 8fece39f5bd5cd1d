//! The safety limiter after the output gain: a stereo-linked peak limiter with instant attack and a
//! smooth exponential release, so no sample leaves the engine above [`LIMITER_CEILING_DBFS`].
//!
//! It is a seat belt, not a sound: pads enter the bank loudness-matched and the cloud is normalised
//! for density and voice count, so at default settings it rarely acts (the plugin's level tests
//! count the samples it touches). Instant attack without look-ahead keeps the instrument at zero
//! latency; the price is a little distortion on the rare peaks it catches.

use crate::rt::db::db_to_amplitude;

/// Highest level a sample may leave the engine at, dBFS.
pub const LIMITER_CEILING_DBFS: f32 = -1.5;
/// Gain below which the limiter counts as acting (-0.1 dB): the tail of its release is not counted.
const AUDIBLE_REDUCTION: f32 = 0.9886;
/// Time for the gain to recover 63 % of the way back to unity after a peak, milliseconds.
const RELEASE_MS: f32 = 80.0;

/// Limiter state. Plain data.
#[derive(Debug, Clone, Copy)]
pub struct SafetyLimiter {
    ceiling: f32,
    release_coef: f32,
    /// Current gain, 0..=1.
    gain: f32,
    /// Samples processed with the gain more than 0.1 dB down since `reset`.
    num_limited_samples: u64,
}

impl Default for SafetyLimiter {
    fn default() -> Self {
        Self::new(44_100.0)
    }
}

impl SafetyLimiter {
    /// A limiter at unity gain for `sample_rate_hz`. Realtime-safe.
    pub fn new(sample_rate_hz: f32) -> Self {
        Self {
            ceiling: db_to_amplitude(LIMITER_CEILING_DBFS),
            release_coef: (-1.0 / (RELEASE_MS * 0.001 * sample_rate_hz.max(1000.0))).exp(),
            gain: 1.0,
            num_limited_samples: 0,
        }
    }

    /// Back to unity gain; the count of limited samples starts again. Realtime-safe.
    pub fn reset(&mut self) {
        self.gain = 1.0;
        self.num_limited_samples = 0;
    }

    /// Back to unity gain, keeping the count (the engine at rest: the gain has nothing to recover
    /// from). Realtime-safe.
    pub fn rest(&mut self) {
        self.gain = 1.0;
    }

    /// One stereo frame through the limiter. Non-finite input gives silence. Realtime-safe.
    #[inline]
    pub fn process(&mut self, left: f32, right: f32) -> (f32, f32) {
        if !(left.is_finite() && right.is_finite()) {
            return (0.0, 0.0);
        }
        let peak = left.abs().max(right.abs());
        let needed = if peak > self.ceiling { self.ceiling / peak } else { 1.0 };
        self.gain = if needed < self.gain { needed } else { needed + (self.gain - needed) * self.release_coef };
        if self.gain < AUDIBLE_REDUCTION {
            self.num_limited_samples += 1;
        }
        (left * self.gain, right * self.gain)
    }

    /// Samples whose gain was more than 0.1 dB down since the last `reset`. Realtime-safe.
    pub fn num_limited_samples(&self) -> u64 {
        self.num_limited_samples
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_signals_pass_untouched_and_peaks_never_pass_the_ceiling() {
        let mut limiter = SafetyLimiter::new(48_000.0);
        let ceiling = db_to_amplitude(LIMITER_CEILING_DBFS);
        for i in 0..48_000 {
            let x = 0.5 * (i as f32 * 0.01).sin();
            assert_eq!(limiter.process(x, -x), (x, -x));
        }
        assert_eq!(limiter.num_limited_samples(), 0);
        let mut peak = 0.0f32;
        for i in 0..48_000 {
            let x = 4.0 * (i as f32 * 0.01).sin();
            let (l, r) = limiter.process(x, 0.1);
            peak = peak.max(l.abs()).max(r.abs());
        }
        assert!(peak <= ceiling * (1.0 + 1e-6), "{peak}");
        assert!(limiter.num_limited_samples() > 40_000);
        assert_eq!(limiter.process(f32::NAN, 0.0), (0.0, 0.0));
    }

    #[test]
    fn gain_recovers_after_a_peak() {
        let mut limiter = SafetyLimiter::new(48_000.0);
        limiter.process(2.0, 0.0);
        for _ in 0..48_000 {
            limiter.process(0.1, 0.1);
        }
        let (l, _) = limiter.process(0.5, 0.0);
        assert!((l - 0.5).abs() < 1e-3, "{l}");
    }
}
