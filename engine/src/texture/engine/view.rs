//! What a display or a test can read off the engine without touching the audio: each sounding
//! grain (where it reads, how much of the pad it spans, its pitch, pan and age), grain counts, the
//! rest state and the safety limiter's activity.

use crate::rt::math;
use super::{TextureEngine, MAX_VOICES};
use crate::texture::PadBank;
use crate::voice::grain::{Grain, FIXED_ONE};
use crate::voice::limiter::LimiterStats;

/// One sounding grain as a display sees it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct GrainView {
    /// Pad-bank slot the grain reads.
    pub slot: u16,
    /// Read position, 0..1 of the pad.
    pub position: f32,
    /// Part of the pad the whole grain reads, 0..1 (length times playback rate over pad length).
    pub span: f32,
    /// Playback pitch against the pad's own, semitones (note, pitch and spray together; an octave
    /// copy's decimation counted back in).
    pub pitch_semitones: f32,
    /// Pan, -1 (left) .. 1 (right).
    pub pan: f32,
    /// How far through its life the grain is, 0..1.
    pub age: f32,
    /// Plays backwards.
    pub reverse: bool,
}

impl TextureEngine {
    /// Calls `visit` with a view of every sounding grain (at most [`super::MAX_GRAINS`]), oldest
    /// first. `bank` gives each pad's sample rate, for the pitch. Realtime-safe.
    pub fn visit_grains(&self, bank: &PadBank, mut visit: impl FnMut(GrainView)) {
        let output_rate_hz = f64::from(self.sample_rate_hz);
        for grain in self.pool.active().filter(|g| g.is_alive()) {
            visit(grain_view(grain, bank, output_rate_hz));
        }
    }

    /// How far the play head has moved through the pads since `reset`, seconds of the pads' own
    /// time (it stands still while frozen): grains start at `position` plus this, wrapped around
    /// each pad. Realtime-safe.
    pub fn drift_sec(&self) -> f64 {
        self.drift_samples / f64::from(self.sample_rate_hz.max(1.0))
    }

    /// The tempo the engine follows: the host's, else 120 BPM. Realtime-safe.
    pub fn tempo_bpm(&self) -> f64 {
        self.clock.tempo_bpm()
    }
}

/// The view of one grain. Realtime-safe.
fn grain_view(grain: &Grain, bank: &PadBank, output_rate_hz: f64) -> GrainView {
    let pad_frames = grain.pad_frames.max(1) as f64;
    // Frames of the copy read (octave k is the pad decimated by 2^k) per output sample.
    let step = grain.step_fixed.unsigned_abs() as f64 / FIXED_ONE;
    let pad_rate_hz = bank.get(usize::from(grain.slot)).map_or(output_rate_hz, |pad| f64::from(pad.sample_rate_hz()));
    let ratio = step * f64::from(1u32 << grain.octave.min(31)) * output_rate_hz / pad_rate_hz.max(1.0);
    let pitch_semitones = if ratio > 0.0 { 12.0 * math::log2(ratio) } else { 0.0 };
    // The mix is [left<-L, left<-R, right<-L, right<-R]; the balance of its two sides is the pan.
    let left = grain.mix[0] + grain.mix[1];
    let right = grain.mix[2] + grain.mix[3];
    let pan = if left + right > 0.0 { (right - left) / (left + right) } else { 0.0 };
    GrainView {
        slot: grain.slot,
        position: (grain.pos_frames() / pad_frames) as f32,
        span: (step * f64::from(grain.len_samples) / pad_frames).min(1.0) as f32,
        pitch_semitones: pitch_semitones as f32,
        pan: pan.clamp(-1.0, 1.0),
        age: grain.age_samples as f32 / grain.len_samples.max(1) as f32,
        reverse: grain.step_fixed < 0,
    }
}

impl TextureEngine {
    /// True while nothing sounds and nothing advances (see the module docs). Realtime-safe.
    pub fn is_at_rest(&self) -> bool {
        self.at_rest
    }

    /// Samples the safety limiter turned down since `reset` (it should rarely act at default
    /// settings). Realtime-safe.
    pub fn num_limited_samples(&self) -> u64 {
        self.limiter.num_limited_samples()
    }

    /// What the safety limiter did since `reset` (rests do not clear it): samples turned down, the
    /// deepest reduction, the peak it was given. Reading it changes nothing. Realtime-safe.
    pub fn limiter_stats(&self) -> LimiterStats {
        self.limiter.stats()
    }

    /// Writes the normalised (0..1) read positions of active grains into `out`, returns the count
    /// written. Realtime-safe.
    pub fn grain_positions(&self, out: &mut [f32]) -> usize {
        let mut count = 0;
        for (o, g) in out.iter_mut().zip(self.pool.active().filter(|g| g.is_alive())) {
            *o = (g.pos_frames() / g.pad_frames as f64) as f32;
            count += 1;
        }
        count
    }

    /// Grains currently playing for the voice of `note` (not counting grains fading out). Realtime-safe.
    pub fn num_grains_of_note(&self, note: u8) -> usize {
        let Some(voice) = self.voices[..MAX_VOICES].iter().position(|v| v.note == Some(note) && !v.is_idle()) else {
            return 0;
        };
        self.pool.active().filter(|g| usize::from(g.bus) == voice && g.is_alive() && g.amp_step >= 0.0).count()
    }

    /// Grains currently playing. Realtime-safe.
    pub fn num_active_grains(&self) -> usize {
        self.pool.active().filter(|g| g.is_alive()).count()
    }

    /// The sample rate given to `prepare` (44.1 kHz before). Realtime-safe.
    pub fn sample_rate_hz(&self) -> f32 {
        self.sample_rate_hz
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_reads_pitch_span_and_pan() {
        let mut bank = PadBank::new();
        bank.insert(0, crate::texture::Pad::new(9, vec![vec![0.1; 48_000]; 2], 48_000.0, None));
        let grain = Grain {
            bus: 0,
            slot: 0,
            pad_id: 9,
            octave: 0,
            pad_frames: 48_000,
            pos_fixed: Grain::to_fixed(12_000.0),
            step_fixed: -(Grain::to_fixed(2.0) as i64),
            delay_samples: 0,
            age_samples: 4_800,
            len_samples: 9_600,
            window_step: Grain::window_step_for(9_600),
            window: crate::texture::WindowShape::Hann,
            mix: Grain::pan_mix(1.0),
            amp: 1.0,
            amp_step: 0.0,
        };
        let view = grain_view(&grain, &bank, 48_000.0);
        assert!((view.position - 0.25).abs() < 1e-6);
        assert!((view.span - 0.4).abs() < 1e-6);
        assert!((view.pitch_semitones - 12.0).abs() < 1e-4);
        assert!(view.pan > 0.9, "{}", view.pan);
        assert!((view.age - 0.5).abs() < 1e-6);
        assert!(view.reverse);

        // The same speed read from the copy decimated by 2: half the frames, half the step, so the
        // same position and span, and the same pitch.
        let copy = Grain { octave: 1, pad_frames: 24_000, pos_fixed: Grain::to_fixed(6_000.0), step_fixed: -(Grain::to_fixed(1.0) as i64), ..grain };
        let view = grain_view(&copy, &bank, 48_000.0);
        assert!((view.position - 0.25).abs() < 1e-6 && (view.span - 0.4).abs() < 1e-6);
        assert!((view.pitch_semitones - 12.0).abs() < 1e-4, "{}", view.pitch_semitones);
    }
}
