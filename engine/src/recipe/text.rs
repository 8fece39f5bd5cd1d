//! Recipe files as text (TOML): the one writer and reader both front ends use, so a recipe the
//! plugin captures and one the exporter writes beside a pack are the same text for the same
//! recipe, and every reader checks the version before anything else.

use serde::Deserialize;

use super::format::{check_version, Recipe};
use crate::error::{Error, Result};

/// The first line of every recipe file.
pub const RECIPE_HEADER: &str = "# afterglow recipe: render with `afterglow recipe render <this file> --out <folder>`";

/// `recipe` as the text of a recipe file: the header line, then the TOML.
pub fn recipe_to_text(recipe: &Recipe) -> Result<String> {
    let body = toml::to_string(recipe)
        .map_err(|e| Error::NotARecipe { origin: String::from("recipe"), reason: e.to_string() })?;
    Ok(format!("{RECIPE_HEADER}\n{body}"))
}

/// Reads a recipe from `text`; `origin` (a file name) names it in errors. The version is checked
/// first, so a recipe from a newer afterglow fails with that message rather than a field error;
/// then the recipe is validated.
pub fn recipe_from_text(text: &str, origin: &str) -> Result<Recipe> {
    #[derive(Deserialize)]
    struct VersionOnly {
        #[serde(default)]
        version: u32,
    }
    let not_a_recipe = |e: toml::de::Error| Error::NotARecipe { origin: origin.to_string(), reason: e.to_string() };
    let probe: VersionOnly = toml::from_str(text).map_err(not_a_recipe)?;
    check_version(probe.version, origin)?;
    let recipe: Recipe = toml::from_str(text).map_err(not_a_recipe)?;
    recipe.validate(origin)?;
    Ok(recipe)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recipe::{OutputSpec, RecipeKind, RecipeSource, RECIPE_VERSION};
    use crate::texture::TextureParams;

    fn recipe() -> Recipe {
        Recipe {
            version: RECIPE_VERSION,
            kind: RecipeKind::Cloud,
            seed: 7,
            duration_sec: 3.0,
            source: RecipeSource::builtin(),
            params: TextureParams { density_hz: 30.0, ..TextureParams::default() },
            notes: Vec::new(),
            automation: Vec::new(),
            tempo_bpm: crate::texture::transport::DEFAULT_TEMPO_BPM,
            output: OutputSpec::default(),
        }
    }

    #[test]
    fn text_round_trips_and_opens_with_the_header() {
        let text = recipe_to_text(&recipe()).unwrap();
        assert!(text.starts_with(RECIPE_HEADER) && text.contains("seed = 7"), "{text}");
        assert_eq!(recipe_from_text(&text, "a.toml").unwrap(), recipe());
    }

    #[test]
    fn a_newer_version_is_named_before_unknown_fields_and_junk_is_named_by_file() {
        let newer = format!("version = {}\nkind = \"cloud\"\nwhat_is_this = 1\n", RECIPE_VERSION + 1);
        let error = recipe_from_text(&newer, "future.toml").unwrap_err().to_string();
        assert!(error.contains("future.toml") && error.contains("newer afterglow"), "{error}");
        let error = recipe_from_text("version = [", "junk.toml").unwrap_err().to_string();
        assert!(error.starts_with("junk.toml: not a valid recipe"), "{error}");
    }
}
