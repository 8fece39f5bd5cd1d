//! Decibels: linear amplitude to dB (20 log10) and back, and the level reported for silence.
//! Plain arithmetic, realtime-safe; shared by the audio thread and the background folders.

use crate::rt::math;

/// Level reported for silence, dB.
pub const SILENCE_DB: f32 = -120.0;

/// A linear amplitude in dB (20 log10), floored at [`SILENCE_DB`]. Realtime-safe.
pub fn amplitude_to_db(amplitude: f32) -> f32 {
    if amplitude > 0.0 {
        (20.0 * math::log10(amplitude)).max(SILENCE_DB)
    } else {
        SILENCE_DB
    }
}

/// A level in dB as a linear amplitude. Realtime-safe.
pub fn db_to_amplitude(db: f32) -> f32 {
    math::powf(10f32, db / 20.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn db_round_trip_and_floor() {
        assert!((amplitude_to_db(0.5) + 6.0206).abs() < 1e-3);
        assert!((db_to_amplitude(-6.0206) - 0.5).abs() < 1e-4);
        assert_eq!(amplitude_to_db(0.0), SILENCE_DB);
        assert_eq!(amplitude_to_db(1e-9), SILENCE_DB);
    }
}
