//! The kinds of file a pack holds (pads, drones, ... room tone): their manifest labels, folders,
//! short-name letters and seed streams. Shared by rendering, naming and the sampler profiles.

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
