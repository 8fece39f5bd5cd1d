//! What a render produced ([`PackReport`]), progress while rendering (a bar on a terminal, plain lines
//! otherwise) and the closing summary.

use super::source_job::SourceOutcome;
use crate::manifest::ManifestRow;
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::Path;
use std::time::Duration;

/// What a render produced.
#[derive(Debug, Default)]
pub struct PackReport {
    /// Manifest rows, in source order then generation order.
    pub rows: Vec<ManifestRow>,
    /// Notes for the musician (skipped unsupported files, budget cuts, synthetic hiss, ...).
    pub notes: Vec<String>,
    /// Sources that could not be used: (path, problem).
    pub failures: Vec<(String, String)>,
}

/// Reports sources as they finish.
pub struct Progress {
    bar: Option<ProgressBar>,
    total: usize,
    enabled: bool,
    done: std::sync::atomic::AtomicUsize,
}

impl Progress {
    /// A bar when stderr is a terminal, plain lines otherwise; nothing when `enabled` is false.
    pub fn new(total: usize, enabled: bool) -> Self {
        let bar = (enabled && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new(total as u64);
            if let Ok(style) = ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} sources  {msg}") {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Self { bar, total, done: std::sync::atomic::AtomicUsize::new(0), enabled }
    }

    /// Called from worker threads when a source is finished.
    pub fn source_done(&self, path: &Path, outcome: &SourceOutcome) {
        let n = self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        let name = path.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let what = match &outcome.error {
            Some(err) => format!("skipped: {err}"),
            None => format!("{} files", outcome.rows.len()),
        };
        match &self.bar {
            Some(bar) => {
                bar.inc(1);
                bar.set_message(name.clone());
                if outcome.error.is_some() {
                    bar.println(format!("  {name}: {what}"));
                }
            }
            None if self.enabled => eprintln!("[{n}/{}] {name}: {what}", self.total),
            None => {}
        }
    }

    /// Clears the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Prints files per kind, seconds of audio, grades, skipped sources, notes and the time taken.
pub fn print_summary(report: &PackReport, out_dir: &Path, dry_run: bool, elapsed: Duration) {
    let (rows, notes, failures) = (&report.rows, &report.notes, &report.failures);
    let mut per_kind: BTreeMap<&str, (usize, f64)> = BTreeMap::new();
    let mut grades: BTreeMap<&str, usize> = BTreeMap::new();
    // What is in the pack: in a dry run everything listed, else what was written.
    for row in rows.iter().filter(|r| r.saved || dry_run) {
        let entry = per_kind.entry(row.kind.as_str()).or_default();
        entry.0 += 1;
        entry.1 += row.duration_sec;
        *grades.entry(row.grade.as_str()).or_default() += 1;
    }
    if dry_run {
        println!("dry run: nothing written. Would write:");
        for row in rows.iter().filter(|r| r.grade != "F" || r.saved) {
            println!("  {}  ({:.1} s, grade {})", out_dir.join(&row.filename).display(), row.duration_sec, row.grade);
        }
    }
    let saved = rows.iter().filter(|r| r.saved).count();
    let seconds: f64 = rows.iter().filter(|r| r.saved || dry_run).map(|r| r.duration_sec).sum();
    println!();
    println!("{} files, {:.1} s of audio{} in {}", if dry_run { rows.len() } else { saved }, seconds,
        if dry_run { " (dry run)" } else { "" }, out_dir.display());
    for (kind, (count, secs)) in &per_kind {
        println!("  {kind:<8} {count:>4} files  {secs:>7.1} s");
    }
    let grade_line: Vec<String> = grades.iter().map(|(g, n)| format!("{g}: {n}")).collect();
    println!("  grades   {}", grade_line.join("  "));
    for note in notes {
        println!("note: {note}");
    }
    for (path, err) in failures {
        eprintln!("skipped: {path}: {err}");
    }
    if !failures.is_empty() {
        eprintln!("{} source(s) skipped; the rest was rendered.", failures.len());
    }
    println!("done in {:.2} s", elapsed.as_secs_f64());
}
