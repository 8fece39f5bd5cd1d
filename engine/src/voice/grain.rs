//! One grain: a windowed, resampled (4-point cubic Hermite / Catmull-Rom, see `grain_run`),
//! equal-power-panned read of a stereo pad, the basic particle of granular synthesis (Roads, "Microsound", 2001).

use crate::rt::math;
use super::grain_run::{render_run, Run};
use crate::rt::window::{self, WindowShape};
use std::f32::consts::FRAC_PI_4;

/// A grain's state. Plain data: grains live in a fixed pool and are copied in and out of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grain {
    /// Mix bus (note voice index, or the orphan bus of a stolen voice).
    pub bus: u16,
    /// Pad-bank slot the grain reads, and the id of the pad it started on (a replaced pad ends it).
    pub slot: u16,
    pub pad_id: u64,
    /// Which of the pad's octave copies the grain reads (0: the pad itself; k: decimated by 2^k).
    /// Positions, steps and `pad_frames` are in that copy's frames.
    pub octave: u8,
    /// Frames in the copy read, > 0.
    pub pad_frames: usize,
    /// Read position in pad frames, 32.32 fixed point (exact, so the same on every block split), in
    /// 0..pad_frames.
    pub pos_fixed: u64,
    /// Pad frames advanced per output sample, 32.32 fixed point; negative plays backwards;
    /// |step| < pad_frames.
    pub step_fixed: i64,
    /// Output samples to wait before the grain starts.
    pub delay_samples: u32,
    /// Output samples already played.
    pub age_samples: u32,
    /// Total length, output samples, > 0.
    pub len_samples: u32,
    /// Window-table phase per output sample, 32.32 fixed point: [`Grain::window_step_for`] of
    /// `len_samples`, worked out once when the grain is made rather than on every render.
    pub window_step: u64,
    pub window: WindowShape,
    /// Output mix `[left<-L, left<-R, right<-L, right<-R]` (equal-power pan of the stereo grain).
    pub mix: [f32; 4],
    /// Amplitude and its per-sample change (negative while fading out after its voice was stolen).
    pub amp: f32,
    pub amp_step: f32,
}

/// One frame in 32.32 fixed point.
pub const FIXED_ONE: f64 = 4_294_967_296.0;

impl Grain {
    /// `frames` (>= 0) in 32.32 fixed point. Realtime-safe.
    pub fn to_fixed(frames: f64) -> u64 {
        (frames.max(0.0) * FIXED_ONE) as u64
    }

    /// The window-table phase step of a grain `len_samples` long: table index =
    /// age * WINDOW_TABLE_LEN / len, in 32.32 fixed point. Realtime-safe.
    pub fn window_step_for(len_samples: u32) -> u64 {
        ((window::WINDOW_TABLE_LEN as u64) << 32) / u64::from(len_samples.max(1))
    }

    /// The read position in frames. Realtime-safe.
    pub fn pos_frames(&self) -> f64 {
        self.pos_fixed as f64 / FIXED_ONE
    }

    /// The 2x2 mix for a stereo grain panned to `pan` (-1 left .. 1 right): the far channel is folded
    /// into the near one in proportion to |pan|, then an equal-power (sin/cos) pan law is applied, scaled
    /// so the centre leaves the grain untouched. Realtime-safe.
    pub fn pan_mix(pan: f32) -> [f32; 4] {
        let pan = if pan.is_finite() { pan.clamp(-1.0, 1.0) } else { 0.0 };
        let fold = 0.5 * pan.abs();
        let theta = (pan + 1.0) * FRAC_PI_4;
        let gl = std::f32::consts::SQRT_2 * math::cos(theta);
        let gr = std::f32::consts::SQRT_2 * math::sin(theta);
        [gl * (1.0 - fold), gl * fold, gr * fold, gr * (1.0 - fold)]
    }

    /// True while the grain still has samples to play. Realtime-safe.
    pub fn is_alive(&self) -> bool {
        self.age_samples < self.len_samples && self.amp > 0.0
    }

    /// Adds the grain into `out_left`/`out_right` (same length). `left`/`right` are the pad's guarded
    /// channels (`Pad::guarded_octave`: `pad_frames + 4` points), `table` the window table.
    /// Realtime-safe.
    pub fn render(&mut self, left: &[f32], right: &[f32], table: &[f32], out_left: &mut [f32], out_right: &mut [f32]) {
        let n = out_left.len().min(out_right.len());
        let wait = (self.delay_samples as usize).min(n);
        self.delay_samples -= wait as u32;
        // Samples to play now: up to the end of the block, of the grain and of a fade-out.
        let mut count = (n - wait).min(self.len_samples.saturating_sub(self.age_samples) as usize);
        if self.amp_step < 0.0 {
            count = count.min((self.amp / -self.amp_step).ceil().max(0.0) as usize);
        }
        let pad_end = ((self.pad_frames as u64) << 32) as i64;
        let (pos, step) = (self.pos_fixed as i64, self.step_fixed);
        let guarded_len = left.len().min(right.len());
        let readable = self.pad_frames.saturating_add(4) <= guarded_len && (0..pad_end).contains(&pos) && step.unsigned_abs() < pad_end as u64;
        if !readable || table.len() < 2 {
            // The pad is shorter than the grain was told (or the grain is corrupt): end the grain
            // rather than read outside.
            self.age_samples = self.len_samples;
            return;
        }
        // Window phase in 32.32 fixed point, exact, so stepping it is the same as
        // `(age + 1/2) * window_step` on any block split.
        let window_step = self.window_step;
        let phase = u64::from(self.age_samples) * window_step + (window_step >> 1);
        let mut run = Run { pos, step, phase, phase_step: window_step, mix: self.mix };
        let (out_left, out_right) = (&mut out_left[wait..wait + count], &mut out_right[wait..wait + count]);
        let ok = if self.amp_step != 0.0 {
            self.render_fade(&mut run, pad_end, left, right, table, out_left, out_right)
        } else {
            run.mix = self.mix.map(|m| m * self.amp);
            render_runs(&mut run, pad_end, left, right, table, out_left, out_right)
        };
        self.pos_fixed = run.pos as u64;
        self.age_samples = if !ok || self.amp <= 0.0 { self.len_samples } else { self.age_samples + count as u32 };
    }

    /// A fading grain, one sample at a time (its amplitude changes every sample; fades last 10 ms).
    #[allow(clippy::too_many_arguments)]
    fn render_fade(&mut self, run: &mut Run, pad_end: i64, left: &[f32], right: &[f32], table: &[f32], out_left: &mut [f32], out_right: &mut [f32]) -> bool {
        for (ol, or) in out_left.iter_mut().zip(out_right.iter_mut()) {
            let this = Run { mix: self.mix.map(|m| m * self.amp), ..*run };
            if !render_run(&this, left, right, table, std::slice::from_mut(ol), std::slice::from_mut(or)) {
                return false;
            }
            self.amp += self.amp_step;
            run.pos = wrap(run.pos + run.step, pad_end);
            run.phase += run.phase_step;
        }
        true
    }
}

/// `pos` moved back into 0..pad_end after a step shorter than the pad.
fn wrap(pos: i64, pad_end: i64) -> i64 {
    if pos >= pad_end {
        pos - pad_end
    } else if pos < 0 {
        pos + pad_end
    } else {
        pos
    }
}

/// Renders the outputs as runs that never cross the pad's loop point, advancing `run`. False when a
/// read would leave the pad or the table.
fn render_runs(run: &mut Run, pad_end: i64, left: &[f32], right: &[f32], table: &[f32], out_left: &mut [f32], out_right: &mut [f32]) -> bool {
    let mut done = 0;
    while done < out_left.len() {
        // Samples whose reads stay inside 0..pad_end; the step after the last one wraps. Most runs
        // end inside the pad, which one multiplication shows (no division needed).
        let rest = out_left.len() - done;
        let last = run.step.checked_mul(rest as i64 - 1).and_then(|d| run.pos.checked_add(d));
        let to_edge = match run.step {
            _ if last.is_some_and(|p| (0..pad_end).contains(&p)) => i64::MAX,
            s if s > 0 => (pad_end - run.pos + s - 1) / s,
            s if s < 0 => run.pos / -s + 1,
            _ => i64::MAX,
        };
        let len = (to_edge.max(1) as usize).min(rest);
        if !render_run(run, left, right, table, &mut out_left[done..done + len], &mut out_right[done..done + len]) {
            return false;
        }
        run.pos = wrap(run.pos + run.step * len as i64, pad_end);
        run.phase += run.phase_step * len as u64;
        done += len;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rt::window::WindowTables;

    #[test]
    fn pan_law_is_equal_power_for_mono_and_transparent_at_centre() {
        assert_eq!(Grain::pan_mix(0.0).map(|x| (x * 1e5).round()), [1e5, 0.0, 0.0, 1e5]);
        for pan in [-1.0f32, -0.5, 0.3, 1.0] {
            let [a, b, c, d] = Grain::pan_mix(pan);
            let (l, r) = (a + b, c + d); // mono input: both sides equal
            assert!((l * l + r * r - 2.0).abs() < 1e-4, "{pan}");
        }
    }

    #[test]
    fn renders_a_windowed_grain_and_wraps_the_pad() {
        let tables = WindowTables::new();
        let pad: Vec<f32> = vec![1.0; 104]; // 100 frames of DC plus guards
        let mut g = Grain {
            octave: 0,
            bus: 0,
            slot: 0,
            pad_id: 0,
            pad_frames: 100,
            pos_fixed: Grain::to_fixed(90.0),
            step_fixed: Grain::to_fixed(1.5) as i64,
            delay_samples: 3,
            age_samples: 0,
            len_samples: 64,
            window_step: Grain::window_step_for(64),
            window: WindowShape::Hann,
            mix: Grain::pan_mix(0.0),
            amp: 1.0,
            amp_step: 0.0,
        };
        let (mut l, mut r) = (vec![0.0; 80], vec![0.0; 80]);
        g.render(&pad, &pad, tables.table(WindowShape::Hann), &mut l[..40], &mut r[..40]);
        g.render(&pad, &pad, tables.table(WindowShape::Hann), &mut l[40..], &mut r[40..]);
        assert!(!g.is_alive());
        assert_eq!(&l[..3], &[0.0; 3]);
        assert!(l[3] < 0.01 && l[66] < 0.01 && l[67] == 0.0);
        assert!((l[35] - 1.0).abs() < 0.01);
        assert_eq!(l, r);
        assert!(g.pos_frames() < 100.0);
        // 64 steps of 1.5 from 90 wrap once around the 100-frame pad.
        assert_eq!(g.pos_frames(), 86.0);
    }
}
