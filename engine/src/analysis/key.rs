//! Key estimation from the analysis pass's chroma: Pearson correlation against key profiles
//! (Krumhansl & Schmuckler's method), with profiles from Temperley ("Music and Probability", 2007,
//! Kostka-Payne corpus) and Albrecht & Shanahan (Music Perception 31(1), 2013), each spread over the
//! first harmonics of its notes as Gómez does for audio ("Tonal description of music audio signals",
//! 2006), and a chroma averaged over sustained, tonal frames. Tuning is already removed by the pass.
//!
//! Next to it, the bass chroma (peaks below `BASS_CHROMA_MAX_HZ`) is correlated with hand-set
//! chord-root profiles in the spirit of the bass chroma of Mauch & Dixon ("Simultaneous estimation of
//! chords and musical context from audio", 2010): the bass dwells on the tonic, which is what tells
//! A minor from C major when a progression uses the same chords. Its weight follows how much bass
//! there is, so pads without a bass are judged by the full chroma alone.

mod function;
mod name;

pub use function::function_scores;

pub use name::{Key, Mode, transpose_semitones};

use super::Analysis;
use serde::{Deserialize, Serialize};

/// Temperley's Kostka-Payne profiles (tonic first).
const TEMPERLEY: [[f32; 12]; 2] = [
    [
        0.748, 0.060, 0.488, 0.082, 0.670, 0.460, 0.096, 0.715, 0.104, 0.366, 0.057, 0.400,
    ],
    [
        0.712, 0.084, 0.474, 0.618, 0.049, 0.460, 0.105, 0.747, 0.404, 0.067, 0.133, 0.330,
    ],
];
/// Albrecht & Shanahan's profiles (tonic first).
const ALBRECHT_SHANAHAN: [[f32; 12]; 2] = [
    [
        0.238, 0.006, 0.111, 0.006, 0.137, 0.094, 0.016, 0.214, 0.009, 0.080, 0.008, 0.081,
    ],
    [
        0.220, 0.006, 0.104, 0.123, 0.019, 0.103, 0.012, 0.214, 0.062, 0.022, 0.061, 0.052,
    ],
];
/// Bass profiles: how often each pitch class is the bass note (mostly a chord root) in a key, tonic
/// first. Hand-set from common-practice and pop harmony: tonic most, then dominant and subdominant,
/// then the other diatonic roots (in minor: VI, III, VII).
const BASS_ROOTS: [[f32; 12]; 2] = [
    [1.0, 0.0, 0.25, 0.0, 0.1, 0.5, 0.0, 0.6, 0.0, 0.35, 0.0, 0.05],
    [1.0, 0.0, 0.1, 0.35, 0.0, 0.45, 0.0, 0.5, 0.4, 0.0, 0.35, 0.05],
];
/// Harmonics each profile note is spread over (1 = fundamental only).
const NUM_HARMONICS: usize = 4;
/// Amplitude of harmonic `h` relative to harmonic `h - 1` in the spread profiles.
const HARMONIC_DECAY: f32 = 0.6;
/// Flatness at and above which a frame counts as noise, not tone (white noise measures about 0.56).
const NOISE_FLATNESS: f32 = 0.3;
/// Weight of the bass chroma's correlation next to the full chroma's: the bass dwells on roots and
/// the tonic, which tells a minor key from its relative major when both use the same chords.
const BASS_WEIGHT: f32 = 1.0;
/// Share of a frame's chroma from bass peaks at which its bass counts fully.
const FULL_BASS_SHARE: f32 = 0.1;
/// Weight of the chord-function scores next to the profile correlation (weight 1).
const FUNCTION_WEIGHT: f32 = 2.0;
/// Temperature of the softmax over key scores that spreads confidence over the alternatives.
const ALTERNATIVE_TEMPERATURE: f32 = 0.08;
/// Correlation gap between the best and the runner-up key that counts as unambiguous.
const CONFIDENT_MARGIN: f32 = 0.1;

/// A key estimate with its confidence.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct KeyEstimate {
    pub key: Key,
    /// 0..1: 0 when the material has no tonal content (the key is then meaningless), near 1 when
    /// the best key correlates well and clearly beats every other.
    pub confidence: f32,
}

/// Estimates the key of an analysed source: the first of [`rank_keys`].
pub fn estimate_key(analysis: &Analysis) -> KeyEstimate {
    rank_keys(analysis)[0]
}

/// All 24 keys, most likely first, each with its confidence.
///
/// A key's score is the mean of the chroma's profile correlation, the bass's root-profile correlation
/// (weighted by how much bass there is) and the chord sequence's functional fit ([`function_scores`],
/// weight `FUNCTION_WEIGHT`). The best key's confidence is its score (clamped to 0..1) times
/// `0.5 + 0.5 * clarity` (clarity: the gap to the runner-up over `CONFIDENT_MARGIN`, at most 1) times
/// the source's tonal share; each other key's is its score times the tonal share times its share of a
/// softmax over scores (temperature `ALTERNATIVE_TEMPERATURE`), so a close runner-up reads close to an
/// unsure winner and a far one reads near 0. Atonal or silent sources put C major first at confidence 0.
pub fn rank_keys(analysis: &Analysis) -> Vec<KeyEstimate> {
    let WeightedChroma {
        chroma,
        bass,
        bass_presence,
        tonal_fraction,
    } = weighted_chroma(analysis);
    let full_scores = key_scores(&chroma);
    let bass_scores = bass_scores(&bass);
    let function = function_scores(analysis);
    let bass_weight = BASS_WEIGHT * bass_presence;
    let scores: [f32; 24] = std::array::from_fn(|k| {
        let s = (full_scores[k] + bass_weight * bass_scores[k] + FUNCTION_WEIGHT * function[k])
            / (1.0 + bass_weight + FUNCTION_WEIGHT);
        if s.is_finite() { s } else { 0.0 }
    });
    let mut order: Vec<usize> = (0..24).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let (best, second) = (order[0], order[1]);
    let key_of = |k: usize| Key::new((k % 12) as u8, if k < 12 { Mode::Major } else { Mode::Minor });
    let clarity = ((scores[best] - scores[second]) / CONFIDENT_MARGIN).clamp(0.0, 1.0);
    let top = scores[best].clamp(0.0, 1.0) * (0.5 + 0.5 * clarity) * tonal_fraction;
    let weights: Vec<f32> = order
        .iter()
        .map(|&k| ((scores[k] - scores[best]) / ALTERNATIVE_TEMPERATURE).exp())
        .collect();
    let weight_sum: f32 = weights.iter().sum();
    let finite = |c: f32| if c.is_finite() { c.clamp(0.0, 1.0) } else { 0.0 };
    order
        .iter()
        .zip(&weights)
        .enumerate()
        .map(|(rank, (&k, &w))| KeyEstimate {
            key: key_of(k),
            confidence: if rank == 0 {
                finite(top)
            } else {
                finite(scores[k].clamp(0.0, 1.0) * tonal_fraction * w / weight_sum).min(finite(top))
            },
        })
        .collect()
}

/// The chroma evidence of a whole source.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeightedChroma {
    /// Chroma averaged over frames (weights below), arbitrary scale.
    pub chroma: [f32; 12],
    /// Shape of the bass chroma (each frame's bass chroma scaled to sum 1) averaged over frames, each
    /// frame's weight also scaled by its bass presence; arbitrary scale.
    pub bass: [f32; 12],
    /// 0..1: mean over frames of `bass share / FULL_BASS_SHARE` (clamped): how much there is a bass.
    pub bass_presence: f32,
    /// 0..1: the tonal share of the source's energy.
    pub tonal_fraction: f32,
}

/// Averages the chroma over frames weighted by level, tonality and steadiness.
///
/// A frame's weight is its RMS (linear) times its tonality `1 - flatness / NOISE_FLATNESS` (clamped to
/// 0..1) squared, divided by `1 + flux / median flux` so sustained frames count more than attacks.
/// The bass chroma counts by shape (so a held tonic in the bass counts for its duration, not its
/// decaying level), but only as much as the frame has a bass, so leakage cannot pose as one.
pub fn weighted_chroma(analysis: &Analysis) -> WeightedChroma {
    let f = &analysis.features;
    let mut sorted_flux: Vec<f32> = f.flux.iter().copied().filter(|x| x.is_finite()).collect();
    sorted_flux.sort_by(f32::total_cmp);
    let median_flux = sorted_flux.get(sorted_flux.len() / 2).copied().unwrap_or(0.0).max(1e-3);
    let mut chroma = [0.0f32; 12];
    let mut bass = [0.0f32; 12];
    let (mut tonal_energy, mut energy, mut presence_sum, mut weight_sum) = (0.0f32, 0.0f32, 0.0f32, 0.0f32);
    for i in 0..analysis.num_frames() {
        let level = 10f32.powf(f.rms_db[i] / 20.0);
        energy += level;
        let tonality = (1.0 - f.flatness[i] / NOISE_FLATNESS).clamp(0.0, 1.0);
        let steadiness = 1.0 / (1.0 + f.flux[i] / median_flux);
        let weight = level * tonality * tonality * steadiness;
        if !weight.is_finite() || f.chroma[i].iter().all(|&c| c == 0.0) {
            continue;
        }
        for (c, &x) in chroma.iter_mut().zip(&f.chroma[i]) {
            *c += weight * x;
        }
        let bass_share: f32 = f.bass_chroma[i].iter().sum();
        let presence = (bass_share / FULL_BASS_SHARE).clamp(0.0, 1.0);
        if bass_share > 0.0 {
            for (c, &x) in bass.iter_mut().zip(&f.bass_chroma[i]) {
                *c += weight * presence * x / bass_share;
            }
        }
        presence_sum += weight * presence;
        weight_sum += weight;
        tonal_energy += level * tonality;
    }
    WeightedChroma {
        chroma,
        bass,
        bass_presence: if weight_sum > 0.0 {
            presence_sum / weight_sum
        } else {
            0.0
        },
        tonal_fraction: if energy > 0.0 { tonal_energy / energy } else { 0.0 },
    }
}

/// Pearson correlation of `chroma` with every key's profile, averaged over the profile sets: indices
/// 0..12 are C major .. B major, 12..24 C minor .. B minor.
pub fn key_scores(chroma: &[f32; 12]) -> [f32; 24] {
    let mut scores = [0.0f32; 24];
    let sets = [TEMPERLEY, ALBRECHT_SHANAHAN];
    for set in &sets {
        for (mode, profile) in set.iter().enumerate() {
            let spread = profile;
            for tonic in 0..12 {
                let rotated: [f32; 12] = std::array::from_fn(|pc| spread[(pc + 12 - tonic) % 12]);
                scores[mode * 12 + tonic] += pearson(chroma, &rotated) / sets.len() as f32;
            }
        }
    }
    scores
}

/// Pearson correlation of the bass chroma with every key's bass profile, indexed as [`key_scores`].
pub fn bass_scores(bass: &[f32; 12]) -> [f32; 24] {
    std::array::from_fn(|k| {
        let profile = &BASS_ROOTS[k / 12];
        let rotated: [f32; 12] = std::array::from_fn(|pc| profile[(pc + 12 - k % 12) % 12]);
        pearson(bass, &rotated)
    })
}

/// `profile` as heard through harmonic tones: each note also adds `HARMONIC_DECAY^(h-1)` of its weight
/// to the pitch class of its `h`-th harmonic, for `h` up to `NUM_HARMONICS`.
fn spread_over_harmonics(profile: &[f32; 12]) -> [f32; 12] {
    let mut out = [0.0f32; 12];
    for (pc, &w) in profile.iter().enumerate() {
        let mut gain = 1.0;
        for h in 1..=NUM_HARMONICS {
            let offset = (12.0 * (h as f32).log2()).round() as usize;
            out[(pc + offset) % 12] += w * gain;
            gain *= HARMONIC_DECAY;
        }
    }
    out
}

/// Pearson correlation of two 12-vectors (0 when either is constant).
fn pearson(x: &[f32; 12], y: &[f32; 12]) -> f32 {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_itself_scores_its_own_key() {
        let mut chroma = [0.0f32; 12];
        for (pc, &w) in TEMPERLEY[1].iter().enumerate() {
            chroma[(pc + 9) % 12] = w;
        }
        let scores = key_scores(&chroma);
        let best = (0..24).max_by(|&a, &b| scores[a].total_cmp(&scores[b])).unwrap();
        assert_eq!(best, 12 + 9, "A minor");
    }

    #[test]
    fn harmonic_scale_chroma_scores_its_key() {
        // G major scale tones, tonic triad doubled, heard through harmonics.
        let mut notes = [0.0f32; 12];
        for pc in [7, 9, 11, 0, 2, 4, 6] {
            notes[pc] = 1.0;
        }
        for pc in [7, 11, 2] {
            notes[pc] += 1.0;
        }
        let chroma = spread_over_harmonics(&notes);
        let scores = key_scores(&chroma);
        let best = (0..24).max_by(|&a, &b| scores[a].total_cmp(&scores[b])).unwrap();
        assert_eq!(best, 7, "G major");
    }
}
