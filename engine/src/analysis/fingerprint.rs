//! The audio fingerprint that recognises one recording in another file: spectral-peak landmarks
//! after A. Wang, "An Industrial-Strength Audio Search Algorithm" (ISMIR 2003). Peaks of a
//! spectrogram are paired, and each pair is hashed as (first bin, bin step, frame step), stamped
//! with its first frame. Two copies of a recording share many hashes at one constant frame offset
//! (their relative trim); different music shares few, at scattered offsets.
//!
//! What each robustness takes:
//! - re-encoding and resampling: peaks are the strongest, most stable points of the spectrum, and
//!   only 65 Hz - 3 kHz is used (where lossy codecs spend their bits); the signal is resampled to
//!   [`FINGERPRINT_RATE_HZ`] first, so the source's rate does not matter;
//! - level and EQ: each bin's log power is measured against that bin's mean over the file, so a
//!   gain or any fixed EQ curve (a constant per bin in the log domain) cancels out before peaks
//!   are picked;
//! - trimming: hashes carry no absolute time; the match is found by offset voting;
//! - mono folds: the fingerprint reads the mono mix, which a fold to mono leaves unchanged.
//!
//! Background thread: allocates.

use crate::rt::math;
use crate::CancelFlag;
use realfft::RealFftPlanner;

/// Version of the landmark recipe below. Stored with each catalogued file: a catalogue whose
/// fingerprints were made by another version computes them again (they would not match).
pub const FINGERPRINT_VERSION: u32 = 1;
/// Rate the fingerprint analyses at, Hz (a quarter of the engine's rate: everything it uses lies
/// below 3 kHz).
pub const FINGERPRINT_RATE_HZ: u32 = 11_025;
/// FFT length, samples at [`FINGERPRINT_RATE_HZ`] (93 ms, 10.8 Hz bins).
const FFT_SIZE: usize = 1024;
/// Hop between frames, samples at [`FINGERPRINT_RATE_HZ`] (23 ms).
const HOP_SIZE: usize = 256;
/// Seconds per landmark frame: landmark times and match offsets are in these units.
pub const FRAME_SEC: f64 = HOP_SIZE as f64 / FINGERPRINT_RATE_HZ as f64;
/// Lowest bin used (65 Hz): below it, rumble and DC blocking differ between copies.
const MIN_BIN: usize = 6;
/// Highest bin used (3 kHz). Measured on real music, peaks above it survive low-bit-rate Vorbis
/// half as often as those below, and an EQ's high cut removes them first.
const MAX_BIN: usize = 280;
/// A peak is the largest value within this many bins either side (108 Hz)...
const PEAK_HALF_WIDTH_BINS: usize = 10;
/// ...and this many frames either side (163 ms).
const PEAK_HALF_SPAN_FRAMES: usize = 7;
/// Peaks quieter than the file's loudest bin by more than this are never picked, dB: fade tails
/// and near-silence hold only noise that differs between copies.
const PEAK_RANGE_DB: f32 = 70.0;
/// Peaks kept per second of audio, strongest first. With [`FAN_OUT`] this sets the landmarks per
/// second (about 25), hence the catalogue's size and the matches a copy can show. Fewer, stronger
/// peaks paired more widely survive re-encoding better than many weak ones (6 x 5 kept 9-40 % of
/// the landmarks through 64 kbit/s Vorbis, 10 x 3 only 5-30 %).
const PEAKS_PER_SEC: f64 = 6.0;
/// Each peak pairs with up to this many later peaks.
const FAN_OUT: usize = 5;
/// Frame steps a pair may span (at most 1.1 s; 6 bits in the hash).
const MAX_PAIR_FRAMES: usize = 48;
/// Largest bin step of a pair (±1.1 kHz; 8 bits in the hash).
const MAX_PAIR_BINS: usize = 100;
/// Frames between looks at the cancel flag while picking peaks (6 s of audio, a few ms of work).
const CANCEL_CHECK_FRAMES: usize = 256;
/// Power floor added before the logarithm (-140 dB against a full-scale sine): digital silence
/// stays finite and flat.
const POWER_FLOOR: f32 = 1e-14;

/// One landmark: a hashed pair of spectral peaks and the frame of its first peak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Landmark {
    /// (first bin: 9 bits) << 14 | (bin step + 128: 8 bits) << 6 | (frame step: 6 bits). 23 bits.
    pub hash: u32,
    /// Frame of the first peak, in [`FRAME_SEC`] units from the start of the file.
    pub frame: u32,
}

/// A spectral peak: frame, bin, strength (log power above the bin's mean).
#[derive(Debug, Clone, Copy)]
struct Peak {
    frame: usize,
    bin: usize,
    strength: f32,
}

/// The landmarks of planar `channels` at `sample_rate_hz` (their mono mix), ordered by frame.
/// Empty for audio shorter than one frame or silent. Not realtime-safe: allocates.
pub fn fingerprint(channels: &[Vec<f32>], sample_rate_hz: u32) -> Vec<Landmark> {
    // Without a flag nothing stops it: always `Some`.
    fingerprint_until(channels, sample_rate_hz, None).unwrap_or_default()
}

/// [`fingerprint`], or `None` once `cancel` is raised: it is checked every 1.5 s of audio while
/// mixing and every 6 s of frames while picking peaks (a few ms apart), so a front end that is
/// closing does not wait for a long file's fingerprint (about 2 ms per second of audio). Not
/// realtime-safe: allocates.
pub fn fingerprint_until(channels: &[Vec<f32>], sample_rate_hz: u32, cancel: Option<&CancelFlag>) -> Option<Vec<Landmark>> {
    let mut signal = mono_at_fingerprint_rate(channels, sample_rate_hz, cancel)?;
    // At full scale, so the power floor sits at the same depth under the music whatever its level.
    let peak = signal.iter().filter(|x| x.is_finite()).fold(0.0f32, |p, x| p.max(x.abs()));
    if peak > 0.0 {
        signal.iter_mut().for_each(|x| *x /= peak);
    }
    Some(pair_peaks(&pick_peaks(&signal, cancel)?))
}

/// The mono mix of `channels` at [`FINGERPRINT_RATE_HZ`], mixed and resampled a block at a time,
/// so a long stereo file never needs a whole mono copy at its own rate (an hour at 44.1 kHz
/// would be 635 MB). Empty when the rate cannot be converted.
fn mono_at_fingerprint_rate(channels: &[Vec<f32>], sample_rate_hz: u32, cancel: Option<&CancelFlag>) -> Option<Vec<f32>> {
    use crate::source::frames::PlanarFrames;
    use crate::source::resample::StreamResampler;
    const BLOCK_FRAMES: usize = 1 << 16;
    let len = channels.iter().map(Vec::len).min().unwrap_or(0);
    let Ok(mut resampler) = StreamResampler::new(1, sample_rate_hz, FINGERPRINT_RATE_HZ) else { return Some(Vec::new()) };
    let mut out = PlanarFrames::new(1);
    let mut block = vec![Vec::with_capacity(BLOCK_FRAMES.min(len))];
    let scale = 1.0 / channels.len().max(1) as f32;
    for start in (0..len).step_by(BLOCK_FRAMES) {
        if crate::cancel::is_cancelled(cancel) {
            return None;
        }
        let end = (start + BLOCK_FRAMES).min(len);
        block[0].clear();
        block[0].extend((start..end).map(|i| channels.iter().map(|c| c[i]).sum::<f32>() * scale));
        resampler.push(&block, end - start, &mut out);
    }
    resampler.finish(&mut out);
    Some(out.into_channels().pop().unwrap_or_default())
}

/// Log power spectra of `signal`, frame by frame (bins `MIN_BIN..=MAX_BIN`), computed on demand:
/// the fingerprint walks the file twice (means, then peaks) instead of keeping a spectrogram, so
/// its memory does not grow with the file beyond the resampled signal.
struct LogSpectra<'a> {
    signal: &'a [f32],
    fft: std::sync::Arc<dyn realfft::RealToComplex<f32>>,
    window: Vec<f32>,
    input: Vec<f32>,
    spectrum: Vec<realfft::num_complex::Complex<f32>>,
    scratch: Vec<realfft::num_complex::Complex<f32>>,
}

impl<'a> LogSpectra<'a> {
    fn new(signal: &'a [f32]) -> Self {
        let fft = RealFftPlanner::<f32>::new().plan_fft_forward(FFT_SIZE);
        let window = (0..FFT_SIZE).map(|i| math::sin(std::f32::consts::PI * i as f32 / FFT_SIZE as f32).powi(2)).collect();
        Self { input: fft.make_input_vec(), spectrum: fft.make_output_vec(), scratch: fft.make_scratch_vec(), fft, window, signal }
    }

    /// Frames whose window starts inside the signal.
    fn num_frames(&self) -> usize {
        self.signal.len().div_ceil(HOP_SIZE)
    }

    /// Frame `t`'s log power (natural log) into `out` (`MAX_BIN - MIN_BIN + 1` values).
    fn frame(&mut self, t: usize, out: &mut [f32]) {
        let start = t * HOP_SIZE;
        let end = (start + FFT_SIZE).min(self.signal.len());
        let scale = 2.0 / (FFT_SIZE as f32 / 2.0);
        for (i, x) in self.input.iter_mut().enumerate() {
            *x = if start + i < end {
                let s = self.signal[start + i];
                if s.is_finite() { s * self.window[i] * scale } else { 0.0 }
            } else {
                0.0
            };
        }
        // The buffers come from this plan's make_*_vec, so the lengths always match.
        let ok = self.fft.process_with_scratch(&mut self.input, &mut self.spectrum, &mut self.scratch);
        debug_assert!(ok.is_ok(), "FFT buffers sized by the plan");
        for (o, c) in out.iter_mut().zip(&self.spectrum[MIN_BIN..=MAX_BIN]) {
            *o = math::ln(c.re * c.re + c.im * c.im + POWER_FLOOR);
        }
    }
}

/// The strongest local maxima of the bin-normalised spectrogram, ordered by (frame, bin).
/// `None` once `cancel` is raised (checked every [`CANCEL_CHECK_FRAMES`] frames).
fn pick_peaks(signal: &[f32], cancel: Option<&CancelFlag>) -> Option<Vec<Peak>> {
    const NUM_BINS: usize = MAX_BIN - MIN_BIN + 1;
    let mut spectra = LogSpectra::new(signal);
    let num_frames = spectra.num_frames();
    if signal.len() < FFT_SIZE / 2 || num_frames == 0 {
        return Some(Vec::new());
    }
    let cancelled = |t: usize| t.is_multiple_of(CANCEL_CHECK_FRAMES) && crate::cancel::is_cancelled(cancel);
    // Pass 1: each bin's mean log power and the loudest value anywhere.
    let mut mean = vec![0.0f64; NUM_BINS];
    let mut frame = vec![0.0f32; NUM_BINS];
    let mut loudest = f32::NEG_INFINITY;
    for t in 0..num_frames {
        if cancelled(t) {
            return None;
        }
        spectra.frame(t, &mut frame);
        for (m, &v) in mean.iter_mut().zip(&frame) {
            *m += f64::from(v);
        }
        loudest = frame.iter().copied().fold(loudest, f32::max);
    }
    let mean: Vec<f32> = mean.iter().map(|m| (m / num_frames as f64) as f32).collect();
    let floor = loudest - PEAK_RANGE_DB * std::f32::consts::LN_10 / 10.0;

    // Pass 2: normalised frames in a ring of 2 * span + 1, each with its running maximum over
    // ±PEAK_HALF_WIDTH_BINS; the middle frame's peaks are decided once the ring is full.
    let span = PEAK_HALF_SPAN_FRAMES;
    let ring_len = 2 * span + 1;
    let mut normalised = vec![vec![0.0f32; NUM_BINS]; ring_len];
    let mut widened = vec![vec![0.0f32; NUM_BINS]; ring_len];
    let mut raw = vec![vec![0.0f32; NUM_BINS]; ring_len];
    let (mut forward, mut backward) = (Vec::new(), Vec::new());
    let mut peaks = Vec::new();
    for t in 0..num_frames + span {
        if cancelled(t) {
            return None;
        }
        if t < num_frames {
            let slot = t % ring_len;
            spectra.frame(t, &mut raw[slot]);
            for ((n, &r), &m) in normalised[slot].iter_mut().zip(&raw[slot]).zip(&mean) {
                *n = r - m;
            }
            widen(&normalised[slot], &mut widened[slot], &mut forward, &mut backward);
        }
        let Some(c) = t.checked_sub(span) else { continue };
        let slot = c % ring_len;
        let (first, last) = (c.saturating_sub(span), (c + span).min(num_frames - 1));
        for k in 0..NUM_BINS {
            let v = normalised[slot][k];
            if v < widened[slot][k] || raw[slot][k] < floor || !is_strict_bin_peak(&normalised[slot], k) {
                continue;
            }
            let is_peak = (first..=last).filter(|&u| u != c).all(|u| v > widened[u % ring_len][k]);
            if is_peak {
                peaks.push(Peak { frame: c, bin: k + MIN_BIN, strength: v });
            }
        }
    }
    // The strongest, at a fixed density: a copy keeps most of them whatever its level or EQ.
    let keep = ((num_frames as f64 * FRAME_SEC * PEAKS_PER_SEC).ceil() as usize).max(1);
    if peaks.len() > keep {
        peaks.sort_by(|a, b| b.strength.total_cmp(&a.strength).then(a.frame.cmp(&b.frame)).then(a.bin.cmp(&b.bin)));
        peaks.truncate(keep);
        peaks.sort_by_key(|p| (p.frame, p.bin));
    }
    Some(peaks)
}

/// `out[k]` = the largest of `x[k - w ..= k + w]` (w = [`PEAK_HALF_WIDTH_BINS`], clipped at the
/// ends), in three comparisons per bin whatever `w` (van Herk / Gil-Werman: maxima of blocks of
/// `2w + 1` from the left and from the right, two of which cover any window).
fn widen(x: &[f32], out: &mut [f32], forward: &mut Vec<f32>, backward: &mut Vec<f32>) {
    let w = PEAK_HALF_WIDTH_BINS;
    let block = 2 * w + 1;
    // Padded with -inf by w on both sides, so every window lies inside.
    let padded_len = (x.len() + 2 * w).div_ceil(block) * block;
    let at = |i: usize| if i >= w && i - w < x.len() { x[i - w] } else { f32::NEG_INFINITY };
    forward.clear();
    backward.clear();
    backward.resize(padded_len, f32::NEG_INFINITY);
    for i in 0..padded_len {
        let v = at(i);
        forward.push(if i % block == 0 { v } else { forward[i - 1].max(v) });
    }
    for i in (0..padded_len).rev() {
        let v = at(i);
        backward[i] = if i % block == block - 1 || i + 1 == padded_len { v } else { backward[i + 1].max(v) };
    }
    // The window of bin k is padded[k ..= k + 2w].
    for (k, o) in out.iter_mut().enumerate() {
        *o = backward[k].max(forward[k + 2 * w]);
    }
}

/// Whether `x[k]` is larger than every other value within [`PEAK_HALF_WIDTH_BINS`] (a plateau,
/// such as a floored silent frame, has no peak).
fn is_strict_bin_peak(x: &[f32], k: usize) -> bool {
    let w = PEAK_HALF_WIDTH_BINS;
    let (lo, hi) = (k.saturating_sub(w), (k + w).min(x.len() - 1));
    (lo..=hi).all(|j| j == k || x[j] < x[k])
}

/// Pairs each peak with the next [`FAN_OUT`] peaks within [`MAX_PAIR_FRAMES`] and
/// [`MAX_PAIR_BINS`], ordered by frame.
fn pair_peaks(peaks: &[Peak]) -> Vec<Landmark> {
    let mut out = Vec::with_capacity(peaks.len() * FAN_OUT);
    for (i, a) in peaks.iter().enumerate() {
        let partners = peaks[i + 1..]
            .iter()
            .take_while(|b| b.frame - a.frame <= MAX_PAIR_FRAMES)
            .filter(|b| b.frame > a.frame && b.bin.abs_diff(a.bin) <= MAX_PAIR_BINS)
            .take(FAN_OUT);
        for b in partners {
            let bin_step = (b.bin as i64 - a.bin as i64 + 128) as u32;
            let frame_step = (b.frame - a.frame) as u32;
            out.push(Landmark { hash: (a.bin as u32) << 14 | bin_step << 6 | frame_step, frame: a.frame as u32 });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widening_is_a_running_maximum() {
        let x: Vec<f32> = (0..97).map(|i| ((i * 37) % 101) as f32).collect();
        let mut out = vec![0.0; x.len()];
        widen(&x, &mut out, &mut Vec::new(), &mut Vec::new());
        let w = PEAK_HALF_WIDTH_BINS;
        for (k, &o) in out.iter().enumerate() {
            let naive = x[k.saturating_sub(w)..=(k + w).min(x.len() - 1)].iter().copied().fold(f32::NEG_INFINITY, f32::max);
            assert_eq!(o, naive, "bin {k}");
        }
    }

    #[test]
    fn silence_and_tiny_input_give_nothing() {
        assert!(fingerprint(&[vec![0.0; 44_100]], 44_100).is_empty());
        assert!(fingerprint(&[vec![0.1; 10]], 44_100).is_empty());
        assert!(fingerprint(&[], 44_100).is_empty());
    }
}
