//! Stable-region (pad) search, ranking, seam search and loops; noisy-region (hiss) search; drum
//! one-shots; room tone. Background thread.

pub mod hit_class;
pub mod layered;
pub mod looping;
pub mod material;
pub mod noise;
pub mod oneshots;
pub mod pads;
pub mod roomtone;
mod region;
mod setting;
mod windows;

pub use looping::{make_loop, Loop, LoopConfig};
pub use noise::{find_noisy_regions, HissMinerConfig};
pub use hit_class::{HitClass, HitFeatures};
pub use oneshots::{find_oneshots, find_oneshots_until, slice_hits, OneShot, OneShotConfig};
pub use material::{count_distinct, Material};
pub use layered::{mine_pads, wants_layers, MinedPads};
pub use pads::{busy_share, find_pads, find_pads_at_most, pack_shares, why_no_pads, PadMinerConfig};
pub use region::Region;
pub use roomtone::{find_room_tone, RoomToneConfig};
