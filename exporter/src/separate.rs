//! `afterglow separate`: each file split into its harmonic, percussive and residual layers, written
//! as 24-bit WAVs at the engine rate (stems a musician can use as they are), with the layer balance.

use crate::cli::SeparateArgs;
use crate::config::Config;
use crate::discover::{discover, Role};
use crate::exit::ExitStatus;
use crate::naming::{slugify, UniqueNames};
use crate::wav_out::{write_wav, WavFormat};
use anyhow::{Context, Result};
use engine::separate::{Layer, Separator};
use engine::source::{load, LoadOptions};
use std::path::{Path, PathBuf};

/// Runs the command: every file in its own folder under `--out`, named after it; a file that fails
/// is named with its problem and the others go on. The status says whether any failed.
pub fn run(args: &SeparateArgs) -> Result<ExitStatus> {
    let config = Config::load(args.config.as_deref())?;
    let roots: Vec<_> = args.files.iter().map(|p| (p.clone(), Role::Any)).collect();
    let found = discover(&roots);
    for note in &found.notes {
        eprintln!("note: {note}");
    }
    if found.files.is_empty() {
        anyhow::bail!("no audio files found (supported: {})", engine::source::SUPPORTED_EXTENSIONS.join(", "));
    }
    std::fs::create_dir_all(&args.out).with_context(|| format!("{}: cannot create output folder", args.out.display()))?;
    let mut separator = Separator::new(&config.separation);
    let mut folders = UniqueNames::default();
    let mut failed = 0usize;
    for file in &found.files {
        let stem = file.path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let dir = args.out.join(folders.claim(&slugify(&stem, "source")));
        match separate_file(&mut separator, &file.path, &dir) {
            Ok(summary) => println!("{}: {summary}\n  -> {}", file.path.display(), dir.display()),
            Err(err) => {
                failed += 1;
                eprintln!("error: {}: {err:#}", file.path.display());
            }
        }
    }
    Ok(if failed > 0 { ExitStatus::SomeSkipped } else { ExitStatus::Success })
}

/// Separates one file into `dir/{harmonic,percussive,residual}.wav`; returns its layer balance in words.
fn separate_file(separator: &mut Separator, path: &Path, dir: &Path) -> Result<String> {
    let source = load(path, &LoadOptions::default())?;
    let layers = separator.separate(&source.channels, source.sample_rate_hz, None)?;
    std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create folder", dir.display()))?;
    for layer in [Layer::Harmonic, Layer::Percussive, Layer::Residual] {
        let channels = layers.get(layer).unwrap_or(&source.channels);
        let out: PathBuf = dir.join(format!("{layer}.wav"));
        write_wav(&out, channels, source.sample_rate_hz, WavFormat::default(), None)?;
    }
    let b = layers.balance();
    Ok(format!(
        "harmonic {:.0} % ({:.1} dBFS RMS), percussive {:.0} % ({:.1} dBFS), residual {:.0} % ({:.1} dBFS)",
        100.0 * b.harmonic,
        b.harmonic_db,
        100.0 * b.percussive,
        b.percussive_db,
        100.0 * b.residual,
        b.residual_db
    ))
}
