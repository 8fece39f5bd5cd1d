//! Finding a saved bank's files again on another system, or after the archive moved: a project
//! names each pad's file by its path where it was saved (`D:\Takes\pad.wav` on Windows) and by the
//! hash of its bytes. A file not at its saved path is looked for under the archive folder, by
//! content: first the files with its name (whichever separator the saved path used), then, for a
//! renamed file, every other audio file there. Each file is hashed at most once per search.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use engine::CancelFlag;
use engine::source::hash_file_until;

use crate::persist::SavedBank;
use super::worker::list_audio_files;

/// Where each file of a saved bank is on this system.
#[derive(Debug, Default)]
pub struct Located {
    /// Saved path -> the file with that content here (`None`: not found).
    pub paths: BTreeMap<String, Option<PathBuf>>,
    /// Files found under another path than the saved one.
    pub moved: usize,
    /// Files found nowhere.
    pub missing: usize,
}

/// The last part of a path written on any system (split on `/` and `\`).
pub fn file_name_of(saved_path: &str) -> &str {
    saved_path.rsplit(['/', '\\']).next().unwrap_or(saved_path)
}

/// Looks up every file `bank` names: at its saved path when a file is there, else under `folder`
/// by content hash. `None` when `cancel` is raised mid-search.
pub fn locate(bank: &SavedBank, folder: &Path, cancel: &CancelFlag) -> Option<Located> {
    let mut wanted: BTreeMap<&str, &str> = BTreeMap::new();
    for pad in &bank.pads {
        wanted.entry(pad.source.path.as_str()).or_insert(pad.source.content_hash.as_str());
    }
    let mut search = Search { folder, files: None, hashes: HashMap::new(), cancel };
    let mut located = Located::default();
    for (saved_path, hash) in wanted {
        let found = if Path::new(saved_path).is_file() {
            Some(PathBuf::from(saved_path))
        } else if hash.is_empty() {
            None
        } else {
            let found = search.by_content(file_name_of(saved_path), hash)?;
            located.moved += usize::from(found.is_some());
            found
        };
        located.missing += usize::from(found.is_none());
        located.paths.insert(saved_path.to_string(), found);
    }
    Some(located)
}

/// One search of the archive folder: its files listed once, each hashed at most once.
struct Search<'a> {
    folder: &'a Path,
    files: Option<Vec<PathBuf>>,
    hashes: HashMap<PathBuf, Option<String>>,
    cancel: &'a CancelFlag,
}

impl Search<'_> {
    /// The file under the folder whose bytes hash to `hash`, trying those named `name` (ignoring
    /// case, as Windows does) first. `None` when cancelled; `Some(None)` when there is none.
    fn by_content(&mut self, name: &str, hash: &str) -> Option<Option<PathBuf>> {
        let folder = self.folder;
        let files = self.files.get_or_insert_with(|| if folder.is_dir() { list_audio_files(folder).files } else { Vec::new() });
        let named = |file: &PathBuf| file.file_name().is_some_and(|n| n.to_string_lossy().eq_ignore_ascii_case(name));
        let (same_name, others): (Vec<PathBuf>, Vec<PathBuf>) = files.iter().cloned().partition(named);
        for file in same_name.into_iter().chain(others) {
            let digest = match self.hashes.get(&file) {
                Some(digest) => digest.clone(),
                None => {
                    // An unreadable file is simply not the one.
                    let digest = match hash_file_until(&file, Some(self.cancel)) {
                        Ok(None) => return None,
                        Ok(Some(digest)) => Some(digest),
                        Err(_) => None,
                    };
                    self.hashes.insert(file.clone(), digest.clone());
                    digest
                }
            };
            if digest.as_deref() == Some(hash) {
                return Some(Some(file));
            }
        }
        Some(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::persist::SavedPad;
    use engine::recipe::RecipeSource;
    use engine::source::hash_file;

    fn pad(path: &str, hash: &str) -> SavedPad {
        let source = RecipeSource { path: path.to_string(), content_hash: hash.to_string(), ..RecipeSource::builtin() };
        SavedPad { slot: 0, pad_id: 0, source }
    }

    #[test]
    fn names_split_on_either_separator() {
        assert_eq!(file_name_of(r"D:\Takes\old pad.wav"), "old pad.wav");
        assert_eq!(file_name_of("/home/me/takes/pad.flac"), "pad.flac");
        assert_eq!(file_name_of(r"\\studio\share\x/y\z.wav"), "z.wav");
        assert_eq!(file_name_of("pad.wav"), "pad.wav");
    }

    #[test]
    fn finds_files_by_content_under_any_name_and_misses_what_is_gone() {
        let folder = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(folder.path().join("sub")).unwrap();
        let (a, b, decoy) = (folder.path().join("sub/A.WAV"), folder.path().join("renamed.wav"), folder.path().join("b.wav"));
        std::fs::write(&a, b"first take").unwrap();
        std::fs::write(&b, b"second take").unwrap();
        // Same name as the saved `b.wav`, other content: not the file.
        std::fs::write(&decoy, b"something else").unwrap();
        let (hash_a, hash_b) = (hash_file(&a).unwrap(), hash_file(&b).unwrap());
        let here = folder.path().join("renamed.wav").display().to_string();
        let bank = SavedBank {
            pads: vec![
                pad(r"D:\Takes\a.wav", &hash_a),
                pad(r"D:\Takes\b.wav", &hash_b),
                pad(r"D:\Takes\gone.wav", "0123456789abcdef"),
                pad(&here, &hash_b),
            ],
        };
        let located = locate(&bank, folder.path(), &CancelFlag::new()).unwrap();
        assert_eq!(located.paths[r"D:\Takes\a.wav"].as_deref(), Some(a.as_path()), "found by name, ignoring case");
        assert_eq!(located.paths[r"D:\Takes\b.wav"].as_deref(), Some(b.as_path()), "found by content under another name");
        assert_eq!(located.paths[r"D:\Takes\gone.wav"], None);
        assert_eq!(located.paths[&here].as_deref(), Some(b.as_path()), "a file at its saved path is taken as it is");
        assert_eq!((located.moved, located.missing), (2, 1));
    }

    #[test]
    fn a_cancelled_search_gives_up() {
        let folder = tempfile::tempdir().unwrap();
        std::fs::write(folder.path().join("a.wav"), b"take").unwrap();
        let cancel = CancelFlag::new();
        cancel.cancel();
        let bank = SavedBank { pads: vec![pad(r"D:\a.wav", "0123456789abcdef")] };
        assert!(locate(&bank, folder.path(), &cancel).is_none());
    }
}
