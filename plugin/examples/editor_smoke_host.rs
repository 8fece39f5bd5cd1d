//! The editor smoke host for Windows: the editor tests' CLAP host (`tests/editor_screenshot`)
//! with a Win32 window in place of the X11 one, cross-built and run under Wine by
//! `tests/windows_smoke.rs`. It points the plugin named by `AFTERGLOW_CLAP_PATH` at an archive
//! folder through the saved state, holds four notes on an audio thread, embeds the editor in a
//! window of its own and keeps it running until told to stop, while the test grabs the editor's
//! pixels from the X server Wine draws into.
//!
//! `editor_smoke_host ARCHIVE READY STOP`: writes the file READY once the editor lists at least
//! three mined pads and grains sound (the editor's layout report, `AFTERGLOW_EDITOR_LAYOUT`, says
//! so), then runs until the file STOP exists (at most 120 s more), closes the editor as a host does
//! and exits.

#[path = "../tests/common/mod.rs"]
#[allow(dead_code, unused_imports)]
mod common;
#[path = "../tests/editor_screenshot/host.rs"]
mod host;
#[path = "../tests/editor_screenshot/playing.rs"]
#[allow(dead_code)]
mod playing;
#[path = "../tests/editor_screenshot/report.rs"]
#[allow(dead_code)]
mod report;

use std::process::ExitCode;

#[cfg(windows)]
fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [archive, ready, stop] = args.as_slice() else {
        eprintln!("usage: editor_smoke_host ARCHIVE READY STOP");
        return ExitCode::FAILURE;
    };
    match win32::host_the_editor(archive.as_ref(), ready.as_ref(), stop.as_ref()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(not(windows))]
fn main() -> ExitCode {
    eprintln!("editor_smoke_host is the Windows editor host; on Linux the editor test hosts the editor itself");
    ExitCode::FAILURE
}

#[cfg(windows)]
mod win32 {
    use std::path::{Path, PathBuf};
    use std::ptr::{null, null_mut};
    use std::sync::atomic::Ordering::SeqCst;
    use std::time::{Duration, Instant};

    use clack_extensions::gui::{GuiApiType, GuiConfiguration, PluginGui, Window as ClapWindow};
    use clack_host::prelude::*;
    use windows_sys::Win32::Foundation::HWND;
    use windows_sys::Win32::System::LibraryLoader::GetModuleHandleW;
    use windows_sys::Win32::UI::WindowsAndMessaging::{
        CreateWindowExW, DefWindowProcW, DestroyWindow, DispatchMessageW, MSG, PM_REMOVE, PeekMessageW, RegisterClassW,
        TranslateMessage, WNDCLASSW, WS_CLIPCHILDREN, WS_OVERLAPPEDWINDOW, WS_VISIBLE,
    };

    use crate::host::{Host, Shared};
    use crate::playing::{load_plugin, recall_archive, start_playing};
    use crate::report::read_layout;

    /// Longest wait for the mined pads, then for the test's stop file.
    const WAIT: Duration = Duration::from_secs(120);

    fn wide(text: &str) -> Vec<u16> {
        text.encode_utf16().chain(std::iter::once(0)).collect()
    }

    /// A top-level window of `width` x `height` client pixels (the frame around it is extra).
    fn host_window(width: u32, height: u32) -> Result<HWND, String> {
        let class = wide("AfterglowSmokeHost");
        let title = wide("afterglow editor smoke host");
        // SAFETY: plain Win32 calls with valid, NUL-terminated strings that outlive them.
        unsafe {
            let instance = GetModuleHandleW(null());
            let description = WNDCLASSW { lpfnWndProc: Some(DefWindowProcW), hInstance: instance, lpszClassName: class.as_ptr(), ..Default::default() };
            if RegisterClassW(&description) == 0 {
                return Err(String::from("RegisterClassW failed"));
            }
            let style = WS_OVERLAPPEDWINDOW | WS_VISIBLE | WS_CLIPCHILDREN;
            let window = CreateWindowExW(0, class.as_ptr(), title.as_ptr(), style, 0, 0, width as i32 + 16, height as i32 + 40, null_mut(), null_mut(), instance, null());
            if window.is_null() {
                return Err(String::from("CreateWindowExW failed"));
            }
            Ok(window)
        }
    }

    /// Handles the thread's pending window messages, as a host's main loop does.
    fn pump_messages() {
        // SAFETY: `message` is a valid MSG for the calls to fill and read.
        unsafe {
            let mut message = MSG::default();
            while PeekMessageW(&mut message, null_mut(), 0, 0, PM_REMOVE) != 0 {
                TranslateMessage(&message);
                DispatchMessageW(&message);
            }
        }
    }

    pub fn host_the_editor(archive: &Path, ready: &Path, stop_file: &Path) -> Result<(), String> {
        let layout_file = PathBuf::from(std::env::var_os("AFTERGLOW_EDITOR_LAYOUT").ok_or("AFTERGLOW_EDITOR_LAYOUT is not set")?);
        let (entry, id, host_info) = load_plugin("afterglow Windows editor smoke host");
        let mut instance = PluginInstance::<Host>::new(|_| Shared::default(), |_| (), &entry, &id, &host_info).map_err(|e| format!("instantiate: {e}"))?;
        recall_archive(&mut instance, archive);
        let (stop, audio) = start_playing(&mut instance);

        let gui: PluginGui = instance.plugin_handle().get_extension().ok_or("no gui extension")?;
        let configuration = GuiConfiguration { api_type: GuiApiType::WIN32, is_floating: false };
        if !gui.is_api_supported(&instance.plugin_handle(), configuration) {
            return Err(String::from("the Win32 editor is not supported"));
        }
        gui.create(&instance.plugin_handle(), configuration).map_err(|e| format!("create the editor: {e}"))?;
        let size = gui.get_size(&instance.plugin_handle()).ok_or("no editor size")?;
        let window = host_window(size.width, size.height)?;
        // SAFETY: `window` is a live Win32 window of this thread until the end of this function.
        unsafe { gui.set_parent(&instance.plugin_handle(), ClapWindow::from_win32_hwnd(window)) }.map_err(|e| format!("set parent: {e}"))?;
        gui.show(&instance.plugin_handle()).map_err(|e| format!("show: {e}"))?;
        println!("editor {}x{}", size.width, size.height);

        let mut run = |until: &dyn Fn() -> bool| -> bool {
            let started = Instant::now();
            while started.elapsed() < WAIT {
                pump_messages();
                if instance.access_shared_handler(|s| s.callback_requested.swap(false, SeqCst)) {
                    instance.call_on_main_thread_callback();
                }
                if until() {
                    return true;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            false
        };
        let listed = run(&|| read_layout(&layout_file).is_some_and(|l| l.num_pads >= 3 && l.num_grains > 0));
        if !listed {
            return Err(format!("no pads or grains in the editor after {WAIT:?}: {:?}", read_layout(&layout_file)));
        }
        // Let the display settle, then tell the test.
        let settled = Instant::now();
        run(&|| settled.elapsed() > Duration::from_millis(1500));
        std::fs::write(ready, "ready\n").map_err(|e| format!("{}: {e}", ready.display()))?;
        let stopped = run(&|| stop_file.exists());

        let _ = gui.hide(&instance.plugin_handle());
        gui.destroy(&instance.plugin_handle());
        stop.store(true, SeqCst);
        let processor = audio.join().map_err(|_| "the audio thread panicked")?;
        instance.deactivate(processor);
        // SAFETY: the editor is destroyed; the window is ours.
        unsafe { DestroyWindow(window) };
        if stopped { Ok(()) } else { Err(String::from("the test never asked the host to stop")) }
    }
}
