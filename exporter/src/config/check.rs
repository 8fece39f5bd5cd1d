//! Config checks: unknown keys (with a suggestion) and values out of range, each naming its key.

use engine::texture::param_table::ParamSpec;
use serde::Serialize;
use std::fmt;

/// One thing wrong with a config: which key, the bad value, and what is allowed.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Dotted key, e.g. `clouds.grain_length_min_ms`.
    pub key: String,
    /// The value as written (or a short description).
    pub value: String,
    /// What would be accepted.
    pub expected: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` = {}: {}", self.key, self.value, self.expected)
    }
}

/// Collects problems while a config is checked.
#[derive(Debug, Default)]
pub struct Checker {
    pub problems: Vec<Problem>,
}

impl Checker {
    /// Records a problem.
    pub fn fail(&mut self, key: &str, value: impl fmt::Display, expected: impl Into<String>) {
        self.problems.push(Problem { key: key.to_string(), value: value.to_string(), expected: expected.into() });
    }

    /// `value` must lie in `lo..=hi` (and be finite).
    pub fn range(&mut self, key: &str, value: f32, lo: f32, hi: f32) {
        if !(value.is_finite() && value >= lo && value <= hi) {
            self.fail(key, value, format!("expected a number from {lo} to {hi}"));
        }
    }

    /// `value` must lie in the range of the engine's texture parameter `spec`.
    pub fn texture_range(&mut self, key: &str, value: f32, spec: &ParamSpec) {
        self.range(key, value, spec.min, spec.max);
    }

    /// Every element of `values` must lie in `lo..=hi`; the list must not be empty when `non_empty`.
    pub fn range_list(&mut self, key: &str, values: &[f32], lo: f32, hi: f32, non_empty: bool) {
        if non_empty && values.is_empty() {
            self.fail(key, "[]", "expected at least one value");
        }
        for (i, v) in values.iter().enumerate() {
            self.range(&format!("{key}[{i}]"), *v, lo, hi);
        }
    }

    /// A count must lie in `lo..=hi`.
    pub fn count(&mut self, key: &str, value: usize, lo: usize, hi: usize) {
        if value < lo || value > hi {
            self.fail(key, value, format!("expected a whole number from {lo} to {hi}"));
        }
    }

    /// `value` must be one of `allowed`.
    pub fn one_of(&mut self, key: &str, value: &str, allowed: &[&str]) {
        if !allowed.contains(&value) {
            let hint = suggestion(value, allowed.iter().copied());
            self.fail(key, format!("\"{value}\""), format!("expected one of {}{hint}", quoted(allowed)));
        }
    }

    /// `lo_value` must not exceed `hi_value`.
    pub fn ordered(&mut self, lo_key: &str, lo_value: f32, hi_key: &str, hi_value: f32) {
        if lo_value > hi_value {
            self.fail(lo_key, lo_value, format!("must not be larger than `{hi_key}` ({hi_value})"));
        }
    }
}

/// Checks `section.key` of a user's table before it is read into its typed field, which accepts
/// only `allowed` (the names of an enum's variants): a value not among them is a problem naming the
/// key and the names, and is removed so the rest of the file can still be read and checked.
pub fn enum_value(user: &mut toml::Table, section: &str, key: &str, allowed: &[&str], checker: &mut Checker) {
    let Some(toml::Value::Table(table)) = user.get_mut(section) else { return };
    let dotted = format!("{section}.{key}");
    match table.get(key) {
        None => {}
        Some(toml::Value::String(name)) if allowed.contains(&name.as_str()) => {}
        Some(toml::Value::String(name)) => {
            checker.one_of(&dotted, name, allowed);
            table.remove(key);
        }
        Some(other) => {
            checker.fail(&dotted, short(other), format!("expected one of {}", quoted(allowed)));
            table.remove(key);
        }
    }
}

/// The names serde gives each of `values` (the variants of a unit-only enum), in order.
pub fn serde_names<T: Serialize>(values: &[T]) -> Vec<String> {
    values
        .iter()
        .filter_map(|v| match toml::Value::try_from(v) {
            Ok(toml::Value::String(name)) => Some(name),
            _ => None,
        })
        .collect()
}

fn quoted(items: &[&str]) -> String {
    items.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(", ")
}

/// `" (did you mean `x`?)"` when one of `candidates` is close to `word`, else empty.
pub fn suggestion<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&word.to_ascii_lowercase(), c), c))
        .filter(|(d, c)| *d <= (c.len() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

/// Compares a user's table against the table of a default config and reports every key the
/// defaults do not have, with the closest known key as a suggestion.
pub fn unknown_keys(user: &toml::Table, known: &toml::Table, prefix: &str, checker: &mut Checker) {
    for (key, value) in user {
        let dotted = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        match known.get(key) {
            None => {
                let hint = suggestion(key, known.keys().map(String::as_str));
                let what = if prefix.is_empty() { "unknown section" } else { "unknown key" };
                checker.fail(&dotted, short(value), format!("{what}{hint}"));
            }
            Some(toml::Value::Table(known_sub)) => {
                if let toml::Value::Table(user_sub) = value {
                    unknown_keys(user_sub, known_sub, &dotted, checker);
                } else {
                    checker.fail(&dotted, short(value), "expected a table (a [section])");
                }
            }
            Some(_) => {}
        }
    }
}

/// Renames each `(section, legacy, current)` key found in `user` to its current name. Setting both
/// names is a problem (which one was meant is unclear).
pub fn rename_legacy_keys(user: &mut toml::Table, legacy: &[(&str, &str, &str)], checker: &mut Checker) {
    for &(section, old, new) in legacy {
        let Some(toml::Value::Table(table)) = user.get_mut(section) else { continue };
        let Some(value) = table.remove(old) else { continue };
        if table.contains_key(new) {
            checker.fail(&format!("{section}.{old}"), short(&value), format!("legacy name of `{section}.{new}`, which is also set: keep one"));
        } else {
            table.insert(new.to_string(), value);
        }
    }
}

fn short(value: &toml::Value) -> String {
    let text = value.to_string();
    if text.len() > 40 { format!("{}...", &text[..text.floor_char_boundary(40)]) } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys_only() {
        assert_eq!(suggestion("grain_lenght_min_ms", ["grain_length_min_ms", "stereo"]), " (did you mean `grain_length_min_ms`?)");
        assert_eq!(suggestion("banana", ["grain_length_min_ms", "stereo"]), "");
    }

    #[test]
    fn unknown_keys_are_found_at_any_depth() {
        let known: toml::Table = toml::from_str("[clouds]\nstereo = true\n[curation.thresholds]\nmin_rms_db = -50.0").unwrap();
        let user: toml::Table =
            toml::from_str("[clouds]\nsterio = true\n[curation.thresholds]\nmin_rms_dB = 1.0\n[cloud]\nx = 1").unwrap();
        let mut checker = Checker::default();
        unknown_keys(&user, &known, "", &mut checker);
        let keys: Vec<_> = checker.problems.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, ["cloud", "clouds.sterio", "curation.thresholds.min_rms_dB"]);
        assert!(checker.problems[1].expected.contains("`stereo`"));
        assert!(checker.problems[0].expected.contains("`clouds`"));
    }

    #[test]
    fn enum_values_are_checked_by_name_and_removed_when_wrong() {
        let mut user: toml::Table =
            toml::from_str("[clouds]\nwindow = \"tukey\"\n[a]\nwindow = \"hamming\"\n[b]\nwindow = 3\n").unwrap();
        let mut checker = Checker::default();
        let allowed = ["hann", "tukey"];
        for section in ["clouds", "a", "b", "missing"] {
            enum_value(&mut user, section, "window", &allowed, &mut checker);
        }
        let shown: Vec<String> = checker.problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "`a.window` = \"hamming\": expected one of \"hann\", \"tukey\"",
                "`b.window` = 3: expected one of \"hann\", \"tukey\"",
            ]
        );
        assert_eq!(user["clouds"]["window"].as_str(), Some("tukey"));
        assert!(user["a"].get("window").is_none() && user["b"].get("window").is_none());
        assert_eq!(serde_names(&engine::texture::WindowShape::ALL), ["hann", "tukey", "decay", "triangle"]);
    }

    #[test]
    fn ranges_name_key_value_and_bounds() {
        let mut checker = Checker::default();
        checker.range("clouds.stereo_spread", 1.5, 0.0, 1.0);
        checker.range("x", f32::NAN, 0.0, 1.0);
        checker.range("ok", 0.5, 0.0, 1.0);
        assert_eq!(checker.problems.len(), 2);
        assert_eq!(checker.problems[0].to_string(), "`clouds.stereo_spread` = 1.5: expected a number from 0 to 1");
    }
}
