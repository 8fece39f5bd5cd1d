//! Room tone and soft silences: the quiet, steady, non-silent stretches between takes (the air of
//! the room, tape or preamp noise), found from short-term levels: well below the recording's loud
//! passages, above digital silence, and flat (no note, no hit) for at least a few seconds. After
//! the original tool's `mine_silences.py`.

use crate::rt::math;
use super::setting::{check_range, invalid};
use super::Region;
use crate::rt::db::SILENCE_DB;
use crate::Result;

/// Level frame, seconds.
const FRAME_SEC: f64 = 0.05;

/// The room-tone miner's settings (`[roomtone]`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RoomToneConfig {
    /// Below this frame level, dBFS, the material is silence, not room tone; -120..-20.
    pub min_level_dbfs: f32,
    /// Above this frame level, dBFS, it is music; -90..-10.
    pub max_level_dbfs: f32,
    /// At least this far below the recording's loud level (95th-percentile frame), dB, 0..80, when
    /// that is music (above `max_level_dbfs`).
    pub below_loud_db: f32,
    /// Largest spread of frame levels inside a stretch (max - min), dB, 0.5..24.
    pub max_spread_db: f32,
    /// Shortest stretch, seconds, 0.5..60.
    pub min_duration_sec: f32,
    /// Longest loop taken from a stretch, seconds, 1..120, at least `min_duration_sec`.
    pub max_duration_sec: f32,
    /// Most room-tone loops per source, 0..16.
    pub max_per_source: usize,
}

impl Default for RoomToneConfig {
    fn default() -> Self {
        Self {
            min_level_dbfs: -90.0,
            max_level_dbfs: -36.0,
            below_loud_db: 24.0,
            max_spread_db: 6.0,
            min_duration_sec: 2.0,
            max_duration_sec: 8.0,
            max_per_source: 2,
        }
    }
}

impl RoomToneConfig {
    /// Checks every key, naming the first bad one (as `roomtone.<key>`).
    pub fn validate(&self) -> Result<()> {
        let key = |k: &str| format!("roomtone.{k}");
        check_range(&key("min_level_dbfs"), self.min_level_dbfs, SILENCE_DB, -20.0)?;
        check_range(&key("max_level_dbfs"), self.max_level_dbfs, -90.0, -10.0)?;
        if self.min_level_dbfs >= self.max_level_dbfs {
            return Err(invalid(&key("max_level_dbfs"), self.max_level_dbfs, format!("expected above `min_level_dbfs` ({})", self.min_level_dbfs)));
        }
        check_range(&key("below_loud_db"), self.below_loud_db, 0.0, 80.0)?;
        check_range(&key("max_spread_db"), self.max_spread_db, 0.5, 24.0)?;
        check_range(&key("min_duration_sec"), self.min_duration_sec, 0.5, 60.0)?;
        check_range(&key("max_duration_sec"), self.max_duration_sec, 1.0, 120.0)?;
        if self.min_duration_sec > self.max_duration_sec {
            return Err(invalid(&key("max_duration_sec"), self.max_duration_sec, format!("expected at least `min_duration_sec` ({})", self.min_duration_sec)));
        }
        if self.max_per_source > 16 {
            return Err(invalid(&key("max_per_source"), self.max_per_source, "expected a count from 0 to 16".into()));
        }
        Ok(())
    }
}

/// Frame levels of the channel mean, dBFS (floored at -160).
fn frame_levels_db(channels: &[Vec<f32>], frame_len: usize) -> Vec<f32> {
    let len = channels.first().map_or(0, Vec::len);
    let scale = 1.0 / channels.len().max(1) as f32;
    (0..len / frame_len.max(1))
        .map(|f| {
            let sum: f64 = (f * frame_len..(f + 1) * frame_len)
                .map(|i| {
                    let x = channels.iter().map(|c| c[i]).sum::<f32>() * scale;
                    f64::from(x * x)
                })
                .sum();
            let rms = (sum / frame_len as f64).sqrt();
            (20.0 * math::log10(rms.max(1e-8))) as f32
        })
        .collect()
}

/// The quiet, steady, non-silent stretches of `channels`, longest first, at most `max_per_source`,
/// each at most `max_duration_sec` (the steadiest part of a longer stretch is kept: its middle).
pub fn find_room_tone(channels: &[Vec<f32>], sample_rate_hz: u32, config: &RoomToneConfig) -> Vec<Region> {
    let frame_len = (FRAME_SEC * f64::from(sample_rate_hz)).round() as usize;
    let levels = frame_levels_db(channels, frame_len);
    if levels.is_empty() || config.max_per_source == 0 {
        return Vec::new();
    }
    let mut sorted = levels.clone();
    sorted.sort_by(f32::total_cmp);
    let loud = sorted[(sorted.len() - 1) * 95 / 100];
    // A recording of room tone alone has no loud passages to be below.
    let ceiling = if loud > config.max_level_dbfs { config.max_level_dbfs.min(loud - config.below_loud_db) } else { config.max_level_dbfs };
    let quiet = |db: f32| db >= config.min_level_dbfs && db <= ceiling;
    // Runs of quiet frames whose spread stays within max_spread_db (a run restarts where it would not).
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    let (mut lo, mut hi) = (f32::MAX, f32::MIN);
    for (f, &db) in levels.iter().enumerate() {
        let steady = start.is_some() && db.max(hi) - db.min(lo) <= config.max_spread_db;
        if quiet(db) && steady {
            lo = lo.min(db);
            hi = hi.max(db);
            continue;
        }
        if let Some(s) = start.take() {
            runs.push((s, f));
        }
        if quiet(db) {
            start = Some(f);
            (lo, hi) = (db, db);
        }
    }
    if let Some(s) = start {
        runs.push((s, levels.len()));
    }
    let min_frames = (f64::from(config.min_duration_sec) / FRAME_SEC).ceil() as usize;
    let max_frames = (f64::from(config.max_duration_sec) / FRAME_SEC).floor() as usize;
    runs.retain(|(s, e)| e - s >= min_frames);
    runs.sort_by(|a, b| (b.1 - b.0).cmp(&(a.1 - a.0)).then(a.0.cmp(&b.0)));
    runs.truncate(config.max_per_source);
    runs.into_iter()
        .map(|(s, e)| {
            let n = (e - s).min(max_frames);
            let s = s + (e - s - n) / 2;
            let mean_db = levels[s..s + n].iter().sum::<f32>() / n as f32;
            Region { rms_db: mean_db, ..Region::span(s * frame_len, n * frame_len) }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_quiet_steady_gap_between_two_loud_takes() {
        let sr = 44_100u32;
        let mut x = Vec::new();
        let mut state = 1u32;
        let mut noise = || {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (state >> 8) as f32 / (1u32 << 24) as f32 * 2.0 - 1.0
        };
        for i in 0..3 * sr as usize {
            x.push(0.5 * math::sin(i as f32 * 0.05));
        }
        for _ in 0..4 * sr as usize {
            x.push(0.003 * noise()); // about -55 dBFS RMS
        }
        x.extend(std::iter::repeat_n(0.0, sr as usize)); // digital silence: not room tone
        for i in 0..3 * sr as usize {
            x.push(0.5 * math::sin(i as f32 * 0.05));
        }
        let quiet_only: Vec<f32> = x[3 * sr as usize..7 * sr as usize].to_vec();
        let found = find_room_tone(&[x], sr, &RoomToneConfig::default());
        assert_eq!(found.len(), 1, "{found:?}");
        let r = found[0];
        assert!(r.start_sample >= 3 * sr as usize && r.end_sample() <= 7 * sr as usize, "{r:?}");
        assert!(r.len_samples as f64 / f64::from(sr) > 3.5, "{r:?}");
        // A recording of the room alone is room tone too.
        assert_eq!(find_room_tone(&[quiet_only], sr, &RoomToneConfig::default()).len(), 1);
    }
}
