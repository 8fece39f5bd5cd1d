//! Tempo sync for `TextureEngine`: grain onsets on the grid of a note value, phase-locked to the
//! beat clock (grid line n lies at beat n x division; a grain starts on the first sample whose
//! beat reaches its line), and the hiss tremolo's phase taken from the beat. Each synced grain
//! draws its random choices from a stream of its own, seeded from (seed, grid line, the voice's
//! note), so what a held note plays over a passage depends on the song position alone, not on
//! where playback started or what played before.
//!
//! Within a control tick the onsets are found from the beat and tempo at the tick's start: a tempo
//! change or a relocation that arrives in the middle of a tick moves the onsets from the next tick
//! on (at most [`CONTROL_PERIOD_FRAMES`] samples later).

use super::schedule::MAX_SPAWNS_PER_TICK;
use super::{TextureEngine, CONTROL_PERIOD_FRAMES, STREAM_GRAIN};
use crate::rt::{stream_seed, RngStream};
use crate::texture::{PadBank, TextureParams};
use std::f32::consts::TAU;

/// How far past a sample a grid line may fall and still start its grain on that sample. The beat
/// the host reports is rounded (CLAP carries it in 1/2^31 beats: 5e-4 samples at 10 BPM and
/// 192 kHz) and the clock adds floating-point steps whose last bits depend on where playback
/// started; a grid line that falls exactly on a sample (1/16 at 120 BPM and 48 kHz: every 6000
/// samples) must give the same onset either way.
const ONSET_TOLERANCE_SAMPLES: f64 = 1e-3;
/// Stream id of the per-grid-line grain streams.
const STREAM_GRID: u64 = 0x6772_6964;
/// The note key of the hold voice's streams (no MIDI note is 128).
const HOLD_NOTE_KEY: u64 = 128;

impl TextureEngine {
    /// Latches the synced settings and the clock for the tick starting now. Realtime-safe.
    pub(super) fn sync_tick(&mut self, params: &TextureParams) {
        let s = &mut self.sync;
        s.on = params.sync;
        s.grain_beats = params.grain_division.beats();
        s.tremolo_beats = params.tremolo_division.beats();
        s.tick_beat = self.clock.beat();
        s.beats_per_sample = self.clock.beats_per_sample(self.sample_rate_hz);
        s.tempo_bpm = self.clock.tempo_bpm();
    }

    /// Grains started per second per voice: the grid's rate when synced, else the density.
    pub(super) fn grain_rate_hz(&self) -> f32 {
        if self.sync.on {
            (self.sync.tempo_bpm / 60.0 / self.sync.grain_beats) as f32
        } else {
            self.values.density_hz
        }
    }

    /// The hiss tremolo's phase (radians) at the end of this tick when synced: a cycle per
    /// tremolo division, starting on the beat; `None` when not synced.
    pub(super) fn synced_tremolo_phase(&self) -> Option<f32> {
        let s = &self.sync;
        let end_beat = s.tick_beat + CONTROL_PERIOD_FRAMES as f64 * s.beats_per_sample;
        s.on.then(|| TAU * (end_beat / s.tremolo_beats).rem_euclid(1.0) as f32)
    }

    /// The sample of this tick at which grid line `n` falls (may lie outside the tick).
    fn onset(&self, n: i64) -> f64 {
        let s = &self.sync;
        ((n as f64 * s.grain_beats - s.tick_beat) / s.beats_per_sample - ONSET_TOLERANCE_SAMPLES).ceil()
    }

    /// Starts a grain for every sounding voice on each grid line inside this tick, with the pool's
    /// fair shares kept as the free scheduler keeps them. Realtime-safe.
    pub(super) fn schedule_synced_grains(&mut self, bank: &PadBank) {
        if self.sync.beats_per_sample <= 0.0 {
            return;
        }
        let (crowded, mut counts, share) = self.fair_shares();
        // The clock went back (a loop or a relocation): lines may come again.
        if self.sync.tick_beat < self.sync.last_tick_beat {
            self.sync.last_line = i64::MIN;
        }
        self.sync.last_tick_beat = self.sync.tick_beat;
        let mut n = ((self.sync.tick_beat - self.sync.beats_per_sample) / self.sync.grain_beats).floor() as i64;
        while self.onset(n) < 0.0 {
            n += 1;
        }
        let mut lines = 0;
        while self.onset(n) < CONTROL_PERIOD_FRAMES as f64 && lines < MAX_SPAWNS_PER_TICK {
            if n > self.sync.last_line {
                let delay = self.onset(n) as u32;
                self.sync.line_beat = n as f64 * self.sync.grain_beats;
                let mut made_room = false;
                for vi in 0..self.voices.len() {
                    if self.voices[vi].is_idle() || (crowded && counts[vi] >= share) {
                        continue;
                    }
                    let note = self.voices[vi].note.map_or(HOLD_NOTE_KEY, u64::from);
                    let line_stream = RngStream::new(stream_seed(self.seed, &[STREAM_GRID, n as u64, note]), STREAM_GRAIN);
                    let free_stream = std::mem::replace(&mut self.rng_grain, line_stream);
                    let spawned = self.spawn_grain(vi, delay, bank);
                    self.rng_grain = free_stream;
                    if spawned {
                        counts[vi] = counts[vi].saturating_add(1);
                    } else if !made_room {
                        self.make_room(&mut counts, share);
                        made_room = true;
                    }
                }
                self.sync.last_line = n;
            }
            n += 1;
            lines += 1;
        }
    }
}
