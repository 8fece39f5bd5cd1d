//! WAV output: 24-bit PCM (or 16-bit with seeded TPDF dither) through hound, an optional RIFF
//! `smpl` loop chunk, and atomic replacement (temporary file in the destination folder, fsync,
//! rename), so an interrupted run never leaves a half-written file under a `.wav` name.

pub mod smpl;

use anyhow::{bail, Context, Result};
use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg32;
use catalogue::atomic_file::Durability;
use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::Path;

/// Sample format of a written file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WavFormat {
    /// 16 or 24 bits per sample.
    pub bits: u16,
    /// Seed of the TPDF dither noise (16-bit only): the same seed gives the same bytes.
    pub dither_seed: u64,
    /// MIDI note at which a sampler plays the file at its own pitch (`smpl` unity note). A file with
    /// a note but no loop still gets a `smpl` chunk (with no loops); without either, none.
    pub unity_note: Option<u8>,
}

impl Default for WavFormat {
    fn default() -> Self {
        Self { bits: 24, dither_seed: 0, unity_note: None }
    }
}

/// Writes planar `channels` (equal lengths, nominally -1..1; beyond is clipped) as a PCM WAV
/// at `path`, replacing any file there only once the new one is complete and synced.
/// `loop_points` = (start, end) frames, end inclusive, adds a `smpl` chunk with one forward loop.
pub fn write_wav(
    path: &Path,
    channels: &[Vec<f32>],
    sample_rate_hz: u32,
    format: WavFormat,
    loop_points: Option<(u32, u32)>,
) -> Result<()> {
    let num_frames = channels.first().map_or(0, Vec::len);
    if channels.is_empty() || channels.len() > usize::from(u16::MAX) {
        bail!("{}: cannot write {} channels", path.display(), channels.len());
    }
    if channels.iter().any(|c| c.len() != num_frames) {
        bail!("{}: channels differ in length", path.display());
    }
    if format.bits != 16 && format.bits != 24 {
        bail!("{}: {} bits per sample; only 16 and 24 are written", path.display(), format.bits);
    }
    if sample_rate_hz == 0 {
        bail!("{}: sample rate 0", path.display());
    }
    if let Some((start, end)) = loop_points.filter(|&(start, end)| start > end || end as usize >= num_frames) {
        bail!("{}: loop {start}..={end} outside the file's {num_frames} frames", path.display());
    }
    let spec = hound::WavSpec {
        channels: channels.len() as u16,
        sample_rate: sample_rate_hz,
        bits_per_sample: format.bits,
        sample_format: hound::SampleFormat::Int,
    };
    replace_atomically(path, Durability::Synced, |file| {
        let mut writer = hound::WavWriter::new(BufWriter::new(&mut *file), spec)?;
        let mut quantiser = Quantiser::new(format);
        for i in 0..num_frames {
            for channel in channels {
                writer.write_sample(quantiser.quantise(channel[i]))?;
            }
        }
        writer.finalize()?;
        if loop_points.is_some() || format.unity_note.is_some() {
            let note = format.unity_note.map_or(smpl::DEFAULT_UNITY_NOTE, u32::from);
            append_chunk(file, &smpl::smpl_chunk(sample_rate_hz, note, loop_points))?;
        }
        Ok(())
    })
}

/// Writes `bytes` to `path` atomically (same guarantees as [`write_wav`]).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    replace_atomically(path, Durability::Synced, |file| Ok(file.write_all(bytes)?))
}

/// Writes `bytes` to `path` through a temporary sibling and a rename, like [`write_atomically`] but
/// without syncing: a reader never sees a half-written file, but a crash may lose the new one. For
/// files that are made again from others (thumbnails), where a sync would cost more than the file.
pub fn write_atomically_unsynced(path: &Path, bytes: &[u8]) -> Result<()> {
    replace_atomically(path, Durability::Unsynced, |file| Ok(file.write_all(bytes)?))
}

/// Float samples to integers: clipped, scaled by 2^(bits-1) - 1, rounded; at 16 bits with
/// triangular (TPDF) dither of +-1 LSB peak added before rounding.
struct Quantiser {
    scale: f64,
    max: f64,
    dither: Option<Pcg32>,
}

impl Quantiser {
    fn new(format: WavFormat) -> Self {
        let max = f64::from((1u32 << (format.bits - 1)) - 1);
        let dither = (format.bits == 16).then(|| Pcg32::seed_from_u64(format.dither_seed));
        Self { scale: max, max, dither }
    }

    fn quantise(&mut self, x: f32) -> i32 {
        let x = if x.is_finite() { f64::from(x) } else { 0.0 };
        let mut scaled = x.clamp(-1.0, 1.0) * self.scale;
        if let Some(rng) = self.dither.as_mut() {
            // Sum of two independent uniforms in 0..1, minus 1: triangular on -1..1 LSB.
            let u1 = f64::from(rng.next_u32()) / 4_294_967_296.0;
            let u2 = f64::from(rng.next_u32()) / 4_294_967_296.0;
            scaled += u1 + u2 - 1.0;
        }
        scaled.round().clamp(-self.max - 1.0, self.max) as i32
    }
}

/// Appends a RIFF chunk (padded to even length) and patches the RIFF size at byte 4.
fn append_chunk(file: &mut File, chunk: &[u8]) -> Result<()> {
    let mut len = file.seek(SeekFrom::End(0))?;
    if len % 2 == 1 {
        // RIFF chunks start on even offsets: an odd-sized `data` chunk (24-bit mono, odd frame
        // count) needs its pad byte, or readers find the next chunk one byte early.
        file.write_all(&[0])?;
        len += 1;
    }
    file.write_all(chunk)?;
    len += chunk.len() as u64;
    if chunk.len() % 2 == 1 {
        file.write_all(&[0])?;
        len += 1;
    }
    let riff_size = u32::try_from(len - 8).context("file too large for RIFF")?;
    file.seek(SeekFrom::Start(4))?;
    file.write_all(&riff_size.to_le_bytes())?;
    Ok(())
}

/// [`catalogue::atomic_file::write_atomically`] with the failing step named for the terminal.
fn replace_atomically(path: &Path, durability: Durability, write: impl FnOnce(&mut File) -> Result<()>) -> Result<()> {
    catalogue::atomic_file::write_atomically(path, durability, |file| {
        write(file).with_context(|| format!("{}: cannot write", path.display()))
    })
}

#[cfg(test)]
mod tests;
