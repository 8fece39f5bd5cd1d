//! Paths as text that reads the same on every system: what manifests, recipes and catalogue rows
//! store. Separators are `/` (Windows accepts them; on Linux a `\` is part of a name and stays),
//! a Windows verbatim prefix from `canonicalize` (`\\?\C:\`, `\\?\UNC\server\share\`) becomes the
//! plain form (`C:/`, `//server/share/`), and a file inside the pack's reach is written relative to
//! the file that names it, so a pack rendered on Linux and on Windows is the same, byte for byte.

use std::path::{Component, Path, Prefix};

/// `path` as portable text: `/` between components, no verbatim prefix.
pub fn portable_path(path: &Path) -> String {
    let mut text = String::new();
    let mut need_separator = false;
    for component in path.components() {
        match component {
            Component::Prefix(prefix) => {
                text.push_str(&match prefix.kind() {
                    Prefix::Disk(letter) | Prefix::VerbatimDisk(letter) => format!("{}:", char::from(letter)),
                    Prefix::UNC(server, share) | Prefix::VerbatimUNC(server, share) => {
                        format!("//{}/{}", server.to_string_lossy(), share.to_string_lossy())
                    }
                    Prefix::Verbatim(name) => format!("//?/{}", name.to_string_lossy()),
                    Prefix::DeviceNS(name) => format!("//./{}", name.to_string_lossy()),
                });
                need_separator = false;
            }
            Component::RootDir => {
                text.push('/');
                need_separator = false;
            }
            other => {
                if need_separator {
                    text.push('/');
                }
                text.push_str(&other.as_os_str().to_string_lossy());
                need_separator = true;
            }
        }
    }
    text
}

/// `path` relative to the folder `from_dir` (both made absolute first, without following links),
/// as portable text: `../../archive/take 1.wav`. When they share no folder (only the root, or not
/// even a drive or share), the absolute path.
pub fn relative_portable_path(path: &Path, from_dir: &Path) -> String {
    let (Ok(path), Ok(from_dir)) = (std::path::absolute(path), std::path::absolute(from_dir)) else {
        return portable_path(path);
    };
    let (to, from): (Vec<Component>, Vec<Component>) = (normal(&path), normal(&from_dir));
    let common = to.iter().zip(&from).take_while(|(a, b)| a == b).count();
    let root = to.iter().take_while(|c| !matches!(c, Component::Normal(_))).count();
    if common <= root {
        return portable_path(&path);
    }
    let ups = std::iter::repeat_n("..".to_string(), from.len() - common);
    let downs = to[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned());
    ups.chain(downs).collect::<Vec<_>>().join("/")
}

/// The components of an absolute path with `.` and `..` resolved by name.
fn normal(path: &Path) -> Vec<Component<'_>> {
    let mut out: Vec<Component> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.last(), Some(Component::Normal(_))) {
                    out.pop();
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_with_forward_slashes() {
        assert_eq!(portable_path(Path::new("fixtures/archive/01 pad.wav")), "fixtures/archive/01 pad.wav");
        assert_eq!(portable_path(Path::new("/home/ana/Takes/ü.wav")), "/home/ana/Takes/ü.wav");
        assert_eq!(relative_portable_path(Path::new("/a/archive/take 1.wav"), Path::new("/a/export/song/pads")), "../../../archive/take 1.wav");
        assert_eq!(relative_portable_path(Path::new("/a/b/c.wav"), Path::new("/a/b")), "c.wav");
        assert_eq!(relative_portable_path(Path::new("/a/./x/../b/c.wav"), Path::new("/a/b/")), "c.wav");
        // Sharing only the root: the absolute path reads better than a climb to it.
        assert_eq!(relative_portable_path(Path::new("/music/a.wav"), Path::new("/tmp/pack")), "/music/a.wav");
    }

    #[cfg(windows)]
    #[test]
    fn windows_paths_lose_their_backslashes_and_verbatim_prefixes() {
        assert_eq!(portable_path(Path::new(r"C:\Users\Ana\Takes\take 1.wav")), "C:/Users/Ana/Takes/take 1.wav");
        assert_eq!(portable_path(Path::new(r"\\?\C:\Users\Ana")), "C:/Users/Ana");
        assert_eq!(portable_path(Path::new(r"\\studio\archive\2019\mix.wav")), "//studio/archive/2019/mix.wav");
        assert_eq!(portable_path(Path::new(r"\\?\UNC\studio\archive\mix.wav")), "//studio/archive/mix.wav");
        assert_eq!(relative_portable_path(Path::new(r"C:\Music\take.wav"), Path::new(r"C:\Export\pads")), "../../Music/take.wav");
        assert_eq!(relative_portable_path(Path::new(r"D:\Music\take.wav"), Path::new(r"C:\Export")), "D:/Music/take.wav");
    }
}
