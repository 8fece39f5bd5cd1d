//! An in-process CLAP host (clack-host) that drives the built plugin library the way a DAW does:
//! load, instantiate, read descriptor, ports and parameters, save and load state on the main
//! thread, and play sessions on an audio thread of its own.
//!
//! A [`Session`] is one activation and one `start_processing`, then any number of process calls
//! (host blocks) on the same audio thread, until it is dropped (`stop_processing`, deactivate).
//! Between blocks nothing is reset, so held notes sound on across block boundaries and silence and
//! notes share one processing run, as in a DAW. Note and parameter events land at frame offsets
//! inside their block; an optional [`Transport`] (tempo, song position in seconds and beats,
//! playing flag) goes with every block and advances with it. The main thread may save or load
//! state between blocks while the session runs.
//!
//! [`TestHost::render`] is the one-scenario convenience on top: it starts processing (nice-plug
//! calls `Plugin::reset` there), plays, and stops again, so consecutive renders do NOT continue one
//! another. Anything that claims to hold across silences, blocks or song positions needs a session.

#![allow(dead_code)]

pub mod busy_mix;
pub mod in_process;
pub mod mining_rig;
pub mod pitch;
pub mod smoke;

use std::ffi::CString;
use std::ops::{Deref, DerefMut};
use std::path::PathBuf;
use std::sync::mpsc;
use std::thread::JoinHandle;

use clack_extensions::audio_ports::{AudioPortInfoBuffer, PluginAudioPorts};
use clack_extensions::note_ports::PluginNotePorts;
use clack_extensions::params::{ParamInfoBuffer, PluginParams};
use clack_extensions::state::PluginState;
use clack_host::events::event_types::{
    MidiEvent, NoteEndEvent, NoteExpressionEvent, NoteOffEvent, NoteOnEvent, ParamModEvent, ParamValueEvent, TransportEvent,
    TransportFlags,
};
pub use clack_host::events::event_types::NoteExpressionType;
use clack_host::events::{EventFlags, Match};
use clack_host::prelude::*;
use clack_host::utils::{BeatTime, SecondsTime};

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

/// One event, sent at a frame offset (counted from the start of the call that plays it).
#[derive(Debug, Clone, Copy)]
pub enum HostEvent {
    NoteOn { key: u16, velocity: f64 },
    NoteOff { key: u16 },
    /// Plain CLAP value (normalised for float parameters, steps for stepped ones).
    Param { id: u32, value: f64 },
    /// Raw three-byte MIDI message.
    Midi([u8; 3]),
    /// A CLAP note on `channel` (MPE: one note per channel).
    NoteOnChannel { key: u16, channel: u16, velocity: f64 },
    /// A CLAP note expression (tuning in semitones; pressure and brightness 0..1) for the note
    /// `key` on `channel`.
    Expression { key: u16, channel: u16, kind: NoteExpressionType, value: f64 },
    /// A CLAP note on channel 0 with the host's note id (as a modulating host gives).
    NoteOnId { key: u16, note_id: u32, velocity: f64 },
    /// The note-off of the note with that id.
    NoteOffId { key: u16, note_id: u32 },
    /// CLAP polyphonic modulation of parameter `id` for the note `note_id` on `key`: `amount` is
    /// added to the parameter's normalised value for that note only.
    PolyMod { id: u32, key: u16, note_id: u32, amount: f64 },
}

/// A note end the plugin told the host (CLAP's note-end event).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoteEnd {
    /// Frame of the session (since processing started) it came at.
    pub frame: u64,
    pub key: Option<u16>,
    pub note_id: Option<u32>,
}

/// The host's transport as sent with a block: where the song is at the block's first frame,
/// its tempo (4/4 time), and whether it plays.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transport {
    pub playing: bool,
    pub tempo_bpm: f64,
    /// Song position of the block's first frame, samples since the song's start.
    pub position_samples: i64,
    /// Beats at sample 0 beyond those the current tempo gives (non-zero after a tempo change, so
    /// the beat timeline runs on without a jump).
    pub beat_offset: f64,
}

impl Transport {
    /// Playing at 120 BPM from `position_samples`.
    pub fn playing_at(position_samples: i64) -> Self {
        Self { playing: true, tempo_bpm: 120.0, position_samples, beat_offset: 0.0 }
    }

    /// Song position in beats at the block's first frame.
    pub fn beats(&self, sample_rate_hz: f64) -> f64 {
        self.position_samples as f64 / sample_rate_hz * self.tempo_bpm / 60.0 + self.beat_offset
    }

    /// The same moment at another tempo: the beat timeline goes on from where it is.
    pub fn with_tempo(self, tempo_bpm: f64, sample_rate_hz: f64) -> Self {
        let beats = self.beats(sample_rate_hz);
        let moved = Self { tempo_bpm, beat_offset: 0.0, ..self };
        Self { beat_offset: beats - moved.beats(sample_rate_hz), ..moved }
    }

    /// Stopped (the play head parked) at `position_samples`, 120 BPM.
    pub fn stopped_at(position_samples: i64) -> Self {
        Self { playing: false, ..Self::playing_at(position_samples) }
    }

    /// The transport `frames` later: the song position moves only while it plays.
    pub fn advanced(self, frames: usize) -> Self {
        let moved = if self.playing { frames as i64 } else { 0 };
        Self { position_samples: self.position_samples + moved, ..self }
    }

    /// As CLAP's process transport at `sample_rate_hz`: tempo, time signature and the position on
    /// both timelines (CLAP has no sample timeline; nice-plug's `pos_samples()` rounds the seconds
    /// timeline back to samples, exactly for any position a test uses).
    fn event(&self, sample_rate_hz: f64) -> TransportEvent {
        let seconds = self.position_samples as f64 / sample_rate_hz;
        let beats = self.beats(sample_rate_hz);
        let bar_number = (beats / 4.0).floor();
        let mut flags = TransportFlags::HAS_TEMPO
            | TransportFlags::HAS_BEATS_TIMELINE
            | TransportFlags::HAS_SECONDS_TIMELINE
            | TransportFlags::HAS_TIME_SIGNATURE;
        if self.playing {
            flags |= TransportFlags::IS_PLAYING;
        }
        TransportEvent {
            header: EventHeader::new_core(0, EventFlags::empty()),
            flags,
            song_pos_beats: BeatTime::from_float(beats),
            song_pos_seconds: SecondsTime::from_float(seconds),
            tempo: self.tempo_bpm,
            tempo_inc: 0.0,
            loop_start_beats: BeatTime::from_int(0),
            loop_end_beats: BeatTime::from_int(0),
            loop_start_seconds: SecondsTime::from_int(0),
            loop_end_seconds: SecondsTime::from_int(0),
            bar_start: BeatTime::from_float(bar_number * 4.0),
            bar_number: bar_number as i32,
            time_signature_numerator: 4,
            time_signature_denominator: 4,
        }
    }
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

impl HostParam {
    /// The CLAP value `fraction` (0..1) of the way through the range, rounded for stepped ones.
    pub fn value_at(&self, fraction: f64) -> f64 {
        let value = self.min_value + fraction * (self.max_value - self.min_value);
        if self.is_stepped { value.round() } else { value }
    }

    /// A value from `unit` (0..1) inside the part of the range that keeps a held note audible:
    /// levels, gain and low-pass in their upper part, envelope times and density in the middle,
    /// Source on "all pads" (the built-in texture is always there), the synced grain rate from
    /// 1/8 to 1/64 (a grain at least every quarter second at 120 BPM), LFO depths to level,
    /// low-pass and density within ±30 % (full depth may silence the cloud on purpose for a long
    /// held random step); the rest anywhere.
    pub fn audible_value(&self, unit: f64) -> f64 {
        let name = self.name.as_str();
        let fraction = match name {
            "Cloud Level" | "Output Gain" => 0.5 + 0.4 * unit,
            "Attack" | "Release" | "Density" => 0.2 + 0.5 * unit,
            "Cloud Low-pass" => 0.3 + 0.7 * unit,
            "Source" => 0.0,
            _ if name.starts_with("LFO") && (name.ends_with("to Level") || name.ends_with("to Low-pass") || name.ends_with("to Density")) => {
                0.35 + 0.3 * unit
            }
            // Steps 3..=6 of 0..=20: 1/8, 1/16, 1/32, 1/64.
            "Grain Rate" => (3.0 + 3.0 * unit) / 20.0,
            _ => unit,
        };
        self.value_at(fraction)
    }
}

/// The plugin's audio processor in each state the host can hold it in.
enum Audio {
    Inactive,
    Stopped(StoppedPluginAudioProcessor<()>),
    Processing(AudioThread),
}

/// A loaded and instantiated plugin, with its audio processor while active.
pub struct TestHost {
    // Field order matters: the processor and instance drop before the entry they came from.
    audio: Audio,
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
        Self { audio: Audio::Inactive, instance, entry, max_block_frames: 0, sample_rate_hz: 0.0 }
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

    /// The plugin state as saved by the plugin (main thread; also while a session plays).
    pub fn save_state(&mut self) -> Vec<u8> {
        let handle = self.instance.plugin_handle();
        let state = handle.get_extension::<PluginState>().expect("state extension");
        let mut bytes = Vec::new();
        state.save(&handle, &mut bytes).expect("save state");
        bytes
    }

    /// Load a state saved by [`Self::save_state`] (or edited with [`state_with_archive_path`]);
    /// main thread, also while a session plays, as a DAW loads a preset.
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
        assert!(matches!(self.audio, Audio::Inactive), "already active");
        let config = PluginAudioConfiguration {
            sample_rate: sample_rate_hz,
            min_frames_count: 1,
            max_frames_count: max_block_frames,
        };
        let processor = self.instance.activate(|_, _| (), config).expect("activate");
        self.audio = Audio::Stopped(processor);
        self.max_block_frames = max_block_frames;
        self.sample_rate_hz = sample_rate_hz;
    }

    /// Deactivate, stopping processing first if it runs.
    pub fn deactivate(&mut self) {
        if matches!(self.audio, Audio::Processing(_)) {
            self.stop_processing();
        }
        match std::mem::replace(&mut self.audio, Audio::Inactive) {
            Audio::Stopped(processor) => self.instance.deactivate(processor),
            _ => panic!("deactivate without activation"),
        }
    }

    /// One DAW session: activate at `sample_rate_hz` with blocks of at most `max_block_frames`,
    /// start processing on a new audio thread, and keep it running (no reset) until the session is
    /// dropped, which stops processing and deactivates.
    pub fn session(&mut self, sample_rate_hz: f64, max_block_frames: u32) -> Session<'_> {
        self.activate(sample_rate_hz, max_block_frames);
        self.start_processing();
        Session { host: self }
    }

    /// One scenario on the activated plugin: start processing (nice-plug resets the plugin there),
    /// render `num_frames` in blocks of `block_frames` with `events` (frame offsets into this render,
    /// any order) at their exact frames, stop processing. Consecutive renders start afresh: use a
    /// [`Session`] for anything that must continue.
    pub fn render(&mut self, num_frames: usize, block_frames: usize, events: &[(usize, HostEvent)]) -> [Vec<f32>; 2] {
        self.start_processing();
        let out = self.play_blocks(num_frames, &[block_frames], events);
        self.stop_processing();
        out
    }

    /// `start_processing` on a new audio thread, which then waits for blocks to play.
    fn start_processing(&mut self) {
        let processor = match std::mem::replace(&mut self.audio, Audio::Inactive) {
            Audio::Stopped(processor) => processor,
            Audio::Processing(_) => panic!("already processing"),
            Audio::Inactive => panic!("activate first"),
        };
        let (jobs, job_inbox) = mpsc::channel::<Job>();
        let (played_outbox, played) = mpsc::channel();
        let sample_rate_hz = self.sample_rate_hz;
        let max_block_frames = self.max_block_frames as usize;
        let thread = std::thread::Builder::new()
            .name(String::from("test host audio"))
            .spawn(move || {
                let mut started = processor.start_processing().unwrap_or_else(|_| panic!("start processing"));
                let mut runner = BlockRunner::new(max_block_frames);
                for job in job_inbox {
                    let out = runner.run(&mut started, &job, sample_rate_hz);
                    if played_outbox.send((out, std::mem::take(&mut runner.note_ends))).is_err() {
                        break;
                    }
                }
                started.stop_processing()
            })
            .expect("spawn the audio thread");
        self.audio = Audio::Processing(AudioThread {
            jobs: Some(jobs),
            played,
            note_ends: Vec::new(),
            thread: Some(thread),
            transport: None,
            steady_frames: 0,
        });
    }

    /// `stop_processing` on the audio thread, which then ends; the plugin stays active.
    fn stop_processing(&mut self) {
        let Audio::Processing(mut audio) = std::mem::replace(&mut self.audio, Audio::Inactive) else {
            panic!("not processing");
        };
        drop(audio.jobs.take());
        let thread = audio.thread.take().expect("audio thread");
        match thread.join() {
            Ok(processor) => self.audio = Audio::Stopped(processor),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }

    fn processing(&mut self) -> &mut AudioThread {
        match &mut self.audio {
            Audio::Processing(audio) => audio,
            _ => panic!("not processing: play inside a session"),
        }
    }

    /// Play `num_frames` on the audio thread, in blocks whose sizes come from `block_frames` in
    /// turn (cycled), with `events` at frame offsets into this call, and the current transport.
    fn play_blocks(&mut self, num_frames: usize, block_frames: &[usize], events: &[(usize, HostEvent)]) -> [Vec<f32>; 2] {
        let max_block_frames = self.max_block_frames as usize;
        assert!(!block_frames.is_empty() && block_frames.iter().all(|&b| b > 0 && b <= max_block_frames), "block sizes {block_frames:?}");
        assert!(events.iter().all(|(frame, _)| *frame < num_frames), "an event lies past the {num_frames} frames played");
        let mut events = events.to_vec();
        // Stable: events at one frame keep the order given.
        events.sort_by_key(|(frame, _)| *frame);
        let audio = self.processing();
        let job = Job {
            num_frames,
            block_frames: block_frames.to_vec(),
            events,
            transport: audio.transport,
            steady_frames: audio.steady_frames,
        };
        audio.jobs.as_ref().expect("audio thread").send(job).expect("audio thread gone");
        match audio.played.recv() {
            Ok((out, note_ends)) => {
                audio.note_ends.extend(note_ends);
                audio.transport = audio.transport.map(|t| t.advanced(num_frames));
                audio.steady_frames += num_frames as u64;
                out
            }
            // The audio thread died (a failed process call): surface its panic.
            Err(_) => {
                drop(audio.jobs.take());
                match audio.thread.take().expect("audio thread").join() {
                    Err(panic) => std::panic::resume_unwind(panic),
                    Ok(_) => panic!("the audio thread stopped"),
                }
            }
        }
    }
}

impl Drop for TestHost {
    fn drop(&mut self) {
        if let Audio::Processing(audio) = &mut self.audio {
            drop(audio.jobs.take());
            match audio.thread.take().map(JoinHandle::join) {
                Some(Ok(processor)) => self.audio = Audio::Stopped(processor),
                // The processor is lost with its thread; nothing to deactivate.
                _ => self.audio = Audio::Inactive,
            }
        }
        if let Audio::Stopped(processor) = std::mem::replace(&mut self.audio, Audio::Inactive) {
            self.instance.deactivate(processor);
        }
    }
}

/// One activation with one processing run, as a DAW keeps a plugin while a project is open.
/// Dereferences to the [`TestHost`] for main-thread calls (state, parameters) while it plays.
/// Dropping it stops processing and deactivates.
pub struct Session<'a> {
    host: &'a mut TestHost,
}

impl Session<'_> {
    /// One host process call of `num_frames` (at most the session's block size) with `events` at
    /// frame offsets inside it. Realistic block: the transport, when set, goes with it.
    pub fn process(&mut self, num_frames: usize, events: &[(usize, HostEvent)]) -> [Vec<f32>; 2] {
        self.host.play_blocks(num_frames, &[num_frames], events)
    }

    /// `num_frames` more of the session, in blocks whose sizes come from `block_frames` in turn
    /// (cycled), with `events` at frame offsets counted from the start of this call (each lands in
    /// its block at its own frame). Notes held stay held across blocks and calls.
    pub fn play(&mut self, num_frames: usize, block_frames: &[usize], events: &[(usize, HostEvent)]) -> [Vec<f32>; 2] {
        self.host.play_blocks(num_frames, block_frames, events)
    }

    /// The transport sent with the following blocks (`None`: no transport, as an offline host
    /// without a timeline). It advances with each block played while it plays.
    pub fn set_transport(&mut self, transport: Option<Transport>) {
        self.host.processing().transport = transport;
    }

    /// The transport the next block will carry.
    pub fn transport(&mut self) -> Option<Transport> {
        self.host.processing().transport
    }

    /// The note ends the plugin sent since the last call, in order.
    pub fn take_note_ends(&mut self) -> Vec<NoteEnd> {
        std::mem::take(&mut self.host.processing().note_ends)
    }

    /// Frames processed since the session started (the steady time of the next block).
    pub fn frames_played(&mut self) -> u64 {
        self.host.processing().steady_frames
    }
}

impl Deref for Session<'_> {
    type Target = TestHost;
    fn deref(&self) -> &TestHost {
        self.host
    }
}

impl DerefMut for Session<'_> {
    fn deref_mut(&mut self) -> &mut TestHost {
        self.host
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // Leave the clean-up to the host's own drop, which does not panic.
            return;
        }
        self.host.deactivate();
    }
}

/// The host side of a running audio thread.
struct AudioThread {
    jobs: Option<mpsc::Sender<Job>>,
    played: mpsc::Receiver<([Vec<f32>; 2], Vec<NoteEnd>)>,
    /// Note ends the plugin sent since the session's last [`Session::take_note_ends`].
    note_ends: Vec<NoteEnd>,
    thread: Option<JoinHandle<StoppedPluginAudioProcessor<()>>>,
    /// The transport the next block carries.
    transport: Option<Transport>,
    /// Frames processed since processing started.
    steady_frames: u64,
}

/// Frames for the audio thread to play: block sizes, events and where the transport stands.
struct Job {
    num_frames: usize,
    block_frames: Vec<usize>,
    events: Vec<(usize, HostEvent)>,
    transport: Option<Transport>,
    steady_frames: u64,
}

/// The audio thread's buffers, made once per processing run.
struct BlockRunner {
    left: Vec<f32>,
    right: Vec<f32>,
    ports: AudioPorts,
    input_events: EventBuffer,
    output_events: EventBuffer,
    /// Note ends the plugin sent, not yet handed to the main thread.
    note_ends: Vec<NoteEnd>,
}

impl BlockRunner {
    fn new(max_block_frames: usize) -> Self {
        Self {
            left: vec![0.0; max_block_frames],
            right: vec![0.0; max_block_frames],
            ports: AudioPorts::with_capacity(2, 1),
            input_events: EventBuffer::with_capacity(256),
            output_events: EventBuffer::with_capacity(256),
            note_ends: Vec::with_capacity(256),
        }
    }

    fn run(&mut self, processor: &mut StartedPluginAudioProcessor<()>, job: &Job, sample_rate_hz: f64) -> [Vec<f32>; 2] {
        let mut left_out = Vec::with_capacity(job.num_frames);
        let mut right_out = Vec::with_capacity(job.num_frames);
        let mut transport = job.transport;
        let mut steady_frames = job.steady_frames;
        let mut next_event = 0;
        let mut start = 0;
        let mut block_index = 0;
        while start < job.num_frames {
            let len = job.block_frames[block_index % job.block_frames.len()].min(job.num_frames - start);
            block_index += 1;
            self.input_events.clear();
            while next_event < job.events.len() && job.events[next_event].0 < start + len {
                let (frame, event) = job.events[next_event];
                let time = (frame - start) as u32;
                match event {
                    HostEvent::NoteOn { key, velocity } => {
                        self.input_events.push(&NoteOnEvent::new(time, Pckn::new(0u16, 0u16, key, Match::All), velocity))
                    }
                    HostEvent::NoteOff { key } => {
                        self.input_events.push(&NoteOffEvent::new(time, Pckn::new(0u16, 0u16, key, Match::All), 0.0))
                    }
                    HostEvent::Param { id, value } => {
                        self.input_events.push(&ParamValueEvent::new(time, ClapId::new(id), Pckn::match_all(), value))
                    }
                    HostEvent::Midi(data) => self.input_events.push(&MidiEvent::new(time, 0, data)),
                    HostEvent::NoteOnChannel { key, channel, velocity } => {
                        self.input_events.push(&NoteOnEvent::new(time, Pckn::new(0u16, channel, key, Match::All), velocity))
                    }
                    HostEvent::Expression { key, channel, kind, value } => self
                        .input_events
                        .push(&NoteExpressionEvent::new(time, Pckn::new(0u16, channel, key, Match::All), kind, value)),
                    HostEvent::NoteOnId { key, note_id, velocity } => {
                        self.input_events.push(&NoteOnEvent::new(time, Pckn::new(0u16, 0u16, key, note_id), velocity))
                    }
                    HostEvent::NoteOffId { key, note_id } => {
                        self.input_events.push(&NoteOffEvent::new(time, Pckn::new(0u16, 0u16, key, note_id), 0.0))
                    }
                    HostEvent::PolyMod { id, key, note_id, amount } => {
                        self.input_events.push(&ParamModEvent::new(time, ClapId::new(id), Pckn::new(0u16, 0u16, key, note_id), amount))
                    }
                }
                next_event += 1;
            }
            self.left[..len].fill(0.0);
            self.right[..len].fill(0.0);
            self.output_events.clear();
            let transport_event = transport.map(|t| t.event(sample_rate_hz));
            {
                let mut outputs = self.ports.with_output_buffers([AudioPortBuffer {
                    latency: 0,
                    channels: AudioPortBufferType::f32_output_only(
                        [&mut self.left[..len], &mut self.right[..len]].into_iter(),
                    ),
                }]);
                processor
                    .process(
                        &InputAudioBuffers::empty(),
                        &mut outputs,
                        &InputEvents::from_buffer(&self.input_events),
                        &mut OutputEvents::from_buffer(&mut self.output_events),
                        Some(steady_frames),
                        transport_event.as_ref(),
                    )
                    .expect("process");
            }
            for event in &self.output_events {
                if let Some(end) = event.as_event::<NoteEndEvent>() {
                    let pckn = end.pckn();
                    let specific = |m: Match<u16>| if let Match::Specific(x) = m { Some(x) } else { None };
                    let note_id = if let Match::Specific(id) = pckn.note_id { Some(id) } else { None };
                    self.note_ends.push(NoteEnd { frame: steady_frames + u64::from(end.header().time()), key: specific(pckn.key), note_id });
                }
            }
            left_out.extend_from_slice(&self.left[..len]);
            right_out.extend_from_slice(&self.right[..len]);
            transport = transport.map(|t| t.advanced(len));
            steady_frames += len as u64;
            start += len;
        }
        [left_out, right_out]
    }
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

/// The saved bank inside a state: (slot, pad id, file path) of each pad.
pub fn bank_in_state(state: &[u8]) -> Vec<(u64, u64, String)> {
    let json: serde_json::Value = serde_json::from_slice(&state[8..]).expect("JSON state");
    let bank: serde_json::Value = serde_json::from_str(json["fields"]["bank"].as_str().expect("bank field")).expect("bank is JSON");
    let pads = bank["pads"].as_array().expect("pads");
    pads.iter()
        .map(|p| (p["slot"].as_u64().expect("slot"), p["pad_id"].as_u64().expect("pad id"), p["source"]["path"].as_str().expect("path").to_string()))
        .collect()
}

/// Root mean square of both channels.
pub fn rms(out: &[Vec<f32>; 2]) -> f64 {
    let sum: f64 = out.iter().flatten().map(|&x| f64::from(x) * f64::from(x)).sum();
    (sum / (out[0].len() + out[1].len()).max(1) as f64).sqrt()
}

/// Largest magnitude over both channels, dBFS.
pub fn peak_dbfs(out: &[Vec<f32>; 2]) -> f64 {
    let peak = out.iter().flatten().fold(0.0f32, |m, x| m.max(x.abs()));
    20.0 * f64::from(peak).max(1e-12).log10()
}

/// Frames `range` of both channels.
pub fn frames(out: &[Vec<f32>; 2], range: std::ops::Range<usize>) -> [Vec<f32>; 2] {
    [out[0][range.clone()].to_vec(), out[1][range].to_vec()]
}

/// The first frame where two renders differ (bit for bit, either channel), if any.
pub fn first_difference(a: &[Vec<f32>; 2], b: &[Vec<f32>; 2]) -> Option<usize> {
    assert_eq!((a[0].len(), a[1].len()), (b[0].len(), b[1].len()), "lengths differ");
    (0..a[0].len()).find(|&i| a[0][i].to_bits() != b[0][i].to_bits() || a[1][i].to_bits() != b[1][i].to_bits())
}

/// True when every sample is finite and no larger than `limit` in magnitude.
pub fn all_finite_within(out: &[Vec<f32>; 2], limit: f32) -> bool {
    out.iter().flatten().all(|x| x.is_finite() && x.abs() <= limit)
}
