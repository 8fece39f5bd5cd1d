//! Key chroma: a pitch-class profile with the frequency resolution key finding needs, from the same
//! pass as every other feature.
//!
//! The analysis STFT (2048 points at 44.1 kHz, 21.5 Hz bins) cannot tell the low notes apart that carry
//! a key's tonic and roots: a semitone is 3.3 Hz at A1 and 6.5 Hz at A2. Here the signal is decimated
//! by `DECIMATION` (to about 11 kHz) and transformed with `KEY_FFT_SIZE` points (2.7 Hz bins at 11.025
//! kHz) every `KEY_HOP` decimated samples; each bin between `KEY_CHROMA_MIN_HZ` and
//! `KEY_CHROMA_MAX_HZ` adds its magnitude to a fine pitch-class grid (`FINE_BINS_PER_SEMITONE` per
//! semitone). Once the source's tuning is known (after the pass), the fine grid is folded to 12 pitch
//! classes with triangular weights around the tuned semitone centres, as the log-frequency filter bank
//! of a constant-Q chroma does (Müller, "Fundamentals of Music Processing", 2015, ch. 3.1; Gómez 2006).
//!
//! The decimator is a short windowed-sinc FIR evaluated only at the kept samples, streamed hop by hop
//! with the pass (the pass never holds a mono copy of a stereo source). A resampling crate would do the
//! job too, but only content below `KEY_CHROMA_MAX_HZ` matters here, so a 41-tap filter whose
//! aliases all land above that band is enough, at about 10 multiply-adds per input sample.

use crate::rt::math;
use super::spectrum::MagnitudeSpectrum;

/// Decimation factor before the key transform.
pub const DECIMATION: usize = 4;
/// FFT length of the key transform, decimated samples (0.37 s at 44.1 kHz sources).
pub const KEY_FFT_SIZE: usize = 4096;
/// Hop of the key transform, decimated samples (93 ms at 44.1 kHz sources).
pub const KEY_HOP: usize = 1024;
/// Lowest frequency in the key chroma, Hz (just below A1).
pub const KEY_CHROMA_MIN_HZ: f32 = 50.0;
/// Highest frequency in the key chroma, Hz: fundamentals of bass, chords and most melodies, and their
/// strongest harmonics; above it, upper harmonics smear the profile.
pub const KEY_CHROMA_MAX_HZ: f32 = 2000.0;
/// Resolution of the fine pitch-class grid that waits for the tuning estimate.
const FINE_BINS_PER_SEMITONE: usize = 5;
/// Size of the fine grid.
const FINE_BINS: usize = 12 * FINE_BINS_PER_SEMITONE;
/// Taps of the decimation filter.
const FIR_TAPS: usize = 41;
/// Key frames whose summed magnitude is below this carry no pitch (about -100 dB per bin).
const SILENT_SUM: f32 = 1e-5;

/// Streams a pass's samples into fine-grained key chroma frames.
pub(crate) struct KeyChroma {
    /// Decimation filter, `FIR_TAPS` long.
    fir: Vec<f32>,
    /// The last `FIR_TAPS - 1` input samples before the current hop, then the hop's samples.
    history: Vec<f32>,
    /// Input samples seen, counting from the start of the pass.
    input_count: usize,
    /// Decimated samples of the current key window; the window's newest sample is last.
    window: Vec<f32>,
    /// Decimated samples produced since the last key frame.
    since_frame: usize,
    spectrum: MagnitudeSpectrum,
    /// For each key-transform bin in range: (first fine bin, weight of it; the rest goes to the next).
    bin_map: Vec<(usize, usize, f32)>,
    /// Fine pitch-class grid of every key frame.
    fine: Vec<[f32; FINE_BINS]>,
}

impl std::fmt::Debug for KeyChroma {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyChroma").field("frames", &self.fine.len()).finish_non_exhaustive()
    }
}

impl KeyChroma {
    /// Plans the key transform for sources at `sample_rate_hz`. Not realtime-safe: allocates.
    pub(crate) fn new(sample_rate_hz: u32) -> Self {
        let rate = sample_rate_hz.max(1) as f32;
        // Cut-off at the decimated Nyquist frequency's middle: everything that aliases lands above
        // `KEY_CHROMA_MAX_HZ` at the usual source rates.
        let cutoff = 0.5 / DECIMATION as f32 * 0.8;
        let centre = (FIR_TAPS - 1) as f32 / 2.0;
        let mut fir: Vec<f32> = (0..FIR_TAPS)
            .map(|i| {
                let m = i as f32 - centre;
                let sinc = if m == 0.0 {
                    2.0 * cutoff
                } else {
                    math::sin(std::f32::consts::TAU * cutoff * m) / (std::f32::consts::PI * m)
                };
                let phase = std::f32::consts::TAU * i as f32 / (FIR_TAPS - 1) as f32;
                sinc * (0.42 - 0.5 * math::cos(phase) + 0.08 * math::cos(2.0 * phase))
            })
            .collect();
        let gain: f32 = fir.iter().sum();
        fir.iter_mut().for_each(|h| *h /= gain);
        let bin_hz = rate / DECIMATION as f32 / KEY_FFT_SIZE as f32;
        let last_bin = KEY_FFT_SIZE / 2;
        let bin_map = (1..=last_bin)
            .filter_map(|k| {
                let hz = k as f32 * bin_hz;
                if !(KEY_CHROMA_MIN_HZ..=KEY_CHROMA_MAX_HZ).contains(&hz) {
                    return None;
                }
                // Position on the fine grid, C = 0, in fine bins.
                let position = (69.0 + 12.0 * math::log2(hz / 440.0)) * FINE_BINS_PER_SEMITONE as f32;
                let position = position.rem_euclid(FINE_BINS as f32);
                let lower = position.floor();
                Some((k, lower as usize % FINE_BINS, 1.0 - (position - lower)))
            })
            .collect();
        Self {
            fir,
            history: Vec::with_capacity(FIR_TAPS + 4096),
            input_count: 0,
            window: vec![0.0; KEY_FFT_SIZE],
            since_frame: 0,
            spectrum: MagnitudeSpectrum::new(KEY_FFT_SIZE),
            bin_map,
            fine: Vec::new(),
        }
    }

    /// Forgets the last pass.
    pub(crate) fn reset(&mut self) {
        self.history.clear();
        self.input_count = 0;
        self.window.iter_mut().for_each(|x| *x = 0.0);
        self.since_frame = 0;
        self.fine.clear();
    }

    /// Takes the next consecutive samples of the pass (any length; non-finite samples count as zero).
    pub(crate) fn push(&mut self, samples: &[f32]) {
        if self.history.is_empty() {
            // The filter starts on silence before the source.
            self.history.resize(FIR_TAPS - 1, 0.0);
        }
        // `history[j]` is input sample `input_count - (FIR_TAPS - 1) + j`.
        self.history.extend(samples.iter().map(|&x| if x.is_finite() { x } else { 0.0 }));
        let end = self.input_count + samples.len();
        // Kept samples are the multiples of DECIMATION, each filtered over the taps ending at it.
        let mut n = self.input_count.next_multiple_of(DECIMATION);
        while n < end {
            let taps = &self.history[n - self.input_count..n - self.input_count + FIR_TAPS];
            let y: f32 = taps.iter().zip(self.fir.iter().rev()).map(|(x, h)| x * h).sum();
            self.window[KEY_FFT_SIZE - KEY_HOP + self.since_frame] = y;
            self.since_frame += 1;
            if self.since_frame == KEY_HOP {
                self.push_frame();
                self.window.copy_within(KEY_HOP.., 0);
                self.since_frame = 0;
            }
            n += DECIMATION;
        }
        self.input_count = end;
        let drop = self.history.len() - (FIR_TAPS - 1);
        self.history.drain(..drop);
    }

    /// Ends the pass: the last partial hop becomes a frame (zero padded) if samples are pending.
    pub(crate) fn finish(&mut self) {
        if self.since_frame > 0 {
            self.window[KEY_FFT_SIZE - KEY_HOP + self.since_frame..].iter_mut().for_each(|x| *x = 0.0);
            self.push_frame();
            self.since_frame = 0;
        }
    }

    fn push_frame(&mut self) {
        let mags = self.spectrum.transform(&self.window);
        let mut fine = [0.0f32; FINE_BINS];
        for &(k, lower, weight) in &self.bin_map {
            let m = mags[k];
            fine[lower] += weight * m;
            fine[(lower + 1) % FINE_BINS] += (1.0 - weight) * m;
        }
        self.fine.push(fine);
    }

    /// Appends one key chroma per analysis frame to `out` (`num_frames` frames of `hop_size` source
    /// samples, `fft_size` long): the key frame whose centre is nearest the analysis frame's, folded to
    /// 12 pitch classes after removing `tuning_semitones`, scaled to sum 1 (all zero for silence).
    pub(crate) fn fold_into(
        &self,
        tuning_semitones: f32,
        num_frames: usize,
        hop_size: usize,
        fft_size: usize,
        out: &mut Vec<[f32; 12]>,
    ) {
        let folded: Vec<[f32; 12]> = self.fine.iter().map(|fine| fold(fine, tuning_semitones)).collect();
        // Key frame j ends at decimated sample (j + 1) * KEY_HOP, so its centre is source sample
        // DECIMATION * ((j + 1) * KEY_HOP - KEY_FFT_SIZE / 2).
        let key_hop = (DECIMATION * KEY_HOP) as f64;
        let offset = (DECIMATION * (KEY_FFT_SIZE / 2 - KEY_HOP)) as f64;
        for i in 0..num_frames {
            let centre = (i * hop_size + fft_size / 2) as f64;
            let j = ((centre + offset) / key_hop).round() as usize;
            out.push(match folded.len() {
                0 => [0.0; 12],
                len => folded[j.min(len - 1)],
            });
        }
    }
}

/// One fine grid folded to 12 pitch classes around centres shifted by `tuning_semitones`, scaled to
/// sum 1 (zero when silent).
fn fold(fine: &[f32; FINE_BINS], tuning_semitones: f32) -> [f32; 12] {
    let mut chroma = [0.0f32; 12];
    for (b, &m) in fine.iter().enumerate() {
        let pitch = b as f32 / FINE_BINS_PER_SEMITONE as f32 - tuning_semitones;
        let nearest = pitch.round();
        let weight = (1.0 - 2.0 * (pitch - nearest).abs()).max(0.0);
        chroma[(nearest as i32).rem_euclid(12) as usize] += weight * m;
    }
    let total: f32 = chroma.iter().sum();
    if total < SILENT_SUM { [0.0; 12] } else { chroma.map(|c| c / total) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sines(freqs_hz: &[f32], seconds: f32) -> Vec<f32> {
        (0..(seconds * 44_100.0) as usize)
            .map(|i| freqs_hz.iter().map(|f| math::sin(std::f32::consts::TAU * f * i as f32 / 44_100.0)).sum::<f32>() * 0.2)
            .collect()
    }

    fn chroma_of(signal: &[f32], chunk: usize, tuning: f32) -> Vec<[f32; 12]> {
        let mut key = KeyChroma::new(44_100);
        for part in signal.chunks(chunk) {
            key.push(part);
        }
        key.finish();
        let mut out = Vec::new();
        key.fold_into(tuning, signal.len().div_ceil(512), 512, 2048, &mut out);
        out
    }

    #[test]
    fn low_notes_a_semitone_apart_land_in_their_own_pitch_classes() {
        // A2 and A#2 (110 and 116.5 Hz) fall in one bin of the analysis STFT (21.5 Hz wide).
        let chroma = chroma_of(&sines(&[110.0, 116.54], 2.0), 512, 0.0);
        let mid = chroma[chroma.len() / 2];
        assert!(mid[9] > 0.4 && mid[10] > 0.4, "{mid:?}");
        // A1 and A#1 (55 and 58.3 Hz): the window's main lobe is wider than a semitone there, but
        // the two notes are still the two strongest pitch classes.
        let chroma = chroma_of(&sines(&[55.0, 58.27], 2.0), 512, 0.0);
        let mid = chroma[chroma.len() / 2];
        let mut order: Vec<usize> = (0..12).collect();
        order.sort_by(|&a, &b| mid[b].total_cmp(&mid[a]));
        assert_eq!(order[..2].iter().copied().min(), Some(9), "{mid:?}");
        assert_eq!(order[..2].iter().copied().max(), Some(10), "{mid:?}");
    }

    #[test]
    fn tuning_is_removed_before_folding() {
        // E3 sung 40 cents sharp folds to E once the tuning is known, and straddles E/F without it.
        let f = 164.81 * math::powf(2f32, 0.4 / 12.0);
        let tuned = chroma_of(&sines(&[f], 2.0), 512, 0.4);
        let mid = tuned[tuned.len() / 2];
        assert!(mid[4] > 0.9, "{mid:?}");
        let untuned = chroma_of(&sines(&[f], 2.0), 512, 0.0);
        assert!(untuned[untuned.len() / 2][4] < 0.9);
    }

    #[test]
    fn the_chunking_of_the_stream_does_not_change_the_result() {
        let signal = sines(&[110.0, 220.0 * 1.26, 330.0], 1.5);
        assert_eq!(chroma_of(&signal, 512, 0.1), chroma_of(&signal, 333, 0.1));
    }

    #[test]
    fn silence_gives_zero_frames_and_every_analysis_frame_gets_one() {
        let chroma = chroma_of(&vec![0.0; 30_000], 512, 0.0);
        assert_eq!(chroma.len(), 30_000usize.div_ceil(512));
        assert!(chroma.iter().all(|c| *c == [0.0; 12]));
    }
}
