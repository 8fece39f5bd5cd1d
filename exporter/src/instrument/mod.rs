//! Playable instruments next to a pack: the pads and drones (seamless loops with a root note) mapped
//! across the keyboard, each at its own root, for SFZ players ([`sfz`]) and DecentSampler
//! ([`decentsampler`]). One key map ([`plan_zones`]) feeds both formats.
//!
//! Key ranges split the keyboard halfway between neighbouring roots (so every key plays the file
//! nearest in pitch, never transposed further than half the gap), the lowest and highest files
//! reach two octaves beyond their root. Files sharing a root become velocity layers, quiet to loud
//! by RMS. Loop points come from each WAV's own `smpl` chunk. A file without a detected pitch (most
//! pads are chords or textures) is rooted on its key's tonic in the octave from C3 (MIDI 48), so
//! pressing the tonic plays it as recorded; files with neither are left out.

pub mod decentsampler;
pub mod sfz;
pub mod zone;

use crate::cli::InstrumentArg;
use crate::manifest::ManifestRow;
use crate::wav_out::smpl::read_smpl;
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::Path;
use zone::Zone;

/// Kinds that make a playable instrument: sustained loops with a pitch.
const INSTRUMENT_KINDS: [&str; 2] = ["pad", "drone"];
/// How far past the outermost roots the keyboard reaches, semitones.
const OUTER_REACH: u8 = 24;
/// The key map of a pack's saved pads and drones that have a root note, reading each WAV's loop
/// from `pack_dir`. Files that cannot be read are left out (returned as notes).
pub fn plan_zones(pack_dir: &Path, rows: &[ManifestRow]) -> (Vec<Zone>, Vec<String>) {
    let mut by_root: BTreeMap<u8, Vec<&ManifestRow>> = BTreeMap::new();
    for row in rows.iter().filter(|r| r.saved && INSTRUMENT_KINDS.contains(&r.kind.as_str())) {
        if let Some(root) = root_of(row) {
            by_root.entry(root).or_default().push(row);
        }
    }
    let roots: Vec<u8> = by_root.keys().copied().collect();
    let mut zones = Vec::new();
    let mut notes = Vec::new();
    for (at, (&root, layer_rows)) in by_root.iter_mut().enumerate() {
        let lo_key = if at == 0 { root.saturating_sub(OUTER_REACH) } else { (roots[at - 1] + root) / 2 + 1 };
        let hi_key = roots.get(at + 1).map_or(root.saturating_add(OUTER_REACH).min(127), |&next| (root + next) / 2);
        layer_rows.sort_by(|a, b| a.rms_db.total_cmp(&b.rms_db).then(a.filename.cmp(&b.filename)));
        let layers = layer_rows.len();
        for (layer, row) in layer_rows.iter().enumerate() {
            let loop_frames = match std::fs::read(pack_dir.join(&row.filename)) {
                Ok(bytes) => read_smpl(&bytes).and_then(|s| s.loop_frames),
                Err(err) => {
                    notes.push(format!("{}: left out of the instrument: {err}", row.filename));
                    continue;
                }
            };
            let (lo_vel, hi_vel) = velocity_range(layer, layers);
            zones.push(Zone { path: row.filename.clone(), root, lo_key, hi_key, lo_vel, hi_vel, loop_frames });
        }
    }
    (zones, notes)
}

/// The MIDI note a row plays at its own pitch: its detected root note, else its key's tonic from C3.
fn root_of(row: &ManifestRow) -> Option<u8> {
    const TONIC_OCTAVE_C: u8 = 48;
    row.root_note.or_else(|| engine::analysis::key::Key::parse(&row.key).map(|key| TONIC_OCTAVE_C + key.tonic % 12))
}

/// Layer `layer` of `layers` splits velocities 1..=127 evenly.
fn velocity_range(layer: usize, layers: usize) -> (u8, u8) {
    let edge = |k: usize| (1 + k * 127 / layers) as u8;
    (edge(layer), edge(layer + 1) - 1)
}

/// Writes `kind` into `pack_dir` from the pack's rows; returns a note for the musician.
pub fn write_instrument(pack_dir: &Path, rows: &[ManifestRow], kind: InstrumentArg) -> Result<String> {
    let (zones, mut notes) = plan_zones(pack_dir, rows);
    let (file, text) = match kind {
        InstrumentArg::Sfz => (sfz::FILE_NAME, sfz::sfz_text(&zones)),
        InstrumentArg::Decentsampler => (decentsampler::FILE_NAME, decentsampler::dspreset_text(&zones)),
    };
    let path = pack_dir.join(file);
    crate::wav_out::write_atomically(&path, text.as_bytes()).with_context(|| format!("{}: cannot write the instrument", path.display()))?;
    let roots: std::collections::BTreeSet<u8> = zones.iter().map(|z| z.root).collect();
    notes.insert(
        0,
        if zones.is_empty() {
            format!("{file}: no pads or drones with a root note to map (the instrument is empty)")
        } else {
            format!("{file}: {} pads and drones mapped at {} root notes", zones.len(), roots.len())
        },
    );
    Ok(notes.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, root: u8, rms_db: f32) -> ManifestRow {
        ManifestRow { filename: name.into(), kind: "pad".into(), root_note: Some(root), rms_db, saved: true, ..Default::default() }
    }

    #[test]
    fn keys_split_between_roots_and_shared_roots_layer_by_loudness() {
        let dir = tempfile::tempdir().unwrap();
        let rows = [row("a.wav", 48, -20.0), row("b.wav", 55, -20.0), row("c.wav", 55, -30.0), row("d.wav", 67, -20.0)];
        for r in &rows {
            crate::wav_out::write_wav(&dir.path().join(&r.filename), &[vec![0.1; 1000]], 44_100, Default::default(), Some((0, 999))).unwrap();
        }
        let (zones, notes) = plan_zones(dir.path(), &rows);
        assert!(notes.is_empty(), "{notes:?}");
        let map: Vec<_> = zones.iter().map(|z| (z.path.as_str(), z.lo_key, z.root, z.hi_key, z.lo_vel, z.hi_vel)).collect();
        assert_eq!(
            map,
            [("a.wav", 24, 48, 51, 1, 127), ("c.wav", 52, 55, 61, 1, 63), ("b.wav", 52, 55, 61, 64, 127), ("d.wav", 62, 67, 91, 1, 127)]
        );
        assert!(zones.iter().all(|z| z.loop_frames == Some((0, 999))));
    }

    #[test]
    fn velocity_layers_cover_every_velocity_once() {
        for layers in 1..=9 {
            let ranges: Vec<_> = (0..layers).map(|k| velocity_range(k, layers)).collect();
            assert_eq!(ranges[0].0, 1);
            assert_eq!(ranges[layers - 1].1, 127);
            for pair in ranges.windows(2) {
                assert_eq!(pair[0].1 + 1, pair[1].0, "{ranges:?}");
            }
        }
    }
}
