//! `CancelFlag`: a shared "stop now" flag that long background work (decoding, analysis) checks as
//! it goes, so a front end that is closing never waits for a whole file to finish.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A cloneable flag; every clone sees the same state. Equal when it is the same flag.
#[derive(Debug, Clone, Default)]
pub struct CancelFlag(Arc<AtomicBool>);

impl CancelFlag {
    /// A flag not yet raised. Not realtime-safe: allocates.
    pub fn new() -> Self {
        Self::default()
    }

    /// Raise the flag: work that checks it stops at its next check. Realtime-safe.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Release);
    }

    /// Whether the flag was raised. Realtime-safe.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

impl PartialEq for CancelFlag {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// Whether `flag` is set and raised.
pub(crate) fn is_cancelled(flag: Option<&CancelFlag>) -> bool {
    flag.is_some_and(CancelFlag::is_cancelled)
}
