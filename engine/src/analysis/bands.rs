//! Onset strength: log-compressed positive spectral flux over log-spaced frequency bands
//! (the filtered-spectrogram flux of Böck, Krebs & Schedl, "Evaluating the online capabilities of
//! onset detection methods", ISMIR 2012).
//!
//! Magnitudes are summed into bands a sixth of an octave wide (a single bin where bins are wider than
//! that), compressed with `ln(1 + GAMMA * m)`, and the flux is the mean over bands of the positive
//! difference against the previous frame. Grouping first makes the flux of stationary noise small and
//! smooth, and the compression makes it level-independent above about -60 dBFS.

use crate::rt::math;

/// Lowest band edge, Hz (below this only rumble and DC).
const FLUX_MIN_HZ: f32 = 30.0;
/// Highest band edge, Hz (capped at Nyquist).
const FLUX_MAX_HZ: f32 = 16_000.0;
/// Bands per octave.
const BANDS_PER_OCTAVE: f32 = 6.0;
/// Compression gain: magnitudes are normalised so a full-scale sine reads 1, so 1000 puts the knee of
/// `ln(1 + GAMMA * m)` near -60 dBFS.
const GAMMA: f32 = 1000.0;
/// Upper edges of the accent regions, Hz: kick (fundamentals and body), snare body and low mids,
/// snare crack and upper mids; the last region runs to `FLUX_MAX_HZ` (hats, cymbals, noise).
/// A band belongs to the region its centre falls in.
pub const ACCENT_REGION_EDGES_HZ: [f32; NUM_ACCENT_REGIONS - 1] = [150.0, 500.0, 3000.0];
/// Number of accent regions (see [`ACCENT_REGION_EDGES_HZ`]).
pub const NUM_ACCENT_REGIONS: usize = 4;

/// Log-spaced band layout for one FFT size and sample rate, with the previous frame's band levels.
#[derive(Debug, Clone)]
pub(crate) struct BandFlux {
    /// Bin ranges `[start, end)` of each band, ascending, non-empty, disjoint.
    ranges: Vec<(usize, usize)>,
    /// Accent region of each band, `0..NUM_ACCENT_REGIONS`.
    regions: Vec<usize>,
    /// Number of bands in each accent region.
    region_counts: [usize; NUM_ACCENT_REGIONS],
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
        let ratio = math::powf(2f32, 1.0 / BANDS_PER_OCTAVE);
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
        let regions: Vec<usize> = ranges
            .iter()
            .map(|&(start, end)| {
                let centre_hz = (start as f32 * end as f32).sqrt() * bin_hz;
                ACCENT_REGION_EDGES_HZ.iter().filter(|&&edge| centre_hz >= edge).count()
            })
            .collect();
        let mut region_counts = [0; NUM_ACCENT_REGIONS];
        for &r in &regions {
            region_counts[r] += 1;
        }
        Self {
            ranges,
            regions,
            region_counts,
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
    #[cfg(test)]
    pub(crate) fn next_flux(&mut self, magnitudes: &[f32]) -> f32 {
        self.next_fluxes(magnitudes).0
    }

    /// [`Self::next_flux`] together with the same flux over each accent region's bands (0 for a region
    /// without bands).
    pub(crate) fn next_fluxes(&mut self, magnitudes: &[f32]) -> (f32, [f32; NUM_ACCENT_REGIONS]) {
        if self.ranges.is_empty() {
            return (0.0, [0.0; NUM_ACCENT_REGIONS]);
        }
        let mut region_flux = [0.0f32; NUM_ACCENT_REGIONS];
        let bands = self.ranges.iter().zip(&self.regions).zip(&mut self.current).zip(&self.prev);
        for (((&(start, end), &region), level), prev) in bands {
            let end = end.min(magnitudes.len());
            let sum: f32 = magnitudes.get(start..end).map_or(0.0, |m| m.iter().sum());
            *level = math::ln_1p(GAMMA * sum);
            region_flux[region] += (*level - prev).max(0.0);
        }
        std::mem::swap(&mut self.prev, &mut self.current);
        let flux = region_flux.iter().sum::<f32>() / self.ranges.len() as f32;
        for (f, &count) in region_flux.iter_mut().zip(&self.region_counts) {
            *f = if count == 0 { 0.0 } else { *f / count as f32 };
        }
        (flux, region_flux)
    }

    /// The compressed band levels (`ln(1 + GAMMA m)`) of the frame the last [`Self::next_fluxes`]
    /// took, lowest band first.
    pub(crate) fn levels(&self) -> &[f32] {
        &self.prev
    }

    /// Number of bands.
    pub(crate) fn num_bands(&self) -> usize {
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
