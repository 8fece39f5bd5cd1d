//! The audio callback's core: one host block rendered in sub-blocks of at most
//! [`MAX_SUB_BLOCK_FRAMES`], split at note events, so notes start on their exact sample and the
//! engine's scratch stays small. (nice-plug already splits the host buffer at parameter changes.)

use engine::texture::{PadBank, TextureEngine, TextureParams};

use super::host_notes::HostNotes;
use super::host_transport::HostTransport;
use nice_plug::prelude::*;

/// Longest stretch the engine renders with one parameter struct, frames.
pub const MAX_SUB_BLOCK_FRAMES: usize = 64;

/// MIDI CC number of the sustain pedal.
const CC_SUSTAIN: u8 = 64;
/// MIDI CC number of the mod wheel (the engine's Bloom macro).
const CC_MOD_WHEEL: u8 = 1;
/// MIDI CC number of MPE's timbre (sound controller 5, "brightness").
const CC_TIMBRE: u8 = 74;
/// MIDI CC numbers that silence everything: all sound off, all notes off.
const CC_ALL_SOUND_OFF: u8 = 120;
const CC_ALL_NOTES_OFF: u8 = 123;

/// The keys held down and the pedal, mirrored from the events the engine received (for the
/// editor's recipe capture).
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
            NoteEvent::NoteOn { key, velocity, channel, .. } => {
                if let Some(note) = key.number() {
                    // A note-on with velocity 0 is a note-off in MIDI 1 streams; the engine
                    // treats it so too.
                    let velocity = if velocity.is_finite() { velocity.clamp(0.0, 1.0) } else { 0.0 };
                    self.velocity[usize::from(note & 0x7f)] = velocity;
                    // The channel matters for MPE: the voice follows its channel's bend,
                    // pressure and timbre.
                    engine.note_on_channel(note, channel.number().unwrap_or(0), velocity);
                }
            }
            NoteEvent::NoteOff { key, .. } => {
                if let Some(note) = key.number() {
                    self.velocity[usize::from(note & 0x7f)] = 0.0;
                    engine.note_off(note);
                }
            }
            NoteEvent::Choke { key, .. } => {
                if let Some(note) = key.number() {
                    self.velocity[usize::from(note & 0x7f)] = 0.0;
                    engine.choke_note(note);
                }
            }
            NoteEvent::MidiCC { cc, value, channel, .. } => match cc {
                CC_SUSTAIN => {
                    self.sustain = value >= 0.5;
                    engine.set_sustain(self.sustain);
                }
                // All sound off: silent within about 10 ms. All notes off: every note releases.
                CC_ALL_SOUND_OFF => {
                    self.clear();
                    engine.all_sound_off();
                }
                CC_ALL_NOTES_OFF => {
                    self.clear();
                    engine.all_notes_off();
                }
                CC_MOD_WHEEL => engine.set_mod_wheel(value),
                CC_TIMBRE => engine.set_channel_timbre(channel, value),
                _ => {}
            },
            NoteEvent::MidiPitchBend { channel, value, .. } => engine.set_channel_bend(channel, bend_of(value)),
            NoteEvent::MidiChannelPressure { channel, pressure, .. } => engine.set_channel_pressure(channel, pressure),
            // Per-note expressions (CLAP note expressions, VST3 note expressions, MIDI polyphonic
            // aftertouch), keyed by note and channel.
            NoteEvent::PolyPressure { key, channel, pressure, .. } => {
                if let Some(note) = key.number() {
                    engine.set_note_pressure(note, channel.number(), pressure);
                }
            }
            NoteEvent::PolyTuning { key, channel, tuning, .. } => {
                if let Some(note) = key.number() {
                    engine.set_note_tuning(note, channel.number(), tuning);
                }
            }
            // nice-plug's VST3 wrapper hands VST3's brightness expression over as `PolyExpression`
            // (its ids for the two are swapped), so both mean timbre here.
            NoteEvent::PolyBrightness { key, channel, brightness: value, .. }
            | NoteEvent::PolyExpression { key, channel, expression: value, .. } => {
                if let Some(note) = key.number() {
                    engine.set_note_brightness(note, channel.number(), value);
                }
            }
            _ => {}
        }
    }

    /// Velocity of each key held down (0 when up), indexed by MIDI note. Realtime-safe.
    pub fn velocities(&self) -> &[f32; 128] {
        &self.velocity
    }

    /// Forget every key and the pedal. Realtime-safe.
    pub fn clear(&mut self) {
        self.velocity = [0.0; 128];
        self.sustain = false;
    }
}

/// A MIDI pitch bend as nice-plug gives it (0..1, the 14-bit value over 16 383) as -1..1 with
/// 8192 exactly 0. Realtime-safe.
fn bend_of(value: f32) -> f32 {
    let raw = (value * 16_383.0).round();
    ((raw - 8192.0) / 8192.0).clamp(-1.0, 1.0)
}

/// Render `left`/`right` (one block, already split by nice-plug at parameter changes) in
/// sub-blocks, applying each event from `next_event` at its own sample (to the engine and to the
/// host's notes, which also collect the voices that ended in each sub-block). Events with timings past
/// the block are applied at its end. `transport` is where the song stands at the block's first
/// sample; each sub-block gives the engine its song position (which seeds a sound that starts from
/// silence, see `TextureEngine::set_song_position`) and its beat and tempo (see
/// `TextureEngine::set_transport`). Realtime-safe.
#[allow(clippy::too_many_arguments)]
pub fn render_block<S>(
    engine: &mut TextureEngine,
    notes: &mut HeldNotes,
    host_notes: &mut HostNotes,
    bank: &PadBank,
    params: &TextureParams,
    transport: &HostTransport,
    left: &mut [f32],
    right: &mut [f32],
    mut next_event: impl FnMut() -> Option<NoteEvent<S>>,
) {
    let num_frames = left.len().min(right.len());
    let mut pending = next_event();
    let mut start = 0;
    loop {
        engine.set_song_position(transport.samples_at(start));
        engine.set_transport(&transport.at(start));
        while let Some(event) = pending.as_ref() {
            if event.timing() as usize > start && start < num_frames {
                break;
            }
            notes.apply(engine, event);
            host_notes.apply(engine, event);
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
        host_notes.collect_ended(engine, (end - 1) as u32);
        start = end;
    }
}

#[cfg(test)]
mod tests {
    use engine::texture::{Pad, builtin_pad};
    use nice_plug::midi::{Channel, Key, VoiceID};

    use super::*;

    const SAMPLE_RATE_HZ: f32 = 48_000.0;

    fn note_on(timing: u32, note: u8) -> NoteEvent<()> {
        NoteEvent::NoteOn {
            timing,
            voice_id: VoiceID::Wildcard,
            channel: Channel::Number(0),
            key: Key::Number(note),
            velocity: 0.9,
        }
    }

    fn note_off(timing: u32, note: u8) -> NoteEvent<()> {
        NoteEvent::NoteOff {
            timing,
            voice_id: VoiceID::Wildcard,
            channel: Channel::Number(0),
            key: Key::Number(note),
            velocity: 0.0,
        }
    }

    fn sustain(timing: u32, down: bool) -> NoteEvent<()> {
        NoteEvent::MidiCC { timing, channel: 0, cc: CC_SUSTAIN, value: if down { 1.0 } else { 0.0 } }
    }

    fn setup() -> (TextureEngine, PadBank, TextureParams) {
        let mut engine = TextureEngine::new();
        engine.prepare(engine::texture::ProcessSpec {
            sample_rate_hz: SAMPLE_RATE_HZ,
            max_block_frames: MAX_SUB_BLOCK_FRAMES,
        });
        engine.reset(1);
        let mut bank = PadBank::new();
        let pad: Pad = builtin_pad(44_100.0);
        bank.insert(0, pad);
        let params = TextureParams { attack_ms: 1.0, release_ms: 20.0, ..TextureParams::default() };
        (engine, bank, params)
    }

    /// Render `num_frames` with `events`, returning the left channel.
    fn render(
        engine: &mut TextureEngine,
        notes: &mut HeldNotes,
        bank: &PadBank,
        params: &TextureParams,
        num_frames: usize,
        events: &[NoteEvent<()>],
    ) -> Vec<f32> {
        let mut left = vec![0.0; num_frames];
        let mut right = vec![0.0; num_frames];
        let mut queue = events.iter().copied();
        render_block(engine, notes, &mut HostNotes::default(), bank, params, &HostTransport::none(), &mut left, &mut right, || queue.next());
        left
    }

    fn energy(x: &[f32]) -> f32 {
        x.iter().map(|v| v * v).sum()
    }

    #[test]
    fn a_note_starts_at_its_own_sample_not_at_the_block_start() {
        let (mut engine, bank, params) = setup();
        let mut notes = HeldNotes::default();
        let out = render(&mut engine, &mut notes, &bank, &params, 4096, &[note_on(1000, 60)]);
        assert_eq!(energy(&out[..1000]), 0.0, "sound before the note");
        assert!(energy(&out[2000..]) > 1e-3, "no sound after the note");
    }

    #[test]
    fn sustain_holds_released_notes_until_the_pedal_lifts() {
        let (mut engine, bank, params) = setup();
        let mut notes = HeldNotes::default();
        let events = [sustain(0, true), note_on(0, 60), note_off(4800, 60)];
        let held = render(&mut engine, &mut notes, &bank, &params, 24_000, &events);
        assert!(energy(&held[19_200..]) > 1e-3, "pedal did not hold the note");
        let lifted = render(&mut engine, &mut notes, &bank, &params, 48_000, &[sustain(0, false)]);
        assert!(energy(&lifted[..4800]) > 0.0);
        assert_eq!(energy(&lifted[24_000..]), 0.0, "note still sounds after the pedal lifted");
    }

    #[test]
    fn all_sound_off_silences_within_ten_milliseconds_and_all_notes_off_releases() {
        let (mut engine, bank, mut params) = setup();
        params.release_ms = 5000.0;
        let mut notes = HeldNotes::default();
        let cc = |cc: u8| NoteEvent::MidiCC { timing: 0, channel: 0, cc, value: 0.0 };
        render(&mut engine, &mut notes, &bank, &params, 9600, &[note_on(0, 60)]);
        let released = render(&mut engine, &mut notes, &bank, &params, 9600, &[cc(CC_ALL_NOTES_OFF)]);
        assert!(energy(&released[4800..]) > 1e-3, "all notes off cut the 5 s release short");
        render(&mut engine, &mut notes, &bank, &params, 9600, &[note_on(0, 60)]);
        let off = render(&mut engine, &mut notes, &bank, &params, 9600, &[cc(CC_ALL_SOUND_OFF)]);
        let ten_ms = (0.010 * SAMPLE_RATE_HZ) as usize + engine::texture::CONTROL_PERIOD_FRAMES;
        let peak_after = off[ten_ms..].iter().fold(0.0f32, |m, x| m.max(x.abs()));
        assert!(peak_after < 1e-3, "still sounding after all sound off: {peak_after}");
    }
}
