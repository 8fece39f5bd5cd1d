//! A file's thumbnail: its waveform (min/max and RMS per pixel column) above its spectrogram
//! (log-frequency rows, dB colours), both of the mono fold, drawn into one RGB image and encoded
//! as PNG.

use engine::rt::math;
use anyhow::{bail, Context, Result};
use engine::analysis::MagnitudeSpectrum;
use std::path::Path;

/// Width of a thumbnail, pixels (one column per pixel).
pub const THUMB_WIDTH_PX: u32 = 288;
/// Height of the waveform strip, pixels (odd, so silence sits on one middle row).
pub const WAVE_HEIGHT_PX: u32 = 59;
/// Rows of background between the waveform and the spectrogram, pixels.
pub const GAP_PX: u32 = 3;
/// Height of the spectrogram strip, pixels.
pub const SPECTRO_HEIGHT_PX: u32 = 82;
/// Height of a whole thumbnail, pixels.
pub const THUMB_HEIGHT_PX: u32 = WAVE_HEIGHT_PX + GAP_PX + SPECTRO_HEIGHT_PX;
/// Lowest frequency of the spectrogram (its bottom row), Hz.
pub const SPECTRO_MIN_HZ: f32 = 30.0;
/// Highest frequency of the spectrogram (its top row), Hz; lower when the file's Nyquist is lower.
pub const SPECTRO_MAX_HZ: f32 = 20_000.0;
/// Colour range of the spectrogram below the file's loudest cell, dB.
pub const SPECTRO_RANGE_DB: f32 = 72.0;
/// Nothing quieter than this is ever coloured, dBFS per bin (silence stays dark): the engine's
/// level of silence, -120.
pub const SPECTRO_FLOOR_DBFS: f32 = engine::rt::db::SILENCE_DB;
/// FFT length of the spectrogram, samples (47 ms at 44.1 kHz: 21.5 Hz bins).
const FFT_SIZE: usize = 2048;
/// Largest hop between the frames averaged into one column, samples.
const MAX_HOP: usize = 1024;

/// Background of both strips (the gallery card's colour).
pub const BACKGROUND: [u8; 3] = [0x14, 0x17, 0x1e];
/// The waveform's zero line.
const ZERO_LINE: [u8; 3] = [0x2a, 0x30, 0x3c];
/// The waveform's min..max extent.
pub const WAVE_EXTENT: [u8; 3] = [0x3f, 0x8f, 0x88];
/// The waveform's -RMS..+RMS core.
const WAVE_CORE: [u8; 3] = [0x9c, 0xe6, 0xd9];
/// The spectrogram's quietest colour: a deep indigo, so the strip reads as a panel of its own.
pub const SPECTRO_FLOOR: [u8; 3] = [0x19, 0x17, 0x2c];
/// Spectrogram colours from quiet to loud (an inferno-like ramp).
const COLOUR_STOPS: [(f32, [u8; 3]); 7] = [
    (0.00, SPECTRO_FLOOR),
    (0.18, [0x26, 0x16, 0x4a]),
    (0.38, [0x5e, 0x1c, 0x6e]),
    (0.58, [0xa8, 0x34, 0x5e]),
    (0.76, [0xe4, 0x6c, 0x34]),
    (0.90, [0xf6, 0xb6, 0x3c]),
    (1.00, [0xfb, 0xf0, 0xb4]),
];

/// An RGB image, 8 bits per channel, rows top to bottom.
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    pub width_px: u32,
    pub height_px: u32,
    /// `width_px * height_px * 3` bytes.
    pub rgb: Vec<u8>,
}

impl Image {
    fn new(width_px: u32, height_px: u32, fill: [u8; 3]) -> Self {
        let rgb = fill.iter().copied().cycle().take(width_px as usize * height_px as usize * 3).collect();
        Self { width_px, height_px, rgb }
    }

    /// The colour at column `x`, row `y` (0 = top).
    pub fn pixel(&self, x: u32, y: u32) -> [u8; 3] {
        let i = (y as usize * self.width_px as usize + x as usize) * 3;
        [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
    }

    fn put(&mut self, x: u32, y: u32, colour: [u8; 3]) {
        let i = (y as usize * self.width_px as usize + x as usize) * 3;
        self.rgb[i..i + 3].copy_from_slice(&colour);
    }

    /// Encodes the image as an 8-bit RGB PNG.
    pub fn to_png(&self) -> Result<Vec<u8>> {
        let mut bytes = Vec::new();
        let mut encoder = png::Encoder::new(&mut bytes, self.width_px, self.height_px);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Default);
        let mut writer = encoder.write_header().context("cannot start PNG")?;
        writer.write_image_data(&self.rgb).context("cannot encode PNG")?;
        writer.finish().context("cannot finish PNG")?;
        Ok(bytes)
    }
}

/// Reads a PCM or float WAV and folds it to mono (mean of the channels): (samples, sample rate).
pub fn read_mono(path: &Path) -> Result<(Vec<f32>, u32)> {
    let mut reader = hound::WavReader::open(path).with_context(|| format!("{}: cannot open WAV", path.display()))?;
    let spec = reader.spec();
    let num_channels = usize::from(spec.channels);
    if num_channels == 0 {
        bail!("{}: WAV without channels", path.display());
    }
    let interleaved: Vec<f32> = match (spec.sample_format, spec.bits_per_sample) {
        // What the exporter writes, read in one go (hound's per-sample iterator costs about four
        // times as much, the largest part of drawing a gallery).
        (hound::SampleFormat::Int, bits @ (16 | 24)) => {
            let num_bytes = reader.len() as usize * usize::from(bits / 8);
            let mut bytes = vec![0u8; num_bytes];
            std::io::Read::read_exact(&mut reader.into_inner(), &mut bytes)
                .with_context(|| format!("{}: cannot read samples", path.display()))?;
            Ok(if bits == 16 {
                bytes.chunks_exact(2).map(|b| f32::from(i16::from_le_bytes([b[0], b[1]])) / 32_768.0).collect()
            } else {
                bytes.chunks_exact(3).map(|b| (i32::from_le_bytes([0, b[0], b[1], b[2]]) >> 8) as f32 / 8_388_608.0).collect()
            })
        }
        (hound::SampleFormat::Float, _) => reader.samples::<f32>().collect::<Result<_, _>>(),
        (hound::SampleFormat::Int, _) => {
            let scale = 1.0 / (1u64 << (spec.bits_per_sample.clamp(1, 32) - 1)) as f32;
            reader.samples::<i32>().map(|s| s.map(|s| s as f32 * scale)).collect::<Result<_, _>>()
        }
    }
    .with_context(|| format!("{}: cannot read samples", path.display()))?;
    let channels: Vec<Vec<f32>> =
        (0..num_channels).map(|c| interleaved.iter().skip(c).step_by(num_channels).copied().collect()).collect();
    Ok((engine::source::mix_to_mono(&channels), spec.sample_rate))
}

/// Draws thumbnails; keeps its planned FFT and scratch between files (one painter per thread).
#[derive(Debug)]
pub struct Painter {
    spectrum: MagnitudeSpectrum,
    /// Power summed over a column's frames, per bin.
    column_power: Vec<f32>,
    /// dB per spectrogram cell, column-major (`SPECTRO_HEIGHT_PX` rows per column, bottom first).
    cells_db: Vec<f32>,
}

impl Default for Painter {
    fn default() -> Self {
        Self::new()
    }
}

impl Painter {
    /// Plans the spectrogram's FFT. Not realtime-safe: allocates.
    pub fn new() -> Self {
        Self {
            spectrum: MagnitudeSpectrum::new(FFT_SIZE),
            column_power: vec![0.0; FFT_SIZE / 2 + 1],
            cells_db: vec![0.0; (THUMB_WIDTH_PX * SPECTRO_HEIGHT_PX) as usize],
        }
    }

    /// The thumbnail of a mono signal at `sample_rate_hz`.
    pub fn draw(&mut self, mono: &[f32], sample_rate_hz: u32) -> Image {
        let mut image = Image::new(THUMB_WIDTH_PX, THUMB_HEIGHT_PX, BACKGROUND);
        draw_waveform(&mut image, mono);
        self.draw_spectrogram(&mut image, mono, sample_rate_hz.max(1));
        image
    }

    /// Columns of averaged power spectra, read on a log-frequency axis and coloured by dB against
    /// the file's loudest cell (at most [`SPECTRO_RANGE_DB`] below it, never below
    /// [`SPECTRO_FLOOR_DBFS`]).
    fn draw_spectrogram(&mut self, image: &mut Image, mono: &[f32], sample_rate_hz: u32) {
        let rows = row_bands(sample_rate_hz);
        let len = mono.len();
        let width = THUMB_WIDTH_PX as usize;
        let mut loudest_db = f32::NEG_INFINITY;
        for column in 0..width {
            self.column_power.fill(0.0);
            let (first, end) = column_span(len, column, width);
            let span = end - first;
            let num_frames = span.div_ceil(MAX_HOP).max(1);
            for frame in 0..num_frames {
                let centre = first + (2 * frame + 1) * span / (2 * num_frames);
                let start = centre.saturating_sub(FFT_SIZE / 2).min(len.saturating_sub(FFT_SIZE));
                let magnitudes = self.spectrum.transform(&mono[start..(start + FFT_SIZE).min(len)]);
                for (p, &m) in self.column_power.iter_mut().zip(magnitudes) {
                    *p += m * m;
                }
            }
            let scale = 1.0 / num_frames as f32;
            for (row, band) in rows.iter().enumerate() {
                let power = band.power(&self.column_power) * scale;
                let db = if power > 0.0 { 10.0 * math::log10(power) } else { f32::NEG_INFINITY };
                loudest_db = loudest_db.max(db);
                self.cells_db[column * rows.len() + row] = db;
            }
        }
        let floor_db = (loudest_db - SPECTRO_RANGE_DB).max(SPECTRO_FLOOR_DBFS);
        let top = WAVE_HEIGHT_PX + GAP_PX;
        for column in 0..width {
            for row in 0..rows.len() {
                let db = self.cells_db[column * rows.len() + row];
                let level = if loudest_db > floor_db { (db - floor_db) / (loudest_db - floor_db) } else { 0.0 };
                let y = top + SPECTRO_HEIGHT_PX - 1 - row as u32;
                image.put(column as u32, y, colour_at(level));
            }
        }
    }
}

/// Samples `first..end` that pixel column `column` of `width` covers: at least one sample when
/// there are any (short files repeat samples across columns).
fn column_span(len: usize, column: usize, width: usize) -> (usize, usize) {
    let first = column * len / width;
    let end = ((column + 1) * len / width).max(first + 1).min(len);
    (first.min(end), end)
}

/// Per column: min..max in the extent colour, -RMS..+RMS in the core colour, over a zero line.
/// Full scale reaches the strip's edges, so quieter files look quieter.
fn draw_waveform(image: &mut Image, mono: &[f32]) {
    let middle = (WAVE_HEIGHT_PX - 1) / 2;
    let half = middle as f32;
    let y_of = |amplitude: f32| -> u32 {
        let a = if amplitude.is_finite() { amplitude.clamp(-1.0, 1.0) } else { 0.0 };
        (half - a * half).round() as u32
    };
    let width = THUMB_WIDTH_PX as usize;
    for column in 0..width {
        image.put(column as u32, middle, ZERO_LINE);
        let (first, end) = column_span(mono.len(), column, width);
        let samples = &mono[first..end];
        if samples.is_empty() {
            continue;
        }
        let (mut lo, mut hi, mut sum_sq) = (f32::INFINITY, f32::NEG_INFINITY, 0.0f64);
        for &x in samples {
            let x = if x.is_finite() { x } else { 0.0 };
            lo = lo.min(x);
            hi = hi.max(x);
            sum_sq += f64::from(x) * f64::from(x);
        }
        let rms = (sum_sq / samples.len() as f64).sqrt() as f32;
        for y in y_of(hi)..=y_of(lo) {
            image.put(column as u32, y, WAVE_EXTENT);
        }
        let (core_top, core_bottom) = (y_of(rms.min(hi.max(0.0))), y_of((-rms).max(lo.min(0.0))));
        if rms > 0.0 {
            for y in core_top..=core_bottom {
                image.put(column as u32, y, WAVE_CORE);
            }
        }
    }
}

/// The FFT bins one spectrogram row reads.
#[derive(Debug, Clone, Copy, PartialEq)]
struct RowBand {
    /// First and last bin whose centre lies in the row's band (`first > last` when none does).
    first_bin: usize,
    last_bin: usize,
    /// The row's centre frequency in bins, interpolated when no bin centre lies in the band.
    centre_bin: f32,
}

impl RowBand {
    /// The row's power: the loudest bin in its band (a narrow partial stays as bright as it is),
    /// or, for rows narrower than a bin, the power interpolated at its centre.
    fn power(&self, bins: &[f32]) -> f32 {
        if self.first_bin <= self.last_bin {
            return bins[self.first_bin..=self.last_bin].iter().copied().fold(0.0, f32::max);
        }
        let below = (self.centre_bin.floor() as usize).min(bins.len() - 1);
        let above = (below + 1).min(bins.len() - 1);
        let t = self.centre_bin - below as f32;
        bins[below] * (1.0 - t) + bins[above] * t
    }
}

/// The highest frequency drawn at `sample_rate_hz`, Hz.
fn top_hz(sample_rate_hz: u32) -> f32 {
    SPECTRO_MAX_HZ.min(sample_rate_hz as f32 / 2.0).max(SPECTRO_MIN_HZ * 2.0)
}

/// The lower edge of row `row` (0 = bottom; `SPECTRO_HEIGHT_PX` gives the top edge), Hz: rows
/// are equal steps of log frequency from [`SPECTRO_MIN_HZ`] to the top.
pub fn row_edge_hz(row: u32, sample_rate_hz: u32) -> f32 {
    let ratio = top_hz(sample_rate_hz) / SPECTRO_MIN_HZ;
    SPECTRO_MIN_HZ * math::powf(ratio, row as f32 / SPECTRO_HEIGHT_PX as f32)
}

/// Every row's band, bottom row first.
fn row_bands(sample_rate_hz: u32) -> Vec<RowBand> {
    let bin_hz = sample_rate_hz as f32 / FFT_SIZE as f32;
    let last = FFT_SIZE / 2;
    (0..SPECTRO_HEIGHT_PX)
        .map(|row| {
            let (lo_hz, hi_hz) = (row_edge_hz(row, sample_rate_hz), row_edge_hz(row + 1, sample_rate_hz));
            RowBand {
                first_bin: ((lo_hz / bin_hz).ceil() as usize).min(last),
                last_bin: (((hi_hz / bin_hz).ceil() as usize).saturating_sub(1)).min(last),
                centre_bin: ((lo_hz * hi_hz).sqrt() / bin_hz).min(last as f32),
            }
        })
        .collect()
}

/// The colour map at `level` in 0..1 (clamped), linear between the stops.
fn colour_at(level: f32) -> [u8; 3] {
    let level = if level.is_finite() { level.clamp(0.0, 1.0) } else { 0.0 };
    let upper = COLOUR_STOPS.iter().position(|&(at, _)| at >= level).unwrap_or(COLOUR_STOPS.len() - 1).max(1);
    let ((a_at, a), (b_at, b)) = (COLOUR_STOPS[upper - 1], COLOUR_STOPS[upper]);
    let t = ((level - a_at) / (b_at - a_at)).clamp(0.0, 1.0);
    std::array::from_fn(|i| (f32::from(a[i]) + (f32::from(b[i]) - f32::from(a[i])) * t).round() as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: u32 = 44_100;

    fn sine(freq_hz: f32, seconds: f32, amplitude: f32) -> Vec<f32> {
        let n = (seconds * RATE as f32) as usize;
        (0..n).map(|i| amplitude * math::sin(std::f32::consts::TAU * freq_hz * i as f32 / RATE as f32)).collect()
    }

    fn brightness(rgb: [u8; 3]) -> u32 {
        rgb.iter().map(|&c| u32::from(c)).sum()
    }

    /// Spectrogram row (0 = bottom) of column `x` with the brightest colour.
    fn brightest_row(image: &Image, x: u32) -> u32 {
        let top = WAVE_HEIGHT_PX + GAP_PX;
        (0..SPECTRO_HEIGHT_PX).max_by_key(|&row| brightness(image.pixel(x, top + SPECTRO_HEIGHT_PX - 1 - row))).unwrap()
    }

    #[test]
    fn reading_16_and_24_bit_files_gives_the_written_mono_mix() {
        let dir = tempfile::tempdir().unwrap();
        let left: Vec<f32> = (0..3001).map(|i| math::sin((i as f32) * 0.01) * 0.8).collect();
        let right: Vec<f32> = left.iter().map(|x| -0.5 * x).collect();
        for bits in [16u16, 24] {
            let path = dir.path().join(format!("t{bits}.wav"));
            let format = crate::wav_out::WavFormat { bits, dither_seed: 1, unity_note: Some(60) };
            crate::wav_out::write_wav(&path, &[left.clone(), right.clone()], RATE, format, Some((0, 3000))).unwrap();
            let (mono, rate) = read_mono(&path).unwrap();
            assert_eq!((mono.len(), rate), (3001, RATE));
            let tolerance = if bits == 16 { 1e-4 } else { 1e-6 };
            for (i, m) in mono.iter().enumerate() {
                assert!((m - 0.5 * (left[i] + right[i])).abs() < tolerance, "{bits}-bit frame {i}: {m}");
            }
        }
    }

    #[test]
    fn a_sines_bright_row_is_at_its_frequency() {
        let mut painter = Painter::new();
        for freq_hz in [110.0, 440.0, 1000.0, 5000.0] {
            let image = painter.draw(&sine(freq_hz, 2.0, 0.5), RATE);
            for x in [0, THUMB_WIDTH_PX / 4, THUMB_WIDTH_PX / 2, THUMB_WIDTH_PX - 1] {
                let row = brightest_row(&image, x);
                let (lo, hi) = (row_edge_hz(row, RATE), row_edge_hz(row + 1, RATE));
                // Within the row, or the next one (the Hann main lobe spans about two bins).
                let tolerance = hi / lo;
                assert!(
                    freq_hz >= lo / tolerance && freq_hz <= hi * tolerance,
                    "{freq_hz} Hz drawn at row {row} ({lo:.0}..{hi:.0} Hz), column {x}"
                );
            }
        }
    }

    #[test]
    fn rows_rise_in_log_frequency_from_the_bottom() {
        assert!((row_edge_hz(0, RATE) - SPECTRO_MIN_HZ).abs() < 1e-3);
        assert!((row_edge_hz(SPECTRO_HEIGHT_PX, RATE) - SPECTRO_MAX_HZ).abs() < 0.5);
        assert!((row_edge_hz(SPECTRO_HEIGHT_PX, 22_050) - 11_025.0).abs() < 0.5);
        let octaves = |a: u32, b: u32| math::log2(row_edge_hz(b, RATE) / row_edge_hz(a, RATE));
        assert!((octaves(0, 10) - octaves(40, 50)).abs() < 1e-3);
    }

    #[test]
    fn silence_draws_a_flat_waveform_and_an_empty_spectrogram() {
        let image = Painter::new().draw(&vec![0.0; RATE as usize], RATE);
        let middle = (WAVE_HEIGHT_PX - 1) / 2;
        for x in 0..THUMB_WIDTH_PX {
            for y in 0..THUMB_HEIGHT_PX {
                let expected = match y {
                    _ if y == middle => WAVE_EXTENT,
                    _ if y >= WAVE_HEIGHT_PX + GAP_PX => SPECTRO_FLOOR,
                    _ => BACKGROUND,
                };
                assert_eq!(image.pixel(x, y), expected, "pixel {x},{y}");
            }
        }
    }

    #[test]
    fn a_full_scale_sine_fills_the_waveform_and_a_quiet_one_less() {
        let rows_drawn = |amplitude: f32| {
            let image = Painter::new().draw(&sine(220.0, 1.0, amplitude), RATE);
            (0..WAVE_HEIGHT_PX).filter(|&y| image.pixel(THUMB_WIDTH_PX / 2, y) != BACKGROUND).count() as u32
        };
        assert_eq!(rows_drawn(1.0), WAVE_HEIGHT_PX);
        let half = rows_drawn(0.5);
        assert!((WAVE_HEIGHT_PX / 2..=WAVE_HEIGHT_PX / 2 + 2).contains(&half), "{half} rows for half scale");
    }

    #[test]
    fn tiny_and_empty_signals_draw_without_panicking() {
        let mut painter = Painter::new();
        for len in [0, 1, 7, 287, 288, 289, 2047, 2049] {
            let image = painter.draw(&sine(440.0, len as f32 / RATE as f32, 0.9), RATE);
            assert_eq!(image.rgb.len(), (THUMB_WIDTH_PX * THUMB_HEIGHT_PX * 3) as usize);
        }
        let image = painter.draw(&[f32::NAN, f32::INFINITY, 0.5], 8_000);
        assert_eq!(image.width_px, THUMB_WIDTH_PX);
    }

    #[test]
    fn colour_map_runs_from_indigo_to_pale_yellow() {
        assert_eq!(colour_at(0.0), SPECTRO_FLOOR);
        assert_eq!(colour_at(-3.0), SPECTRO_FLOOR);
        assert_eq!(colour_at(1.0), COLOUR_STOPS[COLOUR_STOPS.len() - 1].1);
        assert_eq!(colour_at(f32::NAN), SPECTRO_FLOOR);
        let steps: Vec<u32> = (0..=20).map(|i| brightness(colour_at(i as f32 / 20.0))).collect();
        assert!(steps.windows(2).all(|w| w[0] <= w[1]), "not monotonic: {steps:?}");
    }

    #[test]
    fn png_round_trips() {
        let image = Painter::new().draw(&sine(440.0, 0.5, 0.5), RATE);
        let bytes = image.to_png().unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (THUMB_WIDTH_PX, THUMB_HEIGHT_PX));
        assert_eq!(&buf[..info.buffer_size()], &image.rgb[..]);
    }
}
