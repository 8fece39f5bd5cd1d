//! Measurements (levels, centroid, pitch, loop seam) and A-F grades. Background thread.

pub mod seam;
