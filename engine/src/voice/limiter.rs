//! The safety limiter after the output gain: a stereo-linked peak limiter with instant attack and a
//! smooth exponential release, so no sample leaves the engine above [`LIMITER_CEILING_DBFS`].
//!
//! It is a seat belt, not a sound: pads enter the bank loudness-matched and the cloud is normalised
//! for density and voice count, so at default settings it rarely acts. Because it is the last
//! stage, a peak measured after it proves nothing about the gain staging before it; so it keeps
//! [`LimiterStats`] (samples it turned down, its deepest reduction, the peak it was given) for the
//! level tests to read. Instant attack without look-ahead keeps the instrument at zero latency; the
//! price is a little distortion on the rare peaks it catches.

use crate::rt::math;
use crate::rt::db::{amplitude_to_db, db_to_amplitude};

/// Highest level a sample may leave the engine at, dBFS.
pub const LIMITER_CEILING_DBFS: f32 = -1.5;
/// Gain below which the limiter counts as acting (-0.1 dB): the tail of its release is not counted.
const AUDIBLE_REDUCTION: f32 = 0.9886;
/// Time for the gain to recover 63 % of the way back to unity after a peak, milliseconds.
const RELEASE_MS: f32 = 80.0;

/// What the limiter did since its last `reset`. Plain data; reading it changes nothing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LimiterStats {
    /// Samples (stereo frames) processed with the gain more than 0.1 dB down.
    pub num_limited_samples: u64,
    /// Deepest gain reduction applied, dB (0 when it never turned anything down; positive otherwise).
    pub max_reduction_db: f32,
    /// Largest sample magnitude it was given (either channel, before limiting), dBFS;
    /// [`SILENCE_DB`](crate::rt::db::SILENCE_DB) after nothing but silence.
    pub peak_in_dbfs: f32,
}

/// Limiter state. Plain data.
#[derive(Debug, Clone, Copy)]
pub struct SafetyLimiter {
    ceiling: f32,
    release_coef: f32,
    /// Current gain, 0..=1.
    gain: f32,
    /// Samples processed with the gain more than 0.1 dB down since `reset`.
    num_limited_samples: u64,
    /// Smallest gain applied since `reset`, 0..=1. Bookkeeping only: never read by `process`.
    min_gain: f32,
    /// Largest input sample magnitude since `reset`, full scale = 1. Bookkeeping only.
    peak_in: f32,
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
            release_coef: math::exp(-1.0 / (RELEASE_MS * 0.001 * sample_rate_hz.max(1000.0))),
            gain: 1.0,
            num_limited_samples: 0,
            min_gain: 1.0,
            peak_in: 0.0,
        }
    }

    /// Back to unity gain; the statistics start again. Realtime-safe.
    pub fn reset(&mut self) {
        self.gain = 1.0;
        self.num_limited_samples = 0;
        self.min_gain = 1.0;
        self.peak_in = 0.0;
    }

    /// Back to unity gain, keeping the statistics (the engine at rest: the gain has nothing to
    /// recover from). Realtime-safe.
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
        // Statistics only: neither value feeds back into the gain.
        self.peak_in = self.peak_in.max(peak);
        self.min_gain = self.min_gain.min(self.gain);
        (left * self.gain, right * self.gain)
    }

    /// Samples whose gain was more than 0.1 dB down since the last `reset`. Realtime-safe.
    pub fn num_limited_samples(&self) -> u64 {
        self.num_limited_samples
    }

    /// What the limiter did since the last `reset`. Realtime-safe.
    pub fn stats(&self) -> LimiterStats {
        LimiterStats {
            num_limited_samples: self.num_limited_samples,
            // `0.0 -` rather than a negation: unity gain reads +0 dB, not -0.
            max_reduction_db: 0.0 - amplitude_to_db(self.min_gain),
            peak_in_dbfs: amplitude_to_db(self.peak_in),
        }
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
            let x = 0.5 * math::sin(i as f32 * 0.01);
            assert_eq!(limiter.process(x, -x), (x, -x));
        }
        assert_eq!(limiter.num_limited_samples(), 0);
        let mut peak = 0.0f32;
        for i in 0..48_000 {
            let x = 4.0 * math::sin(i as f32 * 0.01);
            let (l, r) = limiter.process(x, 0.1);
            peak = peak.max(l.abs()).max(r.abs());
        }
        assert!(peak <= ceiling * (1.0 + 1e-6), "{peak}");
        assert!(limiter.num_limited_samples() > 40_000);
        assert_eq!(limiter.process(f32::NAN, 0.0), (0.0, 0.0));
    }

    #[test]
    fn stats_report_the_input_peak_and_the_deepest_reduction_and_reset_clears_them() {
        let mut limiter = SafetyLimiter::new(48_000.0);
        assert_eq!(limiter.stats().peak_in_dbfs, crate::rt::db::SILENCE_DB);
        // Below the ceiling: the peak is measured, nothing is turned down.
        for _ in 0..100 {
            limiter.process(0.5, -0.25);
        }
        let quiet = limiter.stats();
        assert_eq!((quiet.num_limited_samples, quiet.max_reduction_db), (0, 0.0));
        assert!((quiet.peak_in_dbfs - amplitude_to_db(0.5)).abs() < 1e-6, "{quiet:?}");
        // 2.0 (+6.02 dBFS) against a -1.5 dBFS ceiling: 7.52 dB of reduction, on that very sample.
        limiter.process(0.1, -2.0);
        let loud = limiter.stats();
        assert_eq!(loud.num_limited_samples, 1);
        assert!((loud.peak_in_dbfs - amplitude_to_db(2.0)).abs() < 1e-5, "{loud:?}");
        let expected_db = amplitude_to_db(2.0) - LIMITER_CEILING_DBFS;
        assert!((loud.max_reduction_db - expected_db).abs() < 1e-4, "{loud:?}");
        // Resting keeps them; reset clears them.
        limiter.rest();
        assert_eq!(limiter.stats(), loud);
        limiter.reset();
        assert_eq!(limiter.stats(), SafetyLimiter::new(48_000.0).stats());
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
