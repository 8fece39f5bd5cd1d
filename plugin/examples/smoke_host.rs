//! The smoke tests' CLAP host for other systems: the test suite's own host (`tests/common`),
//! cross-built for Windows and run under Wine by `tests/windows_smoke.rs`. It plays the shared
//! scenarios (`tests/common/smoke.rs`) against the plugin named by `AFTERGLOW_CLAP_PATH` and writes
//! what it heard to a folder, for the test to compare with the same scenarios played on Linux.
//!
//! `smoke_host chord OUT` writes `OUT/chord.f32` (left then right, little-endian f32);
//! `smoke_host mine FOLDER OUT` writes `OUT/mine.txt` (seconds to sound, RMS, saved path) and
//! `OUT/state.bin` (the saved state).

#[path = "../tests/common/mod.rs"]
#[allow(dead_code, unused_imports)]
mod common;

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["chord", out] => {
            let [left, right] = common::smoke::held_chord();
            let bytes: Vec<u8> = left.iter().chain(&right).flat_map(|x| x.to_le_bytes()).collect();
            std::fs::write(Path::new(out).join("chord.f32"), bytes)
        }
        ["mine", folder, out] => {
            let mined = common::smoke::mine_folder(folder);
            let seconds = mined.seconds_to_sound.map_or("never".to_string(), |s| format!("{s:.3}"));
            let report = format!("{seconds}\n{}\n{}\n", mined.rms, mined.saved_path);
            std::fs::write(Path::new(out).join("mine.txt"), report)
                .and_then(|()| std::fs::write(Path::new(out).join("state.bin"), &mined.state))
        }
        _ => {
            eprintln!("usage: smoke_host chord OUT | smoke_host mine FOLDER OUT");
            return ExitCode::FAILURE;
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
