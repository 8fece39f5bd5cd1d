//! Mining progress for the editor: counters in atomics, texts and the pad list in a snapshot the
//! mining thread publishes and the editor copies.
//!
//! The audio thread never touches this. The snapshot's lock is shared only by the mining thread
//! and the editor, and the editor only ever `try_lock`s it (keeping its previous copy when the
//! miner is mid-update), so neither the audio thread nor the GUI ever waits on mining.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

use super::catalogue::PadInfo;

/// What the editor shows about mining: texts and the list of pads in the bank.
#[derive(Debug, Clone, Default)]
pub struct MiningSnapshot {
    /// The archive folder of the current (or last) session.
    pub archive_path: String,
    /// The file being decoded or analysed, empty when idle.
    pub current_file: String,
    /// The last error (a file that failed to decode, a folder that does not exist), empty if none.
    pub last_error: String,
    /// A one-line summary for the musician ("Mining 3 of 12 files", "Done: 40 pads", ...).
    pub message: String,
    /// What became of the last session's pads in the shared catalogue (added, or why not).
    pub catalogue_message: String,
    /// One entry per bank slot; `None` for an empty slot.
    pub pads: Vec<Option<PadInfo>>,
    /// Bumped on every publish, so the editor can tell a new snapshot from its copy.
    pub revision: u64,
}

/// Shared progress of the mining thread.
#[derive(Debug)]
pub struct MiningStatus {
    /// Files finished (decoded and mined, or failed) in the current session.
    pub files_done: AtomicU32,
    /// Audio files found in the current session's folder.
    pub files_total: AtomicU32,
    /// Pads sent to the audio thread in the current session.
    pub pads_mined: AtomicU32,
    /// True while a session is running.
    pub busy: AtomicBool,
    /// Revision of the latest published snapshot.
    revision: AtomicU64,
    snapshot: Mutex<MiningSnapshot>,
}

impl MiningStatus {
    pub fn new() -> Self {
        Self {
            files_done: AtomicU32::new(0),
            files_total: AtomicU32::new(0),
            pads_mined: AtomicU32::new(0),
            busy: AtomicBool::new(false),
            revision: AtomicU64::new(0),
            snapshot: Mutex::new(MiningSnapshot::default()),
        }
    }

    /// Change the snapshot on the mining thread (blocks only against an editor copying it).
    pub fn update(&self, change: impl FnOnce(&mut MiningSnapshot)) {
        let mut guard = match self.snapshot.lock() {
            Ok(guard) => guard,
            // The snapshot is plain data; a panic mid-update leaves it readable.
            Err(poisoned) => poisoned.into_inner(),
        };
        change(&mut guard);
        guard.revision += 1;
        self.revision.store(guard.revision, Ordering::Release);
    }

    /// The latest snapshot's revision, without locking.
    pub fn revision(&self) -> u64 {
        self.revision.load(Ordering::Acquire)
    }

    /// Copy the snapshot into `out` if a newer one is available and the lock is free; returns
    /// whether `out` changed. Never blocks.
    pub fn try_copy_into(&self, out: &mut MiningSnapshot) -> bool {
        if self.revision() == out.revision {
            return false;
        }
        match self.snapshot.try_lock() {
            Ok(guard) => {
                out.clone_from(&guard);
                true
            }
            Err(_) => false,
        }
    }

    /// A copy of the snapshot, waiting for the lock. For tests and the mining thread.
    pub fn snapshot(&self) -> MiningSnapshot {
        match self.snapshot.lock() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}

impl Default for MiningStatus {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_only_newer_snapshots() {
        let status = MiningStatus::new();
        let mut copy = MiningSnapshot::default();
        assert!(!status.try_copy_into(&mut copy));
        status.update(|s| s.message = String::from("Mining"));
        assert!(status.try_copy_into(&mut copy));
        assert_eq!(copy.message, "Mining");
        assert!(!status.try_copy_into(&mut copy));
    }
}
