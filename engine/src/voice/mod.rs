//! Grains, the grain pool, note voices, the hiss voice, biquads. Audio thread.

pub mod biquad;
pub mod grain;
pub mod hiss;
pub mod note;
pub mod pool;
pub use biquad::{Biquad, BiquadCoefs};
