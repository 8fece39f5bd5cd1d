//! Deciding whether two fingerprints are one recording: offset voting, after A. Wang, "An
//! Industrial-Strength Audio Search Algorithm" (ISMIR 2003). Every hash the two share votes for
//! the frame offset between its two occurrences; copies of one recording pile their votes on one
//! offset (their relative trim), unrelated music scatters a few votes over many.
//!
//! The thresholds come from the real-music corpus (11 soundtrack excerpts, each turned into copies):
//! at the true offset a copy kept at least 20 % of the shorter fingerprint's landmarks when trimmed
//! 3 s + 2 s, 9 % through 64 kbit/s Vorbis, 12 % with trim, EQ, -6 dB, mono and that Vorbis at
//! once, and never fewer than 60 votes; different pieces of one soundtrack reached at most 3 votes
//! (0.35 %). Rendered songs that share whole bars of identical chords (same voicing, instrument and
//! tempo, `tests/fingerprint.rs`) reach 3.7 %: the share threshold sits between that and the
//! weakest copy. Background thread.

use super::fingerprint::Landmark;

/// Fewest votes at one offset for two files to count as one recording.
pub const MIN_MATCH_VOTES: u32 = 15;
/// Smallest share of the shorter fingerprint's landmarks that must vote for the offset.
pub const MIN_MATCH_SHARE: f64 = 0.06;

/// The best-supported offset between two fingerprints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OffsetMatch {
    /// Frames to add to a landmark's frame in the first file to find it in the second
    /// (`frame_b - frame_a`), in [`super::fingerprint::FRAME_SEC`] units.
    pub offset_frames: i64,
    /// Shared hashes that agree on that offset (give or take one frame).
    pub votes: u32,
}

impl OffsetMatch {
    /// Whether the votes make the files one recording: at least [`MIN_MATCH_VOTES`] and at least
    /// [`MIN_MATCH_SHARE`] of the shorter fingerprint (`num_a`, `num_b`: landmarks of each).
    pub fn is_same_recording(&self, num_a: usize, num_b: usize) -> bool {
        let shorter = num_a.min(num_b) as f64;
        self.votes >= MIN_MATCH_VOTES && f64::from(self.votes) >= MIN_MATCH_SHARE * shorter
    }

    /// The offset in seconds.
    pub fn offset_sec(&self) -> f64 {
        self.offset_frames as f64 * super::fingerprint::FRAME_SEC
    }
}

/// The offset with most votes among `sorted_offsets` (ascending, one per shared hash), counting
/// each offset together with the next one up: a copy trimmed by a fraction of a frame sees its
/// peaks land on either of two neighbouring frames. `None` for no votes.
pub fn vote_offsets(sorted_offsets: &[i64]) -> Option<OffsetMatch> {
    debug_assert!(sorted_offsets.is_sorted(), "offsets must be sorted");
    // Runs of equal offsets, then the best pair of adjacent runs.
    let mut runs: Vec<(i64, u32)> = Vec::new();
    for &o in sorted_offsets {
        match runs.last_mut() {
            Some((last, n)) if *last == o => *n += 1,
            _ => runs.push((o, 1)),
        }
    }
    let mut best: Option<OffsetMatch> = None;
    for (i, &(offset, n)) in runs.iter().enumerate() {
        let next = runs.get(i + 1).filter(|(o, _)| *o == offset + 1).map_or(0, |r| r.1);
        let votes = n + next;
        if best.is_none_or(|b| votes > b.votes) {
            // Of the two, report the offset with more votes (the earlier on a tie).
            let offset_frames = if next > n { offset + 1 } else { offset };
            best = Some(OffsetMatch { offset_frames, votes });
        }
    }
    best
}

/// The best offset between fingerprints `a` and `b` (each sorted or not). Compares two files
/// directly; a catalogue finds candidates through its hash index and then votes the same way.
/// Not realtime-safe: allocates.
pub fn match_landmarks(a: &[Landmark], b: &[Landmark]) -> Option<OffsetMatch> {
    let mut by_hash: Vec<(u32, u32)> = b.iter().map(|l| (l.hash, l.frame)).collect();
    by_hash.sort_unstable();
    let mut offsets = Vec::new();
    for l in a {
        let start = by_hash.partition_point(|&(h, _)| h < l.hash);
        for &(_, frame) in by_hash[start..].iter().take_while(|&&(h, _)| h == l.hash) {
            offsets.push(i64::from(frame) - i64::from(l.frame));
        }
    }
    offsets.sort_unstable();
    vote_offsets(&offsets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neighbouring_offsets_vote_together() {
        let m = vote_offsets(&[-5, 3, 3, 4, 4, 4, 9, 9, 9, 9]).unwrap();
        assert_eq!(m, OffsetMatch { offset_frames: 4, votes: 5 });
        assert_eq!(vote_offsets(&[]), None);
    }

    #[test]
    fn landmarks_match_at_their_shift() {
        let a: Vec<Landmark> = (0..100).map(|i| Landmark { hash: i * 7919 % 1000, frame: i }).collect();
        let b: Vec<Landmark> = a.iter().map(|l| Landmark { frame: l.frame + 40, ..*l }).collect();
        let m = match_landmarks(&a, &b).unwrap();
        assert_eq!((m.offset_frames, m.votes), (40, 100));
        assert!(m.is_same_recording(a.len(), b.len()));
        assert!(!OffsetMatch { offset_frames: 0, votes: 14 }.is_same_recording(100, 100));
        assert!(!OffsetMatch { offset_frames: 0, votes: 20 }.is_same_recording(5000, 2000));
    }
}
