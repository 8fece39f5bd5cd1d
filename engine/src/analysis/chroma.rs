//! Chroma from spectral peaks, with a global tuning estimate: the peak-based pitch-class profile of
//! Gómez ("Tonal description of polyphonic audio", 2006), simplified to nearest-semitone assignment.
//!
//! Each frame's magnitude spectrum is searched for local maxima between `CHROMA_MIN_HZ` and
//! `CHROMA_MAX_HZ`; each peak's frequency is refined by parabolic interpolation of the log-magnitude,
//! turned into a fractional MIDI pitch and kept. After the pass, the tuning offset is the
//! magnitude-weighted circular mean of the peaks' deviations from the equal-tempered grid, and every
//! peak adds its magnitude to the pitch class nearest to its pitch minus that offset.

use crate::rt::math;

/// Lowest peak frequency used for chroma, Hz (A1).
pub const CHROMA_MIN_HZ: f32 = 55.0;
/// Highest peak frequency used for chroma, Hz: above it, partials are mostly upper harmonics.
pub const CHROMA_MAX_HZ: f32 = 5_000.0;
/// Highest peak frequency counted in the bass chroma, Hz (about F#3): bass lines and the low
/// fundamentals that carry chord roots and the tonic.
pub const BASS_CHROMA_MAX_HZ: f32 = 180.0;
/// Peaks weaker than this fraction of the frame's strongest peak are ignored (-30 dB: above the Hann
/// window's first sidelobe at -31.5 dB, so the strongest partial's leakage does not count as a note).
const RELATIVE_FLOOR: f32 = 0.0316;
/// Peaks below this normalised magnitude are ignored (-80 dBFS).
const ABSOLUTE_FLOOR: f32 = 1e-4;

/// Collects the spectral peaks of every frame of one pass, then folds them into chroma.
#[derive(Debug, Clone)]
pub(crate) struct ChromaPeaks {
    /// First bin searched (at least 2, so the +-2 neighbourhood exists).
    min_bin: usize,
    /// Last bin searched, inclusive.
    max_bin: usize,
    /// Width of one bin, Hz.
    bin_hz: f32,
    /// Fractional MIDI pitch of each peak, all frames concatenated.
    pitches: Vec<f32>,
    /// Interpolated normalised magnitude of each peak.
    magnitudes: Vec<f32>,
    /// For each frame, the end index of its peaks in `pitches`.
    frame_ends: Vec<usize>,
}

impl ChromaPeaks {
    /// Prepares the search range for `fft_size` at `sample_rate_hz`. Not realtime-safe: allocates.
    pub(crate) fn new(fft_size: usize, sample_rate_hz: u32) -> Self {
        let bin_hz = sample_rate_hz as f32 / fft_size as f32;
        let last_usable = (fft_size / 2).saturating_sub(2);
        let min_bin = ((CHROMA_MIN_HZ / bin_hz).ceil() as usize).max(2);
        let max_bin = ((CHROMA_MAX_HZ / bin_hz).floor() as usize).min(last_usable);
        Self {
            min_bin,
            max_bin,
            bin_hz,
            pitches: Vec::new(),
            magnitudes: Vec::new(),
            frame_ends: Vec::new(),
        }
    }

    /// Forgets all frames.
    pub(crate) fn clear(&mut self) {
        self.pitches.clear();
        self.magnitudes.clear();
        self.frame_ends.clear();
    }

    /// Finds and stores the peaks of one frame's normalised magnitudes (`fft_size / 2 + 1` bins).
    pub(crate) fn push_frame(&mut self, mags: &[f32]) {
        if self.min_bin <= self.max_bin && self.max_bin + 2 < mags.len() {
            let range = &mags[self.min_bin..=self.max_bin];
            let strongest = range.iter().fold(0.0f32, |m, &v| m.max(v));
            let floor = (strongest * RELATIVE_FLOOR).max(ABSOLUTE_FLOOR);
            for k in self.min_bin..=self.max_bin {
                let m = mags[k];
                if m <= floor || m <= mags[k - 1] || m < mags[k + 1] || m <= mags[k - 2] || m < mags[k + 2] {
                    continue;
                }
                // Parabolic interpolation of the log-magnitude (exact for a Gaussian lobe, within a
                // few cents for Hann).
                let (a, b, c) = (math::ln(mags[k - 1].max(1e-12)), math::ln(m), math::ln(mags[k + 1].max(1e-12)));
                let denom = a - 2.0 * b + c;
                let offset = if denom < 0.0 {
                    (0.5 * (a - c) / denom).clamp(-0.5, 0.5)
                } else {
                    0.0
                };
                let freq_hz = (k as f32 + offset) * self.bin_hz;
                let magnitude = math::exp(b - 0.25 * (a - c) * offset);
                self.pitches.push(69.0 + 12.0 * math::log2(freq_hz / 440.0));
                self.magnitudes.push(magnitude);
            }
        }
        self.frame_ends.push(self.pitches.len());
    }

    /// The tuning offset against A4 = 440 Hz, semitones in -0.5..0.5: the magnitude-weighted circular
    /// mean of each peak's deviation from the nearest equal-tempered pitch (0 without peaks).
    pub(crate) fn tuning_semitones(&self) -> f32 {
        let (mut re, mut im) = (0.0f64, 0.0f64);
        for (&p, &m) in self.pitches.iter().zip(&self.magnitudes) {
            let phase = std::f64::consts::TAU * f64::from(p);
            re += f64::from(m) * math::cos(phase);
            im += f64::from(m) * math::sin(phase);
        }
        if re == 0.0 && im == 0.0 {
            return 0.0;
        }
        (math::atan2(im, re) / std::f64::consts::TAU) as f32
    }

    /// Appends one chroma vector per stored frame to `out`, and one bass chroma (peaks below
    /// `BASS_CHROMA_MAX_HZ` only) to `bass_out`, pitches shifted by `-tuning_semitones`, both divided
    /// by the frame's chroma total (so the chroma sums to 1 and the bass chroma to the bass share;
    /// all zero for a frame without peaks).
    pub(crate) fn fold_into(&self, tuning_semitones: f32, out: &mut Vec<[f32; 12]>, bass_out: &mut Vec<[f32; 12]>) {
        let bass_max_pitch = 69.0 + 12.0 * math::log2(BASS_CHROMA_MAX_HZ / 440.0);
        let mut start = 0;
        for &end in &self.frame_ends {
            let mut chroma = [0.0f32; 12];
            let mut bass = [0.0f32; 12];
            for (&p, &m) in self.pitches[start..end].iter().zip(&self.magnitudes[start..end]) {
                let pitch_class = ((p - tuning_semitones).round() as i32).rem_euclid(12) as usize;
                chroma[pitch_class] += m;
                if p < bass_max_pitch {
                    bass[pitch_class] += m;
                }
            }
            // Both are scaled by the frame's total, so the bass chroma says how much of the frame is
            // bass: a frame whose only low "peaks" are leakage contributes next to nothing.
            let total: f32 = chroma.iter().sum();
            let scale = if total > 0.0 { 1.0 / total } else { 0.0 };
            out.push(chroma.map(|c| c * scale));
            bass_out.push(bass.map(|c| c * scale));
            start = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Magnitudes of a Hann-windowed stationary sine at `freq_hz`, normalised to 1 at the peak.
    fn hann_line(freq_hz: f32, num_bins: usize, bin_hz: f32) -> Vec<f32> {
        (0..num_bins)
            .map(|k| {
                let d = k as f32 - freq_hz / bin_hz;
                // Hann main lobe: sinc(d) / (1 - d^2), zero outside |d| < 2.
                if d.abs() < 1e-6 {
                    1.0
                } else if d.abs() >= 2.0 {
                    0.0
                } else {
                    let x = std::f32::consts::PI * d;
                    (math::sin(x) / x / (1.0 - d * d)).abs()
                }
            })
            .collect()
    }

    #[test]
    fn detuned_line_gives_its_tuning_and_pitch_class() {
        let bin_hz = 44_100.0 / 2048.0;
        let mut peaks = ChromaPeaks::new(2048, 44_100);
        // E5 sung 20 cents sharp.
        let freq_hz = 659.255 * math::powf(2f32, 0.2 / 12.0);
        peaks.push_frame(&hann_line(freq_hz, 1025, bin_hz));
        let tuning = peaks.tuning_semitones();
        assert!((tuning - 0.2).abs() < 0.05, "tuning {tuning}");
        let (mut chroma, mut bass) = (Vec::new(), Vec::new());
        peaks.fold_into(tuning, &mut chroma, &mut bass);
        assert_eq!(chroma[0][4], 1.0);
        assert_eq!(bass[0], [0.0; 12], "E5 is not bass");
    }

    #[test]
    fn silent_frame_has_zero_chroma() {
        let mut peaks = ChromaPeaks::new(2048, 44_100);
        peaks.push_frame(&[0.0; 1025]);
        let (mut chroma, mut bass) = (Vec::new(), Vec::new());
        peaks.fold_into(peaks.tuning_semitones(), &mut chroma, &mut bass);
        assert_eq!(chroma, vec![[0.0; 12]]);
        assert_eq!(bass, vec![[0.0; 12]]);
    }
}
