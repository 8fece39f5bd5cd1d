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
