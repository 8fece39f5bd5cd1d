//! Tests of the WAV writer: round trips through hound, the dither's statistics and
//! determinism, the `smpl` chunk parsed back, and the atomic replacement.

use engine::rt::math;
use super::*;

fn read_back(path: &Path) -> (hound::WavSpec, Vec<i32>) {
    let mut reader = hound::WavReader::open(path).unwrap();
    let spec = reader.spec();
    let samples = reader.samples::<i32>().map(Result::unwrap).collect();
    (spec, samples)
}

/// Finds chunk `id` at the top level of a RIFF file; returns its body.
fn find_chunk<'a>(bytes: &'a [u8], id: &[u8; 4]) -> Option<&'a [u8]> {
    let mut pos = 12;
    while pos + 8 <= bytes.len() {
        let size = u32::from_le_bytes(bytes[pos + 4..pos + 8].try_into().unwrap()) as usize;
        if &bytes[pos..pos + 4] == id {
            return Some(&bytes[pos + 8..pos + 8 + size]);
        }
        pos += 8 + size + size % 2;
    }
    None
}

fn u32_at(body: &[u8], index: usize) -> u32 {
    u32::from_le_bytes(body[4 * index..4 * index + 4].try_into().unwrap())
}

fn sine(num_frames: usize) -> Vec<f32> {
    (0..num_frames).map(|i| 0.8 * math::sin(i as f32 * 0.01)).collect()
}

#[test]
fn default_is_24_bit_and_round_trips_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.wav");
    let left = sine(1_000);
    let right: Vec<f32> = left.iter().map(|x| -0.5 * x).collect();
    let channels = vec![left.clone(), right.clone()];
    write_wav(&path, &channels, 44_100, WavFormat::default(), None).unwrap();
    let (spec, samples) = read_back(&path);
    assert_eq!((spec.channels, spec.sample_rate, spec.bits_per_sample), (2, 44_100, 24));
    assert_eq!(samples.len(), 2_000);
    for (i, pair) in samples.chunks(2).enumerate() {
        assert_eq!(pair[0], (f64::from(left[i]) * 8_388_607.0).round() as i32);
        assert_eq!(pair[1], (f64::from(right[i]) * 8_388_607.0).round() as i32);
    }
    assert!(find_chunk(&std::fs::read(&path).unwrap(), b"smpl").is_none());
}

#[test]
fn out_of_range_and_non_finite_samples_are_clipped_or_zeroed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("clip.wav");
    write_wav(&path, &[vec![1.5, -3.0, f32::NAN, f32::INFINITY]], 48_000, WavFormat::default(), None).unwrap();
    assert_eq!(read_back(&path).1, vec![8_388_607, -8_388_607, 0, 0]);
}

#[test]
fn sixteen_bit_tpdf_dither_is_seeded_bounded_and_unbiased() {
    let dir = tempfile::tempdir().unwrap();
    let format = |seed| WavFormat { bits: 16, dither_seed: seed, unity_note: None };
    // A constant a quarter of an LSB: plain rounding would give all zeros.
    let quarter_lsb = vec![0.25 / 32_767.0f32; 100_000];
    let path = dir.path().join("d.wav");
    write_wav(&path, std::slice::from_ref(&quarter_lsb), 44_100, format(7), None).unwrap();
    let (spec, samples) = read_back(&path);
    assert_eq!(spec.bits_per_sample, 16);
    let mean = samples.iter().map(|&s| f64::from(s)).sum::<f64>() / samples.len() as f64;
    assert!((mean - 0.25).abs() < 0.02, "mean {mean} LSB, expected 0.25");
    assert!(samples.iter().all(|s| (-1..=1).contains(s)), "TPDF error stays within +-1.5 LSB");
    // Triangular: variance of the added noise is 1/6 LSB^2 (plus rounding 1/12).
    let var = samples.iter().map(|&s| (f64::from(s) - mean).powi(2)).sum::<f64>() / samples.len() as f64;
    assert!((var - 0.25).abs() < 0.05, "variance {var}");

    let bytes_a = std::fs::read(&path).unwrap();
    let again = dir.path().join("again.wav");
    write_wav(&again, std::slice::from_ref(&quarter_lsb), 44_100, format(7), None).unwrap();
    assert_eq!(bytes_a, std::fs::read(&again).unwrap(), "same seed, same bytes");
    let other = dir.path().join("other.wav");
    write_wav(&other, &[quarter_lsb], 44_100, format(8), None).unwrap();
    assert_ne!(bytes_a, std::fs::read(&other).unwrap(), "another seed, other noise");
}

#[test]
fn smpl_chunk_loops_the_file_and_hound_still_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("loop.wav");
    let channels = vec![sine(4_411), sine(4_411)];
    write_wav(&path, &channels, 44_100, WavFormat::default(), Some((0, 4_410))).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(u32::from_le_bytes(bytes[4..8].try_into().unwrap()) as usize, bytes.len() - 8);
    let body = find_chunk(&bytes, b"smpl").expect("smpl chunk");
    assert_eq!(body.len(), 60);
    assert_eq!(u32_at(body, 2), 22_675, "sample period, ns");
    assert_eq!(u32_at(body, 3), 60, "unity note");
    assert_eq!(u32_at(body, 7), 1, "one loop");
    assert_eq!(u32_at(body, 10), 0, "forward");
    assert_eq!((u32_at(body, 11), u32_at(body, 12)), (0, 4_410), "start, inclusive end");
    assert_eq!(u32_at(body, 14), 0, "loops forever");
    let (spec, samples) = read_back(&path);
    assert_eq!(spec.channels, 2);
    assert_eq!(samples.len(), 2 * 4_411);
}

#[test]
fn bad_requests_fail_without_leaving_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.wav");
    let mono = vec![sine(100)];
    assert!(write_wav(&path, &mono, 44_100, WavFormat { bits: 20, dither_seed: 0, unity_note: None }, None).is_err());
    assert!(write_wav(&path, &mono, 44_100, WavFormat::default(), Some((10, 100))).is_err());
    assert!(write_wav(&path, &mono, 44_100, WavFormat::default(), Some((50, 40))).is_err());
    assert!(write_wav(&path, &[sine(100), sine(99)], 44_100, WavFormat::default(), None).is_err());
    assert!(write_wav(&path, &[], 44_100, WavFormat::default(), None).is_err());
    assert!(write_wav(&dir.path().join("no/such/dir.wav"), &mono, 44_100, WavFormat::default(), None).is_err());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn replacement_is_atomic_and_temporaries_never_look_like_wavs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pad.wav");
    write_wav(&path, &[sine(500)], 44_100, WavFormat::default(), None).unwrap();
    write_wav(&path, &[sine(700)], 44_100, WavFormat::default(), None).unwrap();
    assert_eq!(read_back(&path).1.len(), 700);
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names, vec!["pad.wav".to_string()]);

    write_atomically(&dir.path().join("afterglow.toml"), b"seed = 1\n").unwrap();
    assert_eq!(std::fs::read(dir.path().join("afterglow.toml")).unwrap(), b"seed = 1\n");
    for bytes in [&b"first"[..], b"second"] {
        write_atomically_unsynced(&dir.path().join("thumb.png"), bytes).unwrap();
        assert_eq!(std::fs::read(dir.path().join("thumb.png")).unwrap(), bytes);
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3, "no temporary file left");
}

#[test]
fn smpl_chunk_after_an_odd_sized_data_chunk_is_word_aligned() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("odd.wav");
    // 24-bit mono, 4 411 frames: 13 233 bytes of data.
    write_wav(&path, &[sine(4_411)], 44_100, WavFormat { unity_note: Some(57), ..WavFormat::default() }, Some((0, 4_410))).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let body = find_chunk(&bytes, b"smpl").expect("smpl chunk found by a RIFF walk");
    assert_eq!(u32_at(body, 3), 57, "unity note");
    assert_eq!(u32_at(body, 7), 1, "one loop");
    let reader = hound::WavReader::open(&path).unwrap();
    assert_eq!(reader.len(), 4_411);
}

#[test]
fn a_pitched_one_shot_gets_a_smpl_chunk_without_loops() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shot.wav");
    write_wav(&path, &[sine(1_000)], 44_100, WavFormat { unity_note: Some(45), ..WavFormat::default() }, None).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let body = find_chunk(&bytes, b"smpl").expect("smpl chunk");
    assert_eq!((u32_at(body, 3), u32_at(body, 7), body.len()), (45, 0, 36));
    write_wav(&path, &[sine(1_000)], 44_100, WavFormat::default(), None).unwrap();
    assert!(find_chunk(&std::fs::read(&path).unwrap(), b"smpl").is_none());
}
