//! Variants beyond re-encodes, measured on real recordings: excerpts of the Wesnoth soundtrack (the
//! music the real-music corpus is cut from) played faster and slower by 2 to 16 % in Panako's grid,
//! both as a speed change (`sox speed`: pitch moves with it) and as a tempo change (`rubberband -T`:
//! pitch kept), transposed by the same ratios at the same tempo (`rubberband -f`), and with reverb
//! added (`sox reverb`), all catalogued beside hard negatives: another
//! passage of each track, another performance of one tune (`frantic` and `frantic-old`), and one score
//! rendered with other instruments (`fixtures/eval/gm_set.rs`, through fluidsynth). Prints recall per
//! kind and step and the precision of the groups; asserts recall of at least 0.9 at every step up to
//! 5 % for speed, tempo and pitch and for reverb, precision 1.00, and that the copies found at those steps are
//! named with their kind and amount (within 1.5 %), and that a passage sharing 25 s with an
//! excerpt at 6 % more speed is an overlap of those seconds named as that speed change. Skips with a notice where sox, rubberband or the
//! music are missing, except in CI (`CI=true`), where it fails.

#[path = "../../fixtures/eval/gm_set.rs"]
mod gm_set;

use catalogue::synthetic::synthetic_file;
use catalogue::{Catalogue, MinedFile, VariantKind};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the Wesnoth soundtrack is installed (Debian's `wesnoth-1.16-music`).
const MUSIC_DIR: &str = "/usr/share/games/wesnoth/1.16/data/core/music";
/// The tracks (varied: orchestral, ambient, battle, fast).
const TRACKS: [&str; 5] = ["wanderer", "heroes_rite", "into_the_shadows", "battle", "frantic"];
/// Each variant is made from this excerpt of its track.
const EXCERPT_START_SEC: u32 = 20;
const EXCERPT_SEC: u32 = 30;
/// Another passage of the track, a hard negative.
const LATER_START_SEC: u32 = 90;
/// Steps of speed and tempo, percent faster (Panako's grid).
const STEPS: [i32; 12] = [-16, -12, -8, -6, -4, -2, 2, 4, 6, 8, 12, 16];
/// A copy is named rightly when its kind is and its amount is within this many percent of the
/// step (the amount is measured from the agreeing hits' line, through another copy at worst).
const NAMING_TOLERANCE_PCT: f64 = 1.5;
/// Steps up to this are asserted.
const ASSERTED_STEP: i32 = 5;
/// Keyed pieces of the GM set (no drums: no literally shared audio) and the other instruments
/// they are rendered with.
const REORCHESTRATED: [(usize, u8, u8); 3] =
    [(0, gm_set::gm::SLOW_STRINGS, gm_set::gm::CELLO), (1, gm_set::gm::HARP, gm_set::gm::ACOUSTIC_BASS), (4, gm_set::gm::FLUTE, gm_set::gm::FLUTE)];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Original,
    Speed(i32),
    Tempo(i32),
    /// Frequencies times 1 + step / 100 at the same tempo.
    Pitch(i32),
    Reverb,
    /// Not a copy of anything else in the set.
    Negative,
    /// A passage that shares [`PARTIAL_SHARED_SEC`] with its track's original, played
    /// [`PARTIAL_SPEED_STEP`] % faster: an overlap at another speed, never a copy.
    PartialSpeed,
}

/// The partial passage starts this much later than the original excerpt.
const PARTIAL_LATER_SEC: u32 = 5;
/// Seconds of the original it holds (the rest of its 30 s comes after the original's end).
const PARTIAL_SHARED_SEC: f64 = (EXCERPT_SEC - PARTIAL_LATER_SEC) as f64;
const PARTIAL_SPEED_STEP: i32 = 6;

/// One file of the set: what it is, of which family (copies share one), and how to make it.
struct Entry {
    path: PathBuf,
    kind: Kind,
    family: String,
    make: Vec<Vec<String>>,
}

fn available(tool: &str, arg: &str) -> bool {
    Command::new(tool).arg(arg).output().is_ok_and(|o| o.status.success() || !o.stdout.is_empty())
}

/// Why the measure cannot run here, if it cannot.
fn missing() -> Option<String> {
    if !available("sox", "--version") {
        return Some("sox not found".into());
    }
    if !available("rubberband", "--version") {
        return Some("rubberband (Debian: rubberband-cli) not found".into());
    }
    TRACKS
        .iter()
        .chain(["frantic-old"].iter())
        .map(|t| Path::new(MUSIC_DIR).join(format!("{t}.ogg")))
        .find(|p| !p.is_file())
        .map(|p| format!("{} not found (Debian: wesnoth-1.16-music)", p.display()))
}

fn run(argv: &[String]) {
    let out = Command::new(&argv[0]).args(&argv[1..]).output().unwrap_or_else(|e| panic!("{}: {e}", argv[0]));
    assert!(out.status.success(), "{argv:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn s(x: impl ToString) -> String {
    x.to_string()
}

/// The set, to be made in `dir`.
fn entries(dir: &Path) -> Vec<Entry> {
    let cut = |track: &str, out: &Path, start: u32| {
        let src = Path::new(MUSIC_DIR).join(format!("{track}.ogg"));
        vec![s("sox"), s(src.display()), s("-r"), s("44100"), s("-c"), s("2"), s(out.display()), s("trim"), s(start), s(EXCERPT_SEC)]
    };
    let mut out = Vec::new();
    for track in TRACKS {
        let original = dir.join(format!("{track}.wav"));
        let orig = s(original.display());
        let entry = |name: String, kind: Kind, make: Vec<Vec<String>>| Entry { path: dir.join(name), kind, family: track.into(), make };
        out.push(entry(format!("{track}.wav"), Kind::Original, vec![cut(track, &original, EXCERPT_START_SEC)]));
        for step in STEPS {
            let factor = s(1.0 + f64::from(step) / 100.0);
            let speed = dir.join(format!("{track}-speed{step:+}.wav"));
            out.push(entry(format!("{track}-speed{step:+}.wav"), Kind::Speed(step), vec![vec![s("sox"), orig.clone(), s(speed.display()), s("speed"), factor.clone()]]));
            let tempo = dir.join(format!("{track}-tempo{step:+}.wav"));
            out.push(entry(
                format!("{track}-tempo{step:+}.wav"),
                Kind::Tempo(step),
                vec![vec![s("rubberband"), s("-q"), s("-T"), factor.clone(), orig.clone(), s(tempo.display())]],
            ));
            let pitch = dir.join(format!("{track}-pitch{step:+}.wav"));
            out.push(entry(
                format!("{track}-pitch{step:+}.wav"),
                Kind::Pitch(step),
                vec![vec![s("rubberband"), s("-q"), s("-f"), factor, orig.clone(), s(pitch.display())]],
            ));
        }
        let reverb = dir.join(format!("{track}-reverb.wav"));
        out.push(entry(format!("{track}-reverb.wav"), Kind::Reverb, vec![vec![s("sox"), orig.clone(), s(reverb.display()), s("reverb"), s(60)]]));
        let partial_cut = dir.join(format!("{track}-partial-cut.wav"));
        let partial = dir.join(format!("{track}-partial-speed{PARTIAL_SPEED_STEP:+}.wav"));
        let factor = s(1.0 + f64::from(PARTIAL_SPEED_STEP) / 100.0);
        out.push(Entry {
            path: partial.clone(),
            kind: Kind::PartialSpeed,
            family: format!("{track}-partial"),
            make: vec![
                cut(track, &partial_cut, EXCERPT_START_SEC + PARTIAL_LATER_SEC),
                vec![s("sox"), s(partial_cut.display()), s(partial.display()), s("speed"), factor],
            ],
        });
        let later = dir.join(format!("{track}-later.wav"));
        out.push(Entry { path: later.clone(), kind: Kind::Negative, family: format!("{track}-later"), make: vec![cut(track, &later, LATER_START_SEC)] });
    }
    let old = dir.join("frantic-old.wav");
    out.push(Entry { path: old.clone(), kind: Kind::Negative, family: "frantic-old".into(), make: vec![cut("frantic-old", &old, 0)] });
    out
}

/// Makes and fingerprints `entries` on two threads.
fn fingerprint_all(entries: &[Entry]) -> Vec<Vec<engine::analysis::Landmark>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    // Originals first: the variants are made from them.
    for e in entries.iter().filter(|e| e.kind == Kind::Original || e.kind == Kind::Negative) {
        e.make.iter().for_each(|argv| run(argv));
    }
    let next = AtomicUsize::new(0);
    let out = Mutex::new(vec![Vec::new(); entries.len()]);
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(e) = entries.get(i) else { break };
                    if !matches!(e.kind, Kind::Original | Kind::Negative) {
                        e.make.iter().for_each(|argv| run(argv));
                    }
                    let landmarks = catalogue::fingerprint_file(&e.path).unwrap_or_else(|err| panic!("{err}")).landmarks;
                    out.lock().unwrap()[i] = landmarks;
                }
            });
        }
    });
    out.into_inner().unwrap()
}

/// Renders the re-orchestrated GM pieces (both instrumentations), as negatives; empty with a
/// notice where fluidsynth or a SoundFont is missing outside CI.
fn gm_takes(dir: &Path) -> Vec<Entry> {
    let (Some(soundfont), true) = (gm_set::find_soundfont(), gm_set::fluidsynth_available()) else {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "fluidsynth or a GM SoundFont is missing in CI");
        println!("notice: fluidsynth or a GM SoundFont missing: the re-orchestrated takes are left out");
        return Vec::new();
    };
    let all = gm_set::pieces();
    let mut pieces = Vec::new();
    for &(index, program, bass) in &REORCHESTRATED {
        pieces.push(all[index].clone());
        pieces.push(gm_set::reorchestrated(index, program, bass));
    }
    let rendered = gm_set::render_all(&dir.join("gm"), &soundfont, pieces).expect("GM takes render");
    rendered.into_iter().map(|(piece, path)| Entry { path, kind: Kind::Negative, family: piece.name, make: Vec::new() }).collect()
}

fn duration_sec(path: &Path) -> f64 {
    let out = Command::new("sox").args(["--i", "-D"]).arg(path).output().expect("sox --i");
    String::from_utf8_lossy(&out.stdout).trim().parse().expect("a duration")
}

#[test]
fn variants_are_found_and_takes_are_not_merged() {
    if let Some(why) = missing() {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "variants_eval cannot run in CI: {why}");
        println!("notice: variants_eval skipped: {why}");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut set = entries(tmp.path());
    set.extend(gm_takes(tmp.path()));
    let landmarks = fingerprint_all(&set);

    // Catalogued as fingerprints alone (nothing else takes part in the search); the originals are
    // lossless and the variants lossy, so each original is the copy kept and the others are named
    // against it.
    let mut cat = Catalogue::open(&tmp.path().join("cat.sqlite")).unwrap();
    let settings = catalogue::MineSettings::default();
    for (i, (e, landmarks)) in set.iter().zip(landmarks).enumerate() {
        let lossless = matches!(e.kind, Kind::Original | Kind::Negative);
        let file = MinedFile {
            regions: Vec::new(),
            landmarks,
            container: if lossless { "flac" } else { "ogg" }.into(),
            codec: if lossless { "flac" } else { "vorbis" }.into(),
            duration_sec: duration_sec(&e.path),
            ..synthetic_file(i, 0)
        };
        cat.put_file(&e.path.display().to_string(), 1, 0, &settings, &file).unwrap();
    }
    let found = cat.duplicates_and_variants().unwrap();

    let by_path: HashMap<String, &Entry> = set.iter().map(|e| (e.path.display().to_string(), e)).collect();
    let mut group_of: HashMap<String, usize> = HashMap::new();
    let mut named: HashMap<String, catalogue::Variant> = HashMap::new();
    let (mut true_pairs, mut false_pairs) = (0, Vec::new());
    for (g, group) in found.groups.iter().enumerate() {
        for (i, x) in group.copies.iter().enumerate() {
            group_of.insert(x.path.clone(), g);
            if let Some(v) = x.variant {
                named.insert(x.path.clone(), v);
            }
            for y in &group.copies[i + 1..] {
                if by_path[&x.path].family == by_path[&y.path].family {
                    true_pairs += 1;
                } else {
                    false_pairs.push((x.path.clone(), y.path.clone()));
                }
            }
        }
    }
    let original_of: HashMap<&str, String> =
        set.iter().filter(|e| e.kind == Kind::Original).map(|e| (e.family.as_str(), e.path.display().to_string())).collect();
    // Per kind: (found, well named, of) per step.
    let mut table: HashMap<Kind, (usize, usize, usize)> = HashMap::new();
    for e in &set {
        if matches!(e.kind, Kind::Original | Kind::Negative | Kind::PartialSpeed) {
            continue;
        }
        let path = e.path.display().to_string();
        let together = group_of.get(&path).is_some_and(|g| group_of.get(&original_of[e.family.as_str()]) == Some(g));
        let well_named = together
            && named.get(&path).is_some_and(|v| match e.kind {
                Kind::Speed(step) => v.kind == VariantKind::Speed && (v.speed_change_pct - f64::from(step)).abs() <= NAMING_TOLERANCE_PCT,
                Kind::Tempo(step) => v.kind == VariantKind::Tempo && (v.speed_change_pct - f64::from(step)).abs() <= NAMING_TOLERANCE_PCT,
                Kind::Pitch(step) => {
                    let (semitones, tolerance) = (12.0 * (1.0 + f64::from(step) / 100.0).log2(), 12.0 * (1.0 + NAMING_TOLERANCE_PCT / 100.0).log2());
                    v.kind == VariantKind::Pitch && (v.semitones - semitones).abs() <= tolerance
                }
                _ => v.kind == VariantKind::Altered || v.kind == VariantKind::ReEncode,
            });
        if together && !well_named {
            println!("named otherwise: {path}: {:?}", named.get(&path));
        }
        if !together {
            println!("missed: {path}");
        }
        let cell = table.entry(e.kind).or_default();
        *cell = (cell.0 + usize::from(together), cell.1 + usize::from(well_named), cell.2 + 1);
    }

    println!("\nrecall per step (found / made; named with kind and amount in brackets), {} tracks:", TRACKS.len());
    print!("{:8}", "step %");
    STEPS.iter().for_each(|s| print!("{s:>9}"));
    println!();
    for (name, kind) in [("speed", Kind::Speed as fn(i32) -> Kind), ("tempo", Kind::Tempo), ("pitch", Kind::Pitch)] {
        print!("{name:8}");
        for step in STEPS {
            let (f, n, of) = table[&kind(step)];
            print!("{:>9}", format!("{:.2}({n})", f as f64 / of as f64));
        }
        println!();
    }
    let (rf, rn, rof) = table[&Kind::Reverb];
    println!("reverb  {:.2} ({rf} of {rof}, {rn} named)", rf as f64 / rof as f64);
    let merged = true_pairs + false_pairs.len();
    let precision = if merged == 0 { 1.0 } else { true_pairs as f64 / merged as f64 };
    println!("precision {precision:.2}: {true_pairs} pairs grouped rightly, {} wrongly {false_pairs:?}", false_pairs.len());
    println!("{} files, {} groups, {} overlaps", set.len(), found.groups.len(), found.overlaps.len());
    for o in &found.overlaps {
        println!("  overlap {} {:.1}-{:.1} / {} {:.1}-{:.1}", o.a, o.a_start_sec, o.a_end_sec, o.b, o.b_start_sec, o.b_end_sec);
    }

    // Each partial passage at another speed: an overlap with its original, of the shared seconds,
    // named as the speed change.
    let mut partial_found = 0;
    for e in set.iter().filter(|e| e.kind == Kind::PartialSpeed) {
        let (partial, original) = (e.path.display().to_string(), &original_of[e.family.trim_end_matches("-partial")]);
        let Some(o) = found.overlaps.iter().find(|o| [&o.a, &o.b] == [original, &partial] || [&o.a, &o.b] == [&partial, original]) else {
            println!("partial overlap missed: {partial}");
            continue;
        };
        partial_found += 1;
        // Seen from the original: its seconds, the partial's, and how much faster the partial plays.
        let speed = 1.0 + f64::from(PARTIAL_SPEED_STEP) / 100.0;
        let from_original = &o.a == original;
        let (measured, faster_pct) = match (from_original, o.variant) {
            (true, v) => ([o.a_start_sec, o.a_end_sec, o.b_start_sec, o.b_end_sec], v.map(|v| (v.kind, v.speed_change_pct))),
            (false, v) => ([o.b_start_sec, o.b_end_sec, o.a_start_sec, o.a_end_sec], v.map(|v| (v.kind, (100.0 / (100.0 + v.speed_change_pct) - 1.0) * 100.0))),
        };
        let expected = [f64::from(PARTIAL_LATER_SEC), f64::from(EXCERPT_SEC), 0.0, PARTIAL_SHARED_SEC / speed];
        println!("partial overlap {partial}: {measured:.2?} (cut {expected:.2?}), {:?}", o.variant.map(|v| v.describe()));
        assert!(measured.iter().zip(expected).all(|(m, e)| (m - e).abs() < 1.0), "{partial}: {measured:.2?} against the cut {expected:.2?}");
        let (kind, pct) = faster_pct.unwrap_or_else(|| panic!("{partial}: overlap not named"));
        assert!(
            kind == VariantKind::Speed && (pct - f64::from(PARTIAL_SPEED_STEP)).abs() <= NAMING_TOLERANCE_PCT,
            "{partial}: named {kind:?} {pct:+.1} %"
        );
    }
    assert!(partial_found * 10 >= TRACKS.len() * 8, "{partial_found} of {} partial passages at another speed found as overlaps", TRACKS.len());

    assert!(false_pairs.is_empty(), "takes or passages merged as copies: {false_pairs:?}");
    for step in STEPS.iter().filter(|s| s.abs() <= ASSERTED_STEP) {
        for kind in [Kind::Speed(*step), Kind::Tempo(*step), Kind::Pitch(*step)] {
            let (f, n, of) = table[&kind];
            assert!(f as f64 >= 0.9 * of as f64, "{kind:?}: {f} of {of} found");
            assert_eq!(n, f, "{kind:?}: {f} found but {n} named with kind and amount");
        }
    }
    assert!(rf as f64 >= 0.9 * rof as f64, "reverb: {rf} of {rof} found");
}
