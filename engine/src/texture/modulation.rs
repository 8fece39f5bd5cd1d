//! The modulation the engine applies each control tick: two LFOs, each with a depth to position,
//! spray, size, density, pitch, low-pass and level (a 2 x 7 matrix of host-automatable depths,
//! no routing menus), per-note expression and the mod wheel, gathered into one [`VoiceMod`] per
//! voice. The grains of a voice draw their position, spray, size, pitch and level from it when
//! they start; its density sets the voice's grain rate; the cloud's low-pass follows the voice
//! asking most of it (it is one filter on the whole cloud).
//!
//! An LFO is shared by every voice unless it restarts at each note (retrigger): then each voice
//! has its own phase from its note-on. A shared LFO that is synced takes its phase from the beat
//! clock (beat / cycle length), so it is phase-locked to the song position; a shared LFO in Hz
//! runs from the engine's wake. Deterministic: the random shapes hash (seed, LFO, cycle, and for a
//! retriggered LFO the note's start order).
//! Audio thread (plain data, no allocation).

use crate::rt::math;
use super::expression::{bloom, ChannelExpression, ExpressionTarget, NoteExpression, VoiceMod};
use super::lfo::LfoSettings;
use super::param_table::{ControlValues, TextureParams};
use super::scale::{Scale, ScaleRoot};
use crate::rt::stream_seed;

/// LFOs.
pub const NUM_LFOS: usize = 2;
/// Destinations of each LFO, in the order of [`Destination`].
pub const NUM_DESTINATIONS: usize = 7;
/// The bend range's table entry (for its clamp).
const BEND_RANGE: super::param_table::ParamSpec = super::param_table::spec_of("bend_range_semitones");
/// Id mixed into the seed of the LFOs' random shapes.
const STREAM_LFO: u64 = 0x6c66_6f00;

/// What an LFO depth moves, and how far at depth 1 (depths run -1..1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    /// ±half the pad.
    Position,
    /// ±100 % position spray.
    Spray,
    /// Grain size x/÷ 4 (two octaves of length).
    Size,
    /// Density x/÷ 8.
    Density,
    /// ±12 semitones (snapped to the scale with the rest of the pitch).
    Pitch,
    /// Low-pass cutoff x/÷ 16 (four octaves).
    LowPass,
    /// Grain level 0..2x (a tremolo at the grains' rate).
    Level,
}

/// Everything the modulation takes from the parameters once per tick.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModSettings {
    pub lfos: [LfoSettings; NUM_LFOS],
    /// Depth of each LFO to each destination (order of [`Destination`]), -1..1.
    pub depths: [[f32; NUM_DESTINATIONS]; NUM_LFOS],
    pub pressure_target: ExpressionTarget,
    pub timbre_target: ExpressionTarget,
    /// Member-channel pitch bend range, semitones.
    pub bend_range_semitones: f32,
    pub scale: Scale,
    pub scale_root: ScaleRoot,
}

impl ModSettings {
    /// The settings in `p` (discrete fields) and `v` (smoothed values). Realtime-safe.
    pub(crate) fn from_params(p: &TextureParams, v: &ControlValues) -> Self {
        let lfo = |shape, rate_hz, sync, division, retrigger| LfoSettings { shape, rate_hz, sync, division, retrigger };
        Self {
            lfos: [
                lfo(p.lfo1_shape, v.lfo1_rate_hz, p.lfo1_sync, p.lfo1_division, p.lfo1_retrigger),
                lfo(p.lfo2_shape, v.lfo2_rate_hz, p.lfo2_sync, p.lfo2_division, p.lfo2_retrigger),
            ],
            depths: [
                [v.lfo1_to_position, v.lfo1_to_spray, v.lfo1_to_size, v.lfo1_to_density, v.lfo1_to_pitch, v.lfo1_to_lowpass, v.lfo1_to_level],
                [v.lfo2_to_position, v.lfo2_to_spray, v.lfo2_to_size, v.lfo2_to_density, v.lfo2_to_pitch, v.lfo2_to_lowpass, v.lfo2_to_level],
            ],
            pressure_target: p.pressure_target,
            timbre_target: p.timbre_target,
            bend_range_semitones: BEND_RANGE.clean(p.bend_range_semitones),
            scale: p.scale,
            scale_root: p.scale_root,
        }
    }
}

/// Where the beat clock is for this tick.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TickClock {
    /// Beat of the tick's first sample.
    pub beat: f64,
    pub beats_per_sample: f64,
    pub sample_rate_hz: f32,
    /// Samples in a tick.
    pub tick_samples: f64,
}

/// LFO phases, per-note expression and this tick's modulation for `N` voices.
#[derive(Debug, Clone, Copy)]
pub struct Modulation<const N: usize> {
    settings: Option<ModSettings>,
    /// Shared phase of each LFO running in Hz, cycles since the engine woke.
    shared_phase: [f64; NUM_LFOS],
    /// Each voice's phase of each retriggered LFO, cycles since its note-on.
    voice_phase: [[f64; NUM_LFOS]; N],
    /// Each voice's start order (seeds its random shapes).
    voice_order: [u64; N],
    /// Each voice's per-note expression.
    pub notes: [NoteExpression; N],
    /// Channel expression and the mod wheel.
    pub channels: ChannelExpression,
    /// This tick's modulation of each voice.
    voice: [VoiceMod; N],
    /// This tick's value of each LFO for each voice, -1..1 (for displays and tests).
    lfo_value: [[f32; NUM_LFOS]; N],
}

impl<const N: usize> Default for Modulation<N> {
    fn default() -> Self {
        Self {
            settings: None,
            shared_phase: [0.0; NUM_LFOS],
            voice_phase: [[0.0; NUM_LFOS]; N],
            voice_order: [0; N],
            notes: [NoteExpression::default(); N],
            channels: ChannelExpression::default(),
            voice: [VoiceMod::NONE; N],
            lfo_value: [[0.0; NUM_LFOS]; N],
        }
    }
}

impl<const N: usize> Modulation<N> {
    /// Back to a clean state, channel expression and mod wheel included. Realtime-safe.
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// Phases and voices back to a clean state, keeping channel expression and the mod wheel (an
    /// MPE controller sends a channel's bend before the note that wakes the engine). Realtime-safe.
    pub fn restart(&mut self) {
        *self = Self { channels: self.channels, ..Self::default() };
    }

    /// A note starts on voice `vi` (MIDI channel `channel`, start order `order`): its retriggered
    /// LFOs restart and its per-note expression clears. Realtime-safe.
    pub fn start_voice(&mut self, vi: usize, channel: u8, order: u64) {
        if vi < N {
            self.voice_phase[vi] = [0.0; NUM_LFOS];
            self.voice_order[vi] = order;
            self.notes[vi] = NoteExpression { channel: channel.min(15), ..NoteExpression::default() };
        }
    }

    /// This tick's modulation of voice `vi` (none past the voices). Realtime-safe.
    pub fn voice(&self, vi: usize) -> VoiceMod {
        self.voice.get(vi).copied().unwrap_or(VoiceMod::NONE)
    }

    /// This tick's value of LFO `lfo` for voice `vi`, -1..1. Realtime-safe.
    pub fn lfo_value(&self, lfo: usize, vi: usize) -> f32 {
        self.lfo_value.get(vi).map_or(0.0, |v| v[lfo.min(NUM_LFOS - 1)])
    }

    /// The scale settings of the last tick.
    pub fn scale(&self) -> (Scale, ScaleRoot) {
        self.settings.map_or((Scale::Off, ScaleRoot::PadKey), |s| (s.scale, s.scale_root))
    }

    /// `semitones` of transposition from a pad whose root note is `pad_root_note` (`root` when it
    /// has none) snapped so that the sounding pitch lies on the scale (see [`super::scale`]).
    /// Unchanged when the scale is off. Realtime-safe.
    pub fn snap(&self, semitones: f32, root: f32, pad_root_note: Option<f32>) -> f32 {
        let (scale, scale_root) = self.scale();
        if scale == Scale::Off {
            return semitones;
        }
        scale.snap(root + semitones, scale_root.class_for(pad_root_note)) - root
    }

    /// Computes every sounding voice's modulation for the tick at `clock` and moves the phases on
    /// one tick; returns the cloud low-pass multiplier (the largest a sounding voice asks, 1 with
    /// none). `sounding(vi)` says which voices sound; `seed` seeds the random shapes. Realtime-safe.
    pub fn tick(&mut self, settings: ModSettings, clock: &TickClock, seed: u64, sounding: impl Fn(usize) -> bool) -> f32 {
        self.settings = Some(settings);
        let mut shared = [0.0f32; NUM_LFOS];
        let mut cycles_per_tick = [0.0f64; NUM_LFOS];
        for (l, lfo) in settings.lfos.iter().enumerate() {
            cycles_per_tick[l] = lfo.cycles_per_sample(clock.sample_rate_hz, clock.beats_per_sample) * clock.tick_samples;
            if !lfo.retrigger {
                let phase = if lfo.sync { lfo.synced_phase(clock.beat) } else { self.shared_phase[l] };
                shared[l] = lfo.shape.value(phase, stream_seed(seed, &[STREAM_LFO, l as u64]));
                self.shared_phase[l] = (self.shared_phase[l] + cycles_per_tick[l]) % 1.0e6;
            }
        }
        let mut lowpass: Option<f32> = None;
        for vi in 0..N {
            if !sounding(vi) {
                self.voice[vi] = VoiceMod::NONE;
                self.lfo_value[vi] = [0.0; NUM_LFOS];
                continue;
            }
            let mut m = VoiceMod::NONE;
            for (l, lfo) in settings.lfos.iter().enumerate() {
                let x = if lfo.retrigger {
                    let phase = self.voice_phase[vi][l];
                    self.voice_phase[vi][l] = (phase + cycles_per_tick[l]) % 1.0e6;
                    lfo.shape.value(phase, stream_seed(seed, &[STREAM_LFO, l as u64, self.voice_order[vi]]))
                } else {
                    shared[l]
                };
                self.lfo_value[vi][l] = x;
                apply_lfo(&mut m, &settings.depths[l], x);
            }
            let (bend, pressure, timbre) = self.channels.of_note(&self.notes[vi], settings.bend_range_semitones);
            m.bend = bend;
            m.drive(settings.pressure_target, pressure, true);
            m.drive(settings.timbre_target, timbre, false);
            bloom(&mut m, self.channels.mod_wheel);
            m.then(&self.notes[vi].host);
            lowpass = Some(lowpass.map_or(m.lowpass, |f: f32| f.max(m.lowpass)));
            self.voice[vi] = m;
        }
        lowpass.unwrap_or(1.0)
    }
}

/// Moves `m` by an LFO at level `x` (-1..1) with `depths` (order of [`Destination`]). A depth of
/// 0 leaves its destination exactly as it was. Realtime-safe.
fn apply_lfo(m: &mut VoiceMod, depths: &[f32; NUM_DESTINATIONS], x: f32) {
    let [position, spray, size, density, pitch, lowpass, level] = depths.map(|d| d * x);
    if position != 0.0 {
        m.position += 0.5 * position;
    }
    if spray != 0.0 {
        m.spray += spray;
    }
    if size != 0.0 {
        m.size *= math::exp2(2.0 * size);
    }
    if density != 0.0 {
        m.density *= math::exp2(3.0 * density);
    }
    if pitch != 0.0 {
        m.pitch += 12.0 * pitch;
    }
    if lowpass != 0.0 {
        m.lowpass *= math::exp2(4.0 * lowpass);
    }
    if level != 0.0 {
        m.level *= (1.0 + level).max(0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::texture::lfo::LfoShape;
    use crate::texture::transport::NoteValue;

    fn settings(lfo1: LfoSettings, depths: [f32; NUM_DESTINATIONS]) -> ModSettings {
        let p = TextureParams::default();
        let mut s = ModSettings::from_params(&p, &super::super::controls::ControlSmoothers::new(1000.0).tick(&p));
        s.lfos[0] = lfo1;
        s.depths[0] = depths;
        s
    }

    fn clock(beat: f64) -> TickClock {
        TickClock { beat, beats_per_sample: 2.0 / 48_000.0, sample_rate_hz: 48_000.0, tick_samples: 64.0 }
    }

    const PITCH_ONLY: [f32; NUM_DESTINATIONS] = [0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0];

    #[test]
    fn a_synced_shared_lfo_is_phase_locked_to_the_beat() {
        let lfo = LfoSettings { shape: LfoShape::Saw, rate_hz: 1.0, sync: true, division: NoteValue { per_whole: 4, feel: crate::texture::Feel::Straight }, retrigger: false };
        let s = settings(lfo, PITCH_ONLY);
        let mut a = Modulation::<2>::default();
        let mut b = Modulation::<2>::default();
        // Different histories, same beat: same value. A quarter-note saw at beat 10.25 is a quarter
        // through its cycle: -0.5, so pitch -6 semitones.
        for i in 0..50 {
            a.tick(s, &clock(i as f64 * 0.1), 9, |_| true);
        }
        a.tick(s, &clock(10.25), 9, |_| true);
        b.tick(s, &clock(10.25), 9, |_| true);
        assert_eq!(a.lfo_value(0, 0), b.lfo_value(0, 0));
        assert!((a.lfo_value(0, 1) + 0.5).abs() < 1e-5, "{}", a.lfo_value(0, 1));
        assert!((a.voice(1).pitch + 6.0).abs() < 1e-4);
    }

    #[test]
    fn a_retriggered_lfo_restarts_at_each_note_on_its_own_voice() {
        let lfo = LfoSettings { shape: LfoShape::Saw, rate_hz: 10.0, sync: false, division: NoteValue::SIXTEENTH, retrigger: true };
        let s = settings(lfo, PITCH_ONLY);
        let mut m = Modulation::<2>::default();
        m.start_voice(0, 0, 1);
        m.tick(s, &clock(0.0), 1, |vi| vi == 0);
        assert_eq!(m.lfo_value(0, 0), -1.0, "a saw starts its cycle at -1");
        for _ in 0..100 {
            m.tick(s, &clock(0.0), 1, |_| true);
        }
        let running = m.lfo_value(0, 0);
        m.start_voice(1, 0, 2);
        m.tick(s, &clock(0.0), 1, |_| true);
        assert_eq!(m.lfo_value(0, 1), -1.0, "the new note's LFO starts from the beginning");
        assert_ne!(m.lfo_value(0, 0), -1.0);
        // 101 ticks of 64 samples at 10 Hz and 48 kHz: 1.3467 cycles in.
        let expected = 2.0 * ((101.0 * 64.0 * 10.0 / 48_000.0f64).fract() as f32) - 1.0;
        assert!((m.lfo_value(0, 0) - expected).abs() < 1e-4 && running != m.lfo_value(0, 0), "{} vs {expected}", m.lfo_value(0, 0));
    }

    #[test]
    fn zero_depths_and_no_expression_leave_every_voice_unmodulated() {
        let lfo = LfoSettings { shape: LfoShape::Square, rate_hz: 5.0, sync: false, division: NoteValue::SIXTEENTH, retrigger: false };
        let mut m = Modulation::<3>::default();
        let lowpass = m.tick(settings(lfo, [0.0; NUM_DESTINATIONS]), &clock(3.0), 4, |_| true);
        assert_eq!((m.voice(0), m.voice(2), lowpass), (VoiceMod::NONE, VoiceMod::NONE, 1.0));
        // Every destination moves with its depth; level can dip to silence.
        let lowpass = m.tick(settings(lfo, [1.0; NUM_DESTINATIONS]), &clock(3.0), 4, |_| true);
        let v = m.voice(0);
        let x = m.lfo_value(0, 0);
        assert_eq!(x.abs(), 1.0);
        assert_eq!((v.position, v.spray, v.pitch), (0.5 * x, x, 12.0 * x));
        assert_eq!((v.size, v.density, v.lowpass, lowpass), (math::exp2(2.0 * x), math::exp2(3.0 * x), math::exp2(4.0 * x), math::exp2(4.0 * x)));
        assert_eq!(v.level, 1.0 + x);
    }
}
