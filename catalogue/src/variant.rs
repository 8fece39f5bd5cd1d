//! What kind of copy a group member is of the kept copy, named from how their fingerprints
//! matched: the landmarks (same time line, same pitch: a re-encode, re-level, EQ, trim or mono
//! fold) or the triplets ([`crate::triplets`]), whose agreed time ratio and pitch offset tell a
//! tempo change (time only), a speed change (time and the pitch it implies) and an otherwise
//! altered copy (neither, or both in other amounts: added reverb, a pitch shift).

use engine::rt::math;

/// Pitch offsets below this many semitones count as none (the triplets measure pitch in 1/16
/// semitone on peaks whose bins are up to 1.4 semitones wide; measured offsets of tempo changes
/// stay within 0.25).
const PITCH_TOLERANCE_SEMITONES: f64 = 0.3;
/// Time ratios within this of 1 count as the same speed (the fine search steps by 0.1 %, and a
/// variant 2 % off measures 1.5-2.5 %).
const RATIO_TOLERANCE: f64 = 0.01;

/// How one time line maps onto another: `time_ratio` seconds of this copy per second of the
/// other, its pitch `semitones` above the other's, and whether the landmarks matched (the same
/// time line and pitch, exactly).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Link {
    pub time_ratio: f64,
    pub semitones: f64,
    pub by_landmarks: bool,
}

impl Link {
    /// The link of a landmark match.
    pub const SAME: Self = Self { time_ratio: 1.0, semitones: 0.0, by_landmarks: true };

    /// The other file's link to this one.
    pub fn inverse(self) -> Self {
        Self { time_ratio: 1.0 / self.time_ratio, semitones: -self.semitones, ..self }
    }

    /// This link followed by `then` (x to y, then y to z: x to z).
    pub fn then(self, then: Self) -> Self {
        Self {
            time_ratio: self.time_ratio * then.time_ratio,
            semitones: self.semitones + then.semitones,
            by_landmarks: self.by_landmarks && then.by_landmarks,
        }
    }
}

/// A variant's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VariantKind {
    /// The same time line and pitch (re-encoded, re-levelled, resampled, EQ'd, trimmed, mono).
    ReEncode,
    /// Played faster or slower with the pitch moving with it (varispeed).
    Speed,
    /// Played faster or slower at the same pitch (time-stretched).
    Tempo,
    /// Transposed at the same tempo (pitch-shifted).
    Pitch,
    /// Changed otherwise (reverb, tempo and pitch by other amounts).
    Altered,
}

/// What a copy is of its kept copy.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Variant {
    pub kind: VariantKind,
    /// How much faster this copy plays than the kept copy, percent (-5: 5 % slower, 1/0.95 times
    /// as long). 0 for a re-encode.
    pub speed_change_pct: f64,
    /// Its pitch above the kept copy's, semitones.
    pub semitones: f64,
}

impl Variant {
    /// The variant a copy linked to its kept copy by `link` is.
    pub fn of(link: Link) -> Self {
        let speed_change_pct = (1.0 / link.time_ratio - 1.0) * 100.0;
        let implied_semitones = -12.0 * math::log2(link.time_ratio);
        let same_pitch = link.semitones.abs() < PITCH_TOLERANCE_SEMITONES;
        let same_time = (link.time_ratio - 1.0).abs() < RATIO_TOLERANCE;
        let kind = if link.by_landmarks {
            VariantKind::ReEncode
        } else if same_time && same_pitch {
            VariantKind::Altered
        } else if same_time {
            VariantKind::Pitch
        } else if same_pitch {
            VariantKind::Tempo
        } else if (link.semitones - implied_semitones).abs() < PITCH_TOLERANCE_SEMITONES + 0.1 {
            VariantKind::Speed
        } else {
            VariantKind::Altered
        };
        let (speed_change_pct, semitones) = if link.by_landmarks { (0.0, 0.0) } else { (speed_change_pct, link.semitones) };
        Self { kind, speed_change_pct, semitones }
    }

    /// "re-encode", "speed +3 %", "tempo -5 %", "pitch +1.4 semitones", "altered".
    pub fn describe(&self) -> String {
        match self.kind {
            VariantKind::ReEncode => "re-encode".into(),
            VariantKind::Speed => format!("speed {:+.0} %", self.speed_change_pct),
            VariantKind::Tempo => format!("tempo {:+.0} %", self.speed_change_pct),
            VariantKind::Pitch => format!("pitch {:+.1} semitones", self.semitones),
            VariantKind::Altered if self.speed_change_pct.abs() >= 100.0 * RATIO_TOLERANCE || self.semitones.abs() >= PITCH_TOLERANCE_SEMITONES => {
                format!("altered (time {:+.0} %, pitch {:+.1} semitones)", self.speed_change_pct, self.semitones)
            }
            VariantKind::Altered => "altered".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(time_ratio: f64, semitones: f64) -> Link {
        Link { time_ratio, semitones, by_landmarks: false }
    }

    #[test]
    fn kinds_and_amounts_are_named() {
        // Speed +3 %: 1/1.03 of the time, pitch up 0.51 semitone.
        let speed = Variant::of(link(1.0 / 1.03, 12.0 * math::log2(1.03f64)));
        assert_eq!((speed.kind, speed.describe()), (VariantKind::Speed, "speed +3 %".to_string()));
        let tempo = Variant::of(link(1.0 / 0.95, 0.0));
        assert_eq!((tempo.kind, tempo.describe()), (VariantKind::Tempo, "tempo -5 %".to_string()));
        assert_eq!(Variant::of(link(0.999, 0.0)).describe(), "altered");
        assert_eq!(Variant::of(Link::SAME).describe(), "re-encode");
        // A pitch shift at the same tempo is neither.
        let pitch = Variant::of(link(1.0, 2.0));
        assert_eq!((pitch.kind, pitch.describe()), (VariantKind::Pitch, "pitch +2.0 semitones".to_string()));
        // Tempo and pitch by unrelated amounts.
        assert_eq!(Variant::of(link(1.0 / 1.1, -3.0)).kind, VariantKind::Altered);
    }

    #[test]
    fn links_compose_and_invert() {
        let up = link(1.0 / 1.03, 0.5);
        let back = up.then(up.inverse());
        assert!((back.time_ratio - 1.0).abs() < 1e-12 && back.semitones.abs() < 1e-12);
        assert!(!Link::SAME.then(up).by_landmarks && Link::SAME.then(Link::SAME).by_landmarks);
    }
}
