//! The `afterglow` command line.

fn main() {}
