//! Background mining: the one thread the plugin owns. It walks the archive folder, decodes,
//! analyses and cuts pads with the engine, and hands each finished pad to the audio thread as an
//! owned buffer over an `rtrb` queue; replaced pads come back over a second queue and are freed here
//! (the creek / rtrb pattern: owned, preallocated payloads travel, the audio thread never frees).

pub mod archive_browser;
mod archive_load;
mod archive_record;
mod catalogue;
mod pads;
pub mod recall;
mod status;
mod worker;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;

use engine::texture::Pad;

pub use archive_browser::{ArchiveQuery, ArchiveShared, ArchiveSnapshot, ArchiveState, LoadRequest, MAX_LISTED_PADS};
pub use catalogue::{PadInfo, WAVEFORM_POINTS, catalogue_line, format_minutes_seconds};
pub use pads::{MinedPad, make_pad};
pub use worker::{FOLDER_CONFIG_NAME, MAX_MINED_SEC, folder_miner_config, list_audio_files};
pub use status::{MiningSnapshot, MiningStatus};

use crate::params::AfterglowParams;

/// Pads the bank can hold (the engine's bank size); also the number of slots the miner fills.
pub const NUM_BANK_SLOTS: usize = engine::texture::MAX_PADS;

/// Longest pad the miner cuts, seconds. With all 64 slots in use this bounds pad memory to about
/// 64 x 8 s x 2 channels x 4 bytes x 44.1 kHz x 1.875 (the pad and its octave copies for grains
/// pitched up) = 339 MB, whatever the archive's size; the bank size setting
/// (`AfterglowParams::bank_size`) lowers it.
pub const MAX_PAD_SEC: f32 = 8.0;

/// Smallest bank size the musician can choose.
pub const MIN_BANK_SIZE: usize = 4;

/// The most memory `pads` pads can take, bytes (stereo f32 at 44.1 kHz, [`MAX_PAD_SEC`] each, plus
/// their octave copies: half, a quarter and an eighth as many frames again).
pub fn bank_memory_bytes(pads: usize) -> usize {
    let frames = (MAX_PAD_SEC * engine::ENGINE_SAMPLE_RATE_HZ as f32) as usize;
    pads * (frames + frames / 2 + frames / 4 + frames / 8) * 2 * std::mem::size_of::<f32>()
}

/// Capacity of each queue. The audio thread only takes a pad when the return queue has room for
/// the one it replaces, so neither queue ever has to drop a payload.
const QUEUE_CAPACITY: usize = 2 * NUM_BANK_SLOTS;

/// Messages from the mining thread to the audio thread.
pub enum MinerToAudio {
    /// Put this pad into `slot`; the pad it replaces goes back as [`AudioToMiner::Spent`].
    Insert { slot: u16, pad: Pad },
    /// Empty `slot`; its pad goes back as [`AudioToMiner::Spent`].
    Remove { slot: u16 },
}

/// Messages from the audio thread back to the mining thread.
pub enum AudioToMiner {
    /// A pad the bank no longer holds, to be freed off the audio thread.
    Spent(Pad),
}

/// The audio thread's ends of the two queues.
pub struct AudioEnds {
    pub from_miner: rtrb::Consumer<MinerToAudio>,
    pub to_miner: rtrb::Producer<AudioToMiner>,
}

/// The mining thread's ends of the two queues.
pub struct MinerEnds {
    pub to_audio: rtrb::Producer<MinerToAudio>,
    pub from_audio: rtrb::Consumer<AudioToMiner>,
}

/// Both queues, as the pair of ends each side owns. Not realtime-safe: allocates.
pub fn pad_queues() -> (MinerEnds, AudioEnds) {
    let (to_audio, from_miner) = rtrb::RingBuffer::new(QUEUE_CAPACITY);
    let (to_miner, from_audio) = rtrb::RingBuffer::new(QUEUE_CAPACITY);
    (
        MinerEnds {
            to_audio,
            from_audio,
        },
        AudioEnds {
            from_miner,
            to_miner,
        },
    )
}

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
    let info = pads::builtin_info(pad, 0);
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
        let mut state = worker::WorkerState::new(ends, params, shared.clone(), filled_slots);
        let thread = std::thread::Builder::new()
            .name(String::from("afterglow-miner"))
            .spawn(move || state.run())?;
        let reader_shared = shared.clone();
        let reader = std::thread::Builder::new()
            .name(String::from("afterglow-catalogue"))
            .spawn(move || archive_browser::run_reader(reader_shared));
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
