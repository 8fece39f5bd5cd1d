//! Scanning an archive into the catalogue: files whose path, size, mtime and miner settings are
//! unchanged are skipped; the rest are hashed, and content already catalogued (a moved, renamed or
//! touched file) is reused without decoding; only new content is decoded and mined, in parallel
//! (rayon). One thread writes, each file in its own transaction, so a scan killed at any point
//! leaves a sound catalogue and the next scan carries on. Files under the scanned roots that are
//! gone are dropped. Files catalogued without this build's audio fingerprint get one (decoded, not
//! mined again).

use crate::mine::{fingerprint_file_until, mine_file, Fingerprinted, MineSettings, MinedFile};
use crate::store::{Catalogue, FileStamp};
use crate::Result;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// What a scan did. Counts are files unless named otherwise.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ScanReport {
    /// Audio files found under the roots.
    pub files: usize,
    /// Files decoded and mined in this scan.
    pub scanned: usize,
    /// Files skipped because nothing changed (including touched files whose content is the same).
    pub unchanged: usize,
    /// New paths whose content was already catalogued (moved, renamed or copied files): reused.
    pub moved: usize,
    /// Unchanged files that lacked this build's audio fingerprint (catalogued by an older
    /// afterglow): decoded for the fingerprint only, their regions kept.
    pub fingerprinted: usize,
    /// Files that could not be read or decoded (named in `failures`).
    pub failed: usize,
    /// Catalogued files under the roots that no longer exist, dropped.
    pub removed: usize,
    /// Regions (pads and hiss) stored by this scan.
    pub regions_added: usize,
    /// Regions in the whole catalogue after the scan.
    pub regions: usize,
    /// The catalogue file.
    pub catalogue: String,
    /// Each failed file with its error.
    pub failures: Vec<Failure>,
}

/// A file that could not be scanned.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Failure {
    pub path: String,
    pub error: String,
}

/// One finished file, for progress display.
#[derive(Debug)]
pub struct Progress<'a> {
    /// Files finished so far and files to process (unchanged files are not counted).
    pub done: usize,
    pub total: usize,
    pub path: &'a str,
    pub error: Option<&'a str>,
}

struct Todo {
    path: String,
    size_bytes: u64,
    mtime_ns: i64,
    old: Option<FileStamp>,
}

enum Work {
    /// Same content as stored for this path: only the stamp changed.
    Restamp(i64),
    /// Same content as stored for this path, but no current fingerprint: only that is new.
    Fingerprint(i64, Box<Fingerprinted>),
    /// Same content as another catalogued file.
    Copy(i64),
    Mined(Box<MinedFile>),
    Failed(String),
}

/// Scans `files` (found under `roots`) into `catalogue`, mining on `num_jobs` threads (0: one per
/// core). A bad file is counted and named, never an error; only a database failure stops the scan
/// (everything committed before stays).
pub fn scan(
    catalogue: &mut Catalogue,
    files: &[PathBuf],
    roots: &[PathBuf],
    settings: &MineSettings,
    num_jobs: usize,
    on_progress: &mut dyn FnMut(Progress<'_>),
) -> Result<ScanReport> {
    let fingerprint = settings.fingerprint();
    let stamps = catalogue.file_stamps()?;
    let by_hash: HashMap<&str, i64> = stamps
        .values()
        .filter(|s| s.miner_fingerprint == fingerprint && s.has_current_fingerprint())
        .map(|s| (s.content_hash.as_str(), s.id))
        .collect();
    let mut report = ScanReport { files: files.len(), catalogue: catalogue.path().display().to_string(), ..Default::default() };
    let mut seen = HashSet::new();
    let mut todo = Vec::new();
    for file in files {
        let path = canonical(file);
        let meta = match std::fs::metadata(file) {
            Ok(meta) => meta,
            Err(err) => {
                report.failures.push(Failure { path, error: err.to_string() });
                continue;
            }
        };
        let size_bytes = meta.len();
        let mtime_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i64);
        seen.insert(path.clone());
        let old = stamps.get(&path).cloned();
        match &old {
            Some(s)
                if s.size_bytes == size_bytes
                    && s.mtime_ns == mtime_ns
                    && s.miner_fingerprint == fingerprint
                    && s.has_current_fingerprint() =>
            {
                report.unchanged += 1;
            }
            _ => todo.push(Todo { path, size_bytes, mtime_ns, old }),
        }
    }

    let work = |t: &Todo| -> Work {
        let hash = match engine::source::hash_file_until(Path::new(&t.path), settings.cancel.as_ref()) {
            Ok(Some(hash)) => hash,
            Ok(None) => return Work::Failed(String::from("mining was cancelled")),
            Err(err) => return Work::Failed(err.to_string()),
        };
        if let Some(old) = t.old.as_ref().filter(|o| o.content_hash == hash && o.miner_fingerprint == fingerprint) {
            if old.has_current_fingerprint() {
                return Work::Restamp(old.id);
            }
            return match fingerprint_file_until(Path::new(&t.path), settings.cancel.as_ref()) {
                Ok(f) => Work::Fingerprint(old.id, Box::new(f)),
                Err(err) => Work::Failed(err.to_string()),
            };
        }
        if let Some(&id) = by_hash.get(hash.as_str()) {
            return Work::Copy(id);
        }
        match mine_file(Path::new(&t.path), settings) {
            Ok(mined) => Work::Mined(Box::new(mined)),
            Err(err) => Work::Failed(err.to_string()),
        }
    };

    let total = todo.len();
    let mut first_error = None;
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::channel();
        let todo = &todo;
        let work = &work;
        s.spawn(move || {
            let mine_all = || {
                todo.par_iter().for_each_with(tx, |tx, t| {
                    // The receiver only goes away when the writer stopped on a database error.
                    let _ = tx.send((t, work(t)));
                });
            };
            match rayon::ThreadPoolBuilder::new().num_threads(num_jobs).build() {
                Ok(pool) => pool.install(mine_all),
                // No threads to be had: mine on rayon's global pool.
                Err(_) => mine_all(),
            }
        });
        for (done, (t, result)) in rx.iter().enumerate() {
            let mut error = None;
            let applied = match result {
                Work::Restamp(id) => catalogue.restamp(id, t.size_bytes, t.mtime_ns).map(|()| report.unchanged += 1),
                Work::Fingerprint(id, f) => {
                    catalogue.put_fingerprint(id, t.size_bytes, t.mtime_ns, &f).map(|()| report.fingerprinted += 1)
                }
                Work::Copy(id) => match catalogue.copy_file(id, &t.path, t.size_bytes, t.mtime_ns) {
                    Ok(Some(n)) => {
                        report.moved += 1;
                        report.regions_added += n;
                        Ok(())
                    }
                    // The copy's source was replaced meanwhile: mine this one after all.
                    Ok(None) => mine_and_put(catalogue, t, settings, &mut report, &mut error),
                    Err(e) => Err(e),
                },
                Work::Mined(mined) => catalogue.put_file(&t.path, t.size_bytes, t.mtime_ns, settings, &mined).map(|n| {
                    report.scanned += 1;
                    report.regions_added += n;
                }),
                Work::Failed(err) => {
                    error = Some(err);
                    Ok(())
                }
            };
            if let Err(e) = applied {
                first_error = Some(e);
                break;
            }
            if let Some(err) = &error {
                report.failures.push(Failure { path: t.path.clone(), error: err.clone() });
            }
            on_progress(Progress { done: done + 1, total, path: &t.path, error: error.as_deref() });
        }
        // Dropping the receiver here makes the workers' sends fail, so they finish quickly.
        drop(rx);
    });
    if let Some(e) = first_error {
        return Err(e);
    }

    let roots: Vec<String> = roots.iter().map(|r| canonical(r)).collect();
    for (path, stamp) in &stamps {
        let under_root = roots.iter().any(|r| path == r || Path::new(path).starts_with(r));
        if under_root && !seen.contains(path) && !Path::new(path).exists() {
            catalogue.remove_file(stamp.id)?;
            report.removed += 1;
        }
    }
    report.failed = report.failures.len();
    report.regions = catalogue.num_regions()?;
    Ok(report)
}

fn mine_and_put(
    catalogue: &mut Catalogue,
    t: &Todo,
    settings: &MineSettings,
    report: &mut ScanReport,
    error: &mut Option<String>,
) -> Result<()> {
    match mine_file(Path::new(&t.path), settings) {
        Ok(mined) => {
            let n = catalogue.put_file(&t.path, t.size_bytes, t.mtime_ns, settings, &mined)?;
            report.scanned += 1;
            report.regions_added += n;
        }
        Err(err) => *error = Some(err.to_string()),
    }
    Ok(())
}

/// The absolute, symlink-free path as stored in the catalogue (the path as given when that fails).
pub fn canonical(path: &Path) -> String {
    engine::source::portable_path(&path.canonicalize().unwrap_or_else(|_| path.to_path_buf()))
}
