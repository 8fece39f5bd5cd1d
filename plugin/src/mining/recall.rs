//! Exact recall: the bank's pads by identity (source content hash + region + loop settings + the
//! layer and its separation settings, as recipes describe them), saved with the project, so a
//! reopened project rebuilds the very pads it played, in the same slots, instead of mining the
//! folder again. A layer pad's file is separated again, as far as its pads reach, with the
//! settings it was mined with: the same samples, bit for bit.
//!
//! [`BankRecall`] ([`crate::persist`]) is a persisted field of the plugin's parameters. Loading a state that holds it
//! raises its generation; the mining thread then rebuilds those pads (decoding only the stretch of
//! each file they need) and the plugin's activation waits for that before audio runs, so an
//! offline bounce right after opening the project is already right. A state from an earlier
//! version holds only the folder: that folder is mined, as before.
//!
//! A file not at its saved path (a project from another system, an archive moved) is looked for
//! under the archive folder by its content ([`super::relocate`]). When none of a project's missing
//! files is there, the musician can give the folder again: the pads are then found in that folder
//! by content, and the project saves their new paths. A folder that holds none of them is mined.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::Ordering;

use engine::separate::{Layers, SeparationConfig, Separator};
use engine::source::{SourceBuffer, hash_file, load_opening};

use crate::persist::{SavedBank, SavedPad};
use crate::queues::NUM_BANK_SLOTS;
use super::pads::{cut_reach_sec, pad_from_source};
use super::relocate::{Located, file_name_of, locate};
use super::worker::{DECODE_MARGIN_SEC, Interrupted, Kept, WorkerState};

impl WorkerState {
    /// Where `saved`'s files are: at their saved paths, or under the archive folder by content.
    pub(super) fn locate(&self, saved: &SavedBank) -> Result<Located, Interrupted> {
        let folder = std::path::PathBuf::from(self.params.archive_path().trim());
        if saved.pads.iter().any(|p| !Path::new(&p.source.path).is_file()) {
            self.shared.status.update(|s| s.message = format!("Looking for the project's files in {}", folder.display()));
        }
        locate(saved, &folder, &self.shared.stop).ok_or(Interrupted)
    }

    /// Rebuild `saved` pad by pad, in their slots, from the files `located` found: each file is
    /// checked against its saved content hash and decoded once, only as far as its pads reach. A
    /// file gone or changed is named in the status and its pads skipped; the rest play. Empties
    /// every other slot. When files were found under new paths, the project saves those.
    pub(super) fn rebuild(&mut self, saved: &SavedBank, located: &Located) -> Result<(), Interrupted> {
        let status = &self.shared.status;
        let total = saved.pads.len();
        status.pads_mined.store(0, Ordering::Release);
        status.update(|s| {
            s.current_file.clear();
            s.last_error.clear();
            s.message = format!("Loading the {total} pads saved with the project");
        });
        self.kept.clear();
        let mut by_file: BTreeMap<&str, Vec<&SavedPad>> = BTreeMap::new();
        for pad in saved.pads.iter().filter(|p| usize::from(p.slot) < NUM_BANK_SLOTS) {
            by_file.entry(pad.source.path.as_str()).or_default().push(pad);
        }
        let mut problems: Vec<String> = Vec::new();
        for (path, pads) in by_file {
            self.check()?;
            let Some(Some(here)) = located.paths.get(path) else {
                problems.push(format!("{} (not found: moved or deleted?)", file_name_of(path)));
                continue;
            };
            match self.rebuild_file(here, &pads) {
                Ok(()) => {}
                Err(RebuildError::Interrupted) => return Err(Interrupted),
                Err(RebuildError::Unusable(problem)) => problems.push(problem),
            }
        }
        self.settle_bank()?;
        if located.moved > 0 {
            // The project names the files where they are now; pads not rebuilt stay as saved.
            let mut pads: Vec<SavedPad> = self.kept.iter().map(|k| k.saved.clone()).collect();
            pads.extend(saved.pads.iter().filter(|p| !self.kept.iter().any(|k| k.slot == p.slot)).cloned());
            pads.sort_by_key(|p| p.slot);
            self.params.bank.record(SavedBank { pads });
        }
        let num_pads = self.kept.len();
        self.shared.status.pads_mined.store(num_pads as u32, Ordering::Release);
        let moved = match located.moved {
            0 => String::new(),
            1 => String::from(" (1 file found by its content in the archive folder)"),
            n => format!(" ({n} files found by their content in the archive folder)"),
        };
        self.shared.status.update(|s| {
            s.message = if problems.is_empty() {
                format!("Loaded the {num_pads} pads saved with the project{moved}")
            } else {
                format!("Loaded {num_pads} of the {total} pads saved with the project{moved}; skipped: {}", problems.join("; "))
            };
            s.last_error = problems.join("; ");
        });
        Ok(())
    }

    /// Rebuild the saved pads of one file, found at `path`.
    fn rebuild_file(&mut self, path: &Path, pads: &[&SavedPad]) -> Result<(), RebuildError> {
        let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        let Some(first) = pads.first() else { return Ok(()) };
        let here = path.display().to_string();
        let hash = hash_file(path).map_err(|_| RebuildError::Unusable(format!("{name} (not found: moved or deleted?)")))?;
        if hash != first.source.content_hash {
            return Err(RebuildError::Unusable(format!("{name} (changed since the project was saved)")));
        }
        // Decode as far as the furthest pad reaches, with room for its loop's searches and fade
        // (and for a layer pad, the separator's look-ahead).
        let sr = f64::from(engine::ENGINE_SAMPLE_RATE_HZ);
        let reach_sec = pads.iter().map(|p| cut_reach_sec(&p.source)).fold(0.0, f64::max);
        let opening = load_opening(path, reach_sec + f64::from(DECODE_MARGIN_SEC), &self.load_options())
            .map_err(|e| if self.shared.stop.is_cancelled() { RebuildError::Interrupted } else { RebuildError::Unusable(format!("{name} ({e})")) })?;
        // The file's layers, once per separation setting its pads were mined with (usually one).
        let mut separated: Vec<(SeparationConfig, Layers)> = Vec::new();
        for saved in pads {
            self.check().map_err(|_| RebuildError::Interrupted)?;
            let layers = if saved.source.layer.is_mix() {
                None
            } else {
                let separation = saved.source.separation.clone().unwrap_or_default();
                let index = match separated.iter().position(|(s, _)| *s == separation) {
                    Some(index) => index,
                    None => {
                        let layers = self.separate(&opening.source, &separation).map_err(|problem| match problem {
                            None => RebuildError::Interrupted,
                            Some(problem) => RebuildError::Unusable(format!("{name} ({problem})")),
                        })?;
                        separated.push((separation, layers));
                        separated.len() - 1
                    }
                };
                Some(&separated[index].1)
            };
            let rebuilt = pad_from_source(&opening.source, layers, saved.source.clone(), saved.slot).filter(|m| m.info.pad_id == saved.pad_id);
            let Some(mined) = rebuilt else {
                return Err(RebuildError::Unusable(format!("{name} (its pad at {:.1} s could not be cut again)", saved.source.start_sample as f64 / sr)));
            };
            self.send_pad(saved.slot, mined).map_err(|_| RebuildError::Interrupted)?;
            let mut saved = (*saved).clone();
            saved.source.path.clone_from(&here);
            self.kept.push(Kept { slot: saved.slot, score: f32::INFINITY, provisional: false, saved, loaded_at: 0 });
        }
        Ok(())
    }

    /// `source`'s layers with `separation`'s settings, as mining made them, stopping when the
    /// plugin closes; Err(None) when it is closing, Err(Some) naming bad settings (a hand-edited
    /// project).
    pub(super) fn separate(&self, source: &SourceBuffer, separation: &SeparationConfig) -> Result<Layers, Option<String>> {
        separation.validate().map_err(|e| Some(e.to_string()))?;
        Separator::new(separation)
            .separate(&source.channels, source.sample_rate_hz, Some(&self.shared.stop))
            .map_err(|e| if self.shared.stop.is_cancelled() { None } else { Some(e.to_string()) })
    }
}

/// Why a file's saved pads were not rebuilt.
enum RebuildError {
    Interrupted,
    /// What to tell the musician.
    Unusable(String),
}

