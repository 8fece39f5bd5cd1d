//! The `[separation]` settings: when the miners use layers, the margin between them and the kernel
//! sizes, in the units an engineer thinks in (ms, Hz, percent), and the frame and bin counts they
//! become at a given sample rate.

use crate::{Error, Result};

/// When the miners mine a source's layers instead of (or besides) its mix.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeparationMode {
    /// Separate a source only where its mix fails the miners' gates (drums over sustained harmony).
    #[default]
    Auto,
    /// Never separate: mine the mix only.
    Off,
    /// Separate every source and mine its layers.
    Always,
}

/// The `[separation]` config section.
///
/// The separator is median-filter harmonic/percussive separation with a residual (Fitzgerald 2010;
/// Driedger, Müller & Disch 2014), with two changes that the constructed-mix evaluation
/// (`engine/tests/separation_eval.rs`) chose: the harmonic estimate is a low percentile over time
/// rather than the median, so a partial counts as harmonic only where it lasts through most of the
/// kernel (a kick's ringing or a hat's decay, repeated on every beat, fills half a short kernel but
/// not two thirds of a long one), and the masks are soft (Wiener-like, with a power) rather than binary.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SeparationConfig {
    /// When the miners separate.
    pub mode: SeparationMode,
    /// Separation margin β, 1..=8 (Driedger et al.): a bin counts as harmonic only as far as the
    /// harmonic estimate exceeds β times the percussive one, and the other way round; what neither
    /// claims is the residual. 1 leaves no residual; larger margins give purer harmonic and percussive
    /// layers and a louder residual.
    pub margin: f32,
    /// STFT length, samples: a power of two from 1024 to 16384 (4096 is 93 ms at 44.1 kHz). The hop
    /// is a quarter of it. Longer windows resolve close partials better and smear attacks more.
    pub fft_size: usize,
    /// Time span of the harmonic filter, ms (50..=5000): a partial must last through most of it to
    /// count as harmonic.
    pub harmonic_kernel_ms: f32,
    /// Percentile taken over the harmonic span, percent (5..=50; 50 is the median of textbook HPSS):
    /// a partial counts as harmonic where it is present in more than `100 - harmonic_percentile`
    /// percent of the span.
    pub harmonic_percentile: f32,
    /// Frequency span of the percussive (median) filter, Hz (50..=5000): a frame counts as
    /// percussive where its spectrum is broad over this span.
    pub percussive_kernel_hz: f32,
    /// Power of the soft masks, 0.5..=8: 1 splits each bin in proportion to the two estimates, 2 is
    /// the Wiener-like mask, large powers approach binary masks.
    pub mask_power: f32,
}

impl Default for SeparationConfig {
    fn default() -> Self {
        Self {
            mode: SeparationMode::Auto,
            margin: 1.5,
            fft_size: 4096,
            harmonic_kernel_ms: 1000.0,
            harmonic_percentile: 30.0,
            percussive_kernel_hz: 500.0,
            mask_power: 2.0,
        }
    }
}

/// Smallest [`SeparationConfig::fft_size`].
pub const MIN_FFT_SIZE: usize = 1024;
/// Largest [`SeparationConfig::fft_size`].
pub const MAX_FFT_SIZE: usize = 16_384;

impl SeparationConfig {
    /// Checks every key, naming the first bad one (as `separation.<key>`), its value and the allowed range.
    pub fn validate(&self) -> Result<()> {
        let key = |k: &str| format!("separation.{k}");
        check_range(&key("margin"), self.margin, 1.0, 8.0)?;
        if !(self.fft_size.is_power_of_two() && (MIN_FFT_SIZE..=MAX_FFT_SIZE).contains(&self.fft_size)) {
            return Err(invalid(
                &key("fft_size"),
                self.fft_size,
                format!("expected a power of two from {MIN_FFT_SIZE} to {MAX_FFT_SIZE}"),
            ));
        }
        check_range(&key("harmonic_kernel_ms"), self.harmonic_kernel_ms, 50.0, 5000.0)?;
        check_range(&key("harmonic_percentile"), self.harmonic_percentile, 5.0, 50.0)?;
        check_range(&key("percussive_kernel_hz"), self.percussive_kernel_hz, 50.0, 5000.0)?;
        check_range(&key("mask_power"), self.mask_power, 0.5, 8.0)
    }

    /// The frame and bin counts these settings give at `sample_rate_hz`. Out-of-range values are
    /// clamped into their ranges (so an unchecked config still separates), a zero rate counts as 1 Hz.
    pub fn kernels(&self, sample_rate_hz: u32) -> Kernels {
        let fft_size = self.fft_size.clamp(MIN_FFT_SIZE, MAX_FFT_SIZE).next_power_of_two().min(MAX_FFT_SIZE);
        let hop_size = fft_size / 4;
        let rate = sample_rate_hz.max(1) as f32;
        let frames_per_sec = rate / hop_size as f32;
        let bin_hz = rate / fft_size as f32;
        let kernel_ms = clamp_or(self.harmonic_kernel_ms, 50.0, 5000.0, 1000.0);
        let kernel_hz = clamp_or(self.percussive_kernel_hz, 50.0, 5000.0, 500.0);
        Kernels {
            fft_size,
            hop_size,
            time_frames: odd_at_least_one(kernel_ms / 1000.0 * frames_per_sec),
            freq_bins: odd_at_least_one(kernel_hz / bin_hz),
            harmonic_quantile: clamp_or(self.harmonic_percentile, 5.0, 50.0, 30.0) / 100.0,
            margin: clamp_or(self.margin, 1.0, 8.0, 1.5),
            mask_power: clamp_or(self.mask_power, 0.5, 8.0, 2.0),
        }
    }
}

/// A config's settings as frame and bin counts at one sample rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Kernels {
    /// STFT length, samples (a power of two).
    pub fft_size: usize,
    /// Hop between frames, samples (a quarter of `fft_size`).
    pub hop_size: usize,
    /// Length of the harmonic filter, frames (odd).
    pub time_frames: usize,
    /// Length of the percussive filter, bins (odd).
    pub freq_bins: usize,
    /// Quantile of the harmonic filter, 0.05..=0.5.
    pub harmonic_quantile: f32,
    /// Separation margin, 1..=8.
    pub margin: f32,
    /// Soft-mask power, 0.5..=8.
    pub mask_power: f32,
}

impl Kernels {
    /// Bins of one spectrum: `fft_size / 2 + 1`.
    pub fn num_bins(&self) -> usize {
        self.fft_size / 2 + 1
    }

    /// Frames on each side of the centre of the harmonic filter: the separator's latency, frames.
    pub fn half_time_frames(&self) -> usize {
        self.time_frames / 2
    }
}

/// The nearest odd count to `x`, at least 1.
fn odd_at_least_one(x: f32) -> usize {
    let n = x.round().max(1.0) as usize;
    if n % 2 == 1 { n } else { n + 1 }
}

/// `x` clamped into `lo..=hi`, or `fallback` when it is not a number.
fn clamp_or(x: f32, lo: f32, hi: f32, fallback: f32) -> f32 {
    if x.is_nan() { fallback } else { x.clamp(lo, hi) }
}

/// `value` must be finite and within `lo..=hi` (the same check and message as the miners' settings).
fn check_range(key: &str, value: f32, lo: f32, hi: f32) -> Result<()> {
    if value.is_finite() && (lo..=hi).contains(&value) {
        Ok(())
    } else {
        Err(invalid(key, value, format!("expected a number from {lo} to {hi}")))
    }
}

/// An [`Error::InvalidSetting`] for `key` = `value`.
fn invalid(key: &str, value: impl std::fmt::Display, expected: String) -> Error {
    Error::InvalidSetting { key: key.to_string(), value: value.to_string(), expected }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_give_odd_kernels() {
        let config = SeparationConfig::default();
        config.validate().unwrap();
        let k = config.kernels(44_100);
        assert_eq!((k.fft_size, k.hop_size, k.num_bins()), (4096, 1024, 2049));
        // One second at 43.07 frames per second; 500 Hz at 10.77 Hz per bin.
        assert_eq!((k.time_frames, k.freq_bins), (43, 47));
        assert_eq!(k.half_time_frames(), 21);
    }

    #[test]
    fn validation_names_the_first_bad_key_with_its_value_and_range() {
        let cases: [(SeparationConfig, &str, &str); 6] = [
            (SeparationConfig { margin: 0.5, ..Default::default() }, "separation.margin", "0.5"),
            (SeparationConfig { fft_size: 3000, ..Default::default() }, "separation.fft_size", "3000"),
            (SeparationConfig { harmonic_kernel_ms: f32::NAN, ..Default::default() }, "separation.harmonic_kernel_ms", "NaN"),
            (SeparationConfig { harmonic_percentile: 80.0, ..Default::default() }, "separation.harmonic_percentile", "80"),
            (SeparationConfig { percussive_kernel_hz: 10.0, ..Default::default() }, "separation.percussive_kernel_hz", "10"),
            (SeparationConfig { mask_power: 0.0, ..Default::default() }, "separation.mask_power", "0"),
        ];
        for (config, want_key, want_value) in cases {
            match config.validate() {
                Err(Error::InvalidSetting { key, value, expected }) => {
                    assert_eq!((key.as_str(), value.as_str()), (want_key, want_value));
                    assert!(expected.starts_with("expected"), "{expected}");
                }
                other => panic!("{want_key}: {other:?}"),
            }
        }
    }

    #[test]
    fn the_section_reads_from_toml_and_rejects_unknown_keys() {
        let config: SeparationConfig = toml::from_str("mode = \"always\"\nmargin = 2.0").unwrap();
        assert_eq!(config.mode, SeparationMode::Always);
        assert_eq!(config.margin, 2.0);
        assert_eq!(config.fft_size, 4096);
        assert!(toml::from_str::<SeparationConfig>("margn = 2.0").is_err());
        assert!(toml::from_str::<SeparationConfig>("mode = \"sometimes\"").is_err());
    }

    #[test]
    fn an_unchecked_config_is_clamped_into_range() {
        let config = SeparationConfig { fft_size: 5, margin: f32::NAN, mask_power: 100.0, ..Default::default() };
        let k = config.kernels(0);
        assert_eq!(k.fft_size, MIN_FFT_SIZE);
        assert_eq!((k.margin, k.mask_power), (1.5, 8.0));
        assert!(k.time_frames % 2 == 1 && k.freq_bins % 2 == 1);
    }
}
