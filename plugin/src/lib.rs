//! Afterglow as a CLAP/VST3 instrument: a granular cloud and hiss voice over pads mined from the
//! musician's archive by a background thread, played by MIDI notes or held.
//!
//! Threads: the host's main thread (activation, state), the audio thread ([`Afterglow::process`]:
//! never allocates, frees, locks or waits), the mining thread ([`mining`]) and the editor's GUI
//! thread ([`editor`]). They meet only through `rtrb` queues, atomics and the parameter object.

pub mod capture;
pub mod editor;
pub mod inbox;
pub mod mining;
pub mod params;
pub mod render;
pub mod scope;

use std::sync::Arc;

use engine::texture::{PadBank, ProcessSpec, TextureEngine};
use nice_plug::prelude::*;

use crate::inbox::PadInbox;
use crate::mining::{Miner, MinerEnds, MiningShared};
use crate::params::AfterglowParams;
use crate::scope::GrainScope;

/// Longest wait at activation for the pads saved with a project to be rebuilt.
const RECALL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// The plugin instance.
pub struct Afterglow {
    params: Arc<AfterglowParams>,
    mining: Arc<MiningShared>,
    scope: Arc<GrainScope>,
    editor_state: Arc<nice_plug_egui::EguiEditorState>,
    engine: TextureEngine,
    bank: PadBank,
    inbox: PadInbox,
    /// The miner's queue ends until the first activation starts the mining thread.
    miner_ends: Option<MinerEnds>,
    miner: Option<Miner>,
    /// The seed the engine was last given.
    current_seed: u64,
    /// Keys and pedal held (for the editor's recipe capture).
    held_notes: render::HeldNotes,
}

impl Default for Afterglow {
    fn default() -> Self {
        let (miner_ends, audio_ends) = mining::pad_queues();
        Self {
            params: Arc::new(AfterglowParams::default()),
            mining: Arc::new(MiningShared::new()),
            scope: Arc::new(GrainScope::new()),
            editor_state: editor::default_state(),
            engine: TextureEngine::new(),
            bank: PadBank::new(),
            inbox: PadInbox::new(audio_ends),
            miner_ends: Some(miner_ends),
            miner: None,
            current_seed: 0,
            held_notes: render::HeldNotes::default(),
        }
    }
}

impl Afterglow {
    /// Put the built-in texture into slot 0 if the bank is empty, and start the mining thread
    /// once. Not realtime-safe: allocates and spawns a thread.
    fn ensure_sources(&mut self) {
        if self.bank.num_filled() == 0 {
            let pad = engine::texture::builtin_pad(engine::ENGINE_SAMPLE_RATE_HZ as f32);
            mining::publish_builtin(&self.mining.status, &pad);
            self.bank.insert(0, pad);
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
        self.engine.prepare(ProcessSpec {
            sample_rate_hz: buffer_config.sample_rate,
            max_block_frames: render::MAX_SUB_BLOCK_FRAMES,
        });
        self.inbox.set_sample_rate(buffer_config.sample_rate);
        self.ensure_sources();
        // A project that saved its bank plays those very pads from its first sample: wait for the
        // mining thread to rebuild them (their messages then wait in the queue for `process`).
        if !self.params.bank.wait_settled(RECALL_TIMEOUT) {
            nice_warn!("the saved pads took longer than {RECALL_TIMEOUT:?} to rebuild; playing on");
        }
        true
    }

    fn reset(&mut self) {
        self.current_seed = self.params.seed_value();
        self.engine.reset(self.current_seed);
        self.held_notes.clear();
    }

    fn process(
        &mut self,
        buffer: &mut Buffer,
        _aux: &mut AuxiliaryBuffers,
        context: &mut impl ProcessContext<Self>,
    ) -> ProcessStatus {
        self.inbox.collect_retired(&mut self.bank, buffer.samples());
        self.inbox.apply(&mut self.bank);

        // A new seed gives the engine new random streams without cutting what sounds.
        let seed = self.params.seed_value();
        if seed != self.current_seed {
            self.current_seed = seed;
            self.engine.reseed(seed);
        }

        let params = self.params.texture_params();
        let transport = context.transport();
        let song_position = if transport.playing { transport.pos_samples() } else { None };
        let channels = buffer.as_slice();
        match channels {
            [left, right, ..] => render::render_block(
                &mut self.engine,
                &mut self.held_notes,
                &self.bank,
                &params,
                song_position,
                left,
                right,
                || context.next_event(),
            ),
            // No stereo output to write to: still consume the events so notes stay in step.
            _ => while let Some(event) = context.next_event() {
                self.held_notes.apply(&mut self.engine, &event);
            },
        }

        self.scope.publish_held(self.held_notes.velocities());
        self.scope.publish_engine(&self.engine, &self.bank);
        self.scope.publish_level(buffer.as_slice_immutable());
        ProcessStatus::KeepAlive
    }
}

impl ClapPlugin for Afterglow {
    const CLAP_ID: &'static str = "org.afterglow.instrument";
    const CLAP_DESCRIPTION: Option<&'static str> =
        Some("Granular clouds and hiss from pads mined out of your own recordings");
    const CLAP_MANUAL_URL: Option<&'static str> = None;
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
