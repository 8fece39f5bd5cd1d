//! Damaged copies of valid files (bytes flipped, cut at random lengths) never panic or hang:
//! each load returns a source or an `engine::Error`.

use std::path::Path;

use engine::source::{load, LoadOptions};
use fixtures::encode::{aifc_bytes, flac_bytes, wav_bytes, AifcCompression, SampleEncoding};
use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg32;

/// These tests check decoding itself: the samples as decoded, without DC blocking.
const RAW: LoadOptions = LoadOptions { max_duration_sec: 3600.0, min_duration_sec: 0.25, block_dc: false, cancel: None };

/// Mutated copies tried per file.
const NUM_MUTANTS: usize = 60;

fn originals() -> Vec<(String, Vec<u8>)> {
    let media = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/media");
    let mut files: Vec<(String, Vec<u8>)> = ["sine_1k_1k5_44k1_stereo.ogg", "sine_1k_1k5_48k_stereo.mp3"]
        .iter()
        .map(|name| (name.to_string(), std::fs::read(media.join(name)).unwrap()))
        .collect();
    let channels = vec![fixtures::sine(440.0, 0.5, 12_000, 48_000); 2];
    files.push(("pcm.wav".into(), wav_bytes(&channels, 48_000, SampleEncoding::Pcm24, true, None)));
    files.push(("float.aifc".into(), aifc_bytes(&channels, 48_000, AifcCompression::Float32)));
    files.push(("v.flac".into(), flac_bytes(&channels, 48_000, 16)));
    files
}

#[test]
fn mutated_files_return_errors_or_sources_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    let options = LoadOptions { min_duration_sec: 0.0, ..RAW };
    let mut rng = Pcg32::seed_from_u64(2026);
    let (mut num_ok, mut num_err) = (0, 0);
    for (name, original) in originals() {
        for k in 0..NUM_MUTANTS {
            let mut bytes = original.clone();
            match k % 3 {
                // Flip a few bytes anywhere, the header included.
                0 => {
                    for _ in 0..1 + rng.next_u32() % 8 {
                        let pos = rng.next_u32() as usize % bytes.len();
                        bytes[pos] ^= 1 << (rng.next_u32() % 8);
                    }
                }
                // Overwrite a run of bytes with noise.
                1 => {
                    let start = rng.next_u32() as usize % bytes.len();
                    let end = (start + 1 + rng.next_u32() as usize % 64).min(bytes.len());
                    bytes[start..end].iter_mut().for_each(|b| *b = rng.next_u32() as u8);
                }
                // Cut the file short.
                _ => bytes.truncate(1 + rng.next_u32() as usize % bytes.len()),
            }
            let path = dir.path().join(format!("{k}_{name}"));
            std::fs::write(&path, &bytes).unwrap();
            match load(&path, &options) {
                Ok(source) => {
                    assert!(source.channels.iter().flatten().all(|x| x.is_finite()), "{k}_{name}");
                    num_ok += 1;
                }
                Err(_) => num_err += 1,
            }
        }
    }
    println!("{num_ok} mutants loaded, {num_err} rejected");
    assert!(num_err > 0 && num_ok > 0);
}

/// Inputs the `decode` fuzz target once crashed on (`fixtures/fuzz/decode/`, see the README's
/// "Fuzzing"), loaded the way the target loads them: each gives finite mono or stereo audio, or
/// an error naming the file.
#[test]
fn kept_fuzz_crashers_load_or_fail_cleanly() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/fuzz/decode");
    let mut num_files = 0;
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        let options = LoadOptions { max_duration_sec: 30.0, min_duration_sec: 0.0, ..LoadOptions::default() };
        match load(&path, &options) {
            Ok(source) => {
                assert!(source.channels.iter().flatten().all(|x| x.is_finite()), "{}", path.display());
                assert!(matches!(source.num_channels(), 1 | 2), "{}", path.display());
            }
            Err(e) => assert!(e.to_string().contains(&*path.to_string_lossy()), "{e}"),
        }
        num_files += 1;
    }
    assert!(num_files > 0, "no kept crashers in {}", folder.display());
}
