//! The catalogue's fingerprints in memory as an inverted index (hash -> the files and frames that
//! hold it), and the search for pairs of files that are one recording.
//!
//! Candidates come from hash hits only: each file looks up its own hashes and votes, per file that
//! shares them, for the time offset between the two occurrences (`engine::analysis::vote_offsets`);
//! no file is ever compared with every other. The work is the number of hash hits, which grows
//! with the archive about linearly as long as hashes are spread; the few hashes held by very many
//! fingerprints (a common interval between two low notes) would make it quadratic and tell little,
//! so they are left out of the search.

use engine::analysis::{vote_offsets, OffsetMatch};
use rayon::prelude::*;
use std::collections::HashMap;

/// Hashes with more occurrences than this in the whole catalogue are not searched: a hash that
/// common carries almost no evidence, and its hits would grow with the square of the archive.
pub const MAX_OCCURRENCES_PER_HASH: usize = 512;

/// Landmarks of many files, ready for lookups.
#[derive(Debug, Default)]
pub struct LandmarkIndex {
    /// Landmarks per file (total over their fingerprints, also those left out of the search).
    num_landmarks: Vec<usize>,
    /// (hash, file, frame), sorted by hash.
    by_hash: Vec<(u32, u32, u32)>,
    /// Each hash's range in `by_hash`.
    ranges: HashMap<u32, (u32, u32)>,
    /// (hash, frame) of each file: `by_file[file_start[f]..file_start[f + 1]]`.
    by_file: Vec<(u32, u32)>,
    file_start: Vec<usize>,
}

/// Two files found to be one recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchedPair {
    /// Indices of the files as given to [`LandmarkIndex::new`], `a < b`.
    pub a: usize,
    pub b: usize,
    /// `b`'s frame minus `a`'s for the same moment, and the votes for it.
    pub offset: OffsetMatch,
}

impl LandmarkIndex {
    /// An index of `num_files` files from `rows` of (hash, file index, frame) in any order;
    /// `num_landmarks[f]` is file `f`'s landmark count.
    pub fn new(num_landmarks: Vec<usize>, mut rows: Vec<(u32, u32, u32)>) -> Self {
        rows.sort_unstable();
        let num_files = num_landmarks.len();
        let mut ranges = HashMap::new();
        let mut start = 0;
        for run in rows.chunk_by(|x, y| x.0 == y.0) {
            ranges.insert(run[0].0, (start as u32, (start + run.len()) as u32));
            start += run.len();
        }
        // Counting sort by file.
        let mut file_start = vec![0usize; num_files + 1];
        for &(_, f, _) in &rows {
            file_start[f as usize + 1] += 1;
        }
        for f in 0..num_files {
            file_start[f + 1] += file_start[f];
        }
        let mut fill = file_start.clone();
        let mut by_file = vec![(0u32, 0u32); rows.len()];
        for &(hash, f, frame) in &rows {
            by_file[fill[f as usize]] = (hash, frame);
            fill[f as usize] += 1;
        }
        Self { num_landmarks, by_hash: rows, ranges, by_file, file_start }
    }

    /// Number of files indexed.
    pub fn num_files(&self) -> usize {
        self.num_landmarks.len()
    }

    /// Every pair of files that [`OffsetMatch::is_same_recording`] calls one recording, each pair
    /// once, ordered by `(a, b)`. Files vote in parallel (rayon).
    pub fn matching_pairs(&self) -> Vec<MatchedPair> {
        (0..self.num_files())
            .into_par_iter()
            .map_init(
                || (Vec::new(), Vec::new()),
                |(hits, offsets): &mut (Vec<(u32, i64)>, Vec<i64>), a| self.matches_of(a, hits, offsets),
            )
            .flatten_iter()
            .collect()
    }

    /// The files after `a` that are one recording with it. `hits` and `offsets` are scratch.
    fn matches_of(&self, a: usize, hits: &mut Vec<(u32, i64)>, offsets: &mut Vec<i64>) -> Vec<MatchedPair> {
        hits.clear();
        for &(hash, frame_a) in &self.by_file[self.file_start[a]..self.file_start[a + 1]] {
            let Some(&(start, end)) = self.ranges.get(&hash) else { continue };
            let postings = &self.by_hash[start as usize..end as usize];
            if postings.len() > MAX_OCCURRENCES_PER_HASH {
                continue;
            }
            hits.extend(
                postings
                    .iter()
                    .filter(|&&(_, b, _)| b as usize > a)
                    .map(|&(_, b, frame_b)| (b, i64::from(frame_b) - i64::from(frame_a))),
            );
        }
        hits.sort_unstable();
        let mut found = Vec::new();
        for run in hits.chunk_by(|x, y| x.0 == y.0) {
            let b = run[0].0 as usize;
            offsets.clear();
            offsets.extend(run.iter().map(|&(_, o)| o));
            if let Some(offset) = vote_offsets(offsets)
                && offset.is_same_recording(self.num_landmarks[a], self.num_landmarks[b])
            {
                found.push(MatchedPair { a, b, offset });
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifted_copies_pair_up_and_strangers_do_not() {
        // Files 0 and 2 are one recording (2 starts 30 frames in); file 1 is other music.
        let mut rows = Vec::new();
        for i in 0..200u32 {
            rows.push((i * 7919 % 100_000, 0, i * 3));
            rows.push((i * 104_729 % 100_000 + 100_000, 1, i * 3));
            if i >= 10 {
                rows.push((i * 7919 % 100_000, 2, i * 3 - 30));
            }
        }
        let index = LandmarkIndex::new(vec![200, 200, 190], rows);
        let pairs = index.matching_pairs();
        assert_eq!(pairs.len(), 1, "{pairs:?}");
        assert_eq!((pairs[0].a, pairs[0].b, pairs[0].offset.offset_frames, pairs[0].offset.votes), (0, 2, -30, 190));
    }
}
