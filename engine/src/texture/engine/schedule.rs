//! Grain scheduling for `TextureEngine`: when each sounding voice starts its next grain (density with
//! jittered intervals) and how each grain is drawn (pad, length, pitch, pan, direction, and a start the
//! pad's quality map accepts), all on the control grid. Synced onsets: `sync.rs`; where grains
//! read along the pad's travel: `scan.rs`.

use crate::rt::math;
use super::{TextureEngine, CONTROL_PERIOD_FRAMES, NUM_BUSES};
use crate::texture::PadBank;
use crate::voice::grain::Grain;

/// The root assumed for pads without one (middle C).
const DEFAULT_ROOT_NOTE: f32 = 60.0;
/// Attempts to find a start the quality map accepts before a grain is skipped.
const START_ATTEMPTS: usize = 4;
/// Jitter of the grain interval, fraction of the mean interval.
const DENSITY_JITTER: f32 = 0.2;
/// Grains spawned per voice per tick at most (500 grains/s needs about 0.73 at 44.1 kHz, 4 at 8 kHz).
pub(super) const MAX_SPAWNS_PER_TICK: usize = 16;
/// Fade of a grain taken from a voice that holds more than its share of a full pool.
const SHARE_FADE_MS: f32 = 2.0;

impl TextureEngine {
    /// Starts the grains each sounding voice is due during this tick. While the pool is crowded
    /// (three quarters full or more), a voice holding its fair share (pool size / sounding voices)
    /// starts no more grains, and a voice below its share that finds the pool full takes the place
    /// of the oldest grain of the voice furthest above its share (faded out over [`SHARE_FADE_MS`]):
    /// a dense first note cannot starve the notes played after it.
    pub(super) fn schedule_grains(&mut self, bank: &PadBank) {
        if self.sync.on {
            self.schedule_synced_grains(bank);
            return;
        }
        let interval = f64::from(self.sample_rate_hz / self.values.density_hz.max(0.01));
        let (crowded, mut counts, share) = self.fair_shares();
        for vi in 0..self.voices.len() {
            if self.voices[vi].is_idle() {
                continue;
            }
            // The voice's density modulation (LFOs, expression, mod wheel) scales its grain interval.
            let interval = interval / f64::from(self.modulation.voice(vi).density);
            let mut spawned = 0;
            let mut made_room = false;
            while self.voices[vi].grain_countdown_samples < CONTROL_PERIOD_FRAMES as f64 && spawned < MAX_SPAWNS_PER_TICK {
                let delay = self.voices[vi].grain_countdown_samples.max(0.0) as u32;
                if !crowded || counts[vi] < share {
                    if self.spawn_grain(vi, delay, bank) {
                        counts[vi] = counts[vi].saturating_add(1);
                    } else if !made_room {
                        self.make_room(&mut counts, share);
                        made_room = true;
                    }
                }
                spawned += 1;
                let jitter = 1.0 + DENSITY_JITTER * self.rng_schedule.bipolar();
                self.voices[vi].grain_countdown_samples += (interval * f64::from(jitter)).max(1.0);
            }
            let countdown = &mut self.voices[vi].grain_countdown_samples;
            *countdown = (*countdown - CONTROL_PERIOD_FRAMES as f64).max(0.0);
        }
    }

    /// Whether the pool is crowded (three quarters full or more), the grains each bus holds then
    /// (not counted otherwise), and each sounding voice's fair share of the pool. Realtime-safe.
    pub(super) fn fair_shares(&self) -> (bool, [u16; NUM_BUSES], u16) {
        let crowded = self.pool.num_active() * 4 >= self.pool.capacity() * 3;
        let mut counts = [0u16; NUM_BUSES];
        if crowded {
            for g in self.pool.active().filter(|g| g.is_alive() && g.amp_step >= 0.0) {
                counts[usize::from(g.bus).min(NUM_BUSES - 1)] += 1;
            }
        }
        let sounding = self.voices.iter().filter(|v| !v.is_idle()).count().max(1);
        let share = (self.pool.capacity() / sounding).min(usize::from(u16::MAX)) as u16;
        (crowded, counts, share)
    }

    /// Fades out (over [`SHARE_FADE_MS`]) the oldest grain of the voice furthest above `share`, if
    /// any voice is above it. Realtime-safe.
    pub(super) fn make_room(&mut self, counts: &mut [u16; NUM_BUSES], share: u16) {
        let Some((richest, &most)) = counts.iter().enumerate().max_by_key(|&(b, &c)| (c, std::cmp::Reverse(b))) else {
            return;
        };
        if most <= share {
            return;
        }
        let fade_samples = (SHARE_FADE_MS * 0.001 * self.sample_rate_hz).max(1.0);
        let mut done = false;
        // Grains are kept oldest first: the first match is the oldest.
        self.pool.for_each_active(|g| {
            if !done && usize::from(g.bus) == richest && g.is_alive() && g.amp_step >= 0.0 {
                g.amp_step = -g.amp / fade_samples;
                done = true;
            }
        });
        if done {
            counts[richest] -= 1;
        }
    }

    /// Starts one grain for voice `vi`, `delay` samples into the tick. Skipped silently when there is
    /// no playable pad or no acceptable start; returns false only when the pool had no free grain.
    pub(super) fn spawn_grain(&mut self, vi: usize, delay: u32, bank: &PadBank) -> bool {
        let v = self.values;
        let m = self.modulation.voice(vi);
        let sr = self.sample_rate_hz;
        let rng = &mut self.rng_grain;
        let slot = match self.latched.source_slot {
            Some(s) => usize::from(s),
            None => match bank.nth_playable(rng.index(bank.num_playable())) {
                Some(s) => s,
                None => return true,
            },
        };
        let Some(pad) = bank.get(slot).filter(|p| p.num_frames() > 0) else { return true };
        let pad_frames = pad.num_frames();

        let size_ms = v.grain_size_ms * m.size * (1.0 + v.size_spray * rng.bipolar());
        let len_samples = (size_ms.max(2.0) * 0.001 * sr).max(16.0) as u32;
        let root = pad.root_note().unwrap_or(DEFAULT_ROOT_NOTE);
        let note_offset = self.voices[vi].note.map_or(0.0, |n| f32::from(n) - root);
        let sprayed = note_offset + (v.pitch_semitones + m.pitch) + v.pitch_spray_semitones * rng.bipolar();
        // Snapped to the scale as a sounding pitch, then bent (see `texture::scale`).
        let semitones = (self.modulation.snap(sprayed, root, pad.root_note()) + m.bend).clamp(-48.0, 48.0);
        let ratio = f64::from(math::exp2(semitones / 12.0)) * f64::from(pad.sample_rate_hz() / sr);
        let step = ratio.min(pad_frames as f64 * 0.5);
        let reverse = rng.chance(v.reverse_probability);
        let mix = Grain::pan_mix(v.stereo_spread * rng.bipolar());
        let span = step * f64::from(len_samples);

        let drift = self.scan.read_offset(pad, delay, &self.sync, self.drift_samples, sr);
        let position_spray = (v.position_spray + m.spray).clamp(0.0, 1.0);
        let mut start = None;
        for _ in 0..START_ATTEMPTS {
            let u = f64::from(v.position + m.position) + drift + f64::from(0.5 * position_spray * rng.bipolar());
            let frame = u.rem_euclid(1.0) * pad_frames as f64;
            let middle = (frame + 0.5 * span).rem_euclid(pad_frames as f64);
            if pad.is_good_frame(frame as usize) && pad.is_good_frame(middle as usize) {
                start = Some(frame);
                break;
            }
        }
        let Some(start) = start else { return true };
        let (pos, step) = if reverse { ((start + span).rem_euclid(pad_frames as f64), -step) } else { (start, step) };
        // Faster than a frame per sample: read the octave copy that carries nothing to alias.
        let octave = pad.octave_for_step(step.abs());
        let scale = 0.5f64.powi(octave as i32);
        let frames = pad.octave_frames(octave);
        let (pos, step) = ((pos * scale).rem_euclid(frames as f64), (step * scale).clamp(-(frames as f64) * 0.5, frames as f64 * 0.5));
        self.pool.spawn(Grain {
            bus: vi as u16,
            slot: slot as u16,
            pad_id: pad.id(),
            octave: octave as u8,
            pad_frames: frames,
            pos_fixed: Grain::to_fixed(pos).min(((frames as u64) << 32) - 1),
            step_fixed: if step < 0.0 { -(Grain::to_fixed(-step) as i64) } else { Grain::to_fixed(step) as i64 },
            delay_samples: delay,
            age_samples: 0,
            len_samples,
            window_step: Grain::window_step_for(len_samples),
            window: self.latched.window,
            mix,
            amp: m.level,
            amp_step: 0.0,
        })
    }

}
