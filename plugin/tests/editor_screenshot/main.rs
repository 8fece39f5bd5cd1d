//! The editor in a real window: a private headless X server (Xvfb, Mesa software GL), the built
//! plugin loaded by a CLAP host (this test binary, run again as a child process) that embeds its
//! editor in an X11 window of its own, the fixtures archive mined and four notes held. Screenshots at the default size and after a
//! host resize go to `target/editor-shots/`.
//!
//! Fails when the window is blank, when OCR (tesseract) cannot read the group names and the
//! controls' names (so text really renders), when any control the editor laid out lies outside
//! the window (the editor writes its layout to the file named by `AFTERGLOW_EDITOR_LAYOUT`), or
//! when two shots 300 ms apart show the same grain display, or when the editor redraws more often
//! than its cap.
//!
//! Without Xvfb or tesseract it prints a notice and passes, unless `CI` is set: CI must run it.
//!
//! For a look at real material: `AFTERGLOW_SHOT_ARCHIVE=/folder/of/recordings` mines that folder
//! instead of the fixtures, `AFTERGLOW_SHOT_WAIT_MS` lets mining run longer before the shots,
//! `AFTERGLOW_SHOT_RESIZE=820x600` resizes to another size than 1280x840, and
//! `AFTERGLOW_SHOT_PARAMS='{"source": {"i32": 12}}'` sets parameters (plain values by id, tagged
//! with their type as the state saves them). `AFTERGLOW_EDITOR_BROWSER=archive` opens the pad
//! browser on its Archive view (the catalogue named by `AFTERGLOW_CATALOGUE`, else one of its own).

mod checks;
#[path = "../common/mod.rs"]
mod common;
mod host;
mod lifecycle;
mod playing;
mod report;
// Shared with the Windows smoke test, which also reads windows off the screen.
#[allow(dead_code)]
mod screen;
mod session;

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering::SeqCst;
use std::time::{Duration, Instant};

use clack_extensions::gui::GuiSize;
use clack_host::prelude::*;
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{ConnectionExt as _, *};

use checks::{check_shot, view_checks};
use host::{Host, Shared};
use playing::recall_archive;
use report::read_layout;
use screen::{Xvfb, grab, have};

/// Size the editor is resized to for the second shot, logical points.
const RESIZED: (u32, u32) = (1280, 840);
fn target_dir() -> PathBuf {
    // The test runs from target/<profile>/deps/.
    let exe = std::env::current_exe().expect("test executable");
    exe.ancestors().nth(3).expect("target folder").to_path_buf()
}

/// Environment variable that makes this test binary the plugin's host (the child process).
const CHILD_VAR: &str = "AFTERGLOW_SHOT_CHILD";
/// Longest the host may take (mining the archive included).
const HOST_TIMEOUT: Duration = Duration::from_secs(300);

/// Environment variable that makes this test binary the host of the open/play/close cycles.
const CYCLES_CHILD_VAR: &str = "AFTERGLOW_CYCLES_CHILD";
/// Open/play/close cycles in one host process (`AFTERGLOW_CYCLES` sets another number).
const DEFAULT_CYCLES: usize = 24;

/// A private Xvfb, or `None` (with a notice) where Xvfb or another of `programs` is missing;
/// under CI a missing program fails the test.
fn xvfb_for(test: &str, programs: &[&str]) -> Option<Xvfb> {
    let missing: Vec<&str> = programs.iter().copied().filter(|p| !have(p)).collect();
    if !missing.is_empty() {
        let notice = format!("{test} skipped: {} not installed (apt-get install xvfb tesseract-ocr)", missing.join(" and "));
        assert!(std::env::var_os("CI").is_none(), "{notice}; CI must run it");
        println!("{notice}");
        return None;
    }
    Some(Xvfb::start().unwrap_or_else(|e| panic!("{e}")))
}

/// Waits for `child` at most `timeout`; its exit status, or what was done to it.
fn wait_for(child: &mut std::process::Child, timeout: Duration) -> (String, bool) {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait for the host") {
            return (status.to_string(), status.success());
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            return (format!("killed after {timeout:?}"), false);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Many open/play/close cycles of the plugin in one host process, with the editor open in each
/// and the miner busy: the host must come through every one (no crash, no hang) and unload the
/// library at the end.
#[test]
fn open_play_close_cycles_leave_the_host_running() {
    let cycles = std::env::var("AFTERGLOW_CYCLES").ok().and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_CYCLES);
    if let Some(findings) = std::env::var_os(CYCLES_CHILD_VAR) {
        lifecycle::cycle_the_plugin(Path::new(&findings), cycles);
    }
    let Some(xvfb) = xvfb_for("editor open/play/close cycle test", &["Xvfb"]) else { return };
    let folder = target_dir().join("editor-cycles");
    std::fs::create_dir_all(&folder).expect("cycles folder");
    let findings = folder.join("findings.txt");
    let _ = std::fs::remove_file(&findings);
    let mut host = std::process::Command::new(std::env::current_exe().expect("test executable"))
        .args(["open_play_close_cycles_leave_the_host_running", "--exact", "--nocapture", "--test-threads=1"])
        .env(catalogue::CATALOGUE_ENV, folder.join("catalogue.sqlite"))
        .env(CYCLES_CHILD_VAR, &findings)
        .env("DISPLAY", &xvfb.display)
        .env("LIBGL_ALWAYS_SOFTWARE", "1")
        .spawn()
        .expect("run the host");
    // A cycle takes about a second; ten is a hang.
    let (status, success) = wait_for(&mut host, Duration::from_secs(30 + 10 * cycles as u64));
    drop(xvfb);
    let text = std::fs::read_to_string(&findings).unwrap_or_default();
    let last = text.lines().last().unwrap_or("nothing");
    println!("host exit status {status}; last step: {last}");
    assert!(success && last == "DONE", "the host did not come through (exit status {status}); its steps:\n{text}");
}

/// The test: a private Xvfb, and this binary run again in a child process as the plugin's host.
/// The host is a child so that nothing it leaves behind (the plugin's X11 connections, its
/// library's unloading) can take the test down when the X server goes away; it writes its
/// findings to a file and exits.
#[test]
fn editor_renders_text_fits_and_moves() {
    run_the_editor_host("editor_renders_text_fits_and_moves", "editor-shots", None);
}

/// The Modulation view, opened as the musician opens it from the header: its two cards' titles
/// and labels read back by OCR at both sizes, every control inside the window.
#[test]
fn the_modulation_view_reads_at_both_sizes() {
    run_the_editor_host("the_modulation_view_reads_at_both_sizes", "editor-shots/modulation", Some("modulation"));
}

/// Run this binary again as the child host of test `test` (showing browser view `view`), with
/// its shots in `target/<folder>`, and fail with the child's failures.
fn run_the_editor_host(test: &str, folder: &str, view: Option<&str>) {
    if let Some(findings) = std::env::var_os(CHILD_VAR) {
        host_the_editor(Path::new(&findings));
    }
    let Some(xvfb) = xvfb_for("editor screenshot test", &["Xvfb", "tesseract"]) else { return };
    let shots = target_dir().join(folder);
    std::fs::create_dir_all(&shots).expect("shots folder");
    let findings = shots.join("findings.txt");
    let _ = std::fs::remove_file(&findings);
    // Mining in the editor also writes to the shared catalogue: keep the test's out of the
    // user's own (unless the caller chose one, e.g. to look at the Archive view).
    let catalogue = std::env::var_os(catalogue::CATALOGUE_ENV).unwrap_or_else(|| shots.join("catalogue.sqlite").into_os_string());
    let mut command = std::process::Command::new(std::env::current_exe().expect("test executable"));
    command
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(catalogue::CATALOGUE_ENV, catalogue)
        .env(CHILD_VAR, &findings)
        .env("DISPLAY", &xvfb.display)
        .env("LIBGL_ALWAYS_SOFTWARE", "1")
        .env("AFTERGLOW_EDITOR_LAYOUT", shots.join("layout.txt"));
    if let Some(view) = view {
        command.env("AFTERGLOW_EDITOR_BROWSER", view);
    }
    let mut host = command.spawn().expect("run the host");
    let (status, _) = wait_for(&mut host, HOST_TIMEOUT);
    drop(xvfb);
    let text = std::fs::read_to_string(&findings).unwrap_or_else(|_| panic!("the host wrote no findings (exit status {status})"));
    println!("{text}");
    let failures: Vec<&str> = text.lines().filter_map(|line| line.strip_prefix("FAIL ")).collect();
    assert!(failures.is_empty(), "editor screenshot checks failed:\n{}", failures.join("\n"));
    assert!(text.lines().any(|line| line == "DONE"), "the host stopped early (exit status {status}):\n{text}");
}

/// The child: host the plugin, open its editor, take and check the shots, write the findings
/// (`FAIL ...` lines for failures, report lines, then `DONE`) to `findings`, and exit.
fn host_the_editor(findings: &Path) -> ! {
    let display = std::env::var("DISPLAY").expect("DISPLAY");
    let shots = findings.parent().expect("shots folder").to_path_buf();
    let layout_file = PathBuf::from(std::env::var_os("AFTERGLOW_EDITOR_LAYOUT").expect("layout file"));
    let _ = std::fs::remove_file(&layout_file);
    // A panic (a failed `expect`) is a finding too.
    let panic_file = findings.to_path_buf();
    std::panic::set_hook(Box::new(move |info| {
        let _ = std::fs::write(&panic_file, format!("FAIL the host panicked: {info}\n"));
    }));

    // The fixtures archive, copied so mining can never touch the repository; or, for a look at
    // real material, the folder named by AFTERGLOW_SHOT_ARCHIVE.
    let copy = playing::copy_fixtures_archive();
    let archive = std::env::var_os("AFTERGLOW_SHOT_ARCHIVE").map_or_else(|| copy.path().to_path_buf(), PathBuf::from);

    let (conn, screen_number) = x11rb::connect(Some(&display)).expect("connect to Xvfb");
    let screen = conn.setup().roots[screen_number].clone();
    let (entry, id, host_info) = playing::load_plugin("afterglow editor test");
    let mut instance = PluginInstance::<Host>::new(|_| Shared::default(), |_| (), &entry, &id, &host_info).expect("instantiate");

    // Point the plugin at the archive through its saved state, as a project recall would.
    recall_archive(&mut instance, &archive);
    let (stop, audio) = playing::start_playing(&mut instance);

    // The editor, embedded in a window of ours.
    let (gui, window, size) = session::embed_editor(&conn, &screen, &mut instance);
    assert_eq!((size.width, size.height), (1000, 700), "default editor size");
    // The pointer out of the way (bottom right of the screen), so no tooltip covers the editor.
    conn.warp_pointer(x11rb::NONE, screen.root, 0, 0, 0, 0, (screen.width_in_pixels - 1) as i16, (screen.height_in_pixels - 1) as i16)
        .expect("move pointer");
    conn.flush().expect("flush");

    let pump = |instance: &mut PluginInstance<Host>, duration: Duration| {
        let deadline = Instant::now() + duration;
        while Instant::now() < deadline {
            while conn.poll_for_event().expect("x events").is_some() {}
            if instance.access_shared_handler(|s| s.callback_requested.swap(false, SeqCst)) {
                instance.call_on_main_thread_callback();
            }
            let request = instance.access_shared_handler(|s| s.resize_request.swap(0, SeqCst));
            if request != 0 {
                let size = GuiSize::unpack_from_u64(request);
                conn.configure_window(window, &ConfigureWindowAux::new().width(size.width).height(size.height)).expect("resize");
                conn.flush().expect("flush");
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    };

    // Wait for the miner to list pads and for grains to sound (at most 120 s).
    let started = Instant::now();
    loop {
        pump(&mut instance, Duration::from_millis(250));
        let layout = read_layout(&layout_file).unwrap_or_default();
        if layout.num_pads >= 3 && layout.num_grains > 0 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(120), "no pads or grains after 120 s: {layout:?}");
    }
    // Let the display settle (longer with AFTERGLOW_SHOT_WAIT_MS, e.g. for a slow real archive).
    let settle_ms = std::env::var("AFTERGLOW_SHOT_WAIT_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(1500);
    pump(&mut instance, Duration::from_millis(settle_ms));

    let mut failures = Vec::new();
    let mut report = Vec::new();
    // Default size: two shots 300 ms apart; the grain display must move.
    let first = grab(&conn, &screen, window);
    let layout = read_layout(&layout_file).expect("layout report");
    pump(&mut instance, Duration::from_millis(300));
    let second = grab(&conn, &screen, window);
    check_shot(&shots, "default", &first, (1000, 700), &layout, &mut failures, &mut report);
    second.save(&shots.join("default-later.png"));
    match layout.widgets.iter().find(|(n, _)| n == "Grain_display") {
        _ if !view_checks().pad_list => {}
        Some((_, (a, b, c, d))) => {
            let moved = first.difference_in(&second, (*a as u32, *b as u32, *c as u32, *d as u32));
            report.push(format!("grain display: {:.1} % of its pixels changed in 300 ms", moved * 100.0));
            if moved < 0.002 {
                failures.push(format!("the grain display did not move in 300 ms ({:.3} % changed)", moved * 100.0));
            }
        }
        None => failures.push(String::from("no grain display in the layout report")),
    }

    // The host resizes the editor.
    assert!(gui.can_resize(&instance.plugin_handle()), "editor not resizable");
    // AFTERGLOW_SHOT_RESIZE=WxH picks another size for a look (e.g. the smallest, 820x600).
    let resize_to = std::env::var("AFTERGLOW_SHOT_RESIZE")
        .ok()
        .and_then(|v| v.split_once('x').and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?))))
        .unwrap_or(RESIZED);
    let wanted = GuiSize { width: resize_to.0, height: resize_to.1 };
    let adjusted = gui.adjust_size(&instance.plugin_handle(), wanted).unwrap_or(wanted);
    conn.configure_window(window, &ConfigureWindowAux::new().width(adjusted.width).height(adjusted.height)).expect("resize parent");
    conn.flush().expect("flush");
    gui.set_size(&instance.plugin_handle(), adjusted).expect("set editor size");
    pump(&mut instance, Duration::from_millis(1500));
    let resized = grab(&conn, &screen, window);
    let layout = read_layout(&layout_file).expect("layout report");
    check_shot(&shots, "resized", &resized, (adjusted.width, adjusted.height), &layout, &mut failures, &mut report);
    let reported = gui.get_size(&instance.plugin_handle());
    if reported.map(|s| (s.width, s.height)) != Some((adjusted.width, adjusted.height)) {
        failures.push(format!("after resizing the editor reports {reported:?}"));
    }

    // Tear down in the order a host does, then leave (the library stays loaded: unloading is
    // the host's business, not this test's).
    let _ = gui.hide(&instance.plugin_handle());
    gui.destroy(&instance.plugin_handle());
    stop.store(true, SeqCst);
    let processor = audio.join().expect("audio thread");
    instance.deactivate(processor);
    let _ = conn.destroy_window(window);
    let _ = conn.flush();

    let mut text = format!("screenshots in {}\n", shots.display());
    for line in &report {
        text.push_str(line);
        text.push('\n');
    }
    for failure in &failures {
        text.push_str(&format!("FAIL {failure}\n"));
    }
    text.push_str("DONE\n");
    std::fs::write(findings, text).expect("write findings");
    std::process::exit(0);
}
