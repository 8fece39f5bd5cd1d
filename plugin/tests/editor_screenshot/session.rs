//! What both tests do as the plugin's host: load the library, copy the fixtures archive, start
//! playing held notes, and embed the editor in an X11 window of the host's.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use clack_extensions::gui::{GuiApiType, GuiConfiguration, GuiSize, PluginGui, Window as ClapWindow};
use clack_host::prelude::*;
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{ConnectionExt as _, *};
use x11rb::rust_connection::RustConnection;

use crate::host::Host;
use crate::{BLOCK_FRAMES, SAMPLE_RATE_HZ, common, hold_notes};

/// The built plugin library, loaded, with its plugin id and the host's description of itself.
pub fn load_plugin(host_name: &str) -> (PluginEntry, std::ffi::CString, HostInfo) {
    let path = common::plugin_library_path();
    // SAFETY: the library is this package's own plugin, built by cargo for this test.
    let entry = unsafe { PluginEntry::load(&path) }.expect("load plugin");
    let factory = entry.get_plugin_factory().expect("factory");
    let id = factory.plugin_descriptors().next().and_then(|d| d.id()).expect("plugin id").to_owned();
    let host_info = HostInfo::new(host_name, "afterglow", "https://afterglow.invalid", "0.1").expect("host info");
    (entry, id, host_info)
}

/// A copy of the fixtures archive, so mining can never touch the repository.
pub fn copy_fixtures_archive() -> tempfile::TempDir {
    let copy = tempfile::tempdir().expect("temp dir");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/archive");
    for entry in std::fs::read_dir(&fixtures).expect("fixtures archive") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), copy.path().join(entry.file_name())).expect("copy fixture");
    }
    copy
}

/// The audio thread holding notes, and the flag that stops it.
pub type Playing = (Arc<AtomicBool>, std::thread::JoinHandle<StoppedPluginAudioProcessor<Host>>);

/// Activates `instance` and starts the audio thread holding four notes.
pub fn start_playing(instance: &mut PluginInstance<Host>) -> Playing {
    let config = PluginAudioConfiguration { sample_rate: SAMPLE_RATE_HZ, min_frames_count: 1, max_frames_count: BLOCK_FRAMES as u32 };
    let processor = instance.activate(|_, _| (), config).expect("activate");
    let stop = Arc::new(AtomicBool::new(false));
    let audio = hold_notes(processor, stop.clone());
    (stop, audio)
}

/// Creates the editor, embeds it in a new mapped window of the host's on `screen`, and shows it.
/// Returns the editor extension, the window and the editor's size.
pub fn embed_editor(conn: &RustConnection, screen: &Screen, instance: &mut PluginInstance<Host>) -> (PluginGui, Window, GuiSize) {
    let gui: PluginGui = instance.plugin_handle().get_extension().expect("gui extension");
    let configuration = GuiConfiguration { api_type: GuiApiType::X11, is_floating: false };
    assert!(gui.is_api_supported(&instance.plugin_handle(), configuration), "X11 editor not supported");
    gui.create(&instance.plugin_handle(), configuration).expect("create editor");
    let size = gui.get_size(&instance.plugin_handle()).expect("editor size");
    let window = conn.generate_id().expect("window id");
    let aux = CreateWindowAux::new().background_pixel(screen.black_pixel).event_mask(EventMask::STRUCTURE_NOTIFY);
    conn.create_window(0, window, screen.root, 0, 0, size.width as u16, size.height as u16, 0, WindowClass::INPUT_OUTPUT, 0, &aux)
        .expect("create window");
    conn.map_window(window).expect("map");
    // A round trip, so the server knows the window before the plugin's own connection names it.
    conn.get_input_focus().expect("round trip").reply().expect("round trip");
    // SAFETY: `window` is a live X11 window on the display the plugin connects to.
    unsafe { gui.set_parent(&instance.plugin_handle(), ClapWindow::from_x11_handle(window as _)) }.expect("set parent");
    gui.show(&instance.plugin_handle()).expect("show");
    (gui, window, size)
}
