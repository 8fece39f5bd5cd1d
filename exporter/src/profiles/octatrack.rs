//! Elektron Octatrack sample attributes: a `<sample>.ot` file next to each WAV carries the loop,
//! the tempo and the gain, so a pad loads looping at its tempo.
//!
//! Elektron does not publish the format; this follows its community documentation (the OctaChainer
//! and octatools projects, which agree): 832 bytes, big-endian, a 16-bit checksum of bytes
//! 0x10..0x33E.

/// Size of an `.ot` file.
pub const OT_FILE_LEN: usize = 832;
const HEADER: [u8; 23] = *b"FORM\0\0\0\0DPS1SMPA\0\0\0\0\0\x02\0";
const TEMPO_AT: usize = 0x17;
const TRIM_LEN_AT: usize = 0x1B;
const LOOP_LEN_AT: usize = 0x1F;
const STRETCH_AT: usize = 0x23;
const LOOP_MODE_AT: usize = 0x27;
const GAIN_AT: usize = 0x2B;
const QUANTIZE_AT: usize = 0x2D;
const TRIM_START_AT: usize = 0x2E;
const TRIM_END_AT: usize = 0x32;
const LOOP_START_AT: usize = 0x36;
const CHECKSUM_AT: usize = 0x33E;
/// Tempo used when the source has none (the Octatrack's default).
pub const DEFAULT_BPM: f32 = 120.0;

/// The attributes of a sample `num_frames` long at `sample_rate_hz`, looping over its whole length
/// when `is_loop`, at `bpm` (30..=300, else [`DEFAULT_BPM`]), time-stretch off, gain 0 dB,
/// trigger quantisation direct.
pub fn ot_file(num_frames: u32, sample_rate_hz: u32, bpm: Option<f32>, is_loop: bool) -> [u8; OT_FILE_LEN] {
    let bpm = bpm.filter(|b| (30.0..=300.0).contains(b)).unwrap_or(DEFAULT_BPM);
    let mut out = [0u8; OT_FILE_LEN];
    out[..HEADER.len()].copy_from_slice(&HEADER);
    let put = |out: &mut [u8; OT_FILE_LEN], at: usize, value: u32| out[at..at + 4].copy_from_slice(&value.to_be_bytes());
    put(&mut out, TEMPO_AT, (bpm * 24.0).round() as u32);
    // Lengths in hundredths of a 4/4 bar at that tempo.
    let bars = f64::from(num_frames) / f64::from(sample_rate_hz) * f64::from(bpm) / 240.0;
    let bars_x100 = (bars * 100.0).round() as u32;
    put(&mut out, TRIM_LEN_AT, bars_x100);
    put(&mut out, LOOP_LEN_AT, bars_x100);
    put(&mut out, STRETCH_AT, 0);
    put(&mut out, LOOP_MODE_AT, u32::from(is_loop));
    out[GAIN_AT..GAIN_AT + 2].copy_from_slice(&48u16.to_be_bytes());
    out[QUANTIZE_AT] = 0xFF;
    put(&mut out, TRIM_START_AT, 0);
    put(&mut out, TRIM_END_AT, num_frames);
    put(&mut out, LOOP_START_AT, 0);
    let checksum = out[0x10..CHECKSUM_AT].iter().fold(0u16, |sum, &b| sum.wrapping_add(u16::from(b)));
    out[CHECKSUM_AT..].copy_from_slice(&checksum.to_be_bytes());
    out
}

/// The `.ot` path of a WAV.
pub fn ot_path(wav: &std::path::Path) -> std::path::PathBuf {
    wav.with_extension("ot")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn be32(b: &[u8], at: usize) -> u32 {
        u32::from_be_bytes(b[at..at + 4].try_into().unwrap())
    }

    #[test]
    fn a_two_bar_loop_at_120_bpm() {
        // 4 s at 44.1 kHz and 120 BPM is two bars.
        let ot = ot_file(176_400, 44_100, Some(120.0), true);
        assert_eq!(&ot[..16], b"FORM\0\0\0\0DPS1SMPA");
        assert_eq!(be32(&ot, 0x17), 2880, "tempo = BPM * 24");
        assert_eq!((be32(&ot, 0x1B), be32(&ot, 0x1F)), (200, 200), "bars * 100");
        assert_eq!((be32(&ot, 0x23), be32(&ot, 0x27)), (0, 1), "stretch off, loop on");
        assert_eq!(u16::from_be_bytes([ot[0x2B], ot[0x2C]]), 48, "gain 0 dB");
        assert_eq!(ot[0x2D], 0xFF);
        assert_eq!((be32(&ot, 0x2E), be32(&ot, 0x32), be32(&ot, 0x36)), (0, 176_400, 0));
        assert!(ot[0x3A..0x33E].iter().all(|&b| b == 0), "no slices");
        let sum: u32 = ot[0x10..0x33E].iter().map(|&b| u32::from(b)).sum();
        assert_eq!(u16::from_be_bytes([ot[0x33E], ot[0x33F]]), (sum % 65_536) as u16);
    }

    #[test]
    fn a_one_shot_without_tempo_uses_the_default_and_no_loop() {
        let ot = ot_file(22_050, 44_100, None, false);
        assert_eq!(be32(&ot, 0x17), 120 * 24);
        assert_eq!(be32(&ot, 0x27), 0);
        assert_eq!(be32(&ot, 0x1B), 25, "half a second at 120 BPM is a quarter bar");
    }
}
