//! One zone of an instrument's key map, and the envelope every zone plays with: what the key map
//! ([`super::plan_zones`]) gives and the SFZ and DecentSampler writers read.

/// Amplitude envelope: a pad fades in and rings out.
pub const ATTACK_SEC: f32 = 0.3;
pub const RELEASE_SEC: f32 = 2.0;

/// One zone of the key map.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    /// The WAV, relative to the pack, `/`-separated.
    pub path: String,
    pub root: u8,
    pub lo_key: u8,
    pub hi_key: u8,
    pub lo_vel: u8,
    pub hi_vel: u8,
    /// Loop (start, end) frames, end inclusive, from the file's `smpl` chunk.
    pub loop_frames: Option<(u32, u32)>,
}
