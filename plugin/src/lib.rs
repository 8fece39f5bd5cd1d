//! Afterglow as a CLAP/VST3 instrument: a granular cloud and hiss voice over pads mined from the
//! musician's archive by a background thread, played by MIDI notes or held.
//!
//! # Rooms
//! - [`audio`]: the audio thread's code (block renderer, pad inbox, scope). Never allocates, frees,
//!   locks or waits after activation.
//! - [`mining`]: the two threads the plugin owns (the miner and the catalogue reader).
//! - [`editor`]: the egui editor (GUI thread).
//! - [`params`]: host parameters; imports neither the miner nor the editor. What is saved beside
//!   them (bank by identity, editor size) is [`persist`]; the pad queues and bank limits are
//!   [`queues`]; the snapshot type the background threads publish to the editor is [`published`].
//! - [`capture`]: the current sound as a recipe file, or rendered to a WAV (run from the editor).
//! - [`presets`]: factory and user presets (GUI thread; loaded through the host's parameter path).
//!
//! # Threads
//! | thread | owns | started by |
//! |---|---|---|
//! | host main | the plugin object: activation, state save/load, the editor's creation | the host |
//! | audio | [`audio::path::AudioPath`]: the engine, the pad bank, the pad inbox, the held notes | the host |
//! | GUI | the editor's state (copies of snapshots, text fields, the folder dialog's receiver) | the host, through the framework's window |
//! | mining (`afterglow-miner`) | decoding, analysis, the pads it cuts until they are sent; spent pads, freed here | [`mining::Miner::spawn`] at first activation |
//! | catalogue reader (`afterglow-catalogue`) | the open catalogue, the archive view's queries | [`mining::Miner::spawn`] |
//! | folder dialog | one system folder chooser while it is open | the editor's Browse button, the WAV button's menu |
//! | capture (`afterglow-capture`) | one capture to file: decoding the pad's source, rendering the recipe, writing the WAV | the editor's WAV button ([`capture::job::CaptureJob`]) |
//!
//! How each pair meets:
//! | pair | through | blocking |
//! |---|---|---|
//! | mining -> audio | `rtrb` queue of owned pads ([`queues::MinerToAudio`]); spent pads back ([`queues::AudioToMiner`]) | never: a full queue waits for the next block |
//! | audio -> GUI | [`audio::scope::GrainScope`] atomics, written only while an editor window holds a viewer | never |
//! | host/GUI -> audio | host parameters (the framework's atomics and smoothers); seed and bank size atomics | never |
//! | mining -> GUI | progress atomics and a [`published::Published`] snapshot (mutex; the GUI only `try_lock`s) | the GUI never waits |
//! | GUI -> mining | archive path (`RwLock<String>`, never touched by audio), mine requests (atomic), load requests (mutex queue) | briefly, off the audio thread |
//! | GUI <-> catalogue reader | pending query (mutex + condvar, newest replaces older), answers as a [`published::Published`] snapshot | the GUI never waits on an answer |
//! | host main -> mining | a loaded bank ([`persist::BankRecall`]: `RwLock` + generation atomics); activation polls until it is rebuilt | activation waits (at most 60 s); audio never |
//! | host main -> mining, reader | the stop flag (`engine::CancelFlag`, atomic), raised when the plugin is dropped; both threads are joined | the drop waits for their next check |
//! | folder dialog -> GUI | a one-shot `mpsc` channel | the GUI polls |
//! | capture -> GUI | a one-shot `mpsc` channel (the file written, or why not); dropping the job raises its stop flag and joins it | the GUI polls; a closing editor waits for a render under way |

pub mod audio;
pub mod capture;
pub mod editor;
pub mod mining;
pub mod params;
pub mod persist;
pub mod presets;
pub mod published;
pub mod queues;
#[cfg(test)]
mod test_host;

use std::sync::Arc;

use nice_plug::midi::{Channel, Key, VoiceID};
use nice_plug::prelude::*;

use crate::audio::host_transport::HostTransport;
use crate::audio::path::AudioPath;
use crate::audio::scope::GrainScope;
use crate::mining::{Miner, MiningShared};
use crate::params::AfterglowParams;
use crate::queues::MinerEnds;

/// Longest wait at activation for the pads saved with a project to be rebuilt.
const RECALL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// The plugin instance.
pub struct Afterglow {
    params: Arc<AfterglowParams>,
    mining: Arc<MiningShared>,
    scope: Arc<GrainScope>,
    editor_state: Arc<nice_plug_egui::EguiEditorState>,
    audio: AudioPath,
    /// The miner's queue ends until the first activation starts the mining thread.
    miner_ends: Option<MinerEnds>,
    miner: Option<Miner>,
}

impl Default for Afterglow {
    fn default() -> Self {
        let (miner_ends, audio_ends) = queues::pad_queues();
        Self {
            params: Arc::new(AfterglowParams::default()),
            mining: Arc::new(MiningShared::new()),
            scope: Arc::new(GrainScope::new()),
            editor_state: editor::default_state(),
            audio: AudioPath::new(audio_ends),
            miner_ends: Some(miner_ends),
            miner: None,
        }
    }
}

impl Afterglow {
    /// Put the built-in texture into slot 0 if the bank is empty, and start the mining thread
    /// once. Not realtime-safe: allocates and spawns a thread.
    fn ensure_sources(&mut self) {
        if self.audio.bank().num_filled() == 0 {
            let pad = engine::texture::builtin_pad(engine::ENGINE_SAMPLE_RATE_HZ as f32);
            mining::publish_builtin(&self.mining.status, &pad);
            self.audio.fill_empty_bank(pad);
        }
        if self.miner.is_none()
            && let Some(ends) = self.miner_ends.take()
        {
            match Miner::spawn(ends, self.params.clone(), self.mining.clone(), &[0]) {
                Ok(miner) => self.miner = Some(miner),
                Err(error) => {
                    nice_error!("cannot start the mining thread: {error}");
                    self.mining
                        .status
                        .update(|s| s.last_error = format!("cannot start mining: {error}"));
                }
            }
        }
    }
}

impl Plugin for Afterglow {
    const NAME: &'static str = "Afterglow";
    const VENDOR: &'static str = "The afterglow developers";
    const URL: &'static str = "https://afterglow.invalid/";
    const EMAIL: &'static str = "afterglow@afterglow.invalid";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    const AUDIO_IO_LAYOUTS: &'static [AudioIOLayout] = &[AudioIOLayout {
        main_input_channels: None,
        main_output_channels: NonZeroU32::new(2),
        ..AudioIOLayout::const_default()
    }];

    // `Basic` delivers notes only; the sustain pedal (CC64) arrives as a MIDI CC, which
    // nice-plug passes on from `MidiCCs` up.
    const MIDI_INPUT: MidiConfig = MidiConfig::MidiCCs;
    const SAMPLE_ACCURATE_AUTOMATION: bool = true;

    type SysExMessage = ();
    type BackgroundTask = ();

    type Editor = nice_plug_egui::EguiEditor<editor::AfterglowEditor>;

    fn params(&self) -> Arc<dyn Params> {
        self.params.clone()
    }

    fn editor(&mut self, _async_executor: AsyncExecutor<Self>) -> Option<Self::Editor> {
        editor::create_with_saved_size(
            self.editor_state.clone(),
            self.params.clone(),
            self.mining.clone(),
            self.scope.clone(),
            self.params.editor_size.clone(),
        )
    }

    fn activate(
        &mut self,
        _audio_io_layout: &AudioIOLayout,
        buffer_config: &BufferConfig,
        _context: &mut impl ActivateContext<Self>,
    ) -> bool {
        self.audio.activate(buffer_config.sample_rate);
        self.ensure_sources();
        // A project that saved its bank plays those very pads from its first sample: wait for the
        // mining thread to rebuild them (their messages then wait in the queue for `process`).
        if !self.params.bank.wait_settled(RECALL_TIMEOUT) {
            nice_warn!("the saved pads took longer than {RECALL_TIMEOUT:?} to rebuild; playing on");
        }
        true
    }

    fn reset(&mut self) {
        self.audio.reset(&self.params);
    }

    fn process(
        &mut self,
        buffer: &mut Buffer,
        _aux: &mut AuxiliaryBuffers,
        context: &mut impl ProcessContext<Self>,
    ) -> ProcessStatus {
        let transport = HostTransport::from_host(context.transport());
        match buffer.as_slice() {
            [left, right, ..] => self.audio.process_block(&self.params, &transport, left, Some(&mut **right), || context.next_event()),
            [mono] => self.audio.process_block(&self.params, &transport, mono, None, || context.next_event()),
            // No output at all (never with this plugin's layouts): still follow the events.
            [] => self.audio.process_block(&self.params, &transport, &mut [], None, || context.next_event()),
        }
        // Tell the host which voices ended, so it can free their per-note modulation (a host that
        // gave no output event list is not told).
        self.audio.drain_voice_ends(|end| {
            let _ = context.try_send_event(NoteEvent::VoiceTerminated {
                timing: end.timing,
                voice_id: end.voice_id.map_or(VoiceID::Wildcard, VoiceID::ID),
                channel: Channel::Number(end.channel),
                key: Key::Number(end.key),
            });
        });
        let audio = &self.audio;
        self.scope.publish_block(audio.held_velocities(), audio.engine(), audio.bank(), buffer.as_slice_immutable());
        ProcessStatus::KeepAlive
    }
}

impl ClapPlugin for Afterglow {
    const CLAP_ID: &'static str = "org.afterglow.instrument";
    const CLAP_DESCRIPTION: Option<&'static str> =
        Some("Granular clouds and hiss from pads mined out of your own recordings");
    const CLAP_MANUAL_URL: Option<&'static str> = None;
    /// Position, Spray, Size, Density, Pitch and Low-pass take per-note modulation from the host;
    /// one voice per key, as many as the engine has.
    const CLAP_POLY_MODULATION_CONFIG: Option<PolyModulationConfig> =
        Some(PolyModulationConfig { max_voice_capacity: engine::texture::MAX_VOICES as u32, supports_overlapping_voices: false });
    const CLAP_SUPPORT_URL: Option<&'static str> = None;
    const CLAP_FEATURES: &'static [ClapFeature] = &[
        ClapFeature::Instrument,
        ClapFeature::Synthesizer,
        ClapFeature::Granular,
        ClapFeature::Stereo,
    ];
}

impl Vst3Plugin for Afterglow {
    const VST3_CLASS_ID: [u8; 16] = *b"AfterglowInstrmt";
    const VST3_SUBCATEGORIES: &'static [Vst3SubCategory] =
        &[Vst3SubCategory::Instrument, Vst3SubCategory::Synth];
}

nice_export_clap!(Afterglow);
nice_export_vst3!(Afterglow);
