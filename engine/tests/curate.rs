//! Measurements on known signals, and grades and brightness tags on constructed cases.

use engine::curate::seam::{SeamMetrics, seam_metrics};
use engine::curate::{
    Brightness, BrightnessThresholds, Grade, GradeThresholds, Measurements, grade, measure,
};
use engine::transform::normalize_peak;

const SR: u32 = 44_100;

fn normalised(mut channels: Vec<Vec<f32>>, target_dbfs: f32) -> Vec<Vec<f32>> {
    normalize_peak(&mut channels, target_dbfs);
    channels
}

fn grade_of(channels: &[Vec<f32>], seam: Option<SeamMetrics>) -> (Grade, Vec<String>) {
    let (g, reasons) = grade(&measure(channels, SR), seam, &GradeThresholds::default());
    println!("{g}: {reasons:?}");
    (g, reasons)
}

#[test]
fn full_scale_sine_levels() {
    let x = fixtures::sine(1000.0, 1.0, SR as usize, SR);
    let m = measure(&[x], SR);
    assert!((m.rms_db + 3.0103).abs() < 0.01, "rms {}", m.rms_db);
    assert!(m.peak_dbfs > -0.01 && m.peak < 1.0);
    assert!((m.crest_factor - std::f32::consts::SQRT_2).abs() < 0.01);
    assert!(m.dc_offset < 1e-4);
    assert_eq!(
        (
            m.clipped_samples,
            m.non_finite,
            m.num_channels,
            m.num_frames
        ),
        (0, 0, 1, SR as usize)
    );
    assert!((m.duration_sec - 1.0).abs() < 1e-9);
    assert!(
        (m.centroid_hz / 1000.0 - 1.0).abs() < 0.01,
        "centroid {}",
        m.centroid_hz
    );
}

#[test]
fn stereo_centroid_is_the_mono_centroid_for_identical_channels() {
    let pad = fixtures::chord_pad(&[45.0, 52.0, 57.0, 64.0], 0.6, 2 * SR as usize, SR, 5);
    let mono = measure(std::slice::from_ref(&pad), SR);
    let stereo = measure(&[pad.clone(), pad], SR);
    println!(
        "pad centroid mono {:.1} Hz, stereo {:.1} Hz",
        mono.centroid_hz, stereo.centroid_hz
    );
    assert!((stereo.centroid_hz / mono.centroid_hz - 1.0).abs() < 1e-4);
    assert!(
        mono.centroid_hz < 2000.0,
        "a low pad is not bright: {}",
        mono.centroid_hz
    );
    assert_eq!(stereo.rms_db, mono.rms_db);

    // Different channels: the stereo centroid lies between theirs, weighted by level.
    let low = fixtures::sine(300.0, 0.5, SR as usize, SR);
    let high = fixtures::sine(3000.0, 0.5, SR as usize, SR);
    let both = measure(&[low, high], SR).centroid_hz;
    assert!((both / 1650.0 - 1.0).abs() < 0.02, "centroid {both}");
}

#[test]
fn dc_clipping_and_non_finite_samples() {
    let x: Vec<f32> = fixtures::sine(200.0, 0.3, SR as usize, SR)
        .iter()
        .map(|v| v + 0.1)
        .collect();
    let m = measure(&[x.clone(), vec![0.0; SR as usize]], SR);
    assert!((m.dc_offset - 0.1).abs() < 1e-3, "dc {}", m.dc_offset);

    let clipped: Vec<f32> = fixtures::sine(200.0, 1.5, SR as usize, SR)
        .iter()
        .map(|v| v.clamp(-1.0, 1.0))
        .collect();
    let m = measure(&[clipped], SR);
    assert!(m.clipped_samples > 1000, "{} clipped", m.clipped_samples);

    let mut y = x;
    y[100] = f32::NAN;
    y[200] = f32::NEG_INFINITY;
    let m = measure(&[y], SR);
    assert_eq!(m.non_finite, 2);
    assert!(m.rms_db.is_finite() && m.centroid_hz.is_finite());
}

#[test]
fn pitch_of_tones_and_none_for_noise_and_silence() {
    for f in [55.0, 110.0, 440.0, 1000.0] {
        let m = measure(&[fixtures::sine(f, 0.5, SR as usize, SR)], SR);
        let p = m.est_pitch_hz.expect("a sine is periodic");
        println!("sine {f} Hz: YIN {p:.2} Hz");
        assert!((f64::from(p) / f - 1.0).abs() < 0.005, "{f} -> {p}");
    }
    // A harmonic tone (sawtooth-like, 8 harmonics) reads at its fundamental, not an overtone.
    let saw: Vec<f32> = (0..SR as usize)
        .map(|i| {
            (1..=8)
                .map(|k| {
                    (std::f64::consts::TAU * 220.0 * k as f64 * i as f64 / f64::from(SR)).sin()
                        / k as f64
                })
                .sum::<f64>() as f32
                * 0.3
        })
        .collect();
    let p = measure(&[saw], SR).est_pitch_hz.unwrap();
    assert!((p / 220.0 - 1.0).abs() < 0.005, "saw {p}");
    assert_eq!(
        measure(&[fixtures::white_noise(0.5, SR as usize, 2)], SR).est_pitch_hz,
        None
    );
    assert_eq!(
        measure(&[fixtures::silence(SR as usize)], SR).est_pitch_hz,
        None
    );
    assert_eq!(
        measure(&[fixtures::sine(440.0, 0.5, 1000, SR)], SR).est_pitch_hz,
        None,
        "too short"
    );
}

#[test]
fn brightness_tags_from_measured_centroids() {
    let t = BrightnessThresholds::default();
    let tag = |x: Vec<f32>| Brightness::from_centroid(measure(&[x], SR).centroid_hz, &t);
    assert_eq!(
        tag(fixtures::sine(500.0, 0.5, SR as usize, SR)),
        Brightness::Dark
    );
    assert_eq!(
        tag(fixtures::sine(2500.0, 0.5, SR as usize, SR)),
        Brightness::Mid
    );
    assert_eq!(
        tag(fixtures::white_noise(0.5, SR as usize, 4)),
        Brightness::Bright
    );
}

#[test]
fn clean_normalised_audio_grades_a() {
    let pad = fixtures::chord_pad(&[48.0, 55.0, 60.0, 64.0], 0.5, 2 * SR as usize, SR, 1);
    let x = normalised(vec![pad.clone(), pad], -1.0);
    let (g, reasons) = grade_of(&x, None);
    assert_eq!(g, Grade::A);
    assert!(reasons.is_empty());
}

#[test]
fn loops_grade_by_their_seam() {
    // 100 whole cycles of 441 Hz: the wrap is invisible.
    let good = normalised(vec![fixtures::sine(441.0, 0.5, 10_000, SR)], -1.0);
    let seam = seam_metrics(&good);
    println!("whole-cycle loop seam {seam:?}");
    assert_eq!(grade_of(&good, Some(seam)).0, Grade::A);
    // Cut mid-cycle: the wrap jumps from the top of the wave to zero.
    let cut = normalised(vec![fixtures::sine(441.0, 0.5, 10_025, SR)], -1.0);
    let seam = seam_metrics(&cut);
    println!("cut loop seam {seam:?}");
    let (g, reasons) = grade_of(&cut, Some(seam));
    assert!(g >= Grade::C, "{g}");
    assert!(reasons.iter().any(|r| r.contains("wrap step")));

    let m = measure(&good, SR);
    let t = GradeThresholds::default();
    let with = |flux_ratio, wrap_step| {
        grade(
            &m,
            Some(SeamMetrics {
                flux_ratio,
                wrap_step,
            }),
            &t,
        )
        .0
    };
    assert_eq!(with(1.0, 0.5), Grade::A);
    assert_eq!(with(1.5, 0.5), Grade::B);
    assert_eq!(with(3.0, 0.5), Grade::C);
    assert_eq!(with(5.5, 0.5), Grade::D, "the original tool's median seam");
    assert_eq!(with(1.0, 1.5), Grade::B);
    assert_eq!(with(1.0, 10.0), Grade::D);
    assert_eq!(with(f32::NAN, 0.5), Grade::D);
}

#[test]
fn unusable_files_grade_f() {
    let (g, r) = grade_of(&[fixtures::silence(SR as usize)], None);
    assert_eq!(g, Grade::F);
    assert!(r.iter().any(|r| r.contains("silence")));

    let clipped: Vec<f32> = fixtures::sine(200.0, 1.5, SR as usize, SR)
        .iter()
        .map(|v| v.clamp(-1.0, 1.0))
        .collect();
    let (g, r) = grade_of(&[clipped], None);
    assert_eq!(g, Grade::F);
    assert!(r.iter().any(|r| r.contains("clipping")));

    let mut nan = normalised(vec![fixtures::sine(200.0, 0.5, SR as usize, SR)], -1.0);
    nan[0][500] = f32::NAN;
    assert_eq!(grade_of(&nan, None).0, Grade::F);

    // A lone click over a faint noise bed: extreme crest factor.
    let mut click = fixtures::white_noise(0.004, SR as usize, 8);
    click[20_000] = 0.89;
    let (g, r) = grade_of(&[click], None);
    assert_eq!(g, Grade::F);
    assert!(r.iter().any(|r| r.contains("crest")));

    assert_eq!(grade_of(&[], None).0, Grade::F);
}

#[test]
fn level_and_dc_problems_lower_the_grade() {
    let sine = |amp: f32, dc: f32| -> Vec<Vec<f32>> {
        vec![
            fixtures::sine(300.0, amp, SR as usize, SR)
                .iter()
                .map(|v| v + dc)
                .collect(),
        ]
    };
    // The original's airy loops: 40 dB below the target peak.
    let (g, r) = grade_of(&sine(0.009, 0.0), None);
    assert_eq!(g, Grade::C);
    assert_eq!(r.len(), 1);
    assert!(r.iter().any(|r| r.contains("peak")));
    // Small DC: C; large DC: D.
    assert_eq!(
        grade_of(&normalised(sine(0.8, 0.02), -1.0), None).0,
        Grade::C
    );
    assert_eq!(
        grade_of(&normalised(sine(0.8, 0.1), -1.0), None).0,
        Grade::D
    );
    // A sparse texture, one short swell in a second of silence: peaky, B.
    let mut sparse = vec![vec![0.0f32; SR as usize]];
    for (i, s) in fixtures::sine(300.0, 0.5, 1000, SR).iter().enumerate() {
        sparse[0][i + 10_000] = *s * (std::f32::consts::PI * i as f32 / 1000.0).sin();
    }
    let peaky = normalised(sparse, -1.0);
    let m: Measurements = measure(&peaky, SR);
    println!(
        "sparse: rms {:.1} dB, crest {:.1}",
        m.rms_db, m.crest_factor
    );
    let (g, r) = grade_of(&peaky, None);
    assert_eq!(g, Grade::B);
    assert!(r[0].contains("crest"));
}

#[test]
fn thresholds_validate() {
    GradeThresholds::default().validate().unwrap();
    let inverted = GradeThresholds {
        seam_flux_ratio_b: 1.0,
        ..GradeThresholds::default()
    };
    assert!(inverted.validate().is_err());
    let nan = GradeThresholds {
        min_rms_db: f32::NAN,
        ..GradeThresholds::default()
    };
    assert!(nan.validate().is_err());
    let loud = GradeThresholds {
        target_peak_dbfs: 1.0,
        ..GradeThresholds::default()
    };
    assert!(loud.validate().is_err());
}

#[test]
fn long_files_measure_the_same() {
    // 80 s: the centroid frames are spread evenly instead of back to back, with the same answer.
    let long = fixtures::sine(1000.0, 0.5, 80 * SR as usize, SR);
    let short = fixtures::sine(1000.0, 0.5, 2 * SR as usize, SR);
    let (ml, ms) = (measure(&[long], SR), measure(&[short], SR));
    println!("centroid long {:.2} Hz, short {:.2} Hz", ml.centroid_hz, ms.centroid_hz);
    assert!((ml.centroid_hz / ms.centroid_hz - 1.0).abs() < 1e-3);
    assert!((ml.est_pitch_hz.unwrap() / 1000.0 - 1.0).abs() < 0.005);
    assert!((ml.rms_db - ms.rms_db).abs() < 0.01);
}

#[test]
fn drum_bleed_and_ducking_in_a_layer_pad_cap_the_grade() {
    let n = 4 * SR as usize;
    let sine: Vec<f32> = (0..n).map(|i| (2.0 * std::f32::consts::PI * 220.0 * i as f32 / SR as f32).sin()).collect();
    let pad = normalised(vec![sine], -1.0);
    let m = measure(&pad, SR);
    let t = GradeThresholds::default();
    let with = |bleed: Option<f32>| grade(&Measurements { drum_bleed_db: bleed, ..m.clone() }, None, &t);
    assert_eq!(with(None).0, Grade::A);
    assert_eq!(with(Some(0.8)).0, Grade::A, "within the tolerance");
    let (g, reasons) = with(Some(2.5));
    assert_eq!(g, Grade::B, "{reasons:?}");
    assert!(reasons[0].contains("louder at the drum hits"), "{reasons:?}");
    let (g, reasons) = with(Some(-5.0));
    assert_eq!(g, Grade::C, "{reasons:?}");
    assert!(reasons[0].contains("quieter at the drum hits"), "{reasons:?}");
}
