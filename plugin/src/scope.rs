//! Live view of the audio thread for the editor: grain positions, voice counts and the keys held
//! down, in atomics written once per host buffer by the audio thread and read by the editor
//! without locks.

use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use engine::texture::MAX_GRAINS;

/// Grain positions (0..1 of their pad) and counts, published by the audio thread.
#[derive(Debug)]
pub struct GrainScope {
    positions: Box<[AtomicU32]>,
    num_positions: AtomicUsize,
    num_active_grains: AtomicUsize,
    /// Number of filled slots in the bank, as the audio thread sees it.
    num_pads: AtomicUsize,
    /// Velocity bits of each MIDI key held down (0.0 when up), for "Capture recipe".
    held_velocities: Box<[AtomicU32]>,
}

impl GrainScope {
    /// Not realtime-safe: allocates room for [`MAX_GRAINS`] positions.
    pub fn new() -> Self {
        Self {
            positions: (0..MAX_GRAINS).map(|_| AtomicU32::new(0)).collect(),
            num_positions: AtomicUsize::new(0),
            num_active_grains: AtomicUsize::new(0),
            num_pads: AtomicUsize::new(0),
            held_velocities: (0..128).map(|_| AtomicU32::new(0)).collect(),
        }
    }

    /// Publish the velocity of every key (0 when up), indexed by MIDI note. Realtime-safe.
    pub fn publish_held(&self, velocities: &[f32; 128]) {
        for (slot, &velocity) in self.held_velocities.iter().zip(velocities) {
            slot.store(velocity.to_bits(), Ordering::Relaxed);
        }
    }

    /// The velocities last published by [`Self::publish_held`], indexed by MIDI note.
    /// Realtime-safe.
    pub fn held_velocities(&self) -> [f32; 128] {
        let mut out = [0.0; 128];
        for (value, bits) in out.iter_mut().zip(self.held_velocities.iter()) {
            *value = f32::from_bits(bits.load(Ordering::Relaxed));
        }
        out
    }

    /// Publish the audio thread's view. Realtime-safe.
    pub fn publish(&self, positions: &[f32], num_active_grains: usize, num_pads: usize) {
        let count = positions.len().min(self.positions.len());
        for (slot, &position) in self.positions.iter().zip(&positions[..count]) {
            slot.store(position.to_bits(), Ordering::Relaxed);
        }
        self.num_positions.store(count, Ordering::Release);
        self.num_active_grains
            .store(num_active_grains, Ordering::Relaxed);
        self.num_pads.store(num_pads, Ordering::Relaxed);
    }

    /// Copy the latest grain positions into `out` (cleared first). Not realtime-safe: may grow `out`.
    pub fn read_positions(&self, out: &mut Vec<f32>) {
        out.clear();
        let count = self.num_positions.load(Ordering::Acquire);
        out.extend(
            self.positions[..count]
                .iter()
                .map(|bits| f32::from_bits(bits.load(Ordering::Relaxed))),
        );
    }

    /// Grains sounding at the last publish. Realtime-safe.
    pub fn num_active_grains(&self) -> usize {
        self.num_active_grains.load(Ordering::Relaxed)
    }

    /// Filled bank slots at the last publish. Realtime-safe.
    pub fn num_pads(&self) -> usize {
        self.num_pads.load(Ordering::Relaxed)
    }
}

impl Default for GrainScope {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publishes_and_reads_back() {
        let scope = GrainScope::new();
        scope.publish(&[0.25, 0.5, 0.75], 3, 1);
        let mut out = Vec::new();
        scope.read_positions(&mut out);
        assert_eq!(out, vec![0.25, 0.5, 0.75]);
        assert_eq!(scope.num_active_grains(), 3);
        scope.publish(&[], 0, 1);
        scope.read_positions(&mut out);
        assert!(out.is_empty());
        let mut held = [0.0; 128];
        held[60] = 0.75;
        scope.publish_held(&held);
        assert_eq!(scope.held_velocities(), held);
    }
}
