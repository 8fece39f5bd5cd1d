//! One STFT pass per source into per-frame features; onsets, chroma, key and tempo. Background thread.

/// Version of what the analysis derives from audio (features, keys, tempi). Bumped when a change makes
/// stored results stale, so stores of them (the catalogue) analyse their files again. 2: the key chroma
/// and the key estimate built on it. 3: the cepstrum (spectral envelope) per frame.
pub const ANALYSIS_VERSION: u32 = 3;

mod analyzer;
mod bands;
mod cepstrum;
mod chroma;
mod features;
pub mod fingerprint;
pub mod fingerprint_match;
pub mod key;
mod key_chroma;
mod onsets;
mod spectrum;
pub mod tempo;

pub use analyzer::{AIR_MAX_HZ, AIR_MIN_HZ, Analyzer, CLIP_LEVEL, FLATNESS_MAX_HZ, FLATNESS_MIN_HZ, RMS_FLOOR_DB, analyze};
pub use bands::{ACCENT_REGION_EDGES_HZ, NUM_ACCENT_REGIONS};
pub use cepstrum::NUM_CEPSTRA;
pub use chroma::{BASS_CHROMA_MAX_HZ, CHROMA_MAX_HZ, CHROMA_MIN_HZ};
pub use fingerprint::{fingerprint, Landmark, FINGERPRINT_VERSION};
pub use fingerprint_match::{match_landmarks, vote_offsets, OffsetMatch};
pub use key_chroma::{DECIMATION, KEY_CHROMA_MAX_HZ, KEY_CHROMA_MIN_HZ, KEY_FFT_SIZE, KEY_HOP};
pub use features::{Analysis, AnalysisConfig, FrameFeatures, MAX_FFT_SIZE, MIN_FFT_SIZE};
pub use key::{Key, KeyEstimate, Mode, estimate_key, rank_keys};
pub use onsets::{
    ONSET_DELTA, ONSET_MAX_WINDOW_SEC, ONSET_MEAN_POST_SEC, ONSET_MEAN_PRE_SEC, ONSET_MIN_SPACING_SEC, pick_onsets,
};
pub use spectrum::MagnitudeSpectrum;
pub use tempo::{TempoEstimate, estimate_tempo, rank_tempi};
