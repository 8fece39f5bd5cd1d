//! Catalogue speed: a pad query over 100 000 synthetic regions.
fn main() {}
