//! Exit statuses of `afterglow`, documented in the README.

/// What the process tells the shell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: everything asked for was done.
    Success,
    /// 1: nothing useful could be done (bad config, unwritable output folder, ...).
    Failure,
    /// 3: the run finished, but some inputs were skipped (named on stderr and, for `render`, in the summary).
    SomeSkipped,
}

impl ExitStatus {
    /// The numeric code. (2 is clap's code for a bad command line.)
    pub fn code(self) -> i32 {
        match self {
            Self::Success => 0,
            Self::Failure => 1,
            Self::SomeSkipped => 3,
        }
    }
}
