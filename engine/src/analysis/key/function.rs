//! Key evidence from harmonic function: a chord (major or minor triad) is read off every frame's
//! smoothed chroma and bass, and each key scores how well the chord sequence fits its functions
//! (tonic most, then dominant with its raised leading note, subdominant, the other diatonic chords;
//! chords foreign to the key count against it). The opening counts double, as music mostly starts on
//! its tonic. After the chord-sequence key finding of Temperley ("The Cognition of Basic Musical
//! Structures", 2001, ch. 7) and the chord-key models of Noland & Sandler (2009), simplified to a
//! weighted vote.

use super::evidence::{pearson, spread_over_harmonics, tonality};
use crate::analysis::Analysis;
use crate::rt::db::db_to_amplitude;

/// Frames either side of a frame whose chroma is summed before its chord is read (about 0.12 s at
/// 86 frames per second).
const SMOOTH_FRAMES: usize = 10;
/// Weight of the normalised bass share of a chord's root next to its chroma correlation.
const BASS_ROOT_WEIGHT: f32 = 0.5;
/// Share of the frames at the start that count `1 + OPENING_BONUS` times.
const OPENING_SHARE: f32 = 0.1;
/// Extra weight of the opening frames.
const OPENING_BONUS: f32 = 1.0;
/// Score of a chord that has no function in a key.
const FOREIGN: f32 = -0.3;
/// (root above the tonic, minor chord?, weight) of the chords of a major key. The flat seventh is
/// the mixolydian borrowing of rock and pop.
const MAJOR_FUNCTIONS: [(u8, bool, f32); 7] = [
    (0, false, 1.0),
    (7, false, 0.7),
    (5, false, 0.6),
    (9, true, 0.35),
    (2, true, 0.35),
    (4, true, 0.2),
    (10, false, 0.15),
];
/// The same for a minor key: the dominant is major (raised leading note) or minor (natural); the
/// major subdominant is the dorian borrowing.
const MINOR_FUNCTIONS: [(u8, bool, f32); 8] = [
    (0, true, 1.0),
    (7, false, 0.7),
    (7, true, 0.4),
    (5, true, 0.6),
    (8, false, 0.35),
    (3, false, 0.25),
    (10, false, 0.25),
    (5, false, 0.2),
];

/// How well the source's chord sequence fits each key, indexed as [`super::key_scores`]; about -0.3
/// (nothing fits) to 1 (tonic chord throughout). All zero without tonal frames.
pub fn function_scores(analysis: &Analysis) -> [f32; 24] {
    let f = &analysis.features;
    let n = analysis.num_frames();
    let triads = triad_templates();
    // Level- and tonality-weighted chroma and bass, as prefix sums for the moving windows.
    let mut chroma_sum = vec![[0.0f32; 24]; n + 1];
    let mut frame_weight = vec![0.0f32; n];
    for i in 0..n {
        let level = db_to_amplitude(f.rms_db[i]);
        let tonality = tonality(f.flatness[i]);
        let w = if level.is_finite() { level * tonality * tonality } else { 0.0 };
        frame_weight[i] = level * tonality;
        let mut row = chroma_sum[i];
        for pc in 0..12 {
            row[pc] += w * f.chroma[i][pc];
            row[12 + pc] += w * f.bass_chroma[i][pc];
        }
        chroma_sum[i + 1] = row;
    }
    let mut scores = [0.0f32; 24];
    let mut total = 0.0f32;
    let opening = (OPENING_SHARE * n as f32) as usize;
    for (i, &weight) in frame_weight.iter().enumerate().take(n) {
        // Not `weight <= 0.0`: a NaN weight is skipped too.
        if weight.is_nan() || weight <= 0.0 || f.chroma[i].iter().all(|&c| c == 0.0) {
            continue;
        }
        let (lo, hi) = (i.saturating_sub(SMOOTH_FRAMES), (i + SMOOTH_FRAMES + 1).min(n));
        let window: [f32; 24] = std::array::from_fn(|k| chroma_sum[hi][k] - chroma_sum[lo][k]);
        let chroma: [f32; 12] = std::array::from_fn(|pc| window[pc]);
        let bass_total: f32 = window[12..].iter().sum::<f32>().max(1e-9);
        let Some(chord) = (0..24).max_by(|&a, &b| {
            let score = |c: usize| pearson(&chroma, &triads[c]) + BASS_ROOT_WEIGHT * window[12 + c % 12] / bass_total;
            score(a).total_cmp(&score(b))
        }) else {
            continue;
        };
        let weight = weight * if i < opening { 1.0 + OPENING_BONUS } else { 1.0 };
        let (root, is_minor) = ((chord % 12) as u8, chord >= 12);
        for (key, score) in scores.iter_mut().enumerate() {
            let functions: &[(u8, bool, f32)] = if key < 12 { &MAJOR_FUNCTIONS } else { &MINOR_FUNCTIONS };
            let degree = (root + 12 - (key % 12) as u8) % 12;
            let value = functions
                .iter()
                .find(|&&(d, m, _)| d == degree && m == is_minor)
                .map_or(FOREIGN, |&(_, _, w)| w);
            *score += weight * value;
        }
        total += weight;
    }
    if total > 0.0 {
        scores.iter_mut().for_each(|s| *s /= total);
    }
    scores
}

/// Chroma templates of the 24 triads (C major .. B major, C minor .. B minor) heard through harmonics.
fn triad_templates() -> [[f32; 12]; 24] {
    std::array::from_fn(|c| {
        let mut notes = [0.0f32; 12];
        let third = if c < 12 { 4 } else { 3 };
        for interval in [0, third, 7] {
            notes[(c % 12 + interval) % 12] = 1.0;
        }
        spread_over_harmonics(&notes)
    })
}
