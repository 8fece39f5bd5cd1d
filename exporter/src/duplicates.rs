//! `afterglow duplicates`: the catalogued files that are copies of one recording, grouped, with
//! the copy worth keeping (lossless, highest rate and depth, stereo, longest) named first, and each
//! other copy with what kind of variant of it it is (re-encode, speed +3 %, tempo -5 %, altered) and
//! where it starts; then the files that share only part of their audio, with the seconds of each
//! that match.

use crate::cli::DuplicatesArgs;
use crate::exit::ExitStatus;
use crate::pads_query::open_existing;
use catalogue::{Copy, DuplicateGroup, Overlap, Variant, VariantKind};

/// What `--json` prints.
#[derive(Debug, serde::Serialize)]
struct DuplicatesJson<'a> {
    groups: Vec<GroupJson<'a>>,
    overlaps: Vec<OverlapJson<'a>>,
}

/// One overlap as `--json` prints it: its fields, and its variant named as a copy's is.
#[derive(Debug, serde::Serialize)]
struct OverlapJson<'a> {
    #[serde(flatten)]
    overlap: &'a Overlap,
    /// "re-encode", "speed +11 %", ...: what the second file's stretch is of the first's (null
    /// when the stretch is too short to tell).
    variant: Option<String>,
}

/// One group as `--json` prints it.
#[derive(Debug, serde::Serialize)]
struct GroupJson<'a> {
    /// Every member, the kept one first.
    files: Vec<&'a str>,
    kept: &'a str,
    /// The skippable copies and where each starts on the kept one's time line.
    copies: Vec<CopyJson<'a>>,
}

#[derive(Debug, serde::Serialize)]
struct CopyJson<'a> {
    path: &'a str,
    /// "re-encode", "speed +3 %", "tempo -5 %", "altered".
    variant: Option<String>,
    /// Its kind, how much faster it plays (percent) and its pitch (semitones) against the kept copy.
    variant_detail: Option<Variant>,
    starts_at_sec: Option<f64>,
    unmatched_edge_peaks: Option<u32>,
}

/// Runs the command.
pub fn run(args: &DuplicatesArgs) -> anyhow::Result<ExitStatus> {
    let cat = open_existing(args.catalogue.as_deref())?;
    let found = if args.landmarks_only { cat.duplicates()? } else { cat.duplicates_and_variants()? };
    if found.num_without_fingerprint > 0 {
        eprintln!(
            "note: {} catalogued file(s) have no fingerprint yet and were not compared (run `afterglow scan` on their folders)",
            found.num_without_fingerprint
        );
    }
    if args.json {
        let groups: Vec<GroupJson> = found.groups.iter().map(group_json).collect();
        let overlaps = found.overlaps.iter().map(|overlap| OverlapJson { overlap, variant: overlap.variant.map(|v| v.describe()) }).collect();
        println!("{}", serde_json::to_string_pretty(&DuplicatesJson { groups, overlaps })?);
        return Ok(ExitStatus::Success);
    }
    if found.groups.is_empty() {
        println!("no copies of one recording among {} fingerprinted files", found.num_fingerprinted);
    } else {
        let num_skipped: usize = found.groups.iter().map(|g| g.skipped().len()).sum();
        println!(
            "{} recording(s) with more than one copy among {} fingerprinted files; {num_skipped} copies can be skipped \
             (each holds nothing its kept copy does not):",
            found.groups.len(),
            found.num_fingerprinted
        );
        for group in &found.groups {
            println!();
            println!("  keep  {}  ({})", group.kept().path, describe(group.kept()));
            for copy in group.skipped() {
                let at = copy.starts_at_sec.map(|s| format!(", {}", starts_at(s))).unwrap_or_default();
                let variant = copy.variant.map(|v| format!("{}, ", v.describe())).unwrap_or_default();
                println!("  copy  {}  ({variant}{}{at})", copy.path, describe(copy));
            }
        }
    }
    if !found.overlaps.is_empty() {
        println!();
        println!("{} pair(s) of files share only part of their audio (both are kept):", found.overlaps.len());
        for o in &found.overlaps {
            println!();
            println!("  {}  {}", seconds(o.a_start_sec, o.a_end_sec), o.a);
            println!("  {}  {}{}{}", seconds(o.b_start_sec, o.b_end_sec), o.b, variant_note(o), within_note(o));
        }
    }
    if args.landmarks_only {
        println!();
        println!("(copies at another tempo, speed or pitch, or with reverb added, were not looked for: leave out --landmarks-only)");
    }
    Ok(ExitStatus::Success)
}

fn group_json(group: &DuplicateGroup) -> GroupJson<'_> {
    GroupJson {
        files: group.copies.iter().map(|c| c.path.as_str()).collect(),
        kept: &group.kept().path,
        copies: group
            .skipped()
            .iter()
            .map(|c| CopyJson {
                path: &c.path,
                variant: c.variant.map(|v| v.describe()),
                variant_detail: c.variant,
                starts_at_sec: c.starts_at_sec,
                unmatched_edge_peaks: c.unmatched_edge_peaks,
            })
            .collect(),
    }
}

/// "30.00-60.00 s" of a file, padded so two lines align.
fn seconds(start_sec: f64, end_sec: f64) -> String {
    format!("{:>18}", format!("{start_sec:.2}-{end_sec:.2} s"))
}

/// What the second file's stretch is of the first's, unless the same audio.
fn variant_note(o: &Overlap) -> String {
    match o.variant {
        Some(v) if v.kind != VariantKind::ReEncode => format!("  ({} against the first)", v.describe()),
        _ => String::new(),
    }
}

/// Why a file that lies wholly within the other is kept all the same.
fn within_note(o: &Overlap) -> &'static str {
    if o.a_within_b {
        "  (holds all of the first, which is kept as the better source)"
    } else if o.b_within_a {
        "  (all of it is in the first, but it is the better source)"
    } else {
        ""
    }
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
