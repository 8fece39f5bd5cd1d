//! Resampling figures: a 1 kHz sine keeps its frequency (within 0.01 %) and phase (no startup
//! delay), and the duration is exact to one output sample, from every supported rate, both
//! through `source::resample` and through `source::load`.

use engine::source::{load, resample, resample_loop, LoadOptions};
use fixtures::encode::{wav_bytes, SampleEncoding};

/// These tests check decoding itself: the samples as decoded, without DC blocking.
const RAW: LoadOptions = LoadOptions { max_duration_sec: 3600.0, min_duration_sec: 0.25, block_dc: false, cancel: None };

const RATES_HZ: [u32; 7] = [8_000, 11_025, 22_050, 44_100, 48_000, 96_000, 192_000];

/// Upward zero crossings of `x`, linearly interpolated, in samples.
fn upward_crossings(x: &[f32]) -> Vec<f64> {
    x.windows(2)
        .enumerate()
        .filter(|(_, w)| w[0] < 0.0 && w[1] >= 0.0)
        .map(|(i, w)| i as f64 + f64::from(w[0]) / f64::from(w[0] - w[1]))
        .collect()
}

/// Least-squares line through the crossing times, skipping `skip` crossings at each end:
/// returns (period in samples, time of crossing number 0 extrapolated, in samples).
fn fit_crossings(crossings: &[f64], skip: usize) -> (f64, f64) {
    let pts: Vec<(f64, f64)> = crossings
        .iter()
        .enumerate()
        .skip(skip)
        .take(crossings.len() - 2 * skip)
        .map(|(k, &t)| (k as f64, t))
        .collect();
    let n = pts.len() as f64;
    let (sx, sy) = pts.iter().fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
    let (mx, my) = (sx / n, sy / n);
    let sxy: f64 = pts.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = pts.iter().map(|(x, _)| (x - mx) * (x - mx)).sum();
    let slope = sxy / sxx;
    (slope, my - slope * mx)
}

/// Checks frequency, phase and length of a resampled 1 kHz sine; returns the relative
/// frequency error.
fn check_sine(out: &[f32], num_in: usize, from_hz: u32, to_hz: u32) -> f64 {
    let expected_len = (num_in as f64 * f64::from(to_hz) / f64::from(from_hz)).round() as usize;
    assert!(out.len().abs_diff(expected_len) <= 1, "{from_hz} Hz: {} frames, expected {expected_len}", out.len());
    let (period, first) = fit_crossings(&upward_crossings(out), 20);
    // Crossing number 0 of the fit is the first one detected; fold the intercept to the
    // nearest crossing of a sine that starts at output sample 0.
    let first = first - (first / period).round() * period;
    let freq_hz = f64::from(to_hz) / period;
    let rel_error = (freq_hz - 1000.0).abs() / 1000.0;
    assert!(rel_error < 1e-4, "{from_hz} Hz: measured {freq_hz} Hz");
    // The sine starts at phase 0 at input sample 0: with the latency removed its first upward
    // crossing is output sample 0 (exactly for rational ratios with at most 1024 phases,
    // within 1/256 of an input sample otherwise).
    println!("{from_hz} -> {to_hz} Hz: start offset {first:.4} samples, freq error {rel_error:.2e}");
    assert!(first.abs() < 0.01, "{from_hz} Hz: sine starts {first} samples late");
    rel_error
}

#[test]
fn resample_keeps_frequency_phase_and_length_from_every_rate() {
    for from_hz in RATES_HZ {
        let num_in = (f64::from(from_hz) * 0.5) as usize + 7;
        let sine = fixtures::sine(1000.0, 0.5, num_in, from_hz);
        let out = resample(&[sine.clone(), sine], from_hz, 44_100);
        assert_eq!(out.len(), 2);
        check_sine(&out[0], num_in, from_hz, 44_100);
        assert_eq!(out[0], out[1]);
    }
}

#[test]
fn resample_other_directions_keep_frequency_phase_length_and_level() {
    let num_in = 44_100;
    let sine = fixtures::sine(1000.0, 0.5, num_in, 44_100);
    for to_hz in [22_050u32, 46_722, 96_000] {
        let out = resample(std::slice::from_ref(&sine), 44_100, to_hz);
        check_sine(&out[0], num_in, 44_100, to_hz);
        let mid = &out[0][to_hz as usize / 4..3 * to_hz as usize / 4];
        let rms = (mid.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>() / mid.len() as f64).sqrt();
        assert!((rms - 0.5 / 2f64.sqrt()).abs() < 1e-3, "{to_hz} Hz: rms {rms}");
    }
}

#[test]
fn load_resamples_sine_files_to_44k1() {
    let dir = tempfile::tempdir().unwrap();
    for from_hz in RATES_HZ {
        let num_in = (f64::from(from_hz) * 0.75) as usize;
        let sine = fixtures::sine(1000.0, 0.5, num_in, from_hz);
        let path = dir.path().join(format!("sine_{from_hz}.wav"));
        std::fs::write(&path, wav_bytes(&[sine], from_hz, SampleEncoding::Float32, false, None)).unwrap();
        let source = load(&path, &RAW).unwrap();
        assert_eq!(source.sample_rate_hz, 44_100);
        assert_eq!(source.num_channels(), 1);
        check_sine(&source.channels[0], num_in, from_hz, 44_100);
        assert_eq!(source.provenance.original_sample_rate_hz, from_hz);
        assert!((source.provenance.original_duration_sec - num_in as f64 / f64::from(from_hz)).abs() < 1e-9);
    }
}

/// RMS of `x` in dB relative to a full-scale sine's.
fn rms_db(x: &[f32]) -> f64 {
    let ms = x.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() / x.len() as f64;
    10.0 * (2.0 * ms).log10()
}

#[test]
fn downsampling_keeps_the_passband_and_rejects_aliases() {
    let from_hz = 48_000;
    let n = from_hz as usize;
    let level = |freq_hz: f64| {
        let out = resample(&[fixtures::sine(freq_hz, 1.0, n, from_hz)], from_hz, 44_100);
        rms_db(&out[0][4_410..out[0].len() - 4_410])
    };
    let passband_db = level(18_000.0);
    let alias_db = level(26_000.0);
    println!("48 kHz -> 44.1 kHz: 18 kHz at {passband_db:.2} dB, 26 kHz folds to {alias_db:.1} dB");
    assert!(passband_db.abs() < 0.1, "18 kHz at {passband_db} dB");
    assert!(alias_db < -90.0, "26 kHz aliases at {alias_db} dB");
}

/// A bright loop (partials up to 15 kHz, each a whole number of periods in the loop) stays seamless
/// when a sampler profile converts it to 48 kHz: every output frame, the first and last ones too,
/// matches the same partials sampled at 48 kHz (so the wrap is as clean as the inside), where a
/// plain conversion (the filter seeing silence past both ends) breaks the seam.
#[test]
fn resampled_loops_stay_seamless() {
    let partials = [(3_usize, 0.5_f64), (401, 0.2), (9_001, 0.1), (30_001, 0.05)];
    // The partials at `frame` of a loop `len` frames long.
    let tone = |frame: usize, len: usize| -> f32 {
        partials
            .iter()
            .map(|&(cycles, amp)| amp * (std::f64::consts::TAU * (cycles * frame % len) as f64 / len as f64 + 0.3).sin())
            .sum::<f64>() as f32
    };
    // Largest error against the ideal loop over the `edge` frames at each end, and inside.
    let errors = |out: &[f32], edge: usize| -> (f32, f32) {
        let m = out.len();
        let err = |j: usize| (out[j] - tone(j, m)).abs();
        let ends = (0..edge).chain(m - edge..m).map(err).fold(0.0, f32::max);
        let inside = (m / 2 - edge..m / 2 + edge).map(err).fold(0.0, f32::max);
        (ends, inside)
    };
    for num_frames in [88_200_usize, 88_201, 132_301] {
        let loop_: Vec<f32> = (0..num_frames).map(|i| tone(i, num_frames)).collect();
        let out = resample_loop(&[loop_.clone(), loop_.clone()], 44_100, 48_000);
        let expected = (num_frames as f64 * 48_000.0 / 44_100.0).round() as usize;
        assert_eq!((out.len(), out[0].len(), out[1].len()), (2, expected, expected));
        let (ends, inside) = errors(&out[0], 512);
        let (plain_ends, _) = errors(&resample(&[loop_], 44_100, 48_000)[0], 512);
        println!("{num_frames} frames to 48 kHz: error at the wrap {ends:.1e} (inside {inside:.1e}); plain conversion {plain_ends:.1e}");
        assert!(ends < 2e-3 && inside < 2e-3, "{num_frames}: {ends} at the ends, {inside} inside");
        assert!(plain_ends > 5e-3, "the plain conversion should show the seam it breaks: {plain_ends}");
    }
}

/// Rates whose ratio to 44.1 kHz needs more fractional positions than get their own taps (44 056 Hz
/// gives 11 025, 37 811 Hz gives 44 100) use taps interpolated between tabulated positions: the
/// output is still the same sine, sample for sample, with the error far below 16-bit resolution.
#[test]
fn uncommon_rates_interpolate_their_taps_and_stay_clean() {
    for from_hz in [44_056u32, 37_811, 50_001] {
        let num_in = from_hz as usize;
        let out = resample(&[fixtures::sine(1000.0, 0.5, num_in, from_hz)], from_hz, 44_100);
        check_sine(&out[0], num_in, from_hz, 44_100);
        let ideal = fixtures::sine(1000.0, 0.5, out[0].len(), 44_100);
        let (inner, ideal_inner) = (&out[0][2_000..out[0].len() - 2_000], &ideal[2_000..ideal.len() - 2_000]);
        let error: Vec<f32> = inner.iter().zip(ideal_inner).map(|(a, b)| a - b).collect();
        let error_db = rms_db(&error) - rms_db(ideal_inner);
        println!("{from_hz} Hz -> 44.1 kHz: error {error_db:.1} dB below the sine");
        assert!(error_db < -100.0, "{from_hz} Hz: error at {error_db:.1} dB");
    }
}
