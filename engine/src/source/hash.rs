//! Content hashing of source files: xxh3-64 of the raw bytes, as 16 lower-case hex digits.
//!
//! The hash names a source independently of its path, so renamed or copied files keep their
//! identity (and their seeded random streams) across runs.

use std::io::Read;
use std::path::Path;

use xxhash_rust::xxh3::{xxh3_64, Xxh3};

use crate::{Error, Result};

/// Bytes read per call when hashing a file.
const HASH_READ_BYTES: usize = 1 << 16;

/// The xxh3-64 hash of `bytes` as 16 lower-case hex digits.
pub fn content_hash(bytes: &[u8]) -> String {
    format!("{:016x}", xxh3_64(bytes))
}

/// The same hash as [`content_hash`] of the whole file, read in 64 KiB blocks so memory stays
/// constant whatever the file's size.
pub fn hash_file(path: &Path) -> Result<String> {
    // Without a flag nothing stops it: always `Some`.
    Ok(hash_file_until(path, None)?.unwrap_or_default())
}

/// [`hash_file`], or `Ok(None)` once `cancel` is raised (checked every 64 KiB: a long recording
/// takes a fraction of a second to hash, which a closing plugin should not wait for).
pub fn hash_file_until(path: &Path, cancel: Option<&crate::CancelFlag>) -> Result<Option<String>> {
    let io_error = |source| Error::Io { path: path.to_path_buf(), source };
    let mut file = std::fs::File::open(path).map_err(io_error)?;
    let mut hasher = Xxh3::new();
    let mut block = vec![0u8; HASH_READ_BYTES];
    loop {
        if crate::cancel::is_cancelled(cancel) {
            return Ok(None);
        }
        match file.read(&mut block) {
            Ok(0) => break,
            Ok(n) => hasher.update(&block[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_error(e)),
        }
    }
    Ok(Some(format!("{:016x}", hasher.digest())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_hash_matches_bytes_hash_across_block_boundaries() {
        let dir = tempfile::tempdir().unwrap();
        for len in [0usize, 1, 240, HASH_READ_BYTES - 1, HASH_READ_BYTES, 3 * HASH_READ_BYTES + 17] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
            let path = dir.path().join(format!("f{len}.bin"));
            std::fs::write(&path, &bytes).unwrap();
            assert_eq!(hash_file(&path).unwrap(), content_hash(&bytes), "len {len}");
        }
    }

    #[test]
    fn hash_is_sixteen_hex_digits_and_content_sensitive() {
        let a = content_hash(b"afterglow");
        let b = content_hash(b"afterglov");
        assert_eq!(a.len(), 16);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_ne!(a, b);
    }
}
