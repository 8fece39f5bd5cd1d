//! What the editor tests' hosts do besides the window (here and in the Windows smoke host,
//! `examples/editor_smoke_host.rs`): load the plugin library, point it at an archive through its
//! saved state, and play held notes on an audio thread paced to real time.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::time::{Duration, Instant};

use clack_extensions::state::PluginState;
use clack_host::events::event_types::{NoteOffEvent, NoteOnEvent};
use clack_host::prelude::*;

use crate::common;
use crate::host::Host;

pub const SAMPLE_RATE_HZ: f64 = 44_100.0;
pub const BLOCK_FRAMES: usize = 512;

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

/// The audio thread: four notes held (C3 G3 C4 E4), paced to real time, until `stop`; returns the
/// stopped processor.
pub fn hold_notes(processor: StoppedPluginAudioProcessor<Host>, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<StoppedPluginAudioProcessor<Host>> {
    std::thread::spawn(move || {
        let mut processor = processor.start_processing().expect("start processing");
        let mut out = [vec![0f32; BLOCK_FRAMES], vec![0f32; BLOCK_FRAMES]];
        let mut ports = AudioPorts::with_capacity(2, 1);
        let mut output_events = EventBuffer::new();
        let started = Instant::now();
        let mut block = 0usize;
        loop {
            let stopping = stop.load(SeqCst);
            let mut events = EventBuffer::new();
            for (k, key) in [48u16, 55, 60, 64].into_iter().enumerate() {
                let pckn = Pckn::new(0u16, 0u16, key, k as u32);
                if block == 0 {
                    events.push(&NoteOnEvent::new(0, pckn, 0.8));
                } else if stopping {
                    events.push(&NoteOffEvent::new(0, pckn, 0.0));
                }
            }
            let mut outputs = ports.with_output_buffers([AudioPortBuffer {
                latency: 0,
                channels: AudioPortBufferType::f32_output_only(out.iter_mut().map(|c| c.as_mut_slice())),
            }]);
            processor
                .process(
                    &InputAudioBuffers::empty(),
                    &mut outputs,
                    &InputEvents::from_buffer(&events),
                    &mut OutputEvents::from_buffer(&mut output_events),
                    Some((block * BLOCK_FRAMES) as u64),
                    None,
                )
                .expect("process");
            output_events.clear();
            block += 1;
            if stopping {
                return processor.stop_processing();
            }
            let due = started + Duration::from_secs_f64(block as f64 * BLOCK_FRAMES as f64 / SAMPLE_RATE_HZ);
            std::thread::sleep(due.saturating_duration_since(Instant::now()));
        }
    })
}

/// Load a state pointing the plugin at `archive` (and setting the parameters in
/// `AFTERGLOW_SHOT_PARAMS`, e.g. `{"source": {"i32": 12}, "density": {"f32": 80.0}}`).
pub fn recall_archive(instance: &mut PluginInstance<Host>, archive: &Path) {
    let state: PluginState = instance.plugin_handle().get_extension().expect("state extension");
    let mut saved = Vec::new();
    state.save(&instance.plugin_handle(), &mut saved).expect("save state");
    let mut restored = common::state_with_archive_path(&saved, &archive.display().to_string());
    if let Ok(extra) = std::env::var("AFTERGLOW_SHOT_PARAMS") {
        let extra: serde_json::Value = serde_json::from_str(&extra).expect("AFTERGLOW_SHOT_PARAMS is a JSON object");
        let mut json: serde_json::Value = serde_json::from_slice(&restored[8..]).expect("state is JSON");
        for (id, value) in extra.as_object().expect("a JSON object") {
            json["params"][id] = value.clone();
        }
        let body = serde_json::to_vec(&json).expect("state to JSON");
        restored = (body.len() as u64).to_le_bytes().to_vec();
        restored.extend_from_slice(&body);
    }
    state.load(&instance.plugin_handle(), &mut &restored[..]).expect("load state");
}
