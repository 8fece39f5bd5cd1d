//! The plugin built for Windows, under Wine: the CLAP loads, activates and plays a held chord, the
//! very samples the Linux build plays; a folder given as a Windows path (`Z:\...`) is mined through the saved
//! state and saved back with that path, and the state then opens on Linux with every parameter
//! intact and, once the folder is given again as Linux names it, recalls the very pads by content;
//! a VST3 tuning note expression (from the project's VST3 host) bends its own note and not another,
//! with the same samples under Wine; the VST3 loads and plays the chord too, on Linux and under Wine, the CLAP's samples. The CLAP host is the suite's
//! own (`tests/common`) cross-built as `examples/smoke_host.rs`, playing the same scenarios
//! (`tests/common/smoke.rs`) as this process; the VST3 host is `examples/vst3_smoke_host.rs`. The
//! Windows halves are skipped with a notice where the Windows toolchain or Wine is missing; `CI`
//! must run them. The tests take turns: one of them restarts the Wine server.
//!
//! The editor opens under Wine in a private X server, in a Win32 window of the Windows host
//! `examples/editor_smoke_host.rs`, mines the fixtures archive given as a Windows path, and its
//! pixels pass the Linux editor test's checks (OCR of the group and control names, the pad list,
//! the layout inside the window, the redraw cap). The shot goes to `target/windows-smoke/editor/`.

#[path = "editor_screenshot/checks.rs"]
#[allow(dead_code)]
mod checks;
mod common;
#[path = "editor_screenshot/report.rs"]
mod report;
#[path = "editor_screenshot/screen.rs"]
#[allow(dead_code)]
mod screen;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use common::{TestHost, all_finite_within, archive_path_in_state, bank_in_state, rms};
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
    // Its pads' files are named by Windows paths, which are nowhere here...
    let windows_bank = bank_in_state(&windows_state);
    assert!(windows_bank.len() >= 3 && windows_bank.iter().all(|(_, _, path)| path.starts_with(r"Z:\")), "{windows_bank:?}");
    assert_eq!(bank_in_state(&resaved), windows_bank, "the unfound pads must stay in the project");
    // ...until the folder is given again as this system names it: the very pads, found by their
    // content, in their slots, and the project now names the files where they are here.
    let linux_folder = root.join("fixtures/archive");
    host.load_state(&common::state_with_archive_path(&resaved, &linux_folder.display().to_string()));
    host.activate(48_000.0, 512);
    let recalled = bank_in_state(&host.save_state());
    let identity = |bank: &[(u64, u64, String)]| bank.iter().map(|(slot, id, _)| (*slot, *id)).collect::<Vec<_>>();
    assert_eq!(identity(&recalled), identity(&windows_bank), "the Windows project's pads were not all recalled");
    for (_, _, path) in &recalled {
        assert!(Path::new(path).starts_with(&linux_folder) && Path::new(path).is_file(), "{path}");
    }
    let out = host.render(24_000, 512, &[]);
    assert!(all_finite_within(&out, 1.0));
    eprintln!("Linux: the Windows project's {} pads recalled from {}; pad 2 plays at RMS {:.4}", recalled.len(), linux_folder.display(), rms(&out));
    assert!(rms(&out) > 1e-3, "the recalled pad is silent");
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

/// Plays `scenario` (the host's argument; empty: the chord) through the VST3 host on Linux (the
/// test's own plugin library) and, where the toolchain is, under Wine (the Windows bundle); the
/// renders, Linux's first.
fn vst3_renders(work: &Path, scenario: &[&str]) -> ([Vec<f32>; 2], Option<[Vec<f32>; 2]>) {
    let exe = std::env::current_exe().expect("test executable");
    let examples = exe.parent().and_then(Path::parent).expect("target profile folder").join("examples");
    let linux_host = examples.join("vst3_smoke_host");
    let status = Command::new(&linux_host)
        .arg(common::plugin_library_path())
        .arg(work.join("linux.f32"))
        .args(scenario)
        .status()
        .unwrap_or_else(|e| panic!("{}: {e} (cargo test builds the examples)", linux_host.display()));
    assert!(status.success(), "the Linux VST3 host failed ({status})");
    let linux = read_render(&work.join("linux.f32"));

    let Some((artifacts, prefix)) = for_smoke_test(&workspace_root()) else { return (linux, None) };
    let _turn = WINE.lock().unwrap_or_else(|e| e.into_inner());
    let module = artifacts.vst3.join("Contents/x86_64-win/Afterglow.vst3");
    let output = wine_command_with_display(&prefix, &artifacts.vst3_host)
        .arg(windows_path(&module))
        .arg(windows_path(&work.join("windows.f32")))
        .args(scenario)
        .output()
        .expect("run vst3_smoke_host.exe under Wine and Xvfb");
    stop_wine(&prefix);
    assert_ran(&format!("vst3_smoke_host.exe {scenario:?}"), &output);
    (linux, Some(read_render(&work.join("windows.f32"))))
}

#[test]
fn the_vst3_plays_a_held_chord_on_linux_and_under_wine() {
    let clap = common::smoke::held_chord();
    let (linux, windows) = vst3_renders(&work_dir("vst3-chord"), &[]);
    against_the_clap("the VST3 on Linux", &linux, &clap);
    if let Some(windows) = windows {
        against_the_clap("the VST3 under Wine", &windows, &clap);
    }
}

/// The Windows editor host's stop file, written when the test has its shot (or gives up).
struct StopFile(PathBuf);

impl Drop for StopFile {
    fn drop(&mut self) {
        let _ = std::fs::write(&self.0, "stop\n");
    }
}

#[test]
fn the_editor_opens_under_wine_and_reads_as_on_linux() {
    let root = workspace_root();
    let Some((artifacts, prefix)) = for_smoke_test(&root) else { return };
    let missing: Vec<&str> = ["Xvfb", "tesseract"].into_iter().filter(|p| !screen::have(p)).collect();
    if !missing.is_empty() {
        let notice = format!("the Windows editor test needs {} (apt-get install xvfb tesseract-ocr)", missing.join(" and "));
        assert!(std::env::var_os("CI").is_none(), "{notice}; CI must run it");
        eprintln!("notice: skipping: {notice}");
        return;
    }
    let _turn = WINE.lock().unwrap_or_else(|e| e.into_inner());
    let work = work_dir("editor");
    // A copy of the fixtures archive, so mining never touches the repository.
    let archive = work.join("archive");
    std::fs::create_dir_all(&archive).expect("archive folder");
    for entry in std::fs::read_dir(root.join("fixtures/archive")).expect("fixtures archive") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), archive.join(entry.file_name())).expect("copy fixture");
    }
    let (ready, stop_file, layout_file) = (work.join("ready"), StopFile(work.join("stop")), work.join("layout.txt"));

    // A fresh Wine server on a private display.
    stop_wine(&prefix);
    let xvfb = screen::Xvfb::start().unwrap_or_else(|e| panic!("{e}"));
    let mut host = wine_command(&prefix, &artifacts.editor_host)
        .args([windows_path(&archive), windows_path(&ready), windows_path(&stop_file.0)])
        .env("DISPLAY", &xvfb.display)
        .env("LIBGL_ALWAYS_SOFTWARE", "1")
        .env("AFTERGLOW_CLAP_PATH", windows_path(&artifacts.clap))
        .env("AFTERGLOW_CATALOGUE", windows_path(&work.join("catalogue.sqlite")))
        .env("AFTERGLOW_EDITOR_LAYOUT", windows_path(&layout_file))
        .stdout(std::fs::File::create(work.join("host.log")).expect("host log"))
        .stderr(std::fs::File::create(work.join("host-errors.log")).expect("host log"))
        .spawn()
        .expect("run editor_smoke_host.exe under Wine");
    let started = std::time::Instant::now();
    while !ready.exists() {
        if let Some(status) = host.try_wait().expect("wait for the host") {
            stop_wine(&prefix);
            panic!("the Windows editor host stopped early ({status}): {}", host_log(&work));
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(240), "the Windows editor listed no pads in 240 s");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    eprintln!("the Windows editor listed its pads after {:.1} s", started.elapsed().as_secs_f64());

    // Wine draws the editor's OpenGL window into an off-screen X window of the editor's size:
    // of the windows that size, the shot is the most varied one.
    let layout = report::read_layout(&layout_file).expect("the editor's layout report");
    let size = (layout.screen.2 - layout.screen.0, layout.screen.3 - layout.screen.1);
    let expected = (size.0.round() as u32, size.1.round() as u32);
    let (conn, screen_number) = x11rb::connect(Some(&xvfb.display)).expect("connect to Xvfb");
    let root_window = x11rb::connection::Connection::setup(&conn).roots[screen_number].root;
    let shot = screen::all_windows(&conn, root_window)
        .into_iter()
        .filter_map(|w| screen::grab_window(&conn, w))
        .filter(|shot| (shot.width, shot.height) == expected)
        .max_by_key(|shot| shot.variety().0)
        .unwrap_or_else(|| panic!("no {}x{} window on the display", expected.0, expected.1));
    drop(stop_file);
    let status = wait_at_most(&mut host, std::time::Duration::from_secs(60));
    stop_wine(&prefix);
    drop(xvfb);

    let (mut failures, mut found) = (Vec::new(), Vec::new());
    checks::check_shot(&work, "windows", &shot, expected, &layout, &mut failures, &mut found);
    eprintln!("{}", found.join("\n"));
    assert!(failures.is_empty(), "the Windows editor's shot (in {}) fails:\n{}", work.display(), failures.join("\n"));
    assert!(status.is_some_and(|s| s.success()), "the Windows editor host did not close cleanly ({status:?}): {}", host_log(&work));
}

/// What the Windows editor host printed.
fn host_log(work: &Path) -> String {
    let read = |name: &str| std::fs::read_to_string(work.join(name)).unwrap_or_default();
    format!("{}{}", read("host.log"), read("host-errors.log"))
}

/// The child's exit status, or `None` (and the child killed) after `timeout`.
fn wait_at_most(child: &mut std::process::Child, timeout: std::time::Duration) -> Option<std::process::ExitStatus> {
    let started = std::time::Instant::now();
    while started.elapsed() < timeout {
        if let Some(status) = child.try_wait().expect("wait for the child") {
            return Some(status);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

/// A render's last `seconds` before frame `end` (left channel).
fn stretch(render: &[Vec<f32>; 2], end: usize, seconds: f64) -> &[f32] {
    &render[0][end - (seconds * 48_000.0) as usize..end]
}

/// The VST3 host's expression scenario (C2 and C6 held, +7 semitones of tuning expression for C2
/// at 2 s): before and after, only C2 moved.
fn assert_the_tuning_expression_bent_only_its_note(render: &[Vec<f32>; 2]) {
    let before = stretch(render, 96_000, 1.0);
    let after = stretch(render, 192_000, 1.0);
    common::pitch::assert_only_the_low_note_moved(before, after, 48_000.0);
}

#[test]
fn a_vst3_tuning_note_expression_bends_its_own_note_on_linux_and_under_wine() {
    let (linux, windows) = vst3_renders(&work_dir("vst3-expression"), &["expression"]);
    assert_the_tuning_expression_bent_only_its_note(&linux);
    if let Some(windows) = windows {
        assert_eq!(linux, windows, "the VST3 under Wine plays other samples than on Linux");
    }
}
