//! The grain inner loop: one run of output samples whose pad reads never wrap, read with 4-point
//! Catmull-Rom (cubic Hermite) interpolation in weight form, shaped by the linearly interpolated window
//! table and mixed into the two outputs. Eight samples at a time with AVX2 where the processor has it
//! (compiled a second time for AVX-512VL's larger register file where it has that too), four with
//! SSE2 on any x86_64, one at a time otherwise; all do the same IEEE single-precision
//! operations in the same order for every sample, so neither the machine nor where a run is split
//! (block sizes) changes a bit.

#[cfg(target_arch = "x86_64")]
mod avx2;
mod run;

pub(crate) use run::Run;
use run::FRAC_SCALE;

/// Catmull-Rom weights of the points `y[i-1], y[i], y[i+1], y[i+2]` at `f` in 0..1, written with
/// `g = 1 - f` so both halves are computed the same way: w0 = -f g^2 / 2, w3 = -f^2 g / 2,
/// w1 = 1 - 2.5 f^2 + 1.5 f^3, w2 = the same in g.
#[inline(always)]
fn weights(f: f32) -> [f32; 4] {
    let g = 1.0 - f;
    let (f2, g2) = (f * f, g * g);
    let h = -0.5 * (f * g);
    [h * g, (1.5 * f - 2.5) * f2 + 1.0, (1.5 * g - 2.5) * g2 + 1.0, h * f]
}

/// The top 24 bits of the fraction of a 32.32 value, as 0..1.
#[inline(always)]
fn fraction(x: u64) -> f32 {
    ((x as u32) >> 8) as f32 * FRAC_SCALE
}

/// One output sample: the reference the SIMD loop reproduces lane by lane.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn sample(left: &[f32], right: &[f32], table: &[f32], pos: i64, phase: u64, mix: [f32; 4], ol: &mut f32, or: &mut f32) {
    let wi = (phase >> 32) as usize;
    let win = table[wi] + (table[wi + 1] - table[wi]) * fraction(phase);
    let i = (pos >> 32) as usize;
    let [w0, w1, w2, w3] = weights(fraction(pos as u64));
    let l = (w0 * left[i] + w1 * left[i + 1]) + (w2 * left[i + 2] + w3 * left[i + 3]);
    let r = (w0 * right[i] + w1 * right[i + 1]) + (w2 * right[i + 2] + w3 * right[i + 3]);
    let (lw, rw) = (l * win, r * win);
    *ol += mix[0] * lw + mix[1] * rw;
    *or += mix[2] * lw + mix[3] * rw;
}

/// Adds `out_left.len()` samples of `run` into the outputs; `left`/`right` are guarded pad channels
/// (point `i + 1` holds frame `i`). Returns false, writing nothing, when some read would fall outside
/// `left`, `right` or `table` (the caller ends the grain).
pub(crate) fn render_run(run: &Run, left: &[f32], right: &[f32], table: &[f32], out_left: &mut [f32], out_right: &mut [f32]) -> bool {
    let n = out_left.len().min(out_right.len());
    if n == 0 {
        return true;
    }
    // Positions and phases move monotonically, so checking both ends covers every sample.
    let last_pos = run.pos.wrapping_add(run.step.wrapping_mul(n as i64 - 1));
    let last_phase = run.phase.wrapping_add(run.phase_step.wrapping_mul(n as u64 - 1));
    let points = left.len().min(right.len());
    let in_pad = |p: i64| p >= 0 && ((p >> 32) as usize).saturating_add(4) <= points;
    let in_table = |ph: u64| ((ph >> 32) as usize).saturating_add(2) <= table.len();
    if !(in_pad(run.pos) && in_pad(last_pos) && in_table(run.phase) && in_table(last_phase) && last_phase >= run.phase) {
        return false;
    }
    let (out_left, out_right) = (&mut out_left[..n], &mut out_right[..n]);
    let done = simd_render(run, left, right, table, out_left, out_right);
    let (mut pos, mut phase) = (run.pos + run.step * done as i64, run.phase + run.phase_step * done as u64);
    for (ol, or) in out_left[done..].iter_mut().zip(out_right[done..].iter_mut()) {
        sample(left, right, table, pos, phase, run.mix, ol, or);
        pos += run.step;
        phase += run.phase_step;
    }
    true
}

/// The vector loops where there are some (AVX2 eight samples at a time when the processor has it, then
/// SSE2 four at a time); returns the samples they rendered.
fn simd_render(run: &Run, left: &[f32], right: &[f32], table: &[f32], out_left: &mut [f32], out_right: &mut [f32]) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        let wide = if std::arch::is_x86_feature_detected!("avx512vl") && std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2 and AVX-512VL (which implies AVX-512F), checked just
            // above; `render_run` checked the reads.
            unsafe { avx2::render_more_registers(run, left, right, table, out_left, out_right) }
        } else if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2 (checked just above); `render_run` checked the reads.
            unsafe { avx2::render(run, left, right, table, out_left, out_right) }
        } else {
            0
        };
        if out_left.len() - wide < 4 {
            return wide;
        }
        let rest = Run { pos: run.pos + run.step * wide as i64, phase: run.phase + run.phase_step * wide as u64, ..*run };
        // SAFETY: SSE2 is part of the x86_64 baseline; `render_run` checked the reads of the whole run.
        wide + unsafe { simd::render(&rest, left, right, table, &mut out_left[wide..], &mut out_right[wide..]) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (run, left, right, table, out_left, out_right);
        0
    }
}

#[cfg(target_arch = "x86_64")]
mod simd {
    use super::{Run, FRAC_SCALE};
    use std::arch::x86_64::*;

    /// Four samples per step, lanes = consecutive samples; returns how many samples it rendered (a
    /// multiple of 4). Every lane does exactly `super::sample`'s operations.
    #[target_feature(enable = "sse2")]
    pub(super) fn render(run: &Run, left: &[f32], right: &[f32], table: &[f32], out_left: &mut [f32], out_right: &mut [f32]) -> usize {
        let chunks = out_left.len().min(out_right.len()) / 4;
        let (step, ph_step) = (run.step, run.phase_step);
        let (mut pos, mut phase) = (run.pos, run.phase);
        let lanes = |x: u64, s: u64| {
            let at = |k: u64| x.wrapping_add(s.wrapping_mul(k)) as i32;
            _mm_setr_epi32(at(0), at(1), at(2), at(3))
        };
        let mut pos_bits = lanes(pos as u64, step as u64);
        let mut phase_bits = lanes(phase, ph_step);
        let pos_bits_step = _mm_set1_epi32((step as u64).wrapping_mul(4) as i32);
        let phase_bits_step = _mm_set1_epi32(ph_step.wrapping_mul(4) as i32);
        let scale = _mm_set1_ps(FRAC_SCALE);
        let frac = |bits: __m128i| _mm_mul_ps(_mm_cvtepi32_ps(_mm_srli_epi32::<8>(bits)), scale);
        let [m0, m1, m2, m3] = run.mix.map(|m| _mm_set1_ps(m));
        let (one, half, c15, c25) = (_mm_set1_ps(1.0), _mm_set1_ps(-0.5), _mm_set1_ps(1.5), _mm_set1_ps(2.5));
        let (lp, rp, tp) = (left.as_ptr(), right.as_ptr(), table.as_ptr());
        for c in 0..chunks {
            let p = [pos, pos + step, pos + 2 * step, pos + 3 * step].map(|p| (p >> 32) as usize);
            let w = [phase, phase + ph_step, phase + 2 * ph_step, phase + 3 * ph_step].map(|ph| (ph >> 32) as usize);
            // SAFETY: `render_run` checked that the first and last positions and phases of the run
            // read inside `left`/`right` (4 points) and `table` (2 points); both move monotonically,
            // so every lane's reads are in range. The loads have no alignment requirement.
            let (ly, ry, t0, t1) = unsafe {
                let row = |base: *const f32, i: usize| _mm_loadu_ps(base.add(i));
                let pair = |i: usize| _mm_castsi128_ps(_mm_loadl_epi64(tp.add(i).cast()));
                let ly = transpose([row(lp, p[0]), row(lp, p[1]), row(lp, p[2]), row(lp, p[3])]);
                let ry = transpose([row(rp, p[0]), row(rp, p[1]), row(rp, p[2]), row(rp, p[3])]);
                let (a, b) = (_mm_unpacklo_ps(pair(w[0]), pair(w[1])), _mm_unpacklo_ps(pair(w[2]), pair(w[3])));
                (ly, ry, _mm_movelh_ps(a, b), _mm_movehl_ps(b, a))
            };
            let win = _mm_add_ps(t0, _mm_mul_ps(_mm_sub_ps(t1, t0), frac(phase_bits)));
            let f = frac(pos_bits);
            let g = _mm_sub_ps(one, f);
            let (f2, g2) = (_mm_mul_ps(f, f), _mm_mul_ps(g, g));
            let h = _mm_mul_ps(half, _mm_mul_ps(f, g));
            let w0 = _mm_mul_ps(h, g);
            let w1 = _mm_add_ps(_mm_mul_ps(_mm_sub_ps(_mm_mul_ps(c15, f), c25), f2), one);
            let w2 = _mm_add_ps(_mm_mul_ps(_mm_sub_ps(_mm_mul_ps(c15, g), c25), g2), one);
            let w3 = _mm_mul_ps(h, f);
            let dot = |y: [__m128; 4]| {
                _mm_add_ps(_mm_add_ps(_mm_mul_ps(w0, y[0]), _mm_mul_ps(w1, y[1])), _mm_add_ps(_mm_mul_ps(w2, y[2]), _mm_mul_ps(w3, y[3])))
            };
            let (lw, rw) = (_mm_mul_ps(dot(ly), win), _mm_mul_ps(dot(ry), win));
            let (ol, or) = (&mut out_left[4 * c..4 * c + 4], &mut out_right[4 * c..4 * c + 4]);
            // SAFETY: `ol` and `or` are 4-sample slices; unaligned loads and stores are allowed.
            unsafe {
                let sum_l = _mm_add_ps(_mm_loadu_ps(ol.as_ptr()), _mm_add_ps(_mm_mul_ps(m0, lw), _mm_mul_ps(m1, rw)));
                let sum_r = _mm_add_ps(_mm_loadu_ps(or.as_ptr()), _mm_add_ps(_mm_mul_ps(m2, lw), _mm_mul_ps(m3, rw)));
                _mm_storeu_ps(ol.as_mut_ptr(), sum_l);
                _mm_storeu_ps(or.as_mut_ptr(), sum_r);
            }
            pos += 4 * step;
            phase += 4 * ph_step;
            pos_bits = _mm_add_epi32(pos_bits, pos_bits_step);
            phase_bits = _mm_add_epi32(phase_bits, phase_bits_step);
        }
        4 * chunks
    }

    /// Rows `[y_i, y_i+1, y_i+2, y_i+3]` of four lanes to columns (point k of every lane).
    #[inline]
    #[target_feature(enable = "sse2")]
    fn transpose(r: [__m128; 4]) -> [__m128; 4] {
        let (a, b) = (_mm_unpacklo_ps(r[0], r[1]), _mm_unpacklo_ps(r[2], r[3]));
        let (c, d) = (_mm_unpackhi_ps(r[0], r[1]), _mm_unpackhi_ps(r[2], r[3]));
        [_mm_movelh_ps(a, b), _mm_movehl_ps(b, a), _mm_movelh_ps(c, d), _mm_movehl_ps(d, c)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rt::math;
    use crate::rt::window::{WindowTables, WINDOW_TABLE_LEN};
    use crate::rt::WindowShape;

    #[test]
    fn weights_hit_the_points_and_follow_a_parabola() {
        let y = [1.0f32, 4.0, 9.0, 16.0]; // (x+1)^2 at x = 0..3
        let at = |f: f32| weights(f).iter().zip(y).map(|(w, y)| w * y).sum::<f32>();
        assert_eq!(weights(0.0).map(|w| w + 0.0), [0.0, 1.0, 0.0, 0.0]);
        assert!((at(1.0) - 9.0).abs() < 1e-5);
        assert!((at(0.5) - 6.25).abs() < 1e-5);
    }

    #[test]
    fn vector_lanes_match_the_scalar_sample_bit_for_bit() {
        let tables = WindowTables::new();
        let table = tables.table(WindowShape::Tukey);
        let left: Vec<f32> = (0..1004).map(|i| math::sin(i as f32 * 0.37)).collect();
        let right: Vec<f32> = (0..1004).map(|i| math::cos(i as f32 * 0.11) * 0.5).collect();
        for (step, start) in [(1.37f64, 3.2f64), (-0.83, 990.5), (2.0, 0.0)] {
            let len = 301u64;
            let phase_step = ((WINDOW_TABLE_LEN as u64) << 32) / len;
            let run = Run {
                pos: (start * 4_294_967_296.0) as i64,
                step: (step * 4_294_967_296.0) as i64,
                phase: phase_step / 2,
                phase_step,
                mix: [0.9, 0.1, 0.2, 0.7],
            };
            let (mut l, mut r) = (vec![0.25f32; 301], vec![-0.5f32; 301]);
            let n = if step > 0.0 { ((1000.0 - start) / step) as usize } else { (start / -step) as usize }.min(301);
            assert!(render_run(&run, &left, &right, table, &mut l[..n], &mut r[..n]));
            for j in 0..n {
                let (mut el, mut er) = (0.25f32, -0.5f32);
                let (pos, phase) = (run.pos + run.step * j as i64, run.phase + run.phase_step * j as u64);
                sample(&left, &right, table, pos, phase, run.mix, &mut el, &mut er);
                assert_eq!((l[j].to_bits(), r[j].to_bits()), (el.to_bits(), er.to_bits()), "step {step} sample {j}");
            }
            assert!(l[..n].iter().any(|&x| x != 0.25));
            // Each vector loop alone agrees too (`render_run` took the widest this processor has).
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx2") {
                let (mut wl, mut wr) = (vec![0.25f32; 301], vec![-0.5f32; 301]);
                // SAFETY: the processor has AVX2 (checked just above); the reads were checked above.
                let done = unsafe { avx2::render(&run, &left, &right, table, &mut wl[..n], &mut wr[..n]) };
                assert_eq!(done, n / 8 * 8);
                assert!(wl[..done].iter().zip(&l).all(|(a, b)| a.to_bits() == b.to_bits()), "avx2, step {step}");
                assert!(wr[..done].iter().zip(&r).all(|(a, b)| a.to_bits() == b.to_bits()), "avx2, step {step}");
            }
            #[cfg(target_arch = "x86_64")]
            {
                let (mut sl, mut sr) = (vec![0.25f32; 301], vec![-0.5f32; 301]);
                // SAFETY: SSE2 is baseline on x86_64; the run's reads were checked by `render_run` above.
                let done = unsafe { simd::render(&run, &left, &right, table, &mut sl[..n], &mut sr[..n]) };
                assert_eq!(done, n / 4 * 4);
                assert!(sl[..done].iter().zip(&l).all(|(a, b)| a.to_bits() == b.to_bits()), "step {step}");
                assert!(sr[..done].iter().zip(&r).all(|(a, b)| a.to_bits() == b.to_bits()), "step {step}");
            }
        }
    }

    #[test]
    fn refuses_reads_outside_the_pad_or_table() {
        let table = [0.0f32, 1.0, 0.0];
        let pad = [0.5f32; 20];
        let run = Run { pos: 10 << 32, step: 1 << 32, phase: 0, phase_step: 1 << 30, mix: [1.0, 0.0, 0.0, 1.0] };
        let (mut l, mut r) = ([0.0f32; 8], [0.0f32; 8]);
        assert!(render_run(&run, &pad, &pad, &table, &mut l[..6], &mut r[..6]));
        assert!(!render_run(&run, &pad, &pad, &table, &mut l[..8], &mut r[..8])); // frame 17 needs points 17..21
        assert!(!render_run(&Run { phase: 2 << 32, ..run }, &pad, &pad, &table, &mut l[..1], &mut r[..1]));
        assert!(!render_run(&Run { pos: -1, ..run }, &pad, &pad, &table, &mut l[..1], &mut r[..1]));
    }
}
