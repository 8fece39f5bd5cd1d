//! The tests' own fundamental-frequency estimate, written here so a root note is checked against a
//! measurement that shares no code with the engine's (`engine::curate::measure` runs YIN through an
//! FFT correlation). This is the McLeod pitch method (P. McLeod and G. Wyvill, "A smarter way to
//! find pitch", ICMC 2005): the normalised square difference function
//! n(tau) = 2 sum x[j] x[j+tau] / sum (x[j]^2 + x[j+tau]^2), computed directly in the time domain;
//! its first "key maximum" (the highest point of each positive lobe) within [`KEY_MAXIMUM_RATIO`] of
//! the highest is the period, refined by a parabola through the peak and its neighbours. The peak's
//! height (the clarity, 1 for a perfectly periodic frame) says how periodic the frame is.

/// Frame length, samples (93 ms at 44.1 kHz: two periods of the lowest pitch and more).
const FRAME_LEN: usize = 4096;
/// Lowest and highest pitch looked for, Hz (the engine's YIN reports 40-2000 Hz too).
const MIN_HZ: f64 = 40.0;
const MAX_HZ: f64 = 2000.0;
/// A key maximum this close to the highest one counts as the period (the paper's k = 0.8-1.0;
/// 0.9 keeps the first period of a harmonic sound and not a half period).
const KEY_MAXIMUM_RATIO: f64 = 0.9;
/// Frames spread evenly over a file.
const NUM_FRAMES: usize = 24;
/// A frame whose clarity is below this is not periodic (noise, a chord without a common period).
pub const MIN_CLARITY: f64 = 0.8;
/// A frame within this of the file's median pitch agrees with it, cents.
const AGREEMENT_CENTS: f64 = 25.0;

/// What the estimate says about a whole file.
#[derive(Debug, Clone, Copy)]
pub struct Fundamental {
    /// Median pitch of the periodic frames, Hz.
    pub hz: f64,
    /// Share of the frames that are periodic (clarity at least [`MIN_CLARITY`]), 0-1.
    pub voiced: f64,
    /// Share of the periodic frames within [`AGREEMENT_CENTS`] of the median, 0-1.
    pub agreement: f64,
    /// Median clarity of the periodic frames, 0-1.
    pub clarity: f64,
}

impl Fundamental {
    /// A pitch worth holding a root note to: three frames in four periodic, four in five of
    /// those at one pitch, clearly periodic. (The engine's YIN reports a pitch when half its frames
    /// are periodic; this asks more, so a pad it calls confident has one pitch beyond doubt.)
    pub fn is_confident(&self) -> bool {
        self.voiced >= 0.75 && self.agreement >= 0.8 && self.clarity >= 0.85
    }
}

/// Cents from `reference_hz` to `hz`.
pub fn cents(hz: f64, reference_hz: f64) -> f64 {
    1200.0 * (hz / reference_hz).log2()
}

/// Frequency of MIDI note `note` (A4 = 69 = 440 Hz).
pub fn midi_hz(note: f64) -> f64 {
    440.0 * 2f64.powf((note - 69.0) / 12.0)
}

/// The fundamental of `mono` at `rate_hz`, from [`NUM_FRAMES`] frames spread over it; `None` when
/// it is shorter than a frame or no frame is periodic.
pub fn fundamental(mono: &[f32], rate_hz: u32) -> Option<Fundamental> {
    if mono.len() < FRAME_LEN {
        return None;
    }
    let last_start = mono.len() - FRAME_LEN;
    let mut voiced: Vec<(f64, f64)> = (0..NUM_FRAMES)
        .filter_map(|i| {
            let start = last_start * i / (NUM_FRAMES - 1);
            frame_pitch(&mono[start..start + FRAME_LEN], rate_hz)
        })
        .filter(|&(_, clarity)| clarity >= MIN_CLARITY)
        .collect();
    if voiced.is_empty() {
        return None;
    }
    voiced.sort_by(|a, b| a.0.total_cmp(&b.0));
    let hz = voiced[voiced.len() / 2].0;
    let agreeing = voiced.iter().filter(|(f, _)| cents(*f, hz).abs() <= AGREEMENT_CENTS).count();
    let mut clarities: Vec<f64> = voiced.iter().map(|v| v.1).collect();
    clarities.sort_by(f64::total_cmp);
    Some(Fundamental {
        hz,
        voiced: voiced.len() as f64 / NUM_FRAMES as f64,
        agreement: agreeing as f64 / voiced.len() as f64,
        clarity: clarities[clarities.len() / 2],
    })
}

/// Planar channels mixed to mono.
pub fn mono(channels: &[Vec<f32>]) -> Vec<f32> {
    let n = channels.iter().map(Vec::len).min().unwrap_or(0);
    (0..n).map(|i| channels.iter().map(|c| c[i]).sum::<f32>() / channels.len() as f32).collect()
}

/// (pitch Hz, clarity) of one frame, or `None` for a silent frame or one without a positive lobe.
fn frame_pitch(frame: &[f32], rate_hz: u32) -> Option<(f64, f64)> {
    let x: Vec<f64> = frame.iter().map(|&v| f64::from(v)).collect();
    if x.iter().map(|v| v * v).sum::<f64>() < 1e-9 {
        return None;
    }
    let min_lag = (f64::from(rate_hz) / MAX_HZ).floor() as usize;
    let max_lag = ((f64::from(rate_hz) / MIN_HZ).ceil() as usize).min(x.len() / 2);
    // n(tau) for tau = 0..=max_lag+1 (n(0) = 1).
    let nsdf: Vec<f64> = (0..=max_lag + 1)
        .map(|tau| {
            let (mut r, mut m) = (0.0, 0.0);
            for j in 0..x.len() - tau {
                r += x[j] * x[j + tau];
                m += x[j] * x[j] + x[j + tau] * x[j + tau];
            }
            if m > 0.0 { 2.0 * r / m } else { 0.0 }
        })
        .collect();
    // Key maxima: the highest point of each positive lobe after the first negative one.
    let mut maxima: Vec<usize> = Vec::new();
    let mut tau = 1;
    while tau <= max_lag && nsdf[tau] > 0.0 {
        tau += 1;
    }
    while tau <= max_lag {
        while tau <= max_lag && nsdf[tau] <= 0.0 {
            tau += 1;
        }
        let mut best: Option<usize> = None;
        while tau <= max_lag && nsdf[tau] > 0.0 {
            if tau >= min_lag && best.is_none_or(|b| nsdf[tau] > nsdf[b]) {
                best = Some(tau);
            }
            tau += 1;
        }
        // Only a real peak: a lobe cut off by the lag range still rising at its end is none.
        maxima.extend(best.filter(|&b| nsdf[b] >= nsdf[b - 1] && nsdf[b] >= nsdf[b + 1]));
    }
    let highest = maxima.iter().map(|&t| nsdf[t]).fold(f64::NEG_INFINITY, f64::max);
    let chosen = *maxima.iter().find(|&&t| nsdf[t] >= KEY_MAXIMUM_RATIO * highest)?;
    // Parabolic interpolation through the peak and its neighbours.
    let (a, b, c) = (nsdf[chosen - 1], nsdf[chosen], nsdf[chosen + 1]);
    let denominator = a - 2.0 * b + c;
    // At a peak the parabola opens downwards and its vertex lies within half a lag of the peak.
    let (offset, height) = if denominator < -1e-12 {
        let offset = (0.5 * (a - c) / denominator).clamp(-0.5, 0.5);
        (offset, b - 0.25 * (a - c) * offset)
    } else {
        (0.0, b)
    };
    Some((f64::from(rate_hz) / (chosen as f64 + offset), height))
}

#[test]
fn a_harmonic_tone_and_noise_are_told_apart() {
    // 110 Hz with harmonics, the fundamental weaker than the second: still 110 Hz.
    let rate = 44_100;
    let tone: Vec<f32> = (0..rate)
        .map(|n| {
            let t = n as f64 / f64::from(rate);
            (0.3 * (std::f64::consts::TAU * 110.0 * t).sin()
                + 0.5 * (std::f64::consts::TAU * 220.0 * t).sin()
                + 0.2 * (std::f64::consts::TAU * 330.0 * t).sin()) as f32
        })
        .collect();
    let found = fundamental(&tone, rate).expect("a pitch");
    assert!(cents(found.hz, 110.0).abs() < 2.0 && found.is_confident(), "{found:?}");
    let mut state = 1u64;
    let noise: Vec<f32> = (0..rate)
        .map(|_| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            ((state >> 40) as f32 / (1u64 << 24) as f32) - 0.5
        })
        .collect();
    assert!(fundamental(&noise, rate).is_none_or(|f| !f.is_confident()), "noise has no confident pitch");
}
