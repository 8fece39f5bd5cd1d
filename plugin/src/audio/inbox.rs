//! The audio thread's side of the pad queues: takes finished pads from the mining thread into the
//! pad bank and sends the pads they replace back to be freed off the audio thread.

use engine::texture::{PadBank, RETIRE_FADE_MS};

use crate::queues::{AudioEnds, AudioToMiner, MinerToAudio, NUM_BANK_SLOTS};

/// How long a replaced pad stays readable, milliseconds: its grains fade over [`RETIRE_FADE_MS`],
/// with room to spare for the block they are in.
const RETIRE_MS: f32 = 4.0 * RETIRE_FADE_MS;

/// Audio-thread receiver of mined pads.
pub struct PadInbox {
    ends: AudioEnds,
    /// Frames a replaced pad stays readable at the current sample rate.
    retire_frames: usize,
}

impl PadInbox {
    /// Wrap the audio thread's queue ends. Realtime-safe: moves only.
    pub fn new(ends: AudioEnds) -> Self {
        let mut inbox = Self { ends, retire_frames: 0 };
        inbox.set_sample_rate(44_100.0);
        inbox
    }

    /// Size the retirement time for `sample_rate_hz`. Realtime-safe.
    pub fn set_sample_rate(&mut self, sample_rate_hz: f32) {
        self.retire_frames = (RETIRE_MS * 0.001 * sample_rate_hz.max(1000.0)) as usize;
    }

    /// Send back every replaced pad whose grains have had `elapsed_frames` more to fade. Realtime-safe.
    pub fn collect_retired(&mut self, bank: &mut PadBank, elapsed_frames: usize) {
        let to_miner = &mut self.ends.to_miner;
        bank.collect_retired(elapsed_frames, |pad| match to_miner.push(AudioToMiner::Spent(pad)) {
            Ok(()) => None,
            Err(rtrb::PushError::Full(AudioToMiner::Spent(pad))) => Some(pad),
        });
    }

    /// Apply every waiting message to `bank`, as long as the return queue has room for the pad a
    /// message may displace; otherwise the rest waits for the next call. A displaced pad retires
    /// (its grains fade) and comes back through [`Self::collect_retired`]; only when the bank's
    /// retiring places are full does it go back at once. Returns how many messages were applied.
    /// Realtime-safe: no allocation, no freeing, no locks.
    pub fn apply(&mut self, bank: &mut PadBank) -> usize {
        let mut applied = 0;
        // Each message displaces at most one pad, so one free return slot makes it safe to pop.
        while self.ends.to_miner.slots() > 0 {
            let Ok(message) = self.ends.from_miner.pop() else {
                break;
            };
            let displaced = match message {
                MinerToAudio::Insert { slot, pad } if usize::from(slot) < NUM_BANK_SLOTS => {
                    bank.insert_fading(usize::from(slot), pad, self.retire_frames)
                }
                // A slot the bank cannot hold: hand the pad straight back.
                MinerToAudio::Insert { pad, .. } => Some(pad),
                MinerToAudio::Remove { slot } if usize::from(slot) < NUM_BANK_SLOTS => {
                    bank.take_fading(usize::from(slot), self.retire_frames)
                }
                MinerToAudio::Remove { .. } => None,
            };
            if let Some(pad) = displaced {
                // Cannot fail: the loop condition checked for a free slot and only this thread
                // pushes into this queue. Should it ever fail, the pad is leaked rather than
                // freed here.
                if let Err(rtrb::PushError::Full(AudioToMiner::Spent(pad))) =
                    self.ends.to_miner.push(AudioToMiner::Spent(pad))
                {
                    std::mem::forget(pad);
                }
            }
            applied += 1;
        }
        applied
    }
}
