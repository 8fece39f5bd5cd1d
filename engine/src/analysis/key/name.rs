//! Musical keys as values: tonic and mode, their names ("F# minor", "Fsmin"), parsing of the usual
//! spellings, and the smallest transposition between two keys.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Major or minor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Major,
    Minor,
}

/// A key: tonic pitch class and mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Key {
    /// Tonic pitch class, 0 = C .. 11 = B.
    pub tonic: u8,
    pub mode: Mode,
}

/// Sharp spellings of the twelve pitch classes, as used in [`Key`]'s `Display`.
const SHARP_NAMES: [&str; 12] = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];

impl Key {
    /// The key with tonic `tonic` (taken modulo 12) in `mode`.
    pub fn new(tonic: u8, mode: Mode) -> Self {
        Self {
            tonic: tonic % 12,
            mode,
        }
    }

    /// All 24 keys: C major .. B major, then C minor .. B minor.
    pub fn all() -> impl Iterator<Item = Key> {
        [Mode::Major, Mode::Minor]
            .into_iter()
            .flat_map(|mode| (0..12).map(move |t| Key::new(t, mode)))
    }

    /// Tonic of the relative major (the key itself when major): A minor -> C.
    pub fn relative_major_tonic(self) -> u8 {
        match self.mode {
            Mode::Major => self.tonic % 12,
            Mode::Minor => (self.tonic + 3) % 12,
        }
    }

    /// A name safe in file names and sampler browsers: sharps as `s`, mode as `maj`/`min`
    /// (`"Fsmin"`, `"Cmaj"`).
    pub fn short_name(self) -> String {
        let tonic = SHARP_NAMES[usize::from(self.tonic % 12)].replace('#', "s");
        let mode = match self.mode {
            Mode::Major => "maj",
            Mode::Minor => "min",
        };
        format!("{tonic}{mode}")
    }

    /// Parses the usual spellings, case-insensitive and ignoring spaces: `"F# minor"`, `"Gb major"`,
    /// `"Am"`, `"f#m"`, `"Bbmaj"`, `"C"` (major), `"Fsmin"` (the [`Key::short_name`] form), `"E flat
    /// minor"`. `None` for anything else.
    pub fn parse(text: &str) -> Option<Key> {
        let s: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_lowercase();
        let mut chars = s.chars();
        let letter = chars.next()?;
        let natural: i32 = match letter {
            'c' => 0,
            'd' => 2,
            'e' => 4,
            'f' => 5,
            'g' => 7,
            'a' => 9,
            'b' => 11,
            _ => return None,
        };
        let mut rest = chars.as_str();
        let mut accidental = 0;
        for (prefix, shift) in [
            ("sharp", 1),
            ("flat", -1),
            ("#", 1),
            ("♯", 1),
            ("♭", -1),
            ("s", 1),
            ("b", -1),
        ] {
            if let Some(stripped) = rest.strip_prefix(prefix) {
                accidental = shift;
                rest = stripped;
                break;
            }
        }
        let mode = match rest {
            "" | "maj" | "major" => Mode::Major,
            "m" | "min" | "minor" => Mode::Minor,
            _ => return None,
        };
        Some(Key::new((natural + accidental).rem_euclid(12) as u8, mode))
    }
}

impl fmt::Display for Key {
    /// `"F# minor"`, `"C major"` (sharps only).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mode = match self.mode {
            Mode::Major => "major",
            Mode::Minor => "minor",
        };
        write!(f, "{} {}", SHARP_NAMES[usize::from(self.tonic % 12)], mode)
    }
}

/// The transposition, in semitones within -6..=6, that moves material in `from` to `to`, comparing
/// relative majors so the mode counts (A minor -> C major is 0, C major -> G major is -5, C major ->
/// F# major is +6). A result of +6 and -6 are the same pitch class; +6 is returned.
pub fn transpose_semitones(from: Key, to: Key) -> i32 {
    let up = (i32::from(to.relative_major_tonic()) - i32::from(from.relative_major_tonic())).rem_euclid(12);
    if up > 6 { up - 12 } else { up }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for key in Key::all() {
            assert_eq!(Key::parse(&key.to_string()), Some(key), "{key}");
            assert_eq!(Key::parse(&key.short_name()), Some(key), "{}", key.short_name());
        }
    }

    #[test]
    fn spellings_parse() {
        let fs_minor = Key::new(6, Mode::Minor);
        assert_eq!(Key::parse("F# minor"), Some(fs_minor));
        assert_eq!(Key::parse("f#m"), Some(fs_minor));
        assert_eq!(Key::parse("Gb minor"), Some(fs_minor));
        assert_eq!(Key::parse("Gb major"), Some(Key::new(6, Mode::Major)));
        assert_eq!(Key::parse("Am"), Some(Key::new(9, Mode::Minor)));
        assert_eq!(Key::parse("E flat minor"), Some(Key::new(3, Mode::Minor)));
        assert_eq!(Key::parse("Cb"), Some(Key::new(11, Mode::Major)));
        assert_eq!(Key::parse("B"), Some(Key::new(11, Mode::Major)));
        assert_eq!(Key::parse("Bb"), Some(Key::new(10, Mode::Major)));
        assert_eq!(Key::parse("H minor"), None);
        assert_eq!(Key::parse(""), None);
        assert_eq!(Key::parse("C lydian"), None);
    }

    #[test]
    fn display_and_short_name() {
        assert_eq!(Key::new(6, Mode::Minor).to_string(), "F# minor");
        assert_eq!(Key::new(6, Mode::Minor).short_name(), "Fsmin");
        assert_eq!(Key::new(0, Mode::Major).short_name(), "Cmaj");
    }
}
