//! The grain pool: a fixed array of grains, a free list and an ordered list of active grains
//! (Mutable Instruments Clouds keeps a fixed 64-grain pool the same way). Nothing is allocated per grain.

use super::grain::Grain;

/// Fixed-capacity grain storage, sized once in `prepare`.
#[derive(Debug, Default)]
pub struct GrainPool {
    grains: Vec<Grain>,
    /// Indices of unused grains (a stack).
    free: Vec<u16>,
    /// Indices of grains in play, oldest first. Order only changes by appending and by order-preserving
    /// removal, so the mixing order (and therefore the rounding) never depends on block sizes.
    active: Vec<u16>,
}

impl GrainPool {
    /// A pool of `capacity` grains (at most 65 536). Not realtime-safe: allocates.
    pub fn with_capacity(capacity: usize, template: Grain) -> Self {
        let capacity = capacity.min(usize::from(u16::MAX) + 1);
        let mut pool = Self { grains: vec![template; capacity], free: Vec::with_capacity(capacity), active: Vec::with_capacity(capacity) };
        pool.clear();
        pool
    }

    /// Frees every grain. Realtime-safe.
    pub fn clear(&mut self) {
        self.active.clear();
        self.free.clear();
        self.free.extend((0..self.grains.len() as u32).rev().map(|i| i as u16));
    }

    /// Starts `grain`; false (grain dropped) when the pool is full. Realtime-safe.
    pub fn spawn(&mut self, grain: Grain) -> bool {
        match self.free.pop() {
            Some(i) => {
                self.grains[usize::from(i)] = grain;
                self.active.push(i);
                true
            }
            None => false,
        }
    }

    /// Returns finished grains to the free list, keeping the order of the others. Realtime-safe.
    pub fn collect_finished(&mut self) {
        let Self { grains, free, active } = self;
        active.retain(|&i| {
            let alive = grains[usize::from(i)].is_alive();
            if !alive {
                free.push(i);
            }
            alive
        });
    }

    /// Number of grains in play (finished ones count until `collect_finished`). Realtime-safe.
    pub fn num_active(&self) -> usize {
        self.active.len()
    }

    /// Grain slots in capacity. Realtime-safe.
    pub fn capacity(&self) -> usize {
        self.grains.len()
    }

    /// Calls `f` on every grain in play, oldest first. Realtime-safe.
    pub fn for_each_active(&mut self, mut f: impl FnMut(&mut Grain)) {
        let Self { grains, active, .. } = self;
        for &i in active.iter() {
            f(&mut grains[usize::from(i)]);
        }
    }

    /// The grains in play, oldest first. Realtime-safe.
    pub fn active(&self) -> impl Iterator<Item = &Grain> {
        self.active.iter().map(|&i| &self.grains[usize::from(i)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rt::WindowShape;

    fn grain(len: u32) -> Grain {
        Grain {
            octave: 0,
            bus: 0,
            slot: 0,
            pad_id: 0,
            pad_frames: 10,
            pos_fixed: 0,
            step_fixed: 1 << 32,
            delay_samples: 0,
            age_samples: 0,
            len_samples: len,
            window_step: Grain::window_step_for(len),
            window: WindowShape::Hann,
            mix: [1.0, 0.0, 0.0, 1.0],
            amp: 1.0,
            amp_step: 0.0,
        }
    }

    #[test]
    fn spawns_until_full_and_recycles_in_order() {
        let mut pool = GrainPool::with_capacity(4, grain(1));
        for len in 1..=4 {
            assert!(pool.spawn(grain(len)));
        }
        assert!(!pool.spawn(grain(9)));
        pool.for_each_active(|g| g.age_samples = 2);
        pool.collect_finished();
        let lens: Vec<u32> = pool.active().map(|g| g.len_samples).collect();
        assert_eq!(lens, vec![3, 4]);
        assert!(pool.spawn(grain(7)) && pool.spawn(grain(8)));
        assert_eq!(pool.num_active(), 4);
        pool.clear();
        assert_eq!((pool.num_active(), pool.capacity()), (0, 4));
    }
}
