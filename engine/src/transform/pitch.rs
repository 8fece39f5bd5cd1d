//! Pitch shift that keeps the duration: phase-vocoder stretch by 2^(semitones / 12), then a
//! band-limited (windowed-sinc) resample back to the original length, so every frequency is
//! scaled by the same ratio and formants move with the pitch, as on a tape or sampler.

use super::stretch::PhaseVocoder;
use super::stretch::StretchConfig;
use crate::{Error, Result};
use rubato::audioadapter_buffers::direct::SequentialSliceOfVecs;
use rubato::{
    Async, FixedAsync, Resampler, SincInterpolationParameters, SincInterpolationType, WindowFunction,
};

/// Largest shift accepted either way, semitones (two octaves: stretch factors 0.25 to 4).
pub const MAX_PITCH_SHIFT_SEMITONES: f32 = 24.0;

/// Input chunk of the resampler, frames.
const RESAMPLE_CHUNK_FRAMES: usize = 1024;

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
    let mut out = resample_by(&stretched, 1.0 / ratio)?;
    for ch in &mut out {
        // The resampler's output length is within a sample or two of `len`; cut or pad the rest.
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

/// Resamples planar channels by `ratio` (output rate / input rate) with a 128-tap
/// Blackman-Harris-squared sinc (cutoff derived by rubato; lowered to the output Nyquist when
/// `ratio` < 1, so upward shifts do not alias). Startup delay is trimmed by rubato.
fn resample_by(channels: &[Vec<f32>], ratio: f64) -> Result<Vec<Vec<f32>>> {
    let num_channels = channels.len();
    let len = channels.iter().map(Vec::len).min().unwrap_or(0);
    let params = SincInterpolationParameters::new(128, WindowFunction::BlackmanHarris2)
        .oversampling_factor(256)
        .interpolation(SincInterpolationType::Cubic);
    let mut resampler =
        Async::<f32>::new_sinc(ratio, 1.0, &params, RESAMPLE_CHUNK_FRAMES, num_channels, FixedAsync::Input)
            .map_err(|e| resample_error(e.to_string()))?;
    let input = SequentialSliceOfVecs::new(channels, num_channels, len).map_err(|e| resample_error(e.to_string()))?;
    let interleaved = resampler.process_all(&input, len, None).map_err(|e| resample_error(e.to_string()))?;
    let data = interleaved.take_data();
    let frames = data.len() / num_channels.max(1);
    Ok((0..num_channels).map(|ch| (0..frames).map(|i| data[i * num_channels + ch]).collect()).collect())
}

fn resample_error(reason: String) -> Error {
    // Ratios are bounded by MAX_PITCH_SHIFT_SEMITONES and buffers are sized from the input, so
    // this reports a broken invariant rather than bad audio.
    Error::InvalidSetting { key: "pitch shift resampler".to_owned(), value: reason, expected: "a valid ratio".to_owned() }
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
