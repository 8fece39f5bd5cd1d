//! Finding the audio files of an archive: recursive, deterministic, safe against symlink loops.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What a source is expected to give. Files named on the command line or found under
/// `paths.source_audio` are mined for everything the material allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Mined for pads, drones, swells and clouds when tonal, for hiss when noisy.
    Any,
    /// Hand-picked tonal material (`paths.pad_sources`): pads, drones, swells, clouds.
    Tonal,
    /// Percussive or noisy material (`paths.drums`): hiss, flickers, drum one-shots and room tone.
    Noisy,
}

/// One audio file to render from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourceFile {
    pub path: PathBuf,
    pub role: Role,
}

/// The result of a walk: the files to use and notes about what was passed over.
#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<SourceFile>,
    /// Human-readable notes: skipped unsupported files, unreadable folders, symlink loops.
    pub notes: Vec<String>,
}

/// Walks `roots` (files or folders) recursively. Hidden files and folders (leading `.`) are skipped
/// silently, unsupported files with a note, and each real folder is entered once, so symlink loops
/// end. Files come back sorted by path and without duplicates.
pub fn discover(roots: &[(PathBuf, Role)]) -> Discovery {
    let mut found = Discovery::default();
    let mut visited_dirs = HashSet::new();
    let mut seen_files = HashSet::new();
    for (root, role) in roots {
        match std::fs::metadata(root) {
            Ok(meta) if meta.is_dir() => walk_dir(root, *role, &mut visited_dirs, &mut seen_files, &mut found),
            Ok(_) => add_file(root, *role, &mut seen_files, &mut found, true),
            Err(err) => found.notes.push(format!("{}: cannot read: {err}", root.display())),
        }
    }
    found.files.sort();
    found
}

fn walk_dir(
    dir: &Path,
    role: Role,
    visited: &mut HashSet<PathBuf>,
    seen_files: &mut HashSet<PathBuf>,
    found: &mut Discovery,
) {
    let real = match dir.canonicalize() {
        Ok(real) => real,
        Err(err) => {
            found.notes.push(format!("{}: cannot read folder: {err}", dir.display()));
            return;
        }
    };
    if !visited.insert(real) {
        found.notes.push(format!("{}: already visited (symlink loop or repeat), skipped", dir.display()));
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            found.notes.push(format!("{}: cannot read folder: {err}", dir.display()));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if is_hidden(&path) {
            continue;
        }
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => walk_dir(&path, role, visited, seen_files, found),
            Ok(_) => add_file(&path, role, seen_files, found, false),
            Err(err) => found.notes.push(format!("{}: cannot read: {err}", path.display())),
        }
    }
}

fn add_file(path: &Path, role: Role, seen: &mut HashSet<PathBuf>, found: &mut Discovery, named: bool) {
    if !engine::source::is_supported(path) {
        // A file named explicitly deserves a note; stray files inside folders (cover art, session
        // files) are common enough that one note each is still useful but not an error.
        let why = if named { "not a supported audio file" } else { "unsupported file type, skipped" };
        found.notes.push(format!("{}: {why}", path.display()));
        return;
    }
    let key = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    if seen.insert(key) {
        found.files.push(SourceFile { path: path.to_path_buf(), role });
    }
}

fn is_hidden(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'))
}
