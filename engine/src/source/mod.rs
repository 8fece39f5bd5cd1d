//! Sources: decoding (symphonia), folding to mono/stereo, resampling to 44.1 kHz (a portable
//! windowed-sinc converter, `resample`) and provenance. Background thread: everything here may allocate.
//!
//! Policies, as [`load`] applies them:
//! - Formats: WAV (PCM 8/16/24/32-bit, float 32/64, WAVE_FORMAT_EXTENSIBLE), AIFF/AIFC, FLAC,
//!   Ogg Vorbis, MP3; 8 to 192 kHz; 1 to 8 channels. Mono stays mono, stereo stays stereo,
//!   3 to 8 channels fold to stereo with the matrix documented in [`fold`].
//! - Memory: decoding streams packet by packet through the fold and the resampler into blocks
//!   of 64 Ki frames, assembled at the end into exact-length channels. Nothing is reserved from
//!   what a header claims; a stream longer than [`LoadOptions::max_duration_sec`] stops the
//!   decode as soon as it passes the limit. Allocation peaks at the decoded 44.1 kHz size plus
//!   one channel's final buffer during assembly, plus about 2 MiB of decoder and resampler
//!   state; each block is freed as it is copied, so resident memory stays near the decoded
//!   size (`tests/decode_memory.rs` measures this).
//! - NaN and infinite samples, and float words beyond +60 dBFS ([`MAX_SAMPLE_MAGNITUDE`]), are
//!   replaced by zeros, with a provenance warning; a file where more than
//!   [`MAX_INVALID_SAMPLE_RATIO`] (1 %) of the samples are so damaged is rejected as
//!   [`crate::Error::Corrupt`].
//! - [`load_opening`] decodes only a file's first seconds, for a quick first look at a long file.
//! - Damage: a header that promises more frames than the file holds (truncation, a lying data
//!   size) or an early end of file is [`crate::Error::Corrupt`]; up to 8 undecodable packets
//!   (a failed checksum, a damaged frame) become silence of their own duration, so the timing
//!   holds, with a warning; more make the file corrupt. Lossy streams without a length in their
//!   header (MP3 without a Xing/LAME frame, Ogg) end where their data ends.
//! - Unusable: shorter than [`LoadOptions::min_duration_sec`], longer than the maximum, or pure
//!   digital silence (every sample exactly zero) is [`crate::Error::Unusable`].

mod buffer;
mod dc_block;
mod decode;
pub mod fold;
pub(crate) mod frames;
mod hash;
mod portable_path;
pub(crate) mod resample;
mod sinc_kernel;

pub(crate) use buffer::zero_non_finite;
pub use buffer::{mix_to_mono, Provenance, SourceBuffer};
pub use dc_block::{block_dc, DC_BLOCK_HZ};
pub use decode::{
    load, load_opening, probe, LoadOptions, Opening, MAX_INVALID_SAMPLE_RATIO, MAX_SAMPLE_MAGNITUDE, MAX_SOURCE_CHANNELS, MAX_SOURCE_RATE_HZ,
    MIN_SOURCE_RATE_HZ,
};
pub use hash::{content_hash, hash_file, hash_file_until};
pub use portable_path::{portable_path, relative_portable_path};
pub use resample::{resample, resample_loop, MAX_RESAMPLE_RATE_HZ, MIN_RESAMPLE_RATE_HZ};

use std::path::Path;

/// File extensions (lower case, without the dot) that [`load`] decodes.
pub const SUPPORTED_EXTENSIONS: &[&str] = &["wav", "wave", "aif", "aiff", "aifc", "flac", "ogg", "oga", "mp3"];

/// Whether `path` has one of the [`SUPPORTED_EXTENSIONS`] (case-insensitive).
pub fn is_supported(path: &Path) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| SUPPORTED_EXTENSIONS.iter().any(|s| s.eq_ignore_ascii_case(ext)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_match_case_insensitively() {
        assert!(is_supported(Path::new("a/b/take 3.WAV")));
        assert!(is_supported(Path::new("x.aifc")));
        assert!(is_supported(Path::new("x.oga")));
        assert!(!is_supported(Path::new("x.txt")));
        assert!(!is_supported(Path::new("wav")));
    }
}
