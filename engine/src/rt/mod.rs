//! Real-time helpers: smoothers, RNG streams, grain windows and their tables, dB conversions,
//! denormal guard. Audio thread (and plain helpers the background folders share).

pub mod db;
pub mod math;
pub mod denormal;
pub mod rng;
pub mod smoother;
pub mod window;

pub use denormal::DenormalGuard;
pub use rng::{stream_seed, RngStream};
pub use smoother::{Ramp, SmoothCurve, Smoother};
pub use window::{WindowShape, WindowTables};
