//! What the plugin, the editor, the mining thread and the catalogue reader share about mining:
//! progress, mine requests, the stop flag and the archive view's catalogue state.

use std::sync::atomic::{AtomicU64, Ordering};

use engine::texture::Pad;

use super::archive_browser::ArchiveShared;
use super::pads::builtin_info;
use super::status::MiningStatus;
use crate::queues::NUM_BANK_SLOTS;

/// State shared by the plugin, the editor and the mining thread.
pub struct MiningShared {
    /// Progress and the list of mined pads, for the editor.
    pub status: MiningStatus,
    /// Bumped by the editor's "Mine" button: mine the current path again even if unchanged.
    pub mine_requests: AtomicU64,
    /// Raised when the plugin is dropped: decoding and analysis stop at their next check and the
    /// thread exits, so closing a project never waits for a file to finish.
    pub stop: engine::CancelFlag,
    /// The shared catalogue: the archive view's queries and answers, and pads to load from it.
    pub archive: ArchiveShared,
}

impl MiningShared {
    pub fn new() -> Self {
        Self {
            status: MiningStatus::new(),
            mine_requests: AtomicU64::new(0),
            stop: engine::CancelFlag::new(),
            archive: ArchiveShared::default(),
        }
    }

    /// Ask the miner to mine the archive path again. Realtime-safe.
    pub fn request_mine(&self) {
        self.mine_requests.fetch_add(1, Ordering::Release);
    }
}

impl Default for MiningShared {
    fn default() -> Self {
        Self::new()
    }
}

/// Show the built-in texture in `slot` 0 of the editor's pad list. Not realtime-safe: allocates.
pub fn publish_builtin(status: &MiningStatus, pad: &Pad) {
    let info = builtin_info(pad, 0);
    status.update(|s| {
        if s.pads.len() < NUM_BANK_SLOTS {
            s.pads.resize(NUM_BANK_SLOTS, None);
        }
        s.pads[0] = Some(info);
        if s.message.is_empty() {
            s.message = String::from("Playing the built-in texture: choose an archive folder to mine");
        }
    });
}
