//! The plugin's state loading, through the real CLAP entry point (the plugin's own `clap_entry`,
//! linked in, so libFuzzer sees its coverage): any bytes offered as a saved state are accepted or
//! refused without a crash; afterwards every parameter holds a finite value inside its range, and
//! the state the plugin then saves loads back.
#![no_main]

use std::ffi::CString;
use std::sync::{Mutex, OnceLock};

use clack_extensions::params::{ParamInfoBuffer, PluginParams};
use clack_extensions::state::PluginState;
use clack_host::prelude::*;
use libfuzzer_sys::fuzz_target;

// The rlib defines the symbol; naming the crate makes sure it is linked.
use afterglow_plugin as _;

unsafe extern "C" {
    /// The plugin's CLAP entry, exported by nice-plug's `nih_export_clap!`.
    static clap_entry: clack_host::entry::EntryDescriptor;
}

/// One instance for the whole run: a host may load states into a plugin any number of times.
struct Host {
    instance: PluginInstance<()>,
    _entry: PluginEntry,
}

// SAFETY: the instance is only touched under the mutex, from one thread at a time (libFuzzer
// runs the target on one thread), as a CLAP host's main thread would.
unsafe impl Send for Host {}

fn host() -> &'static Mutex<Host> {
    static HOST: OnceLock<Mutex<Host>> = OnceLock::new();
    HOST.get_or_init(|| {
        // SAFETY: `clap_entry` is the plugin's static entry descriptor, valid for the program's life.
        let entry = unsafe { PluginEntry::load_from_raw(&*(&raw const clap_entry), c"afterglow-fuzz") }.expect("entry");
        let factory = entry.get_plugin_factory().expect("factory");
        let id = CString::from(factory.plugin_descriptors().next().expect("descriptor").id().expect("id"));
        let info = HostInfo::new("afterglow fuzz", "afterglow", "https://afterglow.invalid", "0.1").expect("host info");
        let instance = PluginInstance::<()>::new(|_| (), |_| (), &entry, &id, &info).expect("instance");
        Mutex::new(Host { instance, _entry: entry })
    })
}

fuzz_target!(|data: &[u8]| {
    let mut host = host().lock().unwrap_or_else(|e| e.into_inner());
    let handle = host.instance.plugin_handle();
    let state = handle.get_extension::<PluginState>().expect("state extension");
    let params = handle.get_extension::<PluginParams>().expect("params extension");
    let _accepted = state.load(&handle, &mut &data[..]).is_ok();

    let mut buffer = ParamInfoBuffer::new();
    for index in 0..params.count(&handle) {
        let info = params.get_info(&handle, index, &mut buffer).expect("param info");
        let (id, min, max) = (info.id, info.min_value, info.max_value);
        let value = params.get_value(&handle, id).expect("param value");
        assert!(value.is_finite() && value >= min - 1e-9 && value <= max + 1e-9, "param {id:?} = {value} outside {min}..={max}");
    }
    let mut saved = Vec::new();
    state.save(&handle, &mut saved).expect("save state");
    assert!(state.load(&handle, &mut &saved[..]).is_ok(), "the plugin refused its own saved state");
});
