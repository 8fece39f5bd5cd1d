//! Which kinds of file a run renders (`--only`).

use crate::cli::KindArg;

/// Which kinds a run renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kinds {
    pub pads: bool,
    pub drones: bool,
    pub swells: bool,
    pub clouds: bool,
    pub hiss: bool,
    pub oneshots: bool,
    pub roomtone: bool,
}

impl Kinds {
    /// Every kind.
    pub const ALL: Kinds = Kinds { pads: true, drones: true, swells: true, clouds: true, hiss: true, oneshots: true, roomtone: true };
    /// No kind (start from this and switch on what is wanted).
    pub const NONE: Kinds = Kinds { pads: false, drones: false, swells: false, clouds: false, hiss: false, oneshots: false, roomtone: false };

    pub(super) fn from_args(only: &[KindArg]) -> Self {
        let all = only.is_empty();
        Self {
            pads: all || only.contains(&KindArg::Pads),
            drones: all || only.contains(&KindArg::Drones),
            swells: all || only.contains(&KindArg::Swells),
            clouds: all || only.contains(&KindArg::Clouds),
            hiss: all || only.contains(&KindArg::Hiss),
            oneshots: all || only.contains(&KindArg::Oneshots),
            roomtone: all || only.contains(&KindArg::Roomtone),
        }
    }
}
