//! "Capture recipe": the plugin's current sound as a recipe file the exporter renders
//! (`afterglow recipe render`): the pad's identity, every texture parameter as the plugin maps
//! it, the seed and the keys held down. [`wav`] renders that recipe to a WAV file on a thread of
//! its own ([`job`]).
//!
//! A recipe holds one pad. With one source slot selected, that slot's pad is captured; with
//! "All pads", slot 1 (bank slot 0) is captured and the recipe plays it alone (it says so in
//! [`Capture::note`]). The built-in texture is captured as `path = "builtin:"`.

use std::io::Write;
use std::path::{Path, PathBuf};

use catalogue::atomic_file::{write_atomically, Durability};
use engine::recipe::{recipe_to_text, NoteSpan, OutputSpec, Recipe, RecipeKind, RECIPE_VERSION};

use crate::mining::PadInfo;

pub mod job;
pub mod wav;
use crate::params::AfterglowParams;

/// Default length of a captured recipe, seconds.
pub const DEFAULT_CAPTURE_SEC: f64 = 8.0;

/// Name of the folder recipes are written to (next to the archive, or in the home folder).
pub const RECIPES_FOLDER: &str = "afterglow-recipes";

/// A captured recipe and what the musician should know about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Capture {
    pub recipe: Recipe,
    /// Empty, or a remark such as "all pads: captured pad 1 only".
    pub note: String,
}

/// The current sound as a recipe of `duration_sec`: the pad in the selected source slot (slot 0
/// when all pads play) from `pads` (the miner's catalogue, indexed by slot), `params` mapped as
/// the audio thread maps them, the seed, and each key with a non-zero velocity in
/// `held_velocities` (indexed by MIDI note) as a note from 0 lasting the whole recipe. An error
/// names an empty slot. Not realtime-safe: allocates.
pub fn capture_recipe(
    params: &AfterglowParams,
    pads: &[Option<PadInfo>],
    held_velocities: &[f32],
    duration_sec: f64,
) -> Result<Capture, String> {
    let mut texture = params.texture_params();
    let all = texture.source_slot.is_none();
    let slot = usize::from(texture.source_slot.unwrap_or(0));
    let Some(info) = pads.get(slot).and_then(Option::as_ref) else {
        return Err(format!("pad {} is empty: nothing to capture", slot + 1));
    };
    // The recipe's bank holds the one pad in slot 0.
    if !all {
        texture.source_slot = Some(0);
    }
    let notes = held_velocities
        .iter()
        .enumerate()
        .filter(|&(note, &velocity)| note < 128 && velocity > 0.0)
        .map(|(note, &velocity)| NoteSpan {
            start_sec: 0.0,
            length_sec: duration_sec,
            note: note as u8,
            velocity: velocity.min(1.0),
        })
        .collect();
    let recipe = Recipe {
        version: RECIPE_VERSION,
        kind: RecipeKind::Cloud,
        seed: params.seed_value(),
        duration_sec,
        source: info.recipe_source.clone(),
        params: texture,
        notes,
        automation: Vec::new(),
        tempo_bpm: engine::texture::transport::DEFAULT_TEMPO_BPM,
        output: OutputSpec::default(),
    };
    recipe.validate("captured recipe").map_err(|error| error.to_string())?;
    let note = if all && pads.iter().flatten().count() > 1 {
        String::from("All pads play: captured pad 1 only")
    } else {
        String::new()
    };
    Ok(Capture { recipe, note })
}

/// Where captured recipes go: `afterglow-recipes` next to the archive folder when one is set
/// (beside it, so the miner never walks it), else in the home folder, else the temp folder.
pub fn recipes_folder(archive_path: &str) -> PathBuf {
    let archive = Path::new(archive_path.trim());
    if !archive_path.trim().is_empty()
        && archive.is_dir()
        && let Some(parent) = archive.parent().filter(|p| !p.as_os_str().is_empty())
    {
        return parent.join(RECIPES_FOLDER);
    }
    let home = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE"));
    home.map_or_else(std::env::temp_dir, PathBuf::from).join(RECIPES_FOLDER)
}

/// `name` made safe as a file stem: letters, digits, `-` and `_` kept, the rest `-`.
pub(crate) fn file_stem(name: &str) -> String {
    let stem: String = name
        .trim()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
        .collect();
    if stem.is_empty() { String::from("recipe") } else { stem }
}

/// Write `recipe` as a recipe file ([`engine::recipe::recipe_to_text`]) to `folder/<name>.toml`
/// atomically, creating the folder. Returns the path written. Not realtime-safe: allocates and
/// does I/O.
pub fn write_recipe(recipe: &Recipe, folder: &Path, name: &str) -> std::io::Result<PathBuf> {
    let text = recipe_to_text(recipe).map_err(std::io::Error::other)?;
    std::fs::create_dir_all(folder)?;
    let path = folder.join(format!("{}.toml", file_stem(name)));
    write_atomically(&path, Durability::Synced, |file| file.write_all(text.as_bytes()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use engine::recipe::RecipeSource;

    use super::*;

    fn builtin_only() -> Vec<Option<PadInfo>> {
        let status = crate::mining::MiningStatus::new();
        crate::mining::publish_builtin(&status, &engine::texture::builtin_pad(44_100.0));
        let mut snapshot = crate::mining::MiningSnapshot::default();
        assert!(status.try_copy_into(&mut snapshot));
        snapshot.pads
    }

    #[test]
    fn captures_parameters_seed_and_held_keys_and_writes_readable_toml() {
        let params = AfterglowParams::default();
        let mut held = [0.0; 128];
        held[57] = 0.5;
        held[64] = 1.0;
        let capture = capture_recipe(&params, &builtin_only(), &held, 3.0).expect("capture");
        let recipe = &capture.recipe;
        assert_eq!(recipe.source, RecipeSource::builtin());
        assert_eq!(recipe.params, params.texture_params());
        assert_eq!(recipe.seed, params.seed_value());
        let keys: Vec<(u8, f32, f64)> = recipe.notes.iter().map(|n| (n.note, n.velocity, n.length_sec)).collect();
        assert_eq!(keys, [(57, 0.5, 3.0), (64, 1.0, 3.0)]);
        assert!(capture.note.is_empty(), "{}", capture.note);

        let folder = tempfile::tempdir().expect("temp dir");
        let path = write_recipe(recipe, folder.path(), "my pad / take 2").expect("write");
        assert_eq!(path.file_name().and_then(|n| n.to_str()), Some("my-pad---take-2.toml"));
        let text = std::fs::read_to_string(&path).expect("read back");
        let back = engine::recipe::recipe_from_text(&text, "my-pad---take-2.toml").expect("parse");
        assert_eq!(&back, recipe);
        let leftovers = std::fs::read_dir(folder.path()).expect("list").count();
        assert_eq!(leftovers, 1, "temporary file left behind");
    }

    #[test]
    fn an_empty_slot_cannot_be_captured_and_folders_fall_back_to_home() {
        let params = AfterglowParams::default();
        let pads = vec![None; 4];
        assert!(capture_recipe(&params, &pads, &[0.0; 128], 8.0).is_err());
        let archive = tempfile::tempdir().expect("temp dir");
        let beside = recipes_folder(&archive.path().display().to_string());
        assert_eq!(beside, archive.path().parent().expect("parent").join(RECIPES_FOLDER));
        assert!(recipes_folder("").ends_with(RECIPES_FOLDER));
    }
}
