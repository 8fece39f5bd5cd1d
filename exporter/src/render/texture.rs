//! `Texture`: one rendered file before it is levelled, measured, graded and written.

use crate::kind::Kind;

/// A rendered texture, not yet levelled or written.
#[derive(Debug, Clone)]
pub struct Texture {
    pub kind: Kind,
    /// Index of this texture among its kind in its source (for names and seeds).
    pub index: usize,
    /// Variant tag for the manifest and the name, e.g. "loop", "x2_p-12_warm".
    pub variant: String,
    /// Planar channels at 44.1 kHz (1 or 2).
    pub channels: Vec<Vec<f32>>,
    /// Whether the file is meant to loop end-to-start (gets `smpl` loop points and seam measurements).
    pub is_loop: bool,
    /// Where the material starts in the source, seconds.
    pub source_offset_sec: Option<f64>,
    /// Key of the rendered material, when known.
    pub key: Option<engine::analysis::key::Key>,
    /// Semitones moved towards `musicality.target_key`.
    pub transposed_semitones: Option<i32>,
    /// Seed of this texture's random stream.
    pub seed: u64,
    /// Notes for the manifest.
    pub notes: Vec<String>,
    /// The recipe that renders this texture again, written next to it.
    pub recipe: Option<engine::recipe::Recipe>,
    /// The mined region this file derives from (shared by a pad and its drones, swells and clouds).
    pub region_id: String,
    /// The part of the source it was made from (`None`: not from a source, e.g. synthetic hiss).
    pub layer: Option<engine::separate::Layer>,
    /// For a pad from a harmonic layer: its level at the source's drum hits against between them,
    /// dB (`engine::curate::drum_bleed_db`); graded.
    pub drum_bleed_db: Option<f32>,
}
