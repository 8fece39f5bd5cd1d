//! Grain windows: the `WindowShape`s a grain can have, and one table per shape, computed once in
//! `prepare` (grains read them with linear interpolation); plus each shape's mean square, used by the
//! cloud's loudness normalisation.

use crate::rt::math;
use serde::{Deserialize, Serialize};
use std::f32::consts::PI;

/// Grain window shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum WindowShape {
    /// Raised cosine: smooth, the default.
    #[default]
    Hann,
    /// Tukey (flat top, cosine edges of 25 % each side): fuller grains.
    Tukey,
    /// Fast attack, long exponential-like decay: plucked grains.
    Decay,
    /// Linear rise and fall.
    Triangle,
}

impl WindowShape {
    pub const ALL: [WindowShape; 4] = [Self::Hann, Self::Tukey, Self::Decay, Self::Triangle];
}

/// Points per table (plus one guard point so interpolation never wraps).
pub const WINDOW_TABLE_LEN: usize = 4096;

/// The window's value at `t` in 0..1. Every shape starts and ends at 0.
pub fn window_value(shape: WindowShape, t: f32) -> f32 {
    let t = t.clamp(0.0, 1.0);
    match shape {
        WindowShape::Hann => 0.5 - 0.5 * math::cos(2.0 * PI * t),
        WindowShape::Tukey => {
            const EDGE: f32 = 0.25;
            if t < EDGE {
                0.5 - 0.5 * math::cos(PI * t / EDGE)
            } else if t > 1.0 - EDGE {
                0.5 - 0.5 * math::cos(PI * (1.0 - t) / EDGE)
            } else {
                1.0
            }
        }
        WindowShape::Decay => {
            // A 5 % raised-sine attack, then (1 - u)^3: a long fall that reaches 0 with zero slope.
            const ATTACK: f32 = 0.1;
            if t < ATTACK {
                math::sin(0.5 * PI * t / ATTACK).powi(2)
            } else {
                (1.0 - (t - ATTACK) / (1.0 - ATTACK)).powi(3)
            }
        }
        WindowShape::Triangle => 1.0 - (2.0 * t - 1.0).abs(),
    }
}

/// Tables for every window shape. Built once, off the audio thread.
#[derive(Debug, Clone, Default)]
pub struct WindowTables {
    /// `WindowShape::ALL.len()` tables of `WINDOW_TABLE_LEN + 1` points, back to back.
    points: Vec<f32>,
    mean_squares: [f32; WindowShape::ALL.len()],
}

fn shape_index(shape: WindowShape) -> usize {
    match shape {
        WindowShape::Hann => 0,
        WindowShape::Tukey => 1,
        WindowShape::Decay => 2,
        WindowShape::Triangle => 3,
    }
}

impl WindowTables {
    /// Computes every table. Not realtime-safe: allocates.
    pub fn new() -> Self {
        let mut points = Vec::with_capacity(WindowShape::ALL.len() * (WINDOW_TABLE_LEN + 1));
        let mut mean_squares = [0.0; WindowShape::ALL.len()];
        for shape in WindowShape::ALL {
            let mut sum_sq = 0.0f64;
            for i in 0..=WINDOW_TABLE_LEN {
                let w = window_value(shape, i as f32 / WINDOW_TABLE_LEN as f32);
                points.push(w);
                if i < WINDOW_TABLE_LEN {
                    sum_sq += f64::from(w) * f64::from(w);
                }
            }
            mean_squares[shape_index(shape)] = (sum_sq / WINDOW_TABLE_LEN as f64) as f32;
        }
        Self { points, mean_squares }
    }

    /// The table of `shape`: `WINDOW_TABLE_LEN + 1` points from t = 0 to t = 1 (empty before `new`).
    /// Realtime-safe.
    pub fn table(&self, shape: WindowShape) -> &[f32] {
        let start = shape_index(shape) * (WINDOW_TABLE_LEN + 1);
        self.points.get(start..start + WINDOW_TABLE_LEN + 1).unwrap_or(&[])
    }

    /// Mean of the window squared over its length (Hann: 0.375). Realtime-safe.
    pub fn mean_square(&self, shape: WindowShape) -> f32 {
        self.mean_squares[shape_index(shape)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_starts_and_ends_silent_and_peaks_at_one() {
        let tables = WindowTables::new();
        for shape in WindowShape::ALL {
            let t = tables.table(shape);
            assert_eq!(t.len(), WINDOW_TABLE_LEN + 1);
            assert!(t[0].abs() < 1e-6 && t[WINDOW_TABLE_LEN].abs() < 1e-6, "{shape:?}");
            let peak = t.iter().cloned().fold(0.0, f32::max);
            assert!((peak - 1.0).abs() < 1e-3, "{shape:?} {peak}");
        }
        assert!((tables.mean_square(WindowShape::Hann) - 0.375).abs() < 1e-3);
        assert!((tables.mean_square(WindowShape::Triangle) - 1.0 / 3.0).abs() < 1e-3);
    }
}
