//! The preset file: a name, a category, the host parameters by their stable ids (plain values, as
//! the plugin state saves them) and optionally the bank by pad identity, as versioned TOML.
//!
//! ```toml
//! version = 1
//! name = "Tape Shimmer"
//! category = "Pads"
//!
//! [params]              # plain values by parameter id; a missing id takes its default,
//! grain_size = 240.0    # an unknown one is ignored with a note (presets outlive parameters)
//! window = "tukey"      # enums by their stable variant id
//! freeze = false
//! seed = 7
//!
//! [[bank.pads]]         # optional: the bank by pad identity, rebuilt by the mining thread
//! slot = 0
//! pad_id = "1c0ffee00ddba11e"   # 16 hex digits (TOML integers stop at i64)
//! source = { path = "/music/take.wav", content_hash = "…", start_sample = 44100, len_samples = 220500 }
//! ```
//!
//! Keys this version does not know are kept out and reported as notes, so a preset written by a
//! newer afterglow of the same format version still loads.

use std::collections::BTreeMap;
use std::fmt;

use engine::recipe::RecipeSource;
use serde::{Deserialize, Serialize};

use crate::persist::{SavedBank, SavedPad};

/// The preset format this build writes; it reads this one and every older one it knows.
pub const PRESET_VERSION: u32 = 1;

/// The first line of every preset file.
pub const PRESET_HEADER: &str = "# afterglow preset";

/// One parameter's plain value: a number in the parameter's unit, a switch, or an enum's stable
/// variant id. Integers are accepted where a number is expected (`density = 30`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PresetValue {
    Bool(bool),
    Int(i64),
    Float(f64),
    Id(String),
}

impl PresetValue {
    /// `value` as written to a file: the shortest decimal that reads back as the same `f32`
    /// (`0.3`, not `0.30000001192092896`).
    pub fn from_f32(value: f32) -> Self {
        // The shortest round-trip text of an f32 always parses as an f64.
        Self::Float(value.to_string().parse().unwrap_or(f64::from(value)))
    }

    /// The value as a number, when it is one.
    pub fn as_number(&self) -> Option<f64> {
        match *self {
            Self::Int(n) => Some(n as f64),
            Self::Float(x) => Some(x),
            Self::Bool(_) | Self::Id(_) => None,
        }
    }
}

impl fmt::Display for PresetValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bool(b) => write!(f, "{b}"),
            Self::Int(n) => write!(f, "{n}"),
            Self::Float(x) => write!(f, "{x}"),
            Self::Id(id) => write!(f, "\"{id}\""),
        }
    }
}

/// A preset as the plugin uses it.
#[derive(Debug, Clone, PartialEq)]
pub struct Preset {
    pub name: String,
    /// Where the browser lists it ("Pads", "Drones", ...).
    pub category: String,
    /// Plain values by parameter id.
    pub params: BTreeMap<String, PresetValue>,
    /// The bank by pad identity, when the preset carries one.
    pub bank: Option<SavedBank>,
}

/// A preset that could not be read or written: the file (or the factory preset's name) and what
/// is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresetError {
    /// The file, or the name of a preset not (yet) in a file.
    pub origin: String,
    pub problem: String,
}

impl PresetError {
    pub fn new(origin: impl Into<String>, problem: impl Into<String>) -> Self {
        Self { origin: origin.into(), problem: problem.into() }
    }
}

impl fmt::Display for PresetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.problem)
    }
}

impl std::error::Error for PresetError {}

/// The file's form of a saved pad: the id as hex, since TOML integers stop at `i64::MAX`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FilePad {
    slot: u16,
    pad_id: String,
    source: RecipeSource,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileBank {
    #[serde(default)]
    pads: Vec<FilePad>,
}

#[derive(Debug, Serialize, Deserialize)]
struct PresetFile {
    version: u32,
    name: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    params: BTreeMap<String, PresetValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    bank: Option<FileBank>,
    /// Keys this version does not know (reported as notes).
    #[serde(flatten)]
    other: BTreeMap<String, toml::Value>,
}

/// Category of a preset that names none.
pub const DEFAULT_CATEGORY: &str = "User";

/// `preset` as the text of a preset file. Not realtime-safe: allocates.
pub fn preset_to_text(preset: &Preset) -> Result<String, PresetError> {
    let bank = preset.bank.as_ref().map(|bank| FileBank {
        pads: bank
            .pads
            .iter()
            .map(|pad| FilePad { slot: pad.slot, pad_id: format!("{:016x}", pad.pad_id), source: pad.source.clone() })
            .collect(),
    });
    let file = PresetFile {
        version: PRESET_VERSION,
        name: preset.name.clone(),
        category: preset.category.clone(),
        params: preset.params.clone(),
        bank,
        other: BTreeMap::new(),
    };
    let body = toml::to_string(&file).map_err(|e| PresetError::new(&preset.name, format!("cannot write as TOML: {e}")))?;
    Ok(format!("{PRESET_HEADER}\n{body}"))
}

/// Read a preset from `text`; `origin` (a file name) names it in errors. Returns the preset and
/// notes on what was left out (keys this version does not know). The version is checked before
/// anything else, so a preset from a newer format says so. Not realtime-safe: allocates.
pub fn preset_from_text(text: &str, origin: &str) -> Result<(Preset, Vec<String>), PresetError> {
    #[derive(Deserialize)]
    struct VersionOnly {
        version: Option<toml::Value>,
    }
    let error = |problem: String| PresetError::new(origin, problem);
    let probe: VersionOnly = toml::from_str(text).map_err(|e| error(format!("not a preset file (TOML: {e})")))?;
    match probe.version {
        None => return Err(error(String::from("not a preset file: it has no `version`"))),
        Some(toml::Value::Integer(v)) if (1..=i64::from(PRESET_VERSION)).contains(&v) => {}
        Some(toml::Value::Integer(v)) if v > i64::from(PRESET_VERSION) => {
            return Err(error(format!("preset format version {v}: made by a newer afterglow (this one reads 1..={PRESET_VERSION})")));
        }
        Some(other) => return Err(error(format!("`version` is {other}: expected a whole number from 1 to {PRESET_VERSION}"))),
    }
    let file: PresetFile = toml::from_str(text).map_err(|e| error(format!("not a valid preset: {e}")))?;
    let name = file.name.trim().to_owned();
    if name.is_empty() {
        return Err(error(String::from("the preset has an empty `name`")));
    }
    let mut pads = Vec::new();
    for (index, pad) in file.bank.unwrap_or_default().pads.into_iter().enumerate() {
        let pad_id = u64::from_str_radix(pad.pad_id.trim(), 16)
            .map_err(|_| error(format!("bank.pads[{index}].pad_id is {:?}: expected up to 16 hex digits", pad.pad_id)))?;
        pads.push(SavedPad { slot: pad.slot, pad_id, source: pad.source });
    }
    let notes = file.other.keys().map(|key| format!("{origin}: unknown key `{key}` ignored")).collect();
    let category = match file.category.trim() {
        "" => DEFAULT_CATEGORY.to_owned(),
        category => category.to_owned(),
    };
    let bank = (!pads.is_empty()).then_some(SavedBank { pads });
    Ok((Preset { name, category, params: file.params, bank }, notes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn preset() -> Preset {
        let mut params = BTreeMap::new();
        params.insert(String::from("grain_size"), PresetValue::from_f32(240.0));
        params.insert(String::from("position_spray"), PresetValue::from_f32(0.3));
        params.insert(String::from("window"), PresetValue::Id(String::from("tukey")));
        params.insert(String::from("freeze"), PresetValue::Bool(true));
        params.insert(String::from("seed"), PresetValue::Int(7));
        let source = RecipeSource { path: String::from("/music/take.wav"), start_sample: 44_100, len_samples: 220_500, ..RecipeSource::builtin() };
        // An id past i64::MAX: TOML cannot hold it as an integer.
        let bank = SavedBank { pads: vec![SavedPad { slot: 3, pad_id: u64::MAX - 5, source }] };
        Preset { name: String::from("Tape Shimmer"), category: String::from("Pads"), params, bank: Some(bank) }
    }

    #[test]
    fn a_preset_reads_back_as_written_bank_and_large_pad_ids_included() {
        let text = preset_to_text(&preset()).expect("write");
        assert!(text.starts_with(PRESET_HEADER) && text.contains("position_spray = 0.3\n"), "{text}");
        let (back, notes) = preset_from_text(&text, "shimmer.toml").expect("read");
        assert_eq!(back, preset());
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn unknown_keys_are_notes_and_a_missing_category_is_user() {
        let text = "version = 1\nname = \"x\"\nauthor = \"someone\"\n[params]\ndensity = 30\n";
        let (preset, notes) = preset_from_text(text, "x.toml").expect("read");
        assert_eq!(preset.category, DEFAULT_CATEGORY);
        assert_eq!(preset.params["density"].as_number(), Some(30.0));
        assert_eq!(notes, ["x.toml: unknown key `author` ignored"]);
    }

    #[test]
    fn errors_name_the_file_and_the_problem() {
        let cases = [
            ("name = \"x\"", "has no `version`"),
            ("version = 9\nname = \"x\"", "made by a newer afterglow"),
            ("version = \"one\"\nname = \"x\"", "expected a whole number"),
            ("version = 1\nname = \"  \"", "empty `name`"),
            ("version = 1\nname = \"x\"\n[[bank.pads]]\nslot = 0\npad_id = \"zz\"\nsource = { path = \"builtin:\" }", "pad_id"),
            ("version = 1\nname = [", "not a preset file"),
        ];
        for (text, expected) in cases {
            let error = preset_from_text(text, "/presets/broken.toml").expect_err(text);
            assert_eq!(error.origin, "/presets/broken.toml");
            assert!(error.to_string().starts_with("/presets/broken.toml: ") && error.problem.contains(expected), "{error}");
        }
    }
}
