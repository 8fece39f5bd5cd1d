//! The open / play / close cycle a host runs when a project with the plugin is opened, played and
//! closed, many times in one process: instantiate, recall an archive (mining starts), activate,
//! play held notes, open the editor in a window of the host's, close it, stop, deactivate and
//! destroy the plugin; after the last cycle the library is unloaded, as a host does on quitting.
//! Every cycle's end is written to the findings file, so a crash names the cycle and the step.

use std::io::Write;
use std::path::Path;
use std::sync::atomic::Ordering::SeqCst;
use std::time::{Duration, Instant};

use clack_host::prelude::*;
use x11rb::connection::Connection;
use x11rb::protocol::xproto::ConnectionExt as _;

use crate::host::{Host, Shared};
use crate::playing::{self, recall_archive};
use crate::session;

/// Destroying the plugin while it mines must not freeze the host: far longer than stopping the
/// miner takes (milliseconds), far shorter than waiting for it to finish a file (seconds).
const MAX_DESTROY_TIME: Duration = Duration::from_millis(750);

/// How long the editor stays open in a cycle: from just after it appeared (its window thread still
/// starting, the miner decoding) to well into mining, a different time each cycle.
fn open_for(cycle: usize) -> Duration {
    Duration::from_millis(20 + (cycle as u64 * 149) % 600)
}

/// Runs `cycles` open/play/close cycles, appending `CYCLE n <step>` lines to `findings` as it goes
/// and `DONE` at the end, then exits.
pub fn cycle_the_plugin(findings: &Path, cycles: usize) -> ! {
    let display = std::env::var("DISPLAY").expect("DISPLAY");
    let mut log = std::fs::File::create(findings).expect("findings file");
    let mut step = |text: String| {
        log.write_all(format!("{text}\n").as_bytes()).expect("write findings");
        log.sync_data().expect("sync findings");
    };
    let copy = playing::copy_fixtures_archive();
    let (conn, screen_number) = x11rb::connect(Some(&display)).expect("connect to Xvfb");
    let screen = conn.setup().roots[screen_number].clone();
    let (entry, id, host_info) = playing::load_plugin("afterglow lifecycle test");
    for cycle in 1..=cycles {
        let started = Instant::now();
        let mut instance = PluginInstance::<Host>::new(|_| Shared::default(), |_| (), &entry, &id, &host_info).expect("instantiate");
        recall_archive(&mut instance, copy.path());
        let (stop, audio) = playing::start_playing(&mut instance);
        let (gui, window, _) = session::embed_editor(&conn, &screen, &mut instance);
        let deadline = Instant::now() + open_for(cycle);
        while Instant::now() < deadline {
            while conn.poll_for_event().expect("x events").is_some() {}
            if instance.access_shared_handler(|s| s.callback_requested.swap(false, SeqCst)) {
                instance.call_on_main_thread_callback();
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        step(format!("CYCLE {cycle} editor open"));
        // Every third cycle the host's window goes first (its user closed it), taking the
        // editor's window with it; otherwise the editor is closed first, then the window.
        let window_first = cycle % 3 == 0;
        if window_first {
            conn.destroy_window(window).expect("destroy window");
            conn.get_input_focus().expect("round trip").reply().expect("round trip");
        }
        let _ = gui.hide(&instance.plugin_handle());
        gui.destroy(&instance.plugin_handle());
        step(format!("CYCLE {cycle} editor closed{}", if window_first { " after its window" } else { "" }));
        if !window_first {
            let _ = conn.destroy_window(window);
            let _ = conn.flush();
        }
        stop.store(true, SeqCst);
        let processor = audio.join().expect("audio thread");
        instance.deactivate(processor);
        step(format!("CYCLE {cycle} deactivated"));
        let destroying = Instant::now();
        drop(instance);
        let destroy_time = destroying.elapsed();
        step(format!("CYCLE {cycle} destroyed in {:.1} ms, {:.2} s after it began", destroy_time.as_secs_f64() * 1e3, started.elapsed().as_secs_f64()));
        // Not a speed target: a plugin that waits for its miner to finish a file freezes the host
        // for seconds; one that stops it returns in milliseconds.
        if destroy_time > MAX_DESTROY_TIME {
            step(format!("FAIL cycle {cycle}: destroying the plugin froze the host for {destroy_time:?}"));
            std::process::exit(1);
        }
    }
    drop(entry);
    step(String::from("UNLOADED"));
    step(String::from("DONE"));
    std::process::exit(0);
}
