//! One STFT pass per source into per-frame features; onsets, chroma, key and tempo. Background thread.

mod features;
pub use features::{Analysis, AnalysisConfig, FrameFeatures};
