//! Where a listed pad comes from, for a front end that wants to cut it again (the plugin loading
//! a catalogued pad into its bank): file, content hash, region in samples and loop settings.

use crate::store::Catalogue;
use crate::Result;
use rusqlite::OptionalExtension;

/// The source of one catalogued pad.
#[derive(Debug, Clone, PartialEq)]
pub struct PadSource {
    /// The file as catalogued (absolute).
    pub path: String,
    /// xxh3-64 of the file's bytes when it was scanned, 16 hex digits.
    pub content_hash: String,
    /// First sample and length of the region, at `sample_rate_hz`.
    pub start_sample: usize,
    pub len_samples: usize,
    /// Rate the region's samples count at (the engine's), Hz.
    pub sample_rate_hz: u32,
    /// The loop cut's settings (`engine::mining::LoopConfig` as JSON), when stored.
    pub loop_settings: Option<String>,
    /// The layer of the file the pad is cut from (named by the region id).
    pub layer: engine::separate::Layer,
}

impl Catalogue {
    /// The source of pad `id` in the file at `path` (a region id names the same region in every
    /// copy of a recording, the path picks the copy). `None` when the catalogue no longer has it.
    pub fn pad_source(&self, id: &str, path: &str) -> Result<Option<PadSource>> {
        self.connection()
            .query_row(
                "SELECT f.path, f.content_hash, r.start_sample, r.len_samples, r.sample_rate_hz, r.loop_settings
                 FROM regions r JOIN files f ON f.id = r.file_id
                 WHERE r.region_id = ?1 AND f.path = ?2 AND r.kind = 'pad' LIMIT 1",
                [id, path],
                |r| {
                    Ok(PadSource {
                        path: r.get(0)?,
                        content_hash: r.get(1)?,
                        start_sample: r.get::<_, i64>(2)?.max(0) as usize,
                        len_samples: r.get::<_, i64>(3)?.max(0) as usize,
                        sample_rate_hz: r.get::<_, i64>(4)?.max(1) as u32,
                        loop_settings: r.get(5)?,
                        layer: crate::store::layer_of_region_id(id),
                    })
                },
            )
            .optional()
            .map_err(|e| self.db_error(e))
    }

    /// Number of pads catalogued (regions of kind `pad`).
    pub fn num_pads(&self) -> Result<usize> {
        self.connection()
            .query_row("SELECT COUNT(*) FROM regions WHERE kind = 'pad'", [], |r| r.get::<_, i64>(0))
            .map(|n| n as usize)
            .map_err(|e| self.db_error(e))
    }
}
