//! Capture to file: the captured recipe ([`super::capture_recipe`]) rendered to a WAV the musician
//! can drag onto the DAW's timeline.
//!
//! One renderer: the source is loaded by [`engine::recipe::load_recipe_source`] and rendered by
//! [`engine::recipe::render_recipe`], the very two calls of the exporter's `afterglow recipe
//! render`, so the file holds the samples the exporter renders for the same recipe.
//!
//! The file is 32-bit float at the recipe's render rate, 44.1 kHz (the rate every pad is cut at,
//! [`engine::ENGINE_SAMPLE_RATE_HZ`]), not the host's rate: the recipe renderer runs the engine at
//! the pad's rate, and rendering at another rate would be a second renderer (or a resampling pass)
//! whose samples no longer equal the exporter's. Float keeps those samples exactly (no
//! quantisation, no clipping above full scale); every DAW reads it and converts the rate on import.
//! Written atomically (temporary sibling, sync, rename); an existing file is never replaced (a
//! DAW project may use it): the next free name "name 2.wav", "name 3.wav", ... is taken.

use std::io::BufWriter;
use std::path::{Path, PathBuf};

use catalogue::atomic_file::{Durability, write_atomically};
use engine::CancelFlag;
use engine::recipe::{Recipe, load_recipe_source, render_recipe};
use engine::source::LoadOptions;

use super::{file_stem, recipes_folder};

/// Name of the folder captured WAVs go to by default (beside the recipes folder).
pub const CAPTURES_FOLDER: &str = "afterglow-captures";

/// The default folder for captured WAVs: `afterglow-captures` beside the recipes folder
/// ([`recipes_folder`]).
pub fn captures_folder(archive_path: &str) -> PathBuf {
    recipes_folder(archive_path).with_file_name(CAPTURES_FOLDER)
}

/// `recipe` rendered as the exporter renders it: planar channels and their sample rate. A
/// raised `cancel` stops the decoding of the source. Not realtime-safe: decodes and renders.
pub fn render_capture(recipe: &Recipe, cancel: Option<CancelFlag>) -> Result<(Vec<Vec<f32>>, u32), String> {
    let options = LoadOptions { cancel, ..LoadOptions::default() };
    let source = load_recipe_source(recipe, None, &options).map_err(|e| format!("cannot load the pad's source: {e}"))?;
    let sample_rate_hz = source.as_ref().map_or(engine::ENGINE_SAMPLE_RATE_HZ, |s| s.sample_rate_hz);
    let channels = render_recipe(recipe, source.as_ref()).map_err(|e| format!("cannot render: {e}"))?;
    Ok((channels, sample_rate_hz))
}

/// `folder/<name>.wav`, or with " 2", " 3", ... before `.wav`, the first that does not exist.
fn free_path(folder: &Path, name: &str) -> PathBuf {
    let stem = file_stem(name);
    let mut path = folder.join(format!("{stem}.wav"));
    let mut n = 2;
    while path.exists() {
        path = folder.join(format!("{stem} {n}.wav"));
        n += 1;
    }
    path
}

/// Write planar `channels` (equal lengths) as a 32-bit float WAV at `path`, atomically. The error
/// names the file.
pub fn write_float_wav(path: &Path, channels: &[Vec<f32>], sample_rate_hz: u32) -> Result<(), String> {
    let num_frames = channels.first().map_or(0, Vec::len);
    if channels.is_empty() || channels.iter().any(|c| c.len() != num_frames) {
        return Err(format!("{}: nothing to write (no channels, or channels of different lengths)", path.display()));
    }
    let spec = hound::WavSpec { channels: channels.len() as u16, sample_rate: sample_rate_hz, bits_per_sample: 32, sample_format: hound::SampleFormat::Float };
    write_atomically(path, Durability::Synced, |file| {
        let mut writer = hound::WavWriter::new(BufWriter::new(file), spec).map_err(std::io::Error::other)?;
        for i in 0..num_frames {
            for channel in channels {
                writer.write_sample(channel[i]).map_err(std::io::Error::other)?;
            }
        }
        writer.finalize().map_err(std::io::Error::other)
    })
    .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Render `recipe` ([`render_capture`]) and write it to `folder` as `<name>.wav` (or the next free
/// name), creating the folder. Returns the file written. Not realtime-safe: decodes, renders and
/// writes.
pub fn capture_to_wav(recipe: &Recipe, folder: &Path, name: &str, cancel: Option<CancelFlag>) -> Result<PathBuf, String> {
    let (channels, sample_rate_hz) = render_capture(recipe, cancel)?;
    std::fs::create_dir_all(folder).map_err(|e| format!("cannot create the folder {}: {e}", folder.display()))?;
    let path = free_path(folder, name);
    write_float_wav(&path, &channels, sample_rate_hz)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_go_beside_the_recipes_and_never_replace_a_file() {
        let archive = tempfile::tempdir().expect("temp dir");
        let beside = captures_folder(&archive.path().display().to_string());
        assert_eq!(beside, archive.path().parent().expect("parent").join(CAPTURES_FOLDER));
        let folder = tempfile::tempdir().expect("temp dir");
        let first = free_path(folder.path(), "take / one");
        assert_eq!(first.file_name().and_then(|n| n.to_str()), Some("take---one.wav"));
        std::fs::write(&first, b"x").expect("write");
        assert_eq!(free_path(folder.path(), "take / one").file_name().and_then(|n| n.to_str()), Some("take---one 2.wav"));
    }

    #[test]
    fn a_folder_that_cannot_be_written_is_named_in_the_error() {
        let folder = tempfile::tempdir().expect("temp dir");
        let blocker = folder.path().join("not a folder");
        std::fs::write(&blocker, b"x").expect("write");
        let error = write_float_wav(&blocker.join("take.wav"), &[vec![0.0; 4]], 44_100).expect_err("a file is in the way");
        assert!(error.contains(&blocker.join("take.wav").display().to_string()), "{error}");
        let error = write_float_wav(&folder.path().join("x.wav"), &[vec![0.0; 4], vec![0.0; 3]], 44_100).expect_err("lengths differ");
        assert!(error.contains("x.wav"), "{error}");
    }
}
