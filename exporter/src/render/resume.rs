//! Interruption and resumption. A killed render leaves only complete WAVs and a manifest that
//! lists them; running the same command again finishes the job, reusing every source whose
//! outputs are already there and unchanged (same source bytes, same settings).
//!
//! How: each source renders into a staging folder (`.afterglow-partial/`, emptied at the start of
//! every run); when a source is done its files are renamed into place, the manifest is rewritten
//! atomically, and only then are the source's outputs from an earlier run that the new render no
//! longer makes removed. A kill between those steps can leave one source's new files next to the
//! manifest rows of its previous render (same names) or, between the last two, stale files from a
//! previous render that the manifest no longer lists; the next run renders that source again.

use crate::manifest::{read_manifest, write_manifest, ManifestRow, MANIFEST_FILE_NAME};
use anyhow::{Context, Result};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Folder inside the output folder where sources render before their files are moved into place.
pub const STAGING_DIR: &str = ".afterglow-partial";

/// A fingerprint of everything besides the source that decides a pack's bytes: the build's version,
/// the engine's [`engine::analysis::ANALYSIS_VERSION`] (keys and tempi decide transpositions and names)
/// and `parts`.
pub fn settings_fingerprint(parts: &[&str]) -> String {
    let mut text = format!("{} analysis {}", env!("CARGO_PKG_VERSION"), engine::analysis::ANALYSIS_VERSION);
    for p in parts {
        text.push('\u{1f}');
        text.push_str(p);
    }
    engine::source::content_hash(text.as_bytes())
}

/// Files a manifest row stands for: the WAV and, for recipe-made files, the recipe.
fn row_files(row: &ManifestRow) -> Vec<String> {
    let mut files = vec![row.filename.clone()];
    if !row.recipe.is_empty() {
        files.push(row.recipe.clone());
    }
    files
}

/// Files a device profile may write next to a row's WAV (an Octatrack `.ot`): moved and removed
/// with it when they exist.
fn optional_row_files(row: &ManifestRow) -> Vec<String> {
    row.filename.strip_suffix(".wav").map(|stem| vec![format!("{stem}.ot")]).unwrap_or_default()
}

/// The manifest of an earlier run in the same output folder.
#[derive(Debug, Default)]
pub struct PreviousPack {
    rows: Vec<ManifestRow>,
}

impl PreviousPack {
    /// Reads `out_dir/manifest.csv`; a missing or unreadable manifest means nothing to reuse
    /// (returned as a note).
    pub fn load(out_dir: &Path) -> (Self, Option<String>) {
        let path = out_dir.join(MANIFEST_FILE_NAME);
        if !path.exists() {
            return (Self::default(), None);
        }
        match read_manifest(&path) {
            Ok(rows) => (Self { rows }, None),
            Err(err) => (Self::default(), Some(format!("{err:#}: rendering everything again"))),
        }
    }

    /// The earlier rows of `source`, when they were made from the same bytes with the same
    /// settings into `slug/` and every file they list is still there.
    pub fn reusable(&self, source: &str, source_hash: &str, fingerprint: &str, slug: &str, out_dir: &Path) -> Option<Vec<ManifestRow>> {
        let rows: Vec<ManifestRow> = self.rows.iter().filter(|r| r.source == source).cloned().collect();
        let prefix = format!("{slug}/");
        let all_current = !rows.is_empty()
            && rows.iter().all(|r| {
                r.source_hash == source_hash
                    && r.fingerprint == fingerprint
                    && r.filename.starts_with(&prefix)
                    && (!r.saved || row_files(r).iter().all(|f| out_dir.join(f).is_file()))
            });
        all_current.then_some(rows)
    }

    /// Earlier rows of sources that are not part of this run, whose files are still there: kept.
    pub fn rows_not_in(&self, sources: &HashSet<String>, out_dir: &Path) -> Vec<ManifestRow> {
        self.rows
            .iter()
            .filter(|r| !sources.contains(&r.source))
            .filter(|r| !r.saved || row_files(r).iter().all(|f| out_dir.join(f).is_file()))
            .cloned()
            .collect()
    }

    /// Earlier rows of `source`.
    pub fn rows_of(&self, source: &str) -> Vec<ManifestRow> {
        self.rows.iter().filter(|r| r.source == source).cloned().collect()
    }
}

/// Keeps the manifest true while sources finish one by one.
pub struct ManifestKeeper {
    out_dir: PathBuf,
    state: Mutex<KeeperState>,
}

struct KeeperState {
    /// Rows per source index: the earlier run's until the source is re-rendered, then the new ones.
    per_source: BTreeMap<usize, Vec<ManifestRow>>,
    /// Rows of sources outside this run.
    others: Vec<ManifestRow>,
}

impl ManifestKeeper {
    /// Starts from the earlier run's rows of every source (`earlier[i]` for source `i`) and of
    /// sources outside this run.
    pub fn new(out_dir: &Path, earlier: Vec<Vec<ManifestRow>>, others: Vec<ManifestRow>) -> Self {
        let per_source = earlier.into_iter().enumerate().collect();
        Self { out_dir: out_dir.to_path_buf(), state: Mutex::new(KeeperState { per_source, others }) }
    }

    /// Moves source `index`'s new files from `staging` into place, rewrites the manifest, then
    /// removes the files of its earlier rows that the new render no longer makes.
    pub fn commit_source(&self, index: usize, rows: &[ManifestRow], staging: &Path) -> Result<()> {
        for row in rows.iter().filter(|r| r.saved) {
            for file in row_files(row) {
                let (from, to) = (staging.join(&file), self.out_dir.join(&file));
                if let Some(dir) = to.parent() {
                    std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create folder", dir.display()))?;
                }
                std::fs::rename(&from, &to).with_context(|| format!("{}: cannot move into place", to.display()))?;
            }
            for file in optional_row_files(row) {
                let from = staging.join(&file);
                if from.is_file() {
                    let to = self.out_dir.join(&file);
                    std::fs::rename(&from, &to).with_context(|| format!("{}: cannot move into place", to.display()))?;
                }
            }
        }
        // A poisoned lock means another source's commit panicked; its data is still consistent
        // (every field is replaced whole), so carry on with it.
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let earlier = state.per_source.insert(index, rows.to_vec()).unwrap_or_default();
        let all: Vec<ManifestRow> = state.per_source.values().flatten().chain(&state.others).cloned().collect();
        write_manifest(&self.out_dir, &all)?;
        drop(state);
        let all_files = |r: &ManifestRow| row_files(r).into_iter().chain(optional_row_files(r));
        let kept: HashSet<String> = rows.iter().filter(|r| r.saved).flat_map(all_files).collect();
        for stale in earlier.iter().filter(|r| r.saved).flat_map(all_files).filter(|f| !kept.contains(f)) {
            // Best effort: a stale file that cannot be removed is harmless and not in the manifest.
            let _ = std::fs::remove_file(self.out_dir.join(stale));
        }
        Ok(())
    }
}
