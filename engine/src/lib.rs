//! afterglow's sound engine: everything that knows about sound, and nothing about plugins, GUIs,
//! WAV writing or CSV.
//!
//! Folder names say which thread code may run on:
//! - background (may allocate): [`source`], [`analysis`], [`separate`], [`mining`], [`transform`],
//!   [`curate`];
//! - audio thread (never allocates after `prepare`): [`rt`], [`voice`], [`texture`].
//!
//! Audio-thread folders never import background folders.

pub mod error;
pub use error::{Error, Result};

pub mod analysis;
pub mod cancel;
pub use cancel::CancelFlag;
pub mod curate;
pub mod mining;
pub mod recipe;
pub mod rt;
pub mod separate;
pub mod source;
pub mod texture;
pub mod transform;
pub mod voice;

/// The one sample rate the engine works at offline: every source is resampled to it on decode,
/// and every exported file is written at it.
pub const ENGINE_SAMPLE_RATE_HZ: u32 = 44_100;
