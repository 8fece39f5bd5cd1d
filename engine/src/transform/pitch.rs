//! Pitch shift that keeps the duration: phase-vocoder stretch by 2^(semitones / 12), then the
//! source loader's band-limited, latency-free sinc resampler back to the original length, so
//! every frequency is scaled by the same ratio and formants move with the pitch, as on a tape
//! or sampler. A stretch and a shift together take one vocoder pass (stretch by their product).

use crate::rt::math;
use super::stretch::{PhaseVocoder, StretchConfig};
use crate::source::resample;
use crate::{ENGINE_SAMPLE_RATE_HZ, Error, Result};

/// Largest shift accepted either way, semitones (two octaves: stretch factors 0.25 to 4).
pub const MAX_PITCH_SHIFT_SEMITONES: f32 = 24.0;

/// The frequency ratio of a shift by `semitones` (12 semitones = 2.0).
pub fn semitones_to_ratio(semitones: f32) -> f64 {
    math::powf(2f64, f64::from(semitones) / 12.0)
}

/// Input frames of context stretched and resampled on each side of the excerpt and then cut
/// away, so the resampler's filter (256 taps) never sees the excerpt's edges.
const RESAMPLE_MARGIN_FRAMES: usize = 256;

/// Shifts planar channels by `semitones` with `vocoder`, keeping every channel's length (that of
/// the shortest input channel). A shift of 0 returns the input unchanged; non-finite samples
/// always come out as zero. Not realtime-safe: allocates.
pub fn pitch_shift_channels(
    vocoder: &mut PhaseVocoder,
    channels: &[Vec<f32>],
    semitones: f32,
) -> Result<Vec<Vec<f32>>> {
    let len = channels.iter().map(Vec::len).min().unwrap_or(0);
    pitch_shift_region(vocoder, channels, 0, len, semitones)
}

/// Shifts `num_frames` frames from `start_frame` of planar channels (an excerpt of a longer
/// source) by `semitones`, reading the source around the excerpt as context. Returns exactly
/// `num_frames` frames per channel. The excerpt must lie inside the source. Not realtime-safe:
/// allocates.
pub fn pitch_shift_region(
    vocoder: &mut PhaseVocoder,
    channels: &[Vec<f32>],
    start_frame: usize,
    num_frames: usize,
    semitones: f32,
) -> Result<Vec<Vec<f32>>> {
    stretch_and_shift_region(vocoder, channels, start_frame, num_frames, 1.0, semitones)
}

/// Stretches planar channels by `factor` and shifts them by `semitones` in one vocoder pass
/// (better than a stretch followed by a pitch shift, which runs the vocoder twice). Output
/// length is `round(len * factor)`. `factor` times the shift's frequency ratio must lie in
/// [`super::MIN_STRETCH_FACTOR`]..=[`super::MAX_STRETCH_FACTOR`]. Not realtime-safe: allocates.
pub fn stretch_and_shift(
    vocoder: &mut PhaseVocoder,
    channels: &[Vec<f32>],
    factor: f64,
    semitones: f32,
) -> Result<Vec<Vec<f32>>> {
    let len = channels.iter().map(Vec::len).min().unwrap_or(0);
    stretch_and_shift_region(vocoder, channels, 0, len, factor, semitones)
}

/// [`stretch_and_shift`] of the excerpt `start_frame .. start_frame + num_frames`, reading the
/// source around it as context; returns `round(num_frames * factor)` frames per channel. The
/// excerpt must lie inside the source. Not realtime-safe: allocates.
pub fn stretch_and_shift_region(
    vocoder: &mut PhaseVocoder,
    channels: &[Vec<f32>],
    start_frame: usize,
    num_frames: usize,
    factor: f64,
    semitones: f32,
) -> Result<Vec<Vec<f32>>> {
    if !semitones.is_finite() || semitones.abs() > MAX_PITCH_SHIFT_SEMITONES {
        return Err(Error::InvalidSetting {
            key: "pitch shift semitones".to_owned(),
            value: semitones.to_string(),
            expected: format!(
                "a number from -{MAX_PITCH_SHIFT_SEMITONES} to {MAX_PITCH_SHIFT_SEMITONES}"
            ),
        });
    }
    let source_len = channels.iter().map(Vec::len).min().unwrap_or(0);
    let end_frame = start_frame.saturating_add(num_frames);
    if end_frame > source_len {
        return Err(Error::InvalidSetting {
            key: "pitch shift excerpt".to_owned(),
            value: format!("frames {start_frame}..{end_frame}"),
            expected: format!("an excerpt inside the source's {source_len} frames"),
        });
    }
    if semitones == 0.0 && factor == 1.0 {
        return Ok(channels
            .iter()
            .map(|c| {
                c[start_frame..end_frame]
                    .iter()
                    .map(|&x| if x.is_finite() { x } else { 0.0 })
                    .collect()
            })
            .collect());
    }
    if semitones == 0.0 || num_frames == 0 {
        return vocoder.stretch_region(channels, start_frame, num_frames, factor);
    }
    let len_out = (num_frames as f64 * factor).round() as usize;
    // Reading audio stretched by `ratio` as if recorded at `ratio` x 44.1 kHz and converting it
    // to 44.1 kHz scales every frequency by `ratio` (only the ratio of the rates matters, so
    // audio at any rate works). The rate is a whole number of hertz, so the stretch uses the
    // rounded ratio too and the lengths match exactly; the pitch is off by at most 0.5 Hz in
    // 11 025 Hz (at -24 semitones), under 0.005 % or 0.08 cent.
    let from_hz = (f64::from(ENGINE_SAMPLE_RATE_HZ) * semitones_to_ratio(semitones)).round() as u32;
    let ratio = f64::from(from_hz) / f64::from(ENGINE_SAMPLE_RATE_HZ);
    let slices: Vec<&[f32]> = channels.iter().map(Vec::as_slice).collect();
    let margin = RESAMPLE_MARGIN_FRAMES;
    let stretched = vocoder.stretch_slices(
        &slices,
        start_frame as i64 - margin as i64,
        num_frames + 2 * margin,
        factor * ratio,
    )?;
    let resampled = resample(&stretched, from_hz, ENGINE_SAMPLE_RATE_HZ);
    let margin_out = (margin as f64 * factor).round() as usize;
    Ok(resampled
        .into_iter()
        .map(|mut ch| {
            // The resampled length is within a frame of the margins plus the excerpt; a frame
            // missing at the very end is padded with the last sample.
            let last = ch.last().copied().unwrap_or(0.0);
            ch.resize(margin_out + len_out, last);
            ch.drain(..margin_out);
            ch
        })
        .collect())
}

/// Shifts one channel by `semitones` with a default 4096/1024 vocoder planned for this call.
/// Same length out as in. Not realtime-safe: allocates.
pub fn pitch_shift(input: &[f32], semitones: f32) -> Result<Vec<f32>> {
    let mut vocoder = PhaseVocoder::new(StretchConfig::default())?;
    let mut out = pitch_shift_channels(&mut vocoder, &[input.to_vec()], semitones)?;
    // One channel in gives exactly one channel out.
    Ok(out
        .pop()
        .expect("one input channel gives one output channel"))
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
