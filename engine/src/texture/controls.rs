//! The engine's view of `TextureParams`: every continuous parameter cleaned (non-finite -> default,
//! gains -> silence), clamped to its range and smoothed once per control tick with the curve and
//! time its entry in the parameter table ([`super::param_table`]) gives.

pub(crate) use super::param_table::ControlValues;
use super::param_table::{self, TextureParams, CONTINUOUS, NUM_SMOOTHED};
use crate::rt::{SmoothCurve, Smoother};

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
        ControlValues::from_smoothed(v)
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
