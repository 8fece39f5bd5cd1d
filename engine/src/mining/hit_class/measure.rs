//! Measuring one hit: Hann-windowed FFTs of what the hit adds to the bed it rides on, reduced to the
//! measures of [`HitFeatures`].

use crate::rt::math;
use super::features::{ratio_db, HitFeatures, NUM_OCTAVES};
use realfft::num_complex::Complex;
use realfft::RealFftPlanner;

/// FFT length of the classifier, samples.
pub const HIT_FFT_SIZE: usize = 4096;
/// Low band upper edge, Hz.
const LOW_HZ: f32 = 150.0;
/// Low-mid band upper edge, Hz.
const LOW_MID_HZ: f32 = 800.0;
/// Mid band upper edge, Hz.
const MID_HZ: f32 = 4000.0;
/// Flatness range, Hz.
const FLAT_MIN_HZ: f32 = 150.0;
const FLAT_MAX_HZ: f32 = 12_000.0;
/// Lower edge of the "air" measured by [`HitFeatures::air_ratio_db`], Hz.
const AIR_HZ: f32 = 3000.0;
/// Mid flatness range ([`HitFeatures::mid_flatness`]), Hz.
const MID_FLAT_MIN_HZ: f32 = 1000.0;
const MID_FLAT_MAX_HZ: f32 = 4000.0;
/// Noise flatness range ([`HitFeatures::noise_flatness`]), Hz.
const NOISE_FLAT_MIN_HZ: f32 = 500.0;
const NOISE_FLAT_MAX_HZ: f32 = 8000.0;
/// Range of the drum's fundamental ([`HitFeatures::low_pitch_hz`]), Hz.
const PITCH_MIN_HZ: f32 = 30.0;
const PITCH_MAX_HZ: f32 = 400.0;
/// Range of [`HitFeatures::low_peak_share`], Hz.
const LOW_PEAK_MIN_HZ: f32 = 20.0;
const LOW_PEAK_MAX_HZ: f32 = 1000.0;
/// Bins counted by [`HitFeatures::peak_share`].
const NUM_PEAK_BINS: usize = 10;
/// Bins counted by [`HitFeatures::low_peak_share`].
const NUM_LOW_PEAK_BINS: usize = 5;
/// Lower edge of the first octave band of [`HitFeatures::octave_db`], Hz.
const FIRST_OCTAVE_HZ: f32 = 20.0;
/// Start of the later window ([`HitFeatures::late_low_pitch_hz`]) after the attack, samples.
const LATE_OFFSET: usize = HIT_FFT_SIZE / 2;
/// Least share of a band's power, as a floor for its dB value.
const MIN_SHARE_DB: f32 = -60.0;

/// Measures hits; keeps its FFT plan and scratch. Not realtime-safe: allocates.
pub struct HitAnalyzer {
    fft: std::sync::Arc<dyn realfft::RealToComplex<f32>>,
    input: Vec<f32>,
    spectrum: Vec<Complex<f32>>,
    scratch: Vec<Complex<f32>>,
    window: Vec<f32>,
    /// Power of the bed before the attack, per bin.
    bed: Vec<f32>,
    /// Power the hit adds, per bin.
    hit: Vec<f32>,
    /// Power the hit adds in the later window, per bin.
    late: Vec<f32>,
    /// Scratch for the strongest-bin shares.
    in_range: Vec<f32>,
}

impl Default for HitAnalyzer {
    fn default() -> Self {
        Self::new()
    }
}

impl HitAnalyzer {
    pub fn new() -> Self {
        let fft = RealFftPlanner::<f32>::new().plan_fft_forward(HIT_FFT_SIZE);
        let window = (0..HIT_FFT_SIZE)
            .map(|i| 0.5 - 0.5 * math::cos(std::f32::consts::TAU * i as f32 / HIT_FFT_SIZE as f32))
            .collect();
        Self {
            input: fft.make_input_vec(),
            spectrum: fft.make_output_vec(),
            scratch: fft.make_scratch_vec(),
            bed: vec![0.0; HIT_FFT_SIZE / 2 + 1],
            hit: vec![0.0; HIT_FFT_SIZE / 2 + 1],
            late: vec![0.0; HIT_FFT_SIZE / 2 + 1],
            in_range: Vec::with_capacity(HIT_FFT_SIZE / 2 + 1),
            fft,
            window,
        }
    }

    /// Power spectrum of `mono[from..]` (zeros past its end) under `window(i)`, into `self.spectrum`.
    fn transform(&mut self, mono: &[f32], from: usize, upto: usize, window: impl Fn(&[f32], usize) -> f32) {
        for (i, x) in self.input.iter_mut().enumerate() {
            let at = from + i;
            *x = if at < upto { mono.get(at).copied().unwrap_or(0.0) * window(&self.window, i) } else { 0.0 };
        }
        // Lengths match the plan, so the transform cannot fail.
        let _ = self.fft.process_with_scratch(&mut self.input, &mut self.spectrum, &mut self.scratch);
    }

    /// Shape of the mono hit `mono` whose attack is at `attack` and peak at `peak_at` (indices into
    /// `mono`), at `sample_rate_hz`.
    pub fn features(&mut self, mono: &[f32], attack: usize, peak_at: usize, sample_rate_hz: u32) -> HitFeatures {
        // The bed: a full Hann window over the samples just before the attack.
        self.transform(mono, attack.saturating_sub(HIT_FFT_SIZE), attack, |w, i| w[i]);
        for (b, c) in self.bed.iter_mut().zip(&self.spectrum) {
            *b = c.norm_sqr();
        }
        // The hit: from the attack on, so the onset sits at the start of the analysis. The window's
        // left half would hide the attack: its right half only, stretched.
        let from = attack.min(mono.len());
        self.transform(mono, from, usize::MAX, |w, i| w[HIT_FFT_SIZE / 2 + i / 2]);
        for ((h, c), b) in self.hit.iter_mut().zip(&self.spectrum).zip(&self.bed) {
            *h = (c.norm_sqr() - b).max(0.0);
        }
        self.hit[0] = 0.0;
        let bin_hz = sample_rate_hz as f32 / HIT_FFT_SIZE as f32;
        let hit = &self.hit;
        let sum = |lo: f32, hi: f32| -> f64 { bins(lo, hi, bin_hz, hit.len()).map(|k| f64::from(hit[k])).sum() };
        let total = sum(0.0, f32::MAX).max(1e-20);
        let air = sum(AIR_HZ, f32::MAX);
        let bands = [sum(0.0, LOW_HZ), sum(LOW_HZ, LOW_MID_HZ), sum(LOW_MID_HZ, MID_HZ), sum(MID_HZ, f32::MAX)];
        let weighted: f64 = hit.iter().enumerate().map(|(k, &p)| f64::from(p) * k as f64 * f64::from(bin_hz)).sum();
        let mut octave_db = [MIN_SHARE_DB; NUM_OCTAVES];
        for (n, o) in octave_db.iter_mut().enumerate() {
            let lo = FIRST_OCTAVE_HZ * (1u32 << n) as f32;
            let hi = if n + 1 == NUM_OCTAVES { f32::MAX } else { 2.0 * lo };
            *o = share_db(sum(lo, hi), total);
        }
        let peak_share = strongest_share(&mut self.in_range, hit, bins(FLAT_MIN_HZ, FLAT_MAX_HZ, bin_hz, hit.len()), NUM_PEAK_BINS);
        let low_peak_share =
            strongest_share(&mut self.in_range, hit, bins(LOW_PEAK_MIN_HZ, LOW_PEAK_MAX_HZ, bin_hz, hit.len()), NUM_LOW_PEAK_BINS);
        let flatness = flatness_of(hit, bins(FLAT_MIN_HZ, FLAT_MAX_HZ, bin_hz, hit.len()));
        let high_flatness = flatness_of(hit, bins(MID_HZ, FLAT_MAX_HZ, bin_hz, hit.len()));
        let mid_flatness = flatness_of(hit, bins(MID_FLAT_MIN_HZ, MID_FLAT_MAX_HZ, bin_hz, hit.len()));
        let noise_flatness = flatness_of(hit, bins(NOISE_FLAT_MIN_HZ, NOISE_FLAT_MAX_HZ, bin_hz, hit.len()));
        let low_pitch_hz = centroid_hz(hit, bins(PITCH_MIN_HZ, PITCH_MAX_HZ, bin_hz, hit.len()), bin_hz);
        let low_power = sum(PITCH_MIN_HZ, PITCH_MAX_HZ);
        // The later window: a full Hann window from `LATE_OFFSET` after the attack (about 46-139 ms
        // at 44.1 kHz), where a kick's pitch has fallen and a tom's still rings.
        self.transform(mono, from + LATE_OFFSET, usize::MAX, |w, i| w[i]);
        for ((l, c), b) in self.late.iter_mut().zip(&self.spectrum).zip(&self.bed) {
            *l = (c.norm_sqr() - b).max(0.0);
        }
        let late_range = bins(PITCH_MIN_HZ, PITCH_MAX_HZ, bin_hz, self.late.len());
        let late_low_power: f64 = self.late[late_range.clone()].iter().map(|&p| f64::from(p)).sum();
        // With nothing left to measure the pitch has not moved.
        let late_low_pitch_hz =
            if late_low_power > 1e-6 * low_power.max(1e-20) { centroid_hz(&self.late, late_range, bin_hz) } else { low_pitch_hz };
        HitFeatures {
            bands: bands.map(|b| (b / total) as f32),
            centroid_hz: (weighted / total) as f32,
            flatness,
            decay_ms: decay_ms(mono, peak_at, sample_rate_hz),
            high_flatness,
            air_ratio_db: ratio_db(air, total - air),
            peak_share,
            mid_flatness,
            octave_db,
            noise_flatness,
            low_pitch_hz,
            late_low_pitch_hz,
            low_peak_share,
        }
    }
}

/// The bins from `lo_hz` (inclusive) to `hi_hz` (exclusive), bin 0 left out.
fn bins(lo_hz: f32, hi_hz: f32, bin_hz: f32, len: usize) -> std::ops::Range<usize> {
    let first = ((lo_hz / bin_hz).ceil() as usize).max(1);
    let end = if hi_hz >= f32::MAX { len } else { ((hi_hz / bin_hz).ceil() as usize).min(len) };
    first.min(end)..end
}

/// Spectral flatness of `p` over `range` (geometric over arithmetic mean of the power), 0..1.
fn flatness_of(p: &[f32], range: std::ops::Range<usize>) -> f32 {
    let n = range.len();
    let (log_sum, lin_sum) = p[range].iter().fold((0.0f64, 0.0f64), |(l, s), &x| (l + math::ln(f64::from(x) + 1e-20), s + f64::from(x)));
    if n > 0 && lin_sum > 1e-18 { (math::exp(log_sum / n as f64) / (lin_sum / n as f64)) as f32 } else { 0.0 }
}

/// Power-weighted mean frequency of `p` over `range`, Hz (the range's lower edge when it is silent).
fn centroid_hz(p: &[f32], range: std::ops::Range<usize>, bin_hz: f32) -> f32 {
    let first = range.start;
    let (weighted, sum) = p[range].iter().enumerate().fold((0.0f64, 0.0f64), |(w, s), (i, &x)| (w + f64::from(x) * (first + i) as f64, s + f64::from(x)));
    if sum > 1e-20 { (weighted / sum) as f32 * bin_hz } else { first as f32 * bin_hz }
}

/// Share of the power of `p` over `range` held by its `count` strongest bins, 0..1.
fn strongest_share(scratch: &mut Vec<f32>, p: &[f32], range: std::ops::Range<usize>, count: usize) -> f32 {
    scratch.clear();
    scratch.extend_from_slice(&p[range]);
    let total: f64 = scratch.iter().map(|&x| f64::from(x)).sum();
    if total <= 1e-18 || scratch.len() <= count {
        return 0.0;
    }
    // Strongest first: the `count - 1` before the last counted one, and that one.
    let (stronger, last, _) = scratch.select_nth_unstable_by(count - 1, |a, b| b.total_cmp(a));
    let top = stronger.iter().map(|&x| f64::from(x)).sum::<f64>() + f64::from(*last);
    (top / total).min(1.0) as f32
}

/// `10 log10(part / total)`, at least `MIN_SHARE_DB`.
fn share_db(part: f64, total: f64) -> f32 {
    ((10.0 * math::log10(part.max(1e-30) / total.max(1e-30))) as f32).max(MIN_SHARE_DB)
}


/// Milliseconds from `peak_at` until the 10 ms RMS first falls 20 dB below the RMS at the peak.
fn decay_ms(mono: &[f32], peak_at: usize, sample_rate_hz: u32) -> f32 {
    let block = (sample_rate_hz as usize / 100).max(1);
    let rms = |from: usize| {
        let end = (from + block).min(mono.len());
        if end <= from {
            return 0.0;
        }
        (mono[from..end].iter().map(|x| x * x).sum::<f32>() / (end - from) as f32).sqrt()
    };
    let reference = rms(peak_at.saturating_sub(block / 2));
    let mut at = peak_at;
    while at + block <= mono.len() {
        if rms(at) < 0.1 * reference {
            break;
        }
        at += block;
    }
    (at - peak_at) as f32 * 1000.0 / sample_rate_hz as f32
}
