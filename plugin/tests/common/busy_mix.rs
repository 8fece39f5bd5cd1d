//! A busy mix for the layer tests: steady chords with a drum loop all through, so the pad miner
//! finds nothing in the mix and its pads in the harmonic layer.

use std::path::Path;

/// The mix's sample rate, Hz (the engine's: nothing resamples).
pub const BUSY_MIX_RATE_HZ: u32 = 44_100;
/// Seconds of each chord of [`write_busy_mix`].
pub const BUSY_CHORD_SEC: usize = 10;

/// A steady chord: each MIDI note with three harmonics (1, 1/2, 1/3) and a little seeded noise
/// (steady on purpose: `fixtures::chord_pad`'s vibrato lets the pitch drift, see `tests/mining.rs`).
pub fn steady_chord(notes: &[f64], num_frames: usize, seed: u64) -> Vec<f32> {
    let mut mix = fixtures::white_noise(0.002, num_frames, seed);
    for &note in notes {
        let f0 = fixtures::midi_to_hz(note);
        for harmonic in 1..=3 {
            let partial = fixtures::sine(f0 * f64::from(harmonic), 0.12 / harmonic as f32, num_frames, BUSY_MIX_RATE_HZ);
            mix.iter_mut().zip(&partial).for_each(|(m, p)| *m += p);
        }
    }
    mix
}

/// A busy mix as a 16-bit stereo WAV at 44.1 kHz: chords of [`BUSY_CHORD_SEC`] each (A minor,
/// F major, G major, C major) with a drum loop (kick, snare, hats at 100 BPM) all through, at the
/// level of the chords. The mix fails the pad miner's busy and percussive gates everywhere; its
/// harmonic layer holds the chords.
pub fn write_busy_mix(path: &Path) {
    let per_chord = BUSY_CHORD_SEC * BUSY_MIX_RATE_HZ as usize;
    let chords: [&[f64]; 4] = [&[57.0, 60.0, 64.0], &[53.0, 57.0, 60.0], &[55.0, 59.0, 62.0], &[48.0, 55.0, 64.0]];
    let music: Vec<f32> = chords.iter().enumerate().flat_map(|(i, notes)| steady_chord(notes, per_chord, i as u64)).collect();
    let drums = fixtures::drum_loop(100.0, 0.8, music.len(), BUSY_MIX_RATE_HZ, 9);
    let left: Vec<f32> = music.iter().zip(&drums).map(|(m, d)| m + d).collect();
    let right: Vec<f32> = music.iter().zip(&drums).map(|(m, d)| 0.9 * m + d).collect();
    fixtures::wav::write_wav(path, &[&left, &right], BUSY_MIX_RATE_HZ, fixtures::wav::WavFormat::PCM16);
}
