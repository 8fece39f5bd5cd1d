//! The fitted part of the classifier: one linear score per kind of drum over sixteen standardised
//! measures of a hit (multinomial logistic regression), the highest score naming the kind.
//!
//! Six kinds, two per engine class where one class holds two different sounds: kick; snare; hi-hat
//! and cymbal (both [`HitClass::Hat`]: a closed hat is a short burst of air, a crash a long wash
//! with low modes); tom and hand percussion (both [`HitClass::Perc`]: a tom is a low membrane, a
//! cowbell or a bongo is higher and shorter). A straight line between four classes cannot fold a
//! class around another; six kinds can.
//!
//! How it was fitted: on the measures [`super::HitAnalyzer`] gives for the first hit of every
//! sample of the ten tuning kits of Debian's `hydrogen-drumkits` (all but "The Black Pearl 1.0" and
//! "ElectricEmpireKit", held out: 340 kit pieces and 44 hand-percussion samples, written by
//! `AFTERGLOW_DUMP_HITS` in `exporter/tests/real_drum_kits.rs`), labelled by instrument name as that
//! test labels them, hats and cymbals split apart (cymbal: crash, ride, china, splash, cymbal, bell,
//! cup or a cymbal maker's name, unless the name says hat); plus 400 synthetic hits
//! (`fixtures::hits`, seeds 1001 and 2002, not the seed of the engine's tests; written by
//! `AFTERGLOW_DUMP_SYNTHETIC_HITS` in this module's tests), synthetic perc counted as hand
//! percussion. Each input is standardised by its mean and standard deviation over those 784 hits
//! (`INPUT_MEAN`, `INPUT_SCALE`). The weights minimise the sum over hits of sample weight times
//! cross-entropy over the six kinds (sample weights scaled to sum to the number of hits) plus
//! 5/2 times the sum of the squared weights (not the biases), solved with L-BFGS in double precision; printed to six significant digits, which changes no
//! decision on the fitting set. Sample weights: each engine class of the kit pieces weighs as much
//! as any other (a kit's 50 cymbal layers do not outvote its 5 kicks), the velocity layers of one
//! instrument share in 1/sqrt(layers) each, hand percussion weighs 0.1 of a class and the synthetic
//! hits 0.1 of a class per label. The measures, kinds, penalty and weights were chosen by leaving
//! each tuning kit out of the fitting in turn and scoring it: kick 94 %, snare 90 %, hat 89 %, tom
//! 89 % of the hits sliced from the kit left out, the honest figure for a kit the model has not
//! heard (the held-out kits: `exporter/tests/real_drum_kits.rs`).

use crate::rt::math;
use super::features::{ratio_db, HitClass, HitFeatures};

/// Number of measures the linear scores read ([`inputs`]).
pub(super) const NUM_MODEL_INPUTS: usize = 16;
/// Largest magnitude of a power ratio the model reads, dB: past it, a ratio says no more.
const MAX_INPUT_RATIO_DB: f32 = 30.0;
/// Least octave-band share the model reads, dB.
const MIN_INPUT_SHARE_DB: f32 = -30.0;
/// Octave bands of [`HitFeatures::octave_db`] the model reads: 80-160 Hz to 1.28-2.56 kHz.
const FIRST_INPUT_OCTAVE: usize = 2;
const NUM_INPUT_OCTAVES: usize = 5;

/// The sixteen measures, in the order of the weights: low-band ratio (below 150 Hz against the
/// rest, dB), air ratio (above 3 kHz against below, dB), log2 of the decay time in ms, log2 of the
/// low pitch in the first window and in the later one (Hz), noise flatness (0.5-8 kHz), high
/// flatness (4-12 kHz), mid flatness (1-4 kHz), peak share (150 Hz-12 kHz), low peak share
/// (20 Hz-1 kHz), log2 of the spectral centroid (Hz), and the shares of the five octaves from
/// 80 Hz to 2.56 kHz (dB).
pub(super) fn inputs(f: &HitFeatures) -> [f32; NUM_MODEL_INPUTS] {
    let low = f64::from(f.bands[0].clamp(0.0, 1.0));
    let log2_hz = |hz: f32| math::log2(hz.max(20.0));
    let mut out = [0.0; NUM_MODEL_INPUTS];
    let head = [
        ratio_db(low, 1.0 - low).clamp(-MAX_INPUT_RATIO_DB, MAX_INPUT_RATIO_DB),
        f.air_ratio_db.clamp(-MAX_INPUT_RATIO_DB, MAX_INPUT_RATIO_DB),
        math::log2(f.decay_ms.max(10.0)),
        log2_hz(f.low_pitch_hz),
        log2_hz(f.late_low_pitch_hz),
        f.noise_flatness,
        f.high_flatness,
        f.mid_flatness,
        f.peak_share,
        f.low_peak_share,
        log2_hz(f.centroid_hz),
    ];
    out[..head.len()].copy_from_slice(&head);
    for (o, share) in out[head.len()..].iter_mut().zip(&f.octave_db[FIRST_INPUT_OCTAVE..FIRST_INPUT_OCTAVE + NUM_INPUT_OCTAVES]) {
        *o = share.max(MIN_INPUT_SHARE_DB);
    }
    out
}

/// Mean of each input over the fitting set.
const INPUT_MEAN: [f32; NUM_MODEL_INPUTS] = [
    -15.0504, -6.8602, 7.1365, 7.62083, 7.47031, 0.240843, 0.381627, 0.348262,
    0.520604, 0.612714, 10.5053, -19.1517, -17.5772, -18.2314, -18.4003, -20.5634,
];
/// Standard deviation of each input over the fitting set.
const INPUT_SCALE: [f32; NUM_MODEL_INPUTS] = [
    16.0719, 20.2939, 1.34321, 0.679683, 0.868378, 0.2038, 0.170267, 0.199582,
    0.318213, 0.211799, 2.45324, 10.8427, 10.346, 9.82448, 9.60673, 8.7814,
];

/// One kind of drum: its engine class and its linear score over the standardised inputs.
struct Kind {
    class: HitClass,
    weights: [f32; NUM_MODEL_INPUTS],
    bias: f32,
}

/// Kick, snare, hi-hat, cymbal, tom, hand percussion.
#[rustfmt::skip]
const KINDS: [Kind; 6] = [
    // kick
    Kind {
        class: HitClass::Kick,
        bias: -2.25428,
        weights: [0.170416, -0.139584, -0.420878, -0.588975, -1.27557, 0.282746, -0.0753135, -0.162221,
                  0.57546, -0.750505, -0.357079, 1.17231, 0.393559, -0.235851, -1.04683, -0.850345],
    },
    // snare
    Kind {
        class: HitClass::Snare,
        bias: 1.15777,
        weights: [-1.28324, 0.717942, -0.708336, 0.214278, 0.437116, 0.159189, 0.205668, -0.200173,
                  -0.257396, 0.844443, -0.201404, -0.0956382, 1.4433, -0.450173, 0.413227, 0.743926],
    },
    // hi-hat
    Kind {
        class: HitClass::Hat,
        bias: 0.900817,
        weights: [-0.243063, 0.320402, -0.224156, -0.347038, -0.351243, 0.305393, 0.369882, 0.070081,
                  -0.90815, -0.456605, 0.896352, -0.478868, -0.91881, 1.20393, 0.0639073, -0.445396],
    },
    // cymbal
    Kind {
        class: HitClass::Hat,
        bias: 0.556278,
        weights: [0.291048, -0.26632, 0.998956, 0.36983, 0.436556, 0.0480711, -0.403753, -0.367062,
                  -0.596443, -0.372129, -0.346851, -0.375713, -0.822974, -0.088544, -0.0405958, 0.0739697],
    },
    // tom
    Kind {
        class: HitClass::Perc,
        bias: -0.479688,
        weights: [1.6001, -0.107604, 0.860276, 0.501823, 0.4248, -0.479114, -0.115996, 0.952301,
                  0.374898, 0.538342, -0.118901, 0.660534, 0.546662, -0.0801916, 0.166182, 0.19409],
    },
    // hand percussion
    Kind {
        class: HitClass::Perc,
        bias: 0.119104,
        weights: [-0.535258, -0.524836, -0.505862, -0.149917, 0.328341, -0.316285, 0.0195137, -0.292926,
                  0.81163, 0.196454, 0.127882, -0.882626, -0.641733, -0.349172, 0.44411, 0.283756],
    },
];

/// The engine class of the kind with the highest score (the first on a tie).
pub(super) fn drum_class(f: &HitFeatures) -> HitClass {
    let x = inputs(f);
    let mut z = [0.0f32; NUM_MODEL_INPUTS];
    for ((z, x), (mean, scale)) in z.iter_mut().zip(x).zip(INPUT_MEAN.iter().zip(INPUT_SCALE)) {
        *z = (x - mean) / scale;
    }
    let score = |k: &Kind| k.bias + k.weights.iter().zip(&z).map(|(w, z)| w * z).sum::<f32>();
    let mut best = &KINDS[0];
    let mut best_score = score(best);
    for kind in &KINDS[1..] {
        let s = score(kind);
        if s > best_score {
            (best, best_score) = (kind, s);
        }
    }
    best.class
}

/// A hit the scores call perc or hat that is still within 20 dB of its peak after this long
/// ([`HitFeatures::decay_ms`]) and has almost no air is a note, not a drum, ms. The toms of the kits
/// are down 20 dB within 0.8 s at their loudest (the softest layers of one held-out kit's toms take
/// up to 1.3 s); crashes and rides ring as long but have air.
pub(super) const OTHER_MIN_DECAY_MS: f32 = 1200.0;
/// Most air ([`HitFeatures::air_ratio_db`]) of a note, dB: a long cymbal has at least -14 dB, a
/// piano's or a string's note far less.
pub(super) const OTHER_MAX_AIR_DB: f32 = -20.0;

impl HitFeatures {
    /// The class: the kind of drum whose linear score is highest (`hit_class/model.rs`), except
    /// that a ringing hit without air (`OTHER_MIN_DECAY_MS`, `OTHER_MAX_AIR_DB`) the scores call
    /// perc or hat is a note: other. Deterministic; a few hundred multiply-adds.
    pub fn class(&self) -> HitClass {
        let class = drum_class(self);
        let note = self.decay_ms > OTHER_MIN_DECAY_MS && self.air_ratio_db < OTHER_MAX_AIR_DB;
        if note && matches!(class, HitClass::Perc | HitClass::Hat) { HitClass::Other } else { class }
    }
}
