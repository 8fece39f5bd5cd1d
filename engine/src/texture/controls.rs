//! The engine's view of `TextureParams`: every continuous parameter cleaned (non-finite -> default,
//! gains -> silence), clamped to its range and smoothed once per control tick with the curve and
//! time its entry in the parameter table ([`super::param_table`]) gives.

use super::param_table::{self, CONTINUOUS, NUM_SMOOTHED};
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

/// One smoother per smoothed parameter of the table.
#[derive(Debug, Clone, Copy)]
pub struct ControlSmoothers {
    s: [Smoother; NUM_SMOOTHED],
}

impl ControlSmoothers {
    /// Smoothers stepped `tick_rate_hz` times a second, with each parameter's curve and time from
    /// the table. Realtime-safe.
    pub fn new(tick_rate_hz: f32) -> Self {
        Self {
            s: std::array::from_fn(|i| {
                let (curve, ms) = CONTINUOUS[i].smoothing.unwrap_or((SmoothCurve::Linear, 0.0));
                Smoother::new(curve, ms, tick_rate_hz)
            }),
        }
    }

    /// Forgets the state: the next tick jumps to the parameters. Realtime-safe.
    pub fn reset(&mut self) {
        self.s.iter_mut().for_each(Smoother::reset);
    }

    /// Moves every value one tick towards `p` (cleaned and clamped by the table). Realtime-safe.
    pub fn tick(&mut self, p: &TextureParams) -> ControlValues {
        let targets = param_table::values(p);
        let mut v = [0.0f32; NUM_SMOOTHED];
        for (i, (s, out)) in self.s.iter_mut().zip(v.iter_mut()).enumerate() {
            s.set_target(CONTINUOUS[i].clean(targets[i]));
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
