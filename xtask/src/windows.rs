//! `cargo xtask windows`: the Windows build (`afterglow.exe`, `Afterglow.clap`, `Afterglow.vst3`)
//! with Debian's toolchain, the same build the Windows smoke tests use
//! (`fixtures/src/windows.rs`).

// The Wine helpers in the shared file serve the tests, not this command.
#[path = "../../fixtures/src/windows.rs"]
#[allow(dead_code)]
pub mod build;

use std::path::Path;

/// Builds the Windows artifacts and prints where they are; returns the exit code.
pub fn run() -> i32 {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the workspace");
    match build::build(root) {
        Ok(artifacts) => {
            println!("exporter: {}", artifacts.exporter.display());
            println!("CLAP:     {}", artifacts.clap.display());
            println!("VST3:     {}", artifacts.vst3.display());
            0
        }
        Err(err) => {
            eprintln!("error: {err}");
            1
        }
    }
}
