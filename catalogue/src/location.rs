//! Where the catalogue lives: `--catalogue FILE`, else `AFTERGLOW_CATALOGUE`, else the user's data
//! directory (`$XDG_DATA_HOME/afterglow/catalogue.sqlite`, falling back to `~/.local/share`).

use std::path::{Path, PathBuf};

/// Environment variable naming the catalogue file.
pub const CATALOGUE_ENV: &str = "AFTERGLOW_CATALOGUE";

/// File name of the catalogue inside the data directory.
pub const CATALOGUE_FILE_NAME: &str = "catalogue.sqlite";

/// The default catalogue path: `$XDG_DATA_HOME/afterglow/catalogue.sqlite`, or
/// `$HOME/.local/share/afterglow/catalogue.sqlite` (on macOS `~/Library/Application Support`,
/// on Windows `%APPDATA%`), or `./catalogue.sqlite` when no home is known.
pub fn default_path() -> PathBuf {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    let data_dir = if cfg!(target_os = "windows") {
        var("APPDATA")
    } else if cfg!(target_os = "macos") {
        var("HOME").map(|h| h.join("Library/Application Support"))
    } else {
        var("XDG_DATA_HOME").filter(|p| p.is_absolute()).or_else(|| var("HOME").map(|h| h.join(".local/share")))
    };
    match data_dir {
        Some(dir) => dir.join("afterglow").join(CATALOGUE_FILE_NAME),
        None => PathBuf::from(CATALOGUE_FILE_NAME),
    }
}

/// The catalogue to use: `explicit` (from `--catalogue`), else `AFTERGLOW_CATALOGUE`, else
/// [`default_path`].
pub fn resolve_path(explicit: Option<&Path>) -> PathBuf {
    explicit
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os(CATALOGUE_ENV).filter(|v| !v.is_empty()).map(PathBuf::from))
        .unwrap_or_else(default_path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_path_wins() {
        assert_eq!(resolve_path(Some(Path::new("/tmp/x.sqlite"))), PathBuf::from("/tmp/x.sqlite"));
    }

    #[test]
    fn default_ends_in_afterglow_folder() {
        let p = default_path();
        assert!(p.ends_with(Path::new("afterglow").join(CATALOGUE_FILE_NAME)) || p == Path::new(CATALOGUE_FILE_NAME));
    }
}
