//! The instrument's whole audio path in one place: the pad inbox, the bank, the engine and the held
//! notes, and what activation, reset and one host block do to them. The plugin drives it from
//! nice-plug's callbacks; the tests drive the very same code in their own process (to read what the
//! built plugin cannot show, such as the limiter's activity), so there is one audio path, not two.

use engine::texture::{Pad, PadBank, ProcessSpec, TextureEngine};
use engine::voice::limiter::LimiterStats;
use nice_plug::prelude::NoteEvent;

use super::host_notes::{HostNotes, PolyValues, VoiceEnd};
use super::host_transport::HostTransport;
use super::inbox::PadInbox;
use super::render::{render_block, HeldNotes, MAX_SUB_BLOCK_FRAMES};
use crate::params::AfterglowParams;
use crate::queues::AudioEnds;

/// Everything the audio thread owns.
pub struct AudioPath {
    engine: TextureEngine,
    bank: PadBank,
    inbox: PadInbox,
    /// Keys and pedal held (for the editor's recipe capture).
    held_notes: HeldNotes,
    /// Note ids, the host's per-note modulation, and voice ends to tell the host.
    host_notes: HostNotes,
    /// The seed the engine was last given.
    current_seed: u64,
}

impl AudioPath {
    /// An empty bank fed by the audio thread's queue ends. Not realtime-safe: allocates.
    pub fn new(ends: AudioEnds) -> Self {
        Self {
            engine: TextureEngine::new(),
            bank: PadBank::new(),
            inbox: PadInbox::new(ends),
            held_notes: HeldNotes::default(),
            host_notes: HostNotes::default(),
            current_seed: 0,
        }
    }

    /// Put `pad` into slot 0 when the bank is empty (the built-in texture before anything is
    /// mined); returns whether it did. Not realtime-safe: may free the pad it is given.
    pub fn fill_empty_bank(&mut self, pad: Pad) -> bool {
        let empty = self.bank.num_filled() == 0;
        if empty {
            self.bank.insert(0, pad);
        }
        empty
    }

    /// Size everything for `sample_rate_hz` (host activation). Not realtime-safe: allocates.
    pub fn activate(&mut self, sample_rate_hz: f32) {
        self.engine.prepare(ProcessSpec { sample_rate_hz, max_block_frames: MAX_SUB_BLOCK_FRAMES });
        self.inbox.set_sample_rate(sample_rate_hz);
    }

    /// Start from a clean state with `params`' seed; no key is held. Realtime-safe.
    pub fn reset(&mut self, params: &AfterglowParams) {
        self.current_seed = params.seed_value();
        self.engine.reset(self.current_seed);
        self.held_notes.clear();
        self.host_notes.clear();
    }

    /// One host block of `left.len()` frames: take finished pads into the bank, follow a new seed
    /// (new random streams without cutting what sounds), then render in sub-blocks split at the
    /// events `next_event` gives. `transport` is where the host's song stands at the block's
    /// start. `right` is `None` when the host gave no stereo output: the events are still applied
    /// so notes stay in step. Realtime-safe.
    pub fn process_block<S>(
        &mut self,
        params: &AfterglowParams,
        transport: &HostTransport,
        left: &mut [f32],
        right: Option<&mut [f32]>,
        mut next_event: impl FnMut() -> Option<NoteEvent<S>>,
    ) {
        self.inbox.collect_retired(&mut self.bank, left.len());
        self.inbox.apply(&mut self.bank);
        let seed = params.seed_value();
        if seed != self.current_seed {
            self.current_seed = seed;
            self.engine.reseed(seed);
        }
        let texture = params.texture_params();
        self.host_notes.set_values(PolyValues::from_params(params));
        match right {
            Some(right) => {
                let (notes, host_notes) = (&mut self.held_notes, &mut self.host_notes);
                render_block(&mut self.engine, notes, host_notes, &self.bank, &texture, transport, left, right, next_event);
            }
            None => {
                while let Some(event) = next_event() {
                    self.held_notes.apply(&mut self.engine, &event);
                    self.host_notes.apply(&mut self.engine, &event);
                }
            }
        }
    }

    /// Calls `tell` with each voice that ended in the last block (for the host's note-end
    /// events). Realtime-safe.
    pub fn drain_voice_ends(&mut self, tell: impl FnMut(&VoiceEnd)) {
        self.host_notes.drain_ends(tell);
    }

    /// The engine, for the scope. Realtime-safe.
    pub fn engine(&self) -> &TextureEngine {
        &self.engine
    }

    /// The bank, for the scope. Realtime-safe.
    pub fn bank(&self) -> &PadBank {
        &self.bank
    }

    /// The velocity of every key held, indexed by MIDI note. Realtime-safe.
    pub fn held_velocities(&self) -> &[f32; 128] {
        self.held_notes.velocities()
    }

    /// What the engine's safety limiter did since the last reset. Realtime-safe.
    pub fn limiter_stats(&self) -> LimiterStats {
        self.engine.limiter_stats()
    }
}
