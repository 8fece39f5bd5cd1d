//! The catalogue's schema and its migrations, versioned with `PRAGMA user_version`.
//!
//! Each entry of [`MIGRATIONS`] moves the schema one version up and runs in its own transaction, so
//! an interrupted upgrade leaves the previous version intact. Never edit a shipped migration; add one.

use rusqlite::{Connection, TransactionBehavior};

/// Migration `i` upgrades version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: files and their mined regions.
    "
    CREATE TABLE files (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        content_hash TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        miner_fingerprint TEXT NOT NULL,
        container TEXT NOT NULL,
        codec TEXT NOT NULL,
        sample_rate_hz INTEGER NOT NULL,
        num_channels INTEGER NOT NULL,
        duration_sec REAL NOT NULL,
        key TEXT,
        key_confidence REAL NOT NULL,
        bpm REAL,
        bpm_confidence REAL NOT NULL,
        scanned_at_sec INTEGER NOT NULL
    );
    CREATE INDEX files_content_hash ON files(content_hash);
    CREATE TABLE regions (
        id INTEGER PRIMARY KEY,
        file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
        region_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        start_sample INTEGER NOT NULL,
        len_samples INTEGER NOT NULL,
        sample_rate_hz INTEGER NOT NULL,
        start_sec REAL NOT NULL,
        duration_sec REAL NOT NULL,
        loop_settings TEXT,
        score REAL NOT NULL,
        rms_db REAL NOT NULL,
        flatness REAL NOT NULL,
        centroid_hz REAL NOT NULL,
        onset_rate_per_sec REAL NOT NULL,
        key TEXT,
        key_confidence REAL NOT NULL,
        brightness TEXT NOT NULL,
        grade TEXT,
        features BLOB NOT NULL
    );
    CREATE INDEX regions_kind_score ON regions(kind, score DESC);
    CREATE INDEX regions_file ON regions(file_id);
    CREATE INDEX regions_region_id ON regions(region_id);
    ",
    // 2: audio fingerprints, for near-duplicate recordings: one blob of landmarks per file (see
    // `landmarks.rs`), turned into an inverted index (hash -> file, frame) in memory when
    // duplicates are searched. Not a table of landmark rows keyed by hash: a file's few thousand
    // random hashes land on as many pages of such a table, so every file rewrites thousands of
    // pages (measured: storing 1 000 three-minute fingerprints took 160 s as rows keyed by hash,
    // 0.4 s as blobs, and reading them back 1 s against 0.04 s). Files catalogued before this
    // version have no fingerprint (`fingerprint_version` NULL); the next scan adds it without
    // mining them again.
    "
    ALTER TABLE files ADD COLUMN bits_per_sample INTEGER;
    ALTER TABLE files ADD COLUMN fingerprint_version INTEGER;
    CREATE TABLE fingerprints (
        file_id INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
        landmarks BLOB NOT NULL
    );
    ",
    // 3: drum one-shots are regions too (`kind` 'oneshot', their timbre vector in `features`, see
    // `features::oneshot_features`); this is their class. NULL for pads and hiss. Files catalogued
    // before have no one-shots: the miner fingerprint now includes the one-shot settings, so the
    // next scan mines them again.
    "
    ALTER TABLE regions ADD COLUMN hit_class TEXT;
    ",
    // 4: the pads' query index (see `pad_index.rs`): per file, one blob of its pads' filter fields
    // and feature vectors, so "more like this" and filtered listings read one blob per file
    // instead of stepping through every wide region row. Written by the store after a file's
    // regions; filled for the files already catalogued right after this migration
    // (`after_migration`). The triggers drop a file's entry whenever its regions change any other
    // way, and queries read files without an entry from their region rows.
    "
    CREATE TABLE pad_index (
        file_id INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
        pads BLOB NOT NULL
    );
    CREATE TRIGGER pad_index_stale_on_insert AFTER INSERT ON regions BEGIN
        DELETE FROM pad_index WHERE file_id = NEW.file_id;
    END;
    CREATE TRIGGER pad_index_stale_on_update AFTER UPDATE ON regions BEGIN
        DELETE FROM pad_index WHERE file_id IN (OLD.file_id, NEW.file_id);
    END;
    CREATE TRIGGER pad_index_stale_on_delete AFTER DELETE ON regions BEGIN
        DELETE FROM pad_index WHERE file_id = OLD.file_id;
    END;
    ",
    // 5: feature vectors in four aspects (`features::FEATURES_VERSION` 2: 50 values, see
    // `aspects.rs`). The pad index holds them, so its entries are written again in the longer
    // layout (`after_migration`); the vectors of files catalogued before stay as they were, read
    // as "no vector" until the next scan mines those files again (the miner fingerprint includes
    // the features version), and `--like` on such a pad says to scan again.
    "
    DELETE FROM pad_index;
    ",
];

/// Work in Rust that completes migration `i` (to version `i + 1`), inside its transaction.
fn after_migration(tx: &rusqlite::Transaction<'_>, migration: usize) -> rusqlite::Result<()> {
    match migration {
        3 | 4 => crate::pad_index::write_all(tx),
        _ => Ok(()),
    }
}

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Sets the connection up (WAL, foreign keys, busy timeout) and brings the schema to
/// [`SCHEMA_VERSION`]. Returns the version found before, or `Err(found)` when it is newer.
pub fn prepare(conn: &mut Connection) -> rusqlite::Result<std::result::Result<i64, i64>> {
    // WAL: readers (the plugin's browser) never block the one writer (a scan), and a killed writer
    // leaves the last committed transaction intact.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // Queries scan whole tables (100 000 regions are about 20 MB): map the file rather than copy
    // pages through a small cache.
    conn.pragma_update(None, "mmap_size", 256i64 << 20)?;
    conn.pragma_update(None, "cache_size", -32_000i64)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    let found: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if found > SCHEMA_VERSION {
        return Ok(Err(found));
    }
    // Upgrades take the write lock first and read the version again under it, so two processes
    // opening a fresh catalogue at once (plugin and scan) do not both run a migration.
    let mut version = found;
    while version < SCHEMA_VERSION {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        version = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
        if version >= SCHEMA_VERSION {
            break;
        }
        tx.execute_batch(MIGRATIONS[version as usize])?;
        after_migration(&tx, version as usize)?;
        tx.pragma_update(None, "user_version", version + 1)?;
        tx.commit()?;
        version += 1;
    }
    Ok(Ok(found))
}
