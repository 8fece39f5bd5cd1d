//! The original tool's config names through the binary's own path: `validate` accepts them, and
//! `render` finds its folders through the `*_dir` names and applies the legacy pad-miner keys.

use std::path::Path;
use std::process::{Command, Output};

fn afterglow(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_afterglow")).args(args).current_dir(cwd).output().expect("binary runs")
}

const LEGACY: &str = "[pad_miner]\ncrossfade_ms = 80.0\nmax_onset_rate_per_second = 1.5\n\n\
                      [paths]\nsource_audio_dir = \"my_tracks\"\npad_sources_dir = \"none\"\ndrums_dir = \"none\"\nexport_dir = \"my_pack\"\n";

#[test]
fn validate_and_render_accept_the_original_names() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("afterglow.toml"), LEGACY).unwrap();
    let o = afterglow(&["validate"], dir.path());
    assert!(o.status.success(), "validate rejected the legacy names: {}", String::from_utf8_lossy(&o.stderr));

    let tracks = dir.path().join("my_tracks");
    std::fs::create_dir(&tracks).unwrap();
    let tape = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/archive/02 tape loop in A.wav");
    std::fs::copy(&tape, tracks.join("tape.wav")).unwrap();
    let o = afterglow(&["render", "--only", "pads"], dir.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let manifest = std::fs::read_to_string(dir.path().join("my_pack/manifest.csv")).expect("pack in export_dir");
    assert!(manifest.contains("tape.wav"), "the source came from source_audio_dir: {manifest}");
}

#[test]
fn validate_names_a_legacy_key_set_twice() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.toml"), "[pad_miner]\ncrossfade_ms = 80.0\nloop_crossfade_ms = 90.0\n").unwrap();
    let o = afterglow(&["validate", "--config", "x.toml"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("pad_miner.crossfade_ms"));
}
