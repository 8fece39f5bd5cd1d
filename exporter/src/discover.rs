//! Finding the audio files of an archive: the catalogue's archive walk
//! ([`catalogue::walk`](mod@catalogue::walk) states the rules), with the role each root gives its
//! files.

use catalogue::walk::{WalkNote, Walker};
use std::path::PathBuf;

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
    /// Unsupported files, unreadable folders, symlink loops, folders too deep (each reads as a line).
    pub notes: Vec<WalkNote>,
}

/// Walks `roots` (files or folders) by the [`catalogue::walk`](mod@catalogue::walk) rules. A file
/// reachable from several roots is listed once, with the role of the first root that reaches it.
/// Files come back sorted by path.
pub fn discover(roots: &[(PathBuf, Role)]) -> Discovery {
    let mut walker = Walker::default();
    let mut files = Vec::new();
    for (root, role) in roots {
        files.extend(walker.walk_root(root).into_iter().map(|path| SourceFile { path, role: *role }));
    }
    files.sort();
    Discovery { files, notes: walker.into_notes() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_file_gets_the_role_of_the_first_root_that_reaches_it() {
        let dir = tempfile::tempdir().unwrap();
        for rel in ["pads/a.wav", "pads/b.wav", "drums/c.wav", "cover.jpg"] {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, b"").unwrap();
        }
        let roots = [
            (dir.path().join("pads/b.wav"), Role::Noisy),
            (dir.path().join("pads"), Role::Tonal),
            (dir.path().to_path_buf(), Role::Any),
        ];
        let found = discover(&roots);
        let got: Vec<(String, Role)> =
            found.files.iter().map(|f| (f.path.strip_prefix(dir.path()).unwrap().display().to_string(), f.role)).collect();
        let want = [("drums/c.wav", Role::Any), ("pads/a.wav", Role::Tonal), ("pads/b.wav", Role::Noisy)];
        assert_eq!(got, want.map(|(p, r)| (p.to_string(), r)));
        let notes: Vec<String> = found.notes.iter().map(ToString::to_string).collect();
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].ends_with("cover.jpg: not a supported audio file type, skipped"));
        assert!(notes[1].ends_with("pads: folder already walked by another path, skipped"));
    }
}
