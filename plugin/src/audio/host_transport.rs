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
        Self {
            position_samples: if playing { transport.pos_samples() } else { None },
            position_beats: if playing { transport.pos_beats() } else { None },
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
        clap.playing = false;
        let stopped = HostTransport::from_host(&clap);
        assert_eq!((stopped.position_beats, stopped.tempo_bpm), (None, Some(120.0)));
    }
}
