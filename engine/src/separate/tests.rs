//! The separator's invariants (the layers add up to the input, for any length and channel count;
//! same input, same bytes; bounded scratch; cancel) and the exact mask check of QUALITY.md on
//! signals whose layers are known: a steady chord under clicks.

use crate::rt::math;
use super::*;
use crate::{CancelFlag, Error};
use fixtures::signals::{chord_pad, click_train, white_noise};

const SR: u32 = 44_100;

/// Sum of squares.
fn energy(x: &[f32]) -> f64 {
    x.iter().map(|&v| f64::from(v) * f64::from(v)).sum()
}

/// `part`'s energy relative to `whole`'s, dB.
fn kept_db(part: &[f32], whole: &[f32]) -> f64 {
    10.0 * math::log10(energy(part).max(1e-30) / energy(whole))
}

/// Largest |harmonic + percussive + residual - input| over every channel.
fn worst_sum_error(input: &[Vec<f32>], layers: &Layers) -> f32 {
    let mut worst = 0.0f32;
    for (c, x) in input.iter().enumerate() {
        assert_eq!(layers.harmonic[c].len(), x.len());
        assert_eq!(layers.percussive[c].len(), x.len());
        assert_eq!(layers.residual[c].len(), x.len());
        for (i, &v) in x.iter().enumerate() {
            let sum = layers.harmonic[c][i] + layers.percussive[c][i] + layers.residual[c][i];
            worst = worst.max((sum - v).abs());
        }
    }
    worst
}

/// A steady A major chord (pad with slow attack and release), peak 0.5.
fn chord(num_frames: usize) -> Vec<f32> {
    chord_pad(&[57.0, 61.0, 64.0], 0.5, num_frames, SR, 7)
}

/// Single-sample clicks four times a second, scaled to sit `below_db` under `reference` (RMS).
fn clicks_under(reference: &[f32], below_db: f64) -> Vec<f32> {
    let raw = click_train(1.0, SR as usize / 4, 1000, reference.len());
    let gain = (energy(reference) / energy(&raw)).sqrt() * math::powf(10f64, -below_db / 20.0);
    raw.iter().map(|&x| x * gain as f32).collect()
}

fn mix(a: &[f32], b: &[f32]) -> Vec<f32> {
    a.iter().zip(b).map(|(x, y)| x + y).collect()
}

#[test]
fn layers_add_up_to_the_input_mono_and_stereo() {
    let n = 3 * SR as usize;
    let tonal = chord(n);
    let busy = mix(&mix(&tonal, &clicks_under(&tonal, 3.0)), &white_noise(0.05, n, 3));
    for input in [vec![busy.clone()], vec![busy.clone(), tonal.clone()]] {
        let layers = separate(&input, SR, &SeparationConfig::default(), None).unwrap();
        let worst = worst_sum_error(&input, &layers);
        assert!(worst < 1e-6, "{} channels: {worst}", input.len());
        assert!(layers.residual.iter().flatten().any(|&r| r != 0.0), "a margin leaves a residual");
    }
}

#[test]
fn without_a_margin_harmonic_and_percussive_rebuild_the_input_to_its_edges() {
    // Masks that sum to one leave (almost) nothing to the residual, from the first sample to the
    // last: the frames reach far enough before the start and past the end.
    let n = SR as usize + 123;
    let input = vec![mix(&chord(n), &white_noise(0.1, n, 5))];
    let config = SeparationConfig { margin: 1.0, ..Default::default() };
    let layers = separate(&input, SR, &config, None).unwrap();
    let worst = layers.residual[0].iter().fold(0.0f32, |w, r| w.max(r.abs()));
    assert!(worst < 1e-4, "{worst}");
}

#[test]
fn a_steady_chord_goes_to_harmonic_and_clicks_to_percussive() {
    // The exact check: the mix's masks applied to each part alone show where each part went.
    let n = 6 * SR as usize;
    let tonal = chord(n);
    let drums = clicks_under(&tonal, 3.0);
    let guide = vec![mix(&tonal, &drums)];
    let parts = vec![tonal.clone(), drums.clone()];
    let layers = Separator::new(&SeparationConfig::default()).separate_guided(&guide, &parts, SR, None).unwrap();
    let tonal_in_h = kept_db(&layers.harmonic[0], &tonal);
    let drums_in_h = kept_db(&layers.harmonic[1], &drums);
    let drums_in_p = kept_db(&layers.percussive[1], &drums);
    let tonal_in_p = kept_db(&layers.percussive[0], &tonal);
    println!(
        "tonal kept in H {tonal_in_h:.2} dB, drums kept in H {drums_in_h:.1} dB; \
         drums kept in P {drums_in_p:.2} dB, tonal kept in P {tonal_in_p:.1} dB"
    );
    // Today: tonal kept in H -0.34 dB, drums kept in H -21.3 dB, drums kept in P -0.16 dB, tonal
    // kept in P -27.1 dB.
    assert!(tonal_in_h > -1.0, "tonal energy kept in H: {tonal_in_h:.2} dB");
    assert!(drums_in_h < -18.0, "drum energy kept in H: {drums_in_h:.1} dB");
    assert!(drums_in_p > -1.0, "drum energy kept in P: {drums_in_p:.2} dB");
    assert!(tonal_in_p < -20.0, "tonal energy kept in P: {tonal_in_p:.1} dB");
    // The parts' layers add up to the mix's own.
    let whole = separate(&guide, SR, &SeparationConfig::default(), None).unwrap();
    let summed = mix(&layers.harmonic[0], &layers.harmonic[1]);
    let worst = summed.iter().zip(&whole.harmonic[0]).fold(0.0f32, |w, (a, b)| w.max((a - b).abs()));
    assert!(worst < 1e-5, "{worst}");
}

#[test]
fn a_raised_flag_stops_it_with_cancelled() {
    let input = vec![chord(2 * SR as usize)];
    let flag = CancelFlag::new();
    let config = SeparationConfig::default();
    assert!(separate(&input, SR, &config, Some(&flag)).is_ok());
    flag.cancel();
    assert!(matches!(separate(&input, SR, &config, Some(&flag)), Err(Error::Cancelled)));
    // The separator is usable again after a cancelled run.
    let mut separator = Separator::new(&config);
    assert!(matches!(separator.separate(&input, SR, Some(&flag)), Err(Error::Cancelled)));
    assert_eq!(separator.separate(&input, SR, None).unwrap(), separate(&input, SR, &config, None).unwrap());
}

#[test]
fn empty_short_and_uneven_inputs_keep_their_shape() {
    let config = SeparationConfig::default();
    let none = separate(&[], SR, &config, None).unwrap();
    assert!(none.harmonic.is_empty() && none.percussive.is_empty() && none.residual.is_empty());
    let empty = separate(&[vec![], vec![]], SR, &config, None).unwrap();
    assert_eq!(empty.harmonic, vec![Vec::<f32>::new(); 2]);
    // Shorter than one FFT, mono and stereo, and channels of different lengths.
    let short = white_noise(0.5, 100, 9);
    for input in [vec![short.clone()], vec![short.clone(), short[..37].to_vec()], vec![vec![0.25], vec![]]] {
        let layers = separate(&input, SR, &config, None).unwrap();
        assert!(worst_sum_error(&input, &layers) < 1e-6);
        assert!(layers.harmonic.iter().chain(&layers.percussive).flatten().all(|x| x.is_finite()));
    }
}

#[test]
fn non_finite_samples_read_as_silence() {
    let mut x = chord(SR as usize);
    x[1000] = f32::NAN;
    x[2000] = f32::INFINITY;
    let layers = separate(&[x.clone()], SR, &SeparationConfig::default(), None).unwrap();
    assert!(layers.harmonic[0].iter().chain(&layers.percussive[0]).chain(&layers.residual[0]).all(|v| v.is_finite()));
    let clean: Vec<f32> = x.iter().map(|&v| if v.is_finite() { v } else { 0.0 }).collect();
    assert!(worst_sum_error(&[clean], &layers) < 1e-6);
}

#[test]
fn same_input_same_bytes_with_a_fresh_or_a_reused_separator() {
    let n = 2 * SR as usize;
    let input = vec![mix(&chord(n), &clicks_under(&chord(n), 3.0)), chord(n)];
    let config = SeparationConfig::default();
    let first = separate(&input, SR, &config, None).unwrap();
    let mut reused = Separator::new(&config);
    // Another shape and rate first: nothing of it may leak into the next source.
    reused.separate(&[white_noise(0.3, 30_000, 1)], 48_000, None).unwrap();
    let again = reused.separate(&input, SR, None).unwrap();
    let bits = |l: &Layers| -> Vec<u32> { l.harmonic.iter().chain(&l.percussive).chain(&l.residual).flatten().map(|x| x.to_bits()).collect() };
    assert_eq!(bits(&first), bits(&again));
}

#[test]
fn scratch_does_not_grow_with_the_source() {
    let mut separator = Separator::new(&SeparationConfig::default());
    separator.separate(&[chord(2 * SR as usize)], SR, None).unwrap();
    let short = separator.scratch_len();
    separator.separate(&[chord(40 * SR as usize)], SR, None).unwrap();
    assert_eq!(separator.scratch_len(), short);
    // A ring of 22 spectra and one of 44 magnitude frames, spans of 43 values per bin, of 2049 bins:
    // about 280 000 values (1.1 MB), whether the source lasts a second or an hour.
    assert!(short < 300_000, "{short}");
}

#[test]
fn an_invalid_config_is_refused_by_name() {
    let config = SeparationConfig { harmonic_kernel_ms: 10_000.0, ..Default::default() };
    match separate(&[chord(1000)], SR, &config, None) {
        Err(Error::InvalidSetting { key, .. }) => assert_eq!(key, "separation.harmonic_kernel_ms"),
        other => panic!("{other:?}"),
    }
}
