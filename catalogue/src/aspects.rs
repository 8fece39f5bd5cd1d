//! "More like this" by aspect, as Sononym lets a musician weigh similarity (spectrum, timbre, pitch,
//! amplitude): each feature of [`crate::features`] is scaled by its spread over the catalogue's
//! regions of one kind (a z-score: the difference between two regions in standard deviations), an
//! aspect's distance is the root mean square of its features' scaled differences (about 1.4 between
//! two regions drawn at random, whatever the number of features, so aspects are comparable), and
//! the overall distance is the weighted root mean square of the aspect distances. Overall, by
//! default, weighs the four aspects equally.

use std::ops::Range;

use crate::features::{FeatureVector, NUM_FEATURES};

/// Number of aspects.
pub const NUM_ASPECTS: usize = 4;

/// One way two sounds can be alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aspect {
    /// Spectral envelope and noisiness: what instrument it sounds like.
    Timbre,
    /// Pitch classes and key (pads), the drum's low pitch and its fall (one-shots).
    Pitch,
    /// Spectral centroid and air.
    Brightness,
    /// How the level moves: swells, decays, the peak's place.
    Loudness,
}

impl Aspect {
    pub const ALL: [Aspect; NUM_ASPECTS] = [Self::Timbre, Self::Pitch, Self::Brightness, Self::Loudness];

    /// Lower-case name, as `--weights` and the JSON output spell it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Timbre => "timbre",
            Self::Pitch => "pitch",
            Self::Brightness => "brightness",
            Self::Loudness => "loudness",
        }
    }
}

/// Where each aspect sits in a pad's (or hiss region's) vector, in [`Aspect::ALL`] order:
/// - timbre: the mean and the spread of each cepstral coefficient (spectral envelope and how it
///   moves, 24), mean and spread of the flatness (tonal or noisy), mean air-band flatness, mean
///   onset flux (`ln(1 + flux)`): 28;
/// - pitch and key: the mean chroma (12, summing to 1) and the share of it below the bass limit: 13;
/// - brightness: mean and spread of the centroid in octaves, mean air-band level against the
///   frame level in dB: 3;
/// - loudness contour: spread of the frame level in dB, the mean level of each quarter of the
///   region against the whole in dB (4), where the loudest frame sits (0 start .. 1 end): 6.
pub const PAD_ASPECTS: [Range<usize>; NUM_ASPECTS] = [0..28, 28..41, 41..44, 44..50];

/// Where each aspect sits in a one-shot's vector, in [`Aspect::ALL`] order (the rest is zeros):
/// - timbre: the power share of each octave band in dB (10), flatness over the full band, 1-4 kHz,
///   0.5-8 kHz and 4-12 kHz, the peak shares of the strongest lines overall and below 1 kHz: 16;
/// - pitch: the low pitch in octaves at the attack and about 0.1 s later, and its fall in
///   octaves: 3;
/// - brightness: the centroid in octaves, the power above 3 kHz against below and the power below
///   150 Hz against above, dB: 3;
/// - loudness contour: the decay to -20 dB and the length, in octaves of time: 2.
pub const ONESHOT_ASPECTS: [Range<usize>; NUM_ASPECTS] = [0..16, 16..19, 19..22, 22..24];

/// The feature ranges of `aspect` in the vectors of pads (`oneshot` false) or one-shots.
pub fn aspect_range(aspect: Aspect, oneshot: bool) -> Range<usize> {
    let layout = if oneshot { &ONESHOT_ASPECTS } else { &PAD_ASPECTS };
    layout[aspect as usize].clone()
}

/// How much each aspect counts, in [`Aspect::ALL`] order; at least one is above zero.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AspectWeights(pub [f32; NUM_ASPECTS]);

impl Default for AspectWeights {
    /// Overall: every aspect counts the same.
    fn default() -> Self {
        Self([1.0; NUM_ASPECTS])
    }
}

impl AspectWeights {
    /// Only `aspect` counts.
    pub fn only(aspect: Aspect) -> Self {
        let mut w = [0.0; NUM_ASPECTS];
        w[aspect as usize] = 1.0;
        Self(w)
    }

    /// Weights from `name=value` pairs separated by commas ("timbre=2,pitch=0"); an aspect not
    /// named keeps weight 1, and "overall" alone is the default. The error says what is wrong.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut weights = Self::default();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            if part.eq_ignore_ascii_case("overall") {
                continue;
            }
            let (name, value) =
                part.split_once('=').ok_or_else(|| format!("`{part}`: expected ASPECT=WEIGHT (aspects: timbre, pitch, brightness, loudness)"))?;
            let aspect = Aspect::ALL
                .into_iter()
                .find(|a| a.name().eq_ignore_ascii_case(name.trim()))
                .ok_or_else(|| format!("`{}`: no such aspect (aspects: timbre, pitch, brightness, loudness)", name.trim()))?;
            let value: f32 = value.trim().parse().map_err(|_| format!("`{part}`: the weight is not a number"))?;
            if !value.is_finite() || value < 0.0 {
                return Err(format!("`{part}`: a weight is a number of at least 0"));
            }
            weights.0[aspect as usize] = value;
        }
        if weights.0.iter().all(|&w| w == 0.0) {
            return Err(String::from("every aspect weighs 0: give at least one a weight above 0"));
        }
        Ok(weights)
    }
}

impl std::str::FromStr for AspectWeights {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

/// The distance between two regions, overall and per aspect (each about 1.4 between two regions
/// drawn at random from the catalogue, 0 for the same sound).
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct AspectDistances {
    pub timbre: f32,
    pub pitch: f32,
    pub brightness: f32,
    pub loudness: f32,
}

impl AspectDistances {
    /// The distance of `aspect`.
    pub fn get(&self, aspect: Aspect) -> f32 {
        match aspect {
            Aspect::Timbre => self.timbre,
            Aspect::Pitch => self.pitch,
            Aspect::Brightness => self.brightness,
            Aspect::Loudness => self.loudness,
        }
    }
}

/// Per-feature sums over the catalogue's vectors of one kind, for their spreads.
#[derive(Debug, Clone)]
pub struct SpreadSums {
    sum: [f64; NUM_FEATURES],
    sum_sq: [f64; NUM_FEATURES],
    count: usize,
}

impl Default for SpreadSums {
    fn default() -> Self {
        Self { sum: [0.0; NUM_FEATURES], sum_sq: [0.0; NUM_FEATURES], count: 0 }
    }
}

impl SpreadSums {
    pub fn add(&mut self, v: &FeatureVector) {
        for ((s, q), &x) in self.sum.iter_mut().zip(&mut self.sum_sq).zip(v) {
            let x = f64::from(x);
            *s += x;
            *q += x * x;
        }
        self.count += 1;
    }
}

/// Spreads below this are a feature every region shares (a one-shot's unused slots): left out.
const MIN_SPREAD: f64 = 1e-6;

/// The distance of one query: per-feature factors from the catalogue's spreads and the weights.
#[derive(Debug, Clone)]
pub struct AspectMetric {
    /// `1 / (spread^2 * number of used features of its aspect)` per feature, 0 for unused ones.
    factors: [f32; NUM_FEATURES],
    /// Each aspect's features.
    ranges: [std::ops::Range<usize>; NUM_ASPECTS],
    /// The weights divided by their sum.
    weights: [f32; NUM_ASPECTS],
    /// `factors` times their aspect's weight: the overall distance in one sum.
    overall_factors: [f32; NUM_FEATURES],
}

impl AspectMetric {
    /// The metric for vectors of pads (`oneshot` false) or one-shots whose spreads `sums` holds.
    pub fn new(sums: &SpreadSums, oneshot: bool, weights: &AspectWeights) -> Self {
        let ranges = Aspect::ALL.map(|a| aspect_range(a, oneshot));
        let n = sums.count.max(1) as f64;
        let variance: [f64; NUM_FEATURES] =
            std::array::from_fn(|i| (sums.sum_sq[i] / n - (sums.sum[i] / n).powi(2)).max(0.0));
        let mut factors = [0.0f32; NUM_FEATURES];
        for range in &ranges {
            let used = range.clone().filter(|&i| variance[i].sqrt() > MIN_SPREAD).count().max(1);
            for i in range.clone().filter(|&i| variance[i].sqrt() > MIN_SPREAD) {
                factors[i] = (1.0 / (variance[i] * used as f64)) as f32;
            }
        }
        let total: f32 = weights.0.iter().sum::<f32>().max(f32::MIN_POSITIVE);
        let weights = weights.0.map(|w| w / total);
        let mut overall_factors = [0.0f32; NUM_FEATURES];
        for (range, w) in ranges.iter().zip(weights) {
            for i in range.clone() {
                overall_factors[i] = factors[i] * w;
            }
        }
        Self { factors, ranges, weights, overall_factors }
    }

    /// The overall distance alone (what a ranking needs), in one pass over the features.
    pub fn overall(&self, a: &[f32; NUM_FEATURES], b: &[f32; NUM_FEATURES]) -> f32 {
        a.iter().zip(b).zip(&self.overall_factors).map(|((x, y), f)| f * (x - y) * (x - y)).sum::<f32>().sqrt()
    }

    /// The overall distance between `a` and `b` and each aspect's.
    pub fn distances(&self, a: &FeatureVector, b: &FeatureVector) -> (f32, AspectDistances) {
        let mut squares = [0.0f32; NUM_ASPECTS];
        for (sq, range) in squares.iter_mut().zip(&self.ranges) {
            *sq = range.clone().map(|i| self.factors[i] * (a[i] - b[i]) * (a[i] - b[i])).sum();
        }
        let overall = squares.iter().zip(&self.weights).map(|(s, w)| s * w).sum::<f32>().sqrt();
        let [timbre, pitch, brightness, loudness] = squares.map(f32::sqrt);
        (overall, AspectDistances { timbre, pitch, brightness, loudness })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_parse_and_bad_ones_are_named() {
        assert_eq!(AspectWeights::parse("overall").unwrap(), AspectWeights::default());
        assert_eq!(AspectWeights::parse("timbre=2, pitch=0").unwrap().0, [2.0, 0.0, 1.0, 1.0]);
        assert_eq!(AspectWeights::parse("Loudness=0.5").unwrap().0, [1.0, 1.0, 1.0, 0.5]);
        assert!(AspectWeights::parse("colour=1").unwrap_err().contains("colour"));
        assert!(AspectWeights::parse("timbre").unwrap_err().contains("ASPECT=WEIGHT"));
        assert!(AspectWeights::parse("timbre=-1").is_err());
        assert!(AspectWeights::parse("timbre=x").is_err());
        assert!(AspectWeights::parse("timbre=0,pitch=0,brightness=0,loudness=0").unwrap_err().contains("every aspect"));
    }

    /// Vectors whose features spread by very different amounts: scaled, each aspect's distance is
    /// in standard deviations, so a feature in large units does not drown the others.
    #[test]
    fn each_feature_is_scaled_by_its_spread_over_the_catalogue() {
        let mut sums = SpreadSums::default();
        let vectors: Vec<FeatureVector> = (0..200)
            .map(|k| {
                let mut v = [0.0f32; NUM_FEATURES];
                for (i, x) in v.iter_mut().enumerate() {
                    // Feature i spreads by about 10^(i % 4 - 1).
                    let unit = 10f32.powi(i as i32 % 4 - 1);
                    *x = unit * (((k * 37 + i * 11) % 23) as f32 - 11.0) / 6.6;
                }
                v
            })
            .collect();
        vectors.iter().for_each(|v| sums.add(v));
        let metric = AspectMetric::new(&sums, false, &AspectWeights::default());
        let (mut total, mut per) = (0.0, [0.0f32; NUM_ASPECTS]);
        let mut pairs = 0;
        for a in &vectors {
            for b in vectors.iter().step_by(7) {
                let (overall, d) = metric.distances(a, b);
                total += overall;
                for (p, aspect) in per.iter_mut().zip(Aspect::ALL) {
                    *p += d.get(aspect);
                }
                pairs += 1;
            }
        }
        // Random pairs: every aspect about sqrt(2) (a little less: the mean of a square root).
        for (p, aspect) in per.iter().zip(Aspect::ALL) {
            let mean = p / pairs as f32;
            assert!((1.0..1.45).contains(&mean), "{}: {mean}", aspect.name());
        }
        assert!((1.0..1.45).contains(&(total / pairs as f32)));
        let (zero, _) = metric.distances(&vectors[3], &vectors[3]);
        assert_eq!(zero, 0.0);
        for (a, b) in vectors.iter().zip(vectors.iter().skip(5)) {
            assert!((metric.overall(a, b) - metric.distances(a, b).0).abs() < 1e-4);
        }
    }

    #[test]
    fn a_weight_of_zero_ignores_its_aspect_and_unused_features_count_for_nothing() {
        let mut sums = SpreadSums::default();
        let base = [1.0f32; NUM_FEATURES];
        for k in 0..10 {
            let mut v = base;
            // Only the one-shot pitch features (16..19) and timbre feature 0 vary.
            v[0] = k as f32;
            v[16] = (k % 3) as f32;
            sums.add(&v);
        }
        let timbre_only = AspectMetric::new(&sums, true, &AspectWeights::only(Aspect::Timbre));
        let (mut a, mut b) = (base, base);
        a[16] = 0.0;
        b[16] = 2.0;
        let (overall, d) = timbre_only.distances(&a, &b);
        assert_eq!(overall, 0.0);
        assert!(d.pitch > 1.0, "{d:?}");
        assert_eq!((d.brightness, d.loudness), (0.0, 0.0));
        // An unused slot (a one-shot's zeros past 24) never adds distance.
        b = a;
        b[30] = 5.0;
        assert_eq!(AspectMetric::new(&sums, true, &AspectWeights::default()).distances(&a, &b).0, 0.0);
    }
}
