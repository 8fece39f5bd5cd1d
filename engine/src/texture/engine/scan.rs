//! The read position's travel for `TextureEngine`: where a grain reads relative to `position`.
//!
//! - `Drift` without sync: the play head drifts on at the pads' own speed, stopped by Freeze (as
//!   before the scan existed).
//! - `Drift` with sync: the drift follows the beat, half a second of pad per beat (the pads' own
//!   speed at 120 BPM), so it too depends on the song position alone and glides on through tempo
//!   changes instead of jumping.
//! - Forward, backward, ping-pong: the scan replaces the drift (two motions through the pad would
//!   beat against each other): one pass through the whole pad per `1 / scan_rate_hz` seconds, or
//!   per `scan_division` when synced (phase-locked to the song position: pass k starts at beat
//!   k x length). Rate 0 holds the read position still, as Freeze does.
//!
//! `position` is the offset the travel starts from; the spray scatters around the travelled
//! position; everything wraps round the pad. Freeze holds the travelled offset where it is; when
//! Freeze is released a synced travel goes straight back to its song-locked place.

use super::{TextureEngine, CONTROL_PERIOD_FRAMES};
use crate::texture::tempo_state::SYNCED_DRIFT_SEC_PER_BEAT;
use crate::texture::{ScanMode, TextureParams, Travel};

impl TextureEngine {
    /// Latches the scan for the tick starting now and moves the free-running scan on (after
    /// [`Self::sync_tick`]). Realtime-safe.
    pub(super) fn scan_tick(&mut self, params: &TextureParams) {
        let tick = CONTROL_PERIOD_FRAMES as f64;
        let s = &mut self.scan;
        s.free_phase = (s.free_phase + s.free_step * tick).rem_euclid(2.0);
        s.free_step = if params.freeze { 0.0 } else { f64::from(self.values.scan_rate_hz) / f64::from(self.sample_rate_hz) };
        s.mode = params.scan_mode;
        s.pass_beats = params.scan_division.beats();
        s.frozen_beat = match (params.freeze, s.frozen_beat) {
            (true, Some(b)) => Some(b),
            (true, None) => Some(self.sync.tick_beat),
            (false, _) => None,
        };
    }

    /// Where the read position has travelled from `position` at the current tick, for displays:
    /// seconds of the pad's own time for the drift (so each pad wraps it by its own length), a
    /// fraction of the pad for the scans. Realtime-safe.
    pub fn travel(&self) -> Travel {
        let s = &self.scan;
        let beat = s.frozen_beat.unwrap_or(self.sync.tick_beat);
        match (s.mode, self.sync.on) {
            (ScanMode::Drift, false) => Travel::Seconds(self.drift_samples / f64::from(self.sample_rate_hz.max(1.0))),
            (ScanMode::Drift, true) => Travel::Seconds(beat * SYNCED_DRIFT_SEC_PER_BEAT),
            (mode, false) => Travel::Fraction(mode.offset(s.free_phase)),
            (mode, true) => Travel::Fraction(mode.offset(beat / s.pass_beats)),
        }
    }
}
