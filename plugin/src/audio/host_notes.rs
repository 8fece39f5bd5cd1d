//! The host's side of each note: its id (a CLAP note id), the host's per-note modulation of six
//! parameters (CLAP polyphonic modulation: Position, Spray, Size, Density, Pitch and Low-pass, each
//! an offset on the parameter's own knob for one note), and the notes whose voices ended, which the
//! plugin tells the host (CLAP's note-end event) so it can free that note's modulation.
//!
//! A poly-modulated note's value is the parameter's normalised value plus the host's normalised
//! offset, as a plain value (the framework's rule); the engine takes it as a difference from the
//! knob's value (added for position, spray and pitch; a ratio for size, density and the cutoff),
//! so the knob's own smoothing and automation still move the note with it. Audio thread only; no
//! allocation.

use engine::texture::modulation::Destination;
use engine::texture::TextureEngine;
use nice_plug::prelude::*;

use crate::params::{AfterglowParams, NUM_POLY_PARAMS};

/// Where each poly-modulated parameter goes in the engine, by poly modulation id (`params::POLY_*`).
const DESTINATIONS: [Destination; NUM_POLY_PARAMS] =
    [Destination::Position, Destination::Spray, Destination::Size, Destination::Density, Destination::Pitch, Destination::LowPass];
/// Voice ends kept between two host blocks (every voice can end twice in one block: released,
/// then retriggered and stolen).
const MAX_ENDS: usize = 64;

/// The poly-modulated parameters' ranges and normalised values, read once per host block.
#[derive(Debug, Clone, Copy)]
pub struct PolyValues {
    ranges: [FloatRange; NUM_POLY_PARAMS],
    normalized: [f32; NUM_POLY_PARAMS],
}

impl PolyValues {
    /// The values of `params` now. Realtime-safe.
    pub fn from_params(params: &AfterglowParams) -> Self {
        // In the order of the poly modulation ids.
        let all = [&params.position, &params.position_spray, &params.grain_size_ms, &params.density_hz, &params.pitch_semitones, &params.lowpass_hz];
        Self { ranges: all.map(FloatParam::range), normalized: all.map(|p| p.unmodulated_normalized_value()) }
    }

    /// The engine's amount for parameter `id` at `offset` (normalised) from its value: the plain
    /// difference for position, spray and pitch, the ratio for size, density and the cutoff.
    fn amount(&self, id: usize, offset: f32) -> f32 {
        let (range, value) = (self.ranges[id], self.normalized[id]);
        let (modulated, plain) = (range.unnormalize((value + offset).clamp(0.0, 1.0)), range.unnormalize(value));
        match DESTINATIONS[id] {
            Destination::Position | Destination::Spray | Destination::Pitch => modulated - plain,
            _ if plain > 0.0 => modulated / plain,
            _ => 1.0,
        }
    }
}

/// A voice that ended, to be told to the host.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VoiceEnd {
    /// Frame in the host block.
    pub timing: u32,
    pub key: u8,
    pub channel: u8,
    /// The host's note id, when it gave one.
    pub voice_id: Option<i32>,
}

/// Each key's note id and poly modulation offsets, and the voice ends not yet told.
pub struct HostNotes {
    /// Per key: the host's id of the note sounding on it (if given) and its channel.
    notes: [Option<(Option<i32>, u8)>; 128],
    /// Per key: the host's offset of each poly-modulated parameter, normalised.
    offsets: [[Option<f32>; NUM_POLY_PARAMS]; 128],
    values: PolyValues,
    ends: [VoiceEnd; MAX_ENDS],
    num_ends: usize,
}

impl Default for HostNotes {
    /// No notes; the parameters' values come with the first block ([`HostNotes::set_values`]).
    fn default() -> Self {
        let none = VoiceEnd { timing: 0, key: 0, channel: 0, voice_id: None };
        let unit = FloatRange::Linear { min: 0.0, max: 1.0 };
        Self {
            notes: [None; 128],
            offsets: [[None; NUM_POLY_PARAMS]; 128],
            values: PolyValues { ranges: [unit; NUM_POLY_PARAMS], normalized: [0.0; NUM_POLY_PARAMS] },
            ends: [none; MAX_ENDS],
            num_ends: 0,
        }
    }
}

impl HostNotes {
    /// The poly-modulated parameters' values for this host block. Realtime-safe.
    pub fn set_values(&mut self, values: PolyValues) {
        self.values = values;
    }

    /// Follows a host event: a note-on takes the note's id (a new note on a key still sounding
    /// ends the old note for the host); poly modulation of a note moves that note's parameter;
    /// automation of a poly-modulated parameter moves every modulated note with it. Realtime-safe.
    pub fn apply<S>(&mut self, engine: &mut TextureEngine, event: &NoteEvent<S>) {
        match *event {
            NoteEvent::NoteOn { timing, voice_id, channel, key, velocity } if velocity > 0.0 => {
                let (Some(key), channel) = (key.number(), channel.number().unwrap_or(0)) else { return };
                let (key, voice_id) = (key & 0x7f, voice_id.id());
                if let Some((old_id, old_channel)) = self.notes[usize::from(key)] {
                    if old_id != voice_id {
                        self.push_end(VoiceEnd { timing, key, channel: old_channel, voice_id: old_id });
                    }
                }
                self.notes[usize::from(key)] = Some((voice_id, channel));
                self.offsets[usize::from(key)] = [None; NUM_POLY_PARAMS];
            }
            NoteEvent::PolyModulation { voice_id, poly_modulation_id, normalized_offset, .. } => {
                let id = poly_modulation_id as usize;
                let key = self.notes.iter().position(|n| n.is_some_and(|(v, _)| v == Some(voice_id)));
                if let (Some(key), true) = (key, id < NUM_POLY_PARAMS && normalized_offset.is_finite()) {
                    self.offsets[key][id] = Some(normalized_offset);
                    self.send(engine, key, id);
                }
            }
            NoteEvent::MonoAutomation { poly_modulation_id, normalized_value, .. } => {
                let id = poly_modulation_id as usize;
                if id < NUM_POLY_PARAMS && normalized_value.is_finite() {
                    self.values.normalized[id] = normalized_value.clamp(0.0, 1.0);
                    for key in 0..128 {
                        if self.offsets[key][id].is_some() {
                            self.send(engine, key, id);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// Gives the engine key `key`'s modulation of parameter `id`.
    fn send(&self, engine: &mut TextureEngine, key: usize, id: usize) {
        if let (Some((_, channel)), Some(offset)) = (self.notes[key], self.offsets[key][id]) {
            engine.set_note_modulation(key as u8, Some(channel), DESTINATIONS[id], self.values.amount(id, offset));
        }
    }

    /// Takes the notes whose voices the engine ended as voice ends at frame `timing`.
    /// Realtime-safe.
    pub fn collect_ended(&mut self, engine: &mut TextureEngine, timing: u32) {
        let mut ended = [0u8; 32];
        let mut num = 0;
        engine.drain_ended_notes(|note| {
            if num < ended.len() {
                ended[num] = note;
                num += 1;
            }
        });
        for &key in &ended[..num] {
            if let Some((voice_id, channel)) = self.notes[usize::from(key & 0x7f)].take() {
                self.offsets[usize::from(key & 0x7f)] = [None; NUM_POLY_PARAMS];
                self.push_end(VoiceEnd { timing, key, channel, voice_id });
            }
        }
    }

    fn push_end(&mut self, end: VoiceEnd) {
        if let Some(slot) = self.ends.get_mut(self.num_ends) {
            *slot = end;
            self.num_ends += 1;
        }
    }

    /// Calls `tell` with each voice end since the last call, in order. Realtime-safe.
    pub fn drain_ends(&mut self, mut tell: impl FnMut(&VoiceEnd)) {
        for end in &self.ends[..self.num_ends] {
            tell(end);
        }
        self.num_ends = 0;
    }

    /// Forgets every note (the engine was reset). Realtime-safe.
    pub fn clear(&mut self) {
        self.notes = [None; 128];
        self.offsets = [[None; NUM_POLY_PARAMS]; 128];
        self.num_ends = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nice_plug::midi::{Channel, Key, VoiceID};

    fn note_on(key: u8, id: i32) -> NoteEvent<()> {
        NoteEvent::NoteOn { timing: 5, voice_id: VoiceID::ID(id), channel: Channel::Number(0), key: Key::Number(key), velocity: 0.8 }
    }

    #[test]
    fn a_new_note_on_a_sounding_key_ends_the_old_note_for_the_host() {
        let mut engine = TextureEngine::new();
        let mut notes = HostNotes::default();
        notes.apply(&mut engine, &note_on(60, 1));
        notes.apply(&mut engine, &note_on(64, 2));
        notes.apply(&mut engine, &note_on(60, 3));
        let mut ends = Vec::new();
        notes.drain_ends(|e| ends.push(*e));
        assert_eq!(ends, [VoiceEnd { timing: 5, key: 60, channel: 0, voice_id: Some(1) }]);
        notes.drain_ends(|_| panic!("told twice"));
    }
}
