//! The fingerprint on rendered music: a copy after gain, trimming, EQ, resampling and a mono fold
//! is recognised at its true offset, while songs in the same key, progression and tempo (other
//! melody, voicing and timbre) are not. The real-recording version of this test, with lossy
//! re-encoding, is the catalogue's duplicate test (`exporter/tests/duplicates.rs`).

use engine::analysis::fingerprint::{fingerprint, FRAME_SEC};
use engine::analysis::{match_landmarks, Landmark};
use engine::transform::{filter_variant, Edges, FilterSettings, FilterVariant};
use fixtures::music::{chord_progression, Progression, SongSpec};

const SR: u32 = 44_100;

fn song(progression: Progression, seed: u64) -> Vec<f32> {
    let spec = SongSpec { tonic: 9, progression, bpm: 96.0, num_cycles: 3, tuning_cents: 0.0, seed };
    chord_progression(&spec, 0.8, SR)
}

fn check_copy(name: &str, original: &[Landmark], copy: &[Landmark], trimmed_sec: f64) {
    let m = match_landmarks(original, copy).unwrap_or_else(|| panic!("{name}: no shared hash"));
    let share = f64::from(m.votes) / original.len().min(copy.len()) as f64;
    eprintln!("{name}: {} votes ({:.0} % of {}) at {:.2} s", m.votes, share * 100.0, original.len().min(copy.len()), m.offset_sec());
    assert!(m.is_same_recording(original.len(), copy.len()), "{name}: {m:?}");
    assert!((m.offset_sec() + trimmed_sec).abs() <= 1.5 * FRAME_SEC, "{name}: offset {} s", m.offset_sec());
}

#[test]
fn copies_match_at_their_offset() {
    let x = song(Progression::AeolianMinor, 1);
    let original = fingerprint(std::slice::from_ref(&x), SR);
    assert!(original.len() as f64 > 15.0 * x.len() as f64 / f64::from(SR), "{} landmarks", original.len());

    let quiet: Vec<f32> = x.iter().map(|v| v * 0.5).collect();
    check_copy("-6 dB", &original, &fingerprint(&[quiet], SR), 0.0);

    let trimmed = x[3 * SR as usize..x.len() - 2 * SR as usize].to_vec();
    check_copy("trimmed 3 s + 2 s", &original, &fingerprint(&[trimmed], SR), 3.0);

    let eq = FilterSettings { warm_lowpass_hz: 3000.0, warm_low_shelf_hz: 250.0, warm_low_shelf_db: 6.0, ..Default::default() };
    let filtered = filter_variant(std::slice::from_ref(&x), FilterVariant::Warm, &eq, Edges::OneShot, SR);
    check_copy("low shelf + high cut", &original, &fingerprint(&filtered, SR), 0.0);

    let at_48k = engine::source::resample(std::slice::from_ref(&x), SR, 48_000);
    check_copy("48 kHz", &original, &fingerprint(&at_48k, 48_000), 0.0);

    // A stereo mix whose sides differ folds to the same mono as the original's mono mix.
    let side: Vec<f32> = x.iter().enumerate().map(|(i, v)| 0.1 * v * ((i as f32) * 0.001).sin()).collect();
    let stereo = vec![x.iter().zip(&side).map(|(m, s)| m + s).collect(), x.iter().zip(&side).map(|(m, s)| m - s).collect()];
    check_copy("stereo, folded", &original, &fingerprint(&stereo, SR), 0.0);
}

/// Three progressions in A minor at 96 BPM, other melodies and timbres. Two of them share bars of
/// identical chords (the same voicing, struck at the same beats), the most unrelated songs can
/// share: they reach about 4 % of their landmarks at one offset, under the 6 % threshold.
#[test]
fn songs_in_one_key_and_tempo_do_not_match() {
    let songs: Vec<Vec<Landmark>> =
        Progression::MINOR.into_iter().zip(1..).map(|(p, seed)| fingerprint(&[song(p, seed)], SR)).collect();
    let mut most = 0;
    for (i, a) in songs.iter().enumerate() {
        for b in &songs[i + 1..] {
            let m = match_landmarks(a, b);
            most = most.max(m.map_or(0, |m| m.votes));
            assert!(!m.is_some_and(|m| m.is_same_recording(a.len(), b.len())), "{m:?}");
        }
    }
    eprintln!("most votes between different songs: {most} (of about {} landmarks)", songs[0].len());
}
