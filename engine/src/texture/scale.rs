//! Musical scales the grains' pitch can snap to, and the root they sit on.
//!
//! What snaps: the grain's *sounding* pitch, as a MIDI note number (a note played on the keyboard
//! sounds at its own number, the hold voice at the pad's root), after the Pitch knob, Pitch Spray
//! and the LFOs' pitch are added, is moved to the nearest note of the scale on the root. So a
//! played key outside the scale sounds as its nearest scale note, every sprayed grain lands on a
//! scale note (spray becomes a random arpeggio in key), and the cloud stays in one key whatever the
//! pad's own root. Pitch bend (MPE, CLAP tuning) is added after snapping: a bend still glides.
//! Ties (a pitch exactly between two scale notes) go down.
//! Audio thread (plain data, no allocation).

use serde::{Deserialize, Serialize};

/// A scale, as the pitch classes (semitones above the root, 0..12) it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// No snapping: pitches stay as they are (fractional transpositions too).
    #[default]
    Off,
    Chromatic,
    Major,
    NaturalMinor,
    Dorian,
    PentatonicMajor,
    PentatonicMinor,
    WholeTone,
    Octaves,
    FifthsAndOctaves,
}

impl Scale {
    /// Every scale, in the host's list order.
    pub const ALL: [Self; 10] = [
        Self::Off,
        Self::Chromatic,
        Self::Major,
        Self::NaturalMinor,
        Self::Dorian,
        Self::PentatonicMajor,
        Self::PentatonicMinor,
        Self::WholeTone,
        Self::Octaves,
        Self::FifthsAndOctaves,
    ];

    /// Its degrees, semitones above the root, ascending; empty for `Off`. Realtime-safe.
    pub const fn degrees(self) -> &'static [u8] {
        match self {
            Self::Off => &[],
            Self::Chromatic => &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
            Self::Major => &[0, 2, 4, 5, 7, 9, 11],
            Self::NaturalMinor => &[0, 2, 3, 5, 7, 8, 10],
            Self::Dorian => &[0, 2, 3, 5, 7, 9, 10],
            Self::PentatonicMajor => &[0, 2, 4, 7, 9],
            Self::PentatonicMinor => &[0, 3, 5, 7, 10],
            Self::WholeTone => &[0, 2, 4, 6, 8, 10],
            Self::Octaves => &[0],
            Self::FifthsAndOctaves => &[0, 7],
        }
    }

    /// Its name as the editor and hosts show it. Realtime-safe.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Off => "Off",
            Self::Chromatic => "Chromatic",
            Self::Major => "Major",
            Self::NaturalMinor => "Minor",
            Self::Dorian => "Dorian",
            Self::PentatonicMajor => "Pent. major",
            Self::PentatonicMinor => "Pent. minor",
            Self::WholeTone => "Whole tone",
            Self::Octaves => "Octaves",
            Self::FifthsAndOctaves => "Fifths + oct.",
        }
    }

    /// `pitch` (MIDI note number, fractional allowed) moved to the nearest note of this scale on
    /// `root_class` (0 = C .. 11 = B); `pitch` itself when the scale is `Off` or `pitch` is not
    /// finite. Realtime-safe.
    pub fn snap(self, pitch: f32, root_class: u8) -> f32 {
        let degrees = self.degrees();
        if degrees.is_empty() || !pitch.is_finite() {
            return pitch;
        }
        let root = f32::from(root_class % 12);
        let above = pitch - root;
        let octave = (above / 12.0).floor();
        let within = above - 12.0 * octave;
        // Candidates: each degree in this octave, and the root of the next one (12).
        let mut best = 0.0f32;
        let mut best_distance = f32::INFINITY;
        for d in degrees.iter().map(|&d| f32::from(d)).chain(std::iter::once(12.0)) {
            let distance = (within - d).abs();
            if distance < best_distance {
                best = d;
                best_distance = distance;
            }
        }
        root + 12.0 * octave + best
    }
}

/// The root a scale sits on: the key of the pad a grain reads, or a fixed pitch class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScaleRoot {
    /// The pad's key: the pitch class of its root note. Mined pads get a root note from their key
    /// estimate only when its confidence is high enough to mean something (the plugin's pad
    /// analysis, `MIN_KEY_CONFIDENCE`); a pad without one sits on C.
    #[default]
    PadKey,
    C,
    #[serde(rename = "c_sharp")]
    CSharp,
    D,
    #[serde(rename = "d_sharp")]
    DSharp,
    E,
    F,
    #[serde(rename = "f_sharp")]
    FSharp,
    G,
    #[serde(rename = "g_sharp")]
    GSharp,
    A,
    #[serde(rename = "a_sharp")]
    ASharp,
    B,
}

impl ScaleRoot {
    /// Every root, in the host's list order: the pad's key, then C..B.
    pub const ALL: [Self; 13] = [
        Self::PadKey,
        Self::C,
        Self::CSharp,
        Self::D,
        Self::DSharp,
        Self::E,
        Self::F,
        Self::FSharp,
        Self::G,
        Self::GSharp,
        Self::A,
        Self::ASharp,
        Self::B,
    ];

    /// Its name as the editor and hosts show it. Realtime-safe.
    pub const fn label(self) -> &'static str {
        const NAMES: [&str; 13] = ["Pad key", "C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];
        NAMES[self as usize]
    }

    /// The fixed root on pitch class `class` (0 = C, taken modulo 12). Realtime-safe.
    pub const fn of_class(class: u8) -> Self {
        Self::ALL[(class % 12) as usize + 1]
    }

    /// The pitch class (0..12) this root means for a pad whose root note is `pad_root_note`.
    /// Realtime-safe.
    pub fn class_for(self, pad_root_note: Option<f32>) -> u8 {
        match self {
            Self::PadKey => pad_root_note
                .filter(|r| r.is_finite())
                .map_or(0, |r| (r.round() as i32).rem_euclid(12) as u8),
            fixed => fixed as u8 - 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapping_moves_every_pitch_to_its_nearest_scale_note() {
        // C major on C: C# (61) goes down to C (tie), 61.6 goes up to D, 66 (F#) down to F.
        assert_eq!(Scale::Major.snap(61.0, 0), 60.0);
        assert_eq!(Scale::Major.snap(61.6, 0), 62.0);
        assert_eq!(Scale::Major.snap(66.0, 0), 65.0);
        assert_eq!(Scale::Major.snap(71.7, 0), 72.0, "B+ rounds up to the next octave's root");
        // A minor pentatonic on A (9): 64 (E) stays, 65 -> 64, 66.5 -> 67.
        assert_eq!(Scale::PentatonicMinor.snap(65.0, 9), 64.0);
        assert_eq!(Scale::PentatonicMinor.snap(66.5, 9), 67.0);
        assert_eq!(Scale::Octaves.snap(40.0, 2), 38.0);
        assert_eq!(Scale::FifthsAndOctaves.snap(57.0, 0), 55.0);
        assert_eq!(Scale::Chromatic.snap(60.4, 5), 60.0);
        assert_eq!(Scale::Off.snap(60.4, 5), 60.4);
        assert!(Scale::Major.snap(f32::NAN, 0).is_nan());
        // Negative pitches (far below the root) snap too.
        assert_eq!(Scale::WholeTone.snap(-3.0, 0), -4.0);
    }

    #[test]
    fn every_snapped_pitch_is_on_the_scale() {
        for scale in Scale::ALL.into_iter().skip(1) {
            for root in 0..12u8 {
                for i in 0..960 {
                    let pitch = 12.0 + i as f32 * 0.1;
                    let snapped = scale.snap(pitch, root);
                    let class = ((snapped - f32::from(root)).round() as i32).rem_euclid(12) as u8;
                    assert!(scale.degrees().contains(&class), "{scale:?} on {root}: {pitch} -> {snapped}");
                    assert!((snapped - pitch).abs() <= 6.0, "{scale:?}: {pitch} -> {snapped} is not the nearest");
                }
            }
        }
    }

    #[test]
    fn pad_key_root_is_the_pad_root_notes_pitch_class_else_c() {
        assert_eq!(ScaleRoot::PadKey.class_for(Some(57.0)), 9);
        assert_eq!(ScaleRoot::PadKey.class_for(Some(62.2)), 2);
        assert_eq!(ScaleRoot::PadKey.class_for(None), 0);
        assert_eq!(ScaleRoot::of_class(14).class_for(Some(57.0)), 2);
        assert_eq!(ScaleRoot::B.class_for(None), 11);
    }
}
