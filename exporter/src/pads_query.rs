//! `afterglow pads`: lists catalogued pads, filtered and ranked, as a table or JSON. The filters
//! are also what `render --from-catalogue` renders ([`pad_query`]). `afterglow oneshots` lists
//! catalogued drum one-shots the same way ([`run_oneshots`]).

use crate::cli::{BrightnessArg, OneshotsArgs, PadFilterArgs, PadsArgs};
use crate::exit::ExitStatus;
use anyhow::Context;
use catalogue::{AspectDistances, Brightness, Catalogue, OneShotQuery, PadQuery};
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
        weights: filter.weights.unwrap_or_default(),
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
            let distance = distance_columns(p.distance, p.aspects.as_ref());
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
    let query = OneShotQuery {
        class: args.class.clone(),
        like: args.like.clone(),
        weights: args.weights.unwrap_or_default(),
        limit: args.limit.unwrap_or(DEFAULT_LIST_LIMIT),
    };
    let shots = cat.oneshots(&query)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&shots)?);
    } else {
        for s in &shots {
            let distance = distance_columns(s.distance, s.aspects.as_ref());
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

/// The distance columns of a `--like` row: overall, then each aspect (nothing without `--like`).
fn distance_columns(distance: Option<f32>, aspects: Option<&AspectDistances>) -> String {
    let Some(d) = distance else { return String::new() };
    match aspects {
        Some(a) => format!(
            "  distance {d:>6.3}  timbre {:>5.2}  pitch {:>5.2}  brightness {:>5.2}  loudness {:>5.2}",
            a.timbre, a.pitch, a.brightness, a.loudness
        ),
        // A region whose vector an older afterglow made: never near.
        None => format!("  distance {d:>6.3}  (scan again to measure its aspects)"),
    }
}
