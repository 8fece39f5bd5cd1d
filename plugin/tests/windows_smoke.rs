//! The plugin built for Windows, under Wine: the CLAP loads, activates and plays a held chord, the
//! very samples the Linux build plays; a folder given as a Windows path (`Z:\...`) is mined through the saved
//! state and saved back with that path, and the state then opens on Linux with every parameter
//! intact; the VST3 loads and plays the chord too, on Linux and under Wine, the CLAP's samples. The CLAP host is the suite's
//! own (`tests/common`) cross-built as `examples/smoke_host.rs`, playing the same scenarios
//! (`tests/common/smoke.rs`) as this process; the VST3 host is `examples/vst3_smoke_host.rs`. The
//! Windows halves are skipped with a notice where the Windows toolchain or Wine is missing; `CI`
//! must run them. The tests take turns: one of them restarts the Wine server.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use common::{TestHost, all_finite_within, archive_path_in_state, rms};
use fixtures::windows::{Artifacts, for_smoke_test, stop_wine, wine_command, wine_command_with_display, windows_path};

/// One Wine scenario at a time (the VST3 test stops the Wine server after its display closes).
static WINE: Mutex<()> = Mutex::new(());

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("plugin sits in the workspace").to_path_buf()
}

/// A fresh folder for one test's files under `target/windows-smoke/`.
fn work_dir(name: &str) -> PathBuf {
    let dir = workspace_root().join("target/windows-smoke").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("work folder");
    dir
}

/// Runs the cross-built host under Wine with `args`, against the Windows CLAP, with a catalogue
/// of its own in `work`.
fn smoke_host(artifacts: &Artifacts, prefix: &Path, work: &Path, args: &[&str]) {
    let output = wine_command(prefix, &artifacts.smoke_host)
        .args(args)
        .env("AFTERGLOW_CLAP_PATH", windows_path(&artifacts.clap))
        .env("AFTERGLOW_CATALOGUE", windows_path(&work.join("catalogue.sqlite")))
        .output()
        .expect("run smoke_host.exe under Wine");
    assert_ran(&format!("smoke_host.exe {args:?}"), &output);
}

/// Fails with what a program printed when it did not succeed.
fn assert_ran(what: &str, output: &std::process::Output) {
    assert!(
        output.status.success(),
        "{what} failed ({}): {}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn db(x: f64) -> f64 {
    20.0 * x.max(1e-12).log10()
}

#[test]
fn the_windows_clap_plays_a_held_chord_as_the_linux_one_does() {
    let Some((artifacts, prefix)) = for_smoke_test(&workspace_root()) else { return };
    let _turn = WINE.lock().unwrap_or_else(|e| e.into_inner());
    let work = work_dir("clap-chord");
    smoke_host(&artifacts, &prefix, &work, &["chord", &windows_path(&work)]);
    let bytes = std::fs::read(work.join("chord.f32")).expect("the Windows render");
    let samples: Vec<f32> = bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
    let half = samples.len() / 2;
    let windows = [samples[..half].to_vec(), samples[half..].to_vec()];

    let linux = common::smoke::held_chord();
    assert_eq!(windows[0].len(), linux[0].len(), "the renders differ in length");
    assert!(all_finite_within(&windows, 1.0), "the Windows render is not finite or clips");
    let (windows_db, linux_db) = (db(rms(&windows)), db(rms(&linux)));
    let largest = linux.iter().zip(&windows).flat_map(|(a, b)| a.iter().zip(b)).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
    let differing = linux.iter().zip(&windows).flat_map(|(a, b)| a.iter().zip(b)).filter(|(a, b)| a != b).count();
    eprintln!(
        "held chord: Windows {windows_db:.2} dB RMS, Linux {linux_db:.2} dB RMS; {differing} of {} samples differ, largest by {:.1} dB",
        2 * half,
        db(f64::from(largest))
    );
    assert!(windows_db > -40.0, "the Windows CLAP is (nearly) silent: {windows_db:.1} dB");
    assert!((windows_db - linux_db).abs() < 0.1, "levels differ: Windows {windows_db:.2} dB, Linux {linux_db:.2} dB");
    // The engine's math is portable, so the two systems play the same samples.
    assert_eq!(differing, 0, "the Windows CLAP's samples differ from the Linux one's");
}

#[test]
fn a_folder_given_as_a_windows_path_is_mined_and_the_state_opens_on_linux() {
    let root = workspace_root();
    let Some((artifacts, prefix)) = for_smoke_test(&root) else { return };
    let _turn = WINE.lock().unwrap_or_else(|e| e.into_inner());
    let work = work_dir("clap-mine");
    let folder = windows_path(&root.join("fixtures/archive"));
    assert!(folder.starts_with(r"Z:\") && folder.contains(r"\fixtures\archive"), "{folder}");
    smoke_host(&artifacts, &prefix, &work, &["mine", &folder, &windows_path(&work)]);
    let report = std::fs::read_to_string(work.join("mine.txt")).expect("the Windows host's report");
    let lines: Vec<&str> = report.lines().collect();
    eprintln!("Windows: the mined pads sounded after {} s at RMS {}; saved path {}", lines[0], lines[1], lines[2]);
    assert_ne!(lines[0], "never", "the pads mined from {folder} never sounded under Windows");
    assert_eq!(lines[2], folder, "the state does not keep the Windows path");

    // The project moves to Linux: the state opens with the Windows path kept and every parameter
    // as saved, and the instrument plays.
    let windows_state = std::fs::read(work.join("state.bin")).expect("the Windows state");
    let mut host = TestHost::new();
    host.load_state(&windows_state);
    let resaved = host.save_state();
    assert_eq!(archive_path_in_state(&resaved), folder);
    let params = |state: &[u8]| -> serde_json::Value { serde_json::from_slice::<serde_json::Value>(&state[8..]).expect("JSON state")["params"].clone() };
    assert_eq!(params(&resaved), params(&windows_state), "parameters changed on the way from Windows to Linux");
    host.activate(48_000.0, 512);
    let out = host.render(4_800, 512, &[]);
    assert!(all_finite_within(&out, 1.0));
}

/// Reads a render written as little-endian f32, left then right.
fn read_render(path: &Path) -> [Vec<f32>; 2] {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let samples: Vec<f32> = bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
    let half = samples.len() / 2;
    [samples[..half].to_vec(), samples[half..].to_vec()]
}

/// Checks a VST3 render of the chord against the CLAP's on Linux: finite, audible, the same samples.
fn against_the_clap(what: &str, render: &[Vec<f32>; 2], clap: &[Vec<f32>; 2]) {
    assert_eq!(render[0].len(), clap[0].len(), "{what}: length");
    assert!(all_finite_within(render, 1.0), "{what}: not finite or clipping");
    let (level, clap_level) = (db(rms(render)), db(rms(clap)));
    let differing = render.iter().zip(clap).flat_map(|(a, b)| a.iter().zip(b)).filter(|(a, b)| a != b).count();
    eprintln!("{what}: {level:.2} dB RMS (the CLAP on Linux: {clap_level:.2} dB); {differing} samples differ from the CLAP's");
    assert!(level > -40.0, "{what} is (nearly) silent: {level:.1} dB");
    assert!((level - clap_level).abs() < 0.1, "{what}: {level:.2} dB against the CLAP's {clap_level:.2} dB");
    // One engine behind both formats, on both systems: the same samples.
    assert_eq!(differing, 0, "{what}: the samples differ from the CLAP's");
}

#[test]
fn the_vst3_plays_a_held_chord_on_linux_and_under_wine() {
    let clap = common::smoke::held_chord();
    // Linux: the test's own plugin library is the VST3 module too; the host example sits beside
    // the test executables.
    let work = work_dir("vst3-chord");
    let exe = std::env::current_exe().expect("test executable");
    let examples = exe.parent().and_then(Path::parent).expect("target profile folder").join("examples");
    let linux_host = examples.join("vst3_smoke_host");
    let status = Command::new(&linux_host)
        .arg(common::plugin_library_path())
        .arg(work.join("linux.f32"))
        .status()
        .unwrap_or_else(|e| panic!("{}: {e} (cargo test builds the examples)", linux_host.display()));
    assert!(status.success(), "the Linux VST3 host failed ({status})");
    against_the_clap("the VST3 on Linux", &read_render(&work.join("linux.f32")), &clap);

    let Some((artifacts, prefix)) = for_smoke_test(&workspace_root()) else { return };
    let _turn = WINE.lock().unwrap_or_else(|e| e.into_inner());
    let module = artifacts.vst3.join("Contents/x86_64-win/Afterglow.vst3");
    let output = wine_command_with_display(&prefix, &artifacts.vst3_host)
        .arg(windows_path(&module))
        .arg(windows_path(&work.join("windows.f32")))
        .output()
        .expect("run vst3_smoke_host.exe under Wine and Xvfb");
    stop_wine(&prefix);
    assert_ran("vst3_smoke_host.exe", &output);
    against_the_clap("the VST3 under Wine", &read_render(&work.join("windows.f32")), &clap);
}
