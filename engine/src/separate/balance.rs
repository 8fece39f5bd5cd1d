//! `LayerBalance`: how a source's energy is shared between its harmonic, percussive and residual
//! layers, and each layer's level: what `afterglow analyze` reports and what tells a busy mix
//! (much percussive energy) from sustained material.

use super::layer::Layers;
use crate::rt::db::amplitude_to_db;

/// Share of the source's energy in each layer and the layers' levels.
///
/// The shares are each layer's energy over the three layers' summed energy (0..=1, adding up to 1;
/// the summed energy equals the input's where the layers are uncorrelated, as masks nearly make
/// them). Silence gives shares of 0.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct LayerBalance {
    /// Share of the energy in the harmonic layer, 0..=1.
    pub harmonic: f32,
    /// Share of the energy in the percussive layer, 0..=1.
    pub percussive: f32,
    /// Share of the energy in the residual layer, 0..=1.
    pub residual: f32,
    /// RMS level of the harmonic layer over all channels, dBFS (floored at -120).
    pub harmonic_db: f32,
    /// RMS level of the percussive layer over all channels, dBFS (floored at -120).
    pub percussive_db: f32,
    /// RMS level of the residual layer over all channels, dBFS (floored at -120).
    pub residual_db: f32,
}

impl Layers {
    /// How the source's energy is shared between the layers, and their levels.
    pub fn balance(&self) -> LayerBalance {
        LayerBalance::of(self)
    }
}

impl LayerBalance {
    /// The balance of `layers`.
    pub fn of(layers: &Layers) -> Self {
        let (h, num_samples) = energy(&layers.harmonic);
        let (p, _) = energy(&layers.percussive);
        let (r, _) = energy(&layers.residual);
        let total = h + p + r;
        let share = |e: f64| if total > 0.0 { (e / total) as f32 } else { 0.0 };
        let level = |e: f64| amplitude_to_db(if num_samples > 0 { (e / num_samples as f64).sqrt() as f32 } else { 0.0 });
        Self {
            harmonic: share(h),
            percussive: share(p),
            residual: share(r),
            harmonic_db: level(h),
            percussive_db: level(p),
            residual_db: level(r),
        }
    }
}

/// Sum of squares over every channel (in f64, so hour-long sources add up exactly enough) and the
/// number of samples summed.
fn energy(channels: &[Vec<f32>]) -> (f64, usize) {
    let sum = channels.iter().flatten().map(|&x| f64::from(x) * f64::from(x)).sum();
    (sum, channels.iter().map(Vec::len).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_add_up_to_one_and_levels_are_rms_dbfs() {
        // Harmonic at amplitude 0.5 (energy 0.25 a sample), percussive at 0.25 (0.0625), residual silent.
        let layers = Layers {
            harmonic: vec![vec![0.5, -0.5], vec![0.5, -0.5]],
            percussive: vec![vec![0.25, 0.25], vec![-0.25, 0.25]],
            residual: vec![vec![0.0; 2]; 2],
        };
        let b = layers.balance();
        assert!((b.harmonic - 0.8).abs() < 1e-6 && (b.percussive - 0.2).abs() < 1e-6 && b.residual == 0.0, "{b:?}");
        assert!((b.harmonic_db + 6.0206).abs() < 1e-3 && (b.percussive_db + 12.041).abs() < 1e-3, "{b:?}");
        assert_eq!(b.residual_db, -120.0);
    }

    #[test]
    fn silence_and_no_samples_give_zero_shares() {
        for layers in [Layers::default(), Layers { harmonic: vec![vec![0.0; 4]], percussive: vec![vec![0.0; 4]], residual: vec![vec![0.0; 4]] }] {
            let b = layers.balance();
            assert_eq!((b.harmonic, b.percussive, b.residual), (0.0, 0.0, 0.0));
            assert_eq!(b.harmonic_db, -120.0);
        }
    }
}
