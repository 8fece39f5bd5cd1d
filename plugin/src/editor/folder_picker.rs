//! The folder dialog (the archive folder, the captures folder): the system's folder chooser (the desktop portal on Linux, the
//! native dialogs on Windows and macOS) run on its own thread, so the host's window keeps
//! drawing while it is open. Where there is no chooser (no desktop session), it returns at once
//! with nothing and the musician types the path instead.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::{Duration, Instant};

/// A dialog answering faster than this was not seen by anyone: there is no chooser here.
const UNSEEN_DIALOG: Duration = Duration::from_millis(300);

/// What the last dialog came back with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Picked {
    Folder(PathBuf),
    Cancelled,
    /// No dialog could be shown (it answered before anyone could have seen it).
    Unavailable,
}

/// One folder dialog at a time. Not realtime-safe: spawns a thread.
#[derive(Debug, Default)]
pub struct FolderPicker {
    /// The dialog thread's answer: the folder, if any, and how long the dialog was up.
    pending: Option<Receiver<(Option<PathBuf>, Duration)>>,
}

impl FolderPicker {
    /// Whether a dialog is open.
    pub fn is_open(&self) -> bool {
        self.pending.is_some()
    }

    /// Opens the archive folder dialog at `start` (when it exists) unless one is open already.
    pub fn open(&mut self, start: &Path) {
        self.open_titled(start, "Choose the archive folder");
    }

    /// Opens a folder dialog titled `title` at `start` (when it exists) unless one is open already.
    pub fn open_titled(&mut self, start: &Path, title: &'static str) {
        if self.pending.is_some() {
            return;
        }
        let (tx, rx) = channel();
        let start = start.is_dir().then(|| start.to_path_buf());
        let spawned = std::thread::Builder::new().name("afterglow folder dialog".into()).spawn(move || {
            let opened = Instant::now();
            let mut dialog = rfd::FileDialog::new().set_title(title);
            if let Some(start) = start {
                dialog = dialog.set_directory(start);
            }
            let picked = dialog.pick_folder();
            let _ = tx.send((picked, opened.elapsed()));
        });
        if spawned.is_ok() {
            self.pending = Some(rx);
        }
    }

    /// The dialog's answer once it has one (call every frame).
    pub fn poll(&mut self) -> Option<Picked> {
        let picked = match self.pending.as_ref()?.try_recv() {
            Ok((Some(folder), _)) => Picked::Folder(folder),
            Ok((None, shown_for)) if shown_for < UNSEEN_DIALOG => Picked::Unavailable,
            Ok((None, _)) | Err(TryRecvError::Disconnected) => Picked::Cancelled,
            Err(TryRecvError::Empty) => return None,
        };
        self.pending = None;
        Some(picked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_desktop_the_dialog_says_so_at_once() {
        let mut picker = FolderPicker::default();
        assert_eq!(picker.poll(), None);
        // Only where no chooser can appear: on a desktop this would open a real dialog.
        let desktop = ["DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY"].iter().any(|v| std::env::var_os(v).is_some());
        if !cfg!(target_os = "linux") || desktop {
            return;
        }
        picker.open(Path::new("/no/such/folder"));
        assert!(picker.is_open());
        let started = Instant::now();
        let mut answer = None;
        while answer.is_none() && started.elapsed() < Duration::from_secs(10) {
            answer = picker.poll();
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(answer, Some(Picked::Unavailable));
        assert!(!picker.is_open());
    }
}
