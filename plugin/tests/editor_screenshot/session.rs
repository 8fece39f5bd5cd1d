//! The host's X11 window, with the plugin's editor embedded in it.

use clack_extensions::gui::{GuiApiType, GuiConfiguration, GuiSize, PluginGui, Window as ClapWindow};
use clack_host::prelude::*;
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{ConnectionExt as _, *};
use x11rb::rust_connection::RustConnection;

use crate::host::Host;

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
