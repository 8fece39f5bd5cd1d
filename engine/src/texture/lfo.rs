//! Low-frequency oscillator shapes and how an LFO's phase is found: free in Hz, or synced to the
//! beat clock (phase = beat / cycle length in beats, so a synced LFO is phase-locked to the song
//! position), either one phase for the whole instrument or one per voice restarted at each note.
//!
//! The random shapes are stateless: the value of cycle `k` is a hash of (seed, LFO, k), so a
//! synced sample-and-hold gives the same steps at the same song position wherever playback
//! started, and no random stream is drawn from (the grains' streams stay as they were).
//! Audio thread (plain data, no allocation).

use crate::rt::math;
use serde::{Deserialize, Serialize};

use super::transport::NoteValue;
use crate::rt::stream_seed;

/// Slowest and fastest LFO rate, Hz.
pub const MIN_LFO_RATE_HZ: f32 = 0.01;
pub const MAX_LFO_RATE_HZ: f32 = 20.0;

/// An LFO's wave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LfoShape {
    #[default]
    Sine,
    Triangle,
    /// Rising ramp.
    Saw,
    Square,
    /// A new random level each cycle, held.
    SampleAndHold,
    /// A random level each cycle, glided to with a raised-cosine curve.
    SmoothRandom,
}

impl LfoShape {
    /// Every shape, in the host's list order.
    pub const ALL: [Self; 6] = [Self::Sine, Self::Triangle, Self::Saw, Self::Square, Self::SampleAndHold, Self::SmoothRandom];

    /// Its name as the editor and hosts show it. Realtime-safe.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Sine => "Sine",
            Self::Triangle => "Triangle",
            Self::Saw => "Saw",
            Self::Square => "Square",
            Self::SampleAndHold => "S&H",
            Self::SmoothRandom => "Smooth rnd",
        }
    }

    /// The wave at `phase` (cycles; the whole part counts cycles, the random shapes draw a level
    /// per cycle from `seed`), in -1..=1. Every shape starts a cycle at 0 rising, except square
    /// (+1), saw (-1) and the random ones. Realtime-safe.
    pub fn value(self, phase: f64, seed: u64) -> f32 {
        let cycle = phase.floor();
        let frac = (phase - cycle) as f32;
        match self {
            Self::Sine => math::sin(std::f32::consts::TAU * frac),
            Self::Triangle => 1.0 - 4.0 * (frac - 0.25).abs().min((frac - 1.25).abs()),
            Self::Saw => 2.0 * frac - 1.0,
            Self::Square => {
                if frac < 0.5 {
                    1.0
                } else {
                    -1.0
                }
            }
            Self::SampleAndHold => random_level(seed, cycle as i64),
            Self::SmoothRandom => {
                let (a, b) = (random_level(seed, cycle as i64), random_level(seed, cycle as i64 + 1));
                let t = 0.5 - 0.5 * math::cos(std::f32::consts::PI * frac);
                a + (b - a) * t
            }
        }
    }
}

/// The level of random cycle `cycle` of `seed`, in -1..1. Realtime-safe.
fn random_level(seed: u64, cycle: i64) -> f32 {
    let bits = stream_seed(seed, &[cycle as u64]) >> 40;
    bits as f32 * (2.0 / 16_777_216.0) - 1.0
}

/// What one LFO does, as the parameters say.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LfoSettings {
    pub shape: LfoShape,
    /// Rate when not synced, Hz.
    pub rate_hz: f32,
    /// Synced: one cycle lasts `division` at the host's tempo.
    pub sync: bool,
    pub division: NoteValue,
    /// Restart at every note (then each voice has its own phase).
    pub retrigger: bool,
}

impl LfoSettings {
    /// Cycles per output sample at `beats_per_sample` (the clock's tempo). Realtime-safe.
    pub fn cycles_per_sample(&self, sample_rate_hz: f32, beats_per_sample: f64) -> f64 {
        if self.sync {
            beats_per_sample / self.division.beats()
        } else {
            let rate = if self.rate_hz.is_finite() { self.rate_hz.clamp(MIN_LFO_RATE_HZ, MAX_LFO_RATE_HZ) } else { 1.0 };
            f64::from(rate) / f64::from(sample_rate_hz)
        }
    }

    /// The shared phase at `beat` when synced and free-running: locked to the song position.
    /// Realtime-safe.
    pub fn synced_phase(&self, beat: f64) -> f64 {
        beat / self.division.beats()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_have_their_levels_through_a_cycle() {
        let at = |shape: LfoShape, phase: f64| shape.value(phase, 7);
        let close = |a: f32, b: f32| (a - b).abs() < 1e-5;
        assert!(close(at(LfoShape::Sine, 0.25), 1.0) && close(at(LfoShape::Sine, 0.75), -1.0) && close(at(LfoShape::Sine, 3.0), 0.0));
        assert!(close(at(LfoShape::Triangle, 0.0), 0.0) && close(at(LfoShape::Triangle, 0.25), 1.0));
        assert!(close(at(LfoShape::Triangle, 0.5), 0.0) && close(at(LfoShape::Triangle, 0.75), -1.0));
        assert!(close(at(LfoShape::Triangle, 0.99), -0.04));
        assert!(close(at(LfoShape::Saw, 0.0), -1.0) && close(at(LfoShape::Saw, 0.75), 0.5));
        assert!(close(at(LfoShape::Square, 0.1), 1.0) && close(at(LfoShape::Square, 0.6), -1.0));
        // Sample and hold: constant within a cycle, new (different) levels across cycles.
        let held: Vec<f32> = (0..40).map(|c| at(LfoShape::SampleAndHold, c as f64 + 0.1)).collect();
        assert!((0..40).all(|c| at(LfoShape::SampleAndHold, c as f64 + 0.9) == held[c]));
        assert!(held.windows(2).all(|w| w[0] != w[1]));
        assert!(held.iter().all(|v| (-1.0..1.0).contains(v)));
        let mean = held.iter().sum::<f32>() / 40.0;
        assert!(mean.abs() < 0.35, "{mean}");
        // Smooth random: starts each cycle at its held level, ends at the next one's, no jumps.
        for c in 0..10 {
            let c = c as f64;
            assert!(close(at(LfoShape::SmoothRandom, c), at(LfoShape::SampleAndHold, c)));
            let end = at(LfoShape::SmoothRandom, c + 0.999_999);
            assert!((end - at(LfoShape::SampleAndHold, c + 1.0)).abs() < 1e-3);
        }
        // Other seeds, other levels; same seed, same levels.
        assert_ne!(LfoShape::SampleAndHold.value(0.5, 1), LfoShape::SampleAndHold.value(0.5, 2));
        assert_eq!(LfoShape::SampleAndHold.value(5.5, 1), LfoShape::SampleAndHold.value(5.2, 1));
    }

    #[test]
    fn rates_are_hz_or_note_values_at_the_tempo() {
        let mut s = LfoSettings { shape: LfoShape::Sine, rate_hz: 2.0, sync: false, division: NoteValue::SIXTEENTH, retrigger: false };
        assert!((s.cycles_per_sample(48_000.0, 0.0) * 48_000.0 - 2.0).abs() < 1e-12);
        s.rate_hz = 1e6;
        assert!((s.cycles_per_sample(48_000.0, 0.0) * 48_000.0 - 20.0).abs() < 1e-9);
        s.sync = true;
        // 120 BPM: 2 beats a second; a 1/16 is a quarter beat: 8 cycles a second.
        let beats_per_sample = 2.0 / 48_000.0;
        assert!((s.cycles_per_sample(48_000.0, beats_per_sample) * 48_000.0 - 8.0).abs() < 1e-9);
        assert_eq!(s.synced_phase(3.0), 12.0);
    }
}
