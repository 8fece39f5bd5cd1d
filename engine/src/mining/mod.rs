//! Stable-region (pad) search, ranking, seam search and loops; noisy-region (hiss) search. Background thread.

pub mod looping;
pub mod noise;
pub mod pads;
mod region;
mod setting;
mod windows;

pub use looping::{make_loop, Loop, LoopConfig};
pub use noise::{find_noisy_regions, HissMinerConfig};
pub use pads::{find_pads, why_no_pads, PadMinerConfig};
pub use region::Region;
