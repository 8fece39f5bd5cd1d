//! Pitch shift that keeps the duration: phase-vocoder stretch by 2^(semitones / 12), then the
//! source loader's band-limited, latency-free sinc resampler back to the original length, so
//! every frequency is scaled by the same ratio and formants move with the pitch, as on a tape
//! or sampler.

use super::stretch::{PhaseVocoder, StretchConfig};
use crate::source::resample;
use crate::{Error, Result, ENGINE_SAMPLE_RATE_HZ};

/// Largest shift accepted either way, semitones (two octaves: stretch factors 0.25 to 4).
pub const MAX_PITCH_SHIFT_SEMITONES: f32 = 24.0;

/// The frequency ratio of a shift by `semitones` (12 semitones = 2.0).
pub fn semitones_to_ratio(semitones: f32) -> f64 {
    2f64.powf(f64::from(semitones) / 12.0)
}

/// Shifts planar channels by `semitones` with `vocoder`, keeping every channel's length (that of
/// the shortest input channel). A shift of 0 returns the input unchanged. Not realtime-safe:
/// allocates.
pub fn pitch_shift_channels(
    vocoder: &mut PhaseVocoder,
    channels: &[Vec<f32>],
    semitones: f32,
) -> Result<Vec<Vec<f32>>> {
    if !semitones.is_finite() || semitones.abs() > MAX_PITCH_SHIFT_SEMITONES {
        return Err(Error::InvalidSetting {
            key: "pitch shift semitones".to_owned(),
            value: semitones.to_string(),
            expected: format!("a number from -{MAX_PITCH_SHIFT_SEMITONES} to {MAX_PITCH_SHIFT_SEMITONES}"),
        });
    }
    let len = channels.iter().map(Vec::len).min().unwrap_or(0);
    if semitones == 0.0 || len == 0 {
        return Ok(channels.iter().map(|c| c[..len].to_vec()).collect());
    }
    let ratio = semitones_to_ratio(semitones);
    let stretched = vocoder.stretch(channels, ratio)?;
    // Reading the stretched audio as if recorded at `ratio` x 44.1 kHz and converting it to
    // 44.1 kHz scales every frequency by `ratio` (only the ratio of the rates matters, so audio
    // at any rate works). The rate is rounded to a whole hertz: at most 0.5 Hz in 11 025 Hz for a
    // -24 semitone shift, a pitch error under 0.005 % (0.08 cent).
    let from_hz = (f64::from(ENGINE_SAMPLE_RATE_HZ) * ratio).round() as u32;
    let mut out = resample(&stretched, from_hz, ENGINE_SAMPLE_RATE_HZ);
    for ch in &mut out {
        // The resampled length is within a sample of `len`; cut or pad the rest.
        ch.resize(len, 0.0);
    }
    Ok(out)
}

/// Shifts one channel by `semitones` with a default 4096/1024 vocoder planned for this call.
/// Same length out as in. Not realtime-safe: allocates.
pub fn pitch_shift(input: &[f32], semitones: f32) -> Result<Vec<f32>> {
    let mut vocoder = PhaseVocoder::new(StretchConfig::default())?;
    let mut out = pitch_shift_channels(&mut vocoder, &[input.to_vec()], semitones)?;
    // One channel in gives exactly one channel out.
    Ok(out.pop().expect("one input channel gives one output channel"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios() {
        assert!((semitones_to_ratio(12.0) - 2.0).abs() < 1e-12);
        assert!((semitones_to_ratio(-12.0) - 0.5).abs() < 1e-12);
        assert!((semitones_to_ratio(7.0) - 1.498_307).abs() < 1e-6);
    }

    #[test]
    fn zero_shift_is_identity_and_bad_shifts_are_errors() {
        let x = fixtures::white_noise(0.3, 5000, 9);
        assert_eq!(pitch_shift(&x, 0.0).unwrap(), x);
        assert!(pitch_shift(&x, f32::NAN).is_err());
        assert!(pitch_shift(&x, 30.0).is_err());
        assert!(pitch_shift(&[], 5.0).unwrap().is_empty());
    }
}
