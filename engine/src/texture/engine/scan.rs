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

use super::sync::SyncState;
use super::{TextureEngine, CONTROL_PERIOD_FRAMES};
use crate::texture::{Pad, ScanMode, TextureParams};

/// Seconds of pad the synced drift moves per beat (the pads' own speed at 120 BPM).
pub const SYNCED_DRIFT_SEC_PER_BEAT: f64 = 0.5;

/// The scan settings latched each control tick and its free-running phase.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct ScanState {
    mode: ScanMode,
    /// Length of a synced pass, beats.
    pass_beats: f64,
    /// Free-running scan: passes travelled at the tick's first sample (kept within 0..2), and
    /// the passes travelled per sample during this tick.
    free_phase: f64,
    free_step: f64,
    /// The beat the synced travel reads at while frozen.
    frozen_beat: Option<f64>,
}

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

}

impl ScanState {
    /// Where a grain of `pad` starting `delay` samples into this tick reads, relative to
    /// `position`, as a fraction of the pad (not yet wrapped), given the tick's `sync` state and
    /// the free drift (`drift_samples` at `sample_rate_hz`). Realtime-safe.
    pub(super) fn read_offset(&self, pad: &Pad, delay: u32, sync: &SyncState, drift_samples: f64, sample_rate_hz: f32) -> f64 {
        let pad_sec = pad.num_frames().max(1) as f64 / f64::from(pad.sample_rate_hz());
        // Synced grains start on grid lines: they read at the line's beat.
        let beat = || self.frozen_beat.unwrap_or(sync.line_beat);
        match (self.mode, sync.on) {
            (ScanMode::Drift, false) => drift_samples * f64::from(pad.sample_rate_hz() / sample_rate_hz) / pad.num_frames() as f64,
            (ScanMode::Drift, true) => beat() * SYNCED_DRIFT_SEC_PER_BEAT / pad_sec,
            (mode, false) => mode.offset(self.free_phase + f64::from(delay) * self.free_step),
            (mode, true) => mode.offset(beat() / self.pass_beats),
        }
    }
}
