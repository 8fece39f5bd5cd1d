//! Writing a file so that a reader sees the old file or the whole new one, never half of one: the
//! bytes go to a hidden temporary sibling, which is synced and renamed over the target. Every file
//! afterglow writes for a musician (WAVs, manifests, recipes) goes through here.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// How much the write must survive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// The file and its folder entry are synced: the write survives a power cut.
    Synced,
    /// Renamed into place without syncing (fast; for files that are cheap to make again).
    Unsynced,
}

/// Distinguishes temporary files of concurrent writers within one process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// The temporary sibling of `path`: hidden, ending in `.part`, unique to this process and call.
fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    path.with_file_name(format!(".{name}.{}-{n}.part", std::process::id()))
}

/// `error` with `path` and what was being done in front of its message.
fn naming(path: &Path, doing: &str, error: io::Error) -> io::Error {
    io::Error::new(error.kind(), format!("{}: {doing}: {error}", path.display()))
}

/// Runs `write` on a new temporary file next to `path`, syncs it (when [`Durability::Synced`]) and
/// renames it over `path`, then syncs the folder (when synced). On any failure the temporary file
/// is removed and `path` is untouched; the error names the file and the step that failed.
pub fn write_atomically<E>(
    path: &Path,
    durability: Durability,
    write: impl FnOnce(&mut File) -> Result<(), E>,
) -> Result<(), E>
where
    E: From<io::Error>,
{
    let temp = temp_path(path);
    let result = (|| {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&temp)
            .map_err(|e| naming(&temp, "cannot create", e))?;
        write(&mut file)?;
        if durability == Durability::Synced {
            file.sync_all().map_err(|e| naming(&temp, "cannot sync", e))?;
        }
        drop(file);
        std::fs::rename(&temp, path).map_err(|e| E::from(naming(path, "cannot rename into place", e)))
    })();
    if result.is_err() {
        // Best effort: the write already failed, and a leftover hidden `.part` file is harmless.
        let _ = std::fs::remove_file(&temp);
        return result;
    }
    if durability == Durability::Synced {
        // Make the rename itself durable; not every platform can open a folder, so best effort.
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()).and_then(|d| File::open(d).ok()) {
            let _ = dir.sync_all();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn replaces_whole_or_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("take.txt");
        write_atomically::<io::Error>(&path, Durability::Synced, |f| f.write_all(b"first")).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"first");

        let failed = write_atomically(&path, Durability::Unsynced, |f| {
            f.write_all(b"half of a second")?;
            Err(io::Error::other("disk full"))
        });
        assert_eq!(failed.unwrap_err().to_string(), "disk full");
        assert_eq!(std::fs::read(&path).unwrap(), b"first", "a failed write touched the file");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["take.txt"], "a temporary file was left behind");

        let temp = temp_path(&dir.path().join("pad.wav"));
        let temp_name = temp.file_name().unwrap().to_string_lossy();
        assert_eq!(temp.parent(), Some(dir.path()), "same folder, so the rename cannot cross devices");
        assert!(temp_name.starts_with('.') && temp_name.ends_with(".part") && !temp_name.ends_with(".wav"));

        let missing = dir.path().join("no such folder").join("x.txt");
        let error = write_atomically::<io::Error>(&missing, Durability::Synced, |_| Ok(())).unwrap_err();
        assert!(error.to_string().contains("no such folder") && error.to_string().contains("cannot create"), "{error}");
    }
}
