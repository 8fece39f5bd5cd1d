//! What one matched offset between two fingerprints explains: the stretch of audio the two files
//! share, and whether either lies wholly inside the other (a copy) or they only overlap.
//!
//! Offset voting (A. Wang, ISMIR 2003; `engine::analysis::vote_offsets`) says that two files share
//! audio at some offset, not how much of it. Two passages cut 30 s apart from one 60 s stretch share
//! half their audio; two passages of game music whose tunes repeat a pattern share the pattern's
//! seconds and nothing else; both pass the vote. So the match is followed along the time line, on the
//! spectral peaks the landmarks pair ([`crate::landmarks::peaks`]):
//!
//! 1. At the offset the two time lines intersect in one stretch; outside it, one file has audio the
//!    other has not.
//! 2. Inside it, a peak of one file *hits* when the other has a peak at the same moment (give or take
//!    a frame and a bin). Each file keeps its own strongest peaks, so second by second only the
//!    smaller of the two files' peak counts can be compared. From each end of the stretch, the
//!    comparable peaks before the first confirmed hit are counted (a hit is confirmed by another
//!    within two seconds: one hit alone can be chance); more than [`MAX_UNMATCHED_EDGE_PEAKS`] and
//!    that end is not shared, so the shared stretch ends at the hits.
//! 3. A file lies within the other when its content (first to last peak: silence and near silence
//!    at its ends carry no peaks and do not count) lies inside the shared stretch, give or take
//!    [`MAX_UNCOVERED_SEC`].
//!
//! A triplet match (a copy at another tempo, speed or pitch, [`crate::triplets`]) is followed the
//! same way along its time ratio and pitch ([`linked_coverage`]): each peak is looked for where the
//! match puts it, at its frequency times the pitch ratio.
//!
//! Measured on the real-music corpus and the Wesnoth soundtrack it is cut from (figures printed by
//! `exporter/tests/duplicates.rs`; the rest measured while choosing [`MAX_UNMATCHED_EDGE_PEAKS`]):
//! copies made by re-encoding (MP3, Vorbis down to q0), resampling, trimming, EQ, level and mono
//! folds leave at most 5 comparable peaks unmatched at an end (210 pairs); 20 s excerpts of the 41
//! complete tracks lie within their track in 371 of 372 cases (the other leaves 12 unmatched and
//! is kept as an overlap). Of 45 pairs of passages that share no audio but pass the vote through a
//! repeated section, 32 are overlaps: 11 because their time lines only partly meet at the offset,
//! 21 because their non-repeating seconds leave 9 to 29 peaks unmatched at an end. In the other 13
//! one passage is a repeat of part of the other over its whole length at the fingerprint's
//! resolution (their peaks hit about as often as a Vorbis q0 copy's, 0.4-0.6 against 0.51 and up),
//! so it still counts as lying within it: telling those apart needs more than the stored landmarks
//! hold. Only the ends are
//! checked, not the middle: the weakest copies have stretches of up to 10 unmatched comparable
//! peaks inside, where a re-encode lost what the other copy kept.

use engine::analysis::fingerprint::FRAME_SEC;
use engine::analysis::Landmark;

/// Most comparable peaks at an end of the shared stretch that no hit may explain for that end to
/// count as shared (see the module notes for the measured margins).
pub const MAX_UNMATCHED_EDGE_PEAKS: u32 = 8;
/// Most seconds of a file's content that may lie outside the shared stretch for the file to count
/// as lying within the other: an encoder's delay, a peak landing one frame off at a cut.
pub const MAX_UNCOVERED_SEC: f64 = 1.0;
/// Length of the stretches peaks are counted in, seconds.
const WINDOW_SEC: f64 = 1.0;
/// A hit is confirmed by another within this many windows either side.
const CONFIRM_WINDOWS: usize = 2;

/// One file's fingerprint as spectral peaks on its time line.
#[derive(Debug, Clone, Default)]
pub struct PeakMap {
    /// Peaks as `frame << 16 | bin` (bins stay below 512), sorted, each once: sorting plain
    /// integers is what makes building this quick.
    peaks: Vec<u64>,
    /// Length of the file's time line, frames: its duration, and never shorter than its peaks.
    len_frames: f64,
}

impl PeakMap {
    /// The peaks of `landmarks` on the time line of a file `duration_sec` long.
    pub fn new(landmarks: impl IntoIterator<Item = Landmark>, duration_sec: f64) -> Self {
        let mut peaks: Vec<u64> = landmarks
            .into_iter()
            .flat_map(crate::landmarks::peaks)
            .map(|(frame, bin)| u64::from(frame) << 16 | u64::from(bin.min(0xFFFF)))
            .collect();
        peaks.sort_unstable();
        peaks.dedup();
        let past_last = peaks.last().map_or(0.0, |&p| f64::from(frame_of(p)) + 1.0);
        Self { len_frames: (duration_sec / FRAME_SEC).max(past_last), peaks }
    }

    /// First and last peak frame: the stretch that holds content.
    fn content_span(&self) -> Option<(f64, f64)> {
        Some((f64::from(frame_of(*self.peaks.first()?)), f64::from(frame_of(*self.peaks.last()?))))
    }

    /// Whether each of `probes` ((frame, bin), ascending) has a peak here within a frame and a bin:
    /// one sweep over both lists, as the probes' frames only grow.
    fn hits(&self, probes: impl Iterator<Item = (i64, u32)>) -> impl Iterator<Item = bool> {
        let mut start = 0;
        probes.map(move |(frame, bin)| {
            while start < self.peaks.len() && i64::from(frame_of(self.peaks[start])) < frame - 1 {
                start += 1;
            }
            self.peaks[start..].iter().take_while(|&&p| i64::from(frame_of(p)) <= frame + 1).any(|&p| bin_of(p).abs_diff(bin) <= 1)
        })
    }
}

/// The frame of a packed peak.
fn frame_of(peak: u64) -> u32 {
    (peak >> 16) as u32
}

/// The bin of a packed peak.
fn bin_of(peak: u64) -> u32 {
    (peak & 0xFFFF) as u32
}

/// What a matched offset explains about files `a` and `b`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Coverage {
    /// The shared stretch on `a`'s time line, seconds from its start; on `b`'s it lies
    /// `offset_sec` later.
    pub a_start_sec: f64,
    pub a_end_sec: f64,
    /// `b`'s time minus `a`'s for one moment, seconds.
    pub offset_sec: f64,
    /// All of `a`'s content lies in the shared stretch: `b` holds the whole of `a`.
    pub a_within_b: bool,
    /// All of `b`'s content lies in the shared stretch.
    pub b_within_a: bool,
    /// Comparable peaks no hit explains at the worse matched end of the stretch (after any
    /// shrinking, the end that decided it): at most [`MAX_UNMATCHED_EDGE_PEAKS`] for an end that
    /// counts as shared.
    pub unmatched_edge_peaks: u32,
    /// Share of the comparable peaks of the shared stretch that hit, 0..1.
    pub hit_share: f64,
}

impl Coverage {
    /// The shared stretch on `b`'s time line, seconds, for a match at ratio 1 (a landmark match).
    pub fn b_range_sec(&self) -> (f64, f64) {
        (self.a_start_sec + self.offset_sec, self.a_end_sec + self.offset_sec)
    }
}

/// What `offset_frames` (`b`'s frame minus `a`'s for one moment, as voted) explains about `a` and
/// `b`; see the module notes.
pub fn coverage(a: &PeakMap, b: &PeakMap, offset_frames: i64) -> Coverage {
    linked_coverage(a, b, TimeMap { offset_frames: offset_frames as f64, time_ratio: 1.0, bin_ratio: 1.0 })
}

/// How a moment and a frequency of `a` map onto `b`: `b`'s frame = `time_ratio` x `a`'s frame +
/// `offset_frames`, `b`'s bin = `bin_ratio` x `a`'s bin (a speed change or pitch shift moves every
/// frequency by one ratio).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeMap {
    pub offset_frames: f64,
    pub time_ratio: f64,
    pub bin_ratio: f64,
}

impl TimeMap {
    /// `b`'s frame for `a`'s frame `t`.
    fn to_b(self, t: f64) -> f64 {
        self.time_ratio * t + self.offset_frames
    }

    /// `a`'s frame for `b`'s frame `t`.
    fn to_a(self, t: f64) -> f64 {
        (t - self.offset_frames) / self.time_ratio
    }
}

/// What a match that maps `a` onto `b` by `map` (a triplet match at another tempo, speed or
/// pitch, or a landmark match at ratio 1) explains about them: [`coverage`] with `a`'s peaks
/// looked for in `b` where `map` puts them. The stretch and the offset are in `a`'s frames and
/// seconds; `offset_sec` is `b`'s time where `a`'s starts.
pub fn linked_coverage(a: &PeakMap, b: &PeakMap, map: TimeMap) -> Coverage {
    let offset = map.offset_frames;
    // The intersection of the time lines, in `a`'s frames.
    let (lo, hi) = (0f64.max(map.to_a(0.0)), a.len_frames.min(map.to_a(b.len_frames)));
    let hi = hi.max(lo);
    let window = WINDOW_SEC / FRAME_SEC;
    let num_windows = (((hi - lo) / window).ceil() as usize).max(1);
    let slot = |t: f64| (((t - lo) / window) as usize).min(num_windows - 1);
    let inside = |t: f64| t >= lo && t < hi;

    // Per window: peaks of each file, hits, and the first and last hit's frame.
    let (mut num_a, mut num_b, mut hits) = (vec![0u32; num_windows], vec![0u32; num_windows], vec![0u32; num_windows]);
    let mut hit_frames: Vec<Option<(u32, u32)>> = vec![None; num_windows];
    let in_stretch = || a.peaks.iter().map(|&p| (frame_of(p), bin_of(p))).filter(|&(frame, _)| inside(f64::from(frame)));
    let probe = |(frame, bin): (u32, u32)| (map.to_b(f64::from(frame)).round() as i64, (f64::from(bin) * map.bin_ratio).round() as u32);
    let hit = b.hits(in_stretch().map(probe));
    for ((frame, _), hit) in in_stretch().zip(hit) {
        let w = slot(f64::from(frame));
        num_a[w] += 1;
        if hit {
            hits[w] += 1;
            hit_frames[w] = Some(hit_frames[w].map_or((frame, frame), |(first, _)| (first, frame)));
        }
    }
    for &p in &b.peaks {
        let t = map.to_a(f64::from(frame_of(p)));
        if inside(t) {
            num_b[slot(t)] += 1;
        }
    }
    let comparable: Vec<u32> = num_a.iter().zip(&num_b).map(|(&x, &y)| x.min(y)).collect();
    let confirmed = |w: usize| {
        let near = &hits[w.saturating_sub(CONFIRM_WINDOWS)..=(w + CONFIRM_WINDOWS).min(num_windows - 1)];
        hits[w] > 0 && near.iter().sum::<u32>() >= 2
    };

    let first = (0..num_windows).find(|&w| confirmed(w));
    let last = (0..num_windows).rfind(|&w| confirmed(w));
    let (start, end, unmatched_edge_peaks) = match (first, last) {
        (Some(first), Some(last)) => {
            let before: u32 = comparable[..first].iter().sum();
            let after: u32 = comparable[last + 1..].iter().sum();
            // A window with a hit always has its first and last hit's frame.
            let (first_hit, _) = hit_frames[first].unwrap_or_default();
            let (_, last_hit) = hit_frames[last].unwrap_or_default();
            let start = if before > MAX_UNMATCHED_EDGE_PEAKS { f64::from(first_hit) } else { lo };
            let end = if after > MAX_UNMATCHED_EDGE_PEAKS { f64::from(last_hit) + 1.0 } else { hi };
            (start, end, before.max(after))
        }
        // Nothing confirmed (a vote of scattered chance hits): nothing is known to be shared.
        _ => (lo, lo, comparable.iter().sum()),
    };

    let tolerance = MAX_UNCOVERED_SEC / FRAME_SEC;
    let within = |span: Option<(f64, f64)>, to_a: &dyn Fn(f64) -> f64| {
        end > start && span.is_some_and(|(s, e)| to_a(s) >= start - tolerance && to_a(e) <= end + tolerance)
    };
    let total_comparable: u32 = comparable.iter().sum();
    Coverage {
        a_start_sec: start * FRAME_SEC,
        a_end_sec: end * FRAME_SEC,
        offset_sec: offset * FRAME_SEC,
        a_within_b: within(a.content_span(), &|t| t),
        b_within_a: within(b.content_span(), &|t| map.to_a(t)),
        unmatched_edge_peaks,
        // Several peaks of one file can hit one of the other's: at most the comparable count.
        hit_share: f64::from(hits.iter().zip(&comparable).map(|(&h, &c)| h.min(c)).sum::<u32>()) / f64::from(total_comparable.max(1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Landmarks pairing peaks spread over `secs` seconds from `start_sec` of a made-up recording
    /// whose peak at frame `f` sits at bin `(f * 37) % 200 + 20`, shifted to start at 0.
    fn passage(start_sec: f64, secs: f64) -> Vec<Landmark> {
        let (first, num) = (frames(start_sec) as u32, frames(secs) as u32);
        (first..first + num)
            .filter(|f| f % 4 == 0)
            .map(|f| {
                let (bin, partner) = ((f * 37) % 200 + 20, ((f + 4) * 37) % 200 + 20);
                let step = (i64::from(partner) - i64::from(bin)).clamp(-100, 100);
                Landmark { hash: bin << 14 | ((step + 128) as u32) << 6 | 4, frame: f - first }
            })
            .collect()
    }

    fn frames(sec: f64) -> i64 {
        (sec / FRAME_SEC).round() as i64
    }

    #[test]
    fn a_trimmed_copy_lies_within_its_original() {
        let original = PeakMap::new(passage(0.0, 40.0), 40.0);
        let trimmed = PeakMap::new(passage(3.0, 35.0), 35.0);
        let c = coverage(&original, &trimmed, -frames(3.0));
        assert!(c.b_within_a && !c.a_within_b, "{c:?}");
        assert!((c.a_start_sec - 3.0).abs() < 0.1 && (c.a_end_sec - 38.0).abs() < 0.1, "{c:?}");
        assert_eq!(c.unmatched_edge_peaks, 0);
    }

    #[test]
    fn passages_sharing_half_overlap_with_their_extent() {
        let first = PeakMap::new(passage(0.0, 60.0), 60.0);
        let second = PeakMap::new(passage(30.0, 60.0), 60.0);
        let c = coverage(&first, &second, -frames(30.0));
        assert!(!c.a_within_b && !c.b_within_a, "{c:?}");
        assert!((c.a_start_sec - 30.0).abs() < 0.1 && (c.a_end_sec - 60.0).abs() < 0.1, "{c:?}");
        let (b_start, b_end) = c.b_range_sec();
        assert!(b_start.abs() < 0.1 && (b_end - 30.0).abs() < 0.1, "{c:?}");
    }

    /// `landmarks` played `speed` times as fast, every frequency moved with it.
    fn sped_up(landmarks: &[Landmark], speed: f64) -> Vec<Landmark> {
        let scale = |x: u32, by: f64| (f64::from(x) * by).round() as u32;
        landmarks
            .iter()
            .map(|&l| {
                let [(frame, bin), (partner_frame, partner_bin)] = crate::landmarks::peaks(l);
                let (frame, partner_frame, bin, partner_bin) = (scale(frame, 1.0 / speed), scale(partner_frame, 1.0 / speed), scale(bin, speed), scale(partner_bin, speed));
                let step = i64::from(partner_bin) - i64::from(bin);
                Landmark { hash: bin << 14 | ((step + 128) as u32) << 6 | (partner_frame - frame), frame }
            })
            .collect()
    }

    #[test]
    fn a_match_at_another_speed_is_followed_along_its_ratio() {
        let speed = 1.06;
        let map = TimeMap { offset_frames: 0.0, time_ratio: 1.0 / speed, bin_ratio: speed };
        let original = PeakMap::new(passage(0.0, 30.0), 30.0);
        // The whole original, faster: it lies within, both ways.
        let faster = PeakMap::new(sped_up(&passage(0.0, 30.0), speed), 30.0 / speed);
        let c = linked_coverage(&original, &faster, map);
        assert!(c.a_within_b && c.b_within_a && c.unmatched_edge_peaks == 0, "{c:?}");
        // Its seconds 5-35 faster (5 s past the original's end): an overlap of the original's 5-30 s.
        let later = PeakMap::new(sped_up(&passage(5.0, 30.0), speed), 30.0 / speed);
        let c = linked_coverage(&original, &later, TimeMap { offset_frames: -frames(5.0) as f64 / speed, ..map });
        assert!(!c.a_within_b && !c.b_within_a, "{c:?}");
        assert!((c.a_start_sec - 5.0).abs() < 0.1 && (c.a_end_sec - 30.0).abs() < 0.1, "{c:?}");
        // Followed at ratio 1 instead, the faster copy's peaks drift off the original's.
        let c = coverage(&original, &faster, 0);
        assert!(!(c.a_within_b && c.b_within_a), "{c:?}");
    }

    #[test]
    fn a_shared_middle_with_other_music_around_it_is_no_copy() {
        // Same length, aligned, but only seconds 10-20 are the same music.
        let mut a = passage(0.0, 30.0);
        let mut b: Vec<Landmark> = passage(100.0, 30.0);
        let shared = |l: &Landmark| (10.0..20.0).contains(&(f64::from(l.frame) * FRAME_SEC));
        b.retain(|l| !shared(l));
        b.extend(a.iter().filter(|l| shared(l)));
        a.sort_by_key(|l| l.frame);
        let c = coverage(&PeakMap::new(a, 30.0), &PeakMap::new(b, 30.0), 0);
        assert!(!c.a_within_b && !c.b_within_a, "{c:?}");
        assert!((c.a_start_sec - 10.0).abs() < 0.3 && (c.a_end_sec - 20.0).abs() < 0.3, "{c:?}");
        assert!(c.unmatched_edge_peaks > MAX_UNMATCHED_EDGE_PEAKS);
    }
}
