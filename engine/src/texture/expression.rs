//! Per-note expression: pitch bend, pressure and timbre for each voice, from MPE (one note per MIDI
//! channel: channel pitch bend, channel pressure, CC 74) or from per-note events (CLAP note
//! expressions tuning, pressure and brightness; MIDI polyphonic aftertouch), and the mod wheel.
//!
//! MPE's lower zone: channel 1 (index 0) is the master channel, whose bend (±2 semitones, the MIDI
//! default), pressure and CC 74 reach every note, so a plain keyboard on channel 1 still bends and
//! presses every note; channels 2-16 are member channels whose messages reach only the notes on
//! them, bent by the Bend Range parameter (48 semitones by default, MPE's default).
//!
//! Where they go: pressure and timbre each drive one target (density, position or the low-pass),
//! chosen by parameters; the mod wheel is the Bloom macro (see [`bloom`]).
//! Audio thread (plain data, no allocation).

use crate::rt::math;
use serde::{Deserialize, Serialize};

/// MIDI channels.
pub const NUM_CHANNELS: usize = 16;
/// Bend range of the master channel (MIDI's default), semitones.
pub const MASTER_BEND_RANGE_SEMITONES: f32 = 2.0;
/// Timbre (CC 74, brightness) with no effect: MPE controllers rest at 64.
pub const NEUTRAL_TIMBRE: f32 = 0.5;

/// What pressure or timbre drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpressionTarget {
    Off,
    /// Grains per second, per voice: pressure multiplies it up to 8x; timbre by 1/4..4x.
    #[default]
    Density,
    /// The cloud's low-pass: pressure opens it up to 5 octaves above the knob; timbre moves it
    /// 4 octaves either way. The filter is the cloud's, so it follows the note asking most of it.
    LowPass,
    /// Read position, per voice: pressure moves it up to half the pad on; timbre a quarter either way.
    Position,
}

impl ExpressionTarget {
    /// Every target, in the host's list order.
    pub const ALL: [Self; 4] = [Self::Off, Self::Density, Self::LowPass, Self::Position];

    /// Its name as the editor and hosts show it. Realtime-safe.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Off => "Off",
            Self::Density => "Density",
            Self::Position => "Position",
            Self::LowPass => "Low-pass",
        }
    }
}

/// One voice's modulation for a control tick: what its grains and its density are moved by.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VoiceMod {
    /// Added to the read position, fraction of the pad.
    pub position: f32,
    /// Added to the position spray, fraction.
    pub spray: f32,
    /// Grain length multiplier.
    pub size: f32,
    /// Grains-per-second multiplier.
    pub density: f32,
    /// Added to the grain pitch before scale snapping, semitones.
    pub pitch: f32,
    /// Added after scale snapping (pitch bend), semitones.
    pub bend: f32,
    /// Cutoff multiplier the voice asks of the cloud's low-pass.
    pub lowpass: f32,
    /// Grain level multiplier.
    pub level: f32,
}

impl VoiceMod {
    /// No modulation: every value leaves its parameter as it is (bit for bit).
    pub const NONE: Self = Self { position: 0.0, spray: 0.0, size: 1.0, density: 1.0, pitch: 0.0, bend: 0.0, lowpass: 1.0, level: 1.0 };

    /// Drives `target` by `amount` (pressure 0..1 when `unipolar`, timbre -1..1 else). Realtime-safe.
    pub fn drive(&mut self, target: ExpressionTarget, amount: f32, unipolar: bool) {
        match (target, unipolar) {
            (ExpressionTarget::Off, _) => {}
            (ExpressionTarget::Density, true) => self.density *= math::exp2(3.0 * amount),
            (ExpressionTarget::Density, false) => self.density *= math::exp2(2.0 * amount),
            (ExpressionTarget::Position, true) => self.position += 0.5 * amount,
            (ExpressionTarget::Position, false) => self.position += 0.25 * amount,
            (ExpressionTarget::LowPass, true) => self.lowpass *= math::exp2(5.0 * amount),
            (ExpressionTarget::LowPass, false) => self.lowpass *= math::exp2(4.0 * amount),
        }
    }

    /// Moves this modulation on by `other`'s: offsets add, multipliers multiply. Realtime-safe.
    pub fn then(&mut self, other: &VoiceMod) {
        self.position += other.position;
        self.spray += other.spray;
        self.size *= other.size;
        self.density *= other.density;
        self.pitch += other.pitch;
        self.bend += other.bend;
        self.lowpass *= other.lowpass;
        self.level *= other.level;
    }
}

/// The mod wheel's macro, "Bloom": at `wheel` (0..1) the cloud thickens and opens together:
/// density up to 4x, position spray up to +50 % of the pad, low-pass up to 3 octaves higher.
/// Wheel down (0) changes nothing. Realtime-safe.
pub fn bloom(m: &mut VoiceMod, wheel: f32) {
    if wheel > 0.0 {
        m.density *= math::exp2(2.0 * wheel);
        m.spray += 0.5 * wheel;
        m.lowpass *= math::exp2(3.0 * wheel);
    }
}

/// Per-note expression of one voice.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NoteExpression {
    /// MIDI channel of the note, 0..16.
    pub channel: u8,
    /// Per-note tuning (CLAP), semitones.
    pub tuning_semitones: f32,
    /// Per-note pressure (CLAP, polyphonic aftertouch), 0..1.
    pub pressure: f32,
    /// Per-note brightness (CLAP), 0..1; `None` until one arrives (then the channel's CC 74 counts).
    pub brightness: Option<f32>,
    /// The host's modulation of this note's parameters (CLAP polyphonic modulation), applied after
    /// the LFOs and expression.
    pub host: VoiceMod,
}

impl Default for NoteExpression {
    fn default() -> Self {
        Self { channel: 0, tuning_semitones: 0.0, pressure: 0.0, brightness: None, host: VoiceMod::NONE }
    }
}

/// Channel expression (MPE and plain MIDI) and the mod wheel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChannelExpression {
    /// Pitch bend per channel, -1..1.
    pub bend: [f32; NUM_CHANNELS],
    /// Channel pressure per channel, 0..1.
    pub pressure: [f32; NUM_CHANNELS],
    /// CC 74 per channel, 0..1.
    pub timbre: [f32; NUM_CHANNELS],
    /// Mod wheel (CC 1, any channel), 0..1.
    pub mod_wheel: f32,
}

impl Default for ChannelExpression {
    fn default() -> Self {
        Self { bend: [0.0; NUM_CHANNELS], pressure: [0.0; NUM_CHANNELS], timbre: [NEUTRAL_TIMBRE; NUM_CHANNELS], mod_wheel: 0.0 }
    }
}

/// A finite value clamped to `lo..=hi`, else `fallback`.
pub fn clean(x: f32, lo: f32, hi: f32, fallback: f32) -> f32 {
    if x.is_finite() { x.clamp(lo, hi) } else { fallback }
}

impl ChannelExpression {
    /// The bend, pressure and timbre (-1..1) a note with `note` expression hears: its own channel's
    /// (a member channel's bend scaled by `bend_range_semitones`) plus the master channel's, and
    /// its per-note values. Realtime-safe.
    pub fn of_note(&self, note: &NoteExpression, bend_range_semitones: f32) -> (f32, f32, f32) {
        let ch = usize::from(note.channel).min(NUM_CHANNELS - 1);
        let mut bend = self.bend[0] * MASTER_BEND_RANGE_SEMITONES + note.tuning_semitones;
        let mut pressure = self.pressure[0].max(note.pressure);
        let mut timbre = self.timbre[0] - NEUTRAL_TIMBRE;
        if ch != 0 {
            bend += self.bend[ch] * bend_range_semitones;
            pressure = pressure.max(self.pressure[ch]);
            timbre += self.timbre[ch] - NEUTRAL_TIMBRE;
        }
        if let Some(b) = note.brightness {
            timbre += b - NEUTRAL_TIMBRE;
        }
        (bend, pressure, (2.0 * timbre).clamp(-1.0, 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_channels_bend_their_own_notes_and_the_master_channel_bends_all() {
        let mut ch = ChannelExpression::default();
        ch.bend[3] = 0.5;
        let on3 = NoteExpression { channel: 3, ..NoteExpression::default() };
        let on4 = NoteExpression { channel: 4, ..NoteExpression::default() };
        assert_eq!(ch.of_note(&on3, 48.0).0, 24.0);
        assert_eq!(ch.of_note(&on4, 48.0).0, 0.0);
        ch.bend[0] = -1.0;
        assert_eq!(ch.of_note(&on4, 48.0).0, -2.0);
        let tuned = NoteExpression { tuning_semitones: 7.0, ..on4 };
        assert_eq!(ch.of_note(&tuned, 48.0).0, 5.0);
        ch.pressure[3] = 0.7;
        assert_eq!((ch.of_note(&on3, 48.0).1, ch.of_note(&on4, 48.0).1), (0.7, 0.0));
        ch.timbre[4] = 1.0;
        assert_eq!((ch.of_note(&on3, 48.0).2, ch.of_note(&on4, 48.0).2), (0.0, 1.0));
        let bright = NoteExpression { brightness: Some(0.25), ..on3 };
        assert_eq!(ch.of_note(&bright, 48.0).2, -0.5);
    }

    #[test]
    fn targets_and_bloom_move_what_they_name() {
        let mut m = VoiceMod::NONE;
        m.drive(ExpressionTarget::Density, 1.0, true);
        assert_eq!(m.density, 8.0);
        m.drive(ExpressionTarget::LowPass, -1.0, false);
        assert_eq!(m.lowpass, 1.0 / 16.0);
        m.drive(ExpressionTarget::Position, 1.0, true);
        assert_eq!(m.position, 0.5);
        let before = m;
        m.drive(ExpressionTarget::Off, 1.0, true);
        bloom(&mut m, 0.0);
        assert_eq!(m, before);
        bloom(&mut m, 1.0);
        assert_eq!((m.density, m.spray, m.lowpass), (32.0, 0.5, 0.5));
    }
}
