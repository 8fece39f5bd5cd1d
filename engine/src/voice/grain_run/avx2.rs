//! The grain inner loop eight samples at a time with AVX2, used when the processor has it. Each lane
//! does exactly the operations of `grain_run::sample` (IEEE single adds, subtracts and multiplies in
//! the same order, no fused multiply-add), so the output is the same bit for bit as the SSE2 and scalar
//! paths on machines without it.

use super::run::{Run, FRAC_SCALE};
use std::arch::x86_64::*;

/// Defines a kernel entry point with the given target features: the same loop compiled twice,
/// once per feature set (a macro rather than a shared `#[inline(always)]` body, so every intrinsic
/// is called from a function compiled with its features).
macro_rules! kernel {
    ($(#[$doc:meta])* $features:literal $name:ident) => {
        $(#[$doc])*
        #[target_feature(enable = $features)]
        pub(super) fn $name(run: &Run, left: &[f32], right: &[f32], table: &[f32], out_left: &mut [f32], out_right: &mut [f32]) -> usize {
            let chunks = out_left.len().min(out_right.len()) / 8;
            let (step, ph_step) = (run.step, run.phase_step);
            let (mut pos, mut phase) = (run.pos, run.phase);
            // Low 32 bits of `x + k s` in lane k (wrapping, as the fixed-point fraction does).
            let iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
            let lanes = |x: u64, s: u64| _mm256_add_epi32(_mm256_set1_epi32(x as i32), _mm256_mullo_epi32(_mm256_set1_epi32(s as i32), iota));
            let mut pos_bits = lanes(pos as u64, step as u64);
            let mut phase_bits = lanes(phase, ph_step);
            let pos_bits_step = _mm256_set1_epi32((step as u64).wrapping_mul(8) as i32);
            let phase_bits_step = _mm256_set1_epi32(ph_step.wrapping_mul(8) as i32);
            let scale = _mm256_set1_ps(FRAC_SCALE);
            let frac = |bits: __m256i| _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32::<8>(bits)), scale);
            let [m0, m1, m2, m3] = run.mix.map(|m| _mm256_set1_ps(m));
            let (one, half, c15, c25) = (_mm256_set1_ps(1.0), _mm256_set1_ps(-0.5), _mm256_set1_ps(1.5), _mm256_set1_ps(2.5));
            let (lp, rp, tp) = (left.as_ptr(), right.as_ptr(), table.as_ptr());
            for c in 0..chunks {
                // Lane indices by repeated addition: few registers, and it leaves pos/phase at the next chunk.
                let p: [usize; 8] = std::array::from_fn(|_| {
                    let i = (pos >> 32) as usize;
                    pos += step;
                    i
                });
                let w: [usize; 8] = std::array::from_fn(|_| {
                    let i = (phase >> 32) as usize;
                    phase += ph_step;
                    i
                });
                // SAFETY: the caller checked that the first and last positions and phases of the run read
                // inside `left`/`right` (4 points) and `table` (2 points); both move monotonically, so every
                // lane's reads are in range. The loads have no alignment requirement.
                let (ly, ry, t0, t1) = unsafe {
                    let rows = |base: *const f32| {
                        let row = |k: usize| _mm_loadu_ps(base.add(p[k]));
                        transpose(std::array::from_fn(|k| _mm256_set_m128(row(k + 4), row(k))))
                    };
                    let pair = |k: usize| _mm_castsi128_ps(_mm_loadl_epi64(tp.add(w[k]).cast()));
                    let (a, b) = (_mm_unpacklo_ps(pair(0), pair(1)), _mm_unpacklo_ps(pair(2), pair(3)));
                    let (c, d) = (_mm_unpacklo_ps(pair(4), pair(5)), _mm_unpacklo_ps(pair(6), pair(7)));
                    let (ac, bd) = (_mm256_set_m128(c, a), _mm256_set_m128(d, b));
                    (rows(lp), rows(rp), _mm256_shuffle_ps::<0x44>(ac, bd), _mm256_shuffle_ps::<0xEE>(ac, bd))
                };
                let win = _mm256_add_ps(t0, _mm256_mul_ps(_mm256_sub_ps(t1, t0), frac(phase_bits)));
                let f = frac(pos_bits);
                let g = _mm256_sub_ps(one, f);
                let (f2, g2) = (_mm256_mul_ps(f, f), _mm256_mul_ps(g, g));
                let h = _mm256_mul_ps(half, _mm256_mul_ps(f, g));
                let w0 = _mm256_mul_ps(h, g);
                let w1 = _mm256_add_ps(_mm256_mul_ps(_mm256_sub_ps(_mm256_mul_ps(c15, f), c25), f2), one);
                let w2 = _mm256_add_ps(_mm256_mul_ps(_mm256_sub_ps(_mm256_mul_ps(c15, g), c25), g2), one);
                let w3 = _mm256_mul_ps(h, f);
                let dot = |y: [__m256; 4]| {
                    let a = _mm256_add_ps(_mm256_mul_ps(w0, y[0]), _mm256_mul_ps(w1, y[1]));
                    _mm256_add_ps(a, _mm256_add_ps(_mm256_mul_ps(w2, y[2]), _mm256_mul_ps(w3, y[3])))
                };
                let (lw, rw) = (_mm256_mul_ps(dot(ly), win), _mm256_mul_ps(dot(ry), win));
                let (ol, or) = (&mut out_left[8 * c..8 * c + 8], &mut out_right[8 * c..8 * c + 8]);
                // SAFETY: `ol` and `or` are 8-sample slices; unaligned loads and stores are allowed.
                unsafe {
                    let sum_l = _mm256_add_ps(_mm256_loadu_ps(ol.as_ptr()), _mm256_add_ps(_mm256_mul_ps(m0, lw), _mm256_mul_ps(m1, rw)));
                    let sum_r = _mm256_add_ps(_mm256_loadu_ps(or.as_ptr()), _mm256_add_ps(_mm256_mul_ps(m2, lw), _mm256_mul_ps(m3, rw)));
                    _mm256_storeu_ps(ol.as_mut_ptr(), sum_l);
                    _mm256_storeu_ps(or.as_mut_ptr(), sum_r);
                }
                pos_bits = _mm256_add_epi32(pos_bits, pos_bits_step);
                phase_bits = _mm256_add_epi32(phase_bits, phase_bits_step);
            }
            8 * chunks
        }
    };
}

kernel!(
    /// Renders the first multiple of 8 samples of the run; returns how many. The caller checked
    /// every read of the run (as `render_run` does) and that the processor has AVX2.
    "avx2" render
);

kernel!(
    /// [`render`] compiled for processors that also have AVX-512VL: the same 256-bit operations
    /// (so the same bits), with twice as many vector registers to hold them, so fewer spills:
    /// 512 grains take about 14 % less time. The caller checked AVX2 and AVX-512VL.
    "avx2,avx512f,avx512vl" render_more_registers
);

/// Rows `[y_i, y_i+1, y_i+2, y_i+3]` of lanes (k, k + 4) in register k to columns (point k of every
/// lane, lanes in order).
#[inline]
#[target_feature(enable = "avx2")]
fn transpose(r: [__m256; 4]) -> [__m256; 4] {
    let (a, b) = (_mm256_unpacklo_ps(r[0], r[1]), _mm256_unpacklo_ps(r[2], r[3]));
    let (c, d) = (_mm256_unpackhi_ps(r[0], r[1]), _mm256_unpackhi_ps(r[2], r[3]));
    [
        _mm256_shuffle_ps::<0x44>(a, b),
        _mm256_shuffle_ps::<0xEE>(a, b),
        _mm256_shuffle_ps::<0x44>(c, d),
        _mm256_shuffle_ps::<0xEE>(c, d),
    ]
}
