//! `HitClass` and `HitFeatures`: what the classifier names a hit and the measures it names it by
//! (measured in `measure.rs`, classed in `model.rs`).

use crate::rt::math;

/// Number of octave bands of [`HitFeatures::octave_db`] (20 Hz to 20.5 kHz; the last takes the rest).
pub const NUM_OCTAVES: usize = 10;

/// Largest magnitude of a power ratio in dB ([`HitFeatures::air_ratio_db`]): past it a share is
/// all or nothing.
const MAX_RATIO_DB: f32 = 60.0;

/// A drum machine's view of a hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum HitClass {
    Kick,
    Snare,
    Hat,
    Perc,
    Other,
}

impl HitClass {
    pub const ALL: [HitClass; 5] = [Self::Kick, Self::Snare, Self::Hat, Self::Perc, Self::Other];

    /// Lower-case name (manifest variant, folder-friendly).
    pub fn name(self) -> &'static str {
        match self {
            Self::Kick => "kick",
            Self::Snare => "snare",
            Self::Hat => "hat",
            Self::Perc => "perc",
            Self::Other => "other",
        }
    }
}

/// The spectral shape of one hit.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct HitFeatures {
    /// Share of power per band (low, low-mid, mid, high), each 0..1, summing to 1.
    pub bands: [f32; 4],
    /// Spectral centroid, Hz.
    pub centroid_hz: f32,
    /// Spectral flatness 150 Hz-12 kHz, 0..1 (white noise about 0.56, a sine near 0).
    pub flatness: f32,
    /// Time from the peak until the level is 20 dB down, ms (the slice length when it never is).
    pub decay_ms: f32,
    /// Spectral flatness of the high band alone (4-12 kHz), 0..1: a hat or a cymbal is noise there,
    /// a violin's or a flute's attack is a few lines.
    pub high_flatness: f32,
    /// Power above `AIR_HZ` (3 kHz) against the power below it, dB (-`MAX_RATIO_DB`..`MAX_RATIO_DB`):
    /// the sizzle of hats, cymbals and snare wires is high (hats +5 to +20), a kick's or a tom's low.
    pub air_ratio_db: f32,
    /// Share of the power between 150 Hz and 12 kHz held by its `NUM_PEAK_BINS` strongest bins, 0..1:
    /// a membrane's few modes or a bell's partials are high, the noise of wires or cymbals low.
    /// Unlike the flatness it does not fall when the spectrum merely tilts.
    pub peak_share: f32,
    /// Spectral flatness 1-4 kHz, 0..1: a snare's wires are noise there, a tom's overtones are lines.
    pub mid_flatness: f32,
    /// Share of the power per octave band from 20 Hz (20-40, 40-80, ... 10 240 Hz and up), dB
    /// (-60..0).
    pub octave_db: [f32; NUM_OCTAVES],
    /// Spectral flatness 500 Hz-8 kHz, 0..1: wires and cymbals are noise there, a tom's overtones
    /// and a bell's partials are lines.
    pub noise_flatness: f32,
    /// Power-weighted mean frequency between 30 and 400 Hz in the first window, Hz: where a drum's
    /// fundamental sits.
    pub low_pitch_hz: f32,
    /// The same about 46-139 ms after the attack (at 44.1 kHz), Hz: a kick's pitch falls, a tom's stays.
    pub late_low_pitch_hz: f32,
    /// Share of the power between 20 Hz and 1 kHz held by its 5 strongest bins, 0..1: high for a
    /// drum's steady fundamental, lower for a gliding one or for noise.
    pub low_peak_share: f32,
}

impl HitFeatures {
    /// Distance between two hits' shapes: L1 over band shares, plus half an octave of centroid
    /// difference and the log-ratio of decay times weighted 0.3. Near-identical hits measure below 0.1.
    pub fn distance(&self, other: &HitFeatures) -> f32 {
        let bands: f32 = self.bands.iter().zip(&other.bands).map(|(a, b)| (a - b).abs()).sum();
        let centroid = math::log2(self.centroid_hz.max(1.0) / other.centroid_hz.max(1.0)).abs();
        let decay = math::ln(self.decay_ms.max(1.0) / other.decay_ms.max(1.0)).abs();
        bands + 0.5 * centroid + 0.3 * decay
    }

    /// Five measures a drummer would name a hit by, the vector `oneshots --like` compares (the
    /// classifier reads these and eleven more): power below 150 Hz against the rest, dB (kick,
    /// low toms); [`Self::air_ratio_db`] (hats, cymbals, snare wires); log2 of [`Self::decay_ms`] from
    /// 10 ms (toms and cymbals ring, kicks and snares stop); [`Self::mid_flatness`] (wires against
    /// overtones); [`Self::peak_share`] (membranes and bells against noise).
    pub fn class_inputs(&self) -> [f32; NUM_CLASS_INPUTS] {
        let low = self.bands[0].clamp(0.0, 1.0);
        [
            ratio_db(f64::from(low), f64::from(1.0 - low)),
            self.air_ratio_db,
            math::log2(self.decay_ms.max(10.0)),
            self.mid_flatness,
            self.peak_share,
        ]
    }
}

/// Number of measures of [`HitFeatures::class_inputs`].
pub const NUM_CLASS_INPUTS: usize = 5;

/// `10 log10(a / b)`, both floored at a tiny power, within +-`MAX_RATIO_DB`.
pub(crate) fn ratio_db(a: f64, b: f64) -> f32 {
    ((10.0 * math::log10(a.max(1e-20) / b.max(1e-20))) as f32).clamp(-MAX_RATIO_DB, MAX_RATIO_DB)
}
