//! The timbre vector of a region, for "more like this": means and spreads of the analysis' frame
//! features over the region (spectral centroid in octaves, flatness, level), the balance of onset
//! energy across the four accent bands, and the mean chroma, each scaled so one unit of distance is
//! about one audible step. Compared with Euclidean distance.

use engine::analysis::Analysis;
use engine::mining::hit_class::NUM_CLASS_INPUTS;
use engine::mining::{HitFeatures, Region};

/// Length of a feature vector.
pub const NUM_FEATURES: usize = 24;

/// A region's feature vector.
pub type FeatureVector = [f32; NUM_FEATURES];

/// Weight of the chroma block (12 values summing to 1, times this).
const CHROMA_WEIGHT: f32 = 3.0;
/// Weight of the accent-band balance (4 values summing to 1, times this).
const ACCENT_WEIGHT: f32 = 2.0;
/// Flatness is 0..~0.6; this puts a tonal/noisy difference at a few units.
const FLATNESS_WEIGHT: f32 = 5.0;
/// Level, per 20 dB.
const LEVEL_PER_DB: f32 = 1.0 / 20.0;

/// Spread of each measure of [`HitFeatures::class_inputs`] within one kind of drum: the pooled
/// within-class standard deviation over the kit pieces of Debian's `hydrogen-drumkits` (kick,
/// snare, hats and cymbals, toms; the two kits `exporter/tests/real_drum_kits.rs` holds out left
/// out), rounded: low-to-rest ratio 11 dB, air-to-body ratio 11 dB, decay 1.3 octaves of time, mid
/// flatness 0.14, peak share 0.18. Dividing by it makes one unit of distance as large as the usual
/// difference between two hits of one kind, so no measure drowns the others by its unit.
const ONESHOT_SCALES: [f32; NUM_CLASS_INPUTS] = [11.0, 11.0, 1.3, 0.14, 0.18];

/// The timbre vector of a one-shot: the five measures of [`HitFeatures::class_inputs`] (how much
/// is below 150 Hz, how much above 3 kHz, how long it rings, how noisy its 1-4 kHz band is, how
/// few lines hold its power), each divided by its `ONESHOT_SCALES`, then zeros. Stored like a
/// region's vector and compared with the same [`distance`], but only with other one-shots.
pub fn oneshot_features(hit: &HitFeatures) -> FeatureVector {
    let mut out = [0.0f32; NUM_FEATURES];
    for ((o, x), scale) in out.iter_mut().zip(hit.class_inputs()).zip(ONESHOT_SCALES) {
        *o = if x.is_finite() { x / scale } else { 0.0 };
    }
    out
}

/// The frames of `analysis` that `region` covers (at least one when the analysis has any).
pub fn region_frames(analysis: &Analysis, region: &Region) -> std::ops::Range<usize> {
    let n = analysis.num_frames();
    let first = analysis.sample_to_frame(region.start_sample).min(n.saturating_sub(1));
    let last = analysis.sample_to_frame(region.end_sample()).clamp(first + 1, n.max(first + 1));
    first..last.min(n).max(first)
}

/// The feature vector of `region`. Not realtime-safe.
pub fn region_features(analysis: &Analysis, region: &Region) -> FeatureVector {
    let frames = region_frames(analysis, region);
    let f = &analysis.features;
    let mut out = [0.0f32; NUM_FEATURES];
    if frames.is_empty() {
        return out;
    }
    let (c_mean, c_std) = mean_std(frames.clone().map(|i| f.centroid_hz[i].max(20.0).log2()));
    let (fl_mean, fl_std) = mean_std(frames.clone().map(|i| f.flatness[i]));
    let (l_mean, l_std) = mean_std(frames.clone().map(|i| f.rms_db[i]));
    let (flux_mean, _) = mean_std(frames.clone().map(|i| f.flux[i]));
    out[0] = c_mean;
    out[1] = c_std;
    out[2] = fl_mean * FLATNESS_WEIGHT;
    out[3] = fl_std * FLATNESS_WEIGHT;
    out[4] = l_mean * LEVEL_PER_DB;
    out[5] = l_std * LEVEL_PER_DB;
    out[6] = flux_mean.ln_1p();
    let mut accents = [0.0f32; 4];
    let mut chroma = [0.0f32; 12];
    let mut bass = 0.0f32;
    for i in frames.clone() {
        for (a, v) in accents.iter_mut().zip(f.accent_flux[i]) {
            *a += v;
        }
        for (c, v) in chroma.iter_mut().zip(f.chroma[i]) {
            *c += v;
        }
        bass += f.bass_chroma[i].iter().sum::<f32>();
    }
    normalise(&mut accents);
    normalise(&mut chroma);
    for (o, a) in out[7..11].iter_mut().zip(accents) {
        *o = a * ACCENT_WEIGHT;
    }
    for (o, c) in out[11..23].iter_mut().zip(chroma) {
        *o = c * CHROMA_WEIGHT;
    }
    out[23] = bass / frames.len() as f32;
    for v in &mut out {
        if !v.is_finite() {
            *v = 0.0;
        }
    }
    out
}

/// Euclidean distance between two vectors.
pub fn distance(a: &FeatureVector, b: &FeatureVector) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f32>().sqrt()
}

/// The vector as little-endian bytes, for the `features` blob.
pub fn to_blob(v: &FeatureVector) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// The vector from a blob; `None` when its length is wrong (written by another version).
pub fn from_blob(bytes: &[u8]) -> Option<FeatureVector> {
    if bytes.len() != NUM_FEATURES * 4 {
        return None;
    }
    let mut out = [0.0f32; NUM_FEATURES];
    for (o, chunk) in out.iter_mut().zip(bytes.chunks_exact(4)) {
        // chunks_exact(4) yields 4-byte slices, so the conversion cannot fail.
        *o = f32::from_le_bytes(chunk.try_into().expect("4-byte chunk"));
    }
    Some(out)
}

fn mean_std(values: impl Iterator<Item = f32>) -> (f32, f32) {
    let (mut n, mut sum, mut sum_sq) = (0usize, 0.0f64, 0.0f64);
    for v in values {
        n += 1;
        sum += f64::from(v);
        sum_sq += f64::from(v) * f64::from(v);
    }
    if n == 0 {
        return (0.0, 0.0);
    }
    let mean = sum / n as f64;
    let var = (sum_sq / n as f64 - mean * mean).max(0.0);
    (mean as f32, var.sqrt() as f32)
}

fn normalise(values: &mut [f32]) {
    let total: f32 = values.iter().sum();
    if total > 0.0 {
        values.iter_mut().for_each(|v| *v /= total);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_round_trips() {
        let v: FeatureVector = std::array::from_fn(|i| i as f32 * 0.5 - 3.0);
        assert_eq!(from_blob(&to_blob(&v)), Some(v));
        assert_eq!(from_blob(&[0u8; 7]), None);
    }

    #[test]
    fn distance_is_zero_to_itself() {
        let v: FeatureVector = std::array::from_fn(|i| i as f32);
        assert_eq!(distance(&v, &v), 0.0);
        let mut w = v;
        w[0] += 3.0;
        w[1] += 4.0;
        assert!((distance(&v, &w) - 5.0).abs() < 1e-5);
    }
}
