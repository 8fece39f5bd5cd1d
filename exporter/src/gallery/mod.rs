//! The pack's gallery: `index.html` next to `manifest.csv`, a card per written file with its
//! thumbnail (waveform over spectrogram, drawn here as PNG under `gallery/`), a player and the
//! manifest's grade, key, brightness, kind and source; filterable and sortable, and
//! self-contained (inline style and script, nothing from the network).
//!
//! `afterglow render` writes it after the manifest; `afterglow gallery PACK` makes it again.

mod page;
pub mod thumbnail;

pub use page::{escape_html, url_path};

use crate::exit::ExitStatus;
use crate::manifest::{read_manifest, ManifestRow, MANIFEST_FILE_NAME};
use crate::wav_out::{write_atomically, write_atomically_unsynced};
use anyhow::{Context, Result};
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};
use thumbnail::Painter;

/// The page's file name inside the pack.
pub const INDEX_FILE_NAME: &str = "index.html";
/// The folder of thumbnails inside the pack (they mirror the WAVs' paths, as `.png`).
pub const GALLERY_DIR: &str = "gallery";

/// What [`write_gallery`] made.
#[derive(Debug, Default)]
pub struct GalleryReport {
    /// Files on the page (the manifest's written rows).
    pub num_files: usize,
    /// Thumbnails drawn; a file whose WAV cannot be read is shown without one.
    pub num_thumbnails: usize,
    /// Size of `index.html`, bytes.
    pub page_bytes: usize,
    /// Wall time spent reading WAVs and drawing and writing thumbnails.
    pub draw_time: Duration,
    /// What went wrong with single files (each a sentence naming the file).
    pub notes: Vec<String>,
}

/// The thumbnail of the WAV at `filename` (relative to the pack, `/`-separated), relative to the
/// pack; `None` for a name that would lead outside it.
pub fn thumbnail_path(filename: &str) -> Option<String> {
    let inside = !filename.is_empty()
        && Path::new(filename).components().all(|c| matches!(c, Component::Normal(_)))
        && !filename.contains('\\');
    let stem = filename.strip_suffix(".wav").unwrap_or(filename);
    inside.then(|| format!("{GALLERY_DIR}/{stem}.png"))
}

/// Draws a thumbnail for every written row of `rows` (in parallel, on the current rayon pool), writes
/// `out_dir/index.html` atomically and removes thumbnails of files no longer in the pack. A file
/// that cannot be drawn is a note and is shown without a thumbnail; only an unwritable page is an
/// error.
pub fn write_gallery(out_dir: &Path, rows: &[ManifestRow]) -> Result<GalleryReport> {
    let shown: Vec<&ManifestRow> = rows.iter().filter(|r| r.saved).collect();
    let started = Instant::now();
    let drawn: Vec<Result<String>> =
        shown.par_iter().map_init(Painter::new, |painter, row| draw_one(out_dir, row, painter)).collect();
    let draw_time = started.elapsed();

    let mut notes = Vec::new();
    let mut cards = Vec::with_capacity(shown.len());
    for (row, result) in shown.iter().zip(&drawn) {
        let thumbnail = match result {
            Ok(path) => Some(path.as_str()),
            Err(err) => {
                notes.push(format!("gallery: {}: no thumbnail: {err:#}", row.filename));
                None
            }
        };
        cards.push(page::Card { row, thumbnail });
    }
    let title = pack_name(out_dir);
    let html = page::render_page(&page::Page { title: &title, cards: &cards, num_unsaved: rows.len() - shown.len() });
    write_atomically(&out_dir.join(INDEX_FILE_NAME), html.as_bytes())?;

    let kept: HashSet<PathBuf> = drawn.iter().flatten().map(|p| out_dir.join(p)).collect();
    remove_stale(&out_dir.join(GALLERY_DIR), &kept);
    Ok(GalleryReport {
        num_files: shown.len(),
        num_thumbnails: kept.len(),
        page_bytes: html.len(),
        draw_time,
        notes,
    })
}

/// Reads one row's WAV and writes its thumbnail; returns the thumbnail's path relative to the pack.
fn draw_one(out_dir: &Path, row: &ManifestRow, painter: &mut Painter) -> Result<String> {
    let relative = thumbnail_path(&row.filename).context("the file name leads outside the pack")?;
    let (mono, sample_rate_hz) = thumbnail::read_mono(&out_dir.join(&row.filename))?;
    let png = painter.draw(&mono, sample_rate_hz).to_png()?;
    let path = out_dir.join(&relative);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create folder", dir.display()))?;
    }
    // A thumbnail is made again by `afterglow gallery`: not worth a sync (which costs more than drawing it).
    write_atomically_unsynced(&path, &png)?;
    Ok(relative)
}

/// The pack's folder name, for the page's title.
fn pack_name(out_dir: &Path) -> String {
    let named = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned());
    named(out_dir).or_else(|| out_dir.canonicalize().ok().as_deref().and_then(named)).unwrap_or_else(|| "pack".into())
}

/// Removes `.png` files under `dir` not in `kept`, then folders left empty. Best effort: a leftover
/// thumbnail is harmless, the page never links it.
fn remove_stale(dir: &Path, kept: &HashSet<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            remove_stale(&path, kept);
            let _ = std::fs::remove_dir(&path);
        } else if path.extension().is_some_and(|e| e == "png") && !kept.contains(&path) {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// `afterglow gallery PACK`: makes the gallery of a finished pack again from its manifest.
pub fn run(pack: &Path) -> Result<ExitStatus> {
    let rows = read_manifest(&pack.join(MANIFEST_FILE_NAME))
        .with_context(|| format!("{}: not a finished pack (run `afterglow render` first)", pack.display()))?;
    let report = write_gallery(pack, &rows)?;
    for note in &report.notes {
        println!("note: {note}");
    }
    println!(
        "{}: {} files, {} thumbnails ({:.2} s), page {} KB",
        pack.join(INDEX_FILE_NAME).display(),
        report.num_files,
        report.num_thumbnails,
        report.draw_time.as_secs_f64(),
        report.page_bytes.div_ceil(1024)
    );
    Ok(if report.num_thumbnails == report.num_files { ExitStatus::Success } else { ExitStatus::SomeSkipped })
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::rt::math;

    #[test]
    fn thumbnails_mirror_the_wavs_and_stay_inside_the_pack() {
        assert_eq!(thumbnail_path("src/pads/a_1.wav").as_deref(), Some("gallery/src/pads/a_1.png"));
        for bad in ["", "../x.wav", "/etc/x.wav", "a/../../x.wav", "a\\..\\x.wav", "./a.wav"] {
            assert_eq!(thumbnail_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_pack_with_one_unreadable_file_still_gets_its_page() {
        let dir = tempfile::tempdir().unwrap();
        let good = "s/pads/good.wav";
        std::fs::create_dir_all(dir.path().join("s/pads")).unwrap();
        let tone: Vec<f32> = (0..22_050).map(|i| 0.5 * math::sin(i as f32 * 0.05)).collect();
        crate::wav_out::write_wav(&dir.path().join(good), &[tone], 44_100, Default::default(), None).unwrap();
        std::fs::write(dir.path().join("s/pads/broken.wav"), b"RIFF????WAVEjunk").unwrap();
        // A thumbnail left by an earlier pack, to be removed.
        std::fs::create_dir_all(dir.path().join("gallery/old")).unwrap();
        std::fs::write(dir.path().join("gallery/old/gone.png"), b"png").unwrap();
        let row = |f: &str, saved| ManifestRow { filename: f.into(), saved, grade: "A".into(), ..Default::default() };
        let rows = [row(good, true), row("s/pads/broken.wav", true), row("s/pads/deleted.wav", false)];
        let report = write_gallery(dir.path(), &rows).unwrap();
        assert_eq!((report.num_files, report.num_thumbnails), (2, 1));
        assert_eq!(report.notes.len(), 1);
        assert!(report.notes[0].contains("broken.wav"), "{:?}", report.notes);
        assert!(dir.path().join("gallery/s/pads/good.png").is_file());
        assert!(!dir.path().join("gallery/old").exists());
        let html = std::fs::read_to_string(dir.path().join(INDEX_FILE_NAME)).unwrap();
        assert_eq!(html.len(), report.page_bytes);
        assert_eq!(html.matches("<audio ").count(), 2);
        assert!(!html.contains("deleted"));
    }
}
