//! `Catalogue`: an open catalogue file. One writer (a scan) at a time, any number of readers; every
//! file's rows are written in one transaction, so a killed scan leaves every finished file usable.

use crate::features::to_blob;
use crate::mine::{Fingerprinted, MinedFile, MineSettings};
use engine::analysis::{Landmark, FINGERPRINT_VERSION};
use crate::schema;
use crate::{Error, Result};
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What the catalogue remembers about a file to tell whether it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStamp {
    pub id: i64,
    pub content_hash: String,
    pub size_bytes: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
    pub miner_fingerprint: String,
    /// Version of the stored audio fingerprint (`None`: none yet).
    pub fingerprint_version: Option<i64>,
}

impl FileStamp {
    /// Whether the stored audio fingerprint is the one this build computes.
    pub fn has_current_fingerprint(&self) -> bool {
        self.fingerprint_version == Some(i64::from(FINGERPRINT_VERSION))
    }
}

/// An open catalogue.
#[derive(Debug)]
pub struct Catalogue {
    conn: Connection,
    path: PathBuf,
}

impl Catalogue {
    /// Opens (creating it and its folder if needed) and migrates the catalogue at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| Error::Io { path: dir.to_path_buf(), source })?;
        }
        let db = |source| Error::Database { path: path.to_path_buf(), source };
        let mut conn = Connection::open(path).map_err(db)?;
        match schema::prepare(&mut conn).map_err(db)? {
            Ok(_) => Ok(Self { conn, path: path.to_path_buf() }),
            Err(found) => Err(Error::TooNew { path: path.to_path_buf(), found, supported: schema::SCHEMA_VERSION }),
        }
    }

    /// The file this catalogue lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The underlying connection, for queries.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn db_error(&self, source: rusqlite::Error) -> Error {
        Error::Database { path: self.path.clone(), source }
    }

    /// Every catalogued file by path.
    pub fn file_stamps(&self) -> Result<HashMap<String, FileStamp>> {
        let run = || -> rusqlite::Result<HashMap<String, FileStamp>> {
            let mut stmt =
                self.conn.prepare(
                    "SELECT id, path, content_hash, size_bytes, mtime_ns, miner_fingerprint, fingerprint_version FROM files",
                )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(1)?,
                    FileStamp {
                        id: r.get(0)?,
                        content_hash: r.get(2)?,
                        size_bytes: r.get::<_, i64>(3)? as u64,
                        mtime_ns: r.get(4)?,
                        miner_fingerprint: r.get(5)?,
                        fingerprint_version: r.get(6)?,
                    },
                ))
            })?;
            rows.collect()
        };
        run().map_err(|e| self.db_error(e))
    }

    /// Stores a freshly mined file at `path` (replacing whatever was stored for that path), in one
    /// transaction. Returns the number of regions stored.
    pub fn put_file(
        &mut self,
        path: &str,
        size_bytes: u64,
        mtime_ns: i64,
        settings: &MineSettings,
        mined: &MinedFile,
    ) -> Result<usize> {
        let fingerprint = settings.fingerprint();
        let loop_settings = serde_json::to_string(&settings.pad_miner.loop_config()).ok();
        let run = |conn: &mut Connection| -> rusqlite::Result<usize> {
            let tx = conn.transaction()?;
            tx.execute("DELETE FROM files WHERE path = ?1", [path])?;
            tx.execute(
                "INSERT INTO files (path, content_hash, size_bytes, mtime_ns, miner_fingerprint, container, codec,
                    sample_rate_hz, num_channels, duration_sec, key, key_confidence, bpm, bpm_confidence, scanned_at_sec,
                    bits_per_sample)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                params![
                    path,
                    mined.content_hash,
                    size_bytes as i64,
                    mtime_ns,
                    fingerprint,
                    mined.container,
                    mined.codec,
                    mined.sample_rate_hz,
                    mined.num_channels,
                    mined.duration_sec,
                    mined.key,
                    mined.key_confidence,
                    mined.bpm,
                    mined.bpm_confidence,
                    now_sec(),
                    mined.bits_per_sample,
                ],
            )?;
            let file_id = tx.last_insert_rowid();
            insert_landmarks(&tx, file_id, &mined.landmarks)?;
            {
                let mut insert = tx.prepare(
                    "INSERT INTO regions (file_id, region_id, kind, start_sample, len_samples, sample_rate_hz, start_sec,
                        duration_sec, loop_settings, score, rms_db, flatness, centroid_hz, onset_rate_per_sec, key,
                        key_confidence, brightness, grade, features, hit_class)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, NULL, ?18, ?19)",
                )?;
                let rate = mined.analysis_rate_hz;
                for r in &mined.regions {
                    let g = &r.region;
                    let is_pad = r.kind == crate::RegionKind::Pad;
                    insert.execute(params![
                        file_id,
                        layer_region_id(&mined.content_hash, g),
                        r.kind.as_str(),
                        g.start_sample as i64,
                        g.len_samples as i64,
                        rate,
                        g.start_sec(rate),
                        g.duration_sec(rate),
                        if is_pad { loop_settings.as_deref() } else { None },
                        g.score,
                        g.rms_db,
                        g.flatness,
                        g.centroid_hz,
                        g.onset_rate_per_sec,
                        r.key,
                        r.key_confidence,
                        r.brightness,
                        to_blob(&r.features),
                        r.hit_class,
                    ])?;
                }
            }
            crate::pad_index::write_file(&tx, file_id)?;
            tx.commit()?;
            Ok(mined.regions.len())
        };
        run(&mut self.conn).map_err(|e| self.db_error(e))
    }

    /// Stores `path` as another copy of the already catalogued file `from_id` (same content, same
    /// settings): the file row and its regions are copied, nothing is decoded. One transaction.
    /// Returns `None` when `from_id` is gone.
    pub fn copy_file(&mut self, from_id: i64, path: &str, size_bytes: u64, mtime_ns: i64) -> Result<Option<usize>> {
        let run = |conn: &mut Connection| -> rusqlite::Result<Option<usize>> {
            let tx = conn.transaction()?;
            let exists: Option<i64> = tx.query_row("SELECT id FROM files WHERE id = ?1", [from_id], |r| r.get(0)).optional()?;
            if exists.is_none() {
                return Ok(None);
            }
            tx.execute("DELETE FROM files WHERE path = ?1", [path])?;
            tx.execute(
                "INSERT INTO files (path, content_hash, size_bytes, mtime_ns, miner_fingerprint, container, codec,
                    sample_rate_hz, num_channels, duration_sec, key, key_confidence, bpm, bpm_confidence, scanned_at_sec,
                    bits_per_sample, fingerprint_version)
                 SELECT ?2, content_hash, ?3, ?4, miner_fingerprint, container, codec, sample_rate_hz, num_channels,
                    duration_sec, key, key_confidence, bpm, bpm_confidence, scanned_at_sec, bits_per_sample,
                    fingerprint_version FROM files WHERE id = ?1",
                params![from_id, path, size_bytes as i64, mtime_ns],
            )?;
            let new_id = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO fingerprints (file_id, landmarks) SELECT ?2, landmarks FROM fingerprints WHERE file_id = ?1",
                params![from_id, new_id],
            )?;
            let n = tx.execute(
                "INSERT INTO regions (file_id, region_id, kind, start_sample, len_samples, sample_rate_hz, start_sec,
                    duration_sec, loop_settings, score, rms_db, flatness, centroid_hz, onset_rate_per_sec, key,
                    key_confidence, brightness, grade, features, hit_class)
                 SELECT ?2, region_id, kind, start_sample, len_samples, sample_rate_hz, start_sec, duration_sec,
                    loop_settings, score, rms_db, flatness, centroid_hz, onset_rate_per_sec, key, key_confidence,
                    brightness, grade, features, hit_class FROM regions WHERE file_id = ?1 ORDER BY id",
                params![from_id, new_id],
            )?;
            crate::pad_index::write_file(&tx, new_id)?;
            tx.commit()?;
            Ok(Some(n))
        };
        run(&mut self.conn).map_err(|e| self.db_error(e))
    }

    /// Replaces the audio fingerprint of catalogued file `id` (regions untouched), in one
    /// transaction, and records the file's bit depth with it.
    pub fn put_fingerprint(&mut self, id: i64, size_bytes: u64, mtime_ns: i64, fingerprinted: &Fingerprinted) -> Result<()> {
        let run = |conn: &mut Connection| -> rusqlite::Result<()> {
            let tx = conn.transaction()?;
            tx.execute(
                "UPDATE files SET bits_per_sample = ?2, size_bytes = ?3, mtime_ns = ?4 WHERE id = ?1",
                params![id, fingerprinted.bits_per_sample, size_bytes as i64, mtime_ns],
            )?;
            insert_landmarks(&tx, id, &fingerprinted.landmarks)?;
            tx.commit()
        };
        run(&mut self.conn).map_err(|e| self.db_error(e))
    }

    /// Records a new size and mtime for a file whose content did not change.
    pub fn restamp(&mut self, id: i64, size_bytes: u64, mtime_ns: i64) -> Result<()> {
        self.conn
            .execute("UPDATE files SET size_bytes = ?2, mtime_ns = ?3 WHERE id = ?1", params![id, size_bytes as i64, mtime_ns])
            .map(drop)
            .map_err(|e| self.db_error(e))
    }

    /// Forgets a file and its regions.
    pub fn remove_file(&mut self, id: i64) -> Result<()> {
        self.conn.execute("DELETE FROM files WHERE id = ?1", [id]).map(drop).map_err(|e| self.db_error(e))
    }

    /// Number of files catalogued.
    pub fn num_files(&self) -> Result<usize> {
        self.count("SELECT COUNT(*) FROM files")
    }

    /// Number of regions catalogued (all kinds).
    pub fn num_regions(&self) -> Result<usize> {
        self.count("SELECT COUNT(*) FROM regions")
    }

    fn count(&self, sql: &str) -> Result<usize> {
        self.conn.query_row(sql, [], |r| r.get::<_, i64>(0)).map(|n| n as usize).map_err(|e| self.db_error(e))
    }

    /// Checks the database file's integrity (`PRAGMA quick_check`); `true` when it is sound.
    pub fn is_sound(&self) -> Result<bool> {
        self.conn
            .query_row("PRAGMA quick_check", [], |r| r.get::<_, String>(0))
            .map(|s| s == "ok")
            .map_err(|e| self.db_error(e))
    }
}

/// Stores `landmarks` as the fingerprint of `file_id` (inside the caller's transaction) and marks
/// the file as fingerprinted with this build's [`FINGERPRINT_VERSION`].
fn insert_landmarks(tx: &rusqlite::Transaction<'_>, file_id: i64, landmarks: &[Landmark]) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT OR REPLACE INTO fingerprints (file_id, landmarks) VALUES (?1, ?2)",
        params![file_id, crate::landmarks::to_blob(landmarks)],
    )?;
    tx.execute("UPDATE files SET fingerprint_version = ?2 WHERE id = ?1", params![file_id, FINGERPRINT_VERSION])?;
    Ok(())
}

/// The identity of a region, as in render manifests: `<first 8 hex digits of the content hash>-<start
/// sample>-<length in samples>`.
pub fn region_id(content_hash: &str, start_sample: usize, len_samples: usize) -> String {
    format!("{}-{start_sample}-{len_samples}", &content_hash[..content_hash.len().min(8)])
}

/// [`region_id`] of a mined region, with `-<layer>` after it for a region of a layer (a mix
/// region's id is as it always was), as in render manifests.
pub fn layer_region_id(content_hash: &str, region: &engine::mining::Region) -> String {
    let id = region_id(content_hash, region.start_sample, region.len_samples);
    if region.layer.is_mix() { id } else { format!("{id}-{}", region.layer) }
}

/// The layer a region id names (its `-<layer>` suffix; none: the mix).
pub fn layer_of_region_id(id: &str) -> engine::separate::Layer {
    id.rsplit('-').next().and_then(|tail| tail.parse().ok()).unwrap_or_default()
}

fn now_sec() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}
