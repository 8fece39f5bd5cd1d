//! Range checks shared by the miners' `validate()`: each failure names the key, the value and
//! the allowed range as an [`Error::InvalidSetting`].

use crate::{Error, Result};

/// `value` must be finite and within `lo..=hi`.
pub(crate) fn check_range(key: &str, value: f32, lo: f32, hi: f32) -> Result<()> {
    if value.is_finite() && (lo..=hi).contains(&value) {
        Ok(())
    } else {
        Err(invalid(key, value, format!("expected a number from {lo} to {hi}")))
    }
}

/// `value` must be finite and above `lo` (exclusive) and at most `hi`.
pub(crate) fn check_above(key: &str, value: f32, lo: f32, hi: f32) -> Result<()> {
    if value.is_finite() && value > lo && value <= hi {
        Ok(())
    } else {
        Err(invalid(key, value, format!("expected a number above {lo} and at most {hi}")))
    }
}

/// `lower` (the value of `lower_key`) must not exceed `upper` (the value of `upper_key`).
pub(crate) fn check_ordered(lower_key: &str, lower: f32, upper_key: &str, upper: f32) -> Result<()> {
    if lower <= upper {
        Ok(())
    } else {
        Err(invalid(upper_key, upper, format!("expected at least `{lower_key}` ({lower})")))
    }
}

/// An [`Error::InvalidSetting`] for `key` = `value`.
pub(crate) fn invalid(key: &str, value: impl std::fmt::Display, expected: String) -> Error {
    Error::InvalidSetting { key: key.to_string(), value: value.to_string(), expected }
}

/// The window settings both miners share, borrowed from their configs for one check.
pub(crate) struct WindowSettings<'a> {
    pub min_duration_sec: f32,
    pub max_duration_sec: f32,
    pub target_durations_sec: &'a [f32],
    pub max_candidates_per_file: usize,
    pub window_hop_sec: f32,
    pub max_overlap_ratio: f32,
}

impl WindowSettings<'_> {
    /// Checks the shared window settings; `key` turns a field name into the config key.
    pub(crate) fn validate(&self, key: impl Fn(&str) -> String) -> Result<()> {
        check_above(&key("min_duration_sec"), self.min_duration_sec, 0.0, 600.0)?;
        check_above(&key("max_duration_sec"), self.max_duration_sec, 0.0, 600.0)?;
        check_ordered(&key("min_duration_sec"), self.min_duration_sec, &key("max_duration_sec"), self.max_duration_sec)?;
        if self.target_durations_sec.is_empty() {
            return Err(invalid(&key("target_durations_sec"), "[]", "expected at least one duration".into()));
        }
        for &d in self.target_durations_sec {
            check_range(&key("target_durations_sec"), d, self.min_duration_sec, self.max_duration_sec)?;
        }
        if self.max_candidates_per_file > 1000 {
            return Err(invalid(
                &key("max_candidates_per_file"),
                self.max_candidates_per_file,
                "expected a count from 0 to 1000".into(),
            ));
        }
        check_range(&key("window_hop_sec"), self.window_hop_sec, 0.01, 60.0)?;
        check_range(&key("max_overlap_ratio"), self.max_overlap_ratio, 0.0, 1.0)
    }
}
