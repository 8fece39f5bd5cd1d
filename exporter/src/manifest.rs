//! `manifest.csv`: one row per rendered file with its measurements, provenance and grade.
//!
//! The manifest is written atomically (temporary file, then rename) so it always matches the WAVs
//! that exist next to it.

use anyhow::{Context, Result};
use catalogue::atomic_file::Durability;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The manifest's file name inside the output folder.
pub const MANIFEST_FILE_NAME: &str = "manifest.csv";

/// One manifest row. Column order is the field order; empty cells mean "does not apply".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ManifestRow {
    /// Path of the WAV relative to the output folder, with `/` separators.
    pub filename: String,
    /// The source file the texture came from, as given (or "synthetic").
    pub source: String,
    /// Where in the source the material starts, seconds.
    pub source_offset_sec: Option<f64>,
    /// xxh3-64 of the source file's bytes.
    pub source_hash: String,
    /// pad, drone, swell, cloud, hiss or flicker.
    #[serde(rename = "type")]
    pub kind: String,
    /// Variant tag, e.g. "loop", "x2_p-12_warm", "reversed".
    pub variant: String,
    pub duration_sec: f64,
    pub rms_db: f32,
    /// Peak, linear full scale (1.0 = 0 dBFS).
    pub peak: f32,
    pub peak_dbfs: f32,
    pub crest_factor: f32,
    pub dc_offset: f32,
    pub centroid_hz: f32,
    /// dark, mid or bright.
    pub brightness: String,
    pub est_pitch_hz: Option<f32>,
    /// Key of the source (e.g. "F# minor"), or of the file after transposition.
    pub key: String,
    pub key_confidence: Option<f32>,
    pub bpm: Option<f32>,
    pub bpm_confidence: Option<f32>,
    /// Semitones the material was transposed by to reach `musicality.target_key`.
    pub transposed_semitones: Option<i32>,
    /// Seam flux ratio of a loop (about 1 is invisible; see the README).
    pub loop_seam: Option<f32>,
    /// Step at the wrap relative to the file's 99th-percentile step (at most 1 is clean).
    pub loop_wrap_step: Option<f32>,
    /// A to F.
    pub grade: String,
    /// Why the grade is not A, `; `-separated.
    pub grade_reasons: String,
    /// Whether the WAV exists (false for auto-deleted F files and files left out of a profile's budget).
    pub saved: bool,
    /// Notes: key not confident enough to transpose, left out of the budget, ...
    pub notes: String,
    /// The seed of this file's random stream.
    pub seed: u64,
    /// The recipe that renders this file again (`afterglow recipe render`), relative to the output folder.
    pub recipe: String,
    /// Fingerprint of the settings the file was made with; a rerun with the same settings and an
    /// unchanged source reuses the file.
    pub fingerprint: String,
    /// The mined region the file derives from: a pad and its drones, swells and clouds share it
    /// (`<source hash, 8 hex>-<start sample>-<length>`; "synthetic" for synthetic hiss).
    #[serde(default)]
    pub region_id: String,
    /// MIDI note of the detected pitch (tonal files), also the `smpl` chunk's unity note.
    #[serde(default)]
    pub root_note: Option<u8>,
    /// Channels of the written file (1 or 2).
    #[serde(default)]
    pub channels: Option<u16>,
    /// Sample rate of the written file, Hz (44 100 unless a sampler profile converts it).
    #[serde(default)]
    pub sample_rate_hz: Option<u32>,
    /// The part of the source the material comes from: `mix`, `harmonic`, `percussive` or
    /// `residual` (empty for synthetic hiss and recipe renders).
    #[serde(default)]
    pub layer: String,
    /// For a pad from a harmonic layer: how much louder it is at the source's drum hits than between
    /// them, dB (drums left in by the separation; graded).
    #[serde(default)]
    pub drum_bleed_db: Option<f32>,
}

/// Writes `rows` to `dir/manifest.csv` atomically.
pub fn write_manifest(dir: &Path, rows: &[ManifestRow]) -> Result<()> {
    let path = dir.join(MANIFEST_FILE_NAME);
    catalogue::atomic_file::write_atomically(&path, Durability::Synced, |file| {
        let mut writer = csv::Writer::from_writer(file);
        for row in rows {
            writer.serialize(row).with_context(|| format!("{}: cannot write manifest row", path.display()))?;
        }
        writer.flush().with_context(|| format!("{}: cannot write manifest", path.display()))
    })
}

/// Reads a manifest written by [`write_manifest`].
pub fn read_manifest(path: &Path) -> Result<Vec<ManifestRow>> {
    let mut reader = csv::Reader::from_path(path).with_context(|| format!("{}: cannot read manifest", path.display()))?;
    reader
        .deserialize()
        .collect::<std::result::Result<Vec<ManifestRow>, _>>()
        .with_context(|| format!("{}: malformed manifest", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_round_trips_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let rows = vec![
            ManifestRow { filename: "a/pads/x.wav".into(), kind: "pad".into(), loop_seam: Some(1.1), saved: true, ..Default::default() },
            ManifestRow { filename: "a/clouds/y.wav".into(), kind: "cloud".into(), bpm: None, ..Default::default() },
        ];
        write_manifest(dir.path(), &rows).unwrap();
        assert_eq!(read_manifest(&dir.path().join(MANIFEST_FILE_NAME)).unwrap(), rows);
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, [MANIFEST_FILE_NAME]);
        let header = std::fs::read_to_string(dir.path().join(MANIFEST_FILE_NAME)).unwrap();
        assert!(header.starts_with("filename,source,source_offset_sec,source_hash,type,variant,duration_sec,rms_db,peak,"));
    }
}
