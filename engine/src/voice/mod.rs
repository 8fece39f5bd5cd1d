//! Grains, the grain pool, cloud and hiss voices, biquads. Audio thread.

pub mod biquad;
pub use biquad::{Biquad, BiquadCoefs};
