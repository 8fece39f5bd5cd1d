//! `afterglow render`: an archive in, a texture pack (WAVs + manifest.csv) out.
//!
//! Sources render in parallel (rayon); every output's random stream derives from (seed, source
//! hash, kind, index), so the pack is byte-identical for any `--jobs`.

pub mod budget;
mod clouds;
mod context;
mod drones;
pub mod finish;
pub mod from_catalogue;
mod hiss;
mod kinds;
mod oneshots;
mod pads;
mod resume;
mod roomtone;
mod source_job;
mod summary;
pub mod texture;

use crate::cli::{InstrumentArg, RenderArgs};
use crate::config::Config;
use crate::discover::{discover, Role, SourceFile};
use crate::exit::ExitStatus;
use crate::manifest::{write_manifest, ManifestRow};
use crate::naming::{slugify, UniqueNames};
use crate::profiles::SamplerProfile;
use anyhow::{Context, Result};
use finish::{FinishSettings, SourceInfo};
use hiss::SYNTHETIC;
pub use kinds::Kinds;
pub use summary::PackReport;
use from_catalogue::CatalogueSelection;
use rayon::prelude::*;
use source_job::{render_source, SourceJob, SourceOutcome};
use std::path::{Path, PathBuf};
use std::time::Instant;

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

/// What to render: everything `render` needs beyond the config.
#[derive(Debug, Clone)]
pub struct RenderRequest {
    /// Files and folders to walk, each with its role.
    pub roots: Vec<(PathBuf, Role)>,
    pub out_dir: PathBuf,
    pub kinds: Kinds,
    /// The device the pack is for (`SamplerProfile::default_pack()` for none).
    pub profile: &'static SamplerProfile,
    /// Playable instruments written next to the pack.
    pub instruments: Vec<InstrumentArg>,
    pub dry_run: bool,
    /// Worker threads; 0 means one per core.
    pub jobs: usize,
    /// Whether to report progress on stderr.
    pub show_progress: bool,
}

impl RenderRequest {
    /// Every kind from `roots` (each mined for everything) into `out_dir`: the default pack, no
    /// instruments, one worker per core, no progress report.
    pub fn every_kind(roots: Vec<PathBuf>, out_dir: PathBuf) -> Self {
        Self {
            roots: roots.into_iter().map(|root| (root, Role::Any)).collect(),
            out_dir,
            kinds: Kinds::ALL,
            profile: SamplerProfile::default_pack(),
            instruments: Vec::new(),
            dry_run: false,
            jobs: 0,
            show_progress: false,
        }
    }
}

/// Runs the command.
pub fn run(args: &RenderArgs) -> Result<ExitStatus> {
    let started = Instant::now();
    let mut config = Config::load_with_preset(args.config.as_deref(), args.preset.as_deref())?;
    if let Some(seed) = args.seed {
        config.reproducibility.random_seed = seed;
    }
    let selection = if args.from_catalogue {
        Some(CatalogueSelection::query(&args.pads, &config)?)
    } else if args.pads.filters() || args.pads.catalogue.is_some() {
        anyhow::bail!("--catalogue, --key, --brightness, --min-sec, --grade, --like and --limit choose catalogued pads: add --from-catalogue");
    } else {
        None
    };
    let roots = match &selection {
        Some(s) => s.files.iter().map(|f| (f.clone(), Role::Any)).collect(),
        None => archive_roots(args, &config),
    };
    let request = RenderRequest {
        roots,
        out_dir: args.out.clone().unwrap_or_else(|| PathBuf::from(&config.paths.export_dir)),
        kinds: Kinds::from_args(&args.only),
        profile: SamplerProfile::by_name(&args.profile)
            .with_context(|| format!("unknown profile {} (see `afterglow profiles`)", args.profile))?,
        instruments: args.instrument.clone(),
        dry_run: args.dry_run,
        jobs: args.jobs.unwrap_or(0),
        show_progress: true,
    };
    let report = render_pack_from(&config, &request, selection.as_ref())?;
    summary::print_summary(&report, &request.out_dir, request.dry_run, started.elapsed());
    Ok(if report.failures.is_empty() { ExitStatus::Success } else { ExitStatus::SomeSkipped })
}

/// Renders a pack: discovers sources, renders them in parallel, applies the profile's budget and
/// writes the manifest. Errors only when nothing can be done (no input, unwritable output).
pub fn render_pack(config: &Config, request: &RenderRequest) -> Result<PackReport> {
    render_pack_from(config, request, None)
}

/// [`render_pack`] of the pads a catalogue query chose (`request.roots` are its files): only those
/// pads (and what is made from them), and the skipped copies of each recording noted.
pub fn render_pack_from(config: &Config, request: &RenderRequest, selection: Option<&CatalogueSelection>) -> Result<PackReport> {
    let found = discover(&request.roots);
    if found.files.is_empty() {
        let where_ = request.roots.iter().map(|(p, _)| p.display().to_string()).collect::<Vec<_>>().join(", ");
        anyhow::bail!("no audio files found in {where_} (supported: {})", engine::source::SUPPORTED_EXTENSIONS.join(", "));
    }
    let out_dir = &request.out_dir;
    let staging = out_dir.join(resume::STAGING_DIR);
    if !request.dry_run {
        std::fs::create_dir_all(out_dir).with_context(|| format!("{}: cannot create output folder", out_dir.display()))?;
        if staging.exists() {
            // Left by an interrupted run: nothing in it is listed anywhere.
            std::fs::remove_dir_all(&staging).with_context(|| format!("{}: cannot clear", staging.display()))?;
        }
    }
    let seed = config.reproducibility.random_seed;
    let bits = request.profile.bits(config.global.output_bit_depth);
    let mut jobs = source_jobs(&found.files, request.kinds, request.profile, seed);
    let pad_shares = pack_pad_shares(&jobs, config.pad_miner.max_pads_per_pack);
    for (job, share) in jobs.iter_mut().zip(&pad_shares) {
        job.regions = selection.and_then(|s| s.regions_of(&job.file.path));
        job.max_pads = *share;
    }
    let config_text = toml::to_string(config).context("cannot serialise the config")?;
    let mut chosen = selection.map(CatalogueSelection::digest).unwrap_or_default();
    if config.pad_miner.max_pads_per_pack > 0 {
        // A source's share of the pack ceiling depends on the whole archive: a changed archive
        // renders again.
        chosen.push_str(&format!(" pad shares {pad_shares:?}"));
    }
    let fingerprint =
        resume::settings_fingerprint(&[&config_text, &format!("{:?} {:?} {bits}", request.kinds, request.profile.name), &chosen]);
    let (previous, previous_note) =
        if request.dry_run { (resume::PreviousPack::default(), None) } else { resume::PreviousPack::load(out_dir) };
    let settings = FinishSettings { config, write_dir: &staging, pack_dir: out_dir, fingerprint: &fingerprint, bits, profile: request.profile, dry_run: request.dry_run, normalize: true };
    let names: Vec<String> = jobs.iter().map(|j| j.file.path.display().to_string()).collect();
    let in_run: std::collections::HashSet<String> = names.iter().cloned().chain([SYNTHETIC.to_string()]).collect();
    let mut earlier: Vec<_> = names.iter().map(|n| previous.rows_of(n)).collect();
    earlier.push(previous.rows_of(SYNTHETIC));
    let keeper = resume::ManifestKeeper::new(out_dir, earlier, previous.rows_not_in(&in_run, out_dir));

    let progress = summary::Progress::new(jobs.len(), request.show_progress);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(request.jobs).build().context("cannot start worker threads")?;
    let outcomes: Vec<SourceOutcome> = pool.install(|| {
        jobs.par_iter()
            .map(|job| {
                let mut outcome = render_source(job, &settings, &previous, out_dir);
                if !request.dry_run
                    && !outcome.reused
                    && outcome.error.is_none()
                    && let Err(err) = keeper.commit_source(job.source_index, &outcome.rows, &staging)
                {
                    outcome.error = Some(format!("{err:#}"));
                }
                progress.source_done(&job.file.path, &outcome);
                outcome
            })
            .collect()
    });
    progress.finish();

    let mut report = PackReport { notes: found.notes.iter().map(ToString::to_string).collect(), ..PackReport::default() };
    report.notes.extend(selection.iter().flat_map(|s| s.notes.iter().cloned()));
    report.notes.extend(previous_note);
    let reused = outcomes.iter().filter(|o| o.reused).count();
    if reused > 0 {
        report.notes.push(format!("{reused} source(s) unchanged since the last run: their files were kept"));
    }
    report.rows = outcomes.iter().flat_map(|o| o.rows.iter().cloned()).collect();
    report.notes.extend(outcomes.iter().flat_map(|o| o.notes.iter().cloned()));
    let any_noise = outcomes.iter().any(|o| o.had_noise);
    if request.kinds.hiss && !any_noise && config.hiss.synthetic_fallback {
        let rows = synthetic_hiss(config, seed, request.profile, &settings, &mut report.notes);
        if !request.dry_run {
            keeper.commit_source(jobs.len(), &rows, &staging)?;
        }
        report.rows.extend(rows);
    }
    report.rows.extend(previous.rows_not_in(&in_run, out_dir));
    report.notes.extend(budget::apply_budget(&mut report.rows, out_dir, request.dry_run, request.profile));
    if let Some(s) = selection {
        s.annotate(&mut report.rows);
    }
    if !request.dry_run {
        write_manifest(out_dir, &report.rows)?;
        for &kind in &request.instruments {
            match crate::instrument::write_instrument(out_dir, &report.rows, kind) {
                Ok(note) => report.notes.push(note),
                Err(err) => report.notes.push(format!("{err:#}")),
            }
        }
        // Empty folders only: every file in it was moved into place.
        let _ = std::fs::remove_dir_all(&staging);
        // The pack is complete without its gallery: a failure here is a note.
        match pool.install(|| crate::gallery::write_gallery(out_dir, &report.rows)) {
            Ok(gallery) => {
                report.notes.extend(gallery.notes);
                let page = out_dir.join(crate::gallery::INDEX_FILE_NAME);
                report.notes.push(format!("gallery: open {} in a browser to look and listen", page.display()));
            }
            Err(err) => report.notes.push(format!("gallery not written: {err:#}")),
        }
    }
    report.failures = jobs
        .iter()
        .zip(&outcomes)
        .filter_map(|(job, o)| o.error.clone().map(|e| (job.file.path.display().to_string(), e)))
        .collect();
    Ok(report)
}

/// One job per source, with a unique folder name each.
fn source_jobs<'a>(files: &'a [SourceFile], kinds: Kinds, profile: &'static SamplerProfile, seed: u64) -> Vec<SourceJob<'a>> {
    let mut slugs = UniqueNames::default();
    files
        .iter()
        .enumerate()
        .map(|(source_index, file)| {
            let stem = file.path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let base = if profile.is_default() { slugify(&stem, "source") } else { format!("S{:02}", source_index + 1) };
            SourceJob { file, source_index, slug: slugs.claim(&base), kinds, profile, seed, regions: None, max_pads: usize::MAX }
        })
        .collect()
}

/// Each job's share of the pack's pad ceiling (`pad_miner.max_pads_per_pack`, 0: none), by the
/// sources' durations as their headers give them (a file that cannot be probed counts as empty:
/// it fails later, in decoding, with its own error).
fn pack_pad_shares(jobs: &[SourceJob], max_pads_per_pack: usize) -> Vec<usize> {
    if max_pads_per_pack == 0 {
        return vec![usize::MAX; jobs.len()];
    }
    let durations: Vec<f64> = jobs
        .par_iter()
        .map(|job| engine::source::probe(&job.file.path).map_or(0.0, |p| p.original_duration_sec))
        .collect();
    engine::mining::pack_shares(&durations, max_pads_per_pack)
}

/// Hiss from seeded noise, for archives without noisy material.
fn synthetic_hiss(
    config: &Config,
    seed: u64,
    profile: &'static SamplerProfile,
    settings: &FinishSettings,
    notes: &mut Vec<String>,
) -> Vec<ManifestRow> {
    notes.push("no noisy material in the archive: hiss made from synthetic noise".into());
    let textures = hiss::make_synthetic_hiss(config, seed, config.global.sample_rate, true, true);
    let info = SourceInfo { path: SYNTHETIC, hash: "", key: String::new(), key_confidence: None, bpm: None, bpm_confidence: None };
    let names = std::sync::Mutex::new(crate::naming::UniqueNames::default());
    let writer = source_job::PartWriter { slug: SYNTHETIC, source_index: 99, profile, info: &info, settings, names: &names };
    let (rows, part_notes) = writer.write(textures, Vec::new());
    notes.extend(part_notes);
    rows
}
