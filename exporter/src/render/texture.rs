//! `Texture`: one rendered file before it is levelled, measured, graded and written.

/// The kinds of file a pack holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Pad,
    Drone,
    Swell,
    Cloud,
    Hiss,
    Flicker,
    OneShot,
    RoomTone,
}

impl Kind {
    /// The manifest's `type` column.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pad => "pad",
            Self::Drone => "drone",
            Self::Swell => "swell",
            Self::Cloud => "cloud",
            Self::Hiss => "hiss",
            Self::Flicker => "flicker",
            Self::OneShot => "oneshot",
            Self::RoomTone => "roomtone",
        }
    }

    /// The folder inside a source's folder (drone loops live with the pads, as in the original tool).
    pub fn folder(self) -> &'static str {
        match self {
            Self::Pad | Self::Drone => "pads",
            Self::Swell => "swells",
            Self::Cloud => "clouds",
            Self::Hiss | Self::Flicker => "hiss",
            Self::OneShot => "oneshots",
            Self::RoomTone => "roomtone",
        }
    }

    /// First letter of short (sampler-display) names.
    pub fn letter(self) -> char {
        match self {
            Self::Pad => 'P',
            Self::Drone => 'D',
            Self::Swell => 'S',
            Self::Cloud => 'C',
            Self::Hiss => 'H',
            Self::Flicker => 'F',
            Self::OneShot => 'K',
            Self::RoomTone => 'R',
        }
    }

    /// A stable number for seed derivation. Never change these: packs would change.
    pub fn stream_id(self) -> u64 {
        match self {
            Self::Pad => 1,
            Self::Drone => 2,
            Self::Swell => 3,
            Self::Cloud => 4,
            Self::Hiss => 5,
            Self::Flicker => 6,
            Self::OneShot => 7,
            Self::RoomTone => 8,
        }
    }
}

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
}
