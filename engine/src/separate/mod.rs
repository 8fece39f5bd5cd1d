//! Harmonic / percussive / residual separation ("layers"): a source split into its sustained,
//! pitched material (pads, drones: what the pad miner wants), its attacks (drums: one-shots, hiss)
//! and the rest, so that busy mixes with drums throughout still give pads. Background thread:
//! streamed over the source with bounded scratch, and cancellable.
//!
//! The method is median-filter HPSS with a residual (Fitzgerald 2010; Driedger, Müller & Disch
//! 2014): a 4096-point STFT; the harmonic estimate of a bin is the 30th percentile of its
//! magnitude over one second, the percussive estimate the median over 500 Hz of its frame; soft
//! masks of power 2 with a margin of 1.5 between them, the residual taking what neither claims.
//! On constructed mixes of real recordings (tonal excerpts under real recorded drum kits, 3 dB
//! down) the harmonic layer scores SIR 21 dB and SDR 11 dB against the tonal truth
//! (`engine/tests/separation_eval.rs` measures it; `SeparationConfig` says why these choices).

mod balance;
mod config;
mod layer;
mod masks;
mod separator;
mod sorted_window;
mod stft;

pub use balance::LayerBalance;
pub use config::{Kernels, SeparationConfig, SeparationMode, MAX_FFT_SIZE, MIN_FFT_SIZE};
pub use layer::{Layer, Layers};
pub use separator::{separate, Separator};

#[cfg(test)]
mod tests;
