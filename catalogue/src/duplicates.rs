//! Near-duplicate recordings: catalogued files whose audio fingerprints say they are one recording
//! (re-encoded, re-levelled, resampled, trimmed, EQ'd or folded to mono: the landmarks; played at
//! another tempo or speed, or with reverb added: the triplets, [`crate::triplets`]), grouped, with
//! the copy worth keeping first: lossless over lossy, then the higher sample rate, bit depth, stereo
//! over mono, then the longest. Each copy says what kind of variant of the kept copy it is
//! ([`Variant`]).
//!
//! A copy is a file whose whole content another file holds ([`crate::coverage`]): only copies can be
//! skipped. Files that share only part of their audio (two passages cut from one take, a repeated
//! section) are [`Overlap`]s, each kept, with the seconds of each that match. A file that lies wholly
//! within a worse source (a lossless excerpt of an MP3) is kept too, as an overlap: skipping it would
//! lose quality, skipping the other would lose audio.
//!
//! The groups are computed on demand from the stored fingerprints (see [`crate::landmark_index`]),
//! so they always reflect the last scan; nothing about them is stored.

use crate::coverage::{coverage, linked_coverage, Coverage, PeakMap, TimeMap};
use crate::landmark_index::LandmarkIndex;
use crate::store::Catalogue;
use crate::triplets::{triplets, verify, Triplet};
use crate::variant::{Link, Variant};
use crate::Result;
use engine::analysis::{Landmark, FINGERPRINT_VERSION};
use engine::rt::math;
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
    /// kept copy are missing here). `None` for the kept copy itself.
    pub starts_at_sec: Option<f64>,
    /// What kind of copy of the kept copy this is (re-encode, speed +3 %, tempo -5 %, altered).
    /// `None` for the kept copy itself.
    pub variant: Option<Variant>,
    /// The evidence that the kept copy holds all of this one: peaks both had at this copy's ends
    /// that no match explained (at most [`crate::coverage::MAX_UNMATCHED_EDGE_PEAKS`]; for a copy
    /// placed through another copy, the larger of the two). `None` for the kept copy itself.
    pub unmatched_edge_peaks: Option<u32>,
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
    /// At least two; `copies[0]` is the one to keep, and holds the whole content of each other.
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

/// Shortest stretch, seconds, whose triplet match names an overlap's variant. The triplets' time
/// ratio is measured to within about 1 % over a 30 s copy, but over a stretch of a few seconds
/// their offsets agree at many ratios: on 281 excerpts of a soundtrack cut 30 s long every 25 s,
/// the 61 five-second overlaps between neighbours (the same audio) measured tempo changes of up
/// to 4 % or "altered".
pub const MIN_NAMED_OVERLAP_SEC: f64 = 20.0;

/// The variant `link` names for an overlap of `shared_sec` on the linked file's own time line.
fn named_variant(link: Link, shared_sec: f64) -> Option<Variant> {
    (link.by_landmarks || shared_sec >= MIN_NAMED_OVERLAP_SEC).then(|| Variant::of(link))
}

/// Two kept files that share a stretch of audio, neither a copy of the other.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Overlap {
    /// The two files, `a` first by path.
    pub a: String,
    pub b: String,
    /// The stretch of `a` that `b` holds too, seconds from `a`'s start.
    pub a_start_sec: f64,
    pub a_end_sec: f64,
    /// The same stretch on `b`'s time line.
    pub b_start_sec: f64,
    pub b_end_sec: f64,
    /// `a` lies wholly within `b` but is the better source, so both are kept.
    pub a_within_b: bool,
    /// `b` lies wholly within `a` but is the better source.
    pub b_within_a: bool,
    /// Peaks both files had at the less well matched end of the shared stretch that no match
    /// explained: above [`crate::coverage::MAX_UNMATCHED_EDGE_PEAKS`], that end of the stretch was
    /// moved in to the matches.
    pub unmatched_edge_peaks: u32,
    /// What `b`'s stretch is of `a`'s: the same audio (a landmark match), or played at another
    /// speed or tempo, or pitch-shifted (the triplet search finds those). `None`
    /// when the triplets matched a stretch shorter than [`MIN_NAMED_OVERLAP_SEC`].
    #[serde(rename = "variant_detail")]
    pub variant: Option<Variant>,
}

impl Overlap {
    /// Seconds the two files share.
    pub fn shared_sec(&self) -> f64 {
        self.a_end_sec - self.a_start_sec
    }

    /// The same overlap seen from `b` (its variant is left as it was).
    fn swapped(self) -> Self {
        Self {
            a: self.b,
            b: self.a,
            a_start_sec: self.b_start_sec,
            a_end_sec: self.b_end_sec,
            b_start_sec: self.a_start_sec,
            b_end_sec: self.a_end_sec,
            a_within_b: self.b_within_a,
            b_within_a: self.a_within_b,
            ..self
        }
    }
}

/// What [`Catalogue::duplicates`] found.
#[derive(Debug, Clone, Default)]
pub struct Duplicates {
    /// Groups of copies, ordered by the kept copy's path.
    pub groups: Vec<DuplicateGroup>,
    /// Kept files that share part of their audio, ordered by path.
    pub overlaps: Vec<Overlap>,
    /// Files whose fingerprints were compared.
    pub num_fingerprinted: usize,
    /// Files without a current fingerprint (catalogued by an older afterglow; the next scan adds
    /// it), left out.
    pub num_without_fingerprint: usize,
}

/// Two files found to share audio, and how much ([`coverage`]). `b`'s time at `a`'s time `t` is
/// `link.time_ratio * t + coverage.offset_sec`.
#[derive(Debug, Clone, Copy)]
struct Relation {
    a: usize,
    b: usize,
    coverage: Coverage,
    /// How `b` relates to `a`.
    link: Link,
}


impl Catalogue {
    /// Groups the catalogued files that are one recording and lists the files that share only part
    /// of their audio. Reads every fingerprint once; see [`crate::landmark_index`] for why the
    /// search stays about linear in the archive. Only the files of matching pairs are followed
    /// along their time lines.
    pub fn duplicates(&self) -> Result<Duplicates> {
        self.find_duplicates(false)
    }

    /// [`Self::duplicates`], and besides the copies the landmarks find, the files that are another
    /// file at another tempo or speed (up to about 16 %) or with reverb added ([`crate::triplets`]).
    /// Slower: every pair of files sharing enough triplet hashes is verified, which on dense
    /// archives costs far more than the landmark search.
    pub fn duplicates_and_variants(&self) -> Result<Duplicates> {
        self.find_duplicates(true)
    }

    fn find_duplicates(&self, variants: bool) -> Result<Duplicates> {
        let (copies, num_landmarks, rows, num_without_fingerprint) = self.fingerprints().map_err(|e| self.db_error(e))?;
        let index = LandmarkIndex::new(num_landmarks, rows);
        let pairs = index.matching_pairs();
        // Each matched file's peaks, built once when a match first needs them (landmark or triplet).
        let peak_maps: Vec<std::sync::OnceLock<PeakMap>> = (0..copies.len()).map(|_| std::sync::OnceLock::new()).collect();
        let peak_map = |f: usize| {
            peak_maps[f].get_or_init(|| {
                PeakMap::new(index.landmarks_of(f).iter().map(|&(hash, frame)| Landmark { hash, frame }), copies[f].duration_sec)
            })
        };
        let mut relations: Vec<Relation> = pairs
            .iter()
            .map(|p| Relation { a: p.a, b: p.b, coverage: coverage(peak_map(p.a), peak_map(p.b), p.offset.offset_frames), link: Link::SAME })
            .collect();
        let matched: std::collections::HashSet<(usize, usize)> = pairs.iter().map(|p| (p.a, p.b)).collect();
        if variants {
            relations.extend(variant_relations(&index, &matched, &peak_map));
        }
        let (groups, overlaps) = classify(&copies, &relations);
        Ok(Duplicates { groups, overlaps, num_fingerprinted: copies.len(), num_without_fingerprint })
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
                variant: None,
                unmatched_edge_peaks: None,
            });
        }
        let total: i64 = self.connection().query_row("SELECT COUNT(*) FROM files", [], |r| r.get(0))?;
        let without = total as usize - copies.len();
        Ok((copies, counts, landmarks, without))
    }
}

/// The pairs of files the landmarks did not match (`matched`) whose triplets agree on one time
/// ratio, pitch offset and time offset ([`crate::triplets::verify`]), with what the match covers
/// (read from each file's peaks, `peak_map`). Candidates come from the shared triplet hashes, as
/// the landmarks' do.
fn variant_relations<'p>(
    landmarks: &LandmarkIndex,
    matched: &std::collections::HashSet<(usize, usize)>,
    peak_map: &(dyn Fn(usize) -> &'p PeakMap + Sync),
) -> Vec<Relation> {
    use rayon::prelude::*;
    let per_file: Vec<Vec<Triplet>> = (0..landmarks.num_files())
        .into_par_iter()
        .map(|f| triplets(landmarks.landmarks_of(f).iter().map(|&(hash, frame)| Landmark { hash, frame })))
        .collect();
    let counts: Vec<usize> = per_file.iter().map(Vec::len).collect();
    let rows: Vec<(u32, u32, u32)> =
        per_file.iter().enumerate().flat_map(|(f, ts)| ts.iter().enumerate().map(move |(k, t)| (t.hash, f as u32, k as u32))).collect();
    let index = LandmarkIndex::new(counts.clone(), rows);
    let candidates: Vec<(usize, usize)> =
        index.candidates(crate::triplets::passes).into_iter().filter(|pair| !matched.contains(pair)).collect();
    candidates
        .into_par_iter()
        .filter_map(|(a, b)| {
            let mut shared = Vec::new();
            index.shared_frames(a, b, &mut shared);
            let hits: Vec<(Triplet, Triplet)> = shared.iter().map(|&(x, y)| (per_file[a][x as usize], per_file[b][y as usize])).collect();
            let m = verify(&hits, crate::triplets::min_votes(counts[a], counts[b])).filter(|m| m.is_same_recording(counts[a], counts[b]))?;
            // What the match covers is read from the stored peaks, followed along it as a
            // landmark match's are (`coverage.rs`): far denser than the agreeing triplets (a tempo
            // variant agrees on a few percent of those), they tell where the shared stretch ends,
            // so that a passage running on past the other file's end is an overlap, not a copy.
            let map = TimeMap { offset_frames: m.offset_frames, time_ratio: m.time_ratio, bin_ratio: math::exp2(m.semitones / 12.0) };
            let coverage = linked_coverage(peak_map(a), peak_map(b), map);
            let link = Link { time_ratio: m.time_ratio, semitones: m.semitones, by_landmarks: false };
            Some(Relation { a, b, coverage, link })
        })
        .collect()
}

/// What a file is in the result.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    Kept,
    /// A copy of the kept file, starting this many seconds into it, with its unmatched edge peaks
    /// and its link to it.
    CopyOf(usize, f64, u32, Link),
}

/// Groups and overlaps from the pairwise relations. Files are taken best source first; each is a
/// copy of the best kept file that holds all of it (directly, or through one of that file's
/// copies), else kept. So a copy's kept file is always at least as good a source, and every
/// skipped file's audio is in its kept file.
fn classify(files: &[Copy], relations: &[Relation]) -> (Vec<DuplicateGroup>, Vec<Overlap>) {
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by(|&x, &y| files[y].compare_quality(&files[x]).then_with(|| files[x].path.cmp(&files[y].path)));
    let mut rank = vec![0; files.len()];
    for (r, &f) in order.iter().enumerate() {
        rank[f] = r;
    }
    // within[x]: (y, where x starts on y's time line, unmatched edge peaks, x's link to y) for
    // every y that holds all of x.
    let mut within: Vec<Vec<(usize, f64, u32, Link)>> = vec![Vec::new(); files.len()];
    for r in relations {
        let edge = r.coverage.unmatched_edge_peaks;
        if r.coverage.a_within_b {
            within[r.a].push((r.b, r.coverage.offset_sec, edge, r.link.inverse()));
        }
        if r.coverage.b_within_a {
            within[r.b].push((r.a, -r.coverage.offset_sec / r.link.time_ratio, edge, r.link));
        }
    }
    let mut role: Vec<Option<Role>> = vec![None; files.len()];
    for &x in &order {
        let direct = within[x].iter().filter(|&&(y, ..)| role[y] == Some(Role::Kept)).copied();
        let through_copy = within[x].iter().filter_map(|&(y, at, edge, link)| match role[y] {
            Some(Role::CopyOf(kept, y_at, y_edge, y_link)) => {
                Some((kept, y_at + at / y_link.time_ratio, edge.max(y_edge), link.then(y_link)))
            }
            _ => None,
        });
        // The best kept file; direct first (its offset was measured, not added up), landmark
        // matches before triplet ones (exact, and they name a re-encode as one).
        let best = direct
            .map(|c| (0, c))
            .chain(through_copy.map(|c| (1, c)))
            .min_by_key(|&(how, (kept, _, _, link))| (rank[kept], !link.by_landmarks, how));
        role[x] = Some(best.map_or(Role::Kept, |(_, (kept, at, edge, link))| Role::CopyOf(kept, at, edge, link)));
    }

    let mut members: std::collections::BTreeMap<usize, Vec<(usize, f64, u32, Link)>> = std::collections::BTreeMap::new();
    for &x in &order {
        if let Some(Role::CopyOf(kept, at, edge, link)) = role[x] {
            members.entry(kept).or_default().push((x, at, edge, link));
        }
    }
    let mut groups: Vec<DuplicateGroup> = members
        .into_iter()
        .map(|(kept, copies)| {
            let mut out = vec![files[kept].clone()];
            out.extend(copies.into_iter().map(|(x, at, edge, link)| Copy {
                starts_at_sec: Some(at),
                variant: Some(Variant::of(link)),
                unmatched_edge_peaks: Some(edge),
                ..files[x].clone()
            }));
            DuplicateGroup { copies: out }
        })
        .collect();
    groups.sort_by(|x, y| x.kept().path.cmp(&y.kept().path));

    let mut overlaps: Vec<Overlap> = relations
        .iter()
        .filter(|r| role[r.a] == Some(Role::Kept) && role[r.b] == Some(Role::Kept))
        .map(|r| {
            let c = &r.coverage;
            let b_at = |a_sec: f64| r.link.time_ratio * a_sec + c.offset_sec;
            let (b_start_sec, b_end_sec) = (b_at(c.a_start_sec), b_at(c.a_end_sec));
            let overlap = Overlap {
                a: files[r.a].path.clone(),
                b: files[r.b].path.clone(),
                a_start_sec: c.a_start_sec,
                a_end_sec: c.a_end_sec,
                b_start_sec,
                b_end_sec,
                a_within_b: c.a_within_b,
                b_within_a: c.b_within_a,
                unmatched_edge_peaks: c.unmatched_edge_peaks,
                variant: named_variant(r.link, c.a_end_sec - c.a_start_sec),
            };
            if overlap.a <= overlap.b {
                overlap
            } else {
                let seconds_of_b = overlap.b_end_sec - overlap.b_start_sec;
                Overlap { variant: named_variant(r.link.inverse(), seconds_of_b), ..overlap.swapped() }
            }
        })
        .collect();
    overlaps.sort_by(|x, y| x.a.cmp(&y.a).then_with(|| x.b.cmp(&y.b)));
    (groups, overlaps)
}


#[cfg(test)]
mod tests {
    use super::*;
    use engine::rt::math;
    use crate::variant::VariantKind;

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
            variant: None,
            unmatched_edge_peaks: None,
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

    fn named(path: &str, codec: &str, secs: f64) -> Copy {
        Copy { path: path.into(), ..copy(codec, 44_100, Some(16), 2, secs) }
    }

    /// `a` and `b` share `a`'s seconds `a_start..a_end`, `b` starting `offset` s later.
    fn relation(a: usize, b: usize, offset_sec: f64, (a_start_sec, a_end_sec): (f64, f64), a_within_b: bool, b_within_a: bool) -> Relation {
        let coverage =
            Coverage { a_start_sec, a_end_sec, offset_sec, a_within_b, b_within_a, unmatched_edge_peaks: 0, hit_share: 0.5 };
        Relation { a, b, coverage, link: Link::SAME }
    }

    #[test]
    fn only_files_held_whole_are_copies() {
        // 0: passage 0-60 s; 1: passage 30-90 s; 2: passage 70-130 s; 3: an MP3 of 1 trimmed to 32-88 s.
        let files = [named("/p0", "flac", 60.0), named("/p1", "flac", 60.0), named("/p2", "flac", 60.0), named("/p1.mp3", "mp3", 56.0)];
        let relations = [
            relation(0, 1, -30.0, (30.0, 60.0), false, false),
            relation(1, 2, -40.0, (40.0, 60.0), false, false),
            relation(1, 3, -2.0, (2.0, 58.0), false, true),
            relation(0, 3, -28.0, (30.0, 60.0), false, false),
        ];
        let (groups, overlaps) = classify(&files, &relations);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].kept().path, "/p1");
        assert_eq!(groups[0].skipped().iter().map(|c| (c.path.as_str(), c.starts_at_sec)).collect::<Vec<_>>(), [("/p1.mp3", Some(2.0))]);
        // Overlaps among kept files only (not the MP3's), seen from the first path.
        let seen: Vec<_> = overlaps.iter().map(|o| (o.a.as_str(), o.b.as_str(), o.a_start_sec, o.b_start_sec, o.b_end_sec)).collect();
        assert_eq!(seen, [("/p0", "/p1", 30.0, 0.0, 30.0), ("/p1", "/p2", 40.0, 0.0, 20.0)]);
    }

    #[test]
    fn a_better_excerpt_of_a_worse_file_is_kept_beside_it() {
        // 0: a FLAC excerpt (10-40 s) of 1, an MP3 of the whole piece; 2: a WAV copy of the excerpt.
        let files = [named("/excerpt.flac", "flac", 30.0), named("/whole.mp3", "mp3", 90.0), named("/excerpt.wav", "pcm_s16le", 30.0)];
        let relations = [relation(0, 1, 10.0, (0.0, 30.0), true, false), relation(0, 2, 0.0, (0.0, 30.0), true, true)];
        let (groups, overlaps) = classify(&files, &relations);
        assert_eq!(groups.len(), 1);
        assert_eq!((groups[0].kept().path.as_str(), groups[0].skipped()[0].path.as_str()), ("/excerpt.flac", "/excerpt.wav"));
        assert_eq!(overlaps.len(), 1);
        assert!(overlaps[0].a == "/excerpt.flac" && overlaps[0].a_within_b && overlaps[0].b_start_sec == 10.0, "{overlaps:?}");
    }

    #[test]
    fn a_variant_of_a_copy_is_placed_and_named_against_the_kept_copy() {
        // 1 is a re-encode of 0 from 3 s; 2 is 1 played 4 % faster (pitch up with it), from 1 s of 1.
        let files = [named("/a.wav", "pcm_s16le", 40.0), named("/b.flac", "flac", 35.0), named("/c.mp3", "mp3", 30.0)];
        let ratio = 1.0 / 1.04;
        let link = Link { time_ratio: ratio, semitones: 12.0 * math::log2(1.04f64), by_landmarks: false };
        let faster = Relation { link, ..relation(1, 2, -ratio, (1.0, 32.2), false, true) };
        let (groups, _) = classify(&files, &[relation(0, 1, -3.0, (3.0, 38.0), false, true), faster]);
        let named: Vec<_> =
            groups[0].skipped().iter().map(|c| (c.path.as_str(), c.starts_at_sec.map(|s| (s * 1000.0).round() / 1000.0), c.variant.map(|v| v.describe()))).collect();
        assert_eq!(
            named,
            [("/b.flac", Some(3.0), Some("re-encode".to_string())), ("/c.mp3", Some(4.0), Some("speed +4 %".to_string()))]
        );
    }

    #[test]
    fn an_overlap_at_another_speed_is_named_from_the_first_path() {
        // 1 plays 6 % faster than 0 (pitch up with it) and shares 0's 30-60 s from its start; the
        // relation is found from either side, and the overlap is told from the first path.
        let ratio = 1.0 / 1.06;
        let faster = Link { time_ratio: ratio, semitones: 12.0 * math::log2(1.06f64), by_landmarks: false };
        for (first, second) in [("/a.flac", "/b.flac"), ("/b.flac", "/a.flac")] {
            let files = [named(first, "flac", 60.0), named(second, "flac", 56.6)];
            let relation = Relation { link: faster, ..relation(0, 1, -30.0 * ratio, (30.0, 60.0), false, false) };
            let (groups, overlaps) = classify(&files, &[relation]);
            assert!(groups.is_empty() && overlaps.len() == 1, "{groups:?} {overlaps:?}");
            let o = &overlaps[0];
            let seconds = [o.a_start_sec, o.a_end_sec, o.b_start_sec, o.b_end_sec].map(|s| (s * 100.0).round() / 100.0);
            if first == "/a.flac" {
                assert_eq!((o.variant.map(|v| v.describe()), seconds), (Some("speed +6 %".to_string()), [30.0, 60.0, 0.0, 28.3]));
            } else {
                assert_eq!((o.variant.map(|v| v.describe()), seconds), (Some("speed -6 %".to_string()), [0.0, 28.3, 30.0, 60.0]));
            }
        }
        // The same audio is a re-encode's overlap.
        let files = [named("/p0", "flac", 60.0), named("/p1", "flac", 60.0)];
        let (_, overlaps) = classify(&files, &[relation(0, 1, -30.0, (30.0, 60.0), false, false)]);
        assert_eq!(overlaps[0].variant.map(|v| v.kind), Some(VariantKind::ReEncode));
        // A short stretch matched by the triplets is not named: its ratio is not measured well.
        let files = [named("/a.flac", "flac", 30.0), named("/b.flac", "flac", 30.0)];
        let short = Relation { link: Link { time_ratio: 0.98, semitones: 0.0, by_landmarks: false }, ..relation(0, 1, -25.0, (25.0, 30.0), false, false) };
        assert_eq!(classify(&files, &[short]).1[0].variant, None);
    }

    #[test]
    fn a_copy_of_a_copy_is_placed_on_the_kept_time_line() {
        // 2 lies within 1 (from 1 s), 1 within 0 (from 3 s); 2 and 0 were not paired.
        let files = [named("/a.wav", "pcm_s16le", 40.0), named("/b.flac", "flac", 35.0), named("/c.mp3", "mp3", 30.0)];
        let relations = [relation(0, 1, -3.0, (3.0, 38.0), false, true), relation(1, 2, -1.0, (1.0, 31.0), false, true)];
        let (groups, overlaps) = classify(&files, &relations);
        assert!(overlaps.is_empty());
        let at: Vec<_> = groups[0].skipped().iter().map(|c| (c.path.as_str(), c.starts_at_sec)).collect();
        assert_eq!(groups[0].kept().path, "/a.wav");
        assert_eq!(at, [("/b.flac", Some(3.0)), ("/c.mp3", Some(4.0))]);
    }
}
