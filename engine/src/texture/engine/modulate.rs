//! `TextureEngine`'s expression input (MPE channel messages, per-note expressions, the mod wheel)
//! and its modulation tick: the engine side of [`crate::texture::modulation`].

use super::{TextureEngine, CONTROL_PERIOD_FRAMES, MAX_VOICES};
use crate::texture::expression::{clean, NUM_CHANNELS};
use crate::texture::modulation::{Destination, ModSettings, TickClock};
use crate::texture::TextureParams;

/// Which voices a per-note event reaches: the note's, on `channel` when it names one.
fn matches(note: Option<u8>, voice_channel: u8, key: u8, channel: Option<u8>) -> bool {
    note == Some(key) && channel.is_none_or(|c| c == voice_channel)
}

impl TextureEngine {
    /// Starts `note` on MIDI `channel` (0..16; MPE member channels are 1..16): as
    /// [`Self::note_on`], and the voice follows that channel's bend, pressure and timbre.
    /// Realtime-safe.
    pub fn note_on_channel(&mut self, note: u8, channel: u8, velocity: f32) {
        self.note_channel = channel.min(NUM_CHANNELS as u8 - 1);
        self.note_on(note, velocity);
        self.note_channel = 0;
    }

    /// Pitch bend of MIDI `channel`, -1..1 (0 is none). On channel 0 (MPE's master channel) it
    /// bends every note by up to 2 semitones; on channels 1..16 the notes on that channel by up to
    /// the Bend Range. Realtime-safe.
    pub fn set_channel_bend(&mut self, channel: u8, bend: f32) {
        self.modulation.channels.bend[usize::from(channel).min(NUM_CHANNELS - 1)] = clean(bend, -1.0, 1.0, 0.0);
    }

    /// Channel pressure of MIDI `channel`, 0..1 (channel 0 reaches every note). Realtime-safe.
    pub fn set_channel_pressure(&mut self, channel: u8, pressure: f32) {
        self.modulation.channels.pressure[usize::from(channel).min(NUM_CHANNELS - 1)] = clean(pressure, 0.0, 1.0, 0.0);
    }

    /// Timbre (CC 74) of MIDI `channel`, 0..1, 0.5 neutral (channel 0 reaches every note).
    /// Realtime-safe.
    pub fn set_channel_timbre(&mut self, channel: u8, timbre: f32) {
        self.modulation.channels.timbre[usize::from(channel).min(NUM_CHANNELS - 1)] = clean(timbre, 0.0, 1.0, 0.5);
    }

    /// The mod wheel (CC 1), 0..1: the Bloom macro (see `expression::bloom`). Realtime-safe.
    pub fn set_mod_wheel(&mut self, wheel: f32) {
        self.modulation.channels.mod_wheel = clean(wheel, 0.0, 1.0, 0.0);
    }

    /// Per-note tuning of `note` (on `channel`, or any channel with `None`), semitones, added to
    /// its pitch after scale snapping (CLAP tuning expression). Realtime-safe.
    pub fn set_note_tuning(&mut self, note: u8, channel: Option<u8>, semitones: f32) {
        self.each_note(note, channel, |e| e.tuning_semitones = clean(semitones, -128.0, 128.0, 0.0));
    }

    /// Per-note pressure of `note`, 0..1 (polyphonic aftertouch, CLAP pressure). Realtime-safe.
    pub fn set_note_pressure(&mut self, note: u8, channel: Option<u8>, pressure: f32) {
        self.each_note(note, channel, |e| e.pressure = clean(pressure, 0.0, 1.0, 0.0));
    }

    /// Per-note brightness of `note`, 0..1, 0.5 neutral (CLAP brightness). Realtime-safe.
    pub fn set_note_brightness(&mut self, note: u8, channel: Option<u8>, brightness: f32) {
        self.each_note(note, channel, |e| e.brightness = Some(clean(brightness, 0.0, 1.0, 0.5)));
    }

    /// The host's per-note modulation of `destination` for `note` (on `channel`, or any with
    /// `None`), replacing the last one given for it (CLAP polyphonic modulation): `amount` is added
    /// to position and spray (fractions) and pitch (semitones), and multiplies size, density, the
    /// low-pass cutoff and the grain level. It applies after the LFOs and expression, and ends
    /// with the note. Realtime-safe.
    pub fn set_note_modulation(&mut self, note: u8, channel: Option<u8>, destination: Destination, amount: f32) {
        self.each_note(note, channel, |e| {
            let host = &mut e.host;
            match destination {
                Destination::Position => host.position = clean(amount, -1.0, 1.0, 0.0),
                Destination::Spray => host.spray = clean(amount, -1.0, 1.0, 0.0),
                Destination::Size => host.size = clean(amount, 1.0 / 64.0, 64.0, 1.0),
                Destination::Density => host.density = clean(amount, 1.0 / 64.0, 64.0, 1.0),
                Destination::Pitch => host.pitch = clean(amount, -48.0, 48.0, 0.0),
                Destination::LowPass => host.lowpass = clean(amount, 1.0 / 1024.0, 1024.0, 1.0),
                Destination::Level => host.level = clean(amount, 0.0, 4.0, 1.0),
            }
        });
    }

    /// Calls `ended` with the note of each note voice that fell silent (its release done, choked,
    /// or stolen) since the last call, in the order they ended. Realtime-safe.
    pub fn drain_ended_notes(&mut self, mut ended: impl FnMut(u8)) {
        for &note in &self.ended_notes[..self.num_ended_notes] {
            ended(note);
        }
        self.num_ended_notes = 0;
    }

    fn each_note(&mut self, note: u8, channel: Option<u8>, mut f: impl FnMut(&mut crate::texture::expression::NoteExpression)) {
        for (voice, expression) in self.voices[..MAX_VOICES].iter().zip(self.modulation.notes.iter_mut()) {
            if !voice.is_idle() && matches(voice.note, expression.channel, note, channel) {
                f(expression);
            }
        }
    }

    /// The value of LFO `lfo` (0 or 1) for voice `voice` this tick, -1..1 (voices 0..16 are note
    /// voices, 16 the hold voice); 0 for a silent voice. For displays and tests. Realtime-safe.
    pub fn lfo_value(&self, lfo: usize, voice: usize) -> f32 {
        self.modulation.lfo_value(lfo, voice)
    }

    /// Works out this tick's modulation of every voice from `params`; returns the cloud low-pass
    /// multiplier. Realtime-safe.
    pub(super) fn modulation_tick(&mut self, params: &TextureParams) -> f32 {
        let settings = ModSettings::from_params(params, &self.values);
        let clock = TickClock {
            beat: self.clock.beat(),
            beats_per_sample: self.clock.beats_per_sample(self.sample_rate_hz),
            sample_rate_hz: self.sample_rate_hz,
            tick_samples: CONTROL_PERIOD_FRAMES as f64,
        };
        let voices = &self.voices;
        self.modulation.tick(settings, &clock, self.seed, |vi| !voices[vi].is_idle())
    }
}
