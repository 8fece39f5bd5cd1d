//! Querying pads: filters by key, brightness, length and grade, ranked by the miner's score, or
//! with `like` by the weighted distance over four aspects (see [`crate::aspects`]) to a given pad,
//! which comes first. Filtered and "more like this" queries read the pad index
//! ([`crate::pad_index`]) in one pass and fetch full rows only for the pads they return.
//! Querying one-shots the same way: by drum class, ranked by score, or by aspect distance to a
//! given one-shot ([`crate::features::oneshot_features`]). The features are scaled by their spread
//! over every catalogued region of the kind, filters or not.

use crate::aspects::{AspectDistances, AspectMetric, AspectWeights, SpreadSums};
use crate::features::{from_blob, FeatureVector, NUM_FEATURES};
use crate::pad_index::{self, Entry, IndexedPad};
use crate::store::Catalogue;
use crate::{Error, Result};
use engine::curate::Brightness;
use rusqlite::OptionalExtension;

/// Most rows fetched one lookup each; above it one pass over the table is quicker.
const MAX_LOOKUPS: usize = 2000;

/// The columns [`read_pad_row`] reads (`r`: regions, `f`: files).
const PAD_COLUMNS: &str = "r.region_id, f.path, r.start_sec, r.duration_sec, r.key, r.brightness, r.grade, r.score";

/// A [`PadRow`] from [`PAD_COLUMNS`] (no distance).
fn read_pad_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PadRow> {
    Ok(PadRow {
        id: r.get(0)?,
        path: r.get(1)?,
        start_sec: r.get(2)?,
        duration_sec: r.get(3)?,
        key: r.get(4)?,
        brightness: r.get(5)?,
        grade: r.get(6)?,
        score: r.get::<_, f64>(7)? as f32,
        distance: None,
        aspects: None,
    })
}

/// What to list. Empty filters match everything.
#[derive(Debug, Clone, Default)]
pub struct PadQuery {
    /// Key, in any form `engine::analysis::Key::parse` reads ("Am", "A minor", "F#").
    pub key: Option<String>,
    pub brightness: Option<Brightness>,
    /// Shortest pad, seconds.
    pub min_sec: Option<f64>,
    /// Grade letter (only pads with a stored grade match).
    pub grade: Option<String>,
    /// Order by aspect distance to this pad (its `id`).
    pub like: Option<String>,
    /// How much each aspect counts with `like` (default: overall, all equal).
    pub weights: AspectWeights,
    /// Most rows returned (0: no limit).
    pub limit: usize,
}

/// One listed pad.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PadRow {
    /// The pad's identity: `<hash8>-<start sample>-<length>`, as in render manifests.
    pub id: String,
    pub path: String,
    pub start_sec: f64,
    pub duration_sec: f64,
    pub key: Option<String>,
    pub brightness: String,
    pub grade: Option<String>,
    /// The miner's ranking score, 0..1.
    pub score: f32,
    /// Weighted distance over the aspects to the `like` pad (only with `like`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance: Option<f32>,
    /// Each aspect's distance to the `like` pad (only with `like`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aspects: Option<AspectDistances>,
}

/// What `oneshots` lists. Empty filters match everything.
#[derive(Debug, Clone, Default)]
pub struct OneShotQuery {
    /// Only this drum class (`kick`, `snare`, `hat`, `perc`, `other`).
    pub class: Option<String>,
    /// Order by aspect distance to this one-shot (its `id`), which comes first.
    pub like: Option<String>,
    /// How much each aspect counts with `like` (default: overall, all equal).
    pub weights: AspectWeights,
    /// Most rows returned (0: no limit).
    pub limit: usize,
}

/// One listed one-shot.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OneShotRow {
    /// The one-shot's identity: `<hash8>-<start sample>-<length>`, as in render manifests.
    pub id: String,
    pub path: String,
    pub start_sec: f64,
    pub duration_sec: f64,
    /// The drum class the miner gave it.
    pub class: String,
    /// The miner's ranking score, 0..1.
    pub score: f32,
    /// Weighted distance over the aspects to the `like` one-shot (only with `like`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance: Option<f32>,
    /// Each aspect's distance to the `like` one-shot (only with `like`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aspects: Option<AspectDistances>,
}

/// The filters of a [`PadQuery`] as the index compares them.
#[derive(Debug, Default)]
struct PadFilter {
    /// Key short name ("Amin", as stored), or the text as given when it does not read as a key.
    key: Option<String>,
    brightness: Option<&'static str>,
    min_sec: Option<f64>,
    /// Grade letter, upper case.
    grade: Option<String>,
}

impl PadFilter {
    fn new(query: &PadQuery) -> Self {
        Self {
            // An unreadable key matches nothing rather than everything.
            key: query.key.as_ref().map(|key| engine::analysis::Key::parse(key).map_or_else(|| key.clone(), |k| k.short_name())),
            brightness: query.brightness.map(Brightness::name),
            min_sec: query.min_sec,
            grade: query.grade.as_ref().map(|g| g.to_uppercase()),
        }
    }

    fn is_empty(&self) -> bool {
        self.key.is_none() && self.brightness.is_none() && self.min_sec.is_none() && self.grade.is_none()
    }

    /// Whether `pad` passes, as SQL compares (a NULL key or grade never equals anything).
    fn matches(&self, pad: &IndexedPad<'_>) -> bool {
        self.key.as_deref().is_none_or(|k| pad.key == Some(k))
            && self.brightness.is_none_or(|b| pad.brightness == b)
            && self.min_sec.is_none_or(|m| pad.duration_sec >= m)
            && self.grade.as_deref().is_none_or(|g| pad.grade == Some(g))
    }

    /// Calls `visit` with (row id, score, vector if `with_features`, passes) of each pad of `entry`
    /// that passes, or with `visit_all` of every pad: strings are compared once per file, as
    /// indices into its string table.
    fn visit_entry(&self, entry: &Entry<'_>, with_features: bool, visit_all: bool, visit: &mut impl FnMut(i64, f64, Option<FeatureVector>, bool)) {
        // Each wanted string as this file's index; one no pad here has matches none of them.
        let index = |s: Option<&str>| s.map(|s| entry.string_index(s).ok_or(())).transpose();
        let (Ok(key), Ok(brightness), Ok(grade)) = (index(self.key.as_deref()), index(self.brightness), index(self.grade.as_deref()))
        else {
            if visit_all {
                (0..entry.len()).for_each(|i| visit(entry.id(i), entry.score(i), if with_features { entry.features(i) } else { None }, false));
            }
            return;
        };
        for i in 0..entry.len() {
            let [k, b, g] = entry.string_indices(i);
            let passes = key.is_none_or(|w| w == k)
                && brightness.is_none_or(|w| w == b)
                && grade.is_none_or(|w| w == g)
                && self.min_sec.is_none_or(|m| entry.duration_sec(i) >= m);
            if passes || visit_all {
                visit(entry.id(i), entry.score(i), if with_features { entry.features(i) } else { None }, passes);
            }
        }
    }
}

impl Catalogue {
    /// The pads matching `query`, best first.
    pub fn pads(&self, query: &PadQuery) -> Result<Vec<PadRow>> {
        let target = match &query.like {
            Some(id) => Some(self.like_vector(id, "pad", Error::UnknownPad)?),
            None => None,
        };
        let filter = PadFilter::new(query);
        let run = || -> rusqlite::Result<Vec<PadRow>> {
            if target.is_none() && (filter.is_empty() || query.limit == 0 || query.limit > MAX_LOOKUPS) {
                return self.pads_by_sql(query);
            }
            // One pass over the pad index (see `pad_index.rs`): (is the `like` pad, distance,
            // score, row id, aspect distances) of every pad that passes the filters, no strings
            // built per pad. With `like`, every pad's vector counts towards the spreads.
            let like_ids: Vec<i64> = match &query.like {
                Some(id) => self
                    .connection()
                    .prepare_cached("SELECT id FROM regions WHERE region_id = ?1 AND kind = 'pad'")?
                    .query_map([id], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?,
                None => Vec::new(),
            };
            // With `like`, the vectors of the pads that pass, one after another (NaN for none).
            let mut vectors: Vec<f32> = Vec::new();
            if target.is_some() {
                let num_pads: i64 = self.connection().prepare_cached("SELECT COUNT(*) FROM regions WHERE kind = 'pad'")?.query_row([], |r| r.get(0))?;
                vectors.reserve(num_pads.max(0) as usize * NUM_FEATURES);
            }
            let mut near: Vec<Near> = Vec::new();
            let mut sums = SpreadSums::default();
            self.for_each_pad(&filter, target.is_some(), target.is_some(), |id, score, features, passes| {
                if let Some(v) = &features {
                    sums.add(v);
                }
                if passes {
                    near.push(Near { is_like: like_ids.contains(&id), distance: 0.0, score, id, slot: near.len(), aspects: None });
                    if target.is_some() {
                        vectors.extend_from_slice(&features.unwrap_or([f32::NAN; NUM_FEATURES]));
                    }
                }
            })?;
            let vector = |slot: usize| -> Option<&FeatureVector> {
                let v: &FeatureVector = vectors[slot * NUM_FEATURES..(slot + 1) * NUM_FEATURES].try_into().ok()?;
                (!v[0].is_nan()).then_some(v)
            };
            let metric = target.map(|_| AspectMetric::new(&sums, false, &query.weights));
            if let (Some(t), Some(metric)) = (&target, &metric) {
                for n in &mut near {
                    n.distance = vector(n.slot).map_or(f32::INFINITY, |v| metric.overall(t, v));
                }
            }
            // The `like` pad itself first, then by distance; then by score, then age.
            let order = |a: &Near, b: &Near| {
                b.is_like.cmp(&a.is_like).then(a.distance.total_cmp(&b.distance)).then(b.score.total_cmp(&a.score)).then(a.id.cmp(&b.id))
            };
            if query.limit > 0 && near.len() > query.limit {
                near.select_nth_unstable_by(query.limit - 1, order);
                near.truncate(query.limit);
            }
            near.sort_by(order);
            // Each aspect's distance, for the pads returned only.
            if let (Some(t), Some(metric)) = (&target, &metric) {
                for n in &mut near {
                    n.aspects = vector(n.slot).map(|v| metric.distances(t, v).1);
                }
            }
            let ids: Vec<i64> = near.iter().map(|n| n.id).collect();
            let rows = self.pad_rows(&ids)?;
            Ok(rows
                .into_iter()
                .zip(&near)
                .filter_map(|(row, n)| row.map(|row| PadRow { distance: target.map(|_| n.distance), aspects: n.aspects, ..row }))
                .collect())
        };
        run().map_err(|e| self.db_error(e))
    }

    /// The pads `query` (without `like`) lists, by SQL alone: with no filter the score index gives
    /// the best rows at once; a filtered listing of many rows (`render --from-catalogue` lists them
    /// all) is one pass over the table, which builds every row it returns anyway.
    fn pads_by_sql(&self, query: &PadQuery) -> rusqlite::Result<Vec<PadRow>> {
        let filter = PadFilter::new(query);
        // With a filter, `+r.kind` keeps SQLite off the score index, whose order would cost a
        // random lookup per row.
        let kind = if filter.is_empty() { "r.kind = 'pad'" } else { "+r.kind = 'pad'" };
        let mut sql = format!("SELECT {PAD_COLUMNS} FROM regions r JOIN files f ON f.id = r.file_id WHERE {kind}");
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        let mut add = |condition: &str, value: rusqlite::types::Value| {
            sql.push_str(condition);
            args.push(value);
        };
        if let Some(key) = filter.key {
            add(" AND r.key = ?", key.into());
        }
        if let Some(b) = filter.brightness {
            add(" AND r.brightness = ?", b.to_string().into());
        }
        if let Some(min_sec) = filter.min_sec {
            add(" AND r.duration_sec >= ?", min_sec.into());
        }
        if let Some(grade) = filter.grade {
            add(" AND r.grade = ?", grade.into());
        }
        sql.push_str(" ORDER BY r.score DESC, r.id");
        if query.limit > 0 {
            sql.push_str(&format!(" LIMIT {}", query.limit));
        }
        let mut stmt = self.connection().prepare_cached(&sql)?;
        stmt.query_map(rusqlite::params_from_iter(args), read_pad_row)?.collect()
    }

    /// The full rows of the pads with row ids `ids`, in that order (`None` for a row that is gone):
    /// one lookup each for a few, one pass over the table for many (every pad ranked, as a
    /// browser's path filter asks for).
    fn pad_rows(&self, ids: &[i64]) -> rusqlite::Result<Vec<Option<PadRow>>> {
        let sql = format!("SELECT {PAD_COLUMNS}, r.id FROM regions r JOIN files f ON f.id = r.file_id");
        if ids.len() <= MAX_LOOKUPS {
            let mut by_id = self.connection().prepare_cached(&format!("{sql} WHERE r.id = ?1"))?;
            return ids.iter().map(|&id| by_id.query_row([id], read_pad_row).optional()).collect();
        }
        let position: std::collections::HashMap<i64, usize> = ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
        let mut out: Vec<Option<PadRow>> = vec![None; ids.len()];
        let mut all = self.connection().prepare_cached(&format!("{sql} WHERE +r.kind = 'pad'"))?;
        let mut rows = all.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(&i) = position.get(&r.get::<_, i64>(8)?) {
                out[i] = Some(read_pad_row(r)?);
            }
        }
        Ok(out)
    }

    /// Calls `visit` with (row id, score, vector if `with_features`, passes) of every catalogued pad
    /// that passes `filter`, or with `visit_all` of every pad: from the pad index, and from the
    /// region rows of the files it does not hold (never indexed, changed since, or a damaged entry).
    fn for_each_pad(
        &self,
        filter: &PadFilter,
        with_features: bool,
        visit_all: bool,
        mut visit: impl FnMut(i64, f64, Option<FeatureVector>, bool),
    ) -> rusqlite::Result<()> {
        let (mut num_entries, mut unindexed) = (0i64, Vec::new());
        let mut entries = self.connection().prepare_cached("SELECT file_id, pads FROM pad_index")?;
        let mut rows = entries.query([])?;
        while let Some(r) = rows.next()? {
            num_entries += 1;
            match Entry::parse(r.get_ref(1)?.as_blob()?) {
                Some(entry) => filter.visit_entry(&entry, with_features, visit_all, &mut visit),
                None => unindexed.push(r.get(0)?),
            }
        }
        // Every entry belongs to a file (foreign key), so as many entries as files is all of them.
        let num_files: i64 = self.connection().prepare_cached("SELECT COUNT(*) FROM files")?.query_row([], |r| r.get(0))?;
        if num_entries != num_files {
            let mut stale = self.connection().prepare_cached(pad_index::STALE_FILES_SQL)?;
            unindexed.extend(stale.query_map([], |r| r.get::<_, i64>(0))?.collect::<rusqlite::Result<Vec<_>>>()?);
        }
        let mut file_pads = self.connection().prepare_cached(pad_index::FILE_PADS_SQL)?;
        for file_id in unindexed {
            let mut rows = file_pads.query([file_id])?;
            while let Some(r) = rows.next()? {
                let pad = IndexedPad::from_row(r)?;
                let passes = filter.matches(&pad);
                if passes || visit_all {
                    visit(pad.id, pad.score, pad.features, passes);
                }
            }
        }
        Ok(())
    }

    /// The one-shots matching `query`: best score first, or with `like` the named one-shot first,
    /// then by aspect distance (ties by score, then age).
    pub fn oneshots(&self, query: &OneShotQuery) -> Result<Vec<OneShotRow>> {
        let target = match &query.like {
            Some(id) => Some(self.like_vector(id, "oneshot", Error::UnknownOneShot)?),
            None => None,
        };
        let class = query.class.as_deref().map(str::to_lowercase);
        let mut sums = SpreadSums::default();
        let mut run = || -> rusqlite::Result<Vec<(OneShotRow, i64, Option<FeatureVector>)>> {
            // With `like` every one-shot is read (its vector counts towards the spreads), else only
            // the class asked for.
            let mut stmt = self.connection().prepare_cached(
                "SELECT r.region_id, f.path, r.start_sec, r.duration_sec, r.hit_class, r.score, r.features, r.id
                 FROM regions r JOIN files f ON f.id = r.file_id
                 WHERE r.kind = 'oneshot' AND (?1 OR ?2 IS NULL OR r.hit_class = ?2) ORDER BY r.score DESC, r.id",
            )?;
            let mut rows = stmt.query(rusqlite::params![target.is_some(), class])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                let vector = if target.is_some() { from_blob(r.get_ref(6)?.as_blob()?) } else { None };
                if let Some(v) = &vector {
                    sums.add(v);
                }
                let row_class = r.get::<_, Option<String>>(4)?.unwrap_or_default();
                if class.as_ref().is_some_and(|c| *c != row_class) {
                    continue;
                }
                let row = OneShotRow {
                    id: r.get(0)?,
                    path: r.get(1)?,
                    start_sec: r.get(2)?,
                    duration_sec: r.get(3)?,
                    class: row_class,
                    score: r.get::<_, f64>(5)? as f32,
                    distance: None,
                    aspects: None,
                };
                out.push((row, r.get(7)?, vector));
            }
            Ok(out)
        };
        let mut rows = run().map_err(|e| self.db_error(e))?;
        if let (Some(like), Some(t)) = (&query.like, &target) {
            let metric = AspectMetric::new(&sums, true, &query.weights);
            for (row, _, vector) in &mut rows {
                let (d, aspects) = vector.as_ref().map_or((f32::INFINITY, None), |v| {
                    let (d, a) = metric.distances(t, v);
                    (d, Some(a))
                });
                (row.distance, row.aspects) = (Some(d), aspects);
            }
            // The one-shot itself first, then by distance; ties by score, then age.
            rows.sort_by(|(a, a_id, _), (b, b_id, _)| {
                (&b.id == like)
                    .cmp(&(&a.id == like))
                    .then(a.distance.unwrap_or(f32::INFINITY).total_cmp(&b.distance.unwrap_or(f32::INFINITY)))
                    .then(b.score.total_cmp(&a.score))
                    .then(a_id.cmp(b_id))
            });
        }
        if query.limit > 0 {
            rows.truncate(query.limit);
        }
        Ok(rows.into_iter().map(|(row, _, _)| row).collect())
    }

    /// The stored vector of the region of `kind` with `id`: `unknown(id)` when none is catalogued,
    /// [`Error::StaleFeatures`] when its vector was made by an older afterglow.
    fn like_vector(&self, id: &str, kind: &str, unknown: fn(String) -> Error) -> Result<FeatureVector> {
        let blob: Option<Vec<u8>> = self
            .connection()
            .query_row("SELECT features FROM regions WHERE region_id = ?1 AND kind = ?2 LIMIT 1", [id, kind], |r| r.get(0))
            .map(Some)
            .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })
            .map_err(|e| self.db_error(e))?;
        let blob = blob.ok_or_else(|| unknown(id.to_string()))?;
        from_blob(&blob).ok_or_else(|| Error::StaleFeatures(id.to_string()))
    }
}

/// One ranked pad of a "more like this" or filtered query.
#[derive(Debug, Clone, Copy)]
struct Near {
    /// The `like` pad itself.
    is_like: bool,
    /// Overall distance to the `like` pad (0 without one).
    distance: f32,
    score: f64,
    /// Row id in `regions`.
    id: i64,
    /// Where its vector sits among the query's vectors (in pads that passed, in visiting order).
    slot: usize,
    aspects: Option<AspectDistances>,
}
