//! `afterglow pads`: lists catalogued pads, filtered and ranked, as a table or JSON.

use crate::cli::{BrightnessArg, PadsArgs};
use crate::exit::ExitStatus;
use anyhow::Context;
use catalogue::{Brightness, Catalogue, PadQuery};

/// Runs the command.
pub fn run(args: &PadsArgs) -> anyhow::Result<ExitStatus> {
    let path = catalogue::resolve_path(args.catalogue.as_deref());
    if !path.exists() {
        anyhow::bail!("{}: no catalogue yet (run `afterglow scan ARCHIVE` first)", path.display());
    }
    let cat = Catalogue::open(&path).context("cannot open the catalogue")?;
    let query = PadQuery {
        key: args.key.clone(),
        brightness: args.brightness.map(|b| match b {
            BrightnessArg::Dark => Brightness::Dark,
            BrightnessArg::Mid => Brightness::Mid,
            BrightnessArg::Bright => Brightness::Bright,
        }),
        min_sec: args.min_sec,
        grade: None,
        like: args.like.clone(),
        limit: args.limit,
    };
    let pads = cat.pads(&query)?;
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
