//! Presets: a name, a category, the host parameters by their stable ids and optionally the bank
//! by pad identity (as a project recalls it).
//!
//! - [`format`]: the versioned TOML file and its reader and writer.
//! - [`values`]: a preset against the live parameters: current values in, targets out (missing ids
//!   take defaults, unknown ids are noted), applied as host gestures.
//! - [`factory`]: the presets compiled into the plugin; [`user`]: the user's preset files;
//!   [`library`]: both, by category, for the browser.
//!
//! GUI thread only: loading goes through the editor's `ParamSetter`; a preset's bank goes to the
//! mining thread as a loaded project's does ([`crate::persist::BankRecall`]).
//!
//! # No CLAP preset-discovery factory (yet)
//! Hosts list a plugin's presets through `clap_preset_discovery_factory` and load one through the
//! plugin's `clap.preset-load` extension. nice-plug 0.4 offers neither hook: its
//! `nice_export_clap!` macro defines the library's only `clap_entry`, whose `get_factory`
//! answers the plugin factory's id and nothing else, and its wrapper's `get_extension` is a fixed
//! list without `preset-load`. Adding them means either exporting a hand-written `clap_entry` that
//! copies the macro's plugin factory (a twin of framework code to keep in step) and still could
//! not load a preset into an instance, or patching the framework. Both are left out; the editor's
//! browser is the way in.

pub mod factory;
pub mod format;
pub mod library;
pub mod user;
pub mod values;

use std::sync::Arc;

use nice_plug::params::persist::PersistentField;
use nice_plug::prelude::ParamSetter;

pub use format::{Preset, PresetError, PresetValue};
pub use library::{PresetEntry, PresetLibrary, PresetOrigin};
pub use user::UserPresets;
pub use values::Resolved;

use crate::params::AfterglowParams;

/// The current sound as a preset called `name` in `category`: every host parameter's value and,
/// with `with_bank`, the bank by pad identity (none when the bank holds only the built-in
/// texture). Not realtime-safe: allocates.
pub fn preset_from_params(params: &AfterglowParams, name: &str, category: &str, with_bank: bool) -> Preset {
    let bank = if with_bank { Some(params.bank.saved()).filter(|bank| !bank.pads.is_empty()) } else { None };
    let category = match category.trim() {
        "" => format::DEFAULT_CATEGORY,
        category => category,
    };
    Preset { name: name.trim().to_owned(), category: category.to_owned(), params: values::current_values(params), bank }
}

/// Load `preset`: set every host parameter to the preset's value (its default where the preset
/// has none) through `setter`, so the host records the change; when the preset carries a bank, ask
/// the mining thread to rebuild it, as for a loaded project. Returns the resolved preset (its
/// notes say what was ignored; it tells whether the parameters still hold the preset). Not
/// realtime-safe: GUI thread.
pub fn load_preset(params: &Arc<AfterglowParams>, setter: &ParamSetter, preset: &Preset) -> Resolved {
    let resolved = values::resolve(params, preset);
    resolved.apply(setter);
    if let Some(bank) = &preset.bank {
        // Raises the bank's generation: the mining thread rebuilds these pads in their slots.
        PersistentField::set(&params.bank, bank.clone());
    }
    resolved
}
