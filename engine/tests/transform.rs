//! Offline transforms measured on known signals: stretch and pitch keep or move frequencies by the
//! right ratio, phase locking keeps a chord's partials, stereo images survive, tone variants tilt
//! the spectrum the right way and land on the target peak, envelopes start and end where they should.

use engine::curate::measure;
use engine::transform::{
    Edges, FadeShape, FilterSettings, FilterVariant, PhaseVocoder, StretchConfig, SwellEnvelope,
    apply_swell, db_to_amplitude, fade_in, fade_out, filter_variant, normalize_peak, peak,
    pitch_shift, pitch_shift_channels, pitch_shift_region, remove_dc, reverse, stretch_and_shift,
    time_stretch,
};
use realfft::RealFftPlanner;

const SR: u32 = 44_100;

/// Frequency from interpolated rising zero crossings over the middle half of `x`.
fn zero_crossing_hz(x: &[f32]) -> f64 {
    let (lo, hi) = (x.len() / 4, 3 * x.len() / 4);
    let mut crossings = Vec::new();
    for i in lo..hi {
        let (a, b) = (f64::from(x[i]), f64::from(x[i + 1]));
        if a < 0.0 && b >= 0.0 {
            crossings.push(i as f64 + a / (a - b));
        }
    }
    let n = crossings.len();
    assert!(n > 10, "too few crossings");
    (n - 1) as f64 / (crossings[n - 1] - crossings[0]) * f64::from(SR)
}

/// Magnitude (dB) and phase of `x`'s component at `freq_hz` over samples `range` (Hann-weighted).
fn tone_at(x: &[f32], freq_hz: f64, range: std::ops::Range<usize>) -> (f64, f64) {
    let n = range.len() as f64;
    let (mut re, mut im) = (0.0, 0.0);
    for (j, i) in range.enumerate() {
        let w = 0.5 - 0.5 * (std::f64::consts::TAU * j as f64 / n).cos();
        let ph = std::f64::consts::TAU * freq_hz * i as f64 / f64::from(SR);
        re += w * f64::from(x[i]) * ph.cos();
        im -= w * f64::from(x[i]) * ph.sin();
    }
    (
        20.0 * (2.0 * (re * re + im * im).sqrt() / (n / 2.0)).log10(),
        im.atan2(re),
    )
}

/// Long-term magnitude spectrum of the middle of `x`: 16384-point Hann frames, hop 4096, summed.
fn long_spectrum(x: &[f32]) -> Vec<f32> {
    let n = 16_384;
    let fft = RealFftPlanner::<f32>::new().plan_fft_forward(n);
    let mut total = vec![0.0f32; n / 2 + 1];
    let mut spec = fft.make_output_vec();
    let mut start = x.len() / 4;
    while start + n <= 3 * x.len() / 4 {
        let mut frame: Vec<f32> = (0..n)
            .map(|i| {
                x[start + i] * (0.5 - 0.5 * (std::f32::consts::TAU * i as f32 / n as f32).cos())
            })
            .collect();
        fft.process(&mut frame, &mut spec).unwrap();
        for (t, s) in total.iter_mut().zip(&spec) {
            *t += s.norm();
        }
        start += 4096;
    }
    total
}

/// Bins of the `count` largest local maxima of `spec` (each a maximum over +-4 bins).
fn top_peaks(spec: &[f32], count: usize) -> Vec<usize> {
    let mut peaks: Vec<usize> = (4..spec.len() - 4)
        .filter(|&k| (k - 4..=k + 4).all(|j| spec[j] <= spec[k]))
        .collect();
    peaks.sort_by(|&a, &b| spec[b].total_cmp(&spec[a]));
    peaks.truncate(count);
    peaks.sort_unstable();
    peaks
}

#[test]
fn stretch_2x_doubles_length_and_keeps_a_sine_frequency() {
    let x = fixtures::sine(440.0, 0.5, 2 * SR as usize, SR);
    let y = time_stretch(&x, 2.0).unwrap();
    assert_eq!(y.len(), 2 * x.len());
    let f = zero_crossing_hz(&y);
    println!("stretch 2x: 440 Hz -> {f:.3} Hz");
    assert!((f / 440.0 - 1.0).abs() < 0.005, "frequency {f}");
    // Level kept too: a steady sine stays a steady sine.
    let (db_in, _) = tone_at(&x, 440.0, 20_000..60_000);
    let (db_out, _) = tone_at(&y, 440.0, 80_000..120_000);
    assert!(
        (db_in - db_out).abs() < 0.5,
        "level {db_in:.2} -> {db_out:.2} dB"
    );
}

#[test]
fn stretch_lengths_are_rounded_products() {
    let mut pv = PhaseVocoder::new(StretchConfig::default()).unwrap();
    let x = fixtures::white_noise(0.3, 12_345, 1);
    for factor in [0.5, 0.75, 1.5, 3.0] {
        let y = pv.stretch(&[x.clone(), x.clone()], factor).unwrap();
        let expected = (12_345.0 * factor).round() as usize;
        assert!(y.iter().all(|c| c.len() == expected), "factor {factor}");
    }
}

#[test]
fn stretched_stereo_keeps_its_image() {
    // Left and right: the same 330 Hz tone 60 degrees apart, the right 6 dB quieter.
    let n = 3 * SR as usize;
    let w = std::f64::consts::TAU * 330.0 / f64::from(SR);
    let left: Vec<f32> = (0..n).map(|i| 0.5 * (w * i as f64).sin() as f32).collect();
    let right: Vec<f32> = (0..n)
        .map(|i| 0.25 * (w * i as f64 + 60f64.to_radians()).sin() as f32)
        .collect();
    let mut pv = PhaseVocoder::new(StretchConfig::default()).unwrap();
    let y = pv.stretch(&[left, right], 1.5).unwrap();
    let range = 2 * SR as usize..3 * SR as usize;
    let (l_db, l_ph) = tone_at(&y[0], 330.0, range.clone());
    let (r_db, r_ph) = tone_at(&y[1], 330.0, range);
    let mut diff = (r_ph - l_ph).to_degrees();
    diff = (diff + 540.0) % 360.0 - 180.0;
    println!(
        "stereo after 1.5x: level difference {:.2} dB, phase difference {diff:.2} deg",
        l_db - r_db
    );
    assert!((l_db - r_db - 6.02).abs() < 0.2);
    assert!((diff - 60.0).abs() < 2.0, "phase difference {diff}");
}

/// A steady chord: each MIDI note with 6 harmonics at 1/k amplitude, no vibrato.
fn steady_chord(notes: &[f64], num_frames: usize) -> Vec<f32> {
    let mut out = vec![0.0f64; num_frames];
    for (j, &note) in notes.iter().enumerate() {
        let f0 = fixtures::midi_to_hz(note);
        for k in 1..=6 {
            let w = std::f64::consts::TAU * f0 * k as f64 / f64::from(SR);
            let phase0 = 0.7 * (j * 6 + k) as f64;
            for (i, o) in out.iter_mut().enumerate() {
                *o += (w * i as f64 + phase0).sin() / k as f64;
            }
        }
    }
    fixtures::normalise_peak(&out, 0.5)
}

#[test]
fn phase_locked_stretch_keeps_a_chords_partials() {
    // C major chord (C3 E3 G3 C4) of steady harmonic tones, 4 s: without vibrato or detuning
    // every partial is one sharp peak, so peaks can be compared bin for bin.
    let x = steady_chord(&[48.0, 52.0, 55.0, 60.0], 4 * SR as usize);
    let y = time_stretch(&x, 2.0).unwrap();
    let (sx, sy) = (long_spectrum(&x), long_spectrum(&y));
    let peaks_x = top_peaks(&sx, 12);
    let peaks_y = top_peaks(&sy, 12);
    println!("input peaks {peaks_x:?}\noutput peaks {peaks_y:?}");
    let bin_hz = f64::from(SR) / 16_384.0;
    let total_x: f32 = sx.iter().sum::<f32>();
    let total_y: f32 = sy.iter().sum::<f32>();
    let mut matched = 0;
    for &p in &peaks_x {
        if peaks_y.iter().any(|&q| q.abs_diff(p) <= 2) {
            matched += 1;
        }
        // Each partial keeps its share of the spectrum within 3 dB.
        let share_x = sx[p] / total_x;
        let share_y = (p - 2..=p + 2).map(|k| sy[k]).fold(0.0f32, f32::max) / total_y;
        let change_db = 20.0 * (share_y / share_x).log10();
        println!("partial {:.1} Hz: {change_db:+.2} dB", p as f64 * bin_hz);
        assert!(
            change_db.abs() < 3.0,
            "partial at {:.1} Hz moved {change_db:.2} dB",
            p as f64 * bin_hz
        );
    }
    assert!(matched >= 11, "only {matched} of 12 partials found again");
    // Peak concentration: energy within +-3 bins of the 12 partials, relative to all energy. A
    // smeared ("phasey") stretch spreads the partials and lowers this.
    let conc = |s: &[f32], peaks: &[usize]| {
        let e: f32 = s.iter().map(|v| v * v).sum();
        let near: f32 = peaks
            .iter()
            .flat_map(|&p| p - 3..=p + 3)
            .map(|k| s[k] * s[k])
            .sum();
        near / e
    };
    let (cx, cy) = (conc(&sx, &peaks_x), conc(&sy, &peaks_x));
    println!("energy near partials: input {cx:.3}, stretched {cy:.3}");
    assert!(cy > 0.9 * cx);
}

#[test]
fn pitch_up_a_fifth_moves_a_sine_and_keeps_length() {
    let x = fixtures::sine(440.0, 0.5, 2 * SR as usize, SR);
    let y = pitch_shift(&x, 7.0).unwrap();
    assert_eq!(y.len(), x.len());
    let expected = 440.0 * 2f64.powf(7.0 / 12.0);
    let f = zero_crossing_hz(&y);
    println!("pitch +7: {f:.3} Hz (expected {expected:.3})");
    assert!((f / expected - 1.0).abs() < 0.005);
    let (db_in, _) = tone_at(&x, 440.0, 20_000..60_000);
    let (db_out, _) = tone_at(&y, expected, 20_000..60_000);
    assert!(
        (db_in - db_out).abs() < 0.5,
        "level {db_in:.2} -> {db_out:.2} dB"
    );
}

#[test]
fn pitch_down_an_octave_in_stereo() {
    let x = fixtures::sine(880.0, 0.5, SR as usize, SR);
    let mut pv = PhaseVocoder::new(StretchConfig::default()).unwrap();
    let y = pitch_shift_channels(&mut pv, &[x.clone(), x], -12.0).unwrap();
    assert_eq!(y.len(), 2);
    for ch in &y {
        assert_eq!(ch.len(), SR as usize);
        let f = zero_crossing_hz(ch);
        assert!((f / 440.0 - 1.0).abs() < 0.005, "{f}");
    }
    assert_eq!(y[0], y[1]);
}

#[test]
fn filter_variants_tilt_the_spectrum_and_renormalise() {
    let noise = vec![fixtures::white_noise(0.5, 2 * SR as usize, 11)];
    let pad = vec![fixtures::chord_pad(
        &[45.0, 52.0, 57.0, 61.0, 64.0],
        0.7,
        2 * SR as usize,
        SR,
        3,
    )];
    let settings = FilterSettings::default();
    let centroid = |ch: &[Vec<f32>]| measure(ch, SR).centroid_hz;
    let c_in = centroid(&noise);
    let mut c = std::collections::HashMap::new();
    for variant in FilterVariant::ALL {
        let mut y = filter_variant(&noise, variant, &settings, Edges::OneShot, SR);
        c.insert(variant, centroid(&y));
        normalize_peak(&mut y, -1.0);
        let m = measure(&y, SR);
        assert!(
            (m.peak_dbfs + 1.0).abs() < 0.01,
            "{variant} peak {}",
            m.peak_dbfs
        );

        // On a pad, no variant loses most of the signal (the original's airy lost 40 dB).
        let filtered = filter_variant(&pad, variant, &settings, Edges::Loop, SR);
        let loss_db = measure(&filtered, SR).rms_db - measure(&pad, SR).rms_db;
        println!(
            "{variant}: noise centroid {:.0} Hz (input {c_in:.0}), pad level change {loss_db:+.1} dB",
            c[&variant]
        );
        assert!(loss_db > -12.0, "{variant} loses {loss_db:.1} dB on a pad");
    }
    assert!(c[&FilterVariant::Warm] < 0.6 * c_in);
    assert!(c[&FilterVariant::Dark] < 0.7 * c[&FilterVariant::Warm]);
    assert!(c[&FilterVariant::Airy] > c_in);
}

#[test]
fn filter_variants_are_zero_phase() {
    // A 1 kHz tone through the warm variant: attenuated a little, never delayed.
    let x = fixtures::sine(1000.0, 0.5, SR as usize, SR);
    let y = filter_variant(
        std::slice::from_ref(&x),
        FilterVariant::Warm,
        &FilterSettings::default(),
        Edges::OneShot,
        SR,
    );
    let (_, ph_x) = tone_at(&x, 1000.0, 10_000..30_000);
    let (_, ph_y) = tone_at(&y[0], 1000.0, 10_000..30_000);
    assert!(
        (ph_x - ph_y).abs().to_degrees() < 1.0,
        "phase moved {:.2} deg",
        (ph_x - ph_y).to_degrees()
    );
}

#[test]
fn envelopes_start_and_end_at_the_right_values() {
    let ones = || vec![vec![1.0f32; SR as usize]; 2];
    for shape in [
        FadeShape::Linear,
        FadeShape::EqualPower,
        FadeShape::Exponential,
        FadeShape::SCurve,
    ] {
        let mut x = ones();
        apply_swell(
            &mut x,
            &SwellEnvelope {
                rise_sec: 0.3,
                decay_sec: 0.5,
                shape,
            },
            SR,
        );
        for ch in &x {
            assert_eq!(ch[0], 0.0, "{shape:?} starts silent");
            assert_eq!(*ch.last().unwrap(), 0.0, "{shape:?} ends silent");
            let rise_end = (0.3 * SR as f32) as usize;
            let decay_start = SR as usize - (0.5 * SR as f32) as usize;
            assert_eq!(ch[rise_end], 1.0, "{shape:?} full level after the rise");
            assert_eq!(
                ch[decay_start - 1],
                1.0,
                "{shape:?} full level before the decay"
            );
            assert!(ch[rise_end / 2] > 0.0 && ch[rise_end / 2] < 1.0);
        }
    }
    // Longer than the audio: rise and decay shrink in proportion and still meet at the ends.
    let mut x = ones();
    apply_swell(
        &mut x,
        &SwellEnvelope {
            rise_sec: 3.0,
            decay_sec: 1.0,
            shape: FadeShape::Linear,
        },
        SR,
    );
    assert_eq!(x[0][0], 0.0);
    assert_eq!(*x[0].last().unwrap(), 0.0);
    let top = (0..x[0].len())
        .max_by(|&a, &b| x[0][a].total_cmp(&x[0][b]))
        .unwrap();
    assert!(
        (top as f32 / SR as f32 - 0.75).abs() < 0.001,
        "peak at {top}"
    );
    assert!(x[0][top] > 0.999);

    let mut x = ones();
    fade_in(&mut x, 0.1, FadeShape::EqualPower, SR);
    fade_out(&mut x, 0.1, FadeShape::EqualPower, SR);
    assert_eq!(
        (x[1][0], *x[1].last().unwrap(), x[1][SR as usize / 2]),
        (0.0, 0.0, 1.0)
    );
    // The fade-out is the fade-in's mirror image.
    let n = x[0].len();
    assert!((0..4410).all(|i| (x[0][i] - x[0][n - 1 - i]).abs() < 1e-6));

    let mut r = vec![fixtures::sine(100.0, 0.5, 1000, SR)];
    let orig = r[0].clone();
    reverse(&mut r);
    reverse(&mut r);
    assert_eq!(r[0], orig);
}

#[test]
fn levels_remove_dc_and_hit_the_target() {
    let mut x = vec![
        fixtures::sine(220.0, 0.01, SR as usize, SR)
            .iter()
            .map(|v| v + 0.2)
            .collect::<Vec<f32>>(),
    ];
    remove_dc(&mut x);
    normalize_peak(&mut x, -1.0);
    let m = measure(&x, SR);
    assert!(m.dc_offset < 1e-4, "dc {}", m.dc_offset);
    assert!((peak(&x) - db_to_amplitude(-1.0)).abs() < 1e-6);
    assert_eq!(m.clipped_samples, 0);
}

#[test]
fn stretched_ends_keep_their_level() {
    // A steady tone stays steady up to the first and last samples: no fade, no bump at the ends.
    let x = fixtures::sine(523.25, 0.5, SR as usize, SR);
    let mut pv = PhaseVocoder::new(StretchConfig::default()).unwrap();
    // Level of the first and last 2048 samples against the middle, dB.
    let edge_levels_db = |y: &[f32]| {
        let rms = |s: &[f32]| (s.iter().map(|v| v * v).sum::<f32>() / s.len() as f32).sqrt();
        let n = y.len();
        let mid = rms(&y[n / 2 - 1024..n / 2 + 1024]);
        let db = |a: f32| 20.0 * (a / mid).log10();
        (db(rms(&y[..2048])), db(rms(&y[n - 2048..])))
    };
    let mut ends = Vec::new();
    for factor in [0.5, 1.5, 2.0, 3.0] {
        let (head, tail) = edge_levels_db(&pv.stretch_mono(&x, factor).unwrap());
        println!("factor {factor}: head {head:+.2} dB, tail {tail:+.2} dB against the middle");
        ends.push((head, tail));
    }
    for semitones in [-12.0, 7.0] {
        let y = pitch_shift_channels(&mut pv, std::slice::from_ref(&x), semitones).unwrap().remove(0);
        let (head, tail) = edge_levels_db(&y);
        println!("pitch {semitones}: head {head:+.2} dB, tail {tail:+.2} dB against the middle");
        ends.push((head, tail));
    }
    assert!(ends.iter().all(|(h, t)| h.abs() < 0.5 && t.abs() < 0.5));
}

#[test]
fn excerpts_are_read_with_their_context() {
    // An excerpt stretched on its own matches the same stretch of the whole source, away from the
    // ends (the analysis grids differ by under a hop), and pitch-shifted excerpts come out exact.
    let source = vec![fixtures::sine(330.0, 0.5, 3 * SR as usize, SR)];
    let mut pv = PhaseVocoder::new(StretchConfig::default()).unwrap();
    let excerpt = pv
        .stretch_region(&source, SR as usize, SR as usize, 2.0)
        .unwrap();
    assert_eq!(excerpt[0].len(), 2 * SR as usize);
    let f = zero_crossing_hz(&excerpt[0]);
    assert!((f / 330.0 - 1.0).abs() < 0.001, "{f}");
    let first = excerpt[0][..64].iter().fold(0.0f32, |m, v| m.max(v.abs()));
    assert!(first > 0.3, "the excerpt starts at full level: {first}");
    let shifted = pitch_shift_region(&mut pv, &source, SR as usize, SR as usize / 2, 12.0).unwrap();
    assert_eq!(shifted[0].len(), SR as usize / 2);
    assert!((zero_crossing_hz(&shifted[0]) / 660.0 - 1.0).abs() < 0.001);
    assert!(
        pv.stretch_region(&source, 2 * SR as usize, 2 * SR as usize, 2.0)
            .is_err()
    );
    assert!(pitch_shift_region(&mut pv, &source, 3 * SR as usize, 1, 1.0).is_err());
}

#[test]
fn stretch_and_shift_in_one_pass() {
    let x = vec![fixtures::sine(440.0, 0.5, SR as usize, SR)];
    let mut pv = PhaseVocoder::new(StretchConfig::default()).unwrap();
    for (factor, semitones) in [(2.0, 7.0f32), (1.5, -12.0), (0.5, 12.0), (3.0, 0.0)] {
        let y = stretch_and_shift(&mut pv, &x, factor, semitones).unwrap();
        assert_eq!(y[0].len(), (SR as f64 * factor).round() as usize);
        let expected = 440.0 * 2f64.powf(f64::from(semitones) / 12.0);
        let f = zero_crossing_hz(&y[0]);
        println!("x{factor} {semitones:+} st: {f:.3} Hz (expected {expected:.3})");
        assert!((f / expected - 1.0).abs() < 0.001);
    }
    // The product of stretch and shift must stay in range: 8 x 2 is too much.
    assert!(stretch_and_shift(&mut pv, &x, 8.0, 12.0).is_err());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

    /// Any input, any valid factor and shift: the promised length, finite samples, no panic, even
    /// with NaN and infinite samples in the input.
    #[test]
    fn transforms_never_panic_and_keep_their_lengths(
        len in 0usize..6000,
        num_channels in 1usize..3,
        factor in 0.25f64..4.0,
        semitones in -24.0f32..24.0,
        poison in proptest::option::of((0usize..6000, proptest::bool::ANY)),
        seed in 0u64..1000,
    ) {
        let mut channels: Vec<Vec<f32>> =
            (0..num_channels).map(|c| fixtures::white_noise(0.8, len, seed + c as u64)).collect();
        if let Some((at, inf)) = poison
            && at < len
        {
            channels[0][at] = if inf { f32::INFINITY } else { f32::NAN };
        }
        let mut pv = PhaseVocoder::new(StretchConfig::default()).unwrap();
        let all_finite = |y: &[Vec<f32>]| y.iter().flatten().all(|v| v.is_finite());
        let y = pv.stretch(&channels, factor).unwrap();
        proptest::prop_assert!(y.iter().all(|c| c.len() == (len as f64 * factor).round() as usize));
        proptest::prop_assert!(all_finite(&y));
        let y = pitch_shift_channels(&mut pv, &channels, semitones).unwrap();
        proptest::prop_assert!(y.iter().all(|c| c.len() == len));
        proptest::prop_assert!(all_finite(&y));
        for variant in FilterVariant::ALL {
            for edges in [Edges::Loop, Edges::OneShot] {
                let y = filter_variant(&channels, variant, &FilterSettings::default(), edges, SR);
                proptest::prop_assert!(y.iter().all(|c| c.len() == len));
                proptest::prop_assert!(all_finite(&y));
            }
        }
        let mut z = channels.clone();
        apply_swell(&mut z, &SwellEnvelope::default(), SR);
        remove_dc(&mut z);
        normalize_peak(&mut z, -1.0);
        proptest::prop_assert!(all_finite(&z));
        proptest::prop_assert!(peak(&z) <= engine::transform::MAX_SAFE_PEAK);
    }
}

#[test]
fn stretched_stereo_keeps_an_inter_channel_delay() {
    // The right channel is the left one 20 samples later (a source off to the left). Shared phase
    // rotations keep that delay, and the channels stay as alike as they were.
    let steady = steady_chord(&[50.0, 57.0, 62.0, 65.0], 3 * SR as usize + 20);
    let left = steady[20..].to_vec();
    let right = steady[..3 * SR as usize].to_vec();
    let mut pv = PhaseVocoder::new(StretchConfig::default()).unwrap();
    let y = pv.stretch(&[left, right], 2.0).unwrap();
    let (l, r) = (
        &y[0][SR as usize..5 * SR as usize],
        &y[1][SR as usize..5 * SR as usize],
    );
    let xcorr = |lag: usize| -> f64 {
        let n = l.len() - 64;
        let (mut lr, mut ll, mut rr) = (0.0f64, 0.0f64, 0.0f64);
        for i in 0..n {
            let (a, b) = (f64::from(l[i]), f64::from(r[i + lag]));
            lr += a * b;
            ll += a * a;
            rr += b * b;
        }
        lr / (ll * rr).sqrt()
    };
    let (best_lag, best) = (0..64)
        .map(|lag| (lag, xcorr(lag)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap();
    println!("stereo delay after 2x: {best_lag} samples, correlation {best:.4}");
    assert_eq!(best_lag, 20);
    assert!(best > 0.99);
}
