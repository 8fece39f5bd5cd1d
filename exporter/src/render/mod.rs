//! `afterglow render`: an archive in, a texture pack (WAVs + manifest.csv) out.
//!
//! Sources render in parallel (rayon); every output's random stream derives from (seed, source
//! hash, kind, index), so the pack is byte-identical for any `--jobs`.

mod budget;
mod clouds;
mod context;
mod drones;
mod finish;
mod hiss;
mod pads;
mod source_job;
mod summary;
mod texture;

use crate::cli::{KindArg, ProfileArg, RenderArgs};
use crate::config::Config;
use crate::discover::{discover, Role, SourceFile};
use crate::exit::ExitStatus;
use crate::manifest::{write_manifest, ManifestRow};
use crate::naming::{slugify, UniqueNames};
use anyhow::{Context, Result};
use finish::{FinishSettings, SourceInfo};
use rayon::prelude::*;
use source_job::{render_source, SourceJob, SourceOutcome};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Which kinds a run renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kinds {
    pub pads: bool,
    pub drones: bool,
    pub swells: bool,
    pub clouds: bool,
    pub hiss: bool,
}

impl Kinds {
    fn from_args(only: &[KindArg]) -> Self {
        let all = only.is_empty();
        Self {
            pads: all || only.contains(&KindArg::Pads),
            drones: all || only.contains(&KindArg::Drones),
            swells: all || only.contains(&KindArg::Swells),
            clouds: all || only.contains(&KindArg::Clouds),
            hiss: all || only.contains(&KindArg::Hiss),
        }
    }
}

/// Naming and format profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    Default,
    Tr8s,
}

/// The bundled archive, used when neither ARCHIVE nor the config's folders give any input.
fn bundled_archive() -> PathBuf {
    let local = PathBuf::from("fixtures/archive");
    if local.is_dir() { local } else { Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/archive") }
}

/// Where the sources come from: the command line, else the config's folders that exist, else the bundled archive.
fn archive_roots(args: &RenderArgs, config: &Config) -> Vec<(PathBuf, Role)> {
    if !args.archive.is_empty() {
        return args.archive.iter().map(|p| (p.clone(), Role::Any)).collect();
    }
    let p = &config.paths;
    let configured: Vec<(PathBuf, Role)> =
        [(&p.source_audio, Role::Any), (&p.pad_sources, Role::Tonal), (&p.drums, Role::Noisy)]
            .into_iter()
            .map(|(dir, role)| (PathBuf::from(dir), role))
            .filter(|(dir, _)| dir.is_dir())
            .collect();
    if configured.is_empty() { vec![(bundled_archive(), Role::Any)] } else { configured }
}

/// Runs the command.
pub fn run(args: &RenderArgs) -> Result<ExitStatus> {
    let started = Instant::now();
    let mut config = Config::load(args.config.as_deref())?;
    if let Some(seed) = args.seed {
        config.reproducibility.random_seed = seed;
    }
    let profile = match args.profile {
        ProfileArg::Default => Profile::Default,
        ProfileArg::Tr8s => Profile::Tr8s,
    };
    let bits = if profile == Profile::Tr8s { 16 } else { config.global.output_bit_depth };
    let out_dir = args.out.clone().unwrap_or_else(|| PathBuf::from(&config.paths.export_dir));
    let roots = archive_roots(args, &config);
    let found = discover(&roots);
    for note in &found.notes {
        eprintln!("note: {note}");
    }
    if found.files.is_empty() {
        let where_ = roots.iter().map(|(p, _)| p.display().to_string()).collect::<Vec<_>>().join(", ");
        anyhow::bail!("no audio files found in {where_} (supported: {})", engine::source::SUPPORTED_EXTENSIONS.join(", "));
    }
    if !args.dry_run {
        std::fs::create_dir_all(&out_dir).with_context(|| format!("{}: cannot create output folder", out_dir.display()))?;
    }
    let kinds = Kinds::from_args(&args.only);
    let seed = config.reproducibility.random_seed;
    let jobs = source_jobs(&found.files, kinds, profile, seed);
    let settings = FinishSettings { config: &config, out_dir: &out_dir, bits, dry_run: args.dry_run };

    let progress = summary::Progress::new(jobs.len());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
        .context("cannot start worker threads")?;
    let outcomes: Vec<SourceOutcome> = pool.install(|| {
        jobs.par_iter()
            .map(|job| {
                let outcome = render_source(job, &settings);
                progress.source_done(&job.file.path, &outcome);
                outcome
            })
            .collect()
    });
    progress.finish();

    let mut rows: Vec<ManifestRow> = outcomes.iter().flat_map(|o| o.rows.iter().cloned()).collect();
    let mut notes: Vec<String> = outcomes.iter().flat_map(|o| o.notes.iter().cloned()).collect();
    let any_noise = outcomes.iter().any(|o| o.had_noise);
    if kinds.hiss && !any_noise && config.hiss.synthetic_fallback {
        rows.extend(synthetic_hiss(&config, seed, profile, &settings, &mut notes));
    }
    if profile == Profile::Tr8s {
        notes.extend(budget::apply_tr8s_budget(&mut rows, &out_dir, args.dry_run));
    }
    if !args.dry_run {
        write_manifest(&out_dir, &rows)?;
    }
    let failures: Vec<(String, String)> = jobs
        .iter()
        .zip(&outcomes)
        .filter_map(|(job, o)| o.error.clone().map(|e| (job.file.path.display().to_string(), e)))
        .collect();
    summary::print_summary(&rows, &notes, &failures, &out_dir, args.dry_run, started.elapsed());
    Ok(if failures.is_empty() { ExitStatus::Success } else { ExitStatus::SomeSkipped })
}

/// One job per source, with a unique folder name each.
fn source_jobs(files: &[SourceFile], kinds: Kinds, profile: Profile, seed: u64) -> Vec<SourceJob<'_>> {
    let mut slugs = UniqueNames::default();
    files
        .iter()
        .enumerate()
        .map(|(source_index, file)| {
            let stem = file.path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let base = match profile {
                Profile::Tr8s => format!("S{:02}", source_index + 1),
                Profile::Default => slugify(&stem, "source"),
            };
            SourceJob { file, source_index, slug: slugs.claim(&base), kinds, profile, seed }
        })
        .collect()
}

/// Hiss from seeded noise, for archives without noisy material.
fn synthetic_hiss(
    config: &Config,
    seed: u64,
    profile: Profile,
    settings: &FinishSettings,
    notes: &mut Vec<String>,
) -> Vec<ManifestRow> {
    notes.push("no noisy material in the archive: hiss made from synthetic noise".into());
    let textures = hiss::make_synthetic_hiss(config, seed, config.global.sample_rate, true, true);
    let info = SourceInfo { path: "synthetic", hash: "", key: String::new(), key_confidence: None, bpm: None, bpm_confidence: None };
    source_job::write_all(textures, "synthetic", 99, profile, &info, settings, notes)
}
