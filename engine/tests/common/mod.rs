//! Helpers shared by the texture engine's test files: an engine, a bank, rendering with note events
//! split at their frames, and level and click measures.
#![allow(dead_code)]

use ::engine::texture::{Pad, PadBank, ProcessSpec, TextureEngine, TextureParams};

pub const SR: f32 = 44_100.0;

pub fn new_engine(seed: u64) -> TextureEngine {
    let mut e = TextureEngine::new();
    e.prepare(ProcessSpec { sample_rate_hz: SR, max_block_frames: 4096 });
    e.reset(seed);
    e
}

pub fn bank_with(pad: Pad) -> PadBank {
    let mut bank = PadBank::new();
    bank.insert(0, pad);
    bank
}

pub fn mono_pad(x: Vec<f32>, root: f32) -> Pad {
    Pad::new(1, vec![x], SR, Some(root))
}

/// A note event at an absolute frame.
#[derive(Clone, Copy)]
pub enum Ev {
    On(u8, f32),
    Off(u8),
    Sustain(bool),
}

/// Renders `num_frames` in blocks of at most `block`, split at event frames (events sorted by frame).
pub fn render_events(
    e: &mut TextureEngine,
    p: &TextureParams,
    bank: &PadBank,
    num_frames: usize,
    block: usize,
    events: &[(usize, Ev)],
) -> (Vec<f32>, Vec<f32>) {
    let (mut l, mut r) = (vec![0.0; num_frames], vec![0.0; num_frames]);
    let mut next_ev = 0;
    let mut start = 0;
    while start < num_frames {
        while next_ev < events.len() && events[next_ev].0 <= start {
            match events[next_ev].1 {
                Ev::On(n, v) => e.note_on(n, v),
                Ev::Off(n) => e.note_off(n),
                Ev::Sustain(d) => e.set_sustain(d),
            }
            next_ev += 1;
        }
        let mut end = (start + block).min(num_frames);
        if let Some(&(f, _)) = events.get(next_ev) {
            end = end.min(f.max(start + 1));
        }
        e.process(p, bank, &mut l[start..end], &mut r[start..end]);
        start = end;
    }
    (l, r)
}

pub fn render(e: &mut TextureEngine, p: &TextureParams, bank: &PadBank, num_frames: usize) -> (Vec<f32>, Vec<f32>) {
    render_events(e, p, bank, num_frames, 512, &[])
}

pub fn rms(x: &[f32]) -> f64 {
    (x.iter().map(|&v| f64::from(v) * f64::from(v)).sum::<f64>() / x.len().max(1) as f64).sqrt()
}

pub fn db(x: f64) -> f64 {
    20.0 * x.max(1e-12).log10()
}

/// Largest sample step divided by the 99th percentile of steps.
pub fn step_ratio(x: &[f32]) -> f64 {
    let mut steps: Vec<f32> = x.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    steps.sort_by(f32::total_cmp);
    f64::from(steps[steps.len() - 1]) / f64::from(steps[steps.len() * 99 / 100]).max(1e-12)
}

/// Largest ratio of a sample step to the RMS of the steps within 10 ms around it: a click is a local
/// outlier even in a sparse cloud, where the 99th percentile of the whole render sits low.
pub fn local_step_ratio(x: &[f32]) -> f64 {
    const HALF: usize = 441;
    let steps: Vec<f64> = x.windows(2).map(|w| f64::from(w[1] - w[0])).collect();
    let mut prefix = vec![0.0f64; steps.len() + 1];
    for (i, s) in steps.iter().enumerate() {
        prefix[i + 1] = prefix[i] + s * s;
    }
    (HALF..steps.len().saturating_sub(HALF))
        .map(|i| {
            let local = ((prefix[i + HALF] - prefix[i - HALF]) / (2 * HALF) as f64).sqrt();
            if local > 1e-6 { steps[i].abs() / local } else { 0.0 }
        })
        .fold(0.0, f64::max)
}

pub fn held() -> TextureParams {
    TextureParams { hold: true, attack_ms: 5.0, ..TextureParams::default() }
}

pub fn note_params() -> TextureParams {
    TextureParams { attack_ms: 10.0, release_ms: 200.0, hiss_gain: 0.5, ..TextureParams::default() }
}
