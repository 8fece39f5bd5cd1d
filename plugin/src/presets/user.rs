//! User presets: one preset file per preset in the user's data folder
//! (`$XDG_DATA_HOME/afterglow/presets`, else `~/.local/share/afterglow/presets` on Linux and other
//! Unixes; `%APPDATA%\afterglow\presets` on Windows; `~/Library/Application
//! Support/afterglow/presets` on macOS): list, save, load, rename and delete. Every write is
//! atomic (temporary sibling, sync, rename); file names are made safe from preset names; every
//! error names the file. GUI thread (small files).

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use catalogue::atomic_file::{Durability, write_atomically};

use super::format::{Preset, PresetError, preset_from_text, preset_to_text};

/// Longest file stem made from a preset name, characters.
const MAX_STEM_CHARS: usize = 80;

/// The user's data folder on the operating system `os` (`std::env::consts::OS`), from the
/// environment `var` reads; `None` when the variables it needs are unset.
///
/// A short function rather than a crate: no crate for platform folders (`dirs`, `directories`,
/// `etcetera`) is among this workspace's dependencies or its offline registry, and the three
/// rules below are all the plugin needs (the XDG base directory spec's data home, the Windows
/// roaming application data folder, the macOS application support folder).
pub fn data_folder(os: &str, var: impl Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let non_empty = |name: &str| var(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    match os {
        "windows" => non_empty("APPDATA"),
        "macos" => non_empty("HOME").map(|home| home.join("Library").join("Application Support")),
        // The spec ignores a relative XDG_DATA_HOME.
        _ => non_empty("XDG_DATA_HOME").filter(|p| p.is_absolute()).or_else(|| non_empty("HOME").map(|home| home.join(".local").join("share"))),
    }
}

/// Where this user's presets live on this system (see [`data_folder`]), or `None` when the
/// environment names no home.
pub fn user_presets_folder() -> Option<PathBuf> {
    data_folder(std::env::consts::OS, |name| std::env::var_os(name)).map(|data| data.join("afterglow").join("presets"))
}

/// `name` made safe as a file stem on every system: letters, digits, spaces and `-_()&+.` kept,
/// anything else `-`; no leading or trailing dots or spaces; at most [`MAX_STEM_CHARS`]; the
/// names Windows reserves get a `_`. An error for a blank name.
pub fn file_stem(name: &str) -> Result<String, PresetError> {
    let kept: String = name
        .trim()
        .chars()
        .map(|c| if c.is_alphanumeric() || " -_()&+.".contains(c) { c } else { '-' })
        .take(MAX_STEM_CHARS)
        .collect();
    let stem = kept.trim_matches(|c| c == ' ' || c == '.').to_owned();
    if stem.is_empty() {
        return Err(PresetError::new(name, "a preset needs a name"));
    }
    let upper = stem.to_ascii_uppercase();
    let reserved = ["CON", "PRN", "AUX", "NUL"].contains(&upper.as_str())
        || ((upper.starts_with("COM") || upper.starts_with("LPT")) && upper.len() == 4 && upper.as_bytes()[3].is_ascii_digit());
    Ok(if reserved { format!("{stem}_") } else { stem })
}

/// The user's preset folder and what can be done in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserPresets {
    folder: PathBuf,
}

impl UserPresets {
    /// Presets in `folder` (created on the first save).
    pub fn new(folder: impl Into<PathBuf>) -> Self {
        Self { folder: folder.into() }
    }

    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// The file a preset called `name` is saved to.
    pub fn path_for(&self, name: &str) -> Result<PathBuf, PresetError> {
        Ok(self.folder.join(format!("{}.toml", file_stem(name)?)))
    }

    /// Every preset file in the folder, sorted by file name, and an error for each file that is
    /// not a readable preset. A folder that does not exist yet holds none.
    pub fn list(&self) -> (Vec<(PathBuf, Preset)>, Vec<PresetError>) {
        let entries = match std::fs::read_dir(&self.folder) {
            Ok(entries) => entries,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return (Vec::new(), Vec::new()),
            Err(error) => return (Vec::new(), vec![PresetError::new(self.folder.display().to_string(), format!("cannot list the folder: {error}"))]),
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            // Hidden files include the temporary files of writes in progress.
            .filter(|p| p.extension().is_some_and(|e| e == "toml") && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
            .collect();
        paths.sort();
        let mut presets = Vec::new();
        let mut errors = Vec::new();
        for path in paths {
            match load(&path) {
                Ok((preset, _notes)) => presets.push((path, preset)),
                Err(error) => errors.push(error),
            }
        }
        (presets, errors)
    }

    /// Save `preset` under its name; with `replace` false, an existing preset of that (file)
    /// name is an error. Returns the file written.
    pub fn save(&self, preset: &Preset, replace: bool) -> Result<PathBuf, PresetError> {
        let path = self.path_for(&preset.name)?;
        if !replace && path.exists() {
            return Err(PresetError::new(path.display().to_string(), format!("a preset called \"{}\" is already saved here", preset.name)));
        }
        write(&path, preset)?;
        Ok(path)
    }

    /// Give the preset in `path` the name `new_name` (and the file name that goes with it).
    /// Returns the new file; an existing preset of the new name is an error.
    pub fn rename(&self, path: &Path, new_name: &str) -> Result<PathBuf, PresetError> {
        let (mut preset, _notes) = load(path)?;
        preset.name = new_name.trim().to_owned();
        let new_path = self.path_for(&preset.name)?;
        if new_path == path {
            write(path, &preset)?;
            return Ok(new_path);
        }
        if new_path.exists() {
            return Err(PresetError::new(new_path.display().to_string(), format!("a preset called \"{}\" is already saved here", preset.name)));
        }
        write(&new_path, &preset)?;
        std::fs::remove_file(path).map_err(|e| PresetError::new(path.display().to_string(), format!("saved as {} but cannot remove the old file: {e}", new_path.display())))?;
        Ok(new_path)
    }

    /// Delete the preset file `path`.
    pub fn delete(&self, path: &Path) -> Result<(), PresetError> {
        std::fs::remove_file(path).map_err(|e| PresetError::new(path.display().to_string(), format!("cannot delete: {e}")))
    }
}

/// Read the preset file `path`, with the notes on what it held that this version does not know.
pub fn load(path: &Path) -> Result<(Preset, Vec<String>), PresetError> {
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| PresetError::new(&origin, format!("cannot read: {e}")))?;
    preset_from_text(&text, &origin)
}

/// Write `preset` to `path` atomically, creating the folder.
fn write(path: &Path, preset: &Preset) -> Result<(), PresetError> {
    let origin = path.display().to_string();
    let text = preset_to_text(preset).map_err(|e| PresetError::new(&origin, e.problem))?;
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder).map_err(|e| PresetError::new(folder.display().to_string(), format!("cannot create the preset folder: {e}")))?;
    }
    write_atomically(path, Durability::Synced, |file| file.write_all(text.as_bytes()))
        .map_err(|e| PresetError::new(&origin, format!("cannot write: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| OsString::from(v))
    }

    #[test]
    fn the_data_folder_follows_each_systems_convention() {
        let linux = [("HOME", "/home/ann"), ("XDG_DATA_HOME", "/data/ann")];
        assert_eq!(data_folder("linux", env(&linux)), Some(PathBuf::from("/data/ann")));
        let relative = [("HOME", "/home/ann"), ("XDG_DATA_HOME", "data")];
        assert_eq!(data_folder("linux", env(&relative)), Some(PathBuf::from("/home/ann/.local/share")));
        assert_eq!(data_folder("freebsd", env(&[("HOME", "/home/ann"), ("XDG_DATA_HOME", "")])), Some(PathBuf::from("/home/ann/.local/share")));
        assert_eq!(data_folder("macos", env(&linux)), Some(PathBuf::from("/home/ann/Library/Application Support")));
        assert_eq!(data_folder("windows", env(&[("APPDATA", r"C:\Users\ann\AppData\Roaming"), ("HOME", "/x")])), Some(PathBuf::from(r"C:\Users\ann\AppData\Roaming")));
        assert_eq!(data_folder("windows", env(&[("HOME", "/x")])), None);
        assert_eq!(data_folder("linux", env(&[])), None);
    }

    #[test]
    fn file_names_are_made_safe() {
        let stem = |name: &str| file_stem(name).expect(name);
        assert_eq!(stem("  Tape Shimmer (dark)  "), "Tape Shimmer (dark)");
        assert_eq!(stem("a/b\\c:d*e?f\"g<h>i|j"), "a-b-c-d-e-f-g-h-i-j");
        assert_eq!(stem("../../etc/passwd"), "-..-etc-passwd", "no path climbs out of the folder");
        assert_eq!(stem("Nébuleuse"), "Nébuleuse");
        assert_eq!(stem("con"), "con_");
        assert_eq!(stem("COM3"), "COM3_");
        assert_eq!(stem("trailing dot."), "trailing dot");
        assert_eq!(stem(&"x".repeat(200)).chars().count(), MAX_STEM_CHARS);
        assert!(file_stem("   ").is_err() && file_stem("...").is_err());
    }
}
