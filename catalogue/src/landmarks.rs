//! The stored form of a fingerprint: its landmarks as one blob, 8 bytes each (hash, then frame,
//! both little-endian `u32`), so a file's fingerprint is one row however long the file.

use engine::analysis::Landmark;

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
}
