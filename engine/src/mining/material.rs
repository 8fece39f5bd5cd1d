//! `Material`: what a stretch of a source sounds like, for telling distinct material apart from
//! neighbouring windows of one chord. Background thread.
//!
//! Two stretches are **the same material** when all three hold:
//! - the same pitch classes sound: the cosine of their mean chroma is at least
//!   [`SAME_CHROMA_COSINE`] (one chord, or one chord under a passing melody; a change to a chord
//!   that shares two of its three notes, such as C major to A minor, gives 2/3 for plain triads);
//! - the same brightness: their mean spectral centroids lie within [`SAME_BRIGHTNESS_OCTAVES`];
//! - the same dynamic: their levels lie within [`SAME_LEVEL_DB`] (pianissimo and forte of one
//!   chord are two materials).
//!
//! Otherwise they are **distinct**. The miner keeps one pad per material (its best window), the
//! README states this definition, and the tests count distinct pads with [`count_distinct`].

use crate::rt::math;
use super::windows::centred_frames;
use crate::analysis::Analysis;

/// Least chroma cosine of two stretches of the same material.
pub const SAME_CHROMA_COSINE: f32 = 0.8;
/// Largest difference of mean spectral centroid between two stretches of the same material, octaves.
pub const SAME_BRIGHTNESS_OCTAVES: f32 = 0.5;
/// Largest level difference between two stretches of the same material, dB.
pub const SAME_LEVEL_DB: f32 = 10.0;

/// The signature a stretch is compared on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Material {
    /// Mean chroma over the stretch, unit length (all zeros where no frame has chroma).
    pub chroma: [f32; 12],
    /// Mean spectral centroid, log2 of Hz.
    pub centroid_octaves: f32,
    /// Power-mean level, dBFS.
    pub level_db: f32,
}

impl Material {
    /// The material of the frames centred in `start_sample .. start_sample + len_samples`
    /// (silence when none is). Not realtime-safe.
    pub fn of(analysis: &Analysis, start_sample: usize, len_samples: usize) -> Self {
        let frames = centred_frames(analysis, start_sample, len_samples);
        let f = &analysis.features;
        let n = frames.len().max(1) as f32;
        let mut chroma = [0.0f32; 12];
        let mut centroid = 0.0f32;
        let mut power = 0.0f32;
        for i in frames {
            for (c, v) in chroma.iter_mut().zip(f.chroma.get(i).copied().unwrap_or_default()) {
                *c += v;
            }
            centroid += math::log2(f.centroid_hz[i].max(20.0));
            power += math::powf(10f32, f.rms_db[i] / 10.0);
        }
        let norm = chroma.iter().map(|c| c * c).sum::<f32>().sqrt();
        if norm > 1e-9 {
            chroma.iter_mut().for_each(|c| *c /= norm);
        }
        Self { chroma, centroid_octaves: centroid / n, level_db: 10.0 * math::log10((power / n).max(1e-12)) }
    }

    /// Cosine of the two mean chromas, 0..1 (1 when either has none: no pitch evidence against).
    pub fn chroma_cosine(&self, other: &Material) -> f32 {
        let dot: f32 = self.chroma.iter().zip(&other.chroma).map(|(a, b)| a * b).sum();
        let has = |m: &Material| m.chroma.iter().any(|&c| c > 0.0);
        if !has(self) || !has(other) { 1.0 } else { dot.clamp(0.0, 1.0) }
    }

    /// Whether `other` is the same material (see the module doc).
    pub fn same_as(&self, other: &Material) -> bool {
        self.chroma_cosine(other) >= SAME_CHROMA_COSINE
            && (self.centroid_octaves - other.centroid_octaves).abs() <= SAME_BRIGHTNESS_OCTAVES
            && (self.level_db - other.level_db).abs() <= SAME_LEVEL_DB
    }
}

/// How many distinct materials `materials` holds: walking them in order, each one unlike every
/// material counted before it counts (so a list ranked best first counts its best of each).
pub fn count_distinct(materials: &[Material]) -> usize {
    let mut kept: Vec<&Material> = Vec::new();
    for m in materials {
        if kept.iter().all(|k| !k.same_as(m)) {
            kept.push(m);
        }
    }
    kept.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn material(notes: &[usize], centroid_hz: f32, level_db: f32) -> Material {
        let mut chroma = [0.0f32; 12];
        for &n in notes {
            chroma[n % 12] = 1.0;
        }
        let norm = chroma.iter().map(|c| c * c).sum::<f32>().sqrt().max(1e-9);
        chroma.iter_mut().for_each(|c| *c /= norm);
        Material { chroma, centroid_octaves: math::log2(centroid_hz), level_db }
    }

    #[test]
    fn one_chord_is_one_material_and_a_chord_change_is_another() {
        let c_major = material(&[0, 4, 7], 800.0, -20.0);
        assert!(c_major.same_as(&material(&[0, 4, 7], 900.0, -22.0)), "the same chord a little brighter and quieter");
        assert!(!c_major.same_as(&material(&[9, 0, 4], 800.0, -20.0)), "A minor shares two notes of C major");
        assert!(!c_major.same_as(&material(&[0, 4, 7], 1800.0, -20.0)), "the same chord on a much brighter instrument");
        assert!(!c_major.same_as(&material(&[0, 4, 7], 800.0, -32.0)), "the same chord 12 dB quieter");
    }

    #[test]
    fn distinct_count_keeps_the_first_of_each() {
        let a = material(&[0, 4, 7], 800.0, -20.0);
        let b = material(&[2, 5, 9], 800.0, -20.0);
        assert_eq!(count_distinct(&[a, a, b, a, b]), 2);
        assert_eq!(count_distinct(&[]), 0);
    }
}
