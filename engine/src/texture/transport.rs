//! The host's transport as the engine sees it, and musical note values. The front end gives the
//! engine a [`Transport`] before each sub-block (the plugin from the host's process context, the
//! exporter from the recipe's tempo); the engine keeps a [`BeatClock`] that says where every
//! control tick and every sample lies in beats, so anything synced (grain onsets, the position
//! scan, the hiss tremolo, the LFOs) is phase-locked to the song position.
//! Audio thread (plain data, no allocation).

use serde::{Deserialize, Serialize};

/// Tempo assumed without a host tempo.
pub const DEFAULT_TEMPO_BPM: f64 = 120.0;
/// Slowest and fastest tempo the engine follows (anything else is clamped).
pub const MIN_TEMPO_BPM: f64 = 10.0;
pub const MAX_TEMPO_BPM: f64 = 999.0;

/// Where the song is at the next sample the engine renders.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Transport {
    /// The host's tempo, quarter notes per minute (`None`: the host gives none, 120 is used).
    pub tempo_bpm: Option<f64>,
    /// Song position of the next sample in quarter notes, when the host plays and gives one.
    /// `None` (stopped, or no transport): synced things run free at the tempo.
    pub beat_position: Option<f64>,
}

impl Transport {
    /// The tempo to follow: the host's, cleaned and clamped, else 120 BPM. Realtime-safe.
    pub fn tempo(&self) -> f64 {
        match self.tempo_bpm {
            Some(t) if t.is_finite() && t > 0.0 => t.clamp(MIN_TEMPO_BPM, MAX_TEMPO_BPM),
            _ => DEFAULT_TEMPO_BPM,
        }
    }

    /// The song position when it is usable (finite). Realtime-safe.
    pub fn position(&self) -> Option<f64> {
        self.beat_position.filter(|b| b.is_finite())
    }
}

/// The length of a note value relative to its straight form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feel {
    #[default]
    Straight,
    /// One and a half times as long.
    Dotted,
    /// Two thirds as long (three in the time of two).
    Triplet,
}

/// A note value from a whole note to a sixty-fourth, straight, dotted or triplet. Recipes spell it
/// as it is written ("1/16", "1/8.", "1/4T").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct NoteValue {
    /// The denominator: 1 (whole note), 2, 4, 8, 16, 32 or 64.
    pub per_whole: u8,
    pub feel: Feel,
}

impl Default for NoteValue {
    fn default() -> Self {
        Self::SIXTEENTH
    }
}

impl NoteValue {
    pub const SIXTEENTH: Self = Self { per_whole: 16, feel: Feel::Straight };
    pub const QUARTER: Self = Self { per_whole: 4, feel: Feel::Straight };
    pub const WHOLE: Self = Self { per_whole: 1, feel: Feel::Straight };
    /// The denominators a note value may have.
    pub const DENOMINATORS: [u8; 7] = [1, 2, 4, 8, 16, 32, 64];
    /// Every note value, longest first within each feel: 21 in all (the host's list order).
    pub const ALL: [Self; 21] = {
        let feels = [Feel::Straight, Feel::Dotted, Feel::Triplet];
        let mut all = [Self::SIXTEENTH; 21];
        let mut i = 0;
        while i < 21 {
            all[i] = Self { per_whole: Self::DENOMINATORS[i % 7], feel: feels[i / 7] };
            i += 1;
        }
        all
    };

    /// Length in quarter notes (beats). Denominators outside the list are taken as the nearest
    /// listed one. Realtime-safe.
    pub fn beats(self) -> f64 {
        let d = match self.per_whole {
            0..=1 => 1.0,
            2..=3 => 2.0,
            4..=5 => 4.0,
            6..=11 => 8.0,
            12..=23 => 16.0,
            24..=47 => 32.0,
            _ => 64.0,
        };
        let straight = 4.0 / d;
        match self.feel {
            Feel::Straight => straight,
            Feel::Dotted => straight * 1.5,
            Feel::Triplet => straight * 2.0 / 3.0,
        }
    }

    /// How it is written: "1/16", "1/8.", "1/4T". Realtime-safe (static strings).
    pub fn label(self) -> &'static str {
        const LABELS: [&str; 21] = [
            "1/1", "1/2", "1/4", "1/8", "1/16", "1/32", "1/64", "1/1.", "1/2.", "1/4.", "1/8.", "1/16.", "1/32.",
            "1/64.", "1/1T", "1/2T", "1/4T", "1/8T", "1/16T", "1/32T", "1/64T",
        ];
        let row = match self.feel {
            Feel::Straight => 0,
            Feel::Dotted => 1,
            Feel::Triplet => 2,
        };
        let col = Self::DENOMINATORS.iter().position(|&d| d == self.per_whole).unwrap_or(4);
        LABELS[row * 7 + col]
    }

    /// Its place in [`Self::ALL`] (the host's list order; a denominator outside the list counts as
    /// 1/16). Realtime-safe.
    pub fn index(self) -> usize {
        let row = match self.feel {
            Feel::Straight => 0,
            Feel::Dotted => 1,
            Feel::Triplet => 2,
        };
        row * 7 + Self::DENOMINATORS.iter().position(|&d| d == self.per_whole).unwrap_or(4)
    }

    /// Entry `index` of [`Self::ALL`], the last one past the end. Realtime-safe.
    pub fn from_index(index: usize) -> Self {
        Self::ALL[index.min(Self::ALL.len() - 1)]
    }

    /// The note value written `text` ("1/16", "1/8.", "1/4T"; spaces around it ignored).
    pub fn from_label(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::ALL.into_iter().find(|n| n.label().eq_ignore_ascii_case(text))
    }
}

impl From<NoteValue> for String {
    fn from(n: NoteValue) -> Self {
        n.label().to_string()
    }
}

impl TryFrom<String> for NoteValue {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        Self::from_label(&text).ok_or_else(|| format!("\"{text}\" is not a note value (write 1/1 to 1/64, with . for dotted or T for triplet)"))
    }
}

/// Where the engine is in beats: advanced per control tick, and re-locked to the host's song
/// position whenever the transport gives one, so synced work depends on the song position, not on
/// where playback started. Free-running (from beat 0 at `reset`) when there is none.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BeatClock {
    /// Beat of the next sample the engine renders.
    beat: f64,
    /// Tempo in force, beats per minute.
    tempo_bpm: f64,
    /// Whether `beat` follows a host song position (false: free-running).
    locked: bool,
}

impl Default for BeatClock {
    fn default() -> Self {
        Self { beat: 0.0, tempo_bpm: DEFAULT_TEMPO_BPM, locked: false }
    }
}

impl BeatClock {
    /// Takes the transport given for the next sample: its tempo, and its song position when it has
    /// one (else the clock runs on from where it is). Realtime-safe.
    pub fn follow(&mut self, transport: &Transport) {
        self.tempo_bpm = transport.tempo();
        match transport.position() {
            Some(b) => {
                self.beat = b;
                self.locked = true;
            }
            None => self.locked = false,
        }
    }

    /// Moves the clock on by `frames` samples at `sample_rate_hz`. Realtime-safe.
    pub fn advance(&mut self, frames: f64, sample_rate_hz: f32) {
        self.beat += frames * self.beats_per_sample(sample_rate_hz);
    }

    /// Beat of the next sample.
    pub fn beat(&self) -> f64 {
        self.beat
    }

    /// Tempo in force, beats per minute.
    pub fn tempo_bpm(&self) -> f64 {
        self.tempo_bpm
    }

    /// Whether the clock follows the host's song position.
    pub fn is_locked(&self) -> bool {
        self.locked
    }

    /// Beats per sample at the tempo in force.
    pub fn beats_per_sample(&self, sample_rate_hz: f32) -> f64 {
        self.tempo_bpm / 60.0 / f64::from(sample_rate_hz)
    }

    /// Free-running from beat 0 at the next sample, when the clock follows no song position (a
    /// sound starting from silence without a transport starts the grid on its first sample).
    /// Realtime-safe.
    pub fn restart_free(&mut self) {
        if !self.locked {
            self.beat = 0.0;
        }
    }

    /// Back to beat 0 at 120 BPM, free-running. Realtime-safe.
    pub fn reset(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn note_values_have_their_lengths_in_beats() {
        let v = |per_whole, feel| NoteValue { per_whole, feel }.beats();
        assert_eq!(v(4, Feel::Straight), 1.0);
        assert_eq!(v(16, Feel::Straight), 0.25);
        assert_eq!(v(8, Feel::Dotted), 0.75);
        assert!((v(8, Feel::Triplet) - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(v(1, Feel::Straight), 4.0);
        assert_eq!(v(64, Feel::Straight), 1.0 / 16.0);
        let labels: Vec<_> = NoteValue::ALL.iter().map(|n| n.label()).collect();
        assert_eq!(labels[4], "1/16");
        assert_eq!(labels[10], "1/8.");
        assert_eq!(labels[16], "1/4T");
        assert!(NoteValue::ALL.iter().all(|n| n.beats() > 0.0));
        for (i, n) in NoteValue::ALL.into_iter().enumerate() {
            assert_eq!((n.index(), NoteValue::from_index(i)), (i, n));
            assert_eq!(NoteValue::from_label(n.label()), Some(n));
            let text = serde_json::to_string(&n).unwrap();
            assert_eq!(serde_json::from_str::<NoteValue>(&text).unwrap(), n, "{text}");
        }
        assert_eq!(serde_json::to_string(&NoteValue::SIXTEENTH).unwrap(), "\"1/16\"");
        let bad = serde_json::from_str::<NoteValue>("\"1/12\"").unwrap_err().to_string();
        assert!(bad.contains("1/12") && bad.contains("note value"), "{bad}");
    }

    #[test]
    fn the_clock_locks_to_the_song_position_and_runs_free_without_one() {
        let mut c = BeatClock::default();
        c.follow(&Transport { tempo_bpm: Some(120.0), beat_position: Some(8.0) });
        assert!(c.is_locked());
        c.advance(48_000.0, 48_000.0);
        assert!((c.beat() - 10.0).abs() < 1e-9, "{}", c.beat());
        c.follow(&Transport { tempo_bpm: None, beat_position: None });
        assert!(!c.is_locked());
        c.advance(24_000.0, 48_000.0);
        assert!((c.beat() - 11.0).abs() < 1e-9);
        c.follow(&Transport { tempo_bpm: Some(f64::NAN), beat_position: Some(f64::INFINITY) });
        assert_eq!(c.tempo_bpm(), DEFAULT_TEMPO_BPM);
        assert!(!c.is_locked());
    }
}
