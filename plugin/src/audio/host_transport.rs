//! The host's transport for one block as the engine needs it at every sub-block: the song position
//! in samples (seeds a sound from silence) and in beats, and the tempo (synced grains, scan and
//! tremolo).
//!
//! Both formats reach us through nice-plug's `Transport`, filled differently: the CLAP wrapper sets
//! `tempo`, `pos_beats` (from `song_pos_beats`) and `pos_seconds`, never `pos_samples`; the VST3
//! wrapper sets `tempo`, `pos_samples` (`projectTimeSamples`) and `pos_beats`
//! (`projectTimeMusic`). Reading only the raw fields would lose the CLAP song position in samples
//! or a VST3 host's beats when it sends no musical time; so both are read through the accessors
//! (`pos_samples()`, `pos_beats()`), which derive one from the other. Both wrappers shift the
//! positions to the start of the block nice-plug hands us when it splits a host block at a
//! parameter change. A stopped host: no position (the grid runs free), but its tempo still counts.
//!
//! Hosts round their musical position: Ardour 7 gives VST3 `projectTimeMusic` in ticks of 1/1920
//! beat (12.5 samples at 120 BPM and 48 kHz), so a grid read from it alone wobbles by up to six
//! samples. The time position (samples or seconds) is exact. So when the host's beat agrees with
//! its time at the current tempo (to [`SAME_BEAT_TOLERANCE`]), the song has run at this tempo from
//! its start and the beat is taken from the time, sample-exact; otherwise (a tempo change earlier
//! in the song) the host's beat is taken as it is.

/// Largest gap between the host's beat and the beat its time gives at the current tempo that is
/// still the host's rounding, not an earlier tempo change (beats).
pub const SAME_BEAT_TOLERANCE: f64 = 0.01;

use engine::texture::Transport;

/// Where the song stands at a block's first frame.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct HostTransport {
    /// Song position in samples, while playing.
    pub position_samples: Option<i64>,
    /// Song position in quarter notes, while playing.
    pub position_beats: Option<f64>,
    /// The host's tempo, playing or not.
    pub tempo_bpm: Option<f64>,
    /// The block's sample rate, Hz.
    pub sample_rate_hz: f64,
}

impl HostTransport {
    /// From nice-plug's transport of this block. Realtime-safe.
    pub fn from_host(transport: &nice_plug::prelude::Transport) -> Self {
        let playing = transport.playing;
        let beats = transport.pos_beats();
        let from_time = match (transport.pos_seconds(), transport.tempo) {
            (Some(seconds), Some(tempo)) => Some(seconds * tempo / 60.0),
            _ => None,
        };
        let position_beats = match (beats, from_time) {
            (Some(b), Some(t)) if (b - t).abs() <= SAME_BEAT_TOLERANCE => Some(t),
            (b, t) => b.or(t),
        };
        Self {
            position_samples: if playing { transport.pos_samples() } else { None },
            position_beats: if playing { position_beats } else { None },
            tempo_bpm: transport.tempo,
            sample_rate_hz: f64::from(transport.sample_rate),
        }
    }

    /// No transport at all (an offline host, or a test without one). Realtime-safe.
    pub fn none() -> Self {
        Self::default()
    }

    /// Song position in samples `offset` frames into the block. Realtime-safe.
    pub fn samples_at(&self, offset: usize) -> Option<i64> {
        self.position_samples.map(|p| p + offset as i64)
    }

    /// The engine's transport `offset` frames into the block: the beat there at the block's
    /// tempo. Realtime-safe.
    pub fn at(&self, offset: usize) -> Transport {
        let tempo_bpm = self.tempo_bpm.filter(|t| t.is_finite() && *t > 0.0);
        let beats_per_frame = match (tempo_bpm, self.sample_rate_hz > 0.0) {
            (Some(t), true) => t / 60.0 / self.sample_rate_hz,
            // Without a tempo the engine assumes 120 BPM; the beat moves at that rate too.
            (None, true) => engine::texture::transport::DEFAULT_TEMPO_BPM / 60.0 / self.sample_rate_hz,
            _ => 0.0,
        };
        Transport { tempo_bpm, beat_position: self.position_beats.map(|b| b + offset as f64 * beats_per_frame) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_beat_moves_on_through_the_block_at_its_tempo() {
        let t = HostTransport { position_samples: Some(1000), position_beats: Some(8.0), tempo_bpm: Some(90.0), sample_rate_hz: 48_000.0 };
        assert_eq!(t.samples_at(64), Some(1064));
        let at = t.at(32_000);
        assert_eq!(at.tempo_bpm, Some(90.0));
        assert!((at.beat_position.unwrap() - 9.0).abs() < 1e-12);
        let stopped = HostTransport { position_samples: None, position_beats: None, ..t };
        assert_eq!(stopped.at(100), Transport { tempo_bpm: Some(90.0), beat_position: None });
        assert_eq!(HostTransport::none().at(0), Transport::default());
    }

    #[test]
    fn clap_and_vst3_style_transports_give_the_same_positions() {
        // CLAP: beats and seconds; VST3: samples and beats. The same moment in either.
        let mut clap = nice_plug::prelude::Transport::new(48_000.0);
        clap.playing = true;
        clap.tempo = Some(120.0);
        clap.pos_beats = Some(4.0);
        clap.pos_seconds = Some(2.0);
        let mut vst3 = nice_plug::prelude::Transport::new(48_000.0);
        vst3.playing = true;
        vst3.tempo = Some(120.0);
        vst3.pos_samples = Some(96_000);
        let (a, b) = (HostTransport::from_host(&clap), HostTransport::from_host(&vst3));
        assert_eq!((a.position_samples, b.position_samples), (Some(96_000), Some(96_000)));
        assert_eq!((a.position_beats, b.position_beats), (Some(4.0), Some(4.0)));
        // Ardour's VST3 musical position, rounded to 1/1920 beat: the exact beat comes from the time.
        vst3.pos_samples = Some(96_000 + 7);
        vst3.pos_beats = Some(((4.0 + 7.0 / 24_000.0) * 1920.0f64).round() / 1920.0);
        let rounded = HostTransport::from_host(&vst3);
        assert_eq!(rounded.position_beats, Some((96_000.0 + 7.0) / 24_000.0));
        // After a tempo change earlier in the song the beat and the time part ways: the beat counts.
        vst3.pos_beats = Some(7.5);
        assert_eq!(HostTransport::from_host(&vst3).position_beats, Some(7.5));
        clap.playing = false;
        let stopped = HostTransport::from_host(&clap);
        assert_eq!((stopped.position_beats, stopped.tempo_bpm), (None, Some(120.0)));
    }
}
