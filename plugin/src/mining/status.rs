//! Mining progress for the editor: counters in atomics, texts and the pad list in a snapshot the
//! mining thread publishes and the editor copies.
//!
//! The audio thread never touches this; the snapshot is a [`Published`] one, so the editor never
//! waits on mining.

use std::sync::atomic::{AtomicBool, AtomicU32};

use super::catalogue::PadInfo;
use crate::published::{Published, Revisioned};

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
    snapshot: Published<MiningSnapshot>,
}

impl Revisioned for MiningSnapshot {
    fn revision(&self) -> u64 {
        self.revision
    }
    fn revision_mut(&mut self) -> &mut u64 {
        &mut self.revision
    }
}

impl MiningStatus {
    pub fn new() -> Self {
        Self {
            files_done: AtomicU32::new(0),
            files_total: AtomicU32::new(0),
            pads_mined: AtomicU32::new(0),
            busy: AtomicBool::new(false),
            snapshot: Published::new(),
        }
    }

    /// Change the snapshot on the mining thread (blocks only against an editor copying it).
    pub fn update(&self, change: impl FnOnce(&mut MiningSnapshot)) {
        self.snapshot.update(change);
    }

    /// The latest snapshot's revision, without locking.
    pub fn revision(&self) -> u64 {
        self.snapshot.revision()
    }

    /// Copy the snapshot into `out` if a newer one is available and the lock is free; returns
    /// whether `out` changed. Never blocks.
    pub fn try_copy_into(&self, out: &mut MiningSnapshot) -> bool {
        self.snapshot.try_copy_into(out)
    }

    /// A copy of the snapshot, waiting for the lock. For tests and the mining thread.
    pub fn snapshot(&self) -> MiningSnapshot {
        self.snapshot.snapshot()
    }
}

impl Default for MiningStatus {
    fn default() -> Self {
        Self::new()
    }
}
