//! The pad queues between the mining thread and the audio thread (`rtrb`, owned payloads one way,
//! spent pads back to be freed off the audio thread: the creek / rtrb pattern), and the bank limits
//! both sides and the parameters size themselves by.

use engine::texture::Pad;

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
