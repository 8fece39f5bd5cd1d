//! What one run of a grain is: where it starts reading and how its read position, window phase
//! and mix move. Shared by the portable loop and the AVX2 kernels.

/// 2^-24: turns the top 24 bits of a 32-bit fraction into 0..1 exactly.
pub(super) const FRAC_SCALE: f32 = 1.0 / 16_777_216.0;

/// Where a run starts and how it moves.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Run {
    /// Pad read position, 32.32 fixed point; every sample of the run reads inside the pad.
    pub pos: i64,
    /// Pad frames per output sample, 32.32 fixed point (negative backwards).
    pub step: i64,
    /// Window-table phase, 32.32 fixed point, increasing.
    pub phase: u64,
    pub phase_step: u64,
    /// Output mix `[left<-L, left<-R, right<-L, right<-R]` with the grain's amplitude applied.
    pub mix: [f32; 4],
}
