//! Errors of the catalogue: a database problem, a file that could not be read or mined, or a
//! query that names something the catalogue does not hold.

use std::path::PathBuf;

/// What went wrong, with what the caller can do about it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database could not be opened, read or written (locked, full disk, not a catalogue).
    #[error("{path}: catalogue database error: {source}")]
    Database { path: PathBuf, source: rusqlite::Error },
    /// The catalogue was written by a newer afterglow; update afterglow or use another file.
    #[error("{path}: catalogue schema version {found} is newer than this afterglow understands ({supported})")]
    TooNew { path: PathBuf, found: i64, supported: i64 },
    /// A file could not be read, decoded or mined.
    #[error(transparent)]
    Engine(#[from] engine::Error),
    /// A file system problem outside the engine.
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    /// A query named a pad the catalogue does not hold.
    #[error("no pad with id {0} in the catalogue (list them with `afterglow pads`)")]
    UnknownPad(String),
    /// A query named a one-shot the catalogue does not hold.
    #[error("no one-shot with id {0} in the catalogue (list them with `afterglow oneshots`)")]
    UnknownOneShot(String),
    /// The region's features were measured by an older afterglow, without the aspects "more like
    /// this" compares.
    #[error("{0} was catalogued by an older afterglow whose features lack the similarity aspects: run `afterglow scan` on the archive again (files are mined again)")]
    StaleFeatures(String),
}

/// The catalogue's result type.
pub type Result<T> = std::result::Result<T, Error>;
