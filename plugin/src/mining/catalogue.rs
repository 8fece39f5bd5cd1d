//! What the editor knows about each pad in the bank: name, length, key, brightness and a small
//! min/max waveform overview, computed on the mining thread when the pad is made.

use std::path::PathBuf;

use engine::separate::Layer;

/// Number of (min, max) columns in a pad's waveform overview.
pub const WAVEFORM_POINTS: usize = 256;

/// Description of one pad in the bank, for display and for capturing recipes.
#[derive(Debug, Clone, PartialEq)]
pub struct PadInfo {
    /// Bank slot, 0-based (the `source` parameter shows it 1-based).
    pub slot: u16,
    /// Stable identity of the pad (the id given to `Pad::new`).
    pub pad_id: u64,
    /// Display name: the source file's stem and the region's start time.
    pub name: String,
    /// Source file, `None` for the built-in texture.
    pub source_path: Option<PathBuf>,
    /// Start of the region in the source, seconds.
    pub start_sec: f32,
    /// Length of the pad, seconds.
    pub length_sec: f32,
    /// Estimated key ("A minor"), empty when unknown.
    pub key: String,
    /// Mean spectral centroid of the region, Hz (0 when unknown).
    pub brightness_hz: f32,
    /// (min, max) of the mono mix per column, [`WAVEFORM_POINTS`] columns.
    pub waveform: Vec<(f32, f32)>,
    /// How a recipe names this pad: file path, content hash, region, loop cut and root note
    /// (`path = "builtin:"` for the built-in texture). Rendering it gives this very pad.
    pub recipe_source: engine::recipe::RecipeSource,
}

impl PadInfo {
    /// The part of its source the pad is cut from: the mix, or a layer of a separated busy mix.
    pub fn layer(&self) -> Layer {
        self.recipe_source.layer
    }
}

/// (min, max) of the channels' mean over `points` equal columns. Not realtime-safe: allocates.
pub fn waveform_overview(channels: &[&[f32]], points: usize) -> Vec<(f32, f32)> {
    let num_frames = channels.iter().map(|c| c.len()).min().unwrap_or(0);
    if num_frames == 0 || points == 0 {
        return vec![(0.0, 0.0); points];
    }
    let scale = 1.0 / channels.len() as f32;
    (0..points)
        .map(|column| {
            let start = column * num_frames / points;
            let end = ((column + 1) * num_frames / points).max(start + 1).min(num_frames);
            let mut low = f32::INFINITY;
            let mut high = f32::NEG_INFINITY;
            for frame in start..end {
                let sample: f32 = channels.iter().map(|c| c[frame]).sum::<f32>() * scale;
                low = low.min(sample);
                high = high.max(sample);
            }
            (low, high)
        })
        .collect()
}

/// One line for the editor's pad list: slot (1-based), name (with its layer, for a pad not cut
/// from the mix), length, key and brightness.
pub fn catalogue_line(info: &PadInfo) -> String {
    let key = if info.key.is_empty() { "key ?" } else { info.key.as_str() };
    let brightness = if info.brightness_hz > 0.0 {
        format!("{:.1} kHz", info.brightness_hz / 1000.0)
    } else {
        String::from("-")
    };
    let layer = if info.layer().is_mix() { String::new() } else { format!(" [{}]", info.layer()) };
    format!(
        "{:>2}  {}{layer}  {:.1} s  {}  {}",
        u32::from(info.slot) + 1,
        info.name,
        info.length_sec,
        key,
        brightness
    )
}

/// "m:ss" for a time in seconds.
pub fn format_minutes_seconds(time_sec: f32) -> String {
    let total = time_sec.max(0.0).round() as u32;
    format!("{}:{:02}", total / 60, total % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overview_follows_the_signal() {
        let ramp: Vec<f32> = (0..1000).map(|i| i as f32 / 1000.0).collect();
        let overview = waveform_overview(&[&ramp, &ramp], 10);
        assert_eq!(overview.len(), 10);
        assert!((overview[0].0 - 0.0).abs() < 1e-6);
        assert!((overview[9].1 - 0.999).abs() < 1e-6);
        assert!(overview.windows(2).all(|w| w[1].0 > w[0].0));
    }

    #[test]
    fn short_input_still_fills_every_column() {
        let overview = waveform_overview(&[&[0.5; 3]], 8);
        assert_eq!(overview.len(), 8);
        assert!(overview.iter().all(|&(lo, hi)| lo == 0.5 && hi == 0.5));
        assert_eq!(format_minutes_seconds(75.4), "1:15");
    }
}
