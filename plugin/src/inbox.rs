//! The audio thread's side of the pad queues: takes finished pads from the mining thread into the
//! pad bank and sends the pads they replace back to be freed off the audio thread.

use engine::texture::PadBank;

use crate::mining::{AudioEnds, AudioToMiner, MinerToAudio, NUM_BANK_SLOTS};

/// Audio-thread receiver of mined pads.
pub struct PadInbox {
    ends: AudioEnds,
}

impl PadInbox {
    /// Wrap the audio thread's queue ends. Realtime-safe: moves only.
    pub fn new(ends: AudioEnds) -> Self {
        Self { ends }
    }

    /// Apply every waiting message to `bank`, as long as the return queue has room for the pad a
    /// message may displace; otherwise the rest waits for the next call. Returns how many
    /// messages were applied. Realtime-safe: no allocation, no freeing, no locks.
    pub fn apply(&mut self, bank: &mut PadBank) -> usize {
        let mut applied = 0;
        // Each message displaces at most one pad, so one free return slot makes it safe to pop.
        while self.ends.to_miner.slots() > 0 {
            let Ok(message) = self.ends.from_miner.pop() else {
                break;
            };
            let displaced = match message {
                MinerToAudio::Insert { slot, pad } if usize::from(slot) < NUM_BANK_SLOTS => {
                    bank.insert(usize::from(slot), pad)
                }
                // A slot the bank cannot hold: hand the pad straight back.
                MinerToAudio::Insert { pad, .. } => Some(pad),
                MinerToAudio::Remove { slot } if usize::from(slot) < NUM_BANK_SLOTS => {
                    bank.take(usize::from(slot))
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
