//! Levels: DC removal, peak normalisation to a target in dBFS, and the safe ceiling that keeps
//! every sample below full scale after 16- or 24-bit rounding and dither.

use crate::rt::db::db_to_amplitude;
use crate::source::zero_non_finite;

/// The largest peak afterglow writes, linear: four 16-bit steps below full scale. A sample at
/// this level stays below 32767 after rounding plus triangular dither of at most +-1 step, and
/// far below the 24-bit maximum, so no written sample sits at or above full scale (-0.0005 dBFS).
pub const MAX_SAFE_PEAK: f32 = 1.0 - 4.0 / 32_768.0;

/// Largest absolute finite sample over all channels, linear (0 for silence or no samples).
pub fn peak(channels: &[Vec<f32>]) -> f32 {
    channels
        .iter()
        .flatten()
        .filter(|x| x.is_finite())
        .fold(0.0f32, |m, x| m.max(x.abs()))
}

/// Subtracts each channel's mean, so its DC offset becomes zero. A constant offset is the same
/// at both ends of a loop, so removing it keeps a seamless loop seamless. Non-finite samples are
/// set to zero first. Returns the largest |mean| removed. Not realtime-safe: reads the whole file.
pub fn remove_dc(channels: &mut [Vec<f32>]) -> f32 {
    let mut largest = 0.0f32;
    for ch in channels.iter_mut() {
        zero_non_finite(ch);
        if ch.is_empty() {
            continue;
        }
        let mean = (ch.iter().map(|&x| f64::from(x)).sum::<f64>() / ch.len() as f64) as f32;
        for x in ch.iter_mut() {
            *x -= mean;
        }
        largest = largest.max(mean.abs());
    }
    largest
}

/// Scales all channels by one gain so the largest sample is `target_dbfs` (clamped to
/// [`MAX_SAFE_PEAK`]), then clamps any sample float rounding pushed past that ceiling.
/// Non-finite samples are set to zero first; silence stays silence. Returns the gain applied.
pub fn normalize_peak(channels: &mut [Vec<f32>], target_dbfs: f32) -> f32 {
    for ch in channels.iter_mut() {
        zero_non_finite(ch);
    }
    let current = peak(channels);
    if current <= 0.0 {
        return 1.0;
    }
    let target = if target_dbfs.is_finite() {
        db_to_amplitude(target_dbfs).min(MAX_SAFE_PEAK)
    } else {
        MAX_SAFE_PEAK
    };
    let gain = target / current;
    for x in channels.iter_mut().flatten() {
        *x = (*x * gain).clamp(-MAX_SAFE_PEAK, MAX_SAFE_PEAK);
    }
    gain
}

/// Loudness every pad enters the bank at: RMS of the mid (L+R)/2 signal, dBFS. With the cloud's
/// density and voice normalisation this puts one note at default settings near -20 dBFS RMS,
/// leaving room for the peaks of a dense cloud.
pub const PAD_TARGET_RMS_DBFS: f32 = -20.0;
/// Highest peak a loudness-matched pad may have, dBFS: a spiky pad is matched less.
pub const PAD_MAX_PEAK_DBFS: f32 = -1.0;
/// Most a pad is raised, dB, so near-silent material is not blown up into noise.
pub const PAD_MAX_BOOST_DB: f32 = 30.0;

/// Scales all channels by one gain so the mid signal's RMS is [`PAD_TARGET_RMS_DBFS`], no more than
/// [`PAD_MAX_BOOST_DB`] up and never so far that the peak passes [`PAD_MAX_PEAK_DBFS`]. Non-finite
/// samples become zero; silence stays silence. Returns the gain applied. Not realtime-safe.
pub fn match_pad_loudness(channels: &mut [Vec<f32>]) -> f32 {
    for ch in channels.iter_mut() {
        zero_non_finite(ch);
    }
    let frames = channels.iter().map(Vec::len).min().unwrap_or(0);
    if frames == 0 {
        return 1.0;
    }
    let scale = 1.0 / channels.len().min(2) as f64;
    let power = (0..frames)
        .map(|i| {
            let mid: f64 = channels.iter().take(2).map(|c| f64::from(c[i])).sum::<f64>() * scale;
            mid * mid
        })
        .sum::<f64>()
        / frames as f64;
    let (rms, largest) = (power.sqrt() as f32, peak(channels));
    if rms <= 1e-9 || largest <= 0.0 {
        return 1.0;
    }
    let gain = (db_to_amplitude(PAD_TARGET_RMS_DBFS) / rms)
        .min(db_to_amplitude(PAD_MAX_BOOST_DB))
        .min(db_to_amplitude(PAD_MAX_PEAK_DBFS) / largest);
    for x in channels.iter_mut().flatten() {
        *x *= gain;
    }
    gain
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rt::math;
    use crate::rt::db::amplitude_to_db;

    #[test]
    fn normalise_reaches_target_and_respects_ceiling() {
        let mut ch = vec![vec![0.01, -0.02, 0.005], vec![0.0, 0.015, f32::NAN]];
        let gain = normalize_peak(&mut ch, -1.0);
        assert!((peak(&ch) - db_to_amplitude(-1.0)).abs() < 1e-6);
        assert!((gain - db_to_amplitude(-1.0) / 0.02).abs() < 1e-3);
        assert_eq!(ch[1][2], 0.0);
        normalize_peak(&mut ch, 3.0);
        assert!(peak(&ch) <= MAX_SAFE_PEAK && peak(&ch) > MAX_SAFE_PEAK - 1e-6);
        // Rounded to 16 bits, the loudest sample stays below full scale even with 1 LSB of dither.
        assert!((MAX_SAFE_PEAK * 32_768.0).round() + 1.0 < 32_767.0);
    }

    #[test]
    fn pads_are_matched_to_the_target_loudness_within_their_peak_limit() {
        let sine = |amp: f32| (0..44_100).map(|i| amp * math::sin(i as f32 * 0.0628)).collect::<Vec<f32>>();
        for amp in [0.01, 0.3, 0.9] {
            let mut ch = vec![sine(amp), sine(amp)];
            match_pad_loudness(&mut ch);
            let rms = (ch[0].iter().map(|x| x * x).sum::<f32>() / ch[0].len() as f32).sqrt();
            assert!((amplitude_to_db(rms) - PAD_TARGET_RMS_DBFS).abs() < 0.05, "{amp}: {}", amplitude_to_db(rms));
        }
        // A click on near-silence: the peak limit decides, not the RMS target.
        let mut spiky = vec![vec![0.001; 1000]];
        spiky[0][10] = 0.5;
        match_pad_loudness(&mut spiky);
        assert!((peak(&spiky) - db_to_amplitude(PAD_MAX_PEAK_DBFS)).abs() < 1e-5);
        let mut silent = vec![vec![0.0; 10]];
        assert_eq!(match_pad_loudness(&mut silent), 1.0);
    }

    #[test]
    fn silence_stays_silent() {
        let mut ch = vec![vec![0.0; 10]];
        assert_eq!(normalize_peak(&mut ch, -1.0), 1.0);
        assert!(ch[0].iter().all(|&x| x == 0.0));
    }

    #[test]
    fn dc_is_removed() {
        let mut ch = vec![vec![0.3, 0.5, 0.4], vec![-0.1, -0.1, -0.1]];
        let removed = remove_dc(&mut ch);
        assert!((removed - 0.4).abs() < 1e-6);
        for c in &ch {
            assert!(c.iter().sum::<f32>().abs() < 1e-6);
        }
    }
}
