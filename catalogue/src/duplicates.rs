//! Near-duplicate recordings: catalogued files whose audio fingerprints say they are one recording
//! (re-encoded, re-levelled, resampled, trimmed, EQ'd or folded to mono), grouped, with the copy
//! worth keeping first: lossless over lossy, then the higher sample rate, bit depth, stereo over
//! mono, then the longest.
//!
//! The groups are computed on demand from the stored fingerprints (see [`crate::landmark_index`]),
//! so they always reflect the last scan; nothing about them is stored.

use crate::landmark_index::LandmarkIndex;
use crate::store::Catalogue;
use crate::Result;
use engine::analysis::FINGERPRINT_VERSION;
use std::cmp::Ordering;

/// One catalogued copy of a recording.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Copy {
    pub path: String,
    /// Container, as scan stored it ("wav", "flac", "ogg", ...).
    pub container: String,
    /// Codec, as symphonia names it ("pcm_s16le", "flac", "vorbis", "mp3", ...).
    pub codec: String,
    /// The file's own sample rate, Hz.
    pub sample_rate_hz: u32,
    /// Bits per sample, where the format has one (PCM, FLAC).
    pub bits_per_sample: Option<u32>,
    pub num_channels: u16,
    pub duration_sec: f64,
    /// Where this copy starts on the kept copy's time line, seconds (3.0: the first 3 s of the
    /// kept copy are missing here; negative: this copy has more at the start). `None` for the
    /// kept copy itself and for copies recognised only through another copy.
    pub starts_at_sec: Option<f64>,
}

impl Copy {
    /// Whether the codec keeps every sample (PCM of any kind, FLAC, ALAC, WavPack).
    pub fn is_lossless(&self) -> bool {
        self.codec.starts_with("pcm") || matches!(self.codec.as_str(), "flac" | "alac" | "wavpack")
    }

    /// Order of preference as a source: lossless over lossy, then sample rate, bit depth, stereo
    /// over mono, then length. `Greater` means `self` is the better source.
    pub fn compare_quality(&self, other: &Self) -> Ordering {
        let key = |c: &Self| (c.is_lossless(), c.sample_rate_hz, c.bits_per_sample.unwrap_or(0), c.num_channels >= 2);
        key(self).cmp(&key(other)).then(self.duration_sec.total_cmp(&other.duration_sec))
    }
}

/// Copies of one recording, the best source first.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DuplicateGroup {
    /// At least two; `copies[0]` is the one to keep.
    pub copies: Vec<Copy>,
}

impl DuplicateGroup {
    /// The copy to mine and keep.
    pub fn kept(&self) -> &Copy {
        &self.copies[0]
    }

    /// The other copies.
    pub fn skipped(&self) -> &[Copy] {
        &self.copies[1..]
    }
}

/// What [`Catalogue::duplicates`] found.
#[derive(Debug, Clone, Default)]
pub struct Duplicates {
    /// Groups of copies, ordered by the kept copy's path.
    pub groups: Vec<DuplicateGroup>,
    /// Files whose fingerprints were compared.
    pub num_fingerprinted: usize,
    /// Files without a current fingerprint (catalogued by an older afterglow; the next scan adds
    /// it), left out.
    pub num_without_fingerprint: usize,
}

impl Catalogue {
    /// Groups the catalogued files that are one recording. Reads every fingerprint once; see
    /// [`crate::landmark_index`] for why the search stays about linear in the archive.
    pub fn duplicates(&self) -> Result<Duplicates> {
        let (copies, num_landmarks, rows, num_without_fingerprint) = self.fingerprints().map_err(|e| self.db_error(e))?;
        let index = LandmarkIndex::new(num_landmarks, rows);
        let pairs = index.matching_pairs();

        let mut sets = DisjointSets::new(copies.len());
        for p in &pairs {
            sets.join(p.a, p.b);
        }
        let mut members: std::collections::BTreeMap<usize, Vec<usize>> = std::collections::BTreeMap::new();
        for i in 0..copies.len() {
            members.entry(sets.root(i)).or_default().push(i);
        }
        let mut groups: Vec<DuplicateGroup> = members
            .into_values()
            .filter(|m| m.len() > 1)
            .map(|mut m| {
                m.sort_by(|&x, &y| copies[y].compare_quality(&copies[x]).then_with(|| copies[x].path.cmp(&copies[y].path)));
                let kept = m[0];
                let copies = m
                    .iter()
                    .map(|&i| {
                        // Offsets are b's frame minus a's for one moment; a copy trimmed at its
                        // start finds the kept copy's moments earlier (negative offset).
                        let starts_at_sec = pairs.iter().find_map(|p| match (p.a, p.b) {
                            (a, b) if a == kept && b == i => Some(-p.offset.offset_sec()),
                            (a, b) if a == i && b == kept => Some(p.offset.offset_sec()),
                            _ => None,
                        });
                        Copy { starts_at_sec: starts_at_sec.filter(|_| i != kept), ..copies[i].clone() }
                    })
                    .collect();
                DuplicateGroup { copies }
            })
            .collect();
        groups.sort_by(|x, y| x.kept().path.cmp(&y.kept().path));
        Ok(Duplicates { groups, num_fingerprinted: copies.len(), num_without_fingerprint })
    }

    /// Files with a current fingerprint: their details and landmark counts (in one order), all
    /// their landmarks as (hash, index in that order, frame), and how many files have none.
    #[allow(clippy::type_complexity)]
    fn fingerprints(&self) -> rusqlite::Result<(Vec<Copy>, Vec<usize>, Vec<(u32, u32, u32)>, usize)> {
        let mut stmt = self.connection().prepare(
            "SELECT f.path, f.container, f.codec, f.sample_rate_hz, f.bits_per_sample, f.num_channels, f.duration_sec,
                fp.landmarks
             FROM files f JOIN fingerprints fp ON fp.file_id = f.id WHERE f.fingerprint_version = ?1 ORDER BY f.id",
        )?;
        let (mut copies, mut counts, mut landmarks) = (Vec::new(), Vec::new(), Vec::new());
        let mut rows = stmt.query([FINGERPRINT_VERSION])?;
        while let Some(r) = rows.next()? {
            let index = copies.len() as u32;
            let before = landmarks.len();
            landmarks.extend(crate::landmarks::from_blob(r.get_ref(7)?.as_blob()?).map(|l| (l.hash, index, l.frame)));
            counts.push(landmarks.len() - before);
            copies.push(Copy {
                path: r.get(0)?,
                container: r.get(1)?,
                codec: r.get(2)?,
                sample_rate_hz: r.get(3)?,
                bits_per_sample: r.get(4)?,
                num_channels: r.get(5)?,
                duration_sec: r.get(6)?,
                starts_at_sec: None,
            });
        }
        let total: i64 = self.connection().query_row("SELECT COUNT(*) FROM files", [], |r| r.get(0))?;
        let without = total as usize - copies.len();
        Ok((copies, counts, landmarks, without))
    }
}

/// Union-find over `0..n`, with path halving.
struct DisjointSets(Vec<usize>);

impl DisjointSets {
    fn new(n: usize) -> Self {
        Self((0..n).collect())
    }

    fn root(&mut self, mut i: usize) -> usize {
        while self.0[i] != i {
            self.0[i] = self.0[self.0[i]];
            i = self.0[i];
        }
        i
    }

    fn join(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.root(a), self.root(b));
        // The smaller root wins, so groups come out in catalogue order whatever the pair order.
        let (lo, hi) = (ra.min(rb), ra.max(rb));
        self.0[hi] = lo;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy(codec: &str, rate: u32, bits: Option<u32>, channels: u16, secs: f64) -> Copy {
        Copy {
            path: String::new(),
            container: String::new(),
            codec: codec.into(),
            sample_rate_hz: rate,
            bits_per_sample: bits,
            num_channels: channels,
            duration_sec: secs,
            starts_at_sec: None,
        }
    }

    #[test]
    fn quality_orders_lossless_rate_depth_channels_length() {
        let best_first = [
            copy("flac", 48_000, Some(24), 2, 60.0),
            copy("pcm_s16le", 48_000, Some(16), 2, 60.0),
            copy("pcm_s16le", 44_100, Some(24), 2, 60.0),
            copy("pcm_s16le", 44_100, Some(16), 2, 61.0),
            copy("pcm_s16le", 44_100, Some(16), 2, 60.0),
            copy("flac", 44_100, Some(16), 1, 90.0),
            copy("vorbis", 96_000, None, 2, 90.0),
            copy("mp3", 44_100, None, 2, 90.0),
        ];
        for pair in best_first.windows(2) {
            assert_eq!(pair[0].compare_quality(&pair[1]), Ordering::Greater, "{:?} vs {:?}", pair[0], pair[1]);
        }
    }
}
