//! The recipe parser: any text parses to a valid recipe or to an error; a valid recipe of the
//! built-in pad, kept short, renders finite audio.
#![no_main]

use afterglow_exporter::recipe::parse_recipe;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(mut recipe) = parse_recipe(text, "fuzz.toml") else { return };
    if recipe.source.is_builtin() {
        recipe.duration_sec = recipe.duration_sec.min(0.25);
        recipe.notes.truncate(8);
        recipe.automation.truncate(8);
        if let Ok(out) = engine::recipe::render_engine(&recipe, None) {
            assert!(out.iter().flatten().all(|x| x.is_finite()));
        }
    }
});
