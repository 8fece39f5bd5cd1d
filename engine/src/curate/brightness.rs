//! Brightness tags (dark / mid / bright) from the spectral centroid, with the original tool's
//! `brightness_tags` thresholds.

use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// A file's brightness tag, used in file names and the manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Brightness {
    /// Centroid below `centroid_low_hz`.
    Dark,
    /// Centroid from `centroid_low_hz` to `centroid_high_hz` inclusive.
    Mid,
    /// Centroid above `centroid_high_hz`.
    Bright,
}

impl Brightness {
    /// Tags a centroid. A non-finite centroid counts as dark (it only comes from broken audio,
    /// which grading fails anyway).
    pub fn from_centroid(centroid_hz: f32, thresholds: &BrightnessThresholds) -> Self {
        if !centroid_hz.is_finite() || centroid_hz < thresholds.centroid_low_hz {
            Self::Dark
        } else if centroid_hz <= thresholds.centroid_high_hz {
            Self::Mid
        } else {
            Self::Bright
        }
    }

    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Dark => "dark",
            Self::Mid => "mid",
            Self::Bright => "bright",
        }
    }
}

impl std::fmt::Display for Brightness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Centroid thresholds between the tags (the original's `brightness_tags` section).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BrightnessThresholds {
    /// Dark / mid boundary, Hz. Default 1500 (the original's).
    pub centroid_low_hz: f32,
    /// Mid / bright boundary, Hz. Default 3500 (the original's).
    pub centroid_high_hz: f32,
}

impl Default for BrightnessThresholds {
    fn default() -> Self {
        Self {
            centroid_low_hz: 1500.0,
            centroid_high_hz: 3500.0,
        }
    }
}

impl BrightnessThresholds {
    /// Checks both thresholds are positive and finite and low < high.
    pub fn validate(&self) -> Result<()> {
        for (key, hz) in [
            ("centroid_low_hz", self.centroid_low_hz),
            ("centroid_high_hz", self.centroid_high_hz),
        ] {
            if !(hz.is_finite() && hz > 0.0) {
                return Err(Error::InvalidSetting {
                    key: key.to_owned(),
                    value: hz.to_string(),
                    expected: "a positive frequency in Hz".to_owned(),
                });
            }
        }
        if self.centroid_low_hz >= self.centroid_high_hz {
            return Err(Error::InvalidSetting {
                key: "centroid_low_hz".to_owned(),
                value: self.centroid_low_hz.to_string(),
                expected: format!("less than centroid_high_hz ({})", self.centroid_high_hz),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_follow_the_original_boundaries() {
        let t = BrightnessThresholds::default();
        assert_eq!(Brightness::from_centroid(800.0, &t), Brightness::Dark);
        assert_eq!(Brightness::from_centroid(1500.0, &t), Brightness::Mid);
        assert_eq!(Brightness::from_centroid(3500.0, &t), Brightness::Mid);
        assert_eq!(Brightness::from_centroid(3500.1, &t), Brightness::Bright);
        assert_eq!(Brightness::from_centroid(f32::NAN, &t), Brightness::Dark);
        assert_eq!(Brightness::Bright.to_string(), "bright");
    }

    #[test]
    fn thresholds_validate() {
        BrightnessThresholds::default().validate().unwrap();
        let swapped = BrightnessThresholds {
            centroid_low_hz: 4000.0,
            centroid_high_hz: 1000.0,
        };
        assert!(swapped.validate().is_err());
        let nan = BrightnessThresholds {
            centroid_low_hz: f32::NAN,
            ..Default::default()
        };
        assert!(nan.validate().is_err());
    }
}
