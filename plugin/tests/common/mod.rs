//! A minimal in-process CLAP host (clack-host) for testing the built plugin library: load,
//! instantiate, read descriptor, ports and parameters, save and load state, and render audio
//! with note and parameter events on a separate audio thread.

#![allow(dead_code)]

use std::ffi::CString;
use std::path::PathBuf;

use clack_extensions::audio_ports::{AudioPortInfoBuffer, PluginAudioPorts};
use clack_extensions::note_ports::PluginNotePorts;
use clack_extensions::params::{ParamInfoBuffer, PluginParams};
use clack_extensions::state::PluginState;
use clack_host::events::event_types::{NoteOffEvent, NoteOnEvent, ParamValueEvent};
use clack_host::events::Match;
use clack_host::prelude::*;

/// The plugin library to test: `AFTERGLOW_CLAP_PATH` when set (e.g. the bundled
/// `target/bundled/Afterglow.clap`), else the one cargo built for this test run. Cargo builds the
/// package's cdylib into the same `deps/` folder as the test executable (with this run's features,
/// e.g. `assert_process_allocs`); the copy one folder up is only refreshed by `cargo build`, so it
/// may be stale and is not used.
pub fn plugin_library_path() -> PathBuf {
    if let Some(path) = std::env::var_os("AFTERGLOW_CLAP_PATH") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("test executable path");
    let deps = exe.parent().expect("test executable folder");
    let path = deps.join(format!(
        "{}afterglow_plugin{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ));
    assert!(path.exists(), "plugin library not built: {}", path.display());
    path
}

/// One event to send at a frame offset of the whole render.
#[derive(Debug, Clone, Copy)]
pub enum HostEvent {
    NoteOn { key: u16, velocity: f64 },
    NoteOff { key: u16 },
    /// Plain CLAP value (normalised for float parameters, steps for stepped ones).
    Param { id: u32, value: f64 },
    /// Raw three-byte MIDI message.
    Midi([u8; 3]),
}

/// A parameter as the host sees it.
#[derive(Debug, Clone)]
pub struct HostParam {
    pub id: u32,
    pub name: String,
    pub min_value: f64,
    pub max_value: f64,
    pub default_value: f64,
    pub is_stepped: bool,
}

/// A loaded and instantiated plugin, with its audio processor while active.
pub struct TestHost {
    // Field order matters: the processor and instance drop before the entry they came from.
    processor: Option<StoppedPluginAudioProcessor<()>>,
    instance: PluginInstance<()>,
    entry: PluginEntry,
    pub max_block_frames: u32,
    pub sample_rate_hz: f64,
}

impl TestHost {
    /// Load the library and create the first (only) plugin it describes.
    pub fn new() -> Self {
        let path = plugin_library_path();
        // SAFETY: the library is this package's own plugin, built by cargo for this test.
        let entry = unsafe { PluginEntry::load(&path) }.expect("load plugin entry");
        let factory = entry.get_plugin_factory().expect("plugin factory");
        let descriptor = factory.plugin_descriptors().next().expect("a plugin descriptor");
        let id = CString::from(descriptor.id().expect("plugin id"));
        let host_info =
            HostInfo::new("afterglow tests", "afterglow", "https://afterglow.invalid", "0.1")
                .expect("host info");
        let instance = PluginInstance::<()>::new(|_| (), |_| (), &entry, &id, &host_info)
            .expect("instantiate plugin");
        Self { processor: None, instance, entry, max_block_frames: 0, sample_rate_hz: 0.0 }
    }

    /// (id, name, vendor, version, features) of the library's first descriptor.
    pub fn descriptor(&self) -> (String, String, String, String, Vec<String>) {
        let factory = self.entry.get_plugin_factory().expect("plugin factory");
        let d = factory.plugin_descriptors().next().expect("descriptor");
        let text = |s: Option<&std::ffi::CStr>| s.map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let features = d.features().map(|f| f.to_string_lossy().into_owned()).collect();
        (text(d.id()), text(d.name()), text(d.vendor()), text(d.version()), features)
    }

    /// (output port count, channels of the first output, input port count, note input ports).
    pub fn ports(&mut self) -> (u32, u32, u32, u32) {
        let handle = self.instance.plugin_handle();
        let audio = handle.get_extension::<PluginAudioPorts>().expect("audio-ports extension");
        let notes = handle.get_extension::<PluginNotePorts>().expect("note-ports extension");
        let mut buffer = AudioPortInfoBuffer::new();
        let outputs = audio.count(&handle, false);
        let channels = audio.get(&handle, 0, false, &mut buffer).map_or(0, |p| p.channel_count);
        (outputs, channels, audio.count(&handle, true), notes.count(&handle, true))
    }

    /// Every parameter's id, name and range.
    pub fn params(&mut self) -> Vec<HostParam> {
        let handle = self.instance.plugin_handle();
        let params = handle.get_extension::<PluginParams>().expect("params extension");
        let mut buffer = ParamInfoBuffer::new();
        (0..params.count(&handle))
            .filter_map(|index| {
                let info = params.get_info(&handle, index, &mut buffer)?;
                Some(HostParam {
                    id: info.id.get(),
                    name: String::from_utf8_lossy(info.name).trim_end_matches('\0').to_string(),
                    min_value: info.min_value,
                    max_value: info.max_value,
                    default_value: info.default_value,
                    is_stepped: info.flags.contains(clack_extensions::params::ParamInfoFlags::IS_STEPPED),
                })
            })
            .collect()
    }

    /// The current CLAP value of parameter `id`.
    pub fn param_value(&mut self, id: u32) -> f64 {
        let handle = self.instance.plugin_handle();
        let params = handle.get_extension::<PluginParams>().expect("params extension");
        params.get_value(&handle, ClapId::new(id)).expect("parameter value")
    }

    /// The id of the parameter named `name`.
    pub fn param_id(&mut self, name: &str) -> u32 {
        self.params().into_iter().find(|p| p.name == name).map(|p| p.id).unwrap_or_else(|| panic!("no parameter {name}"))
    }

    /// The plugin state as saved by the plugin.
    pub fn save_state(&mut self) -> Vec<u8> {
        let handle = self.instance.plugin_handle();
        let state = handle.get_extension::<PluginState>().expect("state extension");
        let mut bytes = Vec::new();
        state.save(&handle, &mut bytes).expect("save state");
        bytes
    }

    /// Load a state saved by [`Self::save_state`] (or edited with [`state_with_archive_path`]).
    pub fn load_state(&mut self, bytes: &[u8]) {
        let handle = self.instance.plugin_handle();
        let state = handle.get_extension::<PluginState>().expect("state extension");
        state.load(&handle, &mut &bytes[..]).expect("load state");
    }

    /// Offer the plugin arbitrary state bytes; returns whether it accepted them.
    pub fn try_load_state(&mut self, bytes: &[u8]) -> bool {
        let handle = self.instance.plugin_handle();
        let state = handle.get_extension::<PluginState>().expect("state extension");
        state.load(&handle, &mut &bytes[..]).is_ok()
    }

    pub fn activate(&mut self, sample_rate_hz: f64, max_block_frames: u32) {
        assert!(self.processor.is_none(), "already active");
        let config = PluginAudioConfiguration {
            sample_rate: sample_rate_hz,
            min_frames_count: 1,
            max_frames_count: max_block_frames,
        };
        let processor = self.instance.activate(|_, _| (), config).expect("activate");
        self.processor = Some(processor);
        self.max_block_frames = max_block_frames;
        self.sample_rate_hz = sample_rate_hz;
    }

    pub fn deactivate(&mut self) {
        let processor = self.processor.take().expect("active processor");
        self.instance.deactivate(processor);
    }

    /// Render `num_frames` of stereo audio in blocks of `block_frames`, sending `events`
    /// (frame offsets into the whole render, any order) at their exact frames. Runs on a separate
    /// audio thread, as a host would.
    pub fn render(&mut self, num_frames: usize, block_frames: usize, events: &[(usize, HostEvent)]) -> [Vec<f32>; 2] {
        assert!(block_frames as u32 <= self.max_block_frames && block_frames > 0);
        let mut events: Vec<(usize, HostEvent)> = events.to_vec();
        events.sort_by_key(|(frame, _)| *frame);
        let processor = self.processor.take().expect("activate first");
        let (processor, out) = std::thread::scope(|scope| {
            scope
                .spawn(move || {
                    let mut started = processor.start_processing().expect("start processing");
                    let out = process_blocks(&mut started, num_frames, block_frames, &events);
                    (started.stop_processing(), out)
                })
                .join()
                .expect("audio thread")
        });
        self.processor = Some(processor);
        out
    }
}

impl Drop for TestHost {
    fn drop(&mut self) {
        if let Some(processor) = self.processor.take() {
            self.instance.deactivate(processor);
        }
    }
}

fn process_blocks(
    processor: &mut StartedPluginAudioProcessor<()>,
    num_frames: usize,
    block_frames: usize,
    events: &[(usize, HostEvent)],
) -> [Vec<f32>; 2] {
    let mut left_out = Vec::with_capacity(num_frames);
    let mut right_out = Vec::with_capacity(num_frames);
    let mut left = vec![0.0f32; block_frames];
    let mut right = vec![0.0f32; block_frames];
    let mut ports = AudioPorts::with_capacity(2, 1);
    let mut event_buffer = EventBuffer::with_capacity(256);
    let mut output_events = EventBuffer::new();
    let mut next_event = 0;
    let mut steady_time = 0u64;
    let mut start = 0;
    while start < num_frames {
        let len = block_frames.min(num_frames - start);
        event_buffer.clear();
        while next_event < events.len() && events[next_event].0 < start + len {
            let (frame, event) = events[next_event];
            let time = (frame.max(start) - start) as u32;
            match event {
                HostEvent::NoteOn { key, velocity } => {
                    event_buffer.push(&NoteOnEvent::new(time, Pckn::new(0u16, 0u16, key, Match::All), velocity))
                }
                HostEvent::NoteOff { key } => {
                    event_buffer.push(&NoteOffEvent::new(time, Pckn::new(0u16, 0u16, key, Match::All), 0.0))
                }
                HostEvent::Param { id, value } => {
                    event_buffer.push(&ParamValueEvent::new(time, ClapId::new(id), Pckn::match_all(), value))
                }
                HostEvent::Midi(data) => {
                    event_buffer.push(&clack_host::events::event_types::MidiEvent::new(time, 0, data))
                }
            }
            next_event += 1;
        }
        left[..len].fill(0.0);
        right[..len].fill(0.0);
        output_events.clear();
        {
            let mut outputs = ports.with_output_buffers([AudioPortBuffer {
                latency: 0,
                channels: AudioPortBufferType::f32_output_only([&mut left[..len], &mut right[..len]].into_iter()),
            }]);
            processor
                .process(
                    &InputAudioBuffers::empty(),
                    &mut outputs,
                    &InputEvents::from_buffer(&event_buffer),
                    &mut OutputEvents::from_buffer(&mut output_events),
                    Some(steady_time),
                    None,
                )
                .expect("process");
        }
        left_out.extend_from_slice(&left[..len]);
        right_out.extend_from_slice(&right[..len]);
        steady_time += len as u64;
        start += len;
    }
    [left_out, right_out]
}

/// `state` (as saved by the plugin: little-endian length, then JSON) with its persisted archive
/// path replaced by `path`.
pub fn state_with_archive_path(state: &[u8], path: &str) -> Vec<u8> {
    let mut json: serde_json::Value = serde_json::from_slice(&state[8..]).expect("state is JSON");
    let field = serde_json::to_string(path).expect("path as JSON");
    json["fields"]["archive_path"] = serde_json::Value::String(field);
    let body = serde_json::to_vec(&json).expect("state back to JSON");
    let mut out = (body.len() as u64).to_le_bytes().to_vec();
    out.extend_from_slice(&body);
    out
}

/// The persisted archive path inside a saved state.
pub fn archive_path_in_state(state: &[u8]) -> String {
    let json: serde_json::Value = serde_json::from_slice(&state[8..]).expect("state is JSON");
    let field = json["fields"]["archive_path"].as_str().expect("archive_path field");
    serde_json::from_str(field).expect("archive_path is a JSON string")
}

/// Root mean square of both channels.
pub fn rms(out: &[Vec<f32>; 2]) -> f64 {
    let sum: f64 = out.iter().flatten().map(|&x| f64::from(x) * f64::from(x)).sum();
    (sum / (out[0].len() + out[1].len()).max(1) as f64).sqrt()
}

/// True when every sample is finite and no larger than `limit` in magnitude.
pub fn all_finite_within(out: &[Vec<f32>; 2], limit: f32) -> bool {
    out.iter().flatten().all(|x| x.is_finite() && x.abs() <= limit)
}
