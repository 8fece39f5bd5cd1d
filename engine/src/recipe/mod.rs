//! Recipes: the meeting point of the two front ends. A recipe names a source region, every
//! texture parameter, a seed, a duration and optional notes and automation; rendering it through
//! [`TextureEngine`](crate::texture::TextureEngine) gives the same samples the plugin played.
//! Background thread (rendering allocates its output).

mod automation;
mod format;
mod pad;
mod render;
mod text;

pub use automation::{is_param_name, param_names, set_param};
pub use format::{
    check_version, NoteSpan, OutputSpec, ParamPoint, Recipe, RecipeKind, RecipeSource, BUILTIN_SOURCE_PATH, MAX_RECIPE_SEC,
    RECIPE_VERSION,
};
pub use pad::{pad_id, pad_material, recipe_pad};
pub use render::{render_engine, render_recipe, RENDER_BLOCK_FRAMES};
pub use text::{recipe_from_text, recipe_to_text, RECIPE_HEADER};
