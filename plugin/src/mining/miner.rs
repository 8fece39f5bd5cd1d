//! The threads mining owns: the mining thread (walk, decode, analyse, cut pads) and the catalogue
//! reader (the archive view's queries), started together and stopped and joined together.

use std::sync::Arc;
use std::thread::JoinHandle;

use super::archive_browser::run_reader;
use super::shared::MiningShared;
use super::worker::WorkerState;
use crate::params::AfterglowParams;
use crate::queues::MinerEnds;

/// The running mining thread and the catalogue reader's; stops and joins them when dropped.
pub struct Miner {
    shared: Arc<MiningShared>,
    thread: Option<JoinHandle<()>>,
    reader: Option<JoinHandle<()>>,
}

impl Miner {
    /// Start the mining thread. It watches `params`' archive path (set by the editor or restored
    /// from state) and mines whenever it changes or a mine request arrives. `filled_slots` are the
    /// slots the audio side already holds (the built-in pad). Not realtime-safe: spawns a thread.
    pub fn spawn(
        ends: MinerEnds,
        params: Arc<AfterglowParams>,
        shared: Arc<MiningShared>,
        filled_slots: &[u16],
    ) -> std::io::Result<Self> {
        let mut state = WorkerState::new(ends, params, shared.clone(), filled_slots);
        let thread = std::thread::Builder::new()
            .name(String::from("afterglow-miner"))
            .spawn(move || state.run())?;
        let reader_shared = shared.clone();
        let reader = std::thread::Builder::new()
            .name(String::from("afterglow-catalogue"))
            .spawn(move || run_reader(&reader_shared.archive, &reader_shared.stop));
        let reader = match reader {
            Ok(reader) => reader,
            Err(error) => {
                shared.stop.cancel();
                let _ = thread.join();
                return Err(error);
            }
        };
        Ok(Self {
            shared,
            thread: Some(thread),
            reader: Some(reader),
        })
    }
}

impl Drop for Miner {
    fn drop(&mut self) {
        self.shared.stop.cancel();
        self.shared.archive.wake_reader();
        // A panic on either thread has already been reported by the panic hook; there is nothing
        // left to clean up here.
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }
}
