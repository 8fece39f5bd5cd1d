//! Measurements (levels, centroid, pitch, loop seam) and A-F grades. Background thread.

pub mod bleed;
pub mod brightness;
pub mod grade;
pub mod measure;
pub mod seam;

pub use bleed::drum_bleed_db;
pub use brightness::{Brightness, BrightnessThresholds};
pub use grade::{grade, Grade, GradeThresholds};
pub use measure::{measure, Measurements, Meter, MAX_PITCH_HZ, MIN_PITCH_HZ};
