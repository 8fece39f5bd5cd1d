//! The pads' query index: for each catalogued file, one blob holding what `pads` filters and ranks
//! by (region row id, score, length, key, brightness, grade and feature vector of each of its
//! pads). A query reads these few large blobs in one pass instead of stepping through every wide
//! region row, then fetches the full rows of only the pads it returns. On 100 000 pads "more like
//! this" took 27 ms reading the region rows (19 ms of it only to read the feature vectors) and
//! takes 9 ms through the index (`benches/pad_queries.rs`; all figures in the README).
//!
//! The writer keeps it: [`write_file`] runs after a file's regions are stored, in the same
//! transaction, so a scan of new files adds their entries and leaves every other entry as it was;
//! deleting a file deletes its entry (foreign key). Triggers delete a file's entry whenever its
//! region rows change by any other path (an older afterglow, a hand edit in an SQLite tool), and
//! queries read a file without an entry from its region rows ([`STALE_FILES_SQL`]): the index is
//! never wrong, at worst slower.
//!
//! Blob layout, little-endian, column by column so a query reads each measure at a fixed place:
//! the number of pads `n` (`u32`); a table of the file's distinct strings (a count byte, then each
//! as a length byte and UTF-8); the `n` region row ids (`i64`), scores (`f64`), durations in seconds
//! (`f64`); for each pad its key, brightness and grade as indices into the string table
//! ([`NULL_STRING`] for NULL); a byte per pad saying whether it has a feature vector; and the `n`
//! vectors of [`NUM_FEATURES`] `f32`s (zeros where it has none).

use crate::features::{from_blob, FeatureVector, NUM_FEATURES};
use rusqlite::{params, Connection};

/// String index of a NULL key or grade.
pub const NULL_STRING: u8 = 0xFF;
/// Most distinct strings (keys, brightness names, grades) of one file's pads; a file with more gets
/// no entry (it is read from its region rows), as does one with a string over 255 bytes.
const MAX_STRINGS: usize = 255;
/// Bytes per pad outside the string table: id, score, duration, three string indices, the vector
/// flag and the vector.
const PAD_BYTES: usize = 8 + 8 + 8 + 3 + 1 + NUM_FEATURES * 4;

/// The files whose pads the index does not hold (no entry: never indexed, or their regions changed
/// since), to be read from their region rows.
pub const STALE_FILES_SQL: &str = "SELECT f.id FROM files f WHERE NOT EXISTS (SELECT 1 FROM pad_index p WHERE p.file_id = f.id)";
/// A file's pads from their region rows, in the columns [`IndexedPad::from_row`] reads.
pub const FILE_PADS_SQL: &str = "SELECT id, score, duration_sec, key, brightness, grade, features FROM regions
     WHERE file_id = ?1 AND kind = 'pad' ORDER BY id";

/// One pad as the index holds it; strings borrow from the blob or row they were read from.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedPad<'a> {
    /// Row id in `regions`.
    pub id: i64,
    pub score: f64,
    pub duration_sec: f64,
    pub key: Option<&'a str>,
    pub brightness: &'a str,
    pub grade: Option<&'a str>,
    /// `None` when the stored vector was unreadable (written by another version).
    pub features: Option<FeatureVector>,
}

impl<'a> IndexedPad<'a> {
    /// A pad from a row of [`FILE_PADS_SQL`].
    pub fn from_row(r: &'a rusqlite::Row<'a>) -> rusqlite::Result<Self> {
        let text = |i: usize| -> rusqlite::Result<Option<&'a str>> {
            match r.get_ref(i)? {
                rusqlite::types::ValueRef::Null => Ok(None),
                v => v.as_str().map(Some).map_err(Into::into),
            }
        };
        Ok(Self {
            id: r.get(0)?,
            score: r.get(1)?,
            duration_sec: r.get(2)?,
            key: text(3)?,
            brightness: text(4)?.unwrap_or_default(),
            grade: text(5)?,
            features: r.get_ref(6)?.as_blob().ok().and_then(from_blob),
        })
    }
}

/// Writes file `file_id`'s entry from its region rows (inside the caller's transaction); every
/// file gets one, empty of pads when it has none, so a missing entry always means "not indexed".
pub fn write_file(conn: &Connection, file_id: i64) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(FILE_PADS_SQL)?;
    let mut rows = stmt.query([file_id])?;
    let mut owned = Vec::new();
    while let Some(r) = rows.next()? {
        let pad = IndexedPad::from_row(r)?;
        owned.push((pad.id, pad.score, pad.duration_sec, [pad.key.map(String::from), Some(pad.brightness.to_string()), pad.grade.map(String::from)], pad.features));
    }
    let pads: Vec<IndexedPad<'_>> = owned
        .iter()
        .map(|(id, score, duration_sec, [key, brightness, grade], features)| IndexedPad {
            id: *id,
            score: *score,
            duration_sec: *duration_sec,
            key: key.as_deref(),
            brightness: brightness.as_deref().unwrap_or_default(),
            grade: grade.as_deref(),
            features: *features,
        })
        .collect();
    match encode(&pads) {
        Some(blob) => conn.prepare_cached("INSERT OR REPLACE INTO pad_index (file_id, pads) VALUES (?1, ?2)")?.execute(params![file_id, blob])?,
        // Not storable: leave the file out, so queries read its region rows.
        None => conn.execute("DELETE FROM pad_index WHERE file_id = ?1", [file_id])?,
    };
    Ok(())
}

/// Writes every file's entry: the index of a catalogue that had none (see `schema.rs`).
pub fn write_all(conn: &Connection) -> rusqlite::Result<()> {
    let ids: Vec<i64> = conn.prepare("SELECT id FROM files")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    ids.into_iter().try_for_each(|id| write_file(conn, id))
}

/// The entry of `pads`; `None` when a string is too long or there are too many distinct ones.
fn encode<'a>(pads: &[IndexedPad<'a>]) -> Option<Vec<u8>> {
    let mut strings: Vec<&'a str> = Vec::new();
    let mut code = |s: Option<&'a str>| -> Option<u8> {
        let Some(s) = s else { return Some(NULL_STRING) };
        let at = strings.iter().position(|&t| t == s).unwrap_or_else(|| {
            strings.push(s);
            strings.len() - 1
        });
        (at < MAX_STRINGS - 1 && s.len() <= usize::from(u8::MAX)).then_some(at as u8)
    };
    let codes: Vec<[u8; 3]> = pads.iter().map(|p| Some([code(p.key)?, code(Some(p.brightness))?, code(p.grade)?])).collect::<Option<_>>()?;
    let mut out = Vec::with_capacity(5 + pads.len() * PAD_BYTES + strings.iter().map(|s| s.len() + 1).sum::<usize>());
    out.extend_from_slice(&(pads.len() as u32).to_le_bytes());
    out.push(strings.len() as u8);
    for s in &strings {
        out.push(s.len() as u8);
        out.extend_from_slice(s.as_bytes());
    }
    pads.iter().for_each(|p| out.extend_from_slice(&p.id.to_le_bytes()));
    pads.iter().for_each(|p| out.extend_from_slice(&p.score.to_le_bytes()));
    pads.iter().for_each(|p| out.extend_from_slice(&p.duration_sec.to_le_bytes()));
    codes.iter().for_each(|c| out.extend_from_slice(c));
    pads.iter().for_each(|p| out.push(u8::from(p.features.is_some())));
    for p in pads {
        p.features.unwrap_or([0.0; NUM_FEATURES]).iter().for_each(|x| out.extend_from_slice(&x.to_le_bytes()));
    }
    Some(out)
}

/// A file's entry, read in place: each measure at a fixed place, no copy made.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    num_pads: usize,
    /// The string table: its count byte and strings.
    strings: &'a [u8],
    ids: &'a [u8],
    scores: &'a [u8],
    durations: &'a [u8],
    codes: &'a [u8],
    has_features: &'a [u8],
    features: &'a [u8],
}

/// Eight bytes at `i * 8` of `column`, which holds them (checked by [`Entry::parse`]).
fn word(column: &[u8], i: usize) -> [u8; 8] {
    let mut w = [0; 8];
    w.copy_from_slice(&column[i * 8..i * 8 + 8]);
    w
}

impl<'a> Entry<'a> {
    /// The entry in `blob`, or `None` when it is damaged (then the file's region rows are read
    /// instead): every length is checked here, so reading it afterwards cannot fail.
    pub fn parse(blob: &'a [u8]) -> Option<Self> {
        let num_pads = u32::from_le_bytes(blob.get(..4)?.try_into().ok()?) as usize;
        let mut at = 4;
        let num_strings = usize::from(*blob.get(at)?);
        let strings_start = at;
        at += 1;
        for _ in 0..num_strings {
            let len = usize::from(*blob.get(at)?);
            std::str::from_utf8(blob.get(at + 1..at + 1 + len)?).ok()?;
            at += 1 + len;
        }
        let strings = &blob[strings_start..at];
        if blob.len() - at != num_pads.checked_mul(PAD_BYTES)? {
            return None;
        }
        let mut column = |width: usize| {
            let c = &blob[at..at + num_pads * width];
            at += num_pads * width;
            c
        };
        let (ids, scores, durations, codes, has_features, features) =
            (column(8), column(8), column(8), column(3), column(1), column(NUM_FEATURES * 4));
        let entry = Self { num_pads, strings, ids, scores, durations, codes, has_features, features };
        // Every string index names a string (or NULL).
        codes.iter().all(|&c| c == NULL_STRING || usize::from(c) < num_strings).then_some(entry)
    }

    /// Number of pads.
    pub fn len(&self) -> usize {
        self.num_pads
    }

    pub fn is_empty(&self) -> bool {
        self.num_pads == 0
    }

    /// The index of `s` in the string table, if any pad here has it.
    pub fn string_index(&self, s: &str) -> Option<u8> {
        self.strings_iter().position(|t| t == s).map(|i| i as u8)
    }

    fn strings_iter(&self) -> impl Iterator<Item = &'a str> {
        let mut rest = &self.strings[1..];
        (0..self.strings[0]).map(move |_| {
            let len = usize::from(rest[0]);
            // Checked UTF-8 in `parse`.
            let s = std::str::from_utf8(&rest[1..1 + len]).unwrap_or_default();
            rest = &rest[1 + len..];
            s
        })
    }

    /// Row id of pad `i` in `regions`.
    pub fn id(&self, i: usize) -> i64 {
        i64::from_le_bytes(word(self.ids, i))
    }

    pub fn score(&self, i: usize) -> f64 {
        f64::from_le_bytes(word(self.scores, i))
    }

    pub fn duration_sec(&self, i: usize) -> f64 {
        f64::from_le_bytes(word(self.durations, i))
    }

    /// String indices of pad `i`'s key, brightness and grade ([`NULL_STRING`] for NULL).
    pub fn string_indices(&self, i: usize) -> [u8; 3] {
        [self.codes[i * 3], self.codes[i * 3 + 1], self.codes[i * 3 + 2]]
    }

    /// Pad `i`'s feature vector, if it has one.
    pub fn features(&self, i: usize) -> Option<FeatureVector> {
        (self.has_features[i] == 1).then(|| {
            let bytes = &self.features[i * NUM_FEATURES * 4..(i + 1) * NUM_FEATURES * 4];
            std::array::from_fn(|k| f32::from_le_bytes([bytes[4 * k], bytes[4 * k + 1], bytes[4 * k + 2], bytes[4 * k + 3]]))
        })
    }

    /// Every pad, with its strings.
    pub fn pads(&self) -> impl Iterator<Item = IndexedPad<'a>> + '_ {
        (0..self.num_pads).map(move |i| {
            let string = |code: u8| (code != NULL_STRING).then(|| self.strings_iter().nth(usize::from(code)).unwrap_or_default());
            let [key, brightness, grade] = self.string_indices(i);
            IndexedPad {
                id: self.id(i),
                score: self.score(i),
                duration_sec: self.duration_sec(i),
                key: string(key),
                brightness: string(brightness).unwrap_or_default(),
                grade: string(grade),
                features: self.features(i),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_damage_is_caught() {
        let with: FeatureVector = std::array::from_fn(|i| i as f32 * 0.25);
        let pads_in = [
            IndexedPad { id: 7, score: 0.5, duration_sec: 4.0, key: Some("Am"), brightness: "dark", grade: None, features: Some(with) },
            IndexedPad { id: 9, score: 0.25, duration_sec: 2.5, key: None, brightness: "", grade: Some("A"), features: None },
            IndexedPad { id: 12, score: 0.75, duration_sec: 1.0, key: Some("Am"), brightness: "dark", grade: Some("A"), features: Some(with) },
        ];
        let blob = encode(&pads_in).unwrap();
        let entry = Entry::parse(&blob).unwrap();
        assert_eq!(entry.pads().collect::<Vec<_>>(), pads_in);
        assert_eq!((entry.string_index("dark"), entry.string_index("bright")), (Some(1), None));
        assert!(Entry::parse(&encode(&[]).unwrap()).unwrap().is_empty());
        assert!(Entry::parse(&blob[..blob.len() - 1]).is_none());
        assert!(Entry::parse(&[blob.as_slice(), &[0]].concat()).is_none());
        let long = "x".repeat(256);
        assert!(encode(&[IndexedPad { key: Some(&long), ..pads_in[0].clone() }]).is_none());
    }

    use crate::synthetic::synthetic_file;
    use crate::{Brightness, Catalogue, MineSettings, PadQuery};

    /// A catalogue of `num_files` synthetic files of 10 pads each, from file number `first`.
    fn put_files(cat: &mut Catalogue, first: usize, num_files: usize) {
        for i in first..first + num_files {
            cat.put_file(&format!("/archive/take-{i:04}.wav"), 1000, 0, &MineSettings::default(), &synthetic_file(i, 10)).unwrap();
        }
    }

    fn entries(cat: &Catalogue) -> Vec<(i64, Vec<u8>)> {
        let mut stmt = cat.connection().prepare("SELECT file_id, pads FROM pad_index ORDER BY file_id").unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<rusqlite::Result<_>>().unwrap()
    }

    fn queries(cat: &Catalogue) -> Vec<PadQuery> {
        let like = cat.pads(&PadQuery { limit: 1, ..Default::default() }).unwrap()[0].id.clone();
        vec![
            PadQuery { like: Some(like.clone()), limit: 20, ..Default::default() },
            PadQuery { like: Some(like.clone()), key: Some("A minor".into()), min_sec: Some(3.0), ..Default::default() },
            PadQuery { brightness: Some(Brightness::Dark), limit: 30, ..Default::default() },
            PadQuery { key: Some("C major".into()), brightness: Some(Brightness::Mid), limit: 40, ..Default::default() },
            PadQuery { key: Some("nonsense".into()), limit: 10, ..Default::default() },
            PadQuery { grade: Some("a".into()), limit: 10, ..Default::default() },
            PadQuery { key: Some("Fmaj".into()), min_sec: Some(3.0), ..Default::default() },
        ]
    }

    #[test]
    fn queries_through_the_index_equal_queries_of_the_region_rows() {
        let tmp = tempfile::tempdir().unwrap();
        let mut cat = Catalogue::open(&tmp.path().join("cat.sqlite")).unwrap();
        put_files(&mut cat, 0, 250);
        assert_eq!(entries(&cat).len(), 250);
        let through_index: Vec<_> = queries(&cat).iter().map(|q| cat.pads(q).unwrap()).collect();
        assert!(through_index[0].len() == 20 && through_index[2].len() == 30, "{through_index:?}");
        // All 2 500 ranked (their rows fetched in one pass, not one by one) in the same order.
        let all = cat.pads(&PadQuery { limit: 0, ..queries(&cat)[0].clone() }).unwrap();
        assert_eq!(all.len(), 2500);
        assert_eq!(all[..20], through_index[0][..]);
        // A filtered listing of everything is plain SQL; its head is what the index gives.
        let listed = cat.pads(&PadQuery { limit: 0, ..queries(&cat)[3].clone() }).unwrap();
        assert!(listed.len() > 40);
        assert_eq!(listed[..40], through_index[3][..]);
        // Without entries every pad is read from its region row.
        cat.connection().execute("DELETE FROM pad_index", []).unwrap();
        let from_rows: Vec<_> = queries(&cat).iter().map(|q| cat.pads(q).unwrap()).collect();
        assert_eq!(through_index, from_rows);
    }

    #[test]
    fn a_scan_adds_entries_and_an_edit_elsewhere_drops_one() {
        let tmp = tempfile::tempdir().unwrap();
        let mut cat = Catalogue::open(&tmp.path().join("cat.sqlite")).unwrap();
        put_files(&mut cat, 0, 10);
        let before = entries(&cat);
        // New files add their entries; the others stay byte for byte.
        put_files(&mut cat, 10, 5);
        let after = entries(&cat);
        assert_eq!(after.len(), 15);
        assert_eq!(after[..10], before[..]);
        // A region changed by hand: its file's entry goes, and queries read its row instead.
        let id: i64 = cat.connection().query_row("SELECT id FROM regions WHERE kind = 'pad' ORDER BY id LIMIT 1", [], |r| r.get(0)).unwrap();
        cat.connection().execute("UPDATE regions SET score = 2.0 WHERE id = ?1", [id]).unwrap();
        assert_eq!(entries(&cat).len(), 14);
        let best = cat.pads(&PadQuery { min_sec: Some(0.0), limit: 1, ..Default::default() }).unwrap();
        assert_eq!(best[0].score, 2.0);
        // Forgetting a file forgets its entry.
        let file_id: i64 = after[3].0;
        cat.remove_file(file_id).unwrap();
        assert!(entries(&cat).iter().all(|(f, _)| *f != file_id));
    }

    #[test]
    fn a_catalogue_from_before_the_index_gets_it_on_open() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("cat.sqlite");
        let mut cat = Catalogue::open(&path).unwrap();
        put_files(&mut cat, 0, 12);
        let expected = entries(&cat);
        cat.connection()
            .execute_batch(
                "DROP TRIGGER pad_index_stale_on_insert; DROP TRIGGER pad_index_stale_on_update;
                 DROP TRIGGER pad_index_stale_on_delete; DROP TABLE pad_index; PRAGMA user_version = 3;",
            )
            .unwrap();
        drop(cat);
        let cat = Catalogue::open(&path).unwrap();
        assert_eq!(entries(&cat), expected);
    }

    /// A catalogue whose vectors an older afterglow wrote (24 values, schema 4) opens: its index
    /// is written again in the new layout, listings work, and "more like this" says to scan again.
    #[test]
    fn a_catalogue_with_vectors_of_an_older_layout_lists_and_asks_for_a_scan() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("cat.sqlite");
        let mut cat = Catalogue::open(&path).unwrap();
        put_files(&mut cat, 0, 12);
        let listed = cat.pads(&PadQuery { brightness: Some(Brightness::Dark), limit: 10, ..Default::default() }).unwrap();
        cat.connection().execute_batch("UPDATE regions SET features = zeroblob(96); PRAGMA user_version = 4;").unwrap();
        drop(cat);
        let cat = Catalogue::open(&path).unwrap();
        assert_eq!(entries(&cat).len(), 12, "every file indexed again");
        assert!(entries(&cat).iter().all(|(_, blob)| Entry::parse(blob).is_some_and(|e| e.pads().all(|p| p.features.is_none()))));
        let again = cat.pads(&PadQuery { brightness: Some(Brightness::Dark), limit: 10, ..Default::default() }).unwrap();
        assert_eq!(again, listed);
        let like = cat.pads(&PadQuery { like: Some(listed[0].id.clone()), ..Default::default() });
        assert!(matches!(like, Err(crate::Error::StaleFeatures(_))), "{like:?}");
        assert!(like.unwrap_err().to_string().contains("afterglow scan"));
    }

    /// The spreads are the whole catalogue's: a filter changes which pads are listed, never their
    /// distances; each aspect's distance is shown, and the overall one is their weighted mean
    /// square's root.
    #[test]
    fn aspect_distances_do_not_depend_on_the_filters() {
        let tmp = tempfile::tempdir().unwrap();
        let mut cat = Catalogue::open(&tmp.path().join("cat.sqlite")).unwrap();
        put_files(&mut cat, 0, 40);
        let like = cat.pads(&PadQuery { limit: 1, ..Default::default() }).unwrap()[0].id.clone();
        let weights = crate::AspectWeights::parse("timbre=3,pitch=0,loudness=0.5").unwrap();
        let all = cat.pads(&PadQuery { like: Some(like.clone()), weights, limit: 0, ..Default::default() }).unwrap();
        let dark = cat.pads(&PadQuery { like: Some(like.clone()), weights, brightness: Some(Brightness::Dark), limit: 0, ..Default::default() }).unwrap();
        assert!(dark.len() < all.len() / 2);
        for row in &dark {
            assert_eq!(all.iter().find(|r| r.id == row.id).unwrap().distance, row.distance);
        }
        for row in &all[1..] {
            let a = row.aspects.unwrap();
            let expected = ((3.0 * a.timbre.powi(2) + a.brightness.powi(2) + 0.5 * a.loudness.powi(2)) / 4.5).sqrt();
            assert!((row.distance.unwrap() - expected).abs() < 1e-4, "{row:?}");
        }
        assert!(all.windows(2).skip(1).all(|w| w[0].distance <= w[1].distance));
    }
}
