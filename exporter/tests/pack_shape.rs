//! The shape of a pack at the default settings, on the real soundtrack the corpus is cut from (41
//! tracks, 128 minutes, installed by the corpus script; under CI it must be there): distinct pads
//! make most of it, not variants of a few. Pads are pairwise distinct by construction (one per
//! material, `engine::mining::material`); the layers give pads where drums play throughout.
//!
//! Renders with `--only pads,drones,swells --dry-run` (every file made and graded, none written).

use std::path::Path;
use std::process::Command;

const SOUNDTRACK_DIR: &str = "/usr/share/games/wesnoth/1.16/data/core/music";

#[test]
fn a_default_pack_of_the_soundtrack_is_three_distinct_pads_a_minute_and_at_most_two_variants_each() {
    let dir = Path::new(SOUNDTRACK_DIR);
    if !dir.is_dir() {
        assert!(std::env::var_os("CI").is_none(), "CI must install the soundtrack ({SOUNDTRACK_DIR}, wesnoth-1.16-music)");
        eprintln!("notice: {SOUNDTRACK_DIR} not found (apt-get install wesnoth-1.16-music); skipping the pack-shape test");
        return;
    }
    let minutes: f64 = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| engine::source::is_supported(p))
        .map(|p| engine::source::probe(&p).unwrap().original_duration_sec / 60.0)
        .sum();
    let out = tempfile::tempdir().unwrap();
    let pack = out.path().join("pack");
    let o = Command::new(env!("CARGO_BIN_EXE_afterglow"))
        .args(["render", SOUNDTRACK_DIR, "--only", "pads,drones,swells", "--dry-run", "--out"])
        .arg(&pack)
        .output()
        .unwrap();
    let summary = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{summary}{}", String::from_utf8_lossy(&o.stderr));
    // The dry run's summary: "  pad       921 files   2635.7 s".
    let count = |kind: &str| -> usize {
        summary
            .lines()
            .find_map(|l| l.trim_start().strip_prefix(kind).map(|rest| rest.split_whitespace().next().unwrap_or("0").parse().unwrap_or(0)))
            .unwrap_or(0)
    };
    let (pads, drones, swells) = (count("pad "), count("drone "), count("swell "));
    let separated = format!("{summary}{}", String::from_utf8_lossy(&o.stderr)).matches("separated into layers").count();
    println!(
        "{minutes:.1} min: {pads} pads ({:.2}/min), {drones} drones, {swells} swells ({:.2} per pad); {separated} tracks separated into layers",
        pads as f64 / minutes,
        (drones + swells) as f64 / pads.max(1) as f64
    );
    assert!(pads as f64 >= 3.0 * minutes, "{pads} pads in {minutes:.1} min");
    assert!(drones + swells <= 2 * pads, "{drones} drones and {swells} swells for {pads} pads");
    assert!(separated > 0, "busy tracks give pads from their layers");
}
