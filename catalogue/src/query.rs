//! Querying pads: filters by key, brightness, length and grade, ranked by the miner's score, or
//! with `like` by timbre distance (see [`crate::features`]) to a given pad, which comes first.
//! Querying one-shots the same way: by drum class, ranked by score, or by timbre distance to a
//! given one-shot ([`crate::features::oneshot_features`]).

use crate::features::{distance, from_blob};
use crate::store::Catalogue;
use crate::{Error, Result};
use engine::curate::Brightness;
use rusqlite::types::Value;

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
    /// Order by timbre distance to this pad (its `id`).
    pub like: Option<String>,
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
    /// Timbre distance to the `like` pad (only with `like`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance: Option<f32>,
}

/// What `oneshots` lists. Empty filters match everything.
#[derive(Debug, Clone, Default)]
pub struct OneShotQuery {
    /// Only this drum class (`kick`, `snare`, `hat`, `perc`, `other`).
    pub class: Option<String>,
    /// Order by timbre distance to this one-shot (its `id`), which comes first.
    pub like: Option<String>,
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
    /// Timbre distance to the `like` one-shot (only with `like`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance: Option<f32>,
}

impl Catalogue {
    /// The pads matching `query`, best first.
    pub fn pads(&self, query: &PadQuery) -> Result<Vec<PadRow>> {
        let target = match &query.like {
            Some(id) => Some(self.region_vector(id, "pad")?.ok_or_else(|| Error::UnknownPad(id.clone()))?),
            None => None,
        };
        // Filters are checked row by row: with a filter, one sequential pass over the table (`+r.kind`
        // keeps SQLite off the score index, whose order would cost a random lookup per row) is
        // fastest whatever matches; without one, the score index gives the best rows at once.
        let filtered = query.key.is_some() || query.brightness.is_some() || query.min_sec.is_some() || query.grade.is_some();
        let kind = if filtered || target.is_some() { "+r.kind = 'pad'" } else { "r.kind = 'pad'" };
        let mut filters = String::new();
        let mut args: Vec<Value> = Vec::new();
        if let Some(key) = &query.key {
            // An unreadable key matches nothing rather than everything.
            let name = engine::analysis::Key::parse(key).map_or_else(|| key.clone(), |k| k.short_name());
            filters.push_str(" AND r.key = ?");
            args.push(Value::Text(name));
        }
        if let Some(b) = query.brightness {
            filters.push_str(" AND r.brightness = ?");
            args.push(Value::Text(b.name().into()));
        }
        if let Some(min_sec) = query.min_sec {
            filters.push_str(" AND r.duration_sec >= ?");
            args.push(Value::Real(min_sec));
        }
        if let Some(grade) = &query.grade {
            filters.push_str(" AND r.grade = ?");
            args.push(Value::Text(grade.to_uppercase()));
        }
        let limit = if query.limit > 0 { format!(" LIMIT {}", query.limit) } else { String::new() };
        let columns = "r.region_id, f.path, r.start_sec, r.duration_sec, r.key, r.brightness, r.grade, r.score";
        let read_row = |r: &rusqlite::Row<'_>| -> rusqlite::Result<PadRow> {
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
            })
        };
        let Some((like_id, target)) = query.like.as_ref().zip(target) else {
            let sql = format!(
                "SELECT {columns} FROM regions r JOIN files f ON f.id = r.file_id WHERE {kind}{filters}
                 ORDER BY r.score DESC, r.id{limit}"
            );
            let run = || -> rusqlite::Result<Vec<PadRow>> {
                let mut stmt = self.connection().prepare_cached(&sql)?;
                let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), read_row)?;
                rows.collect()
            };
            return run().map_err(|e| self.db_error(e));
        };
        // "More like this" in two passes: distances from the vectors alone (no strings built per
        // row), then the full rows of the nearest.
        let run = || -> rusqlite::Result<Vec<PadRow>> {
            let sql = format!("SELECT r.id, r.region_id = ?, r.score, r.features FROM regions r WHERE {kind}{filters}");
            let mut stmt = self.connection().prepare_cached(&sql)?;
            let mut all_args = vec![Value::Text(like_id.clone())];
            all_args.extend(args.iter().cloned());
            let mut near: Vec<(bool, f32, f64, i64)> = stmt
                .query_map(rusqlite::params_from_iter(all_args.iter()), |r| {
                    let d = from_blob(r.get_ref(3)?.as_blob()?).map_or(f32::INFINITY, |v| distance(&target, &v));
                    Ok((r.get::<_, bool>(1)?, d, r.get::<_, f64>(2)?, r.get::<_, i64>(0)?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            // The pad itself first, then by distance; ties by score, then age.
            let order = |a: &(bool, f32, f64, i64), b: &(bool, f32, f64, i64)| {
                b.0.cmp(&a.0).then(a.1.total_cmp(&b.1)).then(b.2.total_cmp(&a.2)).then(a.3.cmp(&b.3))
            };
            if query.limit > 0 && near.len() > query.limit {
                near.select_nth_unstable_by(query.limit - 1, order);
                near.truncate(query.limit);
            }
            near.sort_by(order);
            let mut by_id = self.connection().prepare_cached(&format!(
                "SELECT {columns} FROM regions r JOIN files f ON f.id = r.file_id WHERE r.id = ?1"
            ))?;
            near.iter()
                .map(|&(_, d, _, id)| by_id.query_row([id], read_row).map(|row| PadRow { distance: Some(d), ..row }))
                .collect()
        };
        run().map_err(|e| self.db_error(e))
    }

    /// The one-shots matching `query`: best score first, or with `like` the named one-shot first,
    /// then by timbre distance (ties by score, then age).
    pub fn oneshots(&self, query: &OneShotQuery) -> Result<Vec<OneShotRow>> {
        let target = match &query.like {
            Some(id) => Some(self.region_vector(id, "oneshot")?.ok_or_else(|| Error::UnknownOneShot(id.clone()))?),
            None => None,
        };
        let run = || -> rusqlite::Result<Vec<(OneShotRow, i64)>> {
            let mut stmt = self.connection().prepare_cached(
                "SELECT r.region_id, f.path, r.start_sec, r.duration_sec, r.hit_class, r.score, r.features, r.id
                 FROM regions r JOIN files f ON f.id = r.file_id
                 WHERE r.kind = 'oneshot' AND (?1 IS NULL OR r.hit_class = ?1) ORDER BY r.score DESC, r.id",
            )?;
            let rows = stmt.query_map([query.class.as_deref().map(str::to_lowercase)], |r| {
                let vector = from_blob(r.get_ref(6)?.as_blob()?);
                let distance = target.map(|t| vector.map_or(f32::INFINITY, |v| distance(&t, &v)));
                let row = OneShotRow {
                    id: r.get(0)?,
                    path: r.get(1)?,
                    start_sec: r.get(2)?,
                    duration_sec: r.get(3)?,
                    class: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
                    score: r.get::<_, f64>(5)? as f32,
                    distance,
                };
                Ok((row, r.get(7)?))
            })?;
            rows.collect()
        };
        let mut rows = run().map_err(|e| self.db_error(e))?;
        if let Some(like) = &query.like {
            // The one-shot itself first, then by distance; ties by score, then age.
            rows.sort_by(|(a, a_id), (b, b_id)| {
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
        Ok(rows.into_iter().map(|(row, _)| row).collect())
    }

    /// The stored vector of the region of `kind` with `id`, if catalogued.
    fn region_vector(&self, id: &str, kind: &str) -> Result<Option<crate::features::FeatureVector>> {
        let blob: Option<Vec<u8>> = self
            .connection()
            .query_row("SELECT features FROM regions WHERE region_id = ?1 AND kind = ?2 LIMIT 1", [id, kind], |r| r.get(0))
            .map(Some)
            .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })
            .map_err(|e| self.db_error(e))?;
        Ok(blob.and_then(|b| from_blob(&b)))
    }
}
