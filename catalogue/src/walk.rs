//! Walking an archive: the one set of rules by which every front end turns the roots it was given
//! (files or folders) into the list of audio files to decode. The exporter's commands (`render`,
//! `analyze`, `scan`, through `afterglow_exporter::discover`) and the plugin's miner all call
//! [`walk`] or a [`Walker`], so one folder gives the same files, hence the same pads, everywhere.
//!
//! The rules, stated here once:
//! - **Roots.** A root that is a folder is walked; a root that is a file is taken as named, even
//!   when hidden (it must still be a supported type). A root that cannot be read is noted.
//! - **Hidden** files and folders (name starting with `.`) below a root are skipped silently:
//!   `.DS_Store`, `.git`, editor and sync-tool folders are never music.
//! - **Symbolic links** to files and to folders are followed. Each real folder (by its
//!   canonical path) is entered once: a link back into a folder being walked is noted as a loop,
//!   a second way into a folder already walked is noted as a repeat. A broken link is noted.
//! - **Depth.** Folders more than [`MAX_WALK_DEPTH`] levels below their root are not entered
//!   (noted), so a pathological tree cannot keep the walk going for ever.
//! - **Types.** Files without a supported extension ([`engine::source::is_supported`]) are
//!   noted and not listed; so are devices, pipes and sockets.
//! - **Empty files** (0 bytes) with a supported extension are listed: decoding then reports them
//!   as bad files by name ([`engine::Error::Empty`]), the way every bad input is reported.
//! - **Unreadable folders** (permissions, vanished meanwhile) are noted; the walk carries on.
//! - **Order.** Files come back sorted by path, each file once: several paths to one file (a
//!   link beside its target) give the first in path order (roots in the order given).

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

/// Deepest folder nesting entered below a root: a root's own files are at depth 0, its
/// sub-folders' at 1, and so on up to this.
pub const MAX_WALK_DEPTH: usize = 16;

/// Why the walk passed over something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// Not one of [`engine::source::SUPPORTED_EXTENSIONS`].
    Unsupported,
    /// Neither a file nor a folder (a device, pipe or socket).
    NotAFile,
    /// A link into a folder the walk is inside already: following it would never end.
    SymlinkLoop,
    /// A folder walked already, reached again by another path (a second link, nested roots).
    AlreadyWalked,
    /// A folder more than [`MAX_WALK_DEPTH`] levels below its root.
    TooDeep,
    /// A symbolic link whose target does not exist.
    BrokenLink,
    /// Could not be read; the operating system's message.
    Unreadable(String),
}

impl SkipReason {
    /// Whether audio may be missing from the listing because of this (a folder not read or not
    /// entered, a broken link), as opposed to something passed over by rule.
    pub fn may_hide_audio(&self) -> bool {
        matches!(self, Self::TooDeep | Self::BrokenLink | Self::Unreadable(_))
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unsupported => f.write_str("not a supported audio file type, skipped"),
            Self::NotAFile => f.write_str("not a regular file, skipped"),
            Self::SymlinkLoop => f.write_str("link back into a folder being walked (a symlink loop), not followed"),
            Self::AlreadyWalked => f.write_str("folder already walked by another path, skipped"),
            Self::TooDeep => write!(f, "more than {MAX_WALK_DEPTH} folders deep, not entered"),
            Self::BrokenLink => f.write_str("broken symbolic link, skipped"),
            Self::Unreadable(error) => write!(f, "cannot read: {error}"),
        }
    }
}

/// Something the walk passed over, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkNote {
    /// The path as the walk reached it (through links, not canonical).
    pub path: PathBuf,
    pub reason: SkipReason,
}

impl fmt::Display for WalkNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.reason)
    }
}

/// What a walk found: the audio files, sorted by path, and notes on what it passed over.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Walk {
    pub files: Vec<PathBuf>,
    /// In the order the walk met them.
    pub notes: Vec<WalkNote>,
}

/// The audio files under `roots`, by the rules in the [module documentation](self).
pub fn walk<P: AsRef<Path>>(roots: &[P]) -> Walk {
    let mut walker = Walker::default();
    let mut files = Vec::new();
    for root in roots {
        files.extend(walker.walk_root(root.as_ref()));
    }
    files.sort();
    Walk { files, notes: walker.into_notes() }
}

/// A walk over several roots taken one at a time, for callers that attach something per root
/// (the exporter's roles). Folders and files met under one root are not listed again under the
/// next.
#[derive(Debug, Default)]
pub struct Walker {
    /// Canonical paths of the folders entered so far.
    walked_dirs: HashSet<PathBuf>,
    /// Canonical paths of the folders the walk is inside right now (root first).
    inside: Vec<PathBuf>,
    /// Canonical paths of the files listed so far.
    listed_files: HashSet<PathBuf>,
    notes: Vec<WalkNote>,
}

impl Walker {
    /// The audio files under `root` (a folder, or a file taken as named) that this walker has
    /// not listed yet, sorted by path.
    pub fn walk_root(&mut self, root: &Path) -> Vec<PathBuf> {
        let mut files = Vec::new();
        match std::fs::metadata(root) {
            Ok(meta) if meta.is_dir() => self.walk_dir(root, 0, &mut files),
            Ok(meta) => self.take_file(root, &meta, &mut files),
            Err(error) => self.note(root, unreadable_or_broken(root, &error)),
        }
        files.sort();
        files
    }

    /// The notes of every root walked so far.
    pub fn notes(&self) -> &[WalkNote] {
        &self.notes
    }

    /// The notes of every root walked, in the order met, when the walk is over.
    pub fn into_notes(self) -> Vec<WalkNote> {
        self.notes
    }

    fn note(&mut self, path: &Path, reason: SkipReason) {
        self.notes.push(WalkNote { path: path.to_path_buf(), reason });
    }

    /// Lists the audio files of `dir`, `depth` levels below its root, and walks its sub-folders.
    fn walk_dir(&mut self, dir: &Path, depth: usize, files: &mut Vec<PathBuf>) {
        let real = match dir.canonicalize() {
            Ok(real) => real,
            Err(error) => return self.note(dir, SkipReason::Unreadable(error.to_string())),
        };
        if self.inside.contains(&real) {
            return self.note(dir, SkipReason::SymlinkLoop);
        }
        if !self.walked_dirs.insert(real.clone()) {
            return self.note(dir, SkipReason::AlreadyWalked);
        }
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(error) => return self.note(dir, SkipReason::Unreadable(error.to_string())),
        };
        let mut paths = Vec::new();
        for entry in entries {
            match entry {
                Ok(entry) => paths.push(entry.path()),
                Err(error) => self.note(dir, SkipReason::Unreadable(error.to_string())),
            }
        }
        paths.sort();
        self.inside.push(real);
        for path in paths.into_iter().filter(|p| !is_hidden(p)) {
            match std::fs::metadata(&path) {
                Ok(meta) if meta.is_dir() && depth >= MAX_WALK_DEPTH => self.note(&path, SkipReason::TooDeep),
                Ok(meta) if meta.is_dir() => self.walk_dir(&path, depth + 1, files),
                Ok(meta) => self.take_file(&path, &meta, files),
                Err(error) => self.note(&path, unreadable_or_broken(&path, &error)),
            }
        }
        self.inside.pop();
    }

    /// Lists `path` when it is a supported audio file not listed yet; notes it when not audio.
    fn take_file(&mut self, path: &Path, meta: &std::fs::Metadata, files: &mut Vec<PathBuf>) {
        if !meta.is_file() {
            return self.note(path, SkipReason::NotAFile);
        }
        if !engine::source::is_supported(path) {
            return self.note(path, SkipReason::Unsupported);
        }
        let real = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        if self.listed_files.insert(real) {
            files.push(path.to_path_buf());
        }
    }
}

/// A path whose metadata could not be read: a broken link, or unreadable.
fn unreadable_or_broken(path: &Path, error: &std::io::Error) -> SkipReason {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if is_link && error.kind() == std::io::ErrorKind::NotFound {
        SkipReason::BrokenLink
    } else {
        SkipReason::Unreadable(error.to_string())
    }
}

fn is_hidden(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n.as_encoded_bytes().starts_with(b"."))
}


#[cfg(test)]
mod tests {
    use super::*;

    /// Creates each of `rels` under `dir` (folders as needed) with a few bytes.
    fn touch(dir: &Path, rels: &[&str]) {
        for rel in rels {
            let path = dir.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, b"RIFF").unwrap();
        }
    }

    /// The walk's files, relative to `dir`, as strings.
    fn listed(dir: &Path, walk: &Walk) -> Vec<String> {
        walk.files.iter().map(|p| p.strip_prefix(dir).unwrap().display().to_string()).collect()
    }

    fn reasons(walk: &Walk) -> Vec<&SkipReason> {
        walk.notes.iter().map(|n| &n.reason).collect()
    }

    #[test]
    fn walk_skips_hidden_files_and_folders_silently() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), &["a.wav", ".b.wav", ".git/c.wav", "d/.e.wav", "d/f.wav"]);
        let found = walk(&[dir.path()]);
        assert_eq!(listed(dir.path(), &found), ["a.wav", "d/f.wav"]);
        assert!(found.notes.is_empty(), "{:?}", found.notes);
    }

    #[test]
    fn walk_takes_a_file_named_as_a_root_even_when_hidden() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), &[".hidden.wav", ".hidden folder/x.wav"]);
        let found = walk(&[dir.path().join(".hidden.wav"), dir.path().join(".hidden folder")]);
        assert_eq!(listed(dir.path(), &found), [".hidden folder/x.wav", ".hidden.wav"]);
    }

    #[test]
    fn walk_notes_unsupported_files_and_matches_extensions_in_any_case() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), &["a.WAV", "b.Flac", "cover.jpg", "notes.txt", "song.mid", "no extension"]);
        let found = walk(&[dir.path()]);
        assert_eq!(listed(dir.path(), &found), ["a.WAV", "b.Flac"]);
        assert_eq!(reasons(&found), [&SkipReason::Unsupported; 4]);
        let named = walk(&[dir.path().join("notes.txt")]);
        assert_eq!(reasons(&named), [&SkipReason::Unsupported], "a named file is noted too");
    }

    #[test]
    fn walk_lists_empty_files_for_decoding_to_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("empty.wav"), b"").unwrap();
        let found = walk(&[dir.path()]);
        assert_eq!(listed(dir.path(), &found), ["empty.wav"]);
        let error = engine::source::load(&found.files[0], &engine::source::LoadOptions::default()).unwrap_err();
        assert!(matches!(error, engine::Error::Empty { .. }), "{error}");
    }

    #[test]
    fn walk_enters_folders_down_to_the_depth_limit_and_notes_deeper_ones() {
        let dir = tempfile::tempdir().unwrap();
        let mut deepest = PathBuf::new();
        for level in 1..=MAX_WALK_DEPTH {
            deepest.push(level.to_string());
        }
        let bottom = deepest.join("bottom.wav").display().to_string();
        let below = deepest.join("too deep").join("x.wav").display().to_string();
        touch(dir.path(), &[&bottom, &below]);
        let found = walk(&[dir.path()]);
        assert_eq!(listed(dir.path(), &found), [bottom]);
        assert_eq!(found.notes, [WalkNote { path: dir.path().join(&deepest).join("too deep"), reason: SkipReason::TooDeep }]);
    }

    #[test]
    fn walk_sorts_by_path_and_lists_each_file_once_across_roots() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), &["b/z.wav", "b/a.wav", "a.wav", "b/c/m.wav"]);
        let b = dir.path().join("b");
        let found = walk(&[b.join("z.wav"), dir.path().to_path_buf(), b.clone()]);
        assert_eq!(listed(dir.path(), &found), ["a.wav", "b/a.wav", "b/c/m.wav", "b/z.wav"]);
        assert_eq!(found.notes, [WalkNote { path: b, reason: SkipReason::AlreadyWalked }], "a root inside a root");
    }

    #[test]
    fn walker_gives_each_root_only_what_earlier_roots_did_not() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), &["x/1.wav", "x/2.wav", "y/3.wav"]);
        let mut walker = Walker::default();
        assert_eq!(walker.walk_root(&dir.path().join("x/2.wav")), [dir.path().join("x/2.wav")]);
        assert_eq!(walker.walk_root(dir.path()), [dir.path().join("x/1.wav"), dir.path().join("y/3.wav")]);
        assert!(walker.notes().is_empty());
    }

    #[test]
    fn walk_notes_a_missing_root() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("gone");
        let found = walk(&[&missing]);
        assert!(found.files.is_empty());
        assert!(matches!(&found.notes[..], [WalkNote { path, reason: SkipReason::Unreadable(_) }] if *path == missing));
    }

    #[test]
    fn notes_read_as_path_and_reason() {
        let note = |reason| WalkNote { path: PathBuf::from("archive/loop"), reason }.to_string();
        assert_eq!(note(SkipReason::SymlinkLoop), "archive/loop: link back into a folder being walked (a symlink loop), not followed");
        assert_eq!(note(SkipReason::TooDeep), format!("archive/loop: more than {MAX_WALK_DEPTH} folders deep, not entered"));
        assert_eq!(note(SkipReason::Unreadable("Permission denied".into())), "archive/loop: cannot read: Permission denied");
        assert_eq!(note(SkipReason::Unsupported), "archive/loop: not a supported audio file type, skipped");
        assert!(SkipReason::TooDeep.may_hide_audio() && !SkipReason::Unsupported.may_hide_audio());
    }

    #[cfg(unix)]
    mod links {
        use super::*;
        use std::os::unix::fs::symlink;

        #[test]
        fn walk_follows_links_to_files_and_folders_and_lists_each_real_file_once() {
            let dir = tempfile::tempdir().unwrap();
            let outside = tempfile::tempdir().unwrap();
            touch(dir.path(), &["a.wav", "real/r.wav"]);
            touch(outside.path(), &["o.wav", "folder/f.wav"]);
            symlink(outside.path().join("o.wav"), dir.path().join("linked.wav")).unwrap();
            symlink(outside.path().join("folder"), dir.path().join("linked folder")).unwrap();
            symlink(dir.path().join("a.wav"), dir.path().join("z second name.wav")).unwrap();
            // Earlier in path order than `real`: the folder is walked under the link's name.
            symlink(dir.path().join("real"), dir.path().join("q link")).unwrap();
            let found = walk(&[dir.path()]);
            assert_eq!(listed(dir.path(), &found), ["a.wav", "linked folder/f.wav", "linked.wav", "q link/r.wav"]);
            assert_eq!(found.notes, [WalkNote { path: dir.path().join("real"), reason: SkipReason::AlreadyWalked }]);
        }

        #[test]
        fn walk_ends_a_symlink_loop_with_a_note() {
            let dir = tempfile::tempdir().unwrap();
            touch(dir.path(), &["a/b/x.wav"]);
            symlink("../..", dir.path().join("a/b/up")).unwrap();
            symlink(dir.path().join("a/b"), dir.path().join("a/b/self")).unwrap();
            let found = walk(&[dir.path()]);
            assert_eq!(listed(dir.path(), &found), ["a/b/x.wav"]);
            assert_eq!(reasons(&found), [&SkipReason::SymlinkLoop; 2]);
        }

        #[test]
        fn walk_notes_a_broken_link() {
            let dir = tempfile::tempdir().unwrap();
            symlink(dir.path().join("nowhere.wav"), dir.path().join("broken.wav")).unwrap();
            let found = walk(&[dir.path()]);
            assert!(found.files.is_empty());
            assert_eq!(reasons(&found), [&SkipReason::BrokenLink]);
        }

        #[test]
        fn walk_notes_an_unreadable_folder_and_carries_on() {
            use std::os::unix::fs::PermissionsExt;
            let dir = tempfile::tempdir().unwrap();
            touch(dir.path(), &["locked/x.wav", "open/y.wav"]);
            let locked = dir.path().join("locked");
            std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
            let readable_anyway = std::fs::read_dir(&locked).is_ok(); // root reads every folder
            let found = walk(&[dir.path()]);
            std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
            if readable_anyway {
                eprintln!("running as root: every folder is readable, nothing to check");
                return;
            }
            assert_eq!(listed(dir.path(), &found), ["open/y.wav"]);
            assert!(matches!(&found.notes[..], [WalkNote { path, reason: SkipReason::Unreadable(_) }] if *path == locked));
        }
    }

    #[test]
    fn walk_lists_what_the_messy_folder_fixture_expects() {
        let dir = tempfile::tempdir().unwrap();
        let expected = fixtures::messy_folder::build(dir.path(), MAX_WALK_DEPTH);
        let found = walk(&[dir.path()]);
        let files: Vec<PathBuf> = found.files.iter().map(|p| p.strip_prefix(dir.path()).unwrap().to_path_buf()).collect();
        assert_eq!(files, expected, "notes: {:#?}", found.notes);
        let noted: Vec<(String, SkipReason)> =
            found.notes.iter().map(|n| (n.path.file_name().unwrap().to_string_lossy().into_owned(), n.reason.clone())).collect();
        let mut expected_notes = vec![(format!("d{}", MAX_WALK_DEPTH + 1), SkipReason::TooDeep)];
        expected_notes.push(("notes.txt".into(), SkipReason::Unsupported));
        if cfg!(unix) {
            expected_notes.push(("loop".into(), SkipReason::SymlinkLoop));
        }
        expected_notes.push(("song.mid".into(), SkipReason::Unsupported));
        assert_eq!(noted, expected_notes);
    }
}
