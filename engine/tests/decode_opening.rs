//! Decoding only a file's opening: a long file stops early with the header's duration, its
//! samples match the whole-file load bit for bit up to about two seconds before the opening's end
//! (so a pad cut there is the pad a whole-file load gives), and a short file comes back whole,
//! exactly as `load` gives it.

use engine::source::{load, load_opening, LoadOptions};
use fixtures::encode::{wav_bytes, SampleEncoding};

/// A 48 kHz stereo chord with a DC offset, so both the resampler and the DC blocker are at work.
fn write_chord(dir: &std::path::Path, name: &str, seconds: usize) -> std::path::PathBuf {
    let num_frames = seconds * 48_000;
    let left: Vec<f32> = fixtures::chord_pad(&[57.0, 60.0, 64.0], 0.3, num_frames, 48_000, 7)
        .into_iter()
        .map(|x| x + 0.05)
        .collect();
    let right = fixtures::chord_pad(&[45.0, 52.0], 0.3, num_frames, 48_000, 8);
    let path = dir.join(name);
    std::fs::write(&path, wav_bytes(&[left, right], 48_000, SampleEncoding::Pcm24, false, None)).unwrap();
    path
}

#[test]
fn a_long_file_stops_after_its_opening_and_matches_the_whole_load_before_its_last_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_chord(dir.path(), "long take.wav", 40);
    let whole = load(&path, &LoadOptions::default()).unwrap();
    let opening = load_opening(&path, 12.0, &LoadOptions::default()).unwrap();
    assert!(!opening.is_whole_file);
    let source = &opening.source;
    assert_eq!(source.provenance.original_duration_sec, 40.0);
    assert_eq!(source.provenance.content_hash, whole.provenance.content_hash);
    assert_eq!(source.num_channels(), 2);
    // At least the 12 s asked for, and not much more (a WAV packet is a few thousand frames).
    let sec = source.num_frames() as f64 / 44_100.0;
    assert!((12.0..12.5).contains(&sec), "{sec} s decoded");

    // The resampler's flush (a few milliseconds) and the DC blocker's backward pass (two
    // one-second blocks) start where the opening ends; before that the two loads agree exactly.
    let exact = source.num_frames() - 2 * 44_100 - 4_410;
    for (part, full) in source.channels.iter().zip(&whole.channels) {
        let first_difference = part.iter().zip(full).position(|(a, b)| a.to_bits() != b.to_bits());
        eprintln!("opening of {} frames first differs from the whole load at {first_difference:?}", part.len());
        assert!(first_difference.is_none_or(|n| n >= exact), "differs at {first_difference:?}, before {exact}");
    }
}

#[test]
fn a_short_file_comes_back_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_chord(dir.path(), "short take.wav", 5);
    let opening = load_opening(&path, 12.0, &LoadOptions::default()).unwrap();
    assert!(opening.is_whole_file);
    let whole = load(&path, &LoadOptions::default()).unwrap();
    assert_eq!(opening.source.channels, whole.channels);
    assert_eq!(opening.source.provenance, whole.provenance);
    assert!(load_opening(&path, 0.0, &LoadOptions::default()).is_err());
    assert!(load_opening(&path, f64::NAN, &LoadOptions::default()).is_err());
}
