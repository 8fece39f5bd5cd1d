//! A snapshot one background thread publishes and the editor copies without ever waiting: plain
//! data behind a mutex plus a revision counter in an atomic. The writer locks to change it (and
//! bumps the revision); the GUI compares revisions without locking and only `try_lock`s to copy a
//! newer one, keeping its previous copy when the writer is mid-update. The audio thread never
//! touches one.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Snapshot data that carries the revision it was copied at.
pub trait Revisioned: Clone + Default {
    /// The revision this copy was taken at (0: never published).
    fn revision(&self) -> u64;
    /// Where the writer records the revision of each publish.
    fn revision_mut(&mut self) -> &mut u64;
}

/// A published snapshot of `T`.
#[derive(Debug, Default)]
pub struct Published<T> {
    revision: AtomicU64,
    snapshot: Mutex<T>,
}

impl<T: Revisioned> Published<T> {
    /// A snapshot at revision 0. Not realtime-safe: may allocate (through `T::default`).
    pub fn new() -> Self {
        Self { revision: AtomicU64::new(0), snapshot: Mutex::new(T::default()) }
    }

    /// Change the snapshot and publish the change (blocks only against a copy in progress). Not
    /// realtime-safe: locks.
    pub fn update(&self, change: impl FnOnce(&mut T)) {
        let mut guard = self.lock();
        change(&mut guard);
        *guard.revision_mut() += 1;
        self.revision.store(guard.revision(), Ordering::Release);
    }

    /// The latest revision, without locking.
    pub fn revision(&self) -> u64 {
        self.revision.load(Ordering::Acquire)
    }

    /// Copy the snapshot into `out` if a newer one is published and the lock is free; returns
    /// whether `out` changed. Never blocks (for the GUI thread).
    pub fn try_copy_into(&self, out: &mut T) -> bool {
        if self.revision() == out.revision() {
            return false;
        }
        match self.snapshot.try_lock() {
            Ok(guard) => {
                out.clone_from(&guard);
                true
            }
            Err(_) => false,
        }
    }

    /// A copy of the snapshot, waiting for the lock (the writer's thread, tests, benchmarks).
    pub fn snapshot(&self) -> T {
        self.lock().clone()
    }

    /// The snapshot is plain data: a panic mid-update elsewhere leaves it readable.
    fn lock(&self) -> MutexGuard<'_, T> {
        self.snapshot.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Default)]
    struct Note {
        text: String,
        revision: u64,
    }

    impl Revisioned for Note {
        fn revision(&self) -> u64 {
            self.revision
        }
        fn revision_mut(&mut self) -> &mut u64 {
            &mut self.revision
        }
    }

    #[test]
    fn copies_only_newer_snapshots_and_never_waits() {
        let published = Published::<Note>::new();
        let mut copy = Note::default();
        assert!(!published.try_copy_into(&mut copy));
        published.update(|n| n.text = String::from("Mining"));
        assert!(published.try_copy_into(&mut copy));
        assert_eq!((copy.text.as_str(), copy.revision), ("Mining", 1));
        assert!(!published.try_copy_into(&mut copy));

        // While the writer holds the lock, a copy gives up at once and keeps the old one.
        published.update(|n| {
            n.text = String::from("Done");
            let mut other = Note::default();
            assert!(!published.try_copy_into(&mut other), "copied while locked");
        });
        assert!(published.try_copy_into(&mut copy));
        assert_eq!(copy.text, "Done");
    }
}
