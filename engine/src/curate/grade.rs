//! A-F grades from measurements and, for loops, the seam metrics: every check that fails caps
//! the grade and says why; the grade is the worst cap.
//!
//! What the grades mean (thresholds are [`GradeThresholds`], defaults in brackets):
//! - **A**: ready to load. Peak within `peak_tolerance_db` [0.5 dB] of the target
//!   [-1 dBFS], |DC| at most `max_dc_offset` [0.005], crest factor at most
//!   `high_crest_factor` [10]; a loop's seam flux ratio at
//!   most `seam_flux_ratio_a` [1.2] and wrap step at most `wrap_step_a` [1]: the seam is as
//!   smooth as the inside of the file (the pack targets of QUALITY.md).
//! - **B**: usable, one small blemish: seam flux ratio up to `seam_flux_ratio_b` [2.0, the pack's
//!   95th-percentile target], wrap step up to `wrap_step_b` [2], peaky (crest above 10: a
//!   sparse texture whose loudest moment is far above its average), or, for a pad from a harmonic
//!   layer, drum bleed or ducking above `drum_bleed_db_a` [1.5 dB] (louder, or quieter, at the
//!   source's drum hits than between them).
//! - **C**: listen before using: seam flux ratio up to `seam_flux_ratio_c` [4], wrap step up to
//!   `wrap_step_c` [4], |DC| above 0.005 (up to `severe_dc_offset` [0.05]), the peak more
//!   than the tolerance away from the target (not normalised), or drum bleed or ducking above
//!   `drum_bleed_db_b` [4 dB].
//! - **D**: a clear defect: a loop seam that clicks on every repeat (flux ratio above 4; the
//!   original tool's loops measure about 5.5), a wrap step above 4, |DC| above 0.05, or RMS
//!   above `max_rms_db` [-1 dBFS: a squashed, near-square signal].
//! - **F**: unusable, removed when `auto_delete_grade_f` is set: no samples, any NaN or infinite
//!   sample, silence (RMS below `min_rms_db`, -60 dBFS, the original's threshold), clipping (any
//!   sample at or above full scale), or a crest factor above `max_crest_factor` [20, the
//!   original's "extreme transient" limit: a lone spike in near-silence].

use super::measure::Measurements;
use super::seam::SeamMetrics;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// A file's grade, A best. Ordered so that the worse grade compares greater.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Grade {
    A,
    B,
    C,
    D,
    F,
}

impl std::fmt::Display for Grade {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::A => "A",
            Self::B => "B",
            Self::C => "C",
            Self::D => "D",
            Self::F => "F",
        })
    }
}

/// Grading thresholds (the original's `curation.thresholds`, extended). See the module docs for
/// which grade each one caps.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GradeThresholds {
    /// Below this RMS the file is silence: F. dBFS.
    pub min_rms_db: f32,
    /// Above this RMS the file is squashed: D. dBFS.
    pub max_rms_db: f32,
    /// The peak level files are normalised to, dBFS.
    pub target_peak_dbfs: f32,
    /// Allowed distance of the peak from the target before C, dB.
    pub peak_tolerance_db: f32,
    /// |DC| above this: C. Linear.
    pub max_dc_offset: f32,
    /// |DC| above this: D. Linear.
    pub severe_dc_offset: f32,
    /// Crest factor (peak / RMS) above this: B. Linear.
    pub high_crest_factor: f32,
    /// Crest factor above this: F. Linear.
    pub max_crest_factor: f32,
    /// Seam flux ratio above this: B.
    pub seam_flux_ratio_a: f32,
    /// Seam flux ratio above this: C.
    pub seam_flux_ratio_b: f32,
    /// Seam flux ratio above this: D.
    pub seam_flux_ratio_c: f32,
    /// Wrap step above this: B.
    pub wrap_step_a: f32,
    /// Wrap step above this: C.
    pub wrap_step_b: f32,
    /// Wrap step above this: D.
    pub wrap_step_c: f32,
    /// Drum bleed (or ducking: the size of a negative bleed) of a pad from a harmonic layer above
    /// this: B. dB.
    pub drum_bleed_db_a: f32,
    /// Drum bleed or ducking above this: C. dB.
    pub drum_bleed_db_b: f32,
}

impl Default for GradeThresholds {
    fn default() -> Self {
        Self {
            min_rms_db: -60.0,
            max_rms_db: -1.0,
            target_peak_dbfs: -1.0,
            peak_tolerance_db: 0.5,
            max_dc_offset: 0.005,
            severe_dc_offset: 0.05,
            high_crest_factor: 10.0,
            max_crest_factor: 20.0,
            seam_flux_ratio_a: 1.2,
            seam_flux_ratio_b: 2.0,
            seam_flux_ratio_c: 4.0,
            wrap_step_a: 1.0,
            wrap_step_b: 2.0,
            wrap_step_c: 4.0,
            drum_bleed_db_a: 1.5,
            drum_bleed_db_b: 4.0,
        }
    }
}

impl GradeThresholds {
    /// Checks every threshold is finite and each ladder rises (min < max RMS, and so on).
    pub fn validate(&self) -> Result<()> {
        let ladders: [(&str, &[f32]); 6] = [
            ("max_rms_db", &[self.min_rms_db, self.max_rms_db]),
            (
                "severe_dc_offset",
                &[0.0, self.max_dc_offset, self.severe_dc_offset],
            ),
            (
                "max_crest_factor",
                &[1.0, self.high_crest_factor, self.max_crest_factor],
            ),
            (
                "seam_flux_ratio_b",
                &[
                    0.0,
                    self.seam_flux_ratio_a,
                    self.seam_flux_ratio_b,
                    self.seam_flux_ratio_c,
                ],
            ),
            (
                "wrap_step_b",
                &[0.0, self.wrap_step_a, self.wrap_step_b, self.wrap_step_c],
            ),
            ("drum_bleed_db_b", &[0.0, self.drum_bleed_db_a, self.drum_bleed_db_b]),
        ];
        for (key, ladder) in ladders {
            if ladder.iter().any(|v| !v.is_finite()) || ladder.windows(2).any(|w| w[0] >= w[1]) {
                return Err(Error::InvalidSetting {
                    key: key.to_owned(),
                    value: format!("{ladder:?}"),
                    expected: "finite thresholds rising from grade to grade".to_owned(),
                });
            }
        }
        for (key, v) in [
            ("target_peak_dbfs", self.target_peak_dbfs),
            ("peak_tolerance_db", self.peak_tolerance_db),
        ] {
            if !v.is_finite()
                || (key == "peak_tolerance_db" && v <= 0.0)
                || v > 0.0 && key == "target_peak_dbfs"
            {
                return Err(Error::InvalidSetting {
                    key: key.to_owned(),
                    value: v.to_string(),
                    expected: "a finite level (target at most 0 dBFS, tolerance above 0 dB)"
                        .to_owned(),
                });
            }
        }
        Ok(())
    }
}

/// Grades a file from its measurements and, for loops, its seam. Returns the grade and one reason
/// per failed check (empty for A).
pub fn grade(
    m: &Measurements,
    seam: Option<SeamMetrics>,
    t: &GradeThresholds,
) -> (Grade, Vec<String>) {
    let mut checks = Checks::default();
    if m.num_frames == 0 {
        checks.cap(Grade::F, "no audio".to_owned());
        return checks.finish();
    }
    if m.non_finite > 0 {
        checks.cap(Grade::F, format!("{} NaN/infinite samples", m.non_finite));
    }
    if m.rms_db < t.min_rms_db {
        checks.cap(
            Grade::F,
            format!("silence: RMS {:.1} dBFS < {:.1}", m.rms_db, t.min_rms_db),
        );
    } else if m.rms_db > t.max_rms_db {
        checks.cap(
            Grade::D,
            format!("squashed: RMS {:.1} dBFS > {:.1}", m.rms_db, t.max_rms_db),
        );
    }
    if m.clipped_samples > 0 {
        checks.cap(
            Grade::F,
            format!("clipping: {} samples at full scale", m.clipped_samples),
        );
    }
    if m.crest_factor > t.max_crest_factor {
        checks.cap(
            Grade::F,
            format!(
                "extreme crest factor {:.1} > {:.1}",
                m.crest_factor, t.max_crest_factor
            ),
        );
    } else if m.crest_factor > t.high_crest_factor {
        checks.cap(
            Grade::B,
            format!(
                "peaky: crest factor {:.1} > {:.1}",
                m.crest_factor, t.high_crest_factor
            ),
        );
    }
    if m.dc_offset > t.severe_dc_offset {
        checks.cap(
            Grade::D,
            format!("DC offset {:.4} > {:.4}", m.dc_offset, t.severe_dc_offset),
        );
    } else if m.dc_offset > t.max_dc_offset {
        checks.cap(
            Grade::C,
            format!("DC offset {:.4} > {:.4}", m.dc_offset, t.max_dc_offset),
        );
    }
    let audible = m.rms_db >= t.min_rms_db;
    if audible
        && m.clipped_samples == 0
        && (m.peak_dbfs - t.target_peak_dbfs).abs() > t.peak_tolerance_db
    {
        checks.cap(
            Grade::C,
            format!(
                "peak {:.2} dBFS, target {:.2}",
                m.peak_dbfs, t.target_peak_dbfs
            ),
        );
    }
    if let Some(bleed) = m.drum_bleed_db {
        // The separation's artefacts a musician hears: drums ghosting through a harmonic pad
        // (louder at every hit), or the music ducking at every hit (taken away with the drums).
        let what = if bleed >= 0.0 { "drum bleed: louder" } else { "ducking: quieter" };
        let size = bleed.abs();
        for (limit, grade) in [(t.drum_bleed_db_b, Grade::C), (t.drum_bleed_db_a, Grade::B)] {
            if size > limit {
                checks.cap(grade, format!("{what} at the drum hits by {size:.1} dB > {limit:.1}"));
                break;
            }
        }
    }
    if let Some(s) = seam {
        let flux = [
            t.seam_flux_ratio_a,
            t.seam_flux_ratio_b,
            t.seam_flux_ratio_c,
        ];
        checks.ladder("seam flux ratio", s.flux_ratio, flux);
        checks.ladder(
            "wrap step",
            s.wrap_step,
            [t.wrap_step_a, t.wrap_step_b, t.wrap_step_c],
        );
    }
    checks.finish()
}

/// The worst grade so far and the reasons.
struct Checks {
    grade: Grade,
    reasons: Vec<String>,
}

impl Default for Checks {
    fn default() -> Self {
        Self {
            grade: Grade::A,
            reasons: Vec::new(),
        }
    }
}

impl Checks {
    fn cap(&mut self, grade: Grade, reason: String) {
        self.grade = self.grade.max(grade);
        self.reasons.push(format!("{grade}: {reason}"));
    }

    /// Caps at B, C or D when `value` is above the first, second or third step; a non-finite
    /// value counts as above all three.
    fn ladder(&mut self, name: &str, value: f32, steps: [f32; 3]) {
        let above = |s: f32| value.is_nan() || value > s;
        let grade = match steps.iter().filter(|&&s| above(s)).count() {
            0 => return,
            1 => Grade::B,
            2 => Grade::C,
            _ => Grade::D,
        };
        let step = steps
            .iter()
            .copied()
            .filter(|&s| above(s))
            .fold(f32::MIN, f32::max);
        self.cap(grade, format!("{name} {value:.2} > {step:.2}"));
    }

    fn finish(self) -> (Grade, Vec<String>) {
        (self.grade, self.reasons)
    }
}
