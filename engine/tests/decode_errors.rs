//! Bad input: every case returns its `engine::Error` variant naming the file, never a panic,
//! a hang or a huge allocation.

use std::path::{Path, PathBuf};

use engine::source::{load, probe, LoadOptions};
use engine::Error;
use fixtures::encode::{aiff_bytes, flac_bytes, wav_bytes, SampleEncoding};

/// These tests check decoding itself: the samples as decoded, without DC blocking.
const RAW: LoadOptions = LoadOptions { max_duration_sec: 3600.0, min_duration_sec: 0.25, block_dc: false, cancel: None };

fn sine_channels(num_channels: usize, seconds: f64, rate_hz: u32) -> Vec<Vec<f32>> {
    let n = (seconds * f64::from(rate_hz)) as usize;
    vec![fixtures::sine(440.0, 0.5, n, rate_hz); num_channels]
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Loads `path`, expects an error and checks that its message names the file.
fn load_err(path: &Path, options: &LoadOptions) -> Error {
    let err = match load(path, options) {
        Ok(source) => panic!("{} loaded ({} frames) but should fail", path.display(), source.num_frames()),
        Err(e) => e,
    };
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(err.to_string().contains(&name), "error does not name the file: {err}");
    println!("{name}: {err}");
    err
}

fn pcm16_wav(seconds: f64) -> Vec<u8> {
    wav_bytes(&sine_channels(2, seconds, 44_100), 44_100, SampleEncoding::Pcm16, false, None)
}

/// Byte offset of the first chunk `id` in a RIFF or FORM file.
fn chunk_offset(bytes: &[u8], id: &[u8; 4]) -> usize {
    bytes.windows(4).position(|w| w == id).unwrap()
}

#[test]
fn missing_and_empty_files() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.wav");
    assert!(matches!(load(&missing, &RAW), Err(Error::Io { .. })));
    assert!(matches!(probe(&missing), Err(Error::Io { .. })));
    let empty = write(dir.path(), "empty.wav", &[]);
    assert!(matches!(load_err(&empty, &RAW), Error::Empty { .. }));
    assert!(matches!(probe(&empty), Err(Error::Empty { .. })));
}

#[test]
fn non_audio_bytes_with_audio_extensions() {
    let dir = tempfile::tempdir().unwrap();
    let text = "This is a text file, not audio. ".repeat(2_000);
    let mut noise = Vec::new();
    let mut state = 0x1234_5678u32;
    for _ in 0..200_000 {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        noise.push((state >> 24) as u8);
    }
    for ext in ["wav", "aiff", "flac", "ogg", "mp3"] {
        for (kind, bytes) in [("text", text.as_bytes()), ("noise", &noise[..])] {
            let path = write(dir.path(), &format!("{kind}.{ext}"), bytes);
            let err = load_err(&path, &RAW);
            assert!(matches!(err, Error::Unsupported { .. } | Error::Corrupt { .. }), "{kind}.{ext}: {err:?}");
        }
    }
}

#[test]
fn truncated_files_are_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let wav = pcm16_wav(1.0);
    let path = write(dir.path(), "truncated.wav", &wav[..wav.len() / 2 + 1]);
    assert!(matches!(load_err(&path, &RAW), Error::Corrupt { .. }));
    let path = write(dir.path(), "header_only.wav", &wav[..44]);
    assert!(matches!(load_err(&path, &RAW), Error::Corrupt { .. } | Error::Unusable { .. }));
    let path = write(dir.path(), "cut_in_header.wav", &wav[..30]);
    assert!(matches!(load_err(&path, &RAW), Error::Corrupt { .. }));

    let flac = flac_bytes(&sine_channels(2, 1.0, 44_100), 44_100, 16);
    let path = write(dir.path(), "truncated.flac", &flac[..flac.len() / 2]);
    assert!(matches!(load_err(&path, &RAW), Error::Corrupt { .. }));

    let aiff = aiff_bytes(&sine_channels(1, 1.0, 44_100), 44_100, SampleEncoding::Pcm16);
    let path = write(dir.path(), "truncated.aiff", &aiff[..aiff.len() * 2 / 3]);
    assert!(matches!(load_err(&path, &RAW), Error::Corrupt { .. }));
}

#[test]
fn headers_lying_about_length_neither_allocate_nor_hang() {
    let dir = tempfile::tempdir().unwrap();
    for (name, claimed) in [("huge_data.wav", u32::MAX - 1), ("big_data.wav", 1 << 30)] {
        let mut wav = pcm16_wav(0.5);
        let data = chunk_offset(&wav, b"data");
        wav[data + 4..data + 8].copy_from_slice(&claimed.to_le_bytes());
        let path = write(dir.path(), name, &wav);
        assert!(matches!(load_err(&path, &RAW), Error::Corrupt { .. }));
    }
    // Both RIFF and data sizes at the maximum, as a recorder that never finished the file
    // leaves them: the header promises far more frames than the file holds.
    let mut wav = pcm16_wav(0.5);
    let data = chunk_offset(&wav, b"data");
    wav[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
    wav[data + 4..data + 8].copy_from_slice(&(u32::MAX - 64).to_le_bytes());
    let path = write(dir.path(), "unfinished.wav", &wav);
    assert!(matches!(load_err(&path, &RAW), Error::Corrupt { .. }));
    // An AIFF whose COMM chunk claims 2^32 - 1 frames: the SSND chunk's size decides, so only
    // the frames present are decoded (nothing is reserved from the claim).
    let mut aiff = aiff_bytes(&sine_channels(1, 0.5, 44_100), 44_100, SampleEncoding::Pcm16);
    let comm = chunk_offset(&aiff, b"COMM");
    aiff[comm + 10..comm + 14].copy_from_slice(&u32::MAX.to_be_bytes());
    let path = write(dir.path(), "lying.aiff", &aiff);
    assert_eq!(load(&path, &RAW).unwrap().num_frames(), 22_050);
    // A FLAC whose STREAMINFO claims 2^36 - 1 frames (about 18 days at 44.1 kHz).
    let mut flac = flac_bytes(&sine_channels(1, 0.5, 44_100), 44_100, 16);
    // Total samples: the low 4 bits of byte 21 and bytes 22..26 (after "fLaC" and a 4-byte block header).
    flac[21] |= 0x0F;
    flac[22..26].copy_from_slice(&[0xFF; 4]);
    let path = write(dir.path(), "lying.flac", &flac);
    assert!(matches!(load_err(&path, &RAW), Error::Corrupt { .. }));
}

#[test]
fn zero_or_out_of_range_rate_and_channels() {
    let dir = tempfile::tempdir().unwrap();
    let wav = pcm16_wav(0.5);
    let fmt = chunk_offset(&wav, b"fmt ");
    let cases: [(&str, usize, &[u8]); 4] = [
        ("zero_rate.wav", fmt + 12, &0u32.to_le_bytes()),
        ("zero_channels.wav", fmt + 10, &0u16.to_le_bytes()),
        ("rate_4k.wav", fmt + 12, &4_000u32.to_le_bytes()),
        ("rate_384k.wav", fmt + 12, &384_000u32.to_le_bytes()),
    ];
    for (name, offset, patch) in cases {
        let mut bytes = wav.clone();
        bytes[offset..offset + patch.len()].copy_from_slice(patch);
        let path = write(dir.path(), name, &bytes);
        let err = load_err(&path, &RAW);
        assert!(matches!(err, Error::InvalidStream { .. }), "{name}: {err:?}");
    }
    let nine = wav_bytes(&sine_channels(9, 0.5, 44_100), 44_100, SampleEncoding::Pcm16, false, None);
    let path = write(dir.path(), "nine_channels.wav", &nine);
    assert!(matches!(load_err(&path, &RAW), Error::InvalidStream { .. }));
    let aiff = aiff_bytes(&sine_channels(1, 0.5, 0), 0, SampleEncoding::Pcm16);
    let path = write(dir.path(), "zero_rate.aiff", &aiff);
    let err = load_err(&path, &RAW);
    assert!(matches!(err, Error::InvalidStream { .. }), "{err:?}");
}

#[test]
fn non_finite_samples_are_zeroed_with_a_warning_or_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let mut channels = sine_channels(2, 1.0, 44_100);
    channels[0][100] = f32::NAN;
    channels[1][200] = f32::INFINITY;
    channels[1][300] = f32::NEG_INFINITY;
    let path = write(dir.path(), "few_nans.wav", &wav_bytes(&channels, 44_100, SampleEncoding::Float32, false, None));
    let source = load(&path, &RAW).unwrap();
    assert!(source.channels.iter().flatten().all(|x| x.is_finite()));
    assert_eq!(source.channels[0][100], 0.0);
    assert_eq!(source.channels[1][200], 0.0);
    assert_eq!(source.provenance.warnings, vec!["zeroed 3 NaN, infinite or out-of-range samples".to_string()]);

    // A float file may run hot, but a word beyond +60 dBFS is damage, not audio.
    let mut hot = sine_channels(1, 1.0, 44_100);
    hot[0].iter_mut().for_each(|x| *x *= 4.0);
    hot[0][400] = 3.0e38;
    let path = write(dir.path(), "hot_float.wav", &wav_bytes(&hot, 44_100, SampleEncoding::Float32, false, None));
    let source = load(&path, &RAW).unwrap();
    assert!(source.channels.iter().flatten().all(|x| x.is_finite()));
    assert_eq!(source.channels[0][400], 0.0);
    let peak = source.channels[0].iter().fold(0.0f32, |p, x| p.max(x.abs()));
    assert!((1.99..=2.01).contains(&peak), "a hot but sane float file keeps its level: {peak}");

    for x in channels[0].iter_mut().step_by(50) {
        *x = f32::NAN;
    }
    let path = write(dir.path(), "many_nans.wav", &wav_bytes(&channels, 44_100, SampleEncoding::Float64, false, None));
    assert!(matches!(load_err(&path, &RAW), Error::Corrupt { .. }));
}

#[test]
fn too_short_too_long_and_silent_sources_are_unusable() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "short.wav", &pcm16_wav(0.2));
    assert!(matches!(load_err(&path, &RAW), Error::Unusable { .. }));
    let path = write(dir.path(), "long.wav", &pcm16_wav(2.0));
    let strict = LoadOptions { max_duration_sec: 1.0, min_duration_sec: 0.25, ..RAW };
    assert!(matches!(load_err(&path, &strict), Error::Unusable { .. }));
    let silence = vec![fixtures::silence(44_100); 2];
    let path = write(dir.path(), "silence.wav", &wav_bytes(&silence, 44_100, SampleEncoding::Pcm24, false, None));
    assert!(matches!(load_err(&path, &RAW), Error::Unusable { .. }));
    let path = write(dir.path(), "silence.flac", &flac_bytes(&silence, 48_000, 16));
    assert!(matches!(load_err(&path, &RAW), Error::Unusable { .. }));
}

#[test]
fn invalid_options_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "fine.wav", &pcm16_wav(0.5));
    for options in [
        LoadOptions { max_duration_sec: 0.0, min_duration_sec: 0.0, ..RAW },
        LoadOptions { max_duration_sec: f64::NAN, min_duration_sec: 0.0, ..RAW },
        LoadOptions { max_duration_sec: 10.0, min_duration_sec: 20.0, ..RAW },
        LoadOptions { max_duration_sec: 10.0, min_duration_sec: -1.0, ..RAW },
    ] {
        assert!(matches!(load(&path, &options), Err(Error::InvalidSetting { .. })), "{options:?}");
    }
    assert!(load(&path, &RAW).is_ok());
}

#[test]
fn damaged_packets_become_silence_and_too_many_make_the_file_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let channels = sine_channels(1, 1.0, 44_100);
    let flac = flac_bytes(&channels, 44_100, 16);
    // Frames of 4096 16-bit samples are 8192 bytes of data plus about 16 bytes of framing:
    // flip bytes in the middle of the fourth frame, so its CRC-16 fails.
    let mut one_bad = flac.clone();
    let middle_of_fourth = 42 + 3 * 8_210 + 4_000;
    one_bad[middle_of_fourth..middle_of_fourth + 8].iter_mut().for_each(|b| *b ^= 0x5A);
    let path = write(dir.path(), "one_bad_frame.flac", &one_bad);
    let source = load(&path, &RAW).unwrap();
    assert_eq!(source.num_frames(), 44_100, "the lost frame keeps its duration");
    assert_eq!(source.provenance.warnings, vec!["replaced 1 damaged packets by silence".to_string()]);
    let frame = &source.channels[0][3 * 4_096..4 * 4_096];
    assert!(frame.iter().all(|&x| x == 0.0), "the damaged frame is silent");
    assert!(source.channels[0][5 * 4_096..6 * 4_096].iter().any(|&x| x != 0.0));

    let mut many_bad = flac;
    for k in 0..10 {
        let pos = 42 + k * 8_210 + 4_000;
        many_bad[pos..pos + 8].iter_mut().for_each(|b| *b ^= 0x5A);
    }
    let path = write(dir.path(), "many_bad_frames.flac", &many_bad);
    assert!(matches!(load_err(&path, &RAW), Error::Corrupt { .. }));
}
