//! `TextureParams` and `TextureEngine`, the root both front ends drive. Audio thread.

mod params;
pub use params::{TextureParams, WindowShape};
