//! The afterglow catalogue: one SQLite file that remembers every scanned file of an archive and the
//! regions mined from it (pads, hiss), with a feature vector per region for "more like this" and an
//! audio fingerprint per file that recognises copies of one recording.
//!
//! [`walk`](mod@walk) lists an archive's audio files by the one set of rules every front end
//! uses, `scan` fills the catalogue with them, `pads` queries it, `duplicates` groups copies; the
//! plugin's browser is meant to read the same file. No audio-thread code lives here: everything
//! allocates and may block on the database.

pub mod aspects;
pub mod atomic_file;
pub mod coverage;
pub mod duplicates;
mod error;
pub mod features;
pub mod landmark_index;
pub mod landmarks;
pub mod location;
pub mod mine;
pub mod pad_index;
pub mod pad_source;
pub mod query;
pub mod scan;
mod schema;
pub mod store;
pub mod synthetic;
pub mod triplets;
pub mod variant;
pub mod walk;

pub use aspects::{Aspect, AspectDistances, AspectWeights};
pub use duplicates::{Copy, DuplicateGroup, Duplicates, Overlap};
pub use variant::{Variant, VariantKind};
pub use error::{Error, Result};
pub use location::{default_path, resolve_path, CATALOGUE_ENV};
pub use mine::{fingerprint_file, mine_file, Fingerprinted, MineSettings, MinedFile, MinedRegion, RegionKind};
pub use engine::curate::Brightness;
pub use pad_source::PadSource;
pub use query::{OneShotQuery, OneShotRow, PadQuery, PadRow};
pub use scan::{scan, ScanReport};
pub use store::{Catalogue, FileStamp};
pub use walk::{walk, SkipReason, Walk, WalkNote, Walker, MAX_WALK_DEPTH};
