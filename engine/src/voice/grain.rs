//! One grain: a windowed, resampled (4-point cubic Hermite / Catmull-Rom), equal-power-panned read of
//! a stereo pad, the basic particle of granular synthesis (Roads, "Microsound", 2001).

use crate::rt::window;
use crate::texture::WindowShape;
use std::f32::consts::FRAC_PI_4;

/// A grain's state. Plain data: grains live in a fixed pool and are copied in and out of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grain {
    /// Mix bus (note voice index, or the orphan bus of a stolen voice).
    pub bus: u16,
    /// Pad-bank slot the grain reads, and the id of the pad it started on (a replaced pad ends it).
    pub slot: u16,
    pub pad_id: u64,
    /// Frames in the pad, > 0.
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
        let gl = std::f32::consts::SQRT_2 * theta.cos();
        let gr = std::f32::consts::SQRT_2 * theta.sin();
        [gl * (1.0 - fold), gl * fold, gr * fold, gr * (1.0 - fold)]
    }

    /// True while the grain still has samples to play. Realtime-safe.
    pub fn is_alive(&self) -> bool {
        self.age_samples < self.len_samples && self.amp > 0.0
    }

    /// Adds the grain into `out_left`/`out_right` (same length). `left`/`right` are the pad's guarded
    /// channels (`Pad::guarded_channel`: `pad_frames + 4` points), `table` the window table.
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
        let pad_end = (self.pad_frames as u64) << 32;
        let guarded_len = left.len().min(right.len());
        if (pad_end >> 32) as usize + 4 > guarded_len || table.len() < 2 {
            // The pad is shorter than the grain was told: end the grain rather than read outside.
            self.age_samples = self.len_samples;
            return;
        }
        let [mll, mlr, mrl, mrr] = self.mix;
        let pad_end = pad_end as i64;
        let (mut pos, step) = (self.pos_fixed as i64, self.step_fixed);
        let (mut age, mut amp) = (self.age_samples, self.amp);
        // Window phase in 32.32 fixed point: table index = age * WINDOW_TABLE_LEN / len, exact.
        let window_step = ((window::WINDOW_TABLE_LEN as u64) << 32) / u64::from(self.len_samples.max(1));
        let last_point = table.len().saturating_sub(2);
        // Integer, so stepping it is exact: the same as `(age + 1/2) * window_step` on any block split.
        let mut phase = u64::from(age) * window_step + (window_step >> 1);
        let out = out_left[wait..wait + count].iter_mut().zip(out_right[wait..wait + count].iter_mut());
        for (ol, or) in out {
            let wi = ((phase >> 32) as usize).min(last_point);
            let wf = ((phase as u32) >> 8) as f32 * (1.0 / 16_777_216.0);
            let wp = &table[wi..wi + 2];
            let w = (wp[0] + (wp[1] - wp[0]) * wf) * amp;
            phase += window_step;
            let i = (pos >> 32) as usize;
            let frac = ((pos as u32) >> 8) as f32 * (1.0 / 16_777_216.0);
            // `0 <= pos < pad_end` keeps `i + 4 <= pad_frames + 4 <= guarded_len` (checked above).
            let l = hermite(&left[i..i + 4], frac) * w;
            let r = hermite(&right[i..i + 4], frac) * w;
            *ol += mll * l + mlr * r;
            *or += mrl * l + mrr * r;
            age += 1;
            amp += self.amp_step;
            pos += step;
            if pos >= pad_end {
                pos -= pad_end;
            }
            if pos < 0 {
                pos += pad_end;
            }
        }
        let pos = pos as u64;
        self.pos_fixed = pos;
        self.age_samples = if amp <= 0.0 { self.len_samples } else { age };
        self.amp = amp;
    }
}

/// 4-point, 3rd-order Hermite (Catmull-Rom) interpolation between `y[1]` and `y[2]` at `frac` in 0..1.
#[inline]
fn hermite(y: &[f32], frac: f32) -> f32 {
    let (y0, y1, y2, y3) = (y[0], y[1], y[2], y[3]);
    let c1 = 0.5 * (y2 - y0);
    let c2 = y0 - 2.5 * y1 + 2.0 * y2 - 0.5 * y3;
    let c3 = 0.5 * (y3 - y0) + 1.5 * (y1 - y2);
    ((c3 * frac + c2) * frac + c1) * frac + y1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rt::window::WindowTables;

    #[test]
    fn hermite_hits_points_and_follows_a_parabola() {
        let y = [1.0, 4.0, 9.0, 16.0]; // (x+1)^2 at x = 0..3
        assert_eq!(hermite(&y, 0.0), 4.0);
        assert!((hermite(&y, 1.0) - 9.0).abs() < 1e-5);
        assert!((hermite(&y, 0.5) - 6.25).abs() < 1e-5);
    }

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
            bus: 0,
            slot: 0,
            pad_id: 0,
            pad_frames: 100,
            pos_fixed: Grain::to_fixed(90.0),
            step_fixed: Grain::to_fixed(1.5) as i64,
            delay_samples: 3,
            age_samples: 0,
            len_samples: 64,
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
