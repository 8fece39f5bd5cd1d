//! The stored form of a fingerprint: its landmarks as one blob, 8 bytes each (hash, then frame,
//! both little-endian `u32`), so a file's fingerprint is one row however long the file; and the
//! spectral peaks a landmark pairs, read back from its hash.

use engine::analysis::{Landmark, FINGERPRINT_VERSION};

// `peaks` reads the hash layout of fingerprint version 1; a new version must be read anew.
const _: () = assert!(FINGERPRINT_VERSION == 1, "landmarks::peaks decodes the version 1 hash layout");

/// Bytes per landmark.
const LANDMARK_BYTES: usize = 8;

/// The landmarks as a blob.
pub fn to_blob(landmarks: &[Landmark]) -> Vec<u8> {
    let mut out = Vec::with_capacity(landmarks.len() * LANDMARK_BYTES);
    for l in landmarks {
        out.extend_from_slice(&l.hash.to_le_bytes());
        out.extend_from_slice(&l.frame.to_le_bytes());
    }
    out
}

/// The landmarks of a blob; a trailing partial landmark (a damaged blob) is ignored.
pub fn from_blob(bytes: &[u8]) -> impl Iterator<Item = Landmark> + '_ {
    bytes.chunks_exact(LANDMARK_BYTES).map(|c| {
        // chunks_exact(8) yields 8-byte slices: both 4-byte halves convert.
        let word = |i: usize| u32::from_le_bytes(c[i..i + 4].try_into().expect("4-byte half"));
        Landmark { hash: word(0), frame: word(4) }
    })
}

/// The two spectral peaks landmark `l` pairs, as (frame, bin), from its hash: (first bin: 9 bits)
/// << 14 | (bin step + 128: 8 bits) << 6 | (frame step: 6 bits), stamped with the first peak's
/// frame (`engine::analysis::fingerprint`). A damaged hash gives some peak, never a panic.
pub fn peaks(l: Landmark) -> [(u32, u32); 2] {
    let bin = l.hash >> 14;
    let bin_step = i64::from((l.hash >> 6) & 0xFF) - 128;
    let frame_step = l.hash & 0x3F;
    let partner_bin = (i64::from(bin) + bin_step).max(0) as u32;
    [(l.frame, bin), (l.frame.saturating_add(frame_step), partner_bin)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_round_trips() {
        let landmarks: Vec<Landmark> = (0..50).map(|i| Landmark { hash: i * 104_729 % (1 << 23), frame: i * 3 }).collect();
        let blob = to_blob(&landmarks);
        assert_eq!(blob.len(), 400);
        assert_eq!(from_blob(&blob).collect::<Vec<_>>(), landmarks);
        assert_eq!(from_blob(&blob[..13]).count(), 1);
    }

    #[test]
    fn peaks_come_back_from_the_hash() {
        // First peak at bin 40, frame 100; partner 7 bins lower and 12 frames later.
        let hash = 40 << 14 | (128 - 7) << 6 | 12;
        assert_eq!(peaks(Landmark { hash, frame: 100 }), [(100, 40), (112, 33)]);
    }
}
