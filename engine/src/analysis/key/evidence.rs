//! What both key scores (profile correlation and chord functions) share: how tonal a frame is, a
//! pitch-class profile heard through harmonic tones, and the Pearson correlation of two profiles.

use crate::rt::math;

/// Flatness at and above which a frame counts as noise, not tone (white noise measures about 0.56).
const NOISE_FLATNESS: f32 = 0.3;
/// Harmonics each note of a chord template is spread over (1 = fundamental only).
const NUM_HARMONICS: usize = 4;
/// Amplitude of harmonic `h` relative to harmonic `h - 1` in the spread templates.
const HARMONIC_DECAY: f32 = 0.6;

/// `profile` as heard through harmonic tones: each note also adds `HARMONIC_DECAY^(h-1)` of its weight
/// to the pitch class of its `h`-th harmonic, for `h` up to `NUM_HARMONICS`.
pub(super) fn spread_over_harmonics(profile: &[f32; 12]) -> [f32; 12] {
    let mut out = [0.0f32; 12];
    for (pc, &w) in profile.iter().enumerate() {
        let mut gain = 1.0;
        for h in 1..=NUM_HARMONICS {
            let offset = (12.0 * math::log2(h as f32)).round() as usize;
            out[(pc + offset) % 12] += w * gain;
            gain *= HARMONIC_DECAY;
        }
    }
    out
}

/// Pearson correlation of two 12-vectors (0 when either is constant).
pub(super) fn pearson(x: &[f32; 12], y: &[f32; 12]) -> f32 {
    let mean_x = x.iter().sum::<f32>() / 12.0;
    let mean_y = y.iter().sum::<f32>() / 12.0;
    let (mut sxy, mut sxx, mut syy) = (0.0f32, 0.0f32, 0.0f32);
    for (a, b) in x.iter().zip(y) {
        let (dx, dy) = (a - mean_x, b - mean_y);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx <= 0.0 || syy <= 0.0 {
        0.0
    } else {
        sxy / (sxx * syy).sqrt()
    }
}

/// How tonal a frame of spectral flatness `flatness` is: 1 for a pure tone, falling linearly to 0
/// at [`NOISE_FLATNESS`] and above.
pub(super) fn tonality(flatness: f32) -> f32 {
    (1.0 - flatness / NOISE_FLATNESS).clamp(0.0, 1.0)
}
