//! Grains, the grain pool, note voices, the hiss voice, biquads. Audio thread.

pub mod biquad;
pub mod grain;
mod grain_run;
pub mod hiss;
pub mod limiter;
pub mod note;
pub mod pool;
pub use biquad::{Biquad, BiquadCoefs};
