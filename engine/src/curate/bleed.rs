//! Drum bleed: how much of a source's drums is left in a pad cut from its harmonic layer, measured
//! as the pad's level at the source's drum hits against its level between them. A clean harmonic
//! layer is as loud at a hit as around it (0 dB); transients that leaked through the separation
//! lift the level at every hit. Background thread.

use crate::rt::math;

/// Span after a hit's time counted as "at the hit", ms: the analysis places an attack within
/// half an FFT window (23 ms), and the drum's body follows.
const AT_HIT_MS: f32 = 60.0;
/// Span around each hit left out of "between hits", ms.
const GUARD_MS: f32 = 80.0;

/// The pad's power in the `AT_HIT_MS` after each hit (sample offsets into the pad, ascending)
/// against its power away from every hit, dB; `None` when there is no hit, or no stretch between
/// hits, to compare. Not realtime-safe (allocates a mask).
pub fn drum_bleed_db(channels: &[Vec<f32>], hits: &[usize], sample_rate_hz: u32) -> Option<f32> {
    let len = channels.first().map_or(0, Vec::len);
    if len == 0 || hits.is_empty() {
        return None;
    }
    let samples = |ms: f32| (ms / 1000.0 * sample_rate_hz as f32).round() as usize;
    let (at, guard) = (samples(AT_HIT_MS).max(1), samples(GUARD_MS));
    // 0: between hits, 1: at a hit, 2: near a hit (neither).
    let mut class = vec![0u8; len];
    for &hit in hits.iter().filter(|&&h| h < len) {
        for c in &mut class[hit.saturating_sub(guard)..(hit + at + guard).min(len)] {
            *c = (*c).max(2);
        }
    }
    for &hit in hits.iter().filter(|&&h| h < len) {
        class[hit..(hit + at).min(len)].fill(1);
    }
    let mut power = [0.0f64; 2];
    let mut count = [0usize; 2];
    for (i, &c) in class.iter().enumerate() {
        if c < 2 {
            power[c as usize] += channels.iter().map(|ch| f64::from(ch[i]).powi(2)).sum::<f64>();
            count[c as usize] += 1;
        }
    }
    if count[0] == 0 || count[1] == 0 || power[0] <= 0.0 {
        return None;
    }
    let mean = |k: usize| power[k] / count[k] as f64;
    Some((10.0 * math::log10((mean(1) / mean(0)).max(1e-12))) as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(len: usize) -> Vec<f32> {
        (0..len).map(|i| 0.3 * math::sin(i as f32 * 0.05)).collect()
    }

    #[test]
    fn a_steady_pad_shows_no_bleed_and_clicks_at_the_hits_do() {
        let sr = 44_100;
        let len = 4 * sr as usize;
        let hits: Vec<usize> = (0..8).map(|k| k * sr as usize / 2 + 1000).collect();
        let clean = tone(len);
        let bleed = drum_bleed_db(&[clean.clone()], &hits, sr).unwrap();
        assert!(bleed.abs() < 0.2, "{bleed}");
        let mut leaky = clean;
        for &h in &hits {
            // A snare-like burst: 2000 samples decaying with a 1000-sample time constant.
            for (k, x) in leaky[h..h + 2000].iter_mut().enumerate() {
                *x += 0.6 * math::exp(-(k as f32) / 1000.0) * if k % 2 == 0 { 1.0 } else { -1.0 };
            }
        }
        let bleed = drum_bleed_db(&[leaky], &hits, sr).unwrap();
        assert!(bleed > 3.0, "{bleed}");
        assert_eq!(drum_bleed_db(&[tone(len)], &[], sr), None);
    }
}
