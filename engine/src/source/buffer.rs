//! `SourceBuffer`: a decoded, resampled source with its provenance.

use std::path::PathBuf;

/// Where a source came from and what it was before decoding.
#[derive(Debug, Clone, PartialEq)]
pub struct Provenance {
    /// Path as given by the caller.
    pub path: PathBuf,
    /// Hash of the file's bytes (xxh3-64), as 16 lower-case hex digits.
    pub content_hash: String,
    /// Container name: "wav", "aiff", "flac", "ogg", "mp3".
    pub container: String,
    /// Codec name as symphonia reports it (e.g. "pcm_s16le", "flac", "vorbis", "mp3").
    pub codec: String,
    /// Sample rate of the file, Hz.
    pub original_sample_rate_hz: u32,
    /// Channel count of the file (before folding to at most two).
    pub original_channels: u16,
    /// Bits per sample of the file, where the format has one (PCM, FLAC).
    pub bits_per_sample: Option<u32>,
    /// Duration of the decoded audio at the file's own rate, seconds.
    pub original_duration_sec: f64,
    /// Things the decoder repaired on the way (e.g. "zeroed 3 NaN, infinite or out-of-range samples").
    pub warnings: Vec<String>,
}

/// A decoded source at [`crate::ENGINE_SAMPLE_RATE_HZ`]: one (mono) or two (stereo) planar channels.
#[derive(Debug, Clone)]
pub struct SourceBuffer {
    /// Planar channels, 1 or 2, all the same length. Samples are finite, nominally in -1..1.
    pub channels: Vec<Vec<f32>>,
    /// Sample rate of `channels`, Hz.
    pub sample_rate_hz: u32,
    pub provenance: Provenance,
}

impl SourceBuffer {
    /// Number of frames (samples per channel).
    pub fn num_frames(&self) -> usize {
        self.channels.first().map_or(0, Vec::len)
    }

    /// Number of channels, 1 or 2.
    pub fn num_channels(&self) -> usize {
        self.channels.len()
    }

    /// Duration in seconds.
    pub fn duration_sec(&self) -> f64 {
        self.num_frames() as f64 / f64::from(self.sample_rate_hz)
    }

    /// The mono mix (mean of the channels), for analysis.
    pub fn mono(&self) -> Vec<f32> {
        mix_to_mono(&self.channels)
    }
}

/// Mean of planar channels. Not realtime-safe: allocates.
pub fn mix_to_mono(channels: &[Vec<f32>]) -> Vec<f32> {
    match channels {
        [] => Vec::new(),
        [only] => only.clone(),
        _ => {
            let scale = 1.0 / channels.len() as f32;
            let len = channels.iter().map(Vec::len).min().unwrap_or(0);
            (0..len)
                .map(|i| channels.iter().map(|c| c[i]).sum::<f32>() * scale)
                .collect()
        }
    }
}

/// Sets every NaN or infinite sample of `channel` to zero. Realtime-safe (but used offline: by the DC
/// blocker here and by the level functions of `transform`).
pub(crate) fn zero_non_finite(channel: &mut [f32]) {
    for x in channel.iter_mut().filter(|x| !x.is_finite()) {
        *x = 0.0;
    }
}
