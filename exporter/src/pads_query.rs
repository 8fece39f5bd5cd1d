//! `afterglow pads`: lists catalogued pads, filtered and ranked, as a table or JSON. The filters
//! are also what `render --from-catalogue` renders ([`pad_query`]). `afterglow oneshots` lists
//! catalogued drum one-shots the same way ([`run_oneshots`]).

use crate::cli::{BrightnessArg, OneshotsArgs, PadFilterArgs, PadsArgs};
use crate::exit::ExitStatus;
use anyhow::Context;
use catalogue::{Brightness, Catalogue, OneShotQuery, PadQuery};
use std::path::Path;

/// Rows `pads` lists when `--limit` is not given.
pub const DEFAULT_LIST_LIMIT: usize = 50;

/// Opens the catalogue `--catalogue` (or the environment, or the default) names, which must exist.
pub fn open_existing(explicit: Option<&Path>) -> anyhow::Result<Catalogue> {
    let path = catalogue::resolve_path(explicit);
    if !path.exists() {
        anyhow::bail!("{}: no catalogue yet (run `afterglow scan ARCHIVE` first)", path.display());
    }
    Catalogue::open(&path).context("cannot open the catalogue")
}

/// The query the filter options describe; `default_limit` when `--limit` is not given.
pub fn pad_query(filter: &PadFilterArgs, default_limit: usize) -> PadQuery {
    PadQuery {
        key: filter.key.clone(),
        brightness: filter.brightness.map(|b| match b {
            BrightnessArg::Dark => Brightness::Dark,
            BrightnessArg::Mid => Brightness::Mid,
            BrightnessArg::Bright => Brightness::Bright,
        }),
        min_sec: filter.min_sec,
        grade: filter.grade.clone(),
        like: filter.like.clone(),
        limit: filter.limit.unwrap_or(default_limit),
    }
}

/// Runs the command.
pub fn run(args: &PadsArgs) -> anyhow::Result<ExitStatus> {
    let cat = open_existing(args.filter.catalogue.as_deref())?;
    let pads = cat.pads(&pad_query(&args.filter, DEFAULT_LIST_LIMIT))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&pads)?);
    } else {
        for p in &pads {
            let distance = p.distance.map(|d| format!("  distance {d:.3}")).unwrap_or_default();
            println!(
                "{:<28} {:>7.2}s +{:>5.2}s  {:<4} {:<6} score {:.2}{distance}  {}",
                p.id,
                p.start_sec,
                p.duration_sec,
                p.key.as_deref().unwrap_or("-"),
                p.brightness,
                p.score,
                p.path
            );
        }
        if pads.is_empty() {
            eprintln!("no pads match");
        }
    }
    Ok(ExitStatus::Success)
}

/// Runs `oneshots`.
pub fn run_oneshots(args: &OneshotsArgs) -> anyhow::Result<ExitStatus> {
    let cat = open_existing(args.catalogue.as_deref())?;
    let query = OneShotQuery { class: args.class.clone(), like: args.like.clone(), limit: args.limit.unwrap_or(DEFAULT_LIST_LIMIT) };
    let shots = cat.oneshots(&query)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&shots)?);
    } else {
        for s in &shots {
            let distance = s.distance.map(|d| format!("  distance {d:.3}")).unwrap_or_default();
            println!(
                "{:<28} {:>7.2}s +{:>5.2}s  {:<5} score {:.2}{distance}  {}",
                s.id, s.start_sec, s.duration_sec, s.class, s.score, s.path
            );
        }
        if shots.is_empty() {
            eprintln!("no one-shots match");
        }
    }
    Ok(ExitStatus::Success)
}
