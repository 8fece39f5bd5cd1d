//! The tempo sync and position scan host parameters: the Sync switch, the note values (grain rate,
//! scan pass, tremolo cycle) as stepped parameters whose values read "1/16", "1/8.", "1/4T" (and
//! "4 bars" for the scan), the scan's direction and its free rate. Their ids are saved in every
//! project: never rename one.

use std::sync::Arc;

use engine::texture::{ScanLength, ScanMode, TextureParams};
use nice_plug::prelude::*;

use super::host_param::{float_param, note_value_of, note_value_param};

/// The scan's direction as the host sees it. Variant ids are stable like parameter ids.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanChoice {
    #[id = "drift"]
    Drift,
    #[id = "forward"]
    Forward,
    #[id = "backward"]
    Backward,
    #[id = "ping_pong"]
    #[name = "Ping-pong"]
    PingPong,
}

impl ScanChoice {
    /// The engine's scan mode for this choice.
    pub fn mode(self) -> ScanMode {
        match self {
            Self::Drift => ScanMode::Drift,
            Self::Forward => ScanMode::Forward,
            Self::Backward => ScanMode::Backward,
            Self::PingPong => ScanMode::PingPong,
        }
    }
}

/// Tempo sync and scan parameters, nested in [`super::AfterglowParams`] (their ids stand alone).
#[derive(Params)]
pub struct TempoParams {
    #[id = "sync"]
    pub sync: BoolParam,
    #[id = "grain_division"]
    pub grain_division: IntParam,
    #[id = "scan_mode"]
    pub scan_mode: EnumParam<ScanChoice>,
    #[id = "scan_rate"]
    pub scan_rate_hz: FloatParam,
    #[id = "scan_division"]
    pub scan_division: IntParam,
    #[id = "tremolo_division"]
    pub tremolo_division: IntParam,
}

impl Default for TempoParams {
    fn default() -> Self {
        let d = TextureParams::default();
        Self {
            sync: BoolParam::new("Sync", d.sync),
            grain_division: note_value_param("Grain Rate", d.grain_division),
            scan_mode: EnumParam::new("Scan", ScanChoice::Drift),
            scan_rate_hz: float_param("scan_rate"),
            scan_division: IntParam::new(
                "Scan Length",
                d.scan_division.index() as i32,
                IntRange::Linear { min: 0, max: ScanLength::NUM as i32 - 1 },
            )
            .with_value_to_string(Arc::new(|i| ScanLength::from_index(i.max(0) as usize).label().to_string()))
            .with_string_to_value(Arc::new(|text| ScanLength::from_label(text).map(|l| l.index() as i32))),
            tremolo_division: note_value_param("Tremolo Length", d.tremolo_division),
        }
    }
}

impl TempoParams {
    /// Writes these parameters' values into `p`. Realtime-safe.
    pub fn fill(&self, p: &mut TextureParams) {
        p.sync = self.sync.value();
        p.grain_division = note_value_of(self.grain_division.value());
        p.scan_mode = self.scan_mode.value().mode();
        p.scan_rate_hz = self.scan_rate_hz.value();
        p.scan_division = ScanLength::from_index(self.scan_division.value().max(0) as usize);
        p.tremolo_division = note_value_of(self.tremolo_division.value());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn note_values_read_as_written_and_back() {
        let t = TempoParams::default();
        let text = |p: &IntParam, i: i32| p.normalized_value_to_string(p.preview_normalized(i), true);
        assert_eq!(text(&t.grain_division, 4), "1/16");
        assert_eq!(text(&t.grain_division, 10), "1/8.");
        assert_eq!(text(&t.grain_division, 16), "1/4T");
        assert_eq!(text(&t.scan_division, 0), "16 bars");
        assert_eq!(text(&t.scan_division, 6), "1/4");
        assert_eq!(t.grain_division.string_to_normalized_value("1/4T"), Some(t.grain_division.preview_normalized(16)));
        assert_eq!(t.scan_division.string_to_normalized_value("8 bars"), Some(t.scan_division.preview_normalized(1)));
        assert_eq!(t.scan_mode.normalized_value_to_string(1.0, true), "Ping-pong");
    }
}
