//! `afterglow duplicates`: the catalogued files that are copies of one recording, grouped, with
//! the copy worth keeping (lossless, highest rate and depth, stereo, longest) named first.

use crate::cli::DuplicatesArgs;
use crate::exit::ExitStatus;
use crate::pads_query::open_existing;
use catalogue::{Copy, DuplicateGroup};

/// One group as `--json` prints it.
#[derive(Debug, serde::Serialize)]
struct GroupJson<'a> {
    files: Vec<&'a str>,
    kept: &'a str,
}

/// Runs the command.
pub fn run(args: &DuplicatesArgs) -> anyhow::Result<ExitStatus> {
    let cat = open_existing(args.catalogue.as_deref())?;
    let found = cat.duplicates()?;
    if found.num_without_fingerprint > 0 {
        eprintln!(
            "note: {} catalogued file(s) have no fingerprint yet and were not compared (run `afterglow scan` on their folders)",
            found.num_without_fingerprint
        );
    }
    if args.json {
        let groups: Vec<GroupJson> = found.groups.iter().map(group_json).collect();
        println!("{}", serde_json::to_string_pretty(&groups)?);
        return Ok(ExitStatus::Success);
    }
    if found.groups.is_empty() {
        println!("no copies of one recording among {} fingerprinted files", found.num_fingerprinted);
        return Ok(ExitStatus::Success);
    }
    let num_skipped: usize = found.groups.iter().map(|g| g.skipped().len()).sum();
    println!(
        "{} recording(s) with more than one copy among {} fingerprinted files; {num_skipped} copies can be skipped:",
        found.groups.len(),
        found.num_fingerprinted
    );
    for group in &found.groups {
        println!();
        println!("  keep  {}  ({})", group.kept().path, describe(group.kept()));
        for copy in group.skipped() {
            let at = copy.starts_at_sec.map(|s| format!(", {}", starts_at(s))).unwrap_or_default();
            println!("  copy  {}  ({}{at})", copy.path, describe(copy));
        }
    }
    Ok(ExitStatus::Success)
}

fn group_json(group: &DuplicateGroup) -> GroupJson<'_> {
    GroupJson { files: group.copies.iter().map(|c| c.path.as_str()).collect(), kept: &group.kept().path }
}

/// "FLAC 24-bit 48 kHz stereo, 2:05.3".
fn describe(c: &Copy) -> String {
    let codec = match c.codec.as_str() {
        pcm if pcm.starts_with("pcm") => c.container.to_uppercase(),
        "vorbis" => "Vorbis".to_string(),
        other => other.to_uppercase(),
    };
    let bits = c.bits_per_sample.map(|b| format!(" {b}-bit")).unwrap_or_default();
    let channels = match c.num_channels {
        1 => "mono".to_string(),
        2 => "stereo".to_string(),
        n => format!("{n} channels"),
    };
    let minutes = (c.duration_sec / 60.0).floor();
    format!(
        "{codec}{bits} {} kHz {channels}, {}:{:04.1}",
        f64::from(c.sample_rate_hz) / 1000.0,
        minutes,
        c.duration_sec - minutes * 60.0
    )
}

/// Where a copy starts against the kept one, in words.
fn starts_at(sec: f64) -> String {
    if sec.abs() < 0.05 {
        "same start".into()
    } else if sec > 0.0 {
        format!("starts {sec:.2} s into the kept copy")
    } else {
        format!("starts {:.2} s before the kept copy", -sec)
    }
}
