//! The decoded source file a recipe names, as every front end loads it before rendering: the path
//! as written, else relative to the recipe's folder; decoded whole; its content hash checked
//! against the recipe's. The exporter's `recipe render` and the plugin's capture to file both load
//! through here, so they render the same samples. Background thread (decodes a file).

use std::path::{Path, PathBuf};

use super::format::Recipe;
use crate::source::{load, LoadOptions, SourceBuffer};
use crate::{Error, Result};

/// The file `recipe`'s source names: as written when it exists (or is absolute), else relative to
/// `recipe_dir` (the recipe file's folder) when it exists there, else as written.
pub fn recipe_source_path(recipe: &Recipe, recipe_dir: Option<&Path>) -> PathBuf {
    let named = PathBuf::from(&recipe.source.path);
    if named.is_absolute() || named.exists() {
        return named;
    }
    recipe_dir.map(|dir| dir.join(&named)).filter(|p| p.exists()).unwrap_or(named)
}

/// The decoded source `recipe` plays, `None` for the built-in texture (the engine makes it). A
/// file whose content hash differs from the recipe's (when the recipe has one) is
/// [`Error::SourceChanged`]. Not realtime-safe: decodes the whole file.
pub fn load_recipe_source(recipe: &Recipe, recipe_dir: Option<&Path>, options: &LoadOptions) -> Result<Option<SourceBuffer>> {
    if recipe.source.is_builtin() {
        return Ok(None);
    }
    let path = recipe_source_path(recipe, recipe_dir);
    let source = load(&path, options)?;
    let found = &source.provenance.content_hash;
    if !recipe.source.content_hash.is_empty() && &recipe.source.content_hash != found {
        return Err(Error::SourceChanged { path, found: found.clone(), expected: recipe.source.content_hash.clone() });
    }
    Ok(Some(source))
}
