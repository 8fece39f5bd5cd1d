//! Decoding (symphonia), resampling to 44.1 kHz (rubato) and provenance. Background thread.

mod buffer;
pub use buffer::{mix_to_mono, Provenance, SourceBuffer};
