//! End-to-end: the real `afterglow` binary renders real files into a pack, and the pack keeps the
//! promises the README makes (layout, manifest, levels, loops, determinism, bad input).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn afterglow(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_afterglow")).args(args).current_dir(cwd).output().expect("binary runs")
}

fn bundled_archive() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/archive")
}

fn wavs_under(dir: &Path) -> Vec<PathBuf> {
    fixtures::files::files_under(dir).into_iter().filter(|p| p.extension().is_some_and(|e| e == "wav")).collect()
}

fn manifest(dir: &Path) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_path(dir.join("manifest.csv")).unwrap();
    reader.records().map(|r| r.unwrap()).collect()
}

fn column(dir: &Path, name: &str) -> usize {
    let mut reader = csv::Reader::from_path(dir.join("manifest.csv")).unwrap();
    reader.headers().unwrap().iter().position(|h| h == name).unwrap_or_else(|| panic!("column {name}"))
}

#[test]
fn bundled_archive_renders_a_complete_pack() {
    let out = tempfile::tempdir().unwrap();
    let o = afterglow(&["render", bundled_archive().to_str().unwrap(), "--out", out.path().to_str().unwrap()], out.path());
    assert!(o.status.success(), "stderr: {}", String::from_utf8_lossy(&o.stderr));
    let rows = manifest(out.path());
    let (file, kind, saved, peak) =
        (column(out.path(), "filename"), column(out.path(), "type"), column(out.path(), "saved"), column(out.path(), "peak_dbfs"));
    for k in ["pad", "drone", "swell", "cloud", "hiss", "flicker"] {
        assert!(rows.iter().any(|r| &r[kind] == k), "no {k} in the pack");
    }
    // Every saved row has its WAV, and every file on disk is in the manifest: nothing half-written.
    let on_disk: Vec<String> = wavs_under(out.path())
        .iter()
        .map(|p| p.strip_prefix(out.path()).unwrap().to_string_lossy().replace('\\', "/"))
        .collect();
    let listed: Vec<String> = rows.iter().filter(|r| &r[saved] == "true").map(|r| r[file].to_string()).collect();
    let mut listed_sorted = listed.clone();
    listed_sorted.sort();
    assert_eq!(on_disk, listed_sorted);
    for r in &rows {
        let p: f32 = r[peak].parse().unwrap();
        // Per-kind targets: -1 (global), clouds -3, hiss -6, flickers -3 (tests/kit.rs checks each).
        assert!(p < 0.0 && p > -6.5, "{} peak {p} dBFS", &r[file]);
        let reader = hound::WavReader::open(out.path().join(&r[file])).unwrap();
        assert_eq!(reader.spec().sample_rate, 44_100);
        assert_eq!(reader.spec().bits_per_sample, 24);
    }
}

#[test]
fn same_seed_gives_identical_bytes_for_any_jobs() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let archive = bundled_archive();
    for (dir, jobs) in [(&a, "1"), (&b, "2")] {
        let o = afterglow(
            &["render", archive.to_str().unwrap(), "--out", dir.path().to_str().unwrap(), "--seed", "7", "--jobs", jobs],
            dir.path(),
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let files_a = wavs_under(a.path());
    let files_b = wavs_under(b.path());
    assert_eq!(files_a.len(), files_b.len());
    for (fa, fb) in files_a.iter().zip(&files_b) {
        assert_eq!(fa.strip_prefix(a.path()).unwrap(), fb.strip_prefix(b.path()).unwrap());
        assert!(std::fs::read(fa).unwrap() == std::fs::read(fb).unwrap(), "{} differs", fa.display());
    }
}

#[test]
fn a_bad_file_is_named_and_the_rest_is_rendered() {
    let archive = tempfile::tempdir().unwrap();
    std::fs::copy(bundled_archive().join("02 tape loop in A.wav"), archive.path().join("good.wav")).unwrap();
    std::fs::write(archive.path().join("broken.wav"), b"RIFF\x10\x00\x00\x00WAVEjunkjunk").unwrap();
    std::fs::write(archive.path().join("notes.txt"), b"not audio").unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = afterglow(&["render", archive.path().to_str().unwrap(), "--out", out.path().to_str().unwrap()], out.path());
    assert_eq!(o.status.code(), Some(3), "stdout: {}", String::from_utf8_lossy(&o.stdout));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("broken.wav"), "{stderr}");
    let rows = manifest(out.path());
    assert!(!rows.is_empty());
    let source = column(out.path(), "source");
    assert!(rows.iter().any(|r| r[source].ends_with("good.wav")));
    assert!(rows.iter().all(|r| !r[source].contains("broken")));
}

#[test]
fn dry_run_writes_nothing() {
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("pack");
    let o = afterglow(
        &["render", bundled_archive().to_str().unwrap(), "--out", target.to_str().unwrap(), "--dry-run", "--only", "pads"],
        out.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!target.exists());
    assert!(String::from_utf8_lossy(&o.stdout).contains("_pad01"));
}

#[test]
fn init_writes_a_config_that_validates_and_validate_names_bad_keys() {
    let dir = tempfile::tempdir().unwrap();
    assert!(afterglow(&["init"], dir.path()).status.success());
    let o = afterglow(&["validate"], dir.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::write(dir.path().join("bad.toml"), "[clouds]\ngrain_length_min_ms = 0.0\nsterio = true\n").unwrap();
    let o = afterglow(&["validate", "--config", "bad.toml"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("clouds.sterio") && stderr.contains("did you mean `stereo`"), "{stderr}");
}

#[test]
fn analyze_json_reports_every_file_and_flags_failures() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(bundled_archive().join("03 drum bounce 96bpm.wav"), dir.path().join("drums.wav")).unwrap();
    std::fs::write(dir.path().join("empty.wav"), b"").unwrap();
    let o = afterglow(&["analyze", "--json", dir.path().to_str().unwrap()], dir.path());
    assert_eq!(o.status.code(), Some(3));
    let reports: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let reports = reports.as_array().unwrap();
    assert_eq!(reports.len(), 2);
    let drums = reports.iter().find(|r| r["path"].as_str().unwrap().ends_with("drums.wav")).unwrap();
    assert_eq!(drums["sample_rate"], 44_100);
    assert_eq!(drums["channels"], 1);
    assert!((drums["duration_sec"].as_f64().unwrap() - 6.0).abs() < 0.01);
    let bpm = drums["bpm"].as_f64().expect("the groove has a tempo");
    assert!([48.0, 96.0, 192.0].iter().any(|t| (bpm - t).abs() / t < 0.04), "bpm {bpm}");
    let empty = reports.iter().find(|r| r["path"].as_str().unwrap().ends_with("empty.wav")).unwrap();
    assert!(empty["error"].as_str().unwrap().contains("empty"));
}

#[test]
fn every_cloud_recipe_renders_the_same_bytes_again() {
    let out = tempfile::tempdir().unwrap();
    let o = afterglow(
        &["render", bundled_archive().to_str().unwrap(), "--out", out.path().to_str().unwrap(), "--only", "clouds"],
        out.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = manifest(out.path());
    let (file, recipe) = (column(out.path(), "filename"), column(out.path(), "recipe"));
    assert!(rows.len() >= 2);
    for row in &rows {
        assert!(!row[recipe].is_empty(), "{} has no recipe", &row[file]);
        let again = out.path().join("again");
        let o = afterglow(&["recipe", "render", out.path().join(&row[recipe]).to_str().unwrap(), "--out", again.to_str().unwrap()], out.path());
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let name = Path::new(&row[file]).file_name().unwrap();
        assert!(std::fs::read(again.join(name)).unwrap() == std::fs::read(out.path().join(&row[file])).unwrap(), "{} differs", &row[file]);
    }
}

#[test]
fn a_recipe_from_a_newer_version_fails_clearly() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("future.toml"), "version = 99\nsomething_new = true\n").unwrap();
    let o = afterglow(&["recipe", "render", "future.toml", "--out", "o"], dir.path());
    assert_eq!(o.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("future.toml") && stderr.contains("newer afterglow"), "{stderr}");
}

fn render_with_config(config: &str, extra: &[&str]) -> (tempfile::TempDir, Output) {
    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join("afterglow.toml"), config).unwrap();
    let archive = bundled_archive().join("02 tape loop in A.wav");
    let mut args = vec!["render", archive.to_str().unwrap(), "--out", "pack"];
    args.extend_from_slice(extra);
    let o = afterglow(&args, out.path());
    (out, o)
}

#[test]
fn target_key_transposes_tonal_material_by_the_smallest_interval() {
    // The tape loop is in A minor; C major is its relative major: no shift. D minor is 5 up (or 7 down): +5.
    for (target, shift) in [("C major", 0), ("D minor", 5), ("E minor", -5)] {
        let config = format!("[musicality]\ntarget_key = \"{target}\"\nkey_confidence_threshold = 0.3\n");
        let (dir, o) = render_with_config(&config, &["--only", "drones,clouds"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let pack = dir.path().join("pack");
        let rows = manifest(&pack);
        let t = column(&pack, "transposed_semitones");
        assert!(!rows.is_empty());
        assert!(rows.iter().all(|r| r[t] == *shift.to_string()), "{target}: {:?}", rows.iter().map(|r| r[t].to_string()).collect::<Vec<_>>());
    }
}

#[test]
fn an_unsure_key_is_left_alone_and_flagged() {
    let (dir, o) = render_with_config("[musicality]\ntarget_key = \"D minor\"\nkey_confidence_threshold = 1.0\n", &["--only", "clouds"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let pack = dir.path().join("pack");
    let (t, notes) = (column(&pack, "transposed_semitones"), column(&pack, "notes"));
    let rows = manifest(&pack);
    assert!(!rows.is_empty());
    for r in rows {
        assert_eq!(&r[t], "");
        assert!(r[notes].contains("not transposed"), "{}", &r[notes]);
    }
}

#[test]
fn snap_to_grid_makes_loops_and_clouds_whole_bars() {
    let (dir, o) = render_with_config(
        "[musicality]\nsnap_to_grid = true\nreference_bpm = \"120\"\nbar_lengths = [1, 2, 4]\n",
        &["--only", "pads,clouds"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let pack = dir.path().join("pack");
    let (file, kind) = (column(&pack, "filename"), column(&pack, "type"));
    let rows = manifest(&pack);
    assert!(rows.iter().any(|r| &r[kind] == "pad") && rows.iter().any(|r| &r[kind] == "cloud"));
    for r in rows {
        let frames = hound::WavReader::open(pack.join(&r[file])).unwrap().duration();
        // One bar at 120 BPM in 4/4 is 2 s = 88 200 frames; the seam search may move a loop end by
        // at most its search span (25 ms).
        let bars = f64::from(frames) / 88_200.0;
        let tolerance = if &r[kind] == "pad" { 0.025 / 2.0 } else { 1e-9 };
        assert!((bars - bars.round()).abs() <= tolerance && bars.round() >= 1.0, "{}: {bars} bars", &r[file]);
    }
}

#[test]
fn tr8s_profile_writes_short_16_bit_names_within_budget() {
    let out = tempfile::tempdir().unwrap();
    let o = afterglow(&["render", bundled_archive().to_str().unwrap(), "--out", "pack", "--profile", "tr8s"], out.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let pack = out.path().join("pack");
    let (file, saved, dur) = (column(&pack, "filename"), column(&pack, "saved"), column(&pack, "duration_sec"));
    let rows = manifest(&pack);
    let kept: Vec<_> = rows.iter().filter(|r| &r[saved] == "true").collect();
    let seconds: f64 = kept.iter().map(|r| r[dur].parse::<f64>().unwrap()).sum();
    assert!(kept.len() <= 400 && seconds <= 600.0, "{} files, {seconds} s", kept.len());
    for r in kept {
        let name = Path::new(&r[file]).file_stem().unwrap().to_str().unwrap().to_string();
        assert!(name.len() <= 16 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'), "{name}");
        assert!(r[file].starts_with("ROLAND/TR-8S/SAMPLE/AGLOW_"), "{}", &r[file]);
        assert_eq!(hound::WavReader::open(pack.join(&r[file])).unwrap().spec().bits_per_sample, 16);
    }
}

fn modified_times(dir: &Path) -> Vec<(PathBuf, std::time::SystemTime)> {
    wavs_under(dir).into_iter().map(|p| {
        let t = std::fs::metadata(&p).unwrap().modified().unwrap();
        (p, t)
    }).collect()
}

#[test]
fn a_rerun_reuses_unchanged_sources_and_renders_changed_ones() {
    let archive = tempfile::tempdir().unwrap();
    for name in ["02 tape loop in A.wav", "04 room tone.wav"] {
        std::fs::copy(bundled_archive().join(name), archive.path().join(name)).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let run = || afterglow(&["render", archive.path().to_str().unwrap(), "--out", "pack"], out.path());
    assert!(run().status.success());
    let pack = out.path().join("pack");
    let first = modified_times(&pack);
    let manifest_first = std::fs::read(pack.join("manifest.csv")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let o = run();
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("2 source(s) unchanged"), "{}", String::from_utf8_lossy(&o.stdout));
    assert_eq!(modified_times(&pack), first, "an unchanged source was rendered again");
    assert_eq!(std::fs::read(pack.join("manifest.csv")).unwrap(), manifest_first);

    // Change one source: only its files are made again.
    let tape = archive.path().join("02 tape loop in A.wav");
    let mut bytes = std::fs::read(&tape).unwrap();
    let last = bytes.len() - 2;
    bytes[last] ^= 0x40;
    std::fs::write(&tape, bytes).unwrap();
    let o = run();
    assert!(o.status.success());
    let now = modified_times(&pack);
    for ((path, before), (_, after)) in first.iter().zip(&now) {
        let changed = before != after;
        let is_tape = path.to_string_lossy().contains("02_tape_loop_in_a");
        assert_eq!(changed, is_tape, "{}", path.display());
    }
}

#[test]
fn an_interrupted_render_leaves_complete_files_and_a_rerun_finishes_it() {
    let out = tempfile::tempdir().unwrap();
    let archive = bundled_archive();
    for delay_ms in [150u64, 400, 900] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_afterglow"))
            .args(["render", archive.to_str().unwrap(), "--out", "pack", "--jobs", "1"])
            .current_dir(out.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let pack = out.path().join("pack");
        // Whatever is on disk outside the staging folder is a complete, readable WAV.
        for wav in wavs_under(&pack).iter().filter(|p| !p.to_string_lossy().contains(".afterglow-partial")) {
            let mut reader = hound::WavReader::open(wav).unwrap();
            let n = reader.samples::<i32>().filter(|s| s.is_ok()).count();
            assert_eq!(n as u32, reader.duration() * u32::from(reader.spec().channels), "{}", wav.display());
        }
        // Whatever the manifest lists is there.
        if pack.join("manifest.csv").exists() {
            let (file, saved) = (column(&pack, "filename"), column(&pack, "saved"));
            for r in manifest(&pack).iter().filter(|r| &r[saved] == "true") {
                assert!(pack.join(&r[file]).is_file(), "{} listed but missing", &r[file]);
            }
        }
    }
    let o = afterglow(&["render", archive.to_str().unwrap(), "--out", "pack"], out.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let pack = out.path().join("pack");
    let (file, saved) = (column(&pack, "filename"), column(&pack, "saved"));
    let mut listed: Vec<PathBuf> = manifest(&pack).iter().filter(|r| &r[saved] == "true").map(|r| pack.join(&r[file])).collect();
    listed.sort();
    assert_eq!(wavs_under(&pack), listed);
    assert!(!pack.join(".afterglow-partial").exists());
}
