//! Decode matrix: containers x sample encodings x rates x channel counts, generated at test
//! time; the committed Ogg Vorbis and MP3 files; provenance; channel folding numbers.

use std::path::{Path, PathBuf};

use engine::source::{content_hash, load, probe, resample, LoadOptions, SourceBuffer};
use fixtures::encode::{aifc_bytes, aiff_bytes, flac_bytes, quantise, wav_bytes, AifcCompression, SampleEncoding, ALL_ENCODINGS};

const RATES_HZ: [u32; 7] = [8_000, 11_025, 22_050, 44_100, 48_000, 96_000, 192_000];
const CHANNEL_COUNTS: [usize; 3] = [1, 2, 6];
/// Matrix files are short; the minimum duration is lifted for them.
const MATRIX_SEC: f64 = 0.06;
const FOLD_GAIN: f32 = std::f32::consts::FRAC_1_SQRT_2;

/// Decoding fidelity is measured on the decoded samples themselves: no DC blocking.
fn any_length() -> LoadOptions {
    LoadOptions { min_duration_sec: 0.0, block_dc: false, ..LoadOptions::default() }
}

/// Distinct content per channel: a sine at 200 * (k + 1) Hz, amplitude 0.3.
fn test_channels(num_channels: usize, rate_hz: u32) -> Vec<Vec<f32>> {
    let num_frames = (MATRIX_SEC * f64::from(rate_hz)) as usize;
    (0..num_channels)
        .map(|k| fixtures::sine(200.0 * (k + 1) as f64, 0.3, num_frames, rate_hz))
        .collect()
}

/// What the file holds after quantisation to `bits` (None for floats).
fn quantised(channels: &[Vec<f32>], bits: Option<u16>) -> Vec<Vec<f32>> {
    let Some(bits) = bits else { return channels.to_vec() };
    // Decoders map integers to floats by 2^(bits-1), so full scale reads as 1 - 1 LSB.
    let scale = (1i64 << (bits - 1)) as f32;
    channels.iter().map(|c| c.iter().map(|&x| quantise(x, bits) as f32 / scale).collect()).collect()
}

/// The engine's documented fold for 1, 2 and 6 (WAVE-ordered 5.1) channels.
fn expected_fold(channels: &[Vec<f32>]) -> Vec<Vec<f32>> {
    if channels.len() <= 2 {
        return channels.to_vec();
    }
    let n = channels[0].len();
    let left = (0..n).map(|i| channels[0][i] + FOLD_GAIN * (channels[2][i] + channels[4][i])).collect();
    let right = (0..n).map(|i| channels[1][i] + FOLD_GAIN * (channels[2][i] + channels[5][i])).collect();
    vec![left, right]
}

fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).fold(0.0f32, |m, (x, y)| m.max((x - y).abs()))
}

/// Writes `bytes`, loads the file and checks it against the channels it should hold.
fn check_file(dir: &Path, name: &str, bytes: &[u8], held: &[Vec<f32>], rate_hz: u32, tolerance: f32) -> SourceBuffer {
    let path: PathBuf = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let source = load(&path, &any_length()).unwrap_or_else(|e| panic!("{name}: {e}"));
    let expected = resample(&expected_fold(held), rate_hz, 44_100);
    assert_eq!(source.sample_rate_hz, 44_100, "{name}");
    assert_eq!(source.num_channels(), expected.len(), "{name}");
    for (got, want) in source.channels.iter().zip(&expected) {
        let diff = max_abs_diff(got, want);
        assert!(diff <= tolerance, "{name}: differs by {diff} (tolerance {tolerance})");
    }
    let p = &source.provenance;
    assert_eq!(p.content_hash, content_hash(bytes), "{name}");
    assert_eq!(p.original_sample_rate_hz, rate_hz, "{name}");
    assert_eq!(usize::from(p.original_channels), held.len(), "{name}");
    let frames = held[0].len() as f64;
    assert!((p.original_duration_sec - frames / f64::from(rate_hz)).abs() < 1e-9, "{name}");
    assert!(p.warnings.is_empty(), "{name}: {:?}", p.warnings);
    source
}

fn encoding_bits(e: SampleEncoding) -> Option<u16> {
    (!e.is_float()).then(|| e.bits())
}

#[test]
fn wav_matrix_plain_and_extensible() {
    let dir = tempfile::tempdir().unwrap();
    for rate_hz in RATES_HZ {
        for num_channels in CHANNEL_COUNTS {
            let input = test_channels(num_channels, rate_hz);
            for encoding in ALL_ENCODINGS {
                for extensible in [false, true] {
                    let name = format!("{rate_hz}_{num_channels}_{encoding:?}_{extensible}.wav");
                    let bytes = wav_bytes(&input, rate_hz, encoding, extensible, None);
                    let held = quantised(&input, encoding_bits(encoding));
                    // Float conversion inside the decoder and the fold add a few ulps.
                    let source = check_file(dir.path(), &name, &bytes, &held, rate_hz, 1e-5);
                    let p = &source.provenance;
                    assert_eq!(p.container, "wav");
                    assert_eq!(p.bits_per_sample, Some(u32::from(encoding.bits())), "{name}");
                }
            }
        }
    }
}

#[test]
fn aiff_and_aifc_matrix() {
    let dir = tempfile::tempdir().unwrap();
    for rate_hz in RATES_HZ {
        for num_channels in CHANNEL_COUNTS {
            let input = test_channels(num_channels, rate_hz);
            for encoding in [SampleEncoding::Pcm8, SampleEncoding::Pcm16, SampleEncoding::Pcm24, SampleEncoding::Pcm32] {
                let name = format!("{rate_hz}_{num_channels}_{encoding:?}.aiff");
                let held = quantised(&input, encoding_bits(encoding));
                let source = check_file(dir.path(), &name, &aiff_bytes(&input, rate_hz, encoding), &held, rate_hz, 1e-5);
                assert_eq!(source.provenance.container, "aiff");
            }
            for (compression, bits) in [
                (AifcCompression::None(SampleEncoding::Pcm16), Some(16)),
                (AifcCompression::Sowt16, Some(16)),
                (AifcCompression::Float32, None),
                (AifcCompression::Float64, None),
            ] {
                let name = format!("{rate_hz}_{num_channels}_{compression:?}.aifc");
                let held = quantised(&input, bits);
                check_file(dir.path(), &name, &aifc_bytes(&input, rate_hz, compression), &held, rate_hz, 1e-5);
            }
        }
    }
}

#[test]
fn flac_matrix() {
    let dir = tempfile::tempdir().unwrap();
    for rate_hz in RATES_HZ {
        for num_channels in CHANNEL_COUNTS {
            let input = test_channels(num_channels, rate_hz);
            for bits in [8u16, 16, 24] {
                let name = format!("{rate_hz}_{num_channels}_{bits}.flac");
                let held = quantised(&input, Some(bits));
                let source = check_file(dir.path(), &name, &flac_bytes(&input, rate_hz, bits), &held, rate_hz, 1e-5);
                assert_eq!(source.provenance.container, "flac");
                assert_eq!(source.provenance.bits_per_sample, Some(u32::from(bits)));
            }
        }
    }
}

/// Amplitude of the `freq_hz` component of `x`, over a window holding whole cycles of it.
fn tone_amplitude(x: &[f32], freq_hz: f64, rate_hz: u32) -> f64 {
    let w = std::f64::consts::TAU * freq_hz / f64::from(rate_hz);
    let (re, im) = x.iter().enumerate().fold((0.0, 0.0), |(re, im), (n, &v)| {
        let phase = w * n as f64;
        (re + f64::from(v) * phase.cos(), im - f64::from(v) * phase.sin())
    });
    2.0 * (re * re + im * im).sqrt() / x.len() as f64
}

/// Frequency of the strongest sine in `x` by a least-squares fit of its upward zero crossings.
fn crossing_frequency_hz(x: &[f32], rate_hz: u32) -> f64 {
    let crossings: Vec<f64> = x
        .windows(2)
        .enumerate()
        .filter(|(_, w)| w[0] < 0.0 && w[1] >= 0.0)
        .map(|(i, w)| i as f64 + f64::from(w[0]) / f64::from(w[0] - w[1]))
        .collect();
    let inner = &crossings[5..crossings.len() - 5];
    let n = inner.len() as f64;
    let mean_k = (n - 1.0) / 2.0;
    let mean_t = inner.iter().sum::<f64>() / n;
    let (sxy, sxx) = inner.iter().enumerate().fold((0.0, 0.0), |(sxy, sxx), (k, t)| {
        let dk = k as f64 - mean_k;
        (sxy + dk * (t - mean_t), sxx + dk * dk)
    });
    f64::from(rate_hz) / (sxy / sxx)
}

fn media(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/media").join(name)
}

#[test]
fn committed_vorbis_and_mp3_files_decode_to_their_tones() {
    // (file, container, channels, original rate, tones per channel, duration tolerance in s)
    type Case = (&'static str, &'static str, usize, u32, &'static [f64], f64);
    let cases: [Case; 4] = [
        ("sine_1k_1k5_44k1_stereo.ogg", "ogg", 2, 44_100, &[1000.0, 1500.0], 1e-9),
        ("sine_1k_48k_mono.ogg", "ogg", 1, 48_000, &[1000.0], 1e-9),
        ("sine_1k_1k5_48k_stereo.mp3", "mp3", 2, 48_000, &[1000.0, 1500.0], 0.05),
        ("sine_1k_22k05_mono.mp3", "mp3", 1, 22_050, &[1000.0], 0.08),
    ];
    for (name, container, num_channels, rate_hz, tones, duration_tolerance_sec) in cases {
        let source = load(&media(name), &LoadOptions { block_dc: false, ..LoadOptions::default() }).unwrap_or_else(|e| panic!("{e}"));
        let p = &source.provenance;
        assert_eq!(p.container, container, "{name}");
        assert_eq!(p.original_sample_rate_hz, rate_hz, "{name}");
        assert_eq!(source.num_channels(), num_channels, "{name}");
        assert!(p.warnings.is_empty(), "{name}: {:?}", p.warnings);
        assert!((p.original_duration_sec - 1.0).abs() <= duration_tolerance_sec, "{name}: {} s", p.original_duration_sec);
        assert!((source.duration_sec() - p.original_duration_sec).abs() <= 1.0 / 44_100.0, "{name}");
        for (channel, &tone_hz) in source.channels.iter().zip(tones) {
            let middle = &channel[4_410..channel.len() - 4_410];
            let freq_hz = crossing_frequency_hz(middle, 44_100);
            assert!((freq_hz / tone_hz - 1.0).abs() < 1e-4, "{name}: {freq_hz} Hz, expected {tone_hz}");
            let amp = tone_amplitude(&middle[..4_410], tone_hz, 44_100);
            assert!((amp - 0.5).abs() < 0.03, "{name}: amplitude {amp}");
        }
        let probed = probe(&media(name)).unwrap();
        assert_eq!(probed.content_hash, p.content_hash);
        assert!((probed.original_duration_sec - p.original_duration_sec).abs() <= duration_tolerance_sec, "{name}");
    }
}

#[test]
fn vorbis_5_1_folds_with_the_documented_matrix() {
    // Vorbis channel order is FL FC FR RL RR LFE: 300, 500, 700, 900, 1100, 1300 Hz at 0.3.
    let source = load(&media("tones_5p1_44k1.ogg"), &any_length()).unwrap();
    assert_eq!(source.provenance.original_channels, 6);
    assert!(source.provenance.warnings.is_empty(), "{:?}", source.provenance.warnings);
    assert_eq!(source.num_channels(), 2);
    let g = f64::from(FOLD_GAIN);
    // Left: FL 300 at 1, FC 500 at -3 dB, RL 900 at -3 dB. Right: FR 700, FC 500, RR 1100.
    let expected: [[f64; 6]; 2] = [[1.0, g, 0.0, g, 0.0, 0.0], [0.0, g, 1.0, 0.0, g, 0.0]];
    for (channel, gains) in source.channels.iter().zip(expected) {
        let window = &channel[11_025..11_025 + 4_410];
        for (tone_hz, gain) in [300.0, 500.0, 700.0, 900.0, 1100.0, 1300.0].into_iter().zip(gains) {
            let amp = tone_amplitude(window, tone_hz, 44_100);
            assert!((amp - 0.3 * gain).abs() < 0.01, "{tone_hz} Hz: amplitude {amp}, expected {}", 0.3 * gain);
        }
    }
}

/// Loads a 44.1 kHz float WAV whose channel k is the constant `values[k]`; returns (L, R).
fn fold_constants(values: &[f32], channel_mask: Option<u32>) -> (f32, f32, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fold.wav");
    let channels: Vec<Vec<f32>> = values.iter().map(|&v| vec![v; 4_410]).collect();
    let bytes = wav_bytes(&channels, 44_100, SampleEncoding::Float32, channel_mask.is_some(), channel_mask);
    std::fs::write(&path, bytes).unwrap();
    let source = load(&path, &any_length()).unwrap();
    assert_eq!(source.num_channels(), 2);
    (source.channels[0][2_000], source.channels[1][2_000], source.provenance.warnings)
}

#[test]
fn fold_numbers_for_masks_and_counts() {
    let g = FOLD_GAIN;
    let close = |a: f32, b: f32| (a - b).abs() < 1e-6;
    // Plain 6 channels: WAVE 5.1 order FL FR FC LFE RL RR.
    let v = [0.1, 0.2, 0.3, 0.4, 0.05, 0.06];
    let (l, r, _) = fold_constants(&v, None);
    assert!(close(l, 0.1 + g * (0.3 + 0.05)) && close(r, 0.2 + g * (0.3 + 0.06)), "5.1: {l} {r}");
    // Extensible 5.1 with side surrounds (mask FL FR FC LFE SL SR = 0x60F): same gains.
    let (l, r, _) = fold_constants(&v, Some(0x60F));
    assert!(close(l, 0.1 + g * (0.3 + 0.05)) && close(r, 0.2 + g * (0.3 + 0.06)), "5.1 side: {l} {r}");
    // Quad (FL FR RL RR = 0x33).
    let (l, r, _) = fold_constants(&[0.1, 0.2, 0.3, 0.4], Some(0x33));
    assert!(close(l, 0.1 + g * 0.3) && close(r, 0.2 + g * 0.4), "quad: {l} {r}");
    // 3 channels (FL FR FC).
    let (l, r, _) = fold_constants(&[0.1, 0.2, 0.3], None);
    assert!(close(l, 0.1 + g * 0.3) && close(r, 0.2 + g * 0.3), "3.0: {l} {r}");
    // 7.1 (FL FR FC LFE RL RR SL SR = 0x63F): LFE dropped, four surrounds at -3 dB.
    let (l, r, _) = fold_constants(&[0.1, 0.2, 0.05, 0.9, 0.01, 0.02, 0.03, 0.04], Some(0x63F));
    assert!(close(l, 0.1 + g * (0.05 + 0.01 + 0.03)) && close(r, 0.2 + g * (0.05 + 0.02 + 0.04)), "7.1: {l} {r}");
    // A fold past full scale is scaled back to 0 dBFS, with a warning.
    let (l, r, warnings) = fold_constants(&[0.9; 6], None);
    assert!(close(l, 1.0) && close(r, 1.0), "hot 5.1: {l} {r}");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
}

#[test]
fn probe_reports_the_header_without_decoding() {
    let dir = tempfile::tempdir().unwrap();
    let input = test_channels(2, 96_000);
    for (name, bytes, container, bits) in [
        ("p.wav", wav_bytes(&input, 96_000, SampleEncoding::Pcm24, true, None), "wav", 24),
        ("p.flac", flac_bytes(&input, 96_000, 16), "flac", 16),
        ("p.aiff", aiff_bytes(&input, 96_000, SampleEncoding::Pcm16), "aiff", 16),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let probed = probe(&path).unwrap();
        let loaded = load(&path, &any_length()).unwrap().provenance;
        assert_eq!(probed, loaded, "{name}");
        assert_eq!((probed.container.as_str(), probed.bits_per_sample), (container, Some(bits)), "{name}");
        assert_eq!(probed.original_channels, 2);
        assert!((probed.original_duration_sec - MATRIX_SEC).abs() < 1e-9, "{name}");
    }
}

#[test]
fn default_loading_blocks_dc_and_drift() {
    let dir = tempfile::tempdir().unwrap();
    let n = 44_100 * 3;
    let tone: Vec<f32> = (0..n).map(|i| 0.3 * (i as f32 * std::f32::consts::TAU * 440.0 / 44_100.0).sin() + 0.25).collect();
    let path = dir.path().join("offset.wav");
    std::fs::write(&path, wav_bytes(&[tone], 44_100, SampleEncoding::Float32, false, None)).unwrap();
    let raw = load(&path, &any_length()).unwrap();
    let blocked = load(&path, &LoadOptions::default()).unwrap();
    let mean = |x: &[f32]| x.iter().sum::<f32>() / x.len() as f32;
    assert!((mean(&raw.channels[0]) - 0.25).abs() < 1e-3);
    assert!(mean(&blocked.channels[0][44_100..88_200]).abs() < 1e-3);
}
