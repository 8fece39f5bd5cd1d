//! Made-up mined files for benchmarks and tests of the catalogue at scale (no audio decoded): file
//! `i` holds `regions_per_file` pads with keys, brightness, scores and feature vectors that vary
//! deterministically with `i`, so queries have something to rank and filter.

use crate::{MinedFile, MinedRegion, RegionKind};
use engine::mining::Region;

const KEYS: [&str; 6] = ["Amin", "Cmaj", "Dmin", "Fmaj", "Gmaj", "Emin"];
const BRIGHTNESS: [&str; 3] = ["dark", "mid", "bright"];

/// Synthetic file number `i` with `regions_per_file` pads (no fingerprint landmarks).
pub fn synthetic_file(i: usize, regions_per_file: usize) -> MinedFile {
    let regions = (0..regions_per_file)
        .map(|j| {
            let n = i * regions_per_file + j;
            let mut region = Region::span(j * 400_000, 88_200 * (1 + n % 3));
            region.score = ((n * 7919) % 1000) as f32 / 1000.0;
            region.centroid_hz = 500.0 + (n % 40) as f32 * 100.0;
            MinedRegion {
                kind: RegionKind::Pad,
                region,
                key: Some(KEYS[n % KEYS.len()].to_string()),
                key_confidence: 0.5,
                brightness: BRIGHTNESS[n % 3],
                features: std::array::from_fn(|k| ((n * 31 + k * 17) % 101) as f32 / 25.0),
                hit_class: None,
            }
        })
        .collect();
    MinedFile {
        content_hash: format!("{:016x}", (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)),
        container: "wav".into(),
        codec: "pcm_s16le".into(),
        sample_rate_hz: 44_100,
        num_channels: 2,
        bits_per_sample: Some(16),
        duration_sec: 120.0,
        key: Some("Amin".into()),
        key_confidence: 0.5,
        bpm: None,
        bpm_confidence: 0.0,
        analysis_rate_hz: 44_100,
        regions,
        landmarks: Vec::new(),
    }
}
