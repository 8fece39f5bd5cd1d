//! Duplicate recordings in a scanned catalogue of rendered music: a trimmed, quieter mono copy is
//! grouped with its original (kept: the longer stereo file), a song in the same key and tempo is
//! not, and a catalogue without fingerprints gets them on the next scan without mining again.

use catalogue::{scan, Catalogue, MineSettings};
use fixtures::encode::{flac_bytes, wav_bytes, SampleEncoding};
use fixtures::music::{chord_progression, Progression, SongSpec};
use std::path::{Path, PathBuf};

const RATE_HZ: u32 = 44_100;

fn song(progression: Progression, seed: u64) -> Vec<f32> {
    let spec = SongSpec { tonic: 2, progression, bpm: 110.0, num_cycles: 2, tuning_cents: 0.0, seed };
    chord_progression(&spec, 0.7, RATE_HZ)
}

fn write_archive(dir: &Path) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    let a = song(Progression::AeolianMinor, 1);
    let b = song(Progression::HarmonicMinor, 2);
    let stereo = vec![a.clone(), a.iter().map(|v| v * 0.9).collect()];
    let copy: Vec<f32> = a[2 * RATE_HZ as usize..a.len() - RATE_HZ as usize].iter().map(|v| v * 0.5).collect();
    let files = [
        ("song-a.wav", wav_bytes(&stereo, RATE_HZ, SampleEncoding::Pcm16, false, None)),
        ("song-a (bounce).flac", flac_bytes(&[copy], RATE_HZ, 16)),
        ("song-b.wav", wav_bytes(&[b], RATE_HZ, SampleEncoding::Pcm16, false, None)),
    ];
    files
        .into_iter()
        .map(|(name, bytes)| {
            let path = dir.join(name);
            std::fs::write(&path, bytes).unwrap();
            path
        })
        .collect()
}

#[test]
fn copies_group_and_other_songs_do_not() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("archive");
    let files = write_archive(&dir);
    let mut cat = Catalogue::open(&tmp.path().join("cat.sqlite")).unwrap();
    let report = scan(&mut cat, &files, std::slice::from_ref(&dir), &MineSettings::default(), 0, &mut |_| {}).unwrap();
    assert_eq!((report.scanned, report.failed), (3, 0), "{report:?}");

    let found = cat.duplicates().unwrap();
    assert_eq!((found.num_fingerprinted, found.num_without_fingerprint), (3, 0));
    assert_eq!(found.groups.len(), 1, "{:?}", found.groups);
    let group = &found.groups[0];
    assert!(group.kept().path.ends_with("song-a.wav"), "{group:?}");
    assert_eq!(group.skipped().len(), 1);
    let copy = &group.skipped()[0];
    assert!(copy.path.ends_with("song-a (bounce).flac"));
    let starts = copy.starts_at_sec.expect("matched directly with the kept copy");
    assert!((starts - 2.0).abs() < 0.05, "the copy starts 2 s in, found {starts}");

    // A catalogue from before fingerprints: the next scan adds them without mining.
    cat.connection().execute_batch("DELETE FROM fingerprints; UPDATE files SET fingerprint_version = NULL;").unwrap();
    let old = cat.duplicates().unwrap();
    assert_eq!((old.groups.len(), old.num_without_fingerprint), (0, 3));
    let again = scan(&mut cat, &files, std::slice::from_ref(&dir), &MineSettings::default(), 0, &mut |_| {}).unwrap();
    assert_eq!((again.scanned, again.fingerprinted, again.unchanged), (0, 3, 0), "{again:?}");
    assert_eq!(cat.duplicates().unwrap().groups, found.groups);
    let third = scan(&mut cat, &files, &[dir], &MineSettings::default(), 0, &mut |_| {}).unwrap();
    assert_eq!((third.scanned, third.fingerprinted, third.unchanged), (0, 0, 3), "{third:?}");

    // Removing a file removes its fingerprint with it.
    let id: i64 = cat.connection().query_row("SELECT id FROM files WHERE path LIKE '%song-b.wav'", [], |r| r.get(0)).unwrap();
    cat.remove_file(id).unwrap();
    let left: i64 = cat.connection().query_row("SELECT COUNT(*) FROM fingerprints WHERE file_id = ?1", [id], |r| r.get(0)).unwrap();
    assert_eq!(left, 0);
}
