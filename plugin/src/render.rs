//! The audio callback's core: one host block rendered in sub-blocks of at most
//! [`MAX_SUB_BLOCK_FRAMES`], split at note events, so notes start on their exact sample and the
//! engine's scratch stays small. (nice-plug already splits the host buffer at parameter changes.)

use engine::texture::{PadBank, TextureEngine, TextureParams};
use nice_plug::prelude::*;

/// Longest stretch the engine renders with one parameter struct, frames.
pub const MAX_SUB_BLOCK_FRAMES: usize = 64;

/// MIDI CC number of the sustain pedal.
const CC_SUSTAIN: u8 = 64;
/// MIDI CC numbers that silence everything: all sound off, all notes off.
const CC_ALL_SOUND_OFF: u8 = 120;
const CC_ALL_NOTES_OFF: u8 = 123;

/// The keys held down and the pedal, mirrored from the events the engine received, so notes can
/// be started again after the engine is re-seeded.
#[derive(Debug, Clone)]
pub struct HeldNotes {
    /// Velocity of each held key, 0 when up.
    velocity: [f32; 128],
    sustain: bool,
}

impl Default for HeldNotes {
    fn default() -> Self {
        Self { velocity: [0.0; 128], sustain: false }
    }
}

impl HeldNotes {
    /// Apply one incoming note event to the engine, and remember it. Realtime-safe.
    pub fn apply<S>(&mut self, engine: &mut TextureEngine, event: &NoteEvent<S>) {
        match *event {
            NoteEvent::NoteOn { key, velocity, .. } => {
                if let Some(note) = key.number() {
                    // A note-on with velocity 0 is a note-off in MIDI 1 streams; the engine
                    // treats it so too.
                    let velocity = if velocity.is_finite() { velocity.clamp(0.0, 1.0) } else { 0.0 };
                    self.velocity[usize::from(note & 0x7f)] = velocity;
                    engine.note_on(note, velocity);
                }
            }
            NoteEvent::NoteOff { key, .. } | NoteEvent::Choke { key, .. } => {
                if let Some(note) = key.number() {
                    self.velocity[usize::from(note & 0x7f)] = 0.0;
                    engine.note_off(note);
                }
            }
            NoteEvent::MidiCC { cc, value, .. } => match cc {
                CC_SUSTAIN => {
                    self.sustain = value >= 0.5;
                    engine.set_sustain(self.sustain);
                }
                CC_ALL_SOUND_OFF | CC_ALL_NOTES_OFF => {
                    self.clear();
                    engine.all_notes_off();
                }
                _ => {}
            },
            _ => {}
        }
    }

    /// Start every held key again (and put the pedal back) on a freshly reset engine.
    /// Sustained-but-released keys are not restored. Realtime-safe.
    pub fn replay(&self, engine: &mut TextureEngine) {
        engine.set_sustain(self.sustain);
        for (note, &velocity) in self.velocity.iter().enumerate() {
            if velocity > 0.0 {
                engine.note_on(note as u8, velocity);
            }
        }
    }

    /// Forget every key and the pedal. Realtime-safe.
    pub fn clear(&mut self) {
        self.velocity = [0.0; 128];
        self.sustain = false;
    }
}

/// Render `left`/`right` (one block, already split by nice-plug at parameter changes) in
/// sub-blocks, applying each event from `next_event` at its own sample. Events with timings past
/// the block are applied at its end. Realtime-safe.
pub fn render_block<S>(
    engine: &mut TextureEngine,
    notes: &mut HeldNotes,
    bank: &PadBank,
    params: &TextureParams,
    left: &mut [f32],
    right: &mut [f32],
    mut next_event: impl FnMut() -> Option<NoteEvent<S>>,
) {
    let num_frames = left.len().min(right.len());
    let mut pending = next_event();
    let mut start = 0;
    loop {
        while let Some(event) = pending.as_ref() {
            if event.timing() as usize > start && start < num_frames {
                break;
            }
            notes.apply(engine, event);
            pending = next_event();
        }
        if start >= num_frames {
            break;
        }
        let mut end = (start + MAX_SUB_BLOCK_FRAMES).min(num_frames);
        if let Some(event) = pending.as_ref() {
            end = end.min(event.timing() as usize);
        }
        engine.process(params, bank, &mut left[start..end], &mut right[start..end]);
        start = end;
    }
}
