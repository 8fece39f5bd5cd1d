//! Querying pads: filters by key, brightness, length and grade, ranked by the miner's score, or
//! with `like` by timbre distance (see [`crate::features`]) to a given pad, which comes first.

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

impl Catalogue {
    /// The pads matching `query`, best first.
    pub fn pads(&self, query: &PadQuery) -> Result<Vec<PadRow>> {
        let target = match &query.like {
            Some(id) => Some(self.pad_features(id)?.ok_or_else(|| Error::UnknownPad(id.clone()))?),
            None => None,
        };
        let mut sql = String::from(
            "SELECT r.region_id, f.path, r.start_sec, r.duration_sec, r.key, r.brightness, r.grade, r.score, r.features
             FROM regions r JOIN files f ON f.id = r.file_id WHERE r.kind = 'pad'",
        );
        let mut args: Vec<Value> = Vec::new();
        if let Some(key) = &query.key {
            // An unreadable key matches nothing rather than everything.
            let name = engine::analysis::Key::parse(key).map_or_else(|| key.clone(), |k| k.short_name());
            sql.push_str(" AND r.key = ?");
            args.push(Value::Text(name));
        }
        if let Some(b) = query.brightness {
            sql.push_str(" AND r.brightness = ?");
            args.push(Value::Text(b.name().into()));
        }
        if let Some(min_sec) = query.min_sec {
            sql.push_str(" AND r.duration_sec >= ?");
            args.push(Value::Real(min_sec));
        }
        if let Some(grade) = &query.grade {
            sql.push_str(" AND r.grade = ?");
            args.push(Value::Text(grade.to_uppercase()));
        }
        sql.push_str(" ORDER BY r.score DESC, r.id");
        if target.is_none() && query.limit > 0 {
            sql.push_str(&format!(" LIMIT {}", query.limit));
        }
        let run = || -> rusqlite::Result<Vec<PadRow>> {
            let mut stmt = self.connection().prepare_cached(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| {
                let distance = match &target {
                    Some(t) => {
                        let blob = r.get_ref(8)?.as_blob()?;
                        Some(from_blob(blob).map_or(f32::INFINITY, |v| distance(t, &v)))
                    }
                    None => None,
                };
                Ok(PadRow {
                    id: r.get(0)?,
                    path: r.get(1)?,
                    start_sec: r.get(2)?,
                    duration_sec: r.get(3)?,
                    key: r.get(4)?,
                    brightness: r.get(5)?,
                    grade: r.get(6)?,
                    score: r.get::<_, f64>(7)? as f32,
                    distance,
                })
            })?;
            rows.collect()
        };
        let mut rows = run().map_err(|e| self.db_error(e))?;
        if let Some(like) = &query.like {
            // Stable sort: equal distances keep the score order; the pad itself (distance 0) first.
            rows.sort_by(|a, b| {
                let self_first = (b.id == *like).cmp(&(a.id == *like));
                self_first.then(a.distance.unwrap_or(f32::INFINITY).total_cmp(&b.distance.unwrap_or(f32::INFINITY)))
            });
            if query.limit > 0 {
                rows.truncate(query.limit);
            }
        }
        Ok(rows)
    }

    fn pad_features(&self, id: &str) -> Result<Option<crate::features::FeatureVector>> {
        let blob: Option<Vec<u8>> = self
            .connection()
            .query_row("SELECT features FROM regions WHERE region_id = ?1 AND kind = 'pad' LIMIT 1", [id], |r| r.get(0))
            .map(Some)
            .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })
            .map_err(|e| self.db_error(e))?;
        Ok(blob.and_then(|b| from_blob(&b)))
    }
}
