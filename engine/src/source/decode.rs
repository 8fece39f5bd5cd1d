//! Loading a source: symphonia demux + decode, streamed through the channel fold and the
//! resampler into a [`SourceBuffer`] at [`ENGINE_SAMPLE_RATE_HZ`], with its [`Provenance`].

use crate::rt::math;
use std::fs::File;
use std::path::Path;

use symphonia::core::codecs::audio::{AudioDecoder, AudioDecoderOptions};
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, FormatReader, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;

use super::buffer::{Provenance, SourceBuffer};
use super::fold::ChannelFold;
use super::frames::PlanarFrames;
use super::hash::hash_file_until;
use super::resample::StreamResampler;
use crate::{ENGINE_SAMPLE_RATE_HZ, Error, Result};

/// Lowest and highest source sample rates accepted, Hz.
pub const MIN_SOURCE_RATE_HZ: u32 = 8_000;
pub const MAX_SOURCE_RATE_HZ: u32 = 192_000;
/// Most channels a source may have (they fold to stereo).
pub const MAX_SOURCE_CHANNELS: usize = 8;
/// Above this share of invalid samples (non-finite, or beyond [`MAX_SAMPLE_MAGNITUDE`]) a file
/// is rejected rather than repaired.
pub const MAX_INVALID_SAMPLE_RATIO: f64 = 0.01;
/// Largest sample magnitude taken as audio (+60 dBFS). Float files may run hot, but a value
/// beyond this is a damaged word, and left in it would overflow the resampler and filters.
pub const MAX_SAMPLE_MAGNITUDE: f32 = 1000.0;
/// Undecodable packets tolerated (replaced by silence, with a warning) before a file counts
/// as corrupt.
const MAX_BAD_PACKETS: usize = 8;
/// Frames a lossy stream may fall short of its header's count (plus 1 %) before it counts as
/// truncated: two MP3 frames' worth.
const LOSSY_SHORTFALL_FRAMES: u64 = 2 * 1152;
/// Longest undecodable packet replaced by silence, frames; a longer claimed gap is corruption.
const MAX_GAP_FRAMES: u64 = 1 << 16;

/// Limits applied while loading.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadOptions {
    /// Longest accepted source, seconds (> 0). Decoding stops with [`Error::Unusable`] as soon
    /// as this is passed, so a lying header or an endless stream cannot exhaust memory.
    pub max_duration_sec: f64,
    /// Shortest accepted source, seconds (>= 0).
    pub min_duration_sec: f64,
    /// Remove DC offset and sub-audio drift (a 5 Hz zero-phase high-pass, see
    /// [`super::block_dc`]). On by default: an interface's offset is not music, and
    /// every front end must read the same samples from the same file (recipe parity).
    pub block_dc: bool,
    /// Stop decoding (with an error saying so) as soon as this flag is raised: a closing front
    /// end never waits for a long file.
    pub cancel: Option<crate::CancelFlag>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self { max_duration_sec: 3600.0, min_duration_sec: 0.25, block_dc: true, cancel: None }
    }
}

impl LoadOptions {
    /// Checks the ranges documented on the fields.
    pub fn validate(&self) -> Result<()> {
        let bad = |key: &str, value: f64, expected: &str| Error::InvalidSetting {
            key: key.to_string(),
            value: value.to_string(),
            expected: expected.to_string(),
        };
        if !(self.max_duration_sec.is_finite() && self.max_duration_sec > 0.0) {
            return Err(bad("max_duration_sec", self.max_duration_sec, "a finite number of seconds > 0"));
        }
        if !(self.min_duration_sec.is_finite()
            && self.min_duration_sec >= 0.0
            && self.min_duration_sec <= self.max_duration_sec)
        {
            return Err(bad("min_duration_sec", self.min_duration_sec, "seconds in 0..=max_duration_sec"));
        }
        Ok(())
    }
}

/// An opened, probed file: its demuxer, decoder and what the header says.
struct OpenedSource {
    reader: Box<dyn FormatReader>,
    decoder: Box<dyn AudioDecoder>,
    track_id: u32,
    provenance: Provenance,
    /// Frames the header promises, where it says.
    claimed_frames: Option<u64>,
    /// Whether gaps between packet timestamps are lost audio: true for FLAC (its demuxer drops
    /// frames that fail their checksum; its timestamps count frames). Lossy codecs' packet
    /// timestamps include priming and trimming, so a gap there proves nothing.
    timestamps_are_frames: bool,
    fold: ChannelFold,
}

/// Reads `path`'s header and decodes it: the audio at [`ENGINE_SAMPLE_RATE_HZ`], mono or
/// stereo (more channels fold, see [`super::fold`]), with provenance. Not realtime-safe:
/// allocates; run it on a background thread.
pub fn load(path: &Path, options: &LoadOptions) -> Result<SourceBuffer> {
    decode(path, options, None).map(|opening| opening.source)
}

/// The first seconds of a file, decoded as [`load`] decodes the whole.
pub struct Opening {
    /// At least the asked-for seconds, or the whole file when it is shorter. Its last two
    /// seconds (where the resampler's flush and the DC blocker's backward blocks start) may
    /// differ slightly from the same span of a whole-file [`load`]; every earlier sample is the
    /// same bit for bit.
    pub source: SourceBuffer,
    /// True when the file ended within the opening: `source` is then exactly what [`load`]
    /// gives, with every check [`load`] makes.
    pub is_whole_file: bool,
}

/// Decodes only the first `seconds` of `path` (a quick preview: a background miner can start
/// on a long file's opening while the rest decodes). When the file is longer, decoding stops
/// there and the checks that need the whole file (truncation, length limits) are not made;
/// [`Provenance::original_duration_sec`] is then the header's duration where it gives one, else
/// the decoded opening's. Not realtime-safe: allocates.
pub fn load_opening(path: &Path, seconds: f64, options: &LoadOptions) -> Result<Opening> {
    if !(seconds.is_finite() && seconds > 0.0) {
        return Err(Error::InvalidSetting {
            key: "opening seconds".to_string(),
            value: seconds.to_string(),
            expected: "a finite number of seconds > 0".to_string(),
        });
    }
    decode(path, options, Some(seconds))
}

/// [`load`], or with `opening_sec` [`load_opening`].
fn decode(path: &Path, options: &LoadOptions, opening_sec: Option<f64>) -> Result<Opening> {
    options.validate()?;
    let mut source = open(path, options.cancel.as_ref())?;
    let rate_hz = source.provenance.original_sample_rate_hz;
    let num_inputs = source.fold.num_inputs();
    let max_frames = (options.max_duration_sec * f64::from(rate_hz)).ceil() as u64;
    let opening_frames = opening_sec.map(|sec| (sec * f64::from(rate_hz)).ceil() as u64);
    let mut stopped_early = false;

    let mut resampler = StreamResampler::new(source.fold.num_outputs(), rate_hz, ENGINE_SAMPLE_RATE_HZ)
        .map_err(|reason| invalid_stream(path, reason))?;
    let mut out = PlanarFrames::new(source.fold.num_outputs());
    let mut planes: Vec<Vec<f32>> = Vec::new();
    let mut folded: Vec<Vec<f32>> = Vec::new();
    let mut num_frames: u64 = 0;
    let mut num_invalid: u64 = 0;
    let mut num_bad_packets = 0usize;
    let mut peak_in = 0.0f32;
    let mut next_pts: Option<i64> = None;

    loop {
        if opening_frames.is_some_and(|opening| num_frames >= opening) {
            stopped_early = true;
            break;
        }
        if crate::cancel::is_cancelled(options.cancel.as_ref()) {
            return Err(unusable(path, String::from("decoding was cancelled")));
        }
        let packet = match source.reader.next_packet() {
            Ok(Some(packet)) => packet,
            Ok(None) => break,
            // A chained stream (a second logical Ogg stream): keep the first one only.
            Err(SymphoniaError::ResetRequired) => {
                source.provenance.warnings.push("ignored a chained second stream".to_string());
                break;
            }
            Err(e) => return Err(read_error(path, &e, num_frames)),
        };
        if packet.track_id != source.track_id {
            continue;
        }
        // A FLAC frame dropped for a failed checksum leaves a gap in the timestamps: fill it
        // with silence so the timing holds.
        let pts = packet.pts.get();
        if let Some(gap_frames) = next_pts.filter(|&next| pts > next).map(|next| (pts - next) as u64) {
            count_lost_packet(path, &mut num_bad_packets, gap_frames, "a frame is missing")?;
            num_frames += gap_frames;
            push_silence(&mut resampler, &mut out, gap_frames);
        }
        if source.timestamps_are_frames {
            next_pts = Some(pts.saturating_add(packet.dur.get() as i64));
        }
        if num_frames > max_frames {
            return Err(unusable(path, format!("longer than the {} s limit", options.max_duration_sec)));
        }
        let decoded = match source.decoder.decode(&packet) {
            Ok(decoded) => decoded,
            Err(SymphoniaError::DecodeError(reason)) => {
                // Keep the timing: the lost packet becomes silence of its own duration.
                let gap_frames = packet.dur.get();
                count_lost_packet(path, &mut num_bad_packets, gap_frames, reason)?;
                num_frames += gap_frames;
                push_silence(&mut resampler, &mut out, gap_frames);
                continue;
            }
            Err(e) => return Err(read_error(path, &e, num_frames)),
        };
        if decoded.spec().rate() != rate_hz || decoded.spec().channels().count() != num_inputs {
            return Err(corrupt(path, "sample rate or channel count changes mid-stream".to_string()));
        }
        decoded.copy_to_vecs_planar::<f32>(&mut planes);
        let block_frames = decoded.frames();
        for plane in &mut planes {
            plane.truncate(block_frames);
            for x in plane.iter_mut() {
                if x.abs() <= MAX_SAMPLE_MAGNITUDE {
                    peak_in = peak_in.max(x.abs());
                } else {
                    *x = 0.0;
                    num_invalid += 1;
                }
            }
        }
        num_frames += block_frames as u64;
        if num_frames > max_frames {
            return Err(unusable(path, format!("longer than the {} s limit", options.max_duration_sec)));
        }
        if source.fold.is_downmix() {
            source.fold.fold(&planes, &mut folded);
            resampler.push(&folded, block_frames, &mut out);
        } else {
            resampler.push(&planes, block_frames, &mut out);
        }
    }
    resampler.finish(&mut out);

    let provenance = &mut source.provenance;
    if num_bad_packets > 0 {
        provenance.warnings.push(format!("replaced {num_bad_packets} damaged packets by silence"));
    }
    // PCM and FLAC headers count frames exactly; a lossy stream's count (an MP3 Xing frame)
    // may be off by encoder padding, so it may fall short by a packet or two and 1 %.
    let exact_length = matches!(provenance.container.as_str(), "wav" | "aiff" | "flac");
    let shortfall_allowed = |claimed: u64| if exact_length { 0 } else { claimed / 100 + LOSSY_SHORTFALL_FRAMES };
    if let Some(claimed) = source
        .claimed_frames
        .filter(|&claimed| !stopped_early && num_frames + shortfall_allowed(claimed) < claimed)
    {
        return Err(corrupt(path, format!("truncated: header promises {claimed} frames, only {num_frames} present")));
    }
    let whole_frames = if stopped_early { source.claimed_frames.unwrap_or(num_frames) } else { num_frames };
    provenance.original_duration_sec = whole_frames as f64 / f64::from(rate_hz);
    check_invalid_samples(path, provenance, num_invalid, num_frames * num_inputs as u64)?;
    if !stopped_early && provenance.original_duration_sec < options.min_duration_sec {
        return Err(unusable(path, format!(
            "{:.3} s long, shorter than the {} s minimum",
            provenance.original_duration_sec, options.min_duration_sec
        )));
    }
    if peak_in == 0.0 {
        let what = if stopped_early { "pure digital silence in its opening" } else { "pure digital silence" };
        return Err(unusable(path, what.to_string()));
    }
    if source.fold.is_downmix() {
        let peak = out.peak();
        if peak > 1.0 {
            out.scale(1.0 / peak);
            provenance.warnings.push(format!(
                "folding {num_inputs} channels to stereo peaked at {:+.1} dBFS; scaled to 0 dBFS",
                20.0 * math::log10(f64::from(peak))
            ));
        }
    }
    let mut channels = out.into_channels();
    if options.block_dc && !super::dc_block::block_dc_until(&mut channels, ENGINE_SAMPLE_RATE_HZ, options.cancel.as_ref()) {
        return Err(unusable(path, String::from("decoding was cancelled")));
    }
    let source = SourceBuffer { channels, sample_rate_hz: ENGINE_SAMPLE_RATE_HZ, provenance: source.provenance };
    Ok(Opening { source, is_whole_file: !stopped_early })
}

/// Counts one lost packet (undecodable, or missing from the timestamps) of `gap_frames`;
/// too many, or too long a gap, make the file corrupt.
fn count_lost_packet(path: &Path, num_lost: &mut usize, gap_frames: u64, reason: &str) -> Result<()> {
    *num_lost += 1;
    if *num_lost > MAX_BAD_PACKETS || gap_frames > MAX_GAP_FRAMES {
        return Err(corrupt(path, format!("too many or too long damaged packets ({reason})")));
    }
    Ok(())
}

/// Appends `num_frames` frames of silence through the resampler.
fn push_silence(resampler: &mut StreamResampler, out: &mut PlanarFrames, num_frames: u64) {
    let silence = vec![vec![0.0f32; num_frames as usize]; out.num_channels()];
    resampler.push(&silence, num_frames as usize, out);
}

/// The file's provenance from its header, without decoding audio (the duration comes from the
/// header, or from the packet timestamps when the header has none). Not realtime-safe: allocates.
pub fn probe(path: &Path) -> Result<Provenance> {
    let mut source = open(path, None)?;
    let rate_hz = source.provenance.original_sample_rate_hz;
    let num_frames = match source.claimed_frames {
        Some(frames) => frames,
        None => {
            let mut frames = 0u64;
            loop {
                match source.reader.next_packet() {
                    Ok(Some(packet)) if packet.track_id == source.track_id => frames += packet.dur.get(),
                    Ok(Some(_)) => {}
                    Ok(None) | Err(SymphoniaError::ResetRequired) => break,
                    Err(e) => return Err(read_error(path, &e, frames)),
                }
            }
            frames
        }
    };
    source.provenance.original_duration_sec = num_frames as f64 / f64::from(rate_hz);
    Ok(source.provenance)
}

/// Opens, hashes and probes `path`, and checks the stream parameters; the hash stops when
/// `cancel` is raised.
fn open(path: &Path, cancel: Option<&crate::CancelFlag>) -> Result<OpenedSource> {
    let io_error = |source| Error::Io { path: path.to_path_buf(), source };
    let file = File::open(path).map_err(io_error)?;
    let len_bytes = file.metadata().map_err(io_error)?.len();
    if len_bytes == 0 {
        return Err(Error::Empty { path: path.to_path_buf() });
    }
    let Some(content_hash) = hash_file_until(path, cancel)? else {
        return Err(unusable(path, String::from("decoding was cancelled")));
    };

    let mut hint = Hint::new();
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        hint.with_extension(&ext.to_ascii_lowercase());
    }
    let stream = MediaSourceStream::new(Box::new(file), Default::default());
    let reader = symphonia::default::get_probe()
        .probe(&hint, stream, FormatOptions::default(), MetadataOptions::default())
        .map_err(|e| match e {
            // The demuxers reject zero rates and channel counts themselves, with these words.
            SymphoniaError::DecodeError(what) if what.contains("sample rate") || what.contains("channel") => {
                invalid_stream(path, what.to_string())
            }
            SymphoniaError::IoError(_) | SymphoniaError::DecodeError(_) => corrupt(path, format!("unreadable header: {e}")),
            _ => Error::Unsupported { path: path.to_path_buf(), reason: e.to_string() },
        })?;
    let track = reader
        .default_track(TrackType::Audio)
        .ok_or_else(|| Error::Unsupported { path: path.to_path_buf(), reason: "no audio track".to_string() })?;
    let params = track
        .codec_params
        .as_ref()
        .and_then(|p| p.audio())
        .ok_or_else(|| Error::Unsupported { path: path.to_path_buf(), reason: "no audio codec parameters".to_string() })?
        .clone();
    let track_id = track.id;
    let claimed_frames = track.num_frames;
    let time_base = track.time_base;

    let rate_hz = params.sample_rate.unwrap_or(0);
    if !(MIN_SOURCE_RATE_HZ..=MAX_SOURCE_RATE_HZ).contains(&rate_hz) {
        return Err(invalid_stream(path, format!(
            "sample rate {rate_hz} Hz outside {MIN_SOURCE_RATE_HZ}..={MAX_SOURCE_RATE_HZ} Hz"
        )));
    }
    let channels = params.channels.clone().unwrap_or_default();
    let num_channels = channels.count();
    if !(1..=MAX_SOURCE_CHANNELS).contains(&num_channels) {
        return Err(invalid_stream(path, format!("{num_channels} channels, expected 1..={MAX_SOURCE_CHANNELS}")));
    }
    let decoder = symphonia::default::get_codecs()
        .make_audio_decoder(&params, &AudioDecoderOptions::default())
        .map_err(|e| Error::Unsupported { path: path.to_path_buf(), reason: format!("codec: {e}") })?;

    let provenance = Provenance {
        path: path.to_path_buf(),
        content_hash,
        container: container_name(reader.format_info().short_name).to_string(),
        codec: decoder.codec_info().short_name.to_string(),
        original_sample_rate_hz: rate_hz,
        original_channels: num_channels as u16,
        bits_per_sample: params.bits_per_sample.or_else(|| float_pcm_bits(decoder.codec_info().short_name)),
        original_duration_sec: 0.0,
        warnings: Vec::new(),
    };
    let timestamps_are_frames = provenance.container == "flac"
        && time_base.is_some_and(|tb| tb.numer.get() == 1 && tb.denom.get() == rate_hz);
    Ok(OpenedSource {
        reader,
        decoder,
        track_id,
        provenance,
        claimed_frames,
        timestamps_are_frames,
        fold: ChannelFold::new(&channels),
    })
}

/// Bits of float PCM codecs, whose headers carry no bit depth field symphonia reports.
fn float_pcm_bits(codec_name: &str) -> Option<u32> {
    if codec_name.starts_with("pcm_f32") {
        Some(32)
    } else if codec_name.starts_with("pcm_f64") {
        Some(64)
    } else {
        None
    }
}

/// The container names [`Provenance::container`] promises.
fn container_name(symphonia_name: &'static str) -> &'static str {
    match symphonia_name {
        "wave" => "wav",
        other => other,
    }
}

/// Zeroes were already written in place of invalid samples; record it, or reject the file
/// when they are more than [`MAX_INVALID_SAMPLE_RATIO`] of it.
fn check_invalid_samples(path: &Path, provenance: &mut Provenance, num_invalid: u64, num_samples: u64) -> Result<()> {
    if num_invalid == 0 {
        return Ok(());
    }
    let ratio = num_invalid as f64 / num_samples.max(1) as f64;
    if ratio > MAX_INVALID_SAMPLE_RATIO {
        return Err(corrupt(path, format!(
            "{num_invalid} of {num_samples} samples are NaN, infinite or beyond +60 dBFS ({:.1} %)",
            100.0 * ratio
        )));
    }
    provenance.warnings.push(format!("zeroed {num_invalid} NaN, infinite or out-of-range samples"));
    Ok(())
}

/// Maps a demux/decode failure after the header: an early end of file is truncation.
fn read_error(path: &Path, e: &SymphoniaError, num_frames: u64) -> Error {
    match e {
        SymphoniaError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            corrupt(path, format!("truncated after {num_frames} frames"))
        }
        SymphoniaError::Unsupported(what) => Error::Unsupported { path: path.to_path_buf(), reason: what.to_string() },
        _ => corrupt(path, e.to_string()),
    }
}

fn corrupt(path: &Path, reason: String) -> Error {
    Error::Corrupt { path: path.to_path_buf(), reason }
}

fn unusable(path: &Path, reason: String) -> Error {
    Error::Unusable { path: path.to_path_buf(), reason }
}

fn invalid_stream(path: &Path, reason: String) -> Error {
    Error::InvalidStream { path: path.to_path_buf(), reason }
}
