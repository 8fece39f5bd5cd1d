//! The one-pass analysis on signals whose features are known in closed form.

use engine::analysis::{Analysis, AnalysisConfig, Analyzer, analyze};

const SR: u32 = 44_100;

fn analysed(x: &[f32]) -> Analysis {
    analyze(x, SR, &AnalysisConfig::default())
}

/// Median of `values` over the frames whose window lies fully inside the signal.
fn median_inner(a: &Analysis, values: &[f32]) -> f32 {
    let full = a.num_samples.saturating_sub(a.config.fft_size) / a.config.hop_size;
    let mut v: Vec<f32> = values[1..full.max(2)].to_vec();
    v.sort_by(f32::total_cmp);
    v[v.len() / 2]
}

#[test]
fn frame_count_and_every_feature_has_one_entry_per_frame() {
    let a = analysed(&fixtures::white_noise(0.1, 10_000, 1));
    assert_eq!(a.num_frames(), 10_000usize.div_ceil(512));
    let f = &a.features;
    for len in [
        f.peak.len(),
        f.crest.len(),
        f.dc.len(),
        f.clip_ratio.len(),
        f.centroid_hz.len(),
    ] {
        assert_eq!(len, a.num_frames());
    }
    for len in [f.flatness.len(), f.flux.len(), f.chroma.len(), f.bass_chroma.len()] {
        assert_eq!(len, a.num_frames());
    }
    assert_eq!(analysed(&[]).num_frames(), 0);
}

#[test]
fn centroid_of_a_sine_is_its_frequency() {
    for freq_hz in [220.0, 1000.0, 5000.0] {
        let a = analysed(&fixtures::sine(freq_hz, 0.5, SR as usize, SR));
        let centroid_hz = median_inner(&a, &a.features.centroid_hz);
        println!("{freq_hz} Hz sine: centroid {centroid_hz:.1} Hz");
        assert!(
            (f64::from(centroid_hz) / freq_hz - 1.0).abs() < 0.02,
            "{freq_hz} Hz: {centroid_hz}"
        );
    }
}

/// Flatness is geometric over arithmetic mean of the power spectrum. For white noise each bin's power
/// is exponentially distributed, whose geometric/arithmetic mean ratio is exp(-Euler gamma) = 0.561,
/// so "near 1" means > 0.5 here; a sine puts all power in one lobe, so its flatness is near 0.
#[test]
fn flatness_of_noise_is_high_and_of_a_sine_near_zero() {
    let noise = analysed(&fixtures::white_noise(0.5, SR as usize, 7));
    let noise_flatness = median_inner(&noise, &noise.features.flatness);
    let sine = analysed(&fixtures::sine(440.0, 0.5, SR as usize, SR));
    let sine_flatness = median_inner(&sine, &sine.features.flatness);
    println!("flatness: white noise {noise_flatness:.3}, sine {sine_flatness:.2e}");
    assert!((0.5..0.62).contains(&noise_flatness), "noise {noise_flatness}");
    assert!(sine_flatness < 1e-3, "sine {sine_flatness}");
}

#[test]
fn onset_count_of_a_click_train_is_exact() {
    for (period, first) in [(11_025, 1_000), (4_410, 300), (22_050, 5_000)] {
        let x = fixtures::click_train(0.8, period, first, 5 * SR as usize);
        let num_clicks = (5 * SR as usize - first).div_ceil(period);
        let a = analysed(&x);
        assert_eq!(a.onsets.len(), num_clicks, "period {period}: {:?}", a.onsets);
        // Each onset frame's window holds its click.
        for (k, &frame) in a.onsets.iter().enumerate() {
            let click = first + k * period;
            let start = a.frame_to_sample(frame);
            assert!(
                (start..start + a.config.fft_size).contains(&click),
                "click {click} frame {frame}"
            );
        }
    }
}

#[test]
fn steady_signals_have_no_onsets() {
    let noise = analysed(&fixtures::white_noise(0.3, 5 * SR as usize, 3));
    let sine = analysed(&fixtures::sine(330.0, 0.5, 5 * SR as usize, SR));
    println!("onsets: noise {:?}, sine {:?}", noise.onsets, sine.onsets);
    // The sine starts at sample 0, which is an onset against the silence before the file.
    assert!(
        noise.onsets.iter().all(|&f| f == 0) && noise.onsets.len() <= 1,
        "{:?}",
        noise.onsets
    );
    assert!(sine.onsets.iter().all(|&f| f == 0), "{:?}", sine.onsets);
}

/// Mean chroma over all frames, and its three strongest pitch classes in ascending order.
fn top_three(a: &Analysis) -> ([f32; 12], Vec<usize>) {
    let mut mean = [0.0f32; 12];
    for c in &a.features.chroma {
        for (m, x) in mean.iter_mut().zip(c) {
            *m += x / a.num_frames() as f32;
        }
    }
    let mut order: Vec<usize> = (0..12).collect();
    order.sort_by(|&x, &y| mean[y].total_cmp(&mean[x]));
    let mut top = order[..3].to_vec();
    top.sort_unstable();
    (mean, top)
}

#[test]
fn chroma_of_a_triad_peaks_on_its_pitch_classes() {
    // A sine triad (D F# A) and a harmonic pad triad (E minor: E G B, eight harmonics, detuning) in
    // the middle register, where 2048-point bins resolve semitones.
    let n = 2 * SR as usize;
    let sines: Vec<f32> = [62.0, 66.0, 69.0]
        .iter()
        .map(|&m| fixtures::sine(fixtures::midi_to_hz(m), 0.3, n, SR))
        .fold(vec![0.0; n], |acc, s| acc.iter().zip(&s).map(|(a, b)| a + b).collect());
    let (mean, top) = top_three(&analysed(&sines));
    println!("D major sine triad chroma {mean:.2?}");
    assert_eq!(top, vec![2, 6, 9]);
    let pad = fixtures::chord_pad(&[64.0, 67.0, 71.0], 0.8, n, SR, 4);
    let (mean, top) = top_three(&analysed(&pad));
    println!("E minor pad chroma {mean:.2?}");
    assert_eq!(top, vec![4, 7, 11]);
}

#[test]
fn tuning_offset_is_measured_and_removed() {
    for cents in [-30.0f64, 0.0, 25.0] {
        let freq_hz = 440.0 * 2f64.powf(cents / 1200.0);
        let a = analysed(&fixtures::sine(freq_hz, 0.5, SR as usize, SR));
        println!("{cents} cents: measured {:.1}", a.tuning_cents);
        assert!(
            (f64::from(a.tuning_cents) - cents).abs() < 3.0,
            "{cents}: {}",
            a.tuning_cents
        );
        assert!(
            a.features.chroma[10][9] > 0.95,
            "A stays A: {:?}",
            a.features.chroma[10]
        );
    }
}

#[test]
fn levels_of_known_signals() {
    // Sine of amplitude 0.5: RMS 0.5/sqrt(2) = -9.03 dBFS, crest sqrt(2), no DC, no clipping.
    let a = analysed(&fixtures::sine(1000.0, 0.5, SR as usize, SR));
    let f = &a.features;
    assert!((median_inner(&a, &f.rms_db) + 9.03).abs() < 0.05);
    assert!((median_inner(&a, &f.peak) - 0.5).abs() < 1e-3);
    assert!((median_inner(&a, &f.crest) - std::f32::consts::SQRT_2).abs() < 0.01);
    assert!(median_inner(&a, &f.dc).abs() < 0.01);
    assert_eq!(median_inner(&a, &f.clip_ratio), 0.0);

    // A constant 0.25: DC 0.25, RMS -12.04 dBFS, crest 1.
    let a = analysed(&vec![0.25; 10_000]);
    assert!((a.features.dc[3] - 0.25).abs() < 1e-6);
    assert!((a.features.rms_db[3] + 12.04).abs() < 0.01);
    assert!((a.features.crest[3] - 1.0).abs() < 1e-5);

    // A full-scale square wave clips everywhere; half of a half-clipped one.
    let square: Vec<f32> = (0..10_000)
        .map(|i| if (i / 50) % 2 == 0 { 1.0 } else { -1.0 })
        .collect();
    assert_eq!(analysed(&square).features.clip_ratio[3], 1.0);
    let half: Vec<f32> = (0..10_000).map(|i| if i % 2 == 0 { 1.0 } else { 0.5 }).collect();
    assert_eq!(analysed(&half).features.clip_ratio[3], 0.5);

    // Silence: floor level, crest 1, no centroid, no flatness, no chroma, no onsets.
    let a = analysed(&fixtures::silence(SR as usize));
    let f = &a.features;
    assert!(f.rms_db.iter().all(|&r| r == -120.0));
    assert!(f.crest.iter().all(|&c| c == 1.0));
    assert!(
        f.centroid_hz
            .iter()
            .chain(&f.flatness)
            .chain(&f.flux)
            .all(|&v| v == 0.0)
    );
    assert!(f.chroma.iter().all(|c| c.iter().all(|&v| v == 0.0)));
    assert!(a.onsets.is_empty());
}

#[test]
fn non_finite_samples_count_as_zero() {
    let mut x = fixtures::sine(440.0, 0.5, SR as usize, SR);
    x[1000] = f32::NAN;
    x[2000] = f32::INFINITY;
    let a = analysed(&x);
    let f = &a.features;
    let all = [
        &f.rms_db,
        &f.peak,
        &f.crest,
        &f.dc,
        &f.clip_ratio,
        &f.centroid_hz,
        &f.flatness,
        &f.flux,
    ];
    assert!(all.iter().all(|v| v.iter().all(|x| x.is_finite())));
    assert!(f.chroma.iter().flatten().all(|x| x.is_finite()));
}

#[test]
fn a_reused_analyzer_matches_a_fresh_one_at_any_rate() {
    let config = AnalysisConfig {
        fft_size: 1024,
        hop_size: 256,
    };
    let mut analyzer = Analyzer::new(config);
    let x = fixtures::chord_pad(&[60.0, 64.0, 67.0], 0.7, SR as usize, SR, 2);
    let y = fixtures::white_noise(0.2, 30_000, 5);
    let first = analyzer.analyze(&x, SR);
    let _ = analyzer.analyze(&y, 48_000);
    assert_eq!(analyzer.analyze(&x, SR), first);
    assert_eq!(analyze(&x, SR, &config), first);
    assert_eq!(first.config, config);
}

#[test]
fn invalid_settings_are_reported_and_sanitised() {
    let bad = AnalysisConfig {
        fft_size: 1000,
        hop_size: 0,
    };
    assert!(bad.validate().is_err());
    assert!(
        AnalysisConfig {
            fft_size: 1024,
            hop_size: 2048
        }
        .validate()
        .is_err()
    );
    assert!(AnalysisConfig::default().validate().is_ok());
    let fixed = bad.sanitised();
    assert!(fixed.validate().is_ok());
    assert_eq!(
        fixed,
        AnalysisConfig {
            fft_size: 1024,
            hop_size: 1
        }
    );
    let a = analyze(&fixtures::sine(440.0, 0.5, 4096, SR), 0, &bad);
    assert_eq!(a.config, fixed);
}
