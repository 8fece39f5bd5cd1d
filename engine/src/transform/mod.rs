//! Offline transforms: phase-vocoder stretch, pitch shift, filters, envelopes, normalisation. Background thread.

mod envelope;
mod filter;
mod hiss;
mod level;
mod pitch;
mod stretch;
mod tone_gate;

pub use envelope::{apply_swell, fade_in, fade_out, reverse, FadeShape, SwellEnvelope};
pub use filter::{filter_variant, Edges, FilterSettings, FilterVariant};
pub use hiss::{hiss_flicker, hiss_loop, synthetic_hiss_source, HissShape};
pub use level::{
    match_pad_loudness, normalize_peak, peak, remove_dc, MAX_SAFE_PEAK, PAD_MAX_BOOST_DB, PAD_MAX_PEAK_DBFS,
    PAD_TARGET_RMS_DBFS,
};
// Moved down to where they are shared; re-exported here for the callers of the old paths.
pub use crate::rt::db::{amplitude_to_db, db_to_amplitude, SILENCE_DB};
pub use crate::source::{block_dc, DC_BLOCK_HZ};
pub use pitch::{
    pitch_shift, pitch_shift_channels, pitch_shift_region, semitones_to_ratio, stretch_and_shift,
    stretch_and_shift_region, MAX_PITCH_SHIFT_SEMITONES,
};
pub use tone_gate::gate_tones;
pub use stretch::{
    time_stretch, PhaseVocoder, StretchConfig, MAX_STRETCH_FACTOR, MIN_STRETCH_FACTOR,
};
