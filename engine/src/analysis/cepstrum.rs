//! The spectral envelope of a frame as a few numbers: a cepstrum of the onset stage's compressed
//! sixth-octave band levels (the DCT-II of log band energies that MFCCs take over mel bands; Davis &
//! Mermelstein, "Comparison of parametric representations for monosyllabic word recognition", 1980).
//! Coefficient 1 is the spectrum's tilt, the next ones its broader and finer bumps; coefficient 0
//! (the overall level) is left out, so the envelope does not change with gain. "More like this"
//! compares sounds by it (the catalogue's timbre aspect).

use crate::rt::math;

/// Number of coefficients kept (1..=`NUM_CEPSTRA`).
pub const NUM_CEPSTRA: usize = 12;

/// The DCT basis for one band count.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cepstrum {
    /// `NUM_CEPSTRA` rows of `num_bands` weights, row `k` holding `cos(pi (k + 1) (n + 0.5) / N) / N`.
    basis: Vec<f32>,
    num_bands: usize,
}

impl Cepstrum {
    /// The basis for `num_bands` bands. Not realtime-safe: allocates.
    pub(crate) fn new(num_bands: usize) -> Self {
        let n = num_bands.max(1) as f64;
        let basis = (1..=NUM_CEPSTRA)
            .flat_map(|k| (0..num_bands).map(move |b| (math::cos(std::f64::consts::PI * k as f64 * (b as f64 + 0.5) / n) / n) as f32))
            .collect();
        Self { basis, num_bands }
    }

    /// The coefficients of one frame's band levels (`num_bands` values; zeros when the count differs).
    pub(crate) fn coefficients(&self, levels: &[f32]) -> [f32; NUM_CEPSTRA] {
        let mut out = [0.0f32; NUM_CEPSTRA];
        if levels.len() != self.num_bands || self.num_bands == 0 {
            return out;
        }
        for (c, row) in out.iter_mut().zip(self.basis.chunks_exact(self.num_bands)) {
            *c = row.iter().zip(levels).map(|(w, l)| w * l).sum();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flat_envelope_has_no_shape_and_a_tilt_reads_in_the_first_coefficient() {
        let cepstrum = Cepstrum::new(48);
        let flat = cepstrum.coefficients(&[5.0; 48]);
        assert!(flat.iter().all(|c| c.abs() < 1e-5), "{flat:?}");
        // Falling towards the top (a dark sound): positive first coefficient; rising: negative.
        let falling: Vec<f32> = (0..48).map(|b| 10.0 - b as f32 * 0.2).collect();
        let rising: Vec<f32> = falling.iter().rev().copied().collect();
        let (f, r) = (cepstrum.coefficients(&falling), cepstrum.coefficients(&rising));
        assert!(f[0] > 1.0 && r[0] < -1.0, "{f:?} {r:?}");
        // Gain only adds to every level: the shape stays.
        let louder: Vec<f32> = falling.iter().map(|l| l + 3.0).collect();
        let g = cepstrum.coefficients(&louder);
        assert!(g.iter().zip(&f).all(|(a, b)| (a - b).abs() < 1e-4));
    }
}
