//! Cutting one playable pad out of a decoded source: the region (at most [`MAX_PAD_SEC`]), its
//! key and root note, its identity, and the catalogue entry the editor shows.

use engine::analysis::{AnalysisConfig, analyze, estimate_key};
use engine::mining::{LoopConfig, Region, make_loop};
use engine::source::{SourceBuffer, mix_to_mono};
use engine::texture::Pad;

use super::MAX_PAD_SEC;
use super::catalogue::{PadInfo, WAVEFORM_POINTS, format_minutes_seconds, waveform_overview};

/// Key estimates below this confidence (0..1) leave the pad without a root note.
const MIN_KEY_CONFIDENCE: f32 = 0.2;

/// MIDI note of the octave the root note is placed in (C4 = 60).
const ROOT_OCTAVE_BASE_NOTE: f32 = 60.0;

/// A pad and what the editor shows about it.
pub struct MinedPad {
    pub pad: Pad,
    pub info: PadInfo,
}

/// A stable 64-bit identity for a region of a source: the source's content hash mixed with the
/// region's start (splitmix64 finaliser), so the same file and region always give the same id.
pub fn pad_id(content_hash: &str, start_sample: usize) -> u64 {
    let hash = u64::from_str_radix(content_hash, 16).unwrap_or_else(|_| {
        // Not hex (a caller-made provenance): fold the bytes instead.
        content_hash
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
    });
    let mut z = hash ^ (start_sample as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The root note and display name of the key of a pad's audio, or `(None, "")` when the material
/// is not tonal enough for the estimate to mean anything.
fn pad_key(channels: &[Vec<f32>], sample_rate_hz: u32) -> (Option<f32>, String) {
    let mono = mix_to_mono(channels);
    let analysis = analyze(&mono, sample_rate_hz, &AnalysisConfig::default());
    let estimate = estimate_key(&analysis);
    if estimate.confidence < MIN_KEY_CONFIDENCE {
        return (None, String::new());
    }
    let root = ROOT_OCTAVE_BASE_NOTE + f32::from(estimate.key.tonic % 12);
    (Some(root), estimate.key.to_string())
}

/// Cut `region` (shortened to [`MAX_PAD_SEC`]) out of `source` as a seamless loop for `slot`,
/// with the key and root note estimated from the loop itself
/// (a plain cut when the source is too short for the loop's cross-fade). Not realtime-safe:
/// allocates.
pub fn make_pad(
    source: &SourceBuffer,
    region: &Region,
    slot: u16,
    loop_config: &LoopConfig,
) -> MinedPad {
    let sample_rate_hz = source.sample_rate_hz as f32;
    // The seam search may lengthen the loop by up to its search span: leave room for it.
    let max_frames = ((MAX_PAD_SEC - 0.001 * loop_config.seam_search_ms.max(0.0)) * sample_rate_hz) as usize;
    let start = region.start_sample.min(source.num_frames());
    let len = region.len_samples.min(max_frames).min(source.num_frames() - start);
    let region = Region { start_sample: start, len_samples: len, ..*region };
    let (start, channels) = match make_loop(&source.channels, &region, loop_config, source.sample_rate_hz) {
        Ok(looped) => (looped.source_start_sample, looped.channels),
        Err(_) => (
            start,
            source.channels.iter().map(|channel| channel[start..start + len].to_vec()).collect(),
        ),
    };
    let num_frames = channels.first().map_or(0, Vec::len);

    let (root_note, key) = pad_key(&channels, source.sample_rate_hz);
    let id = pad_id(&source.provenance.content_hash, start);
    let stem = source
        .provenance
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let start_sec = start as f32 / sample_rate_hz;
    let views: Vec<&[f32]> = channels.iter().map(Vec::as_slice).collect();
    let info = PadInfo {
        slot,
        pad_id: id,
        name: format!("{stem} @ {}", format_minutes_seconds(start_sec)),
        source_path: Some(source.provenance.path.clone()),
        start_sec,
        length_sec: num_frames as f32 / sample_rate_hz,
        key,
        brightness_hz: region.centroid_hz,
        waveform: waveform_overview(&views, WAVEFORM_POINTS),
    };
    let pad = Pad::new(id, channels, sample_rate_hz, root_note);
    MinedPad { pad, info }
}

/// The catalogue entry of the built-in texture in `slot`.
pub fn builtin_info(pad: &Pad, slot: u16) -> PadInfo {
    PadInfo {
        slot,
        pad_id: pad.id(),
        name: String::from("Built-in texture"),
        source_path: None,
        start_sec: 0.0,
        length_sec: pad.num_frames() as f32 / pad.sample_rate_hz(),
        key: String::new(),
        brightness_hz: 0.0,
        waveform: waveform_overview(&[pad.channel(0), pad.channel(1)], WAVEFORM_POINTS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pad_ids_are_stable_and_distinct() {
        let a = pad_id("00ff00ff00ff00ff", 0);
        assert_eq!(a, pad_id("00ff00ff00ff00ff", 0));
        assert_ne!(a, pad_id("00ff00ff00ff00ff", 1));
        assert_ne!(a, pad_id("00ff00ff00ff00fe", 0));
        assert_ne!(pad_id("not hex", 0), pad_id("not hex!", 0));
    }
}
