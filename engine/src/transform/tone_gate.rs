//! A spectral tone gate: keeps the noise of a signal and pulls its tonal lines down to the noise
//! floor around them. Hiss cut from real drum takes carries the harmonics of the instruments
//! playing over the cymbals (strings and brass reach 6-10 kHz); in each STFT frame every bin that
//! stands more than `max_over_floor_db` above the noise floor of its neighbourhood is scaled down
//! to that level, so the cymbals' wash, the hats and the room stay and the notes go (in the spirit
//! of Fitzgerald's median-filter harmonic/percussive split, along frequency only). The floor is
//! the neighbourhood's geometric mean (a running sum of log-magnitudes, so each bin costs one
//! logarithm): like a median it barely moves for a few strong lines among many noise bins, and
//! it costs a tenth of one.

use crate::rt::math;
use realfft::num_complex::Complex;
use realfft::RealFftPlanner;
use crate::rt::db::db_to_amplitude;

/// STFT size, samples (46 ms at 44.1 kHz: fine enough to resolve harmonics 100 Hz apart).
const FFT_SIZE: usize = 2048;
/// Hop, samples: a quarter frame, so sqrt-Hann analysis and synthesis windows overlap-add to a
/// constant.
const HOP: usize = FFT_SIZE / 4;
/// Neighbourhood of the median noise floor, bins each side (32 bins = 690 Hz at 44.1 kHz: wider
/// than a harmonic's main lobe, narrower than the band's tilt).
const FLOOR_HALF_WIDTH: usize = 32;

/// Gates the tonal lines of `x` in place (see the module docs); `max_over_floor_db` <= 0 leaves it
/// as it is. The output has the input's length and timing. Not realtime-safe: allocates.
pub fn gate_tones(x: &mut [f32], max_over_floor_db: f32) {
    if max_over_floor_db <= 0.0 || x.len() < FFT_SIZE {
        return;
    }
    let max_ratio = db_to_amplitude(max_over_floor_db);
    let mut planner = RealFftPlanner::<f32>::new();
    let forward = planner.plan_fft_forward(FFT_SIZE);
    let inverse = planner.plan_fft_inverse(FFT_SIZE);
    // sqrt-Hann (periodic) for both windows: their product, a Hann, sums to 2 at a quarter-frame hop.
    let window: Vec<f32> =
        (0..FFT_SIZE).map(|i| (0.5 - 0.5 * math::cos(std::f32::consts::TAU * i as f32 / FFT_SIZE as f32)).sqrt()).collect();
    let overlap_gain = 2.0;
    // Pad a frame on each side so every sample is covered by four frames.
    let padded_len = x.len() + 2 * FFT_SIZE;
    let mut input = vec![0.0f32; padded_len];
    input[FFT_SIZE..FFT_SIZE + x.len()].copy_from_slice(x);
    let mut output = vec![0.0f32; padded_len];
    let mut frame = forward.make_input_vec();
    let mut spectrum = forward.make_output_vec();
    let ln_max_ratio = math::ln(max_ratio);
    let mut log_magnitudes = vec![0.0f32; spectrum.len()];
    let mut log_prefix = vec![0.0f32; spectrum.len() + 1];
    let scale = 1.0 / (FFT_SIZE as f32 * overlap_gain);
    let mut start = 0;
    while start + FFT_SIZE <= padded_len {
        for ((f, &s), &w) in frame.iter_mut().zip(&input[start..start + FFT_SIZE]).zip(&window) {
            *f = s * w;
        }
        if forward.process(&mut frame, &mut spectrum).is_err() {
            return;
        }
        // ln |X|, from the power (one logarithm, no square root).
        for (k, (l, c)) in log_magnitudes.iter_mut().zip(&spectrum).enumerate() {
            *l = 0.5 * math::ln(c.norm_sqr() + 1e-30);
            log_prefix[k + 1] = log_prefix[k] + *l;
        }
        let num_bins = log_magnitudes.len();
        for (k, c) in spectrum.iter_mut().enumerate() {
            let lo = k.saturating_sub(FLOOR_HALF_WIDTH);
            let hi = (k + FLOOR_HALF_WIDTH + 1).min(num_bins);
            let log_floor = (log_prefix[hi] - log_prefix[lo]) / (hi - lo) as f32;
            let over = log_magnitudes[k] - log_floor - ln_max_ratio;
            if over > 0.0 {
                *c *= math::exp(-over);
            }
        }
        // The DC and Nyquist bins of a real signal's spectrum are real.
        spectrum[0] = Complex::new(spectrum[0].re, 0.0);
        let last = spectrum.len() - 1;
        spectrum[last] = Complex::new(spectrum[last].re, 0.0);
        if inverse.process(&mut spectrum, &mut frame).is_err() {
            return;
        }
        for ((o, &f), &w) in output[start..start + FFT_SIZE].iter_mut().zip(&frame).zip(&window) {
            *o += f * w * scale;
        }
        start += HOP;
    }
    x.copy_from_slice(&output[FFT_SIZE..FFT_SIZE + x.len()]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noise(len: usize, seed: u64) -> Vec<f32> {
        let mut rng = crate::rt::RngStream::new(seed, 1);
        (0..len).map(|_| rng.uniform() * 2.0 - 1.0).collect()
    }

    /// Power of `x` at `hz` (a single-bin DFT over the middle of the signal), and of the whole signal.
    fn tone_power(x: &[f32], hz: f32, sr: f32) -> f32 {
        let n = 32_768;
        let mid = &x[(x.len() - n) / 2..][..n];
        let (mut re, mut im) = (0.0f64, 0.0f64);
        for (i, &v) in mid.iter().enumerate() {
            let w = 0.5 - 0.5 * math::cos(std::f64::consts::TAU * i as f64 / n as f64);
            let ph = std::f64::consts::TAU * f64::from(hz) * i as f64 / f64::from(sr);
            re += f64::from(v) * w * math::cos(ph);
            im += f64::from(v) * w * math::sin(ph);
        }
        ((re * re + im * im) / (n as f64 * n as f64)) as f32
    }

    #[test]
    fn tones_drop_to_the_noise_and_the_noise_stays() {
        let sr = 44_100.0;
        let len = 88_200;
        let base = noise(len, 3);
        let tones = [6_500.0f32, 8_210.0, 11_000.0];
        let mixed: Vec<f32> = base
            .iter()
            .enumerate()
            .map(|(i, &n)| 0.1 * n + tones.iter().map(|&f| 0.2 * math::sin(std::f32::consts::TAU * f * i as f32 / sr)).sum::<f32>())
            .collect();
        let mut gated = mixed.clone();
        gate_tones(&mut gated, 6.0);
        for &f in &tones {
            let (before, after) = (tone_power(&mixed, f, sr), tone_power(&gated, f, sr));
            let drop_db = 10.0 * math::log10(before / after);
            assert!(drop_db > 20.0, "{f} Hz dropped by only {drop_db:.1} dB");
        }
        // Noise alone passes almost untouched (a few bins of every frame stand 6 dB over the median).
        let mut only_noise = base.clone();
        gate_tones(&mut only_noise, 6.0);
        let rms = |x: &[f32]| (x.iter().map(|v| v * v).sum::<f32>() / x.len() as f32).sqrt();
        let kept_db = 20.0 * math::log10(rms(&only_noise) / rms(&base));
        assert!(kept_db > -1.0, "noise lost {kept_db:.2} dB");
        // Off, it is the identity.
        let mut untouched = mixed.clone();
        gate_tones(&mut untouched, 0.0);
        assert_eq!(untouched, mixed);
    }

    #[test]
    fn with_nothing_to_gate_the_signal_comes_back_whole() {
        // A gate far above any bin: the STFT round trip alone, which must reconstruct the input.
        let x = noise(20_000, 5);
        let mut y = x.clone();
        gate_tones(&mut y, 200.0);
        let err = x.iter().zip(&y).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
        assert!(err < 1e-4, "reconstruction error {err}");
    }
}
