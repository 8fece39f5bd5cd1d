//! `afterglow scan`: analyses and mines an archive into the catalogue, skipping what is already
//! there, with a progress bar on the terminal and one JSON object with `--json`.

use crate::cli::ScanArgs;
use crate::config::Config;
use crate::discover::{discover, Role};
use crate::exit::ExitStatus;
use anyhow::Context;
use catalogue::{Catalogue, MineSettings};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;

/// The miner settings a scan with `config` uses (its `[pad_miner]`, `[hiss_miner]`, `[oneshots]`,
/// `[separation]` and `[brightness_tags]`).
pub fn mine_settings(config: &Config) -> MineSettings {
    MineSettings {
        pad_miner: config.pad_miner.clone(),
        hiss_miner: config.hiss_miner.clone(),
        oneshots: config.oneshots.clone(),
        separation: config.separation.clone(),
        brightness_tags: config.brightness_tags,
        cancel: None,
    }
}

/// Runs the command; the status says whether any file failed.
pub fn run(args: &ScanArgs) -> anyhow::Result<ExitStatus> {
    let config = Config::load(args.config.as_deref())?;
    let settings = mine_settings(&config);
    let path = catalogue::resolve_path(args.catalogue.as_deref());
    let mut cat = Catalogue::open(&path).with_context(|| "cannot open the catalogue (choose another with --catalogue)")?;
    let roots: Vec<_> = args.archive.iter().map(|p| (p.clone(), Role::Any)).collect();
    let found = discover(&roots);
    for note in &found.notes {
        eprintln!("note: {note}");
    }
    let files: Vec<_> = found.files.iter().map(|f| f.path.clone()).collect();
    let bar = if std::io::stderr().is_terminal() { ProgressBar::new(0) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {wide_msg}")
            // A constant template in indicatif's syntax: parsing it cannot fail.
            .expect("valid progress template"),
    );
    let report = catalogue::scan(&mut cat, &files, &args.archive, &settings, args.jobs.unwrap_or(0), &mut |p| {
            bar.set_length(p.total as u64);
            bar.set_position(p.done as u64);
            bar.set_message(p.path.to_string());
            if let Some(err) = p.error {
                bar.suspend(|| eprintln!("skipped {}: {err}", p.path));
            }
    })?;
    bar.finish_and_clear();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "{} files: {} scanned, {} unchanged, {} moved, {} fingerprinted, {} removed, {} failed; {} regions in {}",
            report.files,
            report.scanned,
            report.unchanged,
            report.moved,
            report.fingerprinted,
            report.removed,
            report.failed,
            report.regions,
            report.catalogue
        );
    }
    Ok(if report.failed > 0 { ExitStatus::SomeSkipped } else { ExitStatus::Success })
}
