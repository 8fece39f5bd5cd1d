//! Writing what the plugin mined into the shared catalogue, on the mining thread after a session:
//! each file of the folder goes through `catalogue::scan` with the plugin's miner and separation
//! settings (the folder's), so `afterglow pads` (and this plugin's archive view, here or in
//! another project) finds it, layer pads included, and an unchanged file is only looked at, never
//! mined again. One file at a time, so closing the plugin
//! or choosing another folder never waits for the rest. A problem is a status line for the
//! catalogue, never a failure of mining.

use std::path::{Path, PathBuf};

use catalogue::{Catalogue, MineSettings};

use super::folder_config::FolderSettings;
use super::worker::{Interrupted, WorkerState};

/// Files mined for the catalogue at once: one, so the host keeps its other cores.
const CATALOGUE_JOBS: usize = 1;

impl WorkerState {
    /// Add `files` (found under `root`) to the catalogue, dropping catalogued files under `root`
    /// that are gone. Err only when the session is interrupted.
    pub(super) fn record_in_catalogue(&mut self, root: &Path, files: &[PathBuf], settings: &FolderSettings) -> Result<(), Interrupted> {
        let path = self.shared.archive.catalogue_path();
        let shown = path.display().to_string();
        self.say_catalogue(format!("Adding {} files to the catalogue ({shown})", files.len()));
        let mut catalogue = match Catalogue::open(&path) {
            Ok(catalogue) => catalogue,
            Err(error) => {
                self.say_catalogue(format!("Not added to the catalogue: {error}"));
                return Ok(());
            }
        };
        // Mining a file for the catalogue stops with the plugin, as the session's own decoding does.
        let settings = MineSettings {
            pad_miner: settings.pad_miner.clone(),
            separation: settings.separation.clone(),
            cancel: Some(self.shared.stop.clone()),
            ..MineSettings::default()
        };
        let (mut added, mut kept, mut failed) = (0usize, 0usize, 0usize);
        for file in files {
            self.check()?;
            match catalogue::scan(&mut catalogue, std::slice::from_ref(file), &[], &settings, CATALOGUE_JOBS, &mut |_| {}) {
                Ok(report) => {
                    added += report.scanned + report.moved;
                    kept += report.unchanged;
                    failed += report.failed;
                }
                Err(error) => {
                    self.say_catalogue(format!("Catalogue stopped after {added} new files: {error}"));
                    self.shared.archive.refresh();
                    return Ok(());
                }
            }
        }
        // No files given: only forgets catalogued files under the folder that no longer exist.
        let removed = catalogue::scan(&mut catalogue, &[], &[root.to_path_buf()], &settings, CATALOGUE_JOBS, &mut |_| {})
            .map_or(0, |report| report.removed);
        let num_pads = catalogue.num_pads().unwrap_or(0);
        let mut text = format!("Catalogue: {added} files added, {kept} already there");
        if failed > 0 {
            text.push_str(&format!(", {failed} unreadable"));
        }
        if removed > 0 {
            text.push_str(&format!(", {removed} gone files dropped"));
        }
        text.push_str(&format!("; {num_pads} pads in all ({shown})"));
        self.say_catalogue(text);
        self.shared.archive.refresh();
        Ok(())
    }

    fn say_catalogue(&self, text: String) {
        self.shared.status.update(|s| s.catalogue_message = text);
    }
}
