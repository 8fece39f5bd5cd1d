//! The archive view's reader: a thread of its own that answers the editor's pad queries from the
//! catalogue (the SQLite library `afterglow scan` fills and mining here adds to), so the editor
//! browses every catalogued pad, not only the bank's. Loading a listed pad is the mining thread's
//! work ([`super::archive_load`]); this thread only reads.
//!
//! The editor posts its latest query (a newer one replaces one not yet started) and copies the
//! answer without blocking, as with [`super::MiningStatus`]. The catalogue is opened once and kept
//! open; SQLite's WAL mode lets it read while an exporter scan writes.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, RwLock};
use std::time::{Duration, Instant};

use catalogue::{Aspect, AspectWeights, Brightness, Catalogue, PadQuery, PadRow};

use engine::CancelFlag;

use crate::published::{Published, Revisioned};

/// Most rows one answer holds (the best ones): enough to scroll, small enough to draw at once.
pub const MAX_LISTED_PADS: usize = 500;
/// How long the idle reader sleeps between looks at the stop flag.
const IDLE_WAIT: Duration = Duration::from_millis(50);

/// What the archive view asks for. Empty filters match everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArchiveQuery {
    /// Key in any spelling `engine::analysis::Key::parse` reads ("A minor", "F#m").
    pub key: Option<String>,
    pub brightness: Option<Brightness>,
    /// Grade letter; only pads with a stored grade match.
    pub grade: Option<String>,
    /// Part of the source file's path (case-insensitive).
    pub source_text: String,
    /// "More like this": order by distance to this pad (its catalogue id).
    pub like: Option<String>,
    /// The one aspect "more like this" ranks by (timbre, pitch and key, brightness, loudness
    /// contour); `None`: overall, every aspect counting the same.
    pub like_by: Option<Aspect>,
}

/// Where an answer stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ArchiveState {
    /// Nothing asked yet.
    #[default]
    Idle,
    /// The catalogue file does not exist yet.
    NoCatalogue,
    /// A query is running.
    Running,
    /// `rows` answer `query`.
    Ready,
    /// The catalogue could not be read; `message` says why.
    Failed,
}

/// The latest answer, as the editor copies it.
#[derive(Debug, Clone, Default)]
pub struct ArchiveSnapshot {
    pub state: ArchiveState,
    /// The catalogue file read.
    pub catalogue_path: String,
    /// The query the rows answer (or the one running).
    pub query: ArchiveQuery,
    /// The matching pads, best (or nearest) first, at most [`MAX_LISTED_PADS`].
    pub rows: Vec<PadRow>,
    /// Pads in the whole catalogue.
    pub num_pads: usize,
    /// What went wrong, or how to fill an empty catalogue.
    pub message: String,
    /// How long the query took, ms.
    pub elapsed_ms: f32,
    /// Bumped on every publish.
    pub revision: u64,
}

/// A catalogued pad the editor asked to load into the bank.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadRequest {
    pub row: PadRow,
    /// The slot to replace when the bank is full (the selected pad's), if any.
    pub replace_slot: Option<u16>,
}

/// What the editor, the reader thread and the mining thread share about the catalogue.
#[derive(Debug, Default)]
pub struct ArchiveShared {
    /// The catalogue file chosen explicitly (tests, hosts); `None`: `AFTERGLOW_CATALOGUE` or the
    /// user's data folder (`catalogue::resolve_path`).
    catalogue_override: RwLock<Option<PathBuf>>,
    /// The latest query not yet started; a newer one replaces it.
    pending: Mutex<Option<ArchiveQuery>>,
    wake: Condvar,
    /// Run the last query again (the catalogue changed).
    refresh: AtomicBool,
    /// Pads to load, oldest first (the mining thread takes them).
    loads: Mutex<VecDeque<LoadRequest>>,
    snapshot: Published<ArchiveSnapshot>,
}

impl Revisioned for ArchiveSnapshot {
    fn revision(&self) -> u64 {
        self.revision
    }
    fn revision_mut(&mut self) -> &mut u64 {
        &mut self.revision
    }
}

/// Lock a mutex whose data stays usable after a panic elsewhere (plain data, no invariants).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl ArchiveShared {
    /// Use the catalogue at `path` (`None`: the default place). Not realtime-safe: locks.
    pub fn set_catalogue_path(&self, path: Option<PathBuf>) {
        match self.catalogue_override.write() {
            Ok(mut chosen) => *chosen = path,
            Err(poisoned) => *poisoned.into_inner() = path,
        }
    }

    /// The catalogue file in use. Not realtime-safe: locks and allocates.
    pub fn catalogue_path(&self) -> PathBuf {
        let chosen = match self.catalogue_override.read() {
            Ok(chosen) => chosen.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        catalogue::resolve_path(chosen.as_deref())
    }

    /// Ask for `query`'s pads (replacing a query not yet started). Returns at once; the answer
    /// arrives in the snapshot. Not realtime-safe: locks briefly.
    pub fn request(&self, query: ArchiveQuery) {
        *lock(&self.pending) = Some(query);
        self.wake.notify_one();
    }

    /// Run the last query again, e.g. after mining added pads. Not realtime-safe: locks briefly.
    pub fn refresh(&self) {
        self.refresh.store(true, Ordering::Release);
        let _pending = lock(&self.pending);
        self.wake.notify_one();
    }

    /// Wake the idle reader to look at the stop flag now rather than after [`IDLE_WAIT`] (the
    /// caller has raised it). Not realtime-safe: locks briefly.
    pub(super) fn wake_reader(&self) {
        // Under the lock: a reader between its look at the flag and its wait cannot miss this.
        let _pending = lock(&self.pending);
        self.wake.notify_all();
    }

    /// Ask the mining thread to load a catalogued pad into the bank. Not realtime-safe: locks.
    pub fn request_load(&self, request: LoadRequest) {
        lock(&self.loads).push_back(request);
    }

    /// The oldest load request, for the mining thread.
    pub(super) fn take_load(&self) -> Option<LoadRequest> {
        lock(&self.loads).pop_front()
    }

    /// The latest answer's revision, without locking.
    pub fn revision(&self) -> u64 {
        self.snapshot.revision()
    }

    /// Copy the answer into `out` when newer and the lock is free; returns whether it changed.
    /// Never blocks (for the GUI thread).
    pub fn try_copy_into(&self, out: &mut ArchiveSnapshot) -> bool {
        self.snapshot.try_copy_into(out)
    }

    /// A copy of the answer, waiting for the lock (tests, benchmarks).
    pub fn snapshot(&self) -> ArchiveSnapshot {
        self.snapshot.snapshot()
    }

    fn publish(&self, change: impl FnOnce(&mut ArchiveSnapshot)) {
        self.snapshot.update(change);
    }

    /// Wait for the next query (or a refresh of `last`); `None` when it is time to stop.
    fn next_query(&self, stop: &CancelFlag, last: Option<&ArchiveQuery>) -> Option<ArchiveQuery> {
        let mut pending = lock(&self.pending);
        loop {
            if stop.is_cancelled() {
                return None;
            }
            if let Some(query) = pending.take() {
                self.refresh.store(false, Ordering::Release);
                return Some(query);
            }
            if self.refresh.swap(false, Ordering::AcqRel)
                && let Some(last) = last
            {
                return Some(last.clone());
            }
            pending = match self.wake.wait_timeout(pending, IDLE_WAIT) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }
}

/// The reader thread's body: answers queries until the plugin closes.
pub(super) fn run_reader(archive: &ArchiveShared, stop: &CancelFlag) {
    let mut reader = Reader { open: None };
    let mut last: Option<ArchiveQuery> = None;
    while let Some(query) = archive.next_query(stop, last.as_ref()) {
        reader.answer(archive, &query);
        last = Some(query);
    }
}

/// The reader's open catalogue.
struct Reader {
    open: Option<Catalogue>,
}

impl Reader {
    /// Run `query` and publish its answer (or why there is none).
    fn answer(&mut self, archive: &ArchiveShared, query: &ArchiveQuery) {
        let started = Instant::now();
        let path = archive.catalogue_path();
        let shown = path.display().to_string();
        if !path.exists() {
            self.open = None;
            let message = format!(
                "No catalogue yet ({shown}): run `afterglow scan FOLDER`, or Mine a folder here"
            );
            archive.publish(|s| {
                s.state = ArchiveState::NoCatalogue;
                s.catalogue_path = shown;
                s.query = query.clone();
                s.rows.clear();
                s.num_pads = 0;
                s.message = message;
            });
            return;
        }
        archive.publish(|s| {
            s.state = ArchiveState::Running;
            s.catalogue_path.clone_from(&shown);
            s.query = query.clone();
        });
        match self.run(&path, query) {
            Ok((rows, num_pads)) => {
                let elapsed_ms = started.elapsed().as_secs_f32() * 1000.0;
                archive.publish(|s| {
                    s.state = ArchiveState::Ready;
                    s.rows = rows;
                    s.num_pads = num_pads;
                    s.message.clear();
                    s.elapsed_ms = elapsed_ms;
                });
            }
            Err(error) => {
                // A broken connection is not kept: the next query opens the file afresh.
                self.open = None;
                let message = match error {
                    catalogue::Error::UnknownPad(_) => String::from("That pad is no longer in the catalogue (rescanned?)"),
                    other => other.to_string(),
                };
                archive.publish(|s| {
                    s.state = ArchiveState::Failed;
                    s.rows.clear();
                    s.message = message;
                });
            }
        }
    }

    /// The rows and the catalogue's pad count.
    fn run(&mut self, path: &Path, query: &ArchiveQuery) -> catalogue::Result<(Vec<PadRow>, usize)> {
        let catalogue = match self.open.take() {
            Some(open) if open.path() == path => open,
            _ => Catalogue::open(path)?,
        };
        let source_text = query.source_text.trim().to_lowercase();
        let pad_query = PadQuery {
            key: query.key.clone(),
            brightness: query.brightness,
            min_sec: None,
            grade: query.grade.clone(),
            like: query.like.clone(),
            weights: query.like_by.map_or_else(AspectWeights::default, AspectWeights::only),
            // The catalogue knows no path filter: with one, rank everything and keep the matches.
            limit: if source_text.is_empty() { MAX_LISTED_PADS } else { 0 },
        };
        let mut rows = catalogue.pads(&pad_query)?;
        if !source_text.is_empty() {
            rows.retain(|row| row.path.to_lowercase().contains(&source_text));
            rows.truncate(MAX_LISTED_PADS);
        }
        let num_pads = catalogue.num_pads()?;
        self.open = Some(catalogue);
        Ok((rows, num_pads))
    }
}
