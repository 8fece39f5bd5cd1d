//! The feature vector of a region, for "more like this", in four aspects a musician names (see
//! [`crate::aspects`]): timbre (spectral envelope and noisiness), pitch and key, brightness, and
//! loudness contour. Every value comes from the one analysis pass (pads and hiss: means and spreads
//! of its frame features over the region; one-shots: the hit measures the classifier reads). The
//! values are in natural units here; queries scale each over the catalogue before comparing.

use engine::rt::math;
use engine::analysis::{Analysis, NUM_CEPSTRA};
use engine::mining::{HitFeatures, Region};

/// Length of a feature vector.
pub const NUM_FEATURES: usize = 50;

/// A region's feature vector.
pub type FeatureVector = [f32; NUM_FEATURES];

/// Version of the vectors' layout, part of the miner fingerprint: a file whose vectors were made
/// another way is mined again by the next scan. 2: four aspects, normalised over the catalogue.
pub const FEATURES_VERSION: u32 = 2;

/// `log2` of a frequency or time, floored at 1 (so silence or "none" does not read as minus infinity).
fn octaves(x: f32) -> f32 {
    math::log2(x.max(1.0))
}

/// The vector of a one-shot of `len_sec` seconds with the hit measures `hit` (see [`crate::aspects::ONESHOT_ASPECTS`]).
pub fn oneshot_features(hit: &HitFeatures, len_sec: f32) -> FeatureVector {
    let mut out = [0.0f32; NUM_FEATURES];
    let low = hit.bands[0].clamp(0.0, 1.0);
    let low_db = 10.0 * math::log10(low.max(1e-6) / (1.0 - low).max(1e-6));
    let (early, late) = (octaves(hit.low_pitch_hz.max(20.0)), octaves(hit.late_low_pitch_hz.max(20.0)));
    let values = hit.octave_db.into_iter().chain([
        hit.flatness,
        hit.mid_flatness,
        hit.noise_flatness,
        hit.high_flatness,
        hit.peak_share,
        hit.low_peak_share,
        early,
        late,
        early - late,
        octaves(hit.centroid_hz),
        hit.air_ratio_db,
        low_db,
        octaves(hit.decay_ms.max(10.0)),
        octaves(len_sec * 1000.0),
    ]);
    for (o, x) in out.iter_mut().zip(values) {
        *o = if x.is_finite() { x } else { 0.0 };
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

/// The feature vector of `region` (see [`crate::aspects::PAD_ASPECTS`]). Not realtime-safe.
pub fn region_features(analysis: &Analysis, region: &Region) -> FeatureVector {
    let frames = region_frames(analysis, region);
    let f = &analysis.features;
    let mut out = [0.0f32; NUM_FEATURES];
    if frames.is_empty() {
        return out;
    }
    let n = frames.len() as f32;
    // Timbre.
    let mut cepstrum = [0.0f32; NUM_CEPSTRA];
    let mut cepstrum_sq = [0.0f32; NUM_CEPSTRA];
    let mut chroma = [0.0f32; 12];
    let mut bass = 0.0f32;
    for i in frames.clone() {
        for ((c, q), v) in cepstrum.iter_mut().zip(&mut cepstrum_sq).zip(f.cepstrum[i]) {
            *c += v / n;
            *q += v * v / n;
        }
        for (c, v) in chroma.iter_mut().zip(f.chroma[i]) {
            *c += v;
        }
        bass += f.bass_chroma[i].iter().sum::<f32>();
    }
    let (fl_mean, fl_std) = mean_std(frames.clone().map(|i| f.flatness[i]));
    let (air_flat, _) = mean_std(frames.clone().map(|i| f.air_flatness[i]));
    let (flux, _) = mean_std(frames.clone().map(|i| f.flux[i]));
    out[..NUM_CEPSTRA].copy_from_slice(&cepstrum);
    for (o, (m, q)) in out[NUM_CEPSTRA..2 * NUM_CEPSTRA].iter_mut().zip(cepstrum.iter().zip(&cepstrum_sq)) {
        *o = (q - m * m).max(0.0).sqrt();
    }
    out[24..28].copy_from_slice(&[fl_mean, fl_std, air_flat, math::ln_1p(flux)]);
    // Pitch and key.
    let chroma_total: f32 = chroma.iter().sum();
    normalise(&mut chroma);
    out[28..40].copy_from_slice(&chroma);
    out[40] = if chroma_total > 0.0 { bass / chroma_total } else { 0.0 };
    // Brightness.
    let (c_mean, c_std) = mean_std(frames.clone().map(|i| octaves(f.centroid_hz[i].max(20.0))));
    let (air, _) = mean_std(frames.clone().map(|i| (f.air_db[i] - f.rms_db[i]).clamp(-80.0, 20.0)));
    out[41..44].copy_from_slice(&[c_mean, c_std, air]);
    // Loudness contour.
    let (l_mean, l_std) = mean_std(frames.clone().map(|i| f.rms_db[i]));
    out[44] = l_std;
    let len = frames.len();
    for q in 0..4 {
        let part = frames.start + q * len / 4..frames.start + ((q + 1) * len / 4).max(q * len / 4 + 1);
        let (level, _) = mean_std(part.filter(|i| frames.contains(i)).map(|i| f.rms_db[i]));
        out[45 + q] = level - l_mean;
    }
    let loudest = frames.clone().max_by(|&a, &b| f.rms_db[a].total_cmp(&f.rms_db[b])).unwrap_or(frames.start);
    out[49] = (loudest - frames.start) as f32 / len.max(2).saturating_sub(1) as f32;
    for v in &mut out {
        if !v.is_finite() {
            *v = 0.0;
        }
    }
    out
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
}
