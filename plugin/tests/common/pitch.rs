//! Pitch measured in a render: the power at a note's fundamental (Goertzel), and the check that a
//! bend of one of two held notes (C2 and C6) moved that note and not the other.

pub fn hz(note: f64) -> f64 {
    440.0 * ((note - 69.0) / 12.0).exp2()
}

/// Power of `x` near `f_hz` (the largest Goertzel power within ±1.5 % of it, Hann-windowed), dB.
pub fn band_db(x: &[f32], f_hz: f64, sample_rate_hz: f64) -> f64 {
    let n = x.len();
    let mut best = 0.0f64;
    for k in -6..=6 {
        let f = f_hz * (1.0 + 0.0025 * f64::from(k));
        let w = std::f64::consts::TAU * f / sample_rate_hz;
        let coeff = 2.0 * w.cos();
        let (mut s1, mut s2) = (0.0f64, 0.0f64);
        for (i, &v) in x.iter().enumerate() {
            let window = 0.5 - 0.5 * (std::f64::consts::TAU * i as f64 / n as f64).cos();
            let s0 = f64::from(v) * window + coeff * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        best = best.max(s1 * s1 + s2 * s2 - coeff * s1 * s2);
    }
    10.0 * (best / (n * n) as f64 + 1e-30).log10()
}

/// Before and after a bend of +7 semitones on the low note: its fundamental moves from C2 to G2,
/// the high note's stays on C6 (and no G6 appears).
pub fn assert_only_the_low_note_moved(before: &[f32], after: &[f32], sample_rate_hz: f64) {
    let (c2, g2, c6, g6) = (hz(36.0), hz(43.0), hz(84.0), hz(91.0));
    let db = |x: &[f32], f| band_db(x, f, sample_rate_hz);
    println!(
        "before: C2 {:.1} G2 {:.1} C6 {:.1} G6 {:.1}; after: C2 {:.1} G2 {:.1} C6 {:.1} G6 {:.1}",
        db(before, c2), db(before, g2), db(before, c6), db(before, g6), db(after, c2), db(after, g2), db(after, c6), db(after, g6)
    );
    assert!(db(before, c2) - db(before, g2) > 15.0, "the low note should sound on C2 before the bend");
    assert!(db(after, g2) - db(after, c2) > 15.0, "the bent low note should sound on G2");
    assert!((db(after, c6) - db(before, c6)).abs() < 3.0, "the high note's C6 moved");
    assert!(db(after, c6) - db(after, g6) > 15.0, "the high note was bent too");
}
