//! `render --from-catalogue`: the pack's sources and pads come from a catalogue query (the `pads`
//! filters) instead of folders. Each recording is mined once, from its best copy: pads of the
//! other copies `afterglow duplicates` finds are left out of the query, and the rendered rows and
//! the summary name the copies that were skipped.
//!
//! Render mines the chosen files again with its own config and keeps the pads whose region ids the
//! query returned, so a pack from the catalogue holds the very regions a render of the folders
//! would (same `[pad_miner]` settings as the scan). Where that cannot hold (the file changed since
//! the scan, or the scan used other miner settings), all the file's pads are rendered and a note
//! says why.

use crate::cli::PadFilterArgs;
use crate::config::Config;
use crate::manifest::ManifestRow;
use crate::pads_query::{open_existing, pad_query};
use anyhow::Result;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

/// What a catalogue query chose to render.
#[derive(Debug, Default)]
pub struct CatalogueSelection {
    /// The files holding the chosen pads (best copies only), in path order.
    pub files: Vec<PathBuf>,
    /// Per file (path as catalogued): the region ids of its chosen pads. A file missing here is
    /// rendered with all its pads (see the notes).
    pub regions: HashMap<String, HashSet<String>>,
    /// Per file: the other copies of its recording, not mined.
    pub skipped_copies: BTreeMap<String, Vec<String>>,
    /// Notes for the summary.
    pub notes: Vec<String>,
}

impl CatalogueSelection {
    /// Runs the query `filter` describes against its catalogue; `config` is the render's, whose
    /// miner settings must be the scan's for the chosen regions to reappear.
    pub fn query(filter: &PadFilterArgs, config: &Config) -> Result<Self> {
        let cat = open_existing(filter.catalogue.as_deref())?;
        let duplicates = cat.duplicates()?;
        let mut selection = Self::default();
        let mut skipped: HashSet<&str> = HashSet::new();
        for group in &duplicates.groups {
            skipped.extend(group.skipped().iter().map(|c| c.path.as_str()));
        }
        // The query without its limit, then the copies dropped, then the limit: the limit counts
        // distinct recordings' pads.
        let mut query = pad_query(filter, 0);
        let limit = std::mem::take(&mut query.limit);
        let mut pads = cat.pads(&query)?;
        pads.retain(|p| !skipped.contains(p.path.as_str()));
        if limit > 0 {
            pads.truncate(limit);
        }
        if pads.is_empty() {
            anyhow::bail!("no catalogued pads match (list them with `afterglow pads`)");
        }

        let stamps = cat.file_stamps()?;
        let settings = crate::scan::mine_settings(config).fingerprint();
        let mut by_file: BTreeMap<&str, HashSet<String>> = BTreeMap::new();
        for p in &pads {
            by_file.entry(p.path.as_str()).or_default().insert(p.id.clone());
        }
        for (path, ids) in by_file {
            let Ok(meta) = std::fs::metadata(path) else {
                selection.notes.push(format!("{path}: catalogued but gone (run `afterglow scan` again); its pads were left out"));
                continue;
            };
            let stamp = stamps.get(path);
            let mtime_ns = meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map(|d| d.as_nanos() as i64);
            let unchanged = stamp.is_some_and(|s| s.size_bytes == meta.len() && Some(s.mtime_ns) == mtime_ns);
            let same_settings = stamp.is_some_and(|s| s.miner_fingerprint == settings);
            if !unchanged {
                selection.notes.push(format!("{path}: changed since the last scan: all its pads rendered (scan again to choose among them)"));
            } else if !same_settings {
                selection.notes.push(format!(
                    "{path}: scanned with other [pad_miner], [hiss_miner] or [brightness_tags] settings than this config: all its pads rendered (scan again with this config to choose among them)"
                ));
            } else {
                selection.regions.insert(path.to_string(), ids);
            }
            selection.files.push(PathBuf::from(path));
        }
        for group in &duplicates.groups {
            let kept = &group.kept().path;
            if selection.files.iter().any(|f| f.to_str() == Some(kept.as_str())) {
                let copies: Vec<String> = group.skipped().iter().map(|c| c.path.clone()).collect();
                selection.notes.push(format!("{kept}: rendered once for its recording; copies skipped: {}", copies.join(", ")));
                selection.skipped_copies.insert(kept.clone(), copies);
            }
        }
        if duplicates.num_without_fingerprint > 0 {
            selection.notes.push(format!(
                "{} catalogued file(s) have no fingerprint yet, so their copies could not be recognised (run `afterglow scan` again)",
                duplicates.num_without_fingerprint
            ));
        }
        Ok(selection)
    }

    /// The region ids to keep for the source at `path`, or `None` for all of its pads.
    pub fn regions_of(&self, path: &std::path::Path) -> Option<&HashSet<String>> {
        path.to_str().and_then(|p| self.regions.get(p))
    }

    /// A digest of the choice, for the resume fingerprint: an earlier pack rendered with other
    /// pads chosen is not reused.
    pub fn digest(&self) -> String {
        let mut ids: Vec<String> =
            self.regions.iter().flat_map(|(path, ids)| ids.iter().map(move |id| format!("{path}\u{1f}{id}"))).collect();
        ids.sort();
        ids.join("\u{1e}")
    }

    /// Notes on the rows of each rendered recording which copies were skipped.
    pub fn annotate(&self, rows: &mut [ManifestRow]) {
        for row in rows {
            if let Some(copies) = self.skipped_copies.get(&row.source) {
                let note = format!("other copies of this recording, not mined: {}", copies.join(", "));
                if !row.notes.contains(&note) {
                    row.notes = if row.notes.is_empty() { note } else { format!("{}; {note}", row.notes) };
                }
            }
        }
    }
}
