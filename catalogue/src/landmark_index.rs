//! The catalogue's fingerprints in memory as an inverted index (hash -> the files and frames that
//! hold it), and the search for pairs of files that are one recording. The triplet family
//! ([`crate::triplets`]) uses the same index, with a triplet's number in place of a frame.
//!
//! Candidates come from hash hits only, never from comparing every pair of files: one pass over
//! the index in hash order counts, for every pair of files, the hashes they share (the files of one
//! hash sit together, so this walks memory in order); only pairs with enough shared hashes to pass
//! are then confirmed by voting on the time offset between their occurrences
//! (`engine::analysis::vote_offsets`). The work is reading and sorting the landmarks (linear) plus
//! counting the hashes unrelated files share by chance, which grows with the square of the archive
//! but slowly, as real music spreads its landmarks over about 1.5 million equally likely hashes
//! (measured in the catalogue bench: 0.16 ms per file at 100 three-minute files, 0.36 ms at
//! 3 000). The few hashes held by very many fingerprints would add most of that count and tell
//! little, so they are left out.

use engine::analysis::{vote_offsets, OffsetMatch};

/// Hashes with more occurrences than this in the whole catalogue are not searched: a hash that
/// common carries almost no evidence, and its hits would grow with the square of the archive.
pub const MAX_OCCURRENCES_PER_HASH: usize = 512;
/// Most cells of the shared-hash count matrix held at once (u16 each: 4 MB, so the counting stays
/// in cache). Larger archives are searched a block of files at a time, one pass over the index
/// per block.
const MAX_COUNT_CELLS: usize = 2 << 20;

/// Landmarks of many files, ready for the search.
#[derive(Debug, Default)]
pub struct LandmarkIndex {
    /// Landmarks per file (also those too common to search).
    num_landmarks: Vec<usize>,
    /// (hash, file, frame), sorted.
    by_hash: Vec<(u32, u32, u32)>,
    /// (hash, frame) of each file, sorted by hash: `by_file[file_start[f]..file_start[f + 1]]`.
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
    /// An index of `num_landmarks.len()` files from `rows` of (hash, file index, frame), given
    /// file by file (as read); `num_landmarks[f]` is file `f`'s count.
    pub fn new(num_landmarks: Vec<usize>, rows: Vec<(u32, u32, u32)>) -> Self {
        debug_assert!(rows.is_sorted_by_key(|r| r.1), "rows come file by file");
        // Each file's landmarks in hash order: the rows come file by file, so each file's run is
        // sorted on its own (small sorts in cache, no scatter over the whole index).
        let mut file_start = vec![0usize; num_landmarks.len() + 1];
        for &(_, f, _) in &rows {
            file_start[f as usize + 1] += 1;
        }
        for f in 0..num_landmarks.len() {
            file_start[f + 1] += file_start[f];
        }
        let mut by_file: Vec<(u32, u32)> = rows.iter().map(|&(hash, _, frame)| (hash, frame)).collect();
        for f in 0..num_landmarks.len() {
            by_file[file_start[f]..file_start[f + 1]].sort_unstable();
        }
        let by_hash = sort_by_hash(rows);
        Self { num_landmarks, by_hash, by_file, file_start }
    }

    /// File `f`'s (hash, frame) pairs, sorted by hash.
    pub fn landmarks_of(&self, f: usize) -> &[(u32, u32)] {
        &self.by_file[self.file_start[f]..self.file_start[f + 1]]
    }

    /// Number of files indexed.
    pub fn num_files(&self) -> usize {
        self.num_landmarks.len()
    }

    /// The occurrences of each searchable hash, sorted by file then frame.
    fn buckets(&self) -> impl Iterator<Item = &[(u32, u32, u32)]> {
        self.by_hash.chunk_by(|x, y| x.0 == y.0).filter(|b| b.len() > 1 && b.len() <= MAX_OCCURRENCES_PER_HASH)
    }

    /// Every pair of files that [`OffsetMatch::is_same_recording`] calls one recording, each pair
    /// once, ordered by `(a, b)`.
    pub fn matching_pairs(&self) -> Vec<MatchedPair> {
        let n = self.num_files();
        let block = (MAX_COUNT_CELLS / n.max(1)).clamp(1, n.max(1));
        let mut found = Vec::new();
        for first in (0..n).step_by(block) {
            found.extend(self.matching_pairs_from(first..(first + block).min(n)));
        }
        found
    }

    /// `b`'s frame minus `a`'s for every hash the two share (all pairings of repeated hashes),
    /// into `out`.
    fn shared_offsets(&self, a: usize, b: usize, out: &mut Vec<i64>) {
        out.clear();
        self.for_each_shared(a, b, |x, y| out.push(i64::from(y) - i64::from(x)));
    }

    /// The matching pairs whose first file lies in `files`.
    fn matching_pairs_from(&self, files: std::ops::Range<usize>) -> Vec<MatchedPair> {
        // Votes at the best offset never exceed the shared hashes: only pairs that could pass with
        // every shared hash at one offset are voted on, from their own landmarks.
        let could_pass = |shared: u32, num_a: usize, num_b: usize| {
            (OffsetMatch { offset_frames: 0, votes: shared }).is_same_recording(num_a, num_b)
        };
        let mut found = Vec::new();
        let mut offsets = Vec::new();
        for (a, b) in self.candidates_from(files, could_pass) {
            let (num_a, num_b) = (self.num_landmarks[a], self.num_landmarks[b]);
            self.shared_offsets(a, b, &mut offsets);
            offsets.sort_unstable();
            if let Some(offset) = vote_offsets(&offsets)
                && offset.is_same_recording(num_a, num_b)
            {
                found.push(MatchedPair { a, b, offset });
            }
        }
        found
    }

    /// Every pair of files `a < b` for which `could_pass(shared hashes, entries of a, entries of
    /// b)` holds, ordered by `(a, b)`: one pass over the index per block of files (see
    /// [`MAX_COUNT_CELLS`]).
    pub fn candidates(&self, could_pass: impl Fn(u32, usize, usize) -> bool + Copy) -> Vec<(usize, usize)> {
        let n = self.num_files();
        let block = (MAX_COUNT_CELLS / n.max(1)).clamp(1, n.max(1));
        let mut found = Vec::new();
        for first in (0..n).step_by(block) {
            found.extend(self.candidates_from(first..(first + block).min(n), could_pass));
        }
        found
    }

    /// [`Self::candidates`] whose first file lies in `files`.
    fn candidates_from(&self, files: std::ops::Range<usize>, could_pass: impl Fn(u32, usize, usize) -> bool) -> Vec<(usize, usize)> {
        let n = self.num_files();
        // Shared hashes per pair, `counts[(a - first) * n + b]`, saturating.
        let mut counts = vec![0u16; files.len() * n];
        for bucket in self.buckets() {
            for (i, &(_, a, _)) in bucket.iter().enumerate() {
                let a = a as usize;
                if !files.contains(&a) {
                    continue;
                }
                let row = &mut counts[(a - files.start) * n..][..n];
                for &(_, b, _) in bucket[i + 1..].iter().filter(|e| e.1 as usize > a) {
                    row[b as usize] = row[b as usize].saturating_add(1);
                }
            }
        }
        let mut found = Vec::new();
        for a in files.clone() {
            for b in a + 1..n {
                let shared = u32::from(counts[(a - files.start) * n + b]);
                if could_pass(shared, self.num_landmarks[a], self.num_landmarks[b]) {
                    found.push((a, b));
                }
            }
        }
        found
    }

    /// The (a's frame, b's frame) of every hash `a` and `b` share (all pairings of repeated
    /// hashes), into `out`.
    pub fn shared_frames(&self, a: usize, b: usize, out: &mut Vec<(u32, u32)>) {
        out.clear();
        self.for_each_shared(a, b, |x, y| out.push((x, y)));
    }

    /// Calls `f(a's frame, b's frame)` for every hash `a` and `b` share: a merge of the two
    /// hash-sorted lists.
    fn for_each_shared(&self, a: usize, b: usize, mut f: impl FnMut(u32, u32)) {
        let (xs, ys) = (self.landmarks_of(a), self.landmarks_of(b));
        let (mut i, mut j) = (0, 0);
        while i < xs.len() && j < ys.len() {
            match xs[i].0.cmp(&ys[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    let hash = xs[i].0;
                    let (i_end, j_end) = (
                        i + xs[i..].iter().take_while(|x| x.0 == hash).count(),
                        j + ys[j..].iter().take_while(|y| y.0 == hash).count(),
                    );
                    for x in &xs[i..i_end] {
                        for y in &ys[j..j_end] {
                            f(x.1, y.1);
                        }
                    }
                    (i, j) = (i_end, j_end);
                }
            }
        }
    }
}

/// `rows` sorted by hash, keeping the order of equal hashes (so the file order stays): a
/// least-significant-digit radix sort, three passes of one byte over the 24-bit hashes. Linear,
/// where a comparison sort of millions of rows took most of the search's time.
fn sort_by_hash(mut rows: Vec<(u32, u32, u32)>) -> Vec<(u32, u32, u32)> {
    debug_assert!(rows.iter().all(|r| r.0 < 1 << 24), "landmark hashes have 24 bits at most");
    let mut scratch = vec![(0u32, 0u32, 0u32); rows.len()];
    for shift in [0, 8, 16] {
        let mut starts = [0usize; 257];
        for r in &rows {
            starts[((r.0 >> shift) & 0xFF) as usize + 1] += 1;
        }
        for i in 0..256 {
            starts[i + 1] += starts[i];
        }
        for &r in &rows {
            let digit = ((r.0 >> shift) & 0xFF) as usize;
            scratch[starts[digit]] = r;
            starts[digit] += 1;
        }
        std::mem::swap(&mut rows, &mut scratch);
    }
    rows
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
        rows.sort_by_key(|r| r.1);
        let index = LandmarkIndex::new(vec![200, 200, 190], rows);
        let pairs = index.matching_pairs();
        assert_eq!(pairs.len(), 1, "{pairs:?}");
        assert_eq!((pairs[0].a, pairs[0].b, pairs[0].offset.offset_frames, pairs[0].offset.votes), (0, 2, -30, 190));
    }

    #[test]
    fn radix_sort_orders_by_hash_and_keeps_ties_in_order() {
        let rows: Vec<(u32, u32, u32)> = (0..5000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 20, i / 50, i % 50)).collect();
        let mut expected = rows.clone();
        expected.sort_by_key(|r| r.0);
        assert_eq!(sort_by_hash(rows), expected);
    }
}
