//! Scanning generated archives: what is found, what a rescan skips, moves and removals, queries.

use catalogue::{scan, Catalogue, MineSettings, PadQuery};
use fixtures::encode::{wav_bytes, SampleEncoding};
use std::path::{Path, PathBuf};

const RATE_HZ: u32 = 44_100;

fn write_pad(dir: &Path, name: &str, notes: &[f64], seed: u64, secs: f64) -> PathBuf {
    let frames = (secs * f64::from(RATE_HZ)) as usize;
    let x = fixtures::chord_pad(notes, 0.3, frames, RATE_HZ, seed);
    let path = dir.join(name);
    std::fs::write(&path, wav_bytes(&[x], RATE_HZ, SampleEncoding::Pcm16, false, None)).unwrap();
    path
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    v.sort();
    v
}

fn run(cat: &mut Catalogue, dir: &Path) -> catalogue::ScanReport {
    scan(cat, &files_in(dir), &[dir.to_path_buf()], &MineSettings::default(), 0, &mut |_| {}).unwrap()
}

#[test]
fn rescan_skips_unchanged_and_follows_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("archive");
    std::fs::create_dir(&dir).unwrap();
    let a = write_pad(&dir, "a.wav", &[57.0, 60.0, 64.0], 1, 10.0);
    let b = write_pad(&dir, "b.wav", &[50.0, 53.0, 57.0], 2, 10.0);
    let c = write_pad(&dir, "c.wav", &[55.0, 59.0, 62.0], 3, 10.0);
    std::fs::write(dir.join("broken.wav"), b"RIFF not really").unwrap();
    let mut cat = Catalogue::open(&tmp.path().join("cat.sqlite")).unwrap();

    let first = run(&mut cat, &dir);
    assert_eq!((first.files, first.scanned, first.unchanged, first.failed), (4, 3, 0, 1), "{first:?}");
    assert!(first.failures[0].path.ends_with("broken.wav"));
    assert!(first.regions > 0);
    let pads = cat.pads(&PadQuery::default()).unwrap();
    assert!(!pads.is_empty());
    assert!(pads.windows(2).all(|w| w[0].score >= w[1].score), "ranked by score");

    let again = run(&mut cat, &dir);
    assert_eq!((again.scanned, again.unchanged, again.failed, again.regions), (0, 3, 1, first.regions));

    // Touched (new mtime, same bytes): hashed, not mined.
    let f = std::fs::File::options().write(true).open(&a).unwrap();
    f.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5)).unwrap();
    drop(f);
    let touched = run(&mut cat, &dir);
    assert_eq!((touched.scanned, touched.unchanged), (0, 3), "{touched:?}");

    // Changed content: mined again.
    write_pad(&dir, "b.wav", &[52.0, 55.0, 59.0], 9, 8.0);
    let changed = run(&mut cat, &dir);
    assert_eq!((changed.scanned, changed.unchanged), (1, 2), "{changed:?}");

    // Moved: reused by hash, the old path dropped.
    std::fs::rename(&c, dir.join("c-moved.wav")).unwrap();
    let moved = run(&mut cat, &dir);
    assert_eq!((moved.scanned, moved.moved, moved.removed), (0, 1, 1), "{moved:?}");

    // Deleted: dropped.
    std::fs::remove_file(&b).unwrap();
    let deleted = run(&mut cat, &dir);
    assert_eq!((deleted.scanned, deleted.removed), (0, 1), "{deleted:?}");
    assert_eq!(cat.num_files().unwrap(), 2);
    assert!(cat.pads(&PadQuery::default()).unwrap().iter().all(|p| !p.path.ends_with("b.wav")));
    assert!(cat.is_sound().unwrap());
}

#[test]
fn like_puts_the_pad_itself_first_and_filters_apply() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("archive");
    std::fs::create_dir(&dir).unwrap();
    write_pad(&dir, "low.wav", &[45.0, 48.0, 52.0], 1, 12.0);
    write_pad(&dir, "high.wav", &[81.0, 84.0, 88.0], 2, 12.0);
    write_pad(&dir, "mid.wav", &[62.0, 66.0, 69.0], 3, 12.0);
    let mut cat = Catalogue::open(&tmp.path().join("cat.sqlite")).unwrap();
    run(&mut cat, &dir);
    let all = cat.pads(&PadQuery::default()).unwrap();
    assert!(all.len() >= 3, "{all:?}");
    for pad in &all {
        let like = cat.pads(&PadQuery { like: Some(pad.id.clone()), ..Default::default() }).unwrap();
        assert_eq!(like[0].id, pad.id);
        assert_eq!(like[0].distance, Some(0.0));
        assert!(like.windows(2).all(|w| w[0].distance <= w[1].distance));
    }
    let limited = cat.pads(&PadQuery { limit: 2, ..Default::default() }).unwrap();
    assert_eq!(limited.len(), 2);
    let long = cat.pads(&PadQuery { min_sec: Some(3.0), ..Default::default() }).unwrap();
    assert!(long.iter().all(|p| p.duration_sec >= 3.0));
    for pad in &all {
        if let Some(key) = &pad.key {
            let same = cat.pads(&PadQuery { key: Some(key.clone()), ..Default::default() }).unwrap();
            assert!(same.iter().any(|p| p.id == pad.id) && same.iter().all(|p| p.key.as_deref() == Some(key)));
        }
    }
    let unknown = cat.pads(&PadQuery { like: Some("nope".into()), ..Default::default() });
    assert!(matches!(unknown, Err(catalogue::Error::UnknownPad(_))));
}

#[test]
fn reopening_keeps_the_schema_version() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("nested/dir/cat.sqlite");
    drop(Catalogue::open(&path).unwrap());
    let cat = Catalogue::open(&path).unwrap();
    let version: i64 = cat.connection().pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(version, 5);
    let mode: String = cat.connection().pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
}
