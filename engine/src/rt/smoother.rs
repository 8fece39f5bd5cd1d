//! Control-rate parameter smoothing with a curve per unit: linear ramps for times and positions,
//! exponential approach for gains, exponential approach in the log domain for frequencies; plus `Ramp`,
//! the per-sample linear interpolation between two control ticks.

use crate::rt::math;

/// How a smoothed value travels towards its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmoothCurve {
    /// Straight line reaching the target after the smoothing time (times, positions, amounts).
    Linear,
    /// One-pole approach in the linear domain (gains: reaches 0 exactly, no zipper).
    Exponential,
    /// One-pole approach of the logarithm (frequencies: equal speed per octave). Values stay > 0.
    Logarithmic,
}

/// Smallest value the logarithmic curve handles (anything lower is clamped).
const LOG_FLOOR: f32 = 1e-6;

/// A parameter smoother stepped once per control tick. Plain data, never allocates.
#[derive(Debug, Clone, Copy)]
pub struct Smoother {
    curve: SmoothCurve,
    /// Current value, in the curve's domain (natural log for `Logarithmic`).
    current: f32,
    /// Target, in the curve's domain.
    target: f32,
    /// One-pole coefficient per tick (exponential curves).
    pole_coef: f32,
    /// Ticks a linear ramp takes.
    ramp_ticks: u32,
    /// Per-tick increment of the running linear ramp.
    linear_step: f32,
    ticks_left: u32,
    /// False until the first target after `reset`: the first target is taken without smoothing.
    primed: bool,
}

impl Smoother {
    /// A smoother reaching its target in about `time_ms` (time constant for the exponential curves,
    /// ramp length for the linear one), stepped `tick_rate_hz` times per second. Realtime-safe.
    pub fn new(curve: SmoothCurve, time_ms: f32, tick_rate_hz: f32) -> Self {
        let ticks = (time_ms.max(0.0) * 0.001 * tick_rate_hz).max(1.0);
        Self {
            curve,
            current: 0.0,
            target: 0.0,
            pole_coef: 1.0 - math::exp(-1.0 / ticks),
            ramp_ticks: ticks.round() as u32,
            linear_step: 0.0,
            ticks_left: 0,
            primed: false,
        }
    }

    fn domain_of(&self, v: f32) -> f32 {
        let v = if v.is_finite() { v } else { 0.0 };
        match self.curve {
            SmoothCurve::Logarithmic => math::ln(v.max(LOG_FLOOR)),
            _ => v,
        }
    }

    /// Forgets the state: the next `set_target` jumps straight to its value. Realtime-safe.
    pub fn reset(&mut self) {
        self.primed = false;
        self.ticks_left = 0;
    }

    /// Sets where the value travels to (non-finite targets count as 0). Realtime-safe.
    pub fn set_target(&mut self, value: f32) {
        let t = self.domain_of(value);
        if !self.primed {
            self.primed = true;
            self.current = t;
            self.target = t;
            self.ticks_left = 0;
            return;
        }
        if t != self.target {
            self.target = t;
            if self.curve == SmoothCurve::Linear {
                self.ticks_left = self.ramp_ticks;
                self.linear_step = (t - self.current) / self.ramp_ticks as f32;
            }
        }
    }

    /// Advances one control tick and returns the new value. Realtime-safe.
    pub fn next_tick(&mut self) -> f32 {
        match self.curve {
            SmoothCurve::Linear => {
                if self.ticks_left > 0 {
                    self.ticks_left -= 1;
                    self.current = if self.ticks_left == 0 { self.target } else { self.current + self.linear_step };
                }
            }
            SmoothCurve::Exponential | SmoothCurve::Logarithmic => {
                let diff = self.target - self.current;
                let snap = if self.curve == SmoothCurve::Logarithmic { 1e-5 } else { 1e-6 };
                self.current = if diff.abs() <= snap { self.target } else { self.current + diff * self.pole_coef };
            }
        }
        self.value()
    }

    /// The current value (in the parameter's own unit). Realtime-safe.
    pub fn value(&self) -> f32 {
        match self.curve {
            SmoothCurve::Logarithmic => math::exp(self.current),
            _ => self.current,
        }
    }

    /// True once the value sits exactly on its target. Realtime-safe.
    pub fn is_settled(&self) -> bool {
        self.current == self.target
    }
}

/// A value interpolated linearly across one control tick: sample `k` of a tick of `n` samples gets
/// `from + (to - from) * (k + 1) / n`, so the tick's last sample lands on `to`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Ramp {
    pub from: f32,
    pub to: f32,
}

impl Ramp {
    /// A ramp holding `value`. Realtime-safe.
    pub fn flat(value: f32) -> Self {
        Self { from: value, to: value }
    }

    /// Moves the ramp on: the new tick starts where the last one ended. Realtime-safe.
    pub fn advance(&mut self, to: f32) {
        self.from = self.to;
        self.to = to;
    }

    /// Value at sample `k` of the tick; `inv_len` is 1 / tick length. Realtime-safe.
    #[inline]
    pub fn at(&self, k: usize, inv_len: f32) -> f32 {
        self.from + (self.to - self.from) * ((k + 1) as f32 * inv_len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_target_jumps_then_smooths() {
        let mut s = Smoother::new(SmoothCurve::Exponential, 10.0, 1000.0);
        s.set_target(1.0);
        assert_eq!(s.next_tick(), 1.0);
        s.set_target(0.0);
        let v = s.next_tick();
        assert!(v > 0.8 && v < 1.0, "{v}");
        for _ in 0..200 {
            s.next_tick();
        }
        assert_eq!(s.value(), 0.0);
        assert!(s.is_settled());
    }

    #[test]
    fn linear_ramp_arrives_on_time() {
        let mut s = Smoother::new(SmoothCurve::Linear, 10.0, 1000.0);
        s.set_target(0.0);
        s.set_target(10.0);
        let mut v = Vec::new();
        for _ in 0..12 {
            v.push(s.next_tick());
        }
        assert!((v[4] - 5.0).abs() < 1e-4, "{v:?}");
        assert_eq!(v[9], 10.0);
        assert_eq!(v[11], 10.0);
    }

    #[test]
    fn logarithmic_moves_by_equal_ratios() {
        let mut s = Smoother::new(SmoothCurve::Logarithmic, 10.0, 1000.0);
        s.set_target(100.0);
        s.set_target(10_000.0);
        for _ in 0..10 {
            s.next_tick();
        }
        // After one time constant the log distance has shrunk to 1/e: 10^(2 (1 - 1/e)) ~ 1848 Hz.
        let v = s.value();
        assert!((v / 1848.0 - 1.0).abs() < 0.05, "{v}");
        s.set_target(f32::NAN);
        for _ in 0..1000 {
            assert!(s.next_tick().is_finite());
        }
    }

    #[test]
    fn ramp_ends_on_target() {
        let mut r = Ramp::flat(0.0);
        r.advance(1.0);
        assert_eq!(r.at(31, 1.0 / 32.0), 1.0);
        assert!((r.at(15, 1.0 / 32.0) - 0.5).abs() < 1e-6);
    }
}
