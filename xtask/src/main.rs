//! Project chores: `cargo xtask bundle afterglow-plugin --release` builds the CLAP and VST3 bundles;
//! `cargo xtask windows` builds them and `afterglow.exe` for Windows (Debian's toolchain, see the README);
//! `cargo xtask dist` packs the Linux and Windows builds into the archives a musician downloads;
//! `cargo xtask eval-set` renders the General-MIDI key and tempo evaluation set, its held-out twin and
//! the music21 set of real compositions (all cached); `cargo xtask check-imports` fails when a crate's
//! files or folders import each other in a cycle; `cargo xtask check-math` fails when the engine, the
//! catalogue or the exporter calls the platform's math library instead of the portable one.

#[path = "../../fixtures/eval/gm_set.rs"]
mod gm_set;
mod dist;
mod imports;
mod portable_math;
mod windows;

use std::path::Path;
use std::process::ExitCode;

fn main() -> nice_plug_xtask::Result<()> {
    // Our own subcommands first; everything else is nice-plug's (bundle).
    if std::env::args().nth(1).as_deref() == Some("eval-set") {
        std::process::exit(if eval_set() == ExitCode::SUCCESS { 0 } else { 1 });
    }
    if std::env::args().nth(1).as_deref() == Some("check-imports") {
        std::process::exit(imports::run());
    }
    if std::env::args().nth(1).as_deref() == Some("dist") {
        std::process::exit(dist::run_dist());
    }
    if std::env::args().nth(1).as_deref() == Some("windows") {
        std::process::exit(windows::run());
    }
    if std::env::args().nth(1).as_deref() == Some("check-math") {
        std::process::exit(portable_math::run());
    }
    nice_plug_xtask::main()
}

/// Writes the evaluation set's and the held-out set's MIDI files and renders the missing WAVs with
/// fluidsynth, then has `fixtures/eval/music21_set.py` make the music21 set (it needs python3 with
/// music21 and the MuseScore General SoundFont, and says what is missing).
fn eval_set() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let Some(soundfont) = gm_set::find_soundfont() else {
        eprintln!("error: no General MIDI SoundFont found (apt-get install fluid-soundfont-gm, or set AFTERGLOW_SOUNDFONT)");
        return ExitCode::FAILURE;
    };
    if !gm_set::fluidsynth_available() {
        eprintln!("error: fluidsynth not found (apt-get install fluidsynth)");
        return ExitCode::FAILURE;
    }
    let sets = [
        (gm_set::cache_dir(&root), gm_set::pieces()),
        (gm_set::held_out_cache_dir(&root), gm_set::held_out_pieces()),
    ];
    for (dir, pieces) in sets {
        match gm_set::render_all(&dir, &soundfont, pieces) {
            Ok(pieces) => {
                for (piece, wav) in &pieces {
                    let bpm = piece.bpm.map_or("-".to_string(), |b| format!("{b}"));
                    println!("{}  key {}{} bpm {bpm}", wav.display(), piece.tonic, if piece.minor { "m" } else { "" });
                }
                println!("{} pieces in {}", pieces.len(), dir.display());
            }
            Err(err) => {
                eprintln!("error: {err}");
                return ExitCode::FAILURE;
            }
        }
    }
    let music21_dir = gm_set::cache_dir(&root).with_file_name("eval-music21");
    let script = root.join("fixtures/eval/music21_set.py");
    match std::process::Command::new("python3").arg(&script).arg(&music21_dir).status() {
        Ok(status) if status.success() => {}
        Ok(status) => {
            eprintln!("error: {} failed ({status})", script.display());
            return ExitCode::FAILURE;
        }
        Err(err) => {
            eprintln!("error: python3 {}: {err}", script.display());
            return ExitCode::FAILURE;
        }
    }
    println!("score them with: cargo test -p afterglow-engine --test gm_eval --test music21_eval -- --nocapture");
    ExitCode::SUCCESS
}
