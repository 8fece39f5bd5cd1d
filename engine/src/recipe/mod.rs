//! Recipes: the meeting point of the two front ends. A recipe names a source region, every
//! texture parameter, a seed, a duration and optional notes and automation; rendering it through
//! [`TextureEngine`](crate::texture::TextureEngine) gives the same samples the plugin played.
//! Background thread (rendering allocates its output).

mod automation;
mod format;
mod pad;
mod render;
mod source;
mod text;

pub use automation::{is_param_name, param_names, set_param};
pub use format::{
    check_version, NoteSpan, OutputSpec, ParamPoint, Recipe, RecipeKind, RecipeSource, BUILTIN_SOURCE_PATH, MAX_RECIPE_SEC,
    RECIPE_VERSION,
};
pub use pad::{layer_pad_id, pad_id, pad_material, pad_material_of_layers, recipe_pad, recipe_pad_of_layers};
pub use render::{render_engine, render_recipe, render_recipe_of_layers, RENDER_BLOCK_FRAMES};
pub use source::{load_recipe_source, recipe_source_path};
pub use text::{recipe_from_text, recipe_to_text, RECIPE_HEADER};
