//! Note voices: one per sounding MIDI note (plus the hold voice), each with a linear attack and an
//! exponential release evaluated on the control grid, a sustain-pedal latch, and the stealing rule
//! (oldest released voice first, then the oldest voice).

use crate::rt::math;
use crate::rt::Ramp;

/// Where a voice is in its envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VoiceStage {
    #[default]
    Idle,
    Attack,
    Sustain,
    Release,
}

/// Release ends when the envelope falls below this (-60 dB).
const RELEASE_FLOOR: f32 = 0.001;

/// One note voice. Plain data.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoteVoice {
    /// MIDI note, or `None` for the hold voice (plays at the pad's root).
    pub note: Option<u8>,
    /// Level from velocity, 0..1.
    pub velocity: f32,
    pub stage: VoiceStage,
    /// Envelope, 0..1, at the end of the current control tick.
    pub env: f32,
    /// Start order (larger is newer), for stealing.
    pub started_order: u64,
    /// Note-off arrived while the sustain pedal was down.
    pub sustained: bool,
    /// Output samples until the voice's next grain, counted from the start of the current tick.
    pub grain_countdown_samples: f64,
    /// Gain (envelope x velocity) across the current tick.
    pub gain: Ramp,
    /// Release time while choked (all sound off, CLAP choke), samples; 0 when not choked.
    pub choke_release_samples: f32,
}

impl NoteVoice {
    /// Starts (or restarts, from the current envelope, without a jump) the voice. Realtime-safe.
    pub fn start(&mut self, note: Option<u8>, velocity: f32, order: u64) {
        if self.stage == VoiceStage::Idle {
            self.env = 0.0;
            self.gain = Ramp::flat(0.0);
            self.grain_countdown_samples = 0.0;
        }
        self.note = note;
        self.velocity = velocity;
        self.stage = VoiceStage::Attack;
        self.started_order = order;
        self.sustained = false;
        self.choke_release_samples = 0.0;
    }

    /// Moves to release (no effect when idle). Realtime-safe.
    pub fn release(&mut self) {
        if self.stage != VoiceStage::Idle {
            self.stage = VoiceStage::Release;
            self.sustained = false;
        }
    }

    /// Releases the voice over at most `release_samples` (60 dB down by then), whatever the release
    /// setting: all sound off and choke. No effect when idle. Realtime-safe.
    pub fn choke(&mut self, release_samples: f32) {
        if self.stage != VoiceStage::Idle {
            self.release();
            self.choke_release_samples = release_samples.max(1.0);
        }
    }

    /// Silences the voice at once (its grains must be handed over or ended by the caller). Realtime-safe.
    pub fn kill(&mut self) {
        *self = Self::default();
    }

    /// True in attack or sustain (key or pedal still holding it). Realtime-safe.
    pub fn is_gated(&self) -> bool {
        matches!(self.stage, VoiceStage::Attack | VoiceStage::Sustain)
    }

    /// True when the voice makes no sound and can be reused. Realtime-safe.
    pub fn is_idle(&self) -> bool {
        self.stage == VoiceStage::Idle
    }

    /// Advances the envelope by one control tick of `tick_samples` and sets the tick's gain ramp.
    /// Attack is linear over `attack_samples`; release falls exponentially by 60 dB over
    /// `release_samples`, then the voice goes idle. Realtime-safe.
    pub fn tick(&mut self, tick_samples: f32, attack_samples: f32, release_samples: f32) {
        match self.stage {
            VoiceStage::Idle => self.env = 0.0,
            VoiceStage::Attack => {
                self.env += tick_samples / attack_samples.max(1.0);
                if self.env >= 1.0 {
                    self.env = 1.0;
                    self.stage = VoiceStage::Sustain;
                }
            }
            VoiceStage::Sustain => self.env = 1.0,
            VoiceStage::Release => {
                let release_samples = if self.choke_release_samples > 0.0 {
                    release_samples.min(self.choke_release_samples)
                } else {
                    release_samples
                };
                self.env *= math::powf(RELEASE_FLOOR, tick_samples / release_samples.max(1.0));
                if self.env < RELEASE_FLOOR {
                    self.env = 0.0;
                    self.stage = VoiceStage::Idle;
                }
            }
        }
        self.gain.advance(self.env * self.velocity);
    }
}

/// Picks the voice to use for a new note among `voices`: an idle one if any, else the oldest released
/// one, else the oldest. Returns `None` only for an empty slice. Realtime-safe.
pub fn choose_voice(voices: &[NoteVoice]) -> Option<usize> {
    if let Some(i) = voices.iter().position(NoteVoice::is_idle) {
        return Some(i);
    }
    let oldest = |released: bool| {
        voices
            .iter()
            .enumerate()
            .filter(|(_, v)| !released || v.stage == VoiceStage::Release)
            .min_by_key(|(_, v)| v.started_order)
            .map(|(i, _)| i)
    };
    oldest(true).or_else(|| oldest(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attack_then_release_to_idle() {
        let mut v = NoteVoice::default();
        v.start(Some(60), 0.5, 1);
        v.tick(32.0, 64.0, 3200.0);
        assert_eq!(v.env, 0.5);
        v.tick(32.0, 64.0, 3200.0);
        assert_eq!((v.env, v.stage), (1.0, VoiceStage::Sustain));
        assert_eq!(v.gain, Ramp { from: 0.25, to: 0.5 });
        v.release();
        let mut ticks = 0;
        while !v.is_idle() {
            v.tick(32.0, 64.0, 3200.0);
            ticks += 1;
        }
        assert!((100..=101).contains(&ticks), "{ticks}");
        assert_eq!(v.gain.to, 0.0);
    }

    #[test]
    fn steals_oldest_released_then_oldest() {
        let mut voices = [NoteVoice::default(); 3];
        for (i, v) in voices.iter_mut().enumerate() {
            v.start(Some(60 + i as u8), 1.0, 10 - i as u64);
        }
        assert_eq!(choose_voice(&voices), Some(2));
        voices[0].release();
        voices[1].release();
        assert_eq!(choose_voice(&voices), Some(1));
        voices[1].kill();
        assert_eq!(choose_voice(&voices), Some(1));
        assert_eq!(choose_voice(&[]), None);
    }
}
