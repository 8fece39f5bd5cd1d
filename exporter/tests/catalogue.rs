//! `afterglow scan` and `afterglow pads` through the binary: a scan killed with SIGKILL leaves a
//! sound catalogue that the next scan completes, `pads --json` lists what was found, `--like` puts
//! the pad itself first, and the real-music corpus scans and lists.

use catalogue::Catalogue;
use fixtures::encode::{wav_bytes, SampleEncoding};
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const RATE_HZ: u32 = 44_100;

fn afterglow(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_afterglow")).args(args).env_remove("AFTERGLOW_CATALOGUE").output().expect("binary runs")
}

fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.code().is_some_and(|c| c == 0 || c == 3), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn write_archive(dir: &Path, num_files: usize, secs: f64) {
    std::fs::create_dir_all(dir).unwrap();
    let roots = [45.0, 47.0, 48.0, 50.0, 52.0, 53.0, 55.0];
    for i in 0..num_files {
        let root = roots[i % roots.len()] + (i / roots.len()) as f64 * 0.5;
        let notes = [root, root + 3.0 + (i % 2) as f64, root + 7.0];
        let x = fixtures::chord_pad(&notes, 0.3, (secs * f64::from(RATE_HZ)) as usize, RATE_HZ, i as u64);
        std::fs::write(dir.join(format!("take-{i:02}.wav")), wav_bytes(&[x], RATE_HZ, SampleEncoding::Pcm16, false, None))
            .unwrap();
    }
}

#[test]
fn killed_scan_leaves_a_usable_catalogue_and_the_next_scan_completes_it() {
    const NUM_FILES: usize = 24;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("archive");
    write_archive(&dir, NUM_FILES, 20.0);
    let db = tmp.path().join("cat.sqlite");
    let (dir_s, db_s) = (dir.to_str().unwrap(), db.to_str().unwrap());

    let mut child = Command::new(env!("CARGO_BIN_EXE_afterglow"))
        .args(["scan", dir_s, "--catalogue", db_s, "--jobs", "1"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let mut seen = 0;
    while started.elapsed() < Duration::from_secs(120) {
        if db.exists()
            && let Ok(n) = Catalogue::open(&db).and_then(|c| c.num_files())
        {
            seen = n;
            if n >= 2 {
                break;
            }
        }
        assert!(child.try_wait().unwrap().is_none(), "scan finished before it could be killed");
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    assert!(seen >= 2, "scan made no progress");

    let cat = Catalogue::open(&db).unwrap();
    assert!(cat.is_sound().unwrap());
    let partial = cat.num_files().unwrap();
    assert!((2..NUM_FILES).contains(&partial), "killed mid-scan: {partial} of {NUM_FILES} files");
    drop(cat);

    let report = json(&afterglow(&["scan", dir_s, "--catalogue", db_s, "--json"]));
    assert_eq!(report["files"], NUM_FILES);
    assert_eq!(report["failed"], 0);
    assert_eq!(report["unchanged"], partial, "{report}");
    assert_eq!(report["scanned"], NUM_FILES - partial, "{report}");
    assert_eq!(report["catalogue"], db.canonicalize().unwrap_or(db.clone()).to_str().unwrap());

    let again = json(&afterglow(&["scan", dir_s, "--catalogue", db_s, "--json"]));
    assert_eq!((again["scanned"].as_u64(), again["unchanged"].as_u64()), (Some(0), Some(NUM_FILES as u64)));

    // `pads --json` lists what the scan found.
    let pads = json(&afterglow(&["pads", "--catalogue", db_s, "--limit", "0", "--json"]));
    let pads = pads.as_array().unwrap();
    let cat = Catalogue::open(&db).unwrap();
    let num_pads: usize =
        cat.connection().query_row("SELECT COUNT(*) FROM regions WHERE kind = 'pad'", [], |r| r.get::<_, i64>(0)).unwrap() as usize;
    assert_eq!(pads.len(), num_pads);
    assert!(num_pads >= NUM_FILES, "every take gives pads: {num_pads}");
    for p in pads {
        for field in ["id", "path", "start_sec", "duration_sec", "key", "brightness", "grade"] {
            assert!(p.get(field).is_some(), "{field} missing in {p}");
        }
        assert!(Path::new(p["path"].as_str().unwrap()).starts_with(dir.canonicalize().unwrap()));
    }

    // `--like` puts the pad itself first, then by distance.
    let id = pads[pads.len() / 2]["id"].as_str().unwrap();
    let like = json(&afterglow(&["pads", "--catalogue", db_s, "--like", id, "--limit", "5", "--json"]));
    let like = like.as_array().unwrap();
    assert_eq!(like.len(), 5);
    assert_eq!(like[0]["id"], id);
    assert_eq!(like[0]["distance"], 0.0);
    let d: Vec<f64> = like.iter().map(|p| p["distance"].as_f64().unwrap()).collect();
    assert!(d.windows(2).all(|w| w[0] <= w[1]), "{d:?}");
}

#[test]
fn pads_without_a_catalogue_says_to_scan() {
    let tmp = tempfile::tempdir().unwrap();
    let out = afterglow(&["pads", "--catalogue", tmp.path().join("none.sqlite").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("afterglow scan"));
}

#[test]
fn real_corpus_scans_and_lists_pads() {
    let Some(corpus) = fixtures::real_corpus::real_corpus(&[]) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("cat.sqlite");
    let db_s = db.to_str().unwrap();
    let report = json(&afterglow(&["scan", corpus.to_str().unwrap(), "--catalogue", db_s, "--json"]));
    let files = report["files"].as_u64().unwrap();
    assert!(files >= 5, "{report}");
    assert_eq!(report["failed"], 0, "{report}");
    assert_eq!(report["scanned"].as_u64(), Some(files));
    assert!(report["regions"].as_u64().unwrap() > 0);
    let pads = json(&afterglow(&["pads", "--catalogue", db_s, "--limit", "0", "--json"]));
    let pads = pads.as_array().unwrap();
    assert!(pads.len() >= 5, "{} pads", pads.len());
    for p in pads {
        assert!(Path::new(p["path"].as_str().unwrap()).is_file());
        assert!(p["duration_sec"].as_f64().unwrap() >= 1.0);
    }
    let rescan = json(&afterglow(&["scan", corpus.to_str().unwrap(), "--catalogue", db_s, "--json"]));
    assert_eq!((rescan["scanned"].as_u64(), rescan["unchanged"].as_u64()), (Some(0), Some(files)));
}
