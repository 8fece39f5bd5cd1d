//! Onset strength: log-compressed positive spectral flux over log-spaced frequency bands
//! (the filtered-spectrogram flux of Böck, Krebs & Schedl, "Evaluating the online capabilities of
//! onset detection methods", ISMIR 2012).
//!
//! Magnitudes are summed into bands a sixth of an octave wide (a single bin where bins are wider than
//! that), compressed with `ln(1 + GAMMA * m)`, and the flux is the mean over bands of the positive
//! difference against the previous frame. Grouping first makes the flux of stationary noise small and
//! smooth, and the compression makes it level-independent above about -60 dBFS.

/// Lowest band edge, Hz (below this only rumble and DC).
const FLUX_MIN_HZ: f32 = 30.0;
/// Highest band edge, Hz (capped at Nyquist).
const FLUX_MAX_HZ: f32 = 16_000.0;
/// Bands per octave.
const BANDS_PER_OCTAVE: f32 = 6.0;
/// Compression gain: magnitudes are normalised so a full-scale sine reads 1, so 1000 puts the knee of
/// `ln(1 + GAMMA * m)` near -60 dBFS.
const GAMMA: f32 = 1000.0;

/// Log-spaced band layout for one FFT size and sample rate, with the previous frame's band levels.
#[derive(Debug, Clone)]
pub(crate) struct BandFlux {
    /// Bin ranges `[start, end)` of each band, ascending, non-empty, disjoint.
    ranges: Vec<(usize, usize)>,
    /// Compressed band levels of the previous frame.
    prev: Vec<f32>,
    /// Compressed band levels of the current frame.
    current: Vec<f32>,
}

impl BandFlux {
    /// Lays out bands for `fft_size` at `sample_rate_hz`. Not realtime-safe: allocates.
    pub(crate) fn new(fft_size: usize, sample_rate_hz: u32) -> Self {
        let bin_hz = sample_rate_hz as f32 / fft_size as f32;
        let num_bins = fft_size / 2 + 1;
        let max_hz = FLUX_MAX_HZ.min(sample_rate_hz as f32 * 0.5);
        let mut ranges = Vec::new();
        let mut start = ((FLUX_MIN_HZ / bin_hz).round() as usize).max(1);
        let ratio = 2f32.powf(1.0 / BANDS_PER_OCTAVE);
        let mut edge_hz = FLUX_MIN_HZ;
        while start < num_bins && (start as f32) * bin_hz < max_hz {
            edge_hz *= ratio;
            let end = ((edge_hz / bin_hz).round() as usize).clamp(start + 1, num_bins);
            // Keep edges monotonic: once bands are narrower than a bin, every bin is its own band.
            edge_hz = edge_hz.max(end as f32 * bin_hz);
            ranges.push((start, end));
            start = end;
        }
        let num_bands = ranges.len();
        Self {
            ranges,
            prev: vec![0.0; num_bands],
            current: vec![0.0; num_bands],
        }
    }

    /// Forgets the previous frame (the next flux is measured against silence).
    pub(crate) fn reset(&mut self) {
        self.prev.fill(0.0);
    }

    /// Takes one frame's normalised magnitudes (`fft_size / 2 + 1` bins, a full-scale sine reads 1) and
    /// returns its flux against the previous frame: mean over bands of the positive increase of the
    /// compressed band level. Remembers this frame for the next call.
    pub(crate) fn next_flux(&mut self, magnitudes: &[f32]) -> f32 {
        if self.ranges.is_empty() {
            return 0.0;
        }
        let mut flux = 0.0f32;
        for ((&(start, end), level), prev) in self.ranges.iter().zip(&mut self.current).zip(&self.prev) {
            let end = end.min(magnitudes.len());
            let sum: f32 = magnitudes.get(start..end).map_or(0.0, |m| m.iter().sum());
            *level = (GAMMA * sum).ln_1p();
            flux += (*level - prev).max(0.0);
        }
        std::mem::swap(&mut self.prev, &mut self.current);
        flux / self.ranges.len() as f32
    }

    /// Number of bands.
    #[cfg(test)]
    fn num_bands(&self) -> usize {
        self.ranges.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_are_disjoint_and_cover_the_range() {
        let bands = BandFlux::new(2048, 44_100);
        assert!(bands.num_bands() > 30, "{} bands", bands.num_bands());
        for w in bands.ranges.windows(2) {
            assert_eq!(w[0].1, w[1].0);
            assert!(w[0].0 < w[0].1);
        }
        let last = bands.ranges.last().unwrap();
        assert!(last.1 as f32 * 44_100.0 / 2048.0 >= 15_000.0);
    }

    #[test]
    fn flux_rises_on_attack_and_is_zero_when_steady() {
        let mut bands = BandFlux::new(2048, 44_100);
        let quiet = vec![0.0f32; 1025];
        let loud = vec![0.01f32; 1025];
        assert_eq!(bands.next_flux(&quiet), 0.0);
        let attack = bands.next_flux(&loud);
        assert!(attack > 1.0, "attack flux {attack}");
        assert_eq!(bands.next_flux(&loud), 0.0);
        assert_eq!(bands.next_flux(&quiet), 0.0, "decay is not an onset");
    }
}
