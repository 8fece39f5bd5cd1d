//! `afterglow recipe render`: recipe files (TOML) in, WAVs out, through the same finishing as a pack.

use crate::config::Config;
use crate::exit::ExitStatus;
use crate::render::finish::{finish, FinishSettings, SourceInfo};
use crate::kind::Kind;
use crate::render::texture::Texture;
use anyhow::{Context, Result};
use engine::recipe::{load_recipe_source, recipe_from_text, render_recipe};
use engine::source::LoadOptions;
use std::path::{Path, PathBuf};

/// Renders one recipe file into `out_dir/<recipe name>.wav`.
pub fn render_recipe_file(recipe_path: &Path, out_dir: &Path) -> Result<PathBuf> {
    let origin = recipe_path.display().to_string();
    let text = std::fs::read_to_string(recipe_path).with_context(|| format!("{origin}: cannot read"))?;
    let recipe = recipe_from_text(&text, &origin)?;
    // The built-in texture needs no file: the engine makes it. A file is loaded (and its hash
    // checked) as the plugin's capture to file loads it.
    let source = load_recipe_source(&recipe, recipe_path.parent(), &LoadOptions::default()).with_context(|| origin.clone())?;
    let source_path = source.as_ref().map_or_else(|| PathBuf::from(&recipe.source.path), |s| s.provenance.path.clone());
    let hash = source.as_ref().map_or("", |s| s.provenance.content_hash.as_str());
    let channels = render_recipe(&recipe, source.as_ref())?;
    let mut config = Config::default();
    config.global.target_peak_dbfs = recipe.output.normalize_peak_dbfs.unwrap_or(config.global.target_peak_dbfs);
    let stem = recipe_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let stem = stem.strip_suffix(".toml").unwrap_or(&stem);
    let stem = stem.strip_suffix(".recipe").unwrap_or(stem);
    let safe = !stem.is_empty() && stem.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let rel = format!("{}.wav", if safe { stem.to_string() } else { crate::naming::slugify(stem, "recipe") });
    std::fs::create_dir_all(out_dir).with_context(|| format!("{}: cannot create output folder", out_dir.display()))?;
    let texture = Texture {
        kind: Kind::Cloud,
        index: 0,
        variant: String::new(),
        channels,
        is_loop: false,
        source_offset_sec: None,
        key: None,
        transposed_semitones: None,
        seed: recipe.seed,
        notes: Vec::new(),
        recipe: None,
        region_id: String::new(),
        layer: None,
        drum_bleed_db: None,
    };
    let settings = FinishSettings {
        config: &config,
        write_dir: out_dir,
        pack_dir: out_dir,
        fingerprint: "",
        bits: recipe.output.bits,
        profile: crate::profiles::SamplerProfile::default_pack(),
        dry_run: false,
        normalize: recipe.output.normalize_peak_dbfs.is_some(),
    };
    let info = SourceInfo { path: &engine::source::portable_path(&source_path), hash, key: String::new(), key_confidence: None, bpm: None, bpm_confidence: None };
    finish(texture, &rel, &info, &settings)?;
    Ok(out_dir.join(rel))
}

/// Runs `afterglow recipe render`.
pub fn run(recipes: &[PathBuf], out_dir: &Path) -> Result<ExitStatus> {
    let mut failed = 0;
    for path in recipes {
        match render_recipe_file(path, out_dir) {
            Ok(wav) => println!("{} -> {}", path.display(), wav.display()),
            Err(err) => {
                failed += 1;
                eprintln!("skipped: {err:#}");
            }
        }
    }
    Ok(if failed > 0 { ExitStatus::SomeSkipped } else { ExitStatus::Success })
}
