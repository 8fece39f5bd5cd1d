//! Tone variants of pads and drones (warm, airy, dark): cascades of RBJ-cookbook biquads
//! (`voice::biquad`) run forward then backward (zero phase, like scipy's `filtfilt`), so the
//! variants do not smear transients or shift the loop's phase.
//!
//! Forward-backward squares the magnitude response: a 12 dB/octave low-pass becomes 24 dB/octave
//! with its cutoff at -6 dB, and a shelf's gain doubles, so each shelf stage is designed with half
//! the configured gain. The configured cutoffs are therefore the -6 dB points.

use crate::voice::biquad::{Biquad, BiquadCoefs};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::f32::consts::FRAC_1_SQRT_2;

/// Samples of context added at each end before filtering, so the filters settle (about 93 ms at
/// 44.1 kHz: more than ten time constants of the slowest stage, a 150 Hz corner).
const EDGE_PAD_SAMPLES: usize = 4096;

/// The tone variants of the original tool's `pad_variants`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FilterVariant {
    /// Softened top and a little extra body.
    Warm,
    /// Low end thinned out, top lifted: the breath above a pad.
    Airy,
    /// Only the low and low-mid register left.
    Dark,
}

impl FilterVariant {
    /// Every variant, in manifest order.
    pub const ALL: [Self; 3] = [Self::Warm, Self::Airy, Self::Dark];

    /// Lower-case name, as in file names and the manifest.
    pub fn name(self) -> &'static str {
        match self {
            Self::Warm => "warm",
            Self::Airy => "airy",
            Self::Dark => "dark",
        }
    }
}

impl std::fmt::Display for FilterVariant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Corner frequencies and shelf gains of the variants. Keys follow the original's `drones`
/// section where it had one (`warm_lowpass_hz`, `airy_highpass_hz`, `dark_high_cut_hz`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FilterSettings {
    /// Warm low-pass corner, Hz (-6 dB point). 4 kHz takes the edge off without dulling (the
    /// original's 3 kHz made warm and dark hard to tell apart).
    pub warm_lowpass_hz: f32,
    /// Warm low-shelf corner, Hz.
    pub warm_low_shelf_hz: f32,
    /// Warm low-shelf gain, dB: a gentle +3 dB of body.
    pub warm_low_shelf_db: f32,
    /// Airy high-pass corner, Hz (-6 dB point). 300 Hz thins the low end but keeps the pad's body
    /// and most of its energy; the original's 6 kHz high-pass left airy loops 40 dB quieter and
    /// mostly noise.
    pub airy_highpass_hz: f32,
    /// Airy high-shelf corner, Hz.
    pub airy_high_shelf_hz: f32,
    /// Airy high-shelf gain, dB: +4 dB of air.
    pub airy_high_shelf_db: f32,
    /// Dark low-pass corner, Hz (-6 dB point): the original's 1.5 kHz high cut.
    pub dark_high_cut_hz: f32,
}

impl Default for FilterSettings {
    fn default() -> Self {
        Self {
            warm_lowpass_hz: 4000.0,
            warm_low_shelf_hz: 150.0,
            warm_low_shelf_db: 3.0,
            airy_highpass_hz: 300.0,
            airy_high_shelf_hz: 5000.0,
            airy_high_shelf_db: 4.0,
            dark_high_cut_hz: 1500.0,
        }
    }
}

impl FilterSettings {
    /// Checks every corner lies in 20 Hz .. 0.45 x `sample_rate_hz` and every gain in -24..24 dB.
    pub fn validate(&self, sample_rate_hz: u32) -> Result<()> {
        let max_hz = 0.45 * sample_rate_hz as f32;
        let corners = [
            ("warm_lowpass_hz", self.warm_lowpass_hz),
            ("warm_low_shelf_hz", self.warm_low_shelf_hz),
            ("airy_highpass_hz", self.airy_highpass_hz),
            ("airy_high_shelf_hz", self.airy_high_shelf_hz),
            ("dark_high_cut_hz", self.dark_high_cut_hz),
        ];
        for (key, hz) in corners {
            if !(hz.is_finite() && (20.0..=max_hz).contains(&hz)) {
                return Err(setting(key, hz, &format!("20 to {max_hz} Hz")));
            }
        }
        for (key, db) in [
            ("warm_low_shelf_db", self.warm_low_shelf_db),
            ("airy_high_shelf_db", self.airy_high_shelf_db),
        ] {
            if !(db.is_finite() && (-24.0..=24.0).contains(&db)) {
                return Err(setting(key, db, "-24 to 24 dB"));
            }
        }
        Ok(())
    }

    /// The biquad stages of `variant`, each to be run forward and backward.
    fn stages(&self, variant: FilterVariant, sample_rate_hz: f32) -> Vec<BiquadCoefs> {
        let sr = sample_rate_hz;
        match variant {
            FilterVariant::Warm => vec![
                BiquadCoefs::lowpass(self.warm_lowpass_hz, FRAC_1_SQRT_2, sr),
                BiquadCoefs::low_shelf(self.warm_low_shelf_hz, self.warm_low_shelf_db / 2.0, sr),
            ],
            FilterVariant::Airy => vec![
                BiquadCoefs::highpass(self.airy_highpass_hz, FRAC_1_SQRT_2, sr),
                BiquadCoefs::high_shelf(self.airy_high_shelf_hz, self.airy_high_shelf_db / 2.0, sr),
            ],
            FilterVariant::Dark => vec![BiquadCoefs::lowpass(
                self.dark_high_cut_hz,
                FRAC_1_SQRT_2,
                sr,
            )],
        }
    }
}

/// How the filters see the ends of the audio.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edges {
    /// The audio is a loop: the filters run over the wrapped signal, so the result is what the
    /// loop sounds like when played round and round and its seam stays seamless.
    Loop,
    /// A one-shot: the ends are extended by odd reflection (as `filtfilt` does), so a signal that
    /// starts or ends mid-waveform gets no start-up transient.
    OneShot,
}

/// Filters planar channels into `variant`, zero phase. Levels are not renormalised: follow with
/// [`super::normalize_peak`]. Corners beyond Nyquist are clamped by the biquads; use
/// [`FilterSettings::validate`] to report them. Not realtime-safe: allocates.
pub fn filter_variant(
    channels: &[Vec<f32>],
    variant: FilterVariant,
    settings: &FilterSettings,
    edges: Edges,
    sample_rate_hz: u32,
) -> Vec<Vec<f32>> {
    let stages = settings.stages(variant, sample_rate_hz as f32);
    channels
        .iter()
        .map(|ch| filter_zero_phase(ch, &stages, edges))
        .collect()
}

fn filter_zero_phase(x: &[f32], stages: &[BiquadCoefs], edges: Edges) -> Vec<f32> {
    let len = x.len();
    if len == 0 {
        return Vec::new();
    }
    let pad = match edges {
        Edges::Loop => EDGE_PAD_SAMPLES,
        Edges::OneShot => EDGE_PAD_SAMPLES.min(len - 1),
    };
    let mut work = Vec::with_capacity(len + 2 * pad);
    match edges {
        Edges::Loop => {
            // The `pad` samples before the start are the loop's end, repeated if it is short.
            work.extend((0..pad).map(|i| x[(len - pad % len + i) % len]));
            work.extend_from_slice(x);
            work.extend((0..pad).map(|i| x[i % len]));
        }
        Edges::OneShot => {
            work.extend((0..pad).map(|i| 2.0 * x[0] - x[pad - i]));
            work.extend_from_slice(x);
            work.extend((0..pad).map(|i| 2.0 * x[len - 1] - x[len - 2 - i]));
        }
    }
    for x in work.iter_mut().filter(|x| !x.is_finite()) {
        *x = 0.0;
    }
    // The whole cascade per sample (the stages' recurrences overlap in the pipeline), forward
    // over the buffer, then again backward.
    let mut forward: Vec<Biquad> = stages.iter().map(|&c| Biquad::new(c)).collect();
    for x in work.iter_mut() {
        *x = forward.iter_mut().fold(*x, |v, f| f.process_sample(v));
    }
    let mut backward: Vec<Biquad> = stages.iter().map(|&c| Biquad::new(c)).collect();
    for x in work.iter_mut().rev() {
        *x = backward.iter_mut().fold(*x, |v, f| f.process_sample(v));
    }
    work.drain(..pad);
    work.truncate(len);
    work
}

fn setting(key: &str, value: f32, expected: &str) -> Error {
    Error::InvalidSetting {
        key: key.to_owned(),
        value: value.to_string(),
        expected: expected.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_validate_and_bad_corners_do_not() {
        FilterSettings::default().validate(44_100).unwrap();
        let bad = FilterSettings {
            airy_highpass_hz: 30_000.0,
            ..FilterSettings::default()
        };
        assert!(bad.validate(44_100).is_err());
        let bad = FilterSettings {
            warm_low_shelf_db: f32::NAN,
            ..FilterSettings::default()
        };
        assert!(bad.validate(44_100).is_err());
    }

    #[test]
    fn short_and_empty_inputs() {
        let s = FilterSettings::default();
        for edges in [Edges::Loop, Edges::OneShot] {
            assert!(
                filter_variant(&[vec![]], FilterVariant::Warm, &s, edges, 44_100)[0].is_empty()
            );
            let one = filter_variant(&[vec![0.5]], FilterVariant::Dark, &s, edges, 44_100);
            assert_eq!(one[0].len(), 1);
            assert!(one[0][0].is_finite());
        }
    }

    #[test]
    fn looped_filtering_keeps_a_loop_continuous() {
        // A whole number of cycles loops perfectly; filtered as a loop it must still wrap smoothly.
        let x = fixtures::sine(441.0, 0.5, 4400, 44_100);
        let y = filter_variant(
            &[x],
            FilterVariant::Airy,
            &FilterSettings::default(),
            Edges::Loop,
            44_100,
        );
        let y = &y[0];
        let inner_max = y
            .windows(2)
            .map(|w| (w[1] - w[0]).abs())
            .fold(0.0f32, f32::max);
        let wrap = (y[0] - y[y.len() - 1]).abs();
        assert!(wrap <= inner_max * 1.01, "wrap {wrap} inner {inner_max}");
    }

    #[test]
    fn names_are_lower_case() {
        let names: Vec<String> = FilterVariant::ALL.iter().map(ToString::to_string).collect();
        assert_eq!(names, ["warm", "airy", "dark"]);
    }
}
