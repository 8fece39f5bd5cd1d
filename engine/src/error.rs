//! The engine's error type: each variant names what went wrong and, where it concerns a file, which one.

use std::path::PathBuf;

/// Everything the background (non-real-time) side of the engine can fail with.
///
/// Audio-thread code never returns errors: when it cannot play, it outputs silence.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be opened or read.
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file is empty (zero bytes).
    #[error("{path}: file is empty")]
    Empty { path: PathBuf },
    /// The container or codec is not one afterglow decodes, or the bytes are not audio at all.
    #[error("{path}: not a supported audio file: {reason}")]
    Unsupported { path: PathBuf, reason: String },
    /// The file is audio but damaged: truncated, a header that lies, a corrupt packet.
    #[error("{path}: damaged audio: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    /// The stream's parameters make no sense (zero sample rate, zero or too many channels, ...).
    #[error("{path}: invalid stream: {reason}")]
    InvalidStream { path: PathBuf, reason: String },
    /// The audio decoded, but there is nothing usable in it (silence, too short, ...).
    #[error("{path}: unusable audio: {reason}")]
    Unusable { path: PathBuf, reason: String },
    /// A recipe file's text is not a recipe (not TOML, a misspelt or mistyped field).
    #[error("{origin}: not a valid recipe: {reason}")]
    NotARecipe { origin: String, reason: String },
    /// The source file a recipe names is not the file it was made from (its content hash differs).
    #[error("{path}: changed since the recipe was made (its hash is {found}, the recipe says {expected})")]
    SourceChanged { path: PathBuf, found: String, expected: String },
    /// Long background work (separation, ...) stopped because its [`crate::CancelFlag`] was raised;
    /// nothing usable was produced, and the caller that raised the flag can simply drop the work.
    #[error("cancelled")]
    Cancelled,
    /// A setting is out of its allowed range.
    #[error("invalid setting `{key}` = {value}: {expected}")]
    InvalidSetting {
        key: String,
        value: String,
        expected: String,
    },
}

/// The engine's result alias.
pub type Result<T> = std::result::Result<T, Error>;
