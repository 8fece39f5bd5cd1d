//! Denormal guard: sets flush-to-zero and denormals-are-zero in the x86-64 MXCSR for a scope and
//! restores the caller's mode on drop. Elsewhere it does nothing and the feedback paths flush themselves
//! (see `Biquad::process_sample`).

/// While alive, denormal floats are flushed to zero on this thread (x86-64 only).
#[derive(Debug)]
pub struct DenormalGuard {
    #[cfg(target_arch = "x86_64")]
    saved_mxcsr: u32,
}

#[cfg(target_arch = "x86_64")]
const FTZ_DAZ_BITS: u32 = (1 << 15) | (1 << 6);

impl DenormalGuard {
    /// Enables FTZ/DAZ until the guard drops. Realtime-safe.
    #[cfg(target_arch = "x86_64")]
    pub fn new() -> Self {
        let mut saved_mxcsr: u32 = 0;
        // SAFETY: `stmxcsr` stores the 32-bit control register into the local we point it at;
        // `ldmxcsr` loads a value that differs from the current one only in the FTZ and DAZ mode bits,
        // which every x86-64 CPU supports and which change no memory and no exception masks.
        unsafe {
            std::arch::asm!("stmxcsr [{}]", in(reg) &mut saved_mxcsr, options(nostack, preserves_flags));
            let wanted = saved_mxcsr | FTZ_DAZ_BITS;
            std::arch::asm!("ldmxcsr [{}]", in(reg) &wanted, options(nostack, preserves_flags, readonly));
        }
        Self { saved_mxcsr }
    }

    /// Does nothing on this architecture. Realtime-safe.
    #[cfg(not(target_arch = "x86_64"))]
    pub fn new() -> Self {
        Self {}
    }
}

impl Default for DenormalGuard {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for DenormalGuard {
    fn drop(&mut self) {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: restores the exact register value saved in `new` on this same thread.
        unsafe {
            std::arch::asm!("ldmxcsr [{}]", in(reg) &self.saved_mxcsr, options(nostack, preserves_flags, readonly));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_arch = "x86_64")]
    fn flushes_inside_and_restores_after() {
        let tiny = std::hint::black_box(f32::MIN_POSITIVE);
        let half = std::hint::black_box(0.5f32);
        assert!((tiny * half).is_subnormal());
        {
            let _guard = DenormalGuard::new();
            assert_eq!(std::hint::black_box(tiny * half), 0.0);
        }
        assert!((tiny * half).is_subnormal());
    }
}
