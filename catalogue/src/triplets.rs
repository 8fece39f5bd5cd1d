//! The second fingerprint family: event triplets that survive tempo and speed changes, after
//! J. Six and M. Leman, "Panako: a scalable acoustic fingerprinting system handling time-scale and
//! pitch modification" (ISMIR 2014).
//!
//! A landmark hashes a peak pair's frequencies and time step, so a copy played 5 % faster or
//! slower shares almost none of them. A triplet of peaks hashes only what such a change keeps:
//! - the ratio of its two time steps (a tempo or speed change scales both alike);
//! - its two frequency steps on a log-frequency axis, in semitones (a speed change multiplies all
//!   frequencies by one factor, which shifts log-frequencies by a constant and keeps their
//!   differences; a tempo change keeps frequencies);
//! - the register of its first peak, in 6-semitone steps: coarse enough that most triplets of a
//!   speed change keep it, and it spreads a large catalogue's triplets over 16 times as many
//!   hashes.
//!
//! Matching (see [`verify`]) then asks the hits between two files to agree on one time ratio, one
//! pitch offset and one time offset: copies do, chance hits scatter. The agreed values name the
//! variant: time ratio alone is a tempo change, time ratio with the pitch it implies a speed change
//! (varispeed), neither a re-encode or an otherwise altered copy (reverb).
//!
//! Why derived from the stored landmarks rather than from a constant-Q spectrum of their own: the
//! landmarks already hold every spectral peak they pair ([`crate::landmarks::peaks`]); their bins
//! are converted to semitones here. So a scan computes and stores nothing new (no second pass over
//! the audio, no schema change: a scan costs what it did), and the catalogues fingerprinted before
//! gain the family at once. The price is resolution at the bottom: a 10.8 Hz bin is 2.8 semitones at
//! 65 Hz, so peaks below [`MIN_BIN`] are left out and frequency steps are hashed in whole semitones;
//! the landmark peaks are picked in fixed neighbourhoods of linear bins and frames, which a 16 %
//! change moves a little. The measured recall per step (`exporter/tests/variants_eval.rs`, README)
//! is what this costs.
//!
//! Background thread: allocates.

use engine::rt::math;
use engine::analysis::fingerprint::FRAME_SEC;
use engine::analysis::Landmark;

/// Lowest landmark bin a triplet uses (129 Hz, where a bin is 1.4 semitones).
pub const MIN_BIN: u32 = 12;
/// Frames a triplet may span, first to last peak (1.5 s).
const MAX_SPAN_FRAMES: u32 = 64;
/// Fewest frames between two peaks of a triplet: a step of one frame has no useful ratio.
const MIN_STEP_FRAMES: u32 = 3;
/// Each peak starts triplets with pairs of the next this many peaks.
const FAN_OUT: usize = 6;
/// Levels the time-step ratio is hashed in (4 bits).
const RATIO_LEVELS: f32 = 16.0;
/// Largest frequency step hashed, semitones (6 bits per step with sign).
const MAX_STEP_SEMITONES: i32 = 31;
/// Width of the registers the first peak's pitch is hashed in, semitones (4 bits over the 54
/// semitones of [`MIN_BIN`] to the top bin). A speed change moves a triplet across a register's edge
/// now and then (one in seven at 5 %, two in five at 16 %); without the register a catalogue of
/// thousands of files would hold hundreds of triplets per hash, too common to search.
const REGISTER_SEMITONES: f32 = 6.0;
/// Semitones per log-frequency unit of a stored triplet's pitch (1/16 semitone).
const PITCH_UNITS_PER_SEMITONE: f32 = 16.0;

/// One triplet: its hash and where it lies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Triplet {
    /// (register of the first peak: 4 bits) << 16 | (ratio level: 4 bits) << 12 | (first step + 32:
    /// 6 bits) << 6 | (second step + 32: 6 bits).
    pub hash: u32,
    /// Frame of the first peak.
    pub frame: u32,
    /// Frames from the first peak to the last.
    pub span: u32,
    /// Log-frequency of the first peak, in 1/16 semitone above the landmark bin 1.
    pub pitch: i32,
}

/// Semitones above landmark bin 1 of bin `bin`.
fn semitones(bin: u32) -> f32 {
    12.0 * math::log2(bin as f32)
}

/// The triplets of a file's landmarks, ordered by frame.
pub fn triplets(landmarks: impl IntoIterator<Item = Landmark>) -> Vec<Triplet> {
    let mut peaks: Vec<(u32, u32)> =
        landmarks.into_iter().flat_map(crate::landmarks::peaks).filter(|&(_, bin)| bin >= MIN_BIN).collect();
    peaks.sort_unstable();
    peaks.dedup();
    let mut out = Vec::with_capacity(peaks.len() * FAN_OUT * (FAN_OUT - 1) / 2);
    for (i, &(t1, b1)) in peaks.iter().enumerate() {
        let next: Vec<(u32, u32)> = peaks[i + 1..]
            .iter()
            .copied()
            .filter(|&(t, _)| t >= t1 + MIN_STEP_FRAMES)
            .take_while(|&(t, _)| t <= t1 + MAX_SPAN_FRAMES)
            .take(FAN_OUT)
            .collect();
        let f1 = semitones(b1);
        let register = (((f1 - semitones(MIN_BIN)) / REGISTER_SEMITONES) as u32).min(15);
        for (j, &(t2, b2)) in next.iter().enumerate() {
            for &(t3, b3) in &next[j + 1..] {
                if t3 < t2 + MIN_STEP_FRAMES {
                    continue;
                }
                let (f2, f3) = (semitones(b2), semitones(b3));
                let (s1, s2) = ((f2 - f1).round() as i32, (f3 - f2).round() as i32);
                if s1.abs() > MAX_STEP_SEMITONES || s2.abs() > MAX_STEP_SEMITONES {
                    continue;
                }
                let ratio = (t2 - t1) as f32 / (t3 - t1) as f32;
                let level = ((ratio * RATIO_LEVELS) as u32).min(RATIO_LEVELS as u32 - 1);
                out.push(Triplet {
                    hash: register << 16 | level << 12 | ((s1 + 32) as u32) << 6 | (s2 + 32) as u32,
                    frame: t1,
                    span: t3 - t1,
                    pitch: (f1 * PITCH_UNITS_PER_SEMITONE).round() as i32,
                });
            }
        }
    }
    out
}

/// Fewest triplet hits that must agree for two files to count as one recording.
pub const MIN_VARIANT_VOTES: u32 = 12;
/// Smallest share of the shorter file's triplets that must agree.
pub const MIN_VARIANT_SHARE: f64 = 0.006;
/// Largest time ratio searched either way (a copy 25 % faster or slower).
const MAX_LN_RATIO: f32 = 0.223;
/// Largest pitch offset searched, semitones (a speed change of 25 % is 3.9).
const MAX_PITCH_OFFSET: f32 = 4.5;
/// Width of the coarse search cells: time ratio (natural log) and pitch offset (semitones).
const COARSE_LN_RATIO: f32 = 0.02;
const COARSE_PITCH: f32 = 0.5;
/// Step of the fine search of the time ratio (natural log, 0.1 %).
const FINE_LN_RATIO: f32 = 0.001;
/// Hits agree on a time offset within this many frames.
const OFFSET_TOLERANCE_FRAMES: f32 = 3.0;

/// How file `b` relates to file `a` by the triplets they share.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VariantMatch {
    /// `b`'s time line runs `time_ratio` times `a`'s: `b`'s frame = `time_ratio` x `a`'s frame +
    /// `offset_frames` for one moment (1.05: `b` is 5 % longer, played slower).
    pub time_ratio: f64,
    pub offset_frames: f64,
    /// `b`'s pitch above `a`'s, semitones.
    pub semitones: f64,
    /// Hits that agree on all three.
    pub votes: u32,
}

impl VariantMatch {
    /// Whether the votes make the files one recording: at least [`MIN_VARIANT_VOTES`] and
    /// [`MIN_VARIANT_SHARE`] of the shorter file's triplets (`num_a`, `num_b`).
    pub fn is_same_recording(&self, num_a: usize, num_b: usize) -> bool {
        passes(self.votes, num_a, num_b)
    }

    /// The offset in seconds.
    pub fn offset_sec(&self) -> f64 {
        self.offset_frames * FRAME_SEC
    }
}

/// Whether `votes` agreeing hits pass for files of `num_a` and `num_b` triplets.
pub fn passes(votes: u32, num_a: usize, num_b: usize) -> bool {
    votes >= min_votes(num_a, num_b)
}

/// Fewest agreeing hits that pass for files of `num_a` and `num_b` triplets.
pub fn min_votes(num_a: usize, num_b: usize) -> u32 {
    MIN_VARIANT_VOTES.max((MIN_VARIANT_SHARE * num_a.min(num_b) as f64).ceil() as u32)
}

/// The best agreement among `hits` (pairs of triplets with one hash: `a`'s, then `b`'s), or
/// `None` when fewer than `min_votes` could agree. Coarse cells of (time ratio, pitch offset) find
/// where most hits agree (one pass over the hits: pairs of unrelated files, which share many
/// triplet hashes by chance, mostly end here); within it, a fine search of the time ratio finds
/// the time offset most hits share.
pub fn verify(hits: &[(Triplet, Triplet)], min_votes: u32) -> Option<VariantMatch> {
    let cells_r = (2.0 * MAX_LN_RATIO / COARSE_LN_RATIO).ceil() as usize + 1;
    let cells_p = (2.0 * MAX_PITCH_OFFSET / COARSE_PITCH).ceil() as usize + 1;
    let mut counts = vec![0u32; cells_r * cells_p];
    let measure = |(x, y): &(Triplet, Triplet)| {
        let ln_ratio = math::ln(y.span as f32 / x.span as f32);
        let pitch = (y.pitch - x.pitch) as f32 / PITCH_UNITS_PER_SEMITONE;
        (ln_ratio, pitch)
    };
    let cell = |(r, p): (f32, f32)| {
        if r.abs() > MAX_LN_RATIO || p.abs() > MAX_PITCH_OFFSET {
            return None;
        }
        let i = ((r + MAX_LN_RATIO) / COARSE_LN_RATIO).round() as usize;
        let j = ((p + MAX_PITCH_OFFSET) / COARSE_PITCH).round() as usize;
        Some((i.min(cells_r - 1), j.min(cells_p - 1)))
    };
    // Each hit's time ratio and pitch offset, measured once.
    let measured: Vec<(f32, f32)> = hits.iter().map(measure).collect();
    for &m in &measured {
        if let Some((i, j)) = cell(m) {
            counts[i * cells_p + j] += 1;
        }
    }
    // The cell whose 3 x 3 neighbourhood holds most hits.
    let around = |i: usize, j: usize| {
        let mut n = 0;
        for a in i.saturating_sub(1)..=(i + 1).min(cells_r - 1) {
            for b in j.saturating_sub(1)..=(j + 1).min(cells_p - 1) {
                n += counts[a * cells_p + b];
            }
        }
        n
    };
    let (ci, cj) = (0..cells_r).flat_map(|i| (0..cells_p).map(move |j| (i, j))).max_by_key(|&(i, j)| (around(i, j), std::cmp::Reverse(i.abs_diff(cells_r / 2) + j.abs_diff(cells_p / 2))))?;
    if around(ci, cj) == 0 || around(ci, cj) < min_votes {
        return None;
    }
    let r0 = ci as f32 * COARSE_LN_RATIO - MAX_LN_RATIO;
    let p0 = cj as f32 * COARSE_PITCH - MAX_PITCH_OFFSET;
    let near: Vec<&(Triplet, Triplet)> = hits
        .iter()
        .zip(&measured)
        .filter(|(_, (r, p))| (r - r0).abs() <= 1.5 * COARSE_LN_RATIO && (p - p0).abs() <= 1.5 * COARSE_PITCH)
        .map(|(h, _)| h)
        .collect();
    let steps = (1.5 * COARSE_LN_RATIO / FINE_LN_RATIO).round() as i32;
    let mut best: Option<(u32, f32, f32)> = None;
    let mut histogram = OffsetHistogram::default();
    for s in -steps..=steps {
        let ratio = math::exp(r0 + s as f32 * FINE_LN_RATIO);
        let (n, offset) = histogram.densest(near.iter().map(|(x, y)| y.frame as f32 - ratio * x.frame as f32));
        if best.is_none_or(|(votes, ..)| n > votes) {
            best = Some((n, ratio, offset));
        }
    }
    let (_, mut ratio, mut offset) = best?;
    let agreeing = |ratio: f32, offset: f32| -> Vec<&&(Triplet, Triplet)> {
        near.iter().filter(|(x, y)| (y.frame as f32 - ratio * x.frame as f32 - offset).abs() <= OFFSET_TOLERANCE_FRAMES).collect()
    };
    let mut agree = agreeing(ratio, offset);
    // The grid's best line fits the hits of a few seconds best; a least-squares line through its
    // hits, recounted, follows them over the whole file (a 0.1 % error drifts 1.3 frames in 30 s).
    for _ in 0..REFITS {
        let Some((r, c)) = fit_line(agree.iter().map(|(x, y)| (f64::from(x.frame), f64::from(y.frame)))) else { break };
        let refit = agreeing(r as f32, c as f32);
        if refit.len() < agree.len() {
            break;
        }
        (ratio, offset, agree) = (r as f32, c as f32, refit);
    }
    let mut pitches: Vec<f32> = agree.iter().map(|h| measure(h).1).collect();
    pitches.sort_unstable_by(f32::total_cmp);
    let semitones = pitches.get(pitches.len() / 2).copied().unwrap_or(0.0);
    Some(VariantMatch {
        time_ratio: f64::from(ratio),
        offset_frames: f64::from(offset),
        semitones: f64::from(semitones),
        votes: agree.len() as u32,
    })
}

/// Counts of time offsets in bins of [`OFFSET_TOLERANCE_FRAMES`], for the fine ratio search: one
/// pass over the hits per ratio tried (a sort per ratio cost most of a variant search).
#[derive(Default)]
struct OffsetHistogram {
    counts: Vec<u32>,
    bins: Vec<usize>,
}

impl OffsetHistogram {
    /// The most offsets lying within `OFFSET_TOLERANCE_FRAMES` of one value (two neighbouring
    /// bins), and that value.
    fn densest(&mut self, offsets: impl Iterator<Item = f32> + Clone) -> (u32, f32) {
        let lowest = offsets.clone().fold(f32::INFINITY, f32::min);
        if !lowest.is_finite() {
            return (0, 0.0);
        }
        self.bins.clear();
        self.bins.extend(offsets.map(|o| ((o - lowest) / OFFSET_TOLERANCE_FRAMES) as usize));
        let top = self.bins.iter().copied().max().unwrap_or(0);
        if top > 8 * self.bins.len() {
            return self.densest_sparse(lowest);
        }
        self.counts.clear();
        self.counts.resize(top + 2, 0);
        for &b in &self.bins {
            self.counts[b] += 1;
        }
        let (mut votes, mut at) = (0, 0);
        for (b, pair) in self.counts.windows(2).enumerate() {
            if pair[0] + pair[1] > votes {
                (votes, at) = (pair[0] + pair[1], b);
            }
        }
        // The two bins [b, b + 2) x tolerance span the offsets within the tolerance of their
        // shared edge.
        (votes, lowest + (at + 1) as f32 * OFFSET_TOLERANCE_FRAMES)
    }

    /// [`Self::densest`] for a few offsets spread far apart (chance hits): the bins sorted rather
    /// than counted in an array as long as their spread.
    fn densest_sparse(&mut self, lowest: f32) -> (u32, f32) {
        self.bins.sort_unstable();
        let (mut votes, mut at, mut lo) = (0, 0, 0);
        for hi in 0..self.bins.len() {
            while self.bins[hi] > self.bins[lo] + 1 {
                lo += 1;
            }
            let n = (hi - lo + 1) as u32;
            if n > votes {
                (votes, at) = (n, self.bins[lo]);
            }
        }
        (votes, lowest + (at + 1) as f32 * OFFSET_TOLERANCE_FRAMES)
    }
}

/// Least-squares refits of the agreeing hits' line.
const REFITS: usize = 3;

/// The least-squares line `y = r x + c` through `points`, if they span more than one `x`.
fn fit_line(points: impl Iterator<Item = (f64, f64)>) -> Option<(f64, f64)> {
    let (mut n, mut sx, mut sy, mut sxx, mut sxy) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (x, y) in points {
        n += 1.0;
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
    }
    let det = n * sxx - sx * sx;
    if n < 2.0 || det.abs() < 1e-9 {
        return None;
    }
    let r = (n * sxy - sx * sy) / det;
    Some((r, (sy - r * sx) / n))
}

/// Every pair of one triplet of `a` and one of `b` with the same hash.
pub fn hits(a: &[Triplet], b: &[Triplet]) -> Vec<(Triplet, Triplet)> {
    let mut by_hash: Vec<&Triplet> = b.iter().collect();
    by_hash.sort_unstable_by_key(|t| t.hash);
    let mut out = Vec::new();
    for x in a {
        let start = by_hash.partition_point(|t| t.hash < x.hash);
        out.extend(by_hash[start..].iter().take_while(|t| t.hash == x.hash).map(|y| (*x, **y)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Landmarks pairing each peak of `peaks` ((frame, bin)) with the next one.
    fn landmarks(peaks: &[(u32, u32)]) -> Vec<Landmark> {
        peaks
            .windows(2)
            .map(|w| {
                let ((t1, b1), (t2, b2)) = (w[0], w[1]);
                let step = (i64::from(b2) - i64::from(b1)).clamp(-100, 100);
                Landmark { hash: b1 << 14 | ((step + 128) as u32) << 6 | (t2 - t1).min(63), frame: t1 }
            })
            .collect()
    }

    /// A made-up recording's peaks: `n` peaks 7-13 frames apart at bins 40-200.
    fn recording(n: u32) -> Vec<(u32, u32)> {
        (0..n).map(|i| (i * 10 + (i * 7919) % 7, 40 + (i * 104_729) % 160)).collect()
    }

    /// The peaks played `speed` times as fast, the pitch moving with it when `varispeed`, starting
    /// `trim` frames later.
    fn played(peaks: &[(u32, u32)], speed: f64, varispeed: bool, trim: u32) -> Vec<(u32, u32)> {
        let pitch = if varispeed { speed } else { 1.0 };
        peaks
            .iter()
            .filter_map(|&(t, b)| {
                let t = (f64::from(t) / speed).round() as i64 - i64::from(trim);
                (t >= 0).then(|| (t as u32, (f64::from(b) * pitch).round() as u32))
            })
            .collect()
    }

    fn best(a: &[(u32, u32)], b: &[(u32, u32)]) -> VariantMatch {
        let (ta, tb) = (triplets(landmarks(a)), triplets(landmarks(b)));
        let m = verify(&hits(&ta, &tb), 1).expect("hits");
        assert!(m.is_same_recording(ta.len(), tb.len()), "{m:?} of {} and {}", ta.len(), tb.len());
        // Most triplets keep their hash (some cross a register edge or round to another bin step):
        // the hash holds only what the change keeps. Hashing time steps instead of their ratio
        // keeps 0.17 at speed +8 %.
        let share = f64::from(m.votes) / ta.len().min(tb.len()) as f64;
        assert!(share > 0.4, "{share:.2} of the triplets agree: {m:?}");
        m
    }

    #[test]
    fn speed_and_tempo_changes_keep_the_hashes_and_show_in_the_match() {
        let original = recording(400);
        // Speed +8 %: 1/1.08 of the time, pitch up 1.33 semitones; 20 frames trimmed.
        let m = best(&original, &played(&original, 1.08, true, 20));
        assert!((m.time_ratio - 1.0 / 1.08).abs() < 0.003, "{m:?}");
        assert!((m.semitones - 12.0 * math::log2(1.08f64)).abs() < 0.2, "{m:?}");
        assert!((m.offset_frames + 20.0).abs() < 2.0, "{m:?}");
        // Tempo -14 %: longer, same pitch.
        let m = best(&original, &played(&original, 0.86, false, 0));
        assert!((m.time_ratio - 1.0 / 0.86).abs() < 0.003 && m.semitones.abs() < 0.1, "{m:?}");
    }

    #[test]
    fn other_music_does_not_agree() {
        let a = recording(400);
        let b: Vec<(u32, u32)> = (0..400u32).map(|i| (i * 10 + (i * 31) % 9, 40 + (i * 7_561) % 160)).collect();
        let (ta, tb) = (triplets(landmarks(&a)), triplets(landmarks(&b)));
        let m = verify(&hits(&ta, &tb), 1);
        assert!(m.is_none_or(|m| !m.is_same_recording(ta.len(), tb.len())), "{m:?}");
    }

    #[test]
    fn a_line_fits_its_points() {
        let (r, c) = fit_line((0..10).map(|x| (f64::from(x), 1.5 * f64::from(x) - 2.0))).unwrap();
        assert!((r - 1.5).abs() < 1e-9 && (c + 2.0).abs() < 1e-9);
        assert_eq!(fit_line([(1.0, 2.0)].into_iter()), None);
    }
}
