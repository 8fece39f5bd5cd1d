//! Real-time helpers: smoothers, RNG streams, window tables, denormal guard. Audio thread.

pub mod denormal;
pub mod rng;
pub mod smoother;
pub mod window;

pub use denormal::DenormalGuard;
pub use rng::{stream_seed, RngStream};
pub use smoother::{Ramp, SmoothCurve, Smoother};
pub use window::WindowTables;
