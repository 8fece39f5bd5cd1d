//! How the read position travels through the pad: the scan's direction ([`ScanMode`]) and, when
//! synced, the length of one pass ([`ScanLength`]: a note value or a number of bars).
//! Audio thread (plain data).

use super::transport::NoteValue;
use serde::{Deserialize, Serialize};

/// Quarter notes in a bar. Hosts differ in whether and how they report the time signature (and a
/// recipe has none), so a bar is a 4/4 bar: 2 bars = 8 beats whatever the meter.
pub const BEATS_PER_BAR: f64 = 4.0;

/// The read position's motion through the pad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanMode {
    /// No scan: the play head drifts on at the pads' own speed (stopped by Freeze), as before the
    /// scan existed.
    #[default]
    Drift,
    /// Start to end, then again from the start.
    Forward,
    /// End to start, then again from the end.
    Backward,
    /// Start to end and back, one way per pass.
    PingPong,
}

impl ScanMode {
    /// Every mode, in the host's list order.
    pub const ALL: [Self; 4] = [Self::Drift, Self::Forward, Self::Backward, Self::PingPong];

    /// The name shown to the musician.
    pub fn label(self) -> &'static str {
        match self {
            Self::Drift => "Drift",
            Self::Forward => "Forward",
            Self::Backward => "Backward",
            Self::PingPong => "Ping-pong",
        }
    }

    /// Where a pass at `phase` (0..1, any real number wraps) puts the read position, 0..1 of the
    /// pad from `position`; `Drift` moves nothing. Realtime-safe.
    pub fn offset(self, phase: f64) -> f64 {
        let p = phase.rem_euclid(1.0);
        match self {
            Self::Drift => 0.0,
            Self::Forward => p,
            Self::Backward => 1.0 - p,
            // One pass travels the pad one way: two passes go there and back.
            Self::PingPong => {
                let q = (phase * 0.5).rem_euclid(1.0) * 2.0;
                if q <= 1.0 { q } else { 2.0 - q }
            }
        }
    }
}

/// The length of one synced pass: a note value, or whole 4/4 bars for the slow sweeps a musician
/// wants over a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum ScanLength {
    Note(NoteValue),
    Bars(u8),
}

impl Default for ScanLength {
    fn default() -> Self {
        Self::Bars(4)
    }
}

impl ScanLength {
    /// Bar counts offered on top of the note values.
    pub const BARS: [u8; 4] = [2, 4, 8, 16];
    /// Number of choices: the bar counts (longest first), then every note value.
    pub const NUM: usize = Self::BARS.len() + NoteValue::ALL.len();

    /// Choice `index` of the host's list: 16, 8, 4, 2 bars, then the note values in
    /// [`NoteValue::ALL`] order (the last one past the end). Realtime-safe.
    pub fn from_index(index: usize) -> Self {
        let bars = Self::BARS.len();
        if index < bars {
            Self::Bars(Self::BARS[bars - 1 - index])
        } else {
            Self::Note(NoteValue::from_index(index - bars))
        }
    }

    /// Its place in the host's list (bar counts outside the list count as 4 bars). Realtime-safe.
    pub fn index(self) -> usize {
        let bars = Self::BARS.len();
        match self {
            Self::Bars(n) => bars - 1 - Self::BARS.iter().position(|&b| b == n).unwrap_or(1),
            Self::Note(v) => bars + v.index(),
        }
    }

    /// Length in quarter notes (beats). Realtime-safe.
    pub fn beats(self) -> f64 {
        match self {
            Self::Bars(n) => f64::from(n.max(1)) * BEATS_PER_BAR,
            Self::Note(v) => v.beats(),
        }
    }

    /// How it is written: "4 bars", "1/4.". Realtime-safe (static strings).
    pub fn label(self) -> &'static str {
        match self {
            Self::Bars(n) => ["16 bars", "8 bars", "4 bars", "2 bars"][Self::Bars(n).index()],
            Self::Note(v) => v.label(),
        }
    }

    /// The length written `text` ("2 bars", "1 bar" is 1/1, "1/8T").
    pub fn from_label(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("1 bar") {
            return Some(Self::Note(NoteValue::WHOLE));
        }
        (0..Self::NUM).map(Self::from_index).find(|l| l.label().eq_ignore_ascii_case(text))
    }
}

impl From<ScanLength> for String {
    fn from(l: ScanLength) -> Self {
        l.label().to_string()
    }
}

impl TryFrom<String> for ScanLength {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        Self::from_label(&text)
            .ok_or_else(|| format!("\"{text}\" is not a scan length (write 2, 4, 8 or 16 bars, or a note value such as 1/4.)"))
    }
}

/// How far the read position has travelled from `position` (see `TextureEngine::travel`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Travel {
    /// Seconds of the pad's own time (the drift): wrapped by each pad's length.
    Seconds(f64),
    /// A fraction of the pad (the scans), whatever its length.
    Fraction(f64),
}

impl Travel {
    /// The travel as a fraction of a pad `pad_sec` seconds long (not wrapped). Realtime-safe.
    pub fn fraction_of(self, pad_sec: f64) -> f64 {
        match self {
            Self::Seconds(s) if pad_sec > 0.0 => s / pad_sec,
            Self::Seconds(_) => 0.0,
            Self::Fraction(f) => f,
        }
    }

}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_lengths_list_bars_then_note_values_and_read_back() {
        assert_eq!(ScanLength::from_index(0), ScanLength::Bars(16));
        assert_eq!(ScanLength::from_index(3).beats(), 8.0);
        assert_eq!(ScanLength::from_index(4), ScanLength::Note(NoteValue::WHOLE));
        for i in 0..ScanLength::NUM {
            let l = ScanLength::from_index(i);
            assert_eq!(l.index(), i);
            assert_eq!(ScanLength::from_label(l.label()), Some(l));
            let text = serde_json::to_string(&l).unwrap();
            assert_eq!(serde_json::from_str::<ScanLength>(&text).unwrap(), l);
        }
        assert!(serde_json::from_str::<ScanLength>("\"3 bars\"").unwrap_err().to_string().contains("3 bars"));
    }

    #[test]
    fn modes_travel_the_pad_their_way() {
        let at = |m: ScanMode, p: f64| m.offset(p);
        assert_eq!(at(ScanMode::Drift, 0.3), 0.0);
        assert_eq!(at(ScanMode::Forward, 0.25), 0.25);
        assert_eq!(at(ScanMode::Forward, 1.25), 0.25);
        assert_eq!(at(ScanMode::Backward, 0.25), 0.75);
        assert_eq!(at(ScanMode::PingPong, 0.5), 0.5);
        assert_eq!(at(ScanMode::PingPong, 1.0), 1.0);
        assert_eq!(at(ScanMode::PingPong, 1.5), 0.5);
        assert_eq!(at(ScanMode::PingPong, 2.0), 0.0);
    }
}
