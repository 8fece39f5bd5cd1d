//! "More like this" for tonal pads, measured on instruments the project did not synthesise: held
//! notes of 30 General MIDI programs in eight of GM's instrument families (organ, strings,
//! ensemble, brass, reed, pipe, synth lead, synth pad; the families of sustained sounds, whose notes
//! the pad miner keeps), each at three pitches, rendered by `fluidsynth` with a GM SoundFont
//! (`fixtures/eval/gm_set.rs`, as the key and separation evaluations do), scanned by the binary.
//! Each file's best pad asks `pads --like` for its nearest; the label is the family GM files the
//! program under (program / 8), never anything the analysis says.
//!
//! Two figures per weighting: precision@5 over every other file, and over the files of other
//! programs only (the same instrument at another pitch left out), which asks whether the aspects
//! generalise from one instrument to its family. Without fluidsynth or a SoundFont the test prints
//! a notice and passes, except under CI (`CI` set), where it fails.

#[path = "../../fixtures/eval/gm_set.rs"]
mod gm_set;

use catalogue::{Aspect, AspectWeights, Catalogue, PadQuery};
use std::collections::BTreeMap;
use std::path::Path;

/// Least mean share of a pad's five nearest (from other files) that are of its GM family. Not the
/// goal: issue 25 asks for 0.8, and the aspects reach about 0.33 here (chance, a random ranking, is
/// about 0.12: 8 to 11 of the 89 other files share a family). Measured apart from afterglow on the
/// same renders, MFCC statistics reach about 0.43, a discriminant learned from another SoundFont's
/// notes 0.55, and a pretrained general audio embedding (YAMNet) 0.59 (README, "Similarity by
/// aspect"): the gap is in how far GM's families can be told apart from a note's steady part, not
/// in the scaling. This floor, twice chance, fails when the timbre aspect stops working (loudness
/// contour alone: 0.16).
const MIN_PRECISION_AT_5: f64 = 0.25;

/// GM family names of the families used, by family number (program / 8).
const FAMILIES: [(u8, &str); 8] = [
    (2, "organ"),
    (5, "strings"),
    (6, "ensemble"),
    (7, "brass"),
    (8, "reed"),
    (9, "pipe"),
    (10, "synth lead"),
    (11, "synth pad"),
];

/// (GM program, 0-based; the middle of the three MIDI notes it plays, which sit 5 below and 7 above).
const PROGRAMS: [(u8, u8); 30] = [
    (16, 60), (19, 60), (20, 60), (21, 64),              // drawbar, church, reed organ, accordion
    (40, 69), (41, 62), (42, 50), (43, 40),              // violin, viola, cello, contrabass
    (48, 60), (49, 60), (50, 60), (52, 64),              // string ensembles, synth strings, choir
    (56, 67), (57, 55), (60, 60), (61, 60),              // trumpet, trombone, horn, brass section
    (65, 62), (68, 69), (70, 50), (71, 62),              // alto sax, oboe, bassoon, clarinet
    (72, 81), (73, 74), (74, 74), (79, 72),              // piccolo, flute, recorder, ocarina
    (80, 64), (81, 64), (87, 55),                        // square, saw, bass and lead
    (88, 60), (89, 60), (90, 60),                        // new age, warm, polysynth pads
];

fn afterglow(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_afterglow")).args(args).env_remove("AFTERGLOW_CATALOGUE").output().expect("binary runs")
}

fn json_of(out: &std::process::Output) -> serde_json::Value {
    assert!(out.status.code().is_some_and(|c| c == 0 || c == 3), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn family_name(program: u8) -> &'static str {
    FAMILIES.iter().find(|(f, _)| *f == program / 8).map_or("?", |(_, n)| n)
}

#[test]
fn pads_like_ranks_instrument_families_above_chance_on_general_midi_notes() {
    let (Some(soundfont), true) = (gm_set::find_soundfont(), gm_set::fluidsynth_available()) else {
        let notice = "fluidsynth or a General MIDI SoundFont is missing (apt-get install fluidsynth fluid-soundfont-gm): \
                      pads --like evaluation skipped";
        assert!(std::env::var_os("CI").is_none(), "{notice}");
        eprintln!("notice: {notice}");
        return;
    };
    let pieces: Vec<gm_set::Piece> = PROGRAMS
        .iter()
        .flat_map(|&(program, middle)| {
            [middle - 5, middle, middle + 7].map(|note| gm_set::held_note(&format!("p{program:03}_n{note:03}"), program, note, 5.0))
        })
        .collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let rendered = gm_set::render_all(&gm_set::cache_dir(&root).join("held-notes"), &soundfont, pieces).expect("render the notes");
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("notes");
    std::fs::create_dir_all(&folder).unwrap();
    // File stem -> program.
    let mut program_of: BTreeMap<String, u8> = BTreeMap::new();
    for (piece, wav) in &rendered {
        std::fs::copy(wav, folder.join(format!("{}.wav", piece.name))).unwrap();
        program_of.insert(piece.name.clone(), piece.name[1..4].parse().unwrap());
    }
    let db = tmp.path().join("cat.sqlite");
    let (folder_s, db_s) = (folder.to_str().unwrap(), db.to_str().unwrap());
    let report = json_of(&afterglow(&["scan", folder_s, "--catalogue", db_s, "--json"]));
    eprintln!("scan: {} files, {} failed, {} regions", report["files"], report["failed"], report["regions"]);
    assert_eq!(report["failed"], 0, "{report}");
    let cat = Catalogue::open(&db).unwrap();
    let stem = |path: &str| Path::new(path).file_stem().unwrap().to_string_lossy().into_owned();
    // Each file's best pad (listed best first).
    let mut best: BTreeMap<String, String> = BTreeMap::new();
    for row in cat.pads(&PadQuery { limit: 0, ..Default::default() }).unwrap() {
        best.entry(stem(&row.path)).or_insert(row.id);
    }
    let without: Vec<_> = program_of.keys().filter(|f| !best.contains_key(*f)).collect();
    eprintln!("{} files, {} with a pad; without: {without:?}", program_of.len(), best.len());
    assert!(best.len() * 10 >= program_of.len() * 9, "only {} of {} files gave a pad", best.len(), program_of.len());
    let mut weightings = vec![("overall", AspectWeights::default())];
    weightings.extend(Aspect::ALL.map(|a| (a.name(), AspectWeights::only(a))));
    weightings.push(("overall without timbre", AspectWeights::parse("timbre=0").unwrap()));
    let mut overall_p = 0.0;
    for (name, weights) in weightings {
        // (sum, count) over every other file, and over other programs only; per family.
        let (mut any, mut other) = ((0.0, 0usize), (0.0, 0usize));
        let mut per_family: BTreeMap<&str, (f64, usize)> = BTreeMap::new();
        for (file, id) in &best {
            let program = program_of[file];
            let near = cat.pads(&PadQuery { like: Some(id.clone()), weights, limit: 0, ..Default::default() }).unwrap();
            let near: Vec<u8> = near.iter().map(|r| stem(&r.path)).filter(|f| f != file).filter_map(|f| program_of.get(&f).copied()).collect();
            let precision = |programs: Vec<u8>| programs.iter().filter(|p| **p / 8 == program / 8).count() as f64 / programs.len().max(1) as f64;
            let p_any = precision(near.iter().copied().take(5).collect());
            let p_other = precision(near.iter().copied().filter(|p| *p != program).take(5).collect());
            any = (any.0 + p_any, any.1 + 1);
            other = (other.0 + p_other, other.1 + 1);
            let e = per_family.entry(family_name(program)).or_default();
            (e.0, e.1) = (e.0 + p_any, e.1 + 1);
        }
        let p = any.0 / any.1.max(1) as f64;
        let families: Vec<String> = per_family.iter().map(|(f, (s, n))| format!("{f} {:.2}", s / *n as f64)).collect();
        eprintln!(
            "precision@5 {name:<22} {p:.3}, other programs only {:.3}, over {} pads ({})",
            other.0 / other.1.max(1) as f64,
            any.1,
            families.join(", ")
        );
        if name == "overall" {
            overall_p = p;
        }
    }
    // The binary ranks as the catalogue does and shows each aspect's distance.
    let id = best.values().next().unwrap();
    let out = json_of(&afterglow(&["pads", "--catalogue", db_s, "--like", id, "--weights", "pitch=0", "--limit", "6", "--json"]));
    let ids: Vec<&str> = out.as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    let weights = AspectWeights::parse("pitch=0").unwrap();
    let expected = cat.pads(&PadQuery { like: Some(id.clone()), weights, limit: 6, ..Default::default() }).unwrap();
    assert_eq!(ids, expected.iter().map(|r| r.id.as_str()).collect::<Vec<_>>());
    for aspect in Aspect::ALL {
        assert!(out[1]["aspects"][aspect.name()].as_f64().is_some(), "{}", out[1]);
    }
    assert!(overall_p >= MIN_PRECISION_AT_5, "precision@5 {overall_p:.3} < {MIN_PRECISION_AT_5}");
}
