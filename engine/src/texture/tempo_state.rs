//! The state of tempo sync and the position scan that `TextureEngine` keeps between control
//! ticks (`engine/sync.rs` and `engine/scan.rs` hold the engine's work on it): the synced
//! settings and where the tick lies in beats, and the scan's latched settings and phase.
//! Audio thread (plain data).

use crate::texture::{Pad, ScanMode};

/// The synced settings latched each control tick, and where the tick lies in beats.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SyncState {
    pub on: bool,
    /// Grid spacing of grain onsets, beats.
    pub grain_beats: f64,
    /// One tremolo cycle, beats.
    pub tremolo_beats: f64,
    /// Beat of the tick's first sample.
    pub tick_beat: f64,
    /// Beats per sample at the tempo in force.
    pub beats_per_sample: f64,
    /// Tempo in force, beats per minute.
    pub tempo_bpm: f64,
    /// Beat of the grid line whose grains are being started (where they read along the scan or
    /// the drift: the line's own beat, not the sample's, so the read position does not depend on
    /// the rounding of the host's song position).
    pub line_beat: f64,
    /// Last grid line whose grains were started (no line twice), and the tick beat then.
    pub last_line: i64,
    pub last_tick_beat: f64,
}

impl Default for SyncState {
    fn default() -> Self {
        Self {
            on: false,
            grain_beats: 0.25,
            tremolo_beats: 4.0,
            tick_beat: 0.0,
            beats_per_sample: 0.0,
            tempo_bpm: 120.0,
            line_beat: 0.0,
            last_line: i64::MIN,
            last_tick_beat: f64::NEG_INFINITY,
        }
    }
}

/// Seconds of pad the synced drift moves per beat (the pads' own speed at 120 BPM).
pub const SYNCED_DRIFT_SEC_PER_BEAT: f64 = 0.5;

/// The scan settings latched each control tick and its free-running phase.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ScanState {
    pub mode: ScanMode,
    /// Length of a synced pass, beats.
    pub pass_beats: f64,
    /// Free-running scan: passes travelled at the tick's first sample (kept within 0..2), and
    /// the passes travelled per sample during this tick.
    pub free_phase: f64,
    pub free_step: f64,
    /// The beat the synced travel reads at while frozen.
    pub frozen_beat: Option<f64>,
}

impl ScanState {
    /// Where a grain of `pad` starting `delay` samples into this tick reads, relative to
    /// `position`, as a fraction of the pad (not yet wrapped), given the tick's `sync` state and
    /// the free drift (`drift_samples` at `sample_rate_hz`). Realtime-safe.
    pub(crate) fn read_offset(&self, pad: &Pad, delay: u32, sync: &SyncState, drift_samples: f64, sample_rate_hz: f32) -> f64 {
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
