//! The engine's view of `TextureParams`: every continuous parameter cleaned (non-finite -> default),
//! clamped to its documented range and smoothed once per control tick with the curve its unit calls for.

use super::params::TextureParams;
use crate::rt::{SmoothCurve, Smoother};

/// Smoothed parameter values for one control tick.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ControlValues {
    pub position: f32,
    pub position_spray: f32,
    pub grain_size_ms: f32,
    pub size_spray: f32,
    pub density_hz: f32,
    pub pitch_semitones: f32,
    pub pitch_spray_semitones: f32,
    pub stereo_spread: f32,
    pub reverse_probability: f32,
    pub cloud_gain: f32,
    pub hiss_gain: f32,
    pub hiss_tone_hz: f32,
    pub tremolo_rate_hz: f32,
    pub tremolo_depth: f32,
    pub flicker_amount: f32,
    pub lowpass_hz: f32,
    pub output_gain: f32,
}

/// One smoother per continuous parameter.
#[derive(Debug, Clone, Copy)]
pub struct ControlSmoothers {
    s: [Smoother; NUM_CONTROLS],
}

const NUM_CONTROLS: usize = 17;
/// Smoothing times: positions and times glide linearly, gains and frequencies approach exponentially.
const GLIDE_MS: f32 = 50.0;
const GAIN_MS: f32 = 20.0;
const FREQ_MS: f32 = 30.0;

/// `x` clamped to `lo..=hi`, or `default` when not finite.
fn clean(x: f32, lo: f32, hi: f32, default: f32) -> f32 {
    if x.is_finite() { x.clamp(lo, hi) } else { default }
}

impl ControlSmoothers {
    /// Smoothers stepped `tick_rate_hz` times a second. Realtime-safe.
    pub fn new(tick_rate_hz: f32) -> Self {
        use SmoothCurve::{Exponential as Exp, Linear as Lin, Logarithmic as Log};
        let curves: [(SmoothCurve, f32); NUM_CONTROLS] = [
            (Lin, GLIDE_MS), // position
            (Lin, GLIDE_MS), // position_spray
            (Lin, GLIDE_MS), // grain_size_ms
            (Lin, GLIDE_MS), // size_spray
            (Log, GLIDE_MS), // density_hz
            (Lin, FREQ_MS),  // pitch_semitones (already logarithmic in frequency)
            (Lin, GLIDE_MS), // pitch_spray_semitones
            (Lin, GLIDE_MS), // stereo_spread
            (Lin, GLIDE_MS), // reverse_probability
            (Exp, GAIN_MS),  // cloud_gain
            (Exp, GAIN_MS),  // hiss_gain
            (Log, FREQ_MS),  // hiss_tone_hz
            (Log, FREQ_MS),  // tremolo_rate_hz
            (Lin, GLIDE_MS), // tremolo_depth
            (Lin, GLIDE_MS), // flicker_amount
            (Log, FREQ_MS),  // lowpass_hz
            (Exp, GAIN_MS),  // output_gain
        ];
        Self { s: curves.map(|(c, ms)| Smoother::new(c, ms, tick_rate_hz)) }
    }

    /// Forgets the state: the next tick jumps to the parameters. Realtime-safe.
    pub fn reset(&mut self) {
        self.s.iter_mut().for_each(Smoother::reset);
    }

    /// Moves every value one tick towards `p` (cleaned and clamped). Realtime-safe.
    pub fn tick(&mut self, p: &TextureParams) -> ControlValues {
        let d = TextureParams::default();
        let targets = [
            clean(p.position, 0.0, 1.0, d.position),
            clean(p.position_spray, 0.0, 1.0, d.position_spray),
            clean(p.grain_size_ms, 5.0, 1000.0, d.grain_size_ms),
            clean(p.size_spray, 0.0, 1.0, d.size_spray),
            clean(p.density_hz, 0.5, 500.0, d.density_hz),
            clean(p.pitch_semitones, -24.0, 24.0, d.pitch_semitones),
            clean(p.pitch_spray_semitones, 0.0, 24.0, d.pitch_spray_semitones),
            clean(p.stereo_spread, 0.0, 1.0, d.stereo_spread),
            clean(p.reverse_probability, 0.0, 1.0, d.reverse_probability),
            clean(p.cloud_gain, 0.0, 2.0, 0.0),
            clean(p.hiss_gain, 0.0, 2.0, 0.0),
            clean(p.hiss_tone_hz, 1000.0, 16_000.0, d.hiss_tone_hz),
            clean(p.tremolo_rate_hz, 0.05, 20.0, d.tremolo_rate_hz),
            clean(p.tremolo_depth, 0.0, 1.0, d.tremolo_depth),
            clean(p.flicker_amount, 0.0, 1.0, d.flicker_amount),
            clean(p.lowpass_hz, 200.0, 20_000.0, d.lowpass_hz),
            clean(p.output_gain, 0.0, 4.0, 0.0),
        ];
        let mut v = [0.0f32; NUM_CONTROLS];
        for ((s, t), out) in self.s.iter_mut().zip(targets).zip(v.iter_mut()) {
            s.set_target(t);
            *out = s.next_tick();
        }
        ControlValues {
            position: v[0],
            position_spray: v[1],
            grain_size_ms: v[2],
            size_spray: v[3],
            density_hz: v[4],
            pitch_semitones: v[5],
            pitch_spray_semitones: v[6],
            stereo_spread: v[7],
            reverse_probability: v[8],
            cloud_gain: v[9],
            hiss_gain: v[10],
            hiss_tone_hz: v[11],
            tremolo_rate_hz: v[12],
            tremolo_depth: v[13],
            flicker_amount: v[14],
            lowpass_hz: v[15],
            output_gain: v[16],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_tick_takes_params_then_glides_and_cleans() {
        let mut c = ControlSmoothers::new(1378.0);
        let p = TextureParams { density_hz: 100.0, cloud_gain: 1.0, ..TextureParams::default() };
        let v = c.tick(&p);
        assert_eq!((v.density_hz.round(), v.cloud_gain), (100.0, 1.0));
        let q = TextureParams { density_hz: 1.0e9, cloud_gain: f32::NAN, position: -3.0, ..p };
        let v = c.tick(&q);
        assert!(v.density_hz > 100.0 && v.density_hz < 500.0);
        assert!(v.cloud_gain < 1.0 && v.cloud_gain > 0.9);
        for _ in 0..2000 {
            c.tick(&q);
        }
        let v = c.tick(&q);
        assert_eq!((v.density_hz.round(), v.cloud_gain, v.position), (500.0, 0.0, 0.0));
    }
}
