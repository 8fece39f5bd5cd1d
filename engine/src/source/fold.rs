//! Channel folding: 1 and 2 channels pass through, 3 to 8 channels fold to stereo with an
//! ITU-R BS.775-style downmix matrix.
//!
//! Matrix, per input channel position (gains to left, right):
//!
//! | position | left | right |
//! |---|---|---|
//! | front left (also front left-of-centre, front left wide) | 1 | 0 |
//! | front right (also front right-of-centre, front right wide) | 0 | 1 |
//! | any centre (front, rear, top, bottom centre) | -3 dB | -3 dB |
//! | left surrounds (rear, side, top and bottom left) | -3 dB | 0 |
//! | right surrounds (rear, side, top and bottom right) | 0 | -3 dB |
//! | LFE 1 and 2 | dropped | dropped |
//!
//! Channel order: when the container names positions (a WAVE_FORMAT_EXTENSIBLE mask, FLAC,
//! Vorbis), the planes are in position order as the decoder reports them. When it only gives a
//! count (plain WAV, AIFF with more than 3 channels), the WAVE order is assumed:
//! FL, FR, FC, LFE, RL, RR, FLC, FRC (so 6 channels are 5.1 as FL FR FC LFE RL RR).
//!
//! The sum can exceed full scale; the decoder scales the whole source down afterwards when it
//! does, and says so in the provenance warnings.

use symphonia::core::audio::{Channels, Position};

/// -3 dB, the gain of centre and surround channels in the fold.
pub const FOLD_SIDE_GAIN: f32 = std::f32::consts::FRAC_1_SQRT_2;

/// How the decoded planes of one stream become the engine's one or two channels.
#[derive(Debug, Clone)]
pub struct ChannelFold {
    /// Per input plane, gains into (left, right). Empty for pass-through.
    gains: Vec<[f32; 2]>,
    num_inputs: usize,
}

impl ChannelFold {
    /// The fold for a stream with `channels`. Not realtime-safe: allocates.
    pub fn new(channels: &Channels) -> Self {
        let num_inputs = channels.count();
        let positions: Vec<Position> = match channels {
            Channels::Positioned(mask) => mask.iter().collect(),
            _ => Position::from_count(num_inputs as u32)
                .map(|mask| mask.iter().collect())
                .unwrap_or_default(),
        };
        let gains = if num_inputs <= 2 || positions.len() != num_inputs {
            Vec::new()
        } else {
            positions.into_iter().map(position_gains).collect()
        };
        Self { gains, num_inputs }
    }

    /// Number of channels the stream has before folding.
    pub fn num_inputs(&self) -> usize {
        self.num_inputs
    }

    /// Number of channels after folding: 1 for mono, otherwise 2.
    pub fn num_outputs(&self) -> usize {
        if self.num_inputs == 1 { 1 } else { 2 }
    }

    /// Whether the fold actually mixes (3 or more input channels).
    pub fn is_downmix(&self) -> bool {
        self.num_inputs > 2
    }

    /// Folds `planes` (one slice per input channel, equal lengths) into `out`, which is
    /// resized to [`Self::num_outputs`] channels of the same length. Not realtime-safe: allocates.
    pub fn fold(&self, planes: &[Vec<f32>], out: &mut Vec<Vec<f32>>) {
        let num_frames = planes.first().map_or(0, Vec::len);
        out.resize_with(self.num_outputs(), Vec::new);
        if !self.is_downmix() {
            for (dst, src) in out.iter_mut().zip(planes) {
                dst.clear();
                dst.extend_from_slice(src);
            }
            return;
        }
        for dst in out.iter_mut() {
            dst.clear();
            dst.resize(num_frames, 0.0);
        }
        let (left, right) = out.split_at_mut(1);
        for (plane, [gain_l, gain_r]) in planes.iter().zip(&self.gains) {
            if *gain_l != 0.0 {
                left[0].iter_mut().zip(plane).for_each(|(o, x)| *o += gain_l * x);
            }
            if *gain_r != 0.0 {
                right[0].iter_mut().zip(plane).for_each(|(o, x)| *o += gain_r * x);
            }
        }
    }
}

/// (left, right) gains of one speaker position; see the module table.
fn position_gains(position: Position) -> [f32; 2] {
    const LEFT_MAIN: Position = Position::FRONT_LEFT
        .union(Position::FRONT_LEFT_CENTER)
        .union(Position::FRONT_LEFT_WIDE);
    const RIGHT_MAIN: Position = Position::FRONT_RIGHT
        .union(Position::FRONT_RIGHT_CENTER)
        .union(Position::FRONT_RIGHT_WIDE);
    const CENTRES: Position = Position::FRONT_CENTER
        .union(Position::REAR_CENTER)
        .union(Position::TOP_CENTER)
        .union(Position::TOP_FRONT_CENTER)
        .union(Position::TOP_REAR_CENTER)
        .union(Position::BOTTOM_FRONT_CENTER);
    const LEFT_SURROUNDS: Position = Position::REAR_LEFT
        .union(Position::SIDE_LEFT)
        .union(Position::TOP_FRONT_LEFT)
        .union(Position::TOP_REAR_LEFT)
        .union(Position::TOP_SIDE_LEFT)
        .union(Position::BOTTOM_FRONT_LEFT);
    const RIGHT_SURROUNDS: Position = Position::REAR_RIGHT
        .union(Position::SIDE_RIGHT)
        .union(Position::TOP_FRONT_RIGHT)
        .union(Position::TOP_REAR_RIGHT)
        .union(Position::TOP_SIDE_RIGHT)
        .union(Position::BOTTOM_FRONT_RIGHT);
    if LEFT_MAIN.contains(position) {
        [1.0, 0.0]
    } else if RIGHT_MAIN.contains(position) {
        [0.0, 1.0]
    } else if CENTRES.contains(position) {
        [FOLD_SIDE_GAIN, FOLD_SIDE_GAIN]
    } else if LEFT_SURROUNDS.contains(position) {
        [FOLD_SIDE_GAIN, 0.0]
    } else if RIGHT_SURROUNDS.contains(position) {
        [0.0, FOLD_SIDE_GAIN]
    } else {
        // LFE channels, and positions with no left/right meaning, are dropped.
        [0.0, 0.0]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fold_unit_impulses(channels: &Channels) -> Vec<Vec<f32>> {
        let fold = ChannelFold::new(channels);
        let n = channels.count();
        // Plane k carries a single 1.0 at frame k, so output frame k shows plane k's gains.
        let planes: Vec<Vec<f32>> =
            (0..n).map(|k| (0..n).map(|i| if i == k { 1.0 } else { 0.0 }).collect()).collect();
        let mut out = Vec::new();
        fold.fold(&planes, &mut out);
        out
    }

    #[test]
    fn six_discrete_channels_fold_as_5_1_in_wave_order() {
        let out = fold_unit_impulses(&Channels::Discrete(6));
        let g = FOLD_SIDE_GAIN;
        assert_eq!(out[0], vec![1.0, 0.0, g, 0.0, g, 0.0]);
        assert_eq!(out[1], vec![0.0, 1.0, g, 0.0, 0.0, g]);
    }

    #[test]
    fn positioned_mask_uses_side_channels() {
        let mask = Position::FRONT_LEFT
            | Position::FRONT_RIGHT
            | Position::FRONT_CENTER
            | Position::LFE1
            | Position::SIDE_LEFT
            | Position::SIDE_RIGHT;
        let out = fold_unit_impulses(&Channels::Positioned(mask));
        let g = FOLD_SIDE_GAIN;
        assert_eq!(out[0], vec![1.0, 0.0, g, 0.0, g, 0.0]);
        assert_eq!(out[1], vec![0.0, 1.0, g, 0.0, 0.0, g]);
    }

    #[test]
    fn mono_and_stereo_pass_through() {
        let mono = ChannelFold::new(&Channels::Discrete(1));
        assert_eq!(mono.num_outputs(), 1);
        let stereo = ChannelFold::new(&Channels::Discrete(2));
        let mut out = Vec::new();
        stereo.fold(&[vec![0.5, 0.25], vec![-0.5, 1.0]], &mut out);
        assert_eq!(out, vec![vec![0.5, 0.25], vec![-0.5, 1.0]]);
    }
}
