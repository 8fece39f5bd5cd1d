//! Real drums as the truth: the one-shot classifier and `afterglow oneshots --like`, measured on the
//! recorded kits of Debian's `hydrogen-drumkits` package (`.ci/run` installs it), each sample
//! labelled by the instrument its kit's `drumkit.xml` names it under.
//!
//! Without the package the tests print a notice and pass, except under CI (`CI` set), where they fail.
//! `AFTERGLOW_DRUMKITS` names another kits folder; `AFTERGLOW_DUMP_HITS=FILE` makes the class test
//! write every sample's hit measures as tab-separated lines (kit, instrument, file, truth, class,
//! band shares, centroid, flatness, decay, high flatness, flags: 1 loudest layer + 2 kit piece, air
//! ratio, peak share, mid flatness, the ten octave shares, noise flatness, low pitch, late low
//! pitch, low peak share), the data the classifier's model is fitted on
//! (engine/src/mining/hit_class/model.rs).
//!
//! The classifier names at least 90 % of each class right on all kits: kick 90.7 % (49/54; three
//! kick samples give no one-shot at all and count as wrong), snare 94.0 %, hats and cymbals 95.2 %,
//! toms 94.9 % (the rules it replaced: 87.0, 13.3, 63.1 and 34.6 %). Its model was fitted on the
//! other kits only; on the two held-out kits it gets kick 88.2 % (15/17), snare 86.7 % (13/15), hat
//! 93.1 % and toms 93.3 %: kicks and snares stay under 90 % there (of the electronic kit, a
//! distorted kick is cut from its high band only and reads as a hat, another kick reads as a tom,
//! two snares with a low body read as kicks), so the held-out kits have floors of their own. Hand percussion is printed,
//! not held: 55.8 % (cowbells and agogos read as hats, bongos as snares; the rules gave 78.8 %).

use catalogue::{Aspect, AspectWeights, Catalogue, OneShotQuery};
use engine::analysis::{AnalysisConfig, Analyzer};
use engine::mining::{slice_hits, HitClass, OneShotConfig};
use engine::source::{load, LoadOptions};
use fixtures::drumkits::{kits_path, read_drumkit, KitInstrument, KitLayer};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Kits kept out of every tuning of the classifier and the distance: their figures are printed apart,
/// as a check on kits the classifier's model was not fitted to. One acoustic kit recorded in five
/// velocity layers, one electronic kit.
const HELD_OUT_KITS: [&str; 2] = ["The Black Pearl 1.0", "ElectricEmpireKit"];

/// Least share of the samples of each class (kick, snare, hat and cymbal, tom) the classifier gets
/// right on all kits, held-out ones included (measured: kick 90.7 %, snare 94.0 %, hat 95.2 %,
/// toms 94.9 %).
const MIN_CLASS_ACCURACY: f64 = 0.9;
/// Least share per class on the held-out kits alone, which the model never saw (measured: kick
/// 88.2 %, snare 86.7 %, hat 93.1 %, toms 93.3 %): 90 % where it holds, else 85 % (one more wrong
/// kick or snare falls under it).
const MIN_HELD_OUT_CLASS_ACCURACY: [(HitClass, f64); 4] =
    [(HitClass::Kick, 0.85), (HitClass::Snare, 0.85), (HitClass::Hat, 0.9), (HitClass::Perc, 0.9)];

/// One labelled sample file.
#[derive(Debug, Clone)]
struct LabelledSample {
    kit: String,
    instrument: String,
    path: PathBuf,
    class: HitClass,
    /// A drum-kit piece (held to the bound), not hand percussion.
    kit_piece: bool,
    /// Whether this is the instrument's loudest velocity layer (or its only sample).
    loudest: bool,
}

/// What an instrument name stands for: a drum-kit piece of an engine class, a hand or Latin
/// percussion instrument (engine class perc, measured but not held to the bound: see below), or a
/// name skipped with the reason.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Label {
    KitPiece(HitClass),
    HandPercussion,
}

/// The label of an instrument name, read as lower-case words (digits separate words: "Snare1").
///
/// The engine has five classes: kick, snare, hat (hats and cymbals: the miner cuts both from the
/// high band), perc (short tonal hits: toms, cowbells, blocks) and other. Kit pieces: kick and bass
/// drum (kick), snare and snare rimshot (snare), hi-hats, crash, ride (bell and bow too), china,
/// splash (hat), toms (perc). Cowbell, agogo, woodblock, clave, conga, bongo and the bells of dunun
/// drums are hand percussion. Skipped: hand claps and snaps, shakers and tambourines (noise bursts
/// with no drum-kit class), rolls (many strokes, not a one-shot), side sticks and rim clicks (a voice
/// of its own in General MIDI and on drum machines, between snare and perc), hand drums whose strokes
/// span kick, perc and snare sounds (djembe, dunun heads, cajon), effects and unnamed slots.
fn label_of(instrument: &str) -> Result<Label, &'static str> {
    let name = instrument.to_lowercase();
    let words: Vec<&str> = name.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| !w.is_empty()).collect();
    let has = |list: &[&str]| words.iter().any(|w| list.contains(w));
    if has(&["clap", "snap", "snaps", "tambourine", "maraca", "shaker"]) {
        return Err("clap, snap or shaker: no drum-kit class");
    }
    if has(&["roll"]) {
        return Err("a roll is many strokes");
    }
    if has(&["stick", "click"]) {
        return Err("side stick or rim click: a voice of its own");
    }
    if has(&["djembe", "cajon"]) || (has(&["dununba", "sangban", "kenkeni"]) && !has(&["bell"])) {
        return Err("hand drum: its strokes span kick, perc and snare");
    }
    if has(&["kick", "bd", "bassdrum"]) || name.contains("bass drum") {
        return Ok(Label::KitPiece(HitClass::Kick));
    }
    if has(&["snare", "sd", "rimshot"]) {
        return Ok(Label::KitPiece(HitClass::Snare));
    }
    if has(&["hat", "hh", "hihat", "chh", "ohh", "crash", "ride", "china", "splash", "cymbal", "cup"]) {
        return Ok(Label::KitPiece(HitClass::Hat));
    }
    if has(&["tom"]) {
        return Ok(Label::KitPiece(HitClass::Perc));
    }
    // A cymbal maker's name with no other class word: the ride's bell of "Paiste Bell".
    if has(&["paiste", "sabian", "zildjian"]) {
        return Ok(Label::KitPiece(HitClass::Hat));
    }
    if has(&["cowbell", "agogo", "woodblock", "clave", "conga", "bongo", "bell"]) {
        return Ok(Label::HandPercussion);
    }
    Err("no class word")
}

/// The labelled samples of every kit under `dir`, one per distinct file content (the first kit in
/// name order keeps a file several kits or instruments share; a file named under two classes is
/// dropped), and the skipped instrument names with the reason.
fn labelled_samples(dir: &Path) -> (Vec<LabelledSample>, BTreeMap<String, &'static str>) {
    let mut kits: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.join("drumkit.xml").is_file()).collect();
    kits.sort();
    let mut samples: Vec<LabelledSample> = Vec::new();
    let mut skipped = BTreeMap::new();
    let mut by_content: BTreeMap<String, usize> = BTreeMap::new();
    let mut conflicts = BTreeSet::new();
    for kit_dir in kits {
        let kit = kit_dir.file_name().unwrap().to_string_lossy().into_owned();
        for KitInstrument { name, layers } in read_drumkit(&kit_dir).unwrap_or_else(|e| panic!("{e}")) {
            let (class, kit_piece) = match label_of(&name) {
                Ok(Label::KitPiece(c)) => (c, true),
                Ok(Label::HandPercussion) => (HitClass::Perc, false),
                Err(why) => {
                    skipped.insert(format!("{kit}: {name}"), why);
                    continue;
                }
            };
            let loudest = layers.iter().map(|l| l.max_velocity).fold(f64::MIN, f64::max);
            let mut loudest_taken = false;
            for KitLayer { max_velocity, path } in layers {
                let hash = engine::source::content_hash(&std::fs::read(&path).unwrap());
                let is_loudest = max_velocity == loudest && !loudest_taken;
                loudest_taken |= is_loudest;
                if let Some(&i) = by_content.get(&hash) {
                    if samples[i].class != class {
                        conflicts.insert(i);
                    }
                    samples[i].loudest |= is_loudest;
                    continue;
                }
                by_content.insert(hash, samples.len());
                samples.push(LabelledSample { kit: kit.clone(), instrument: name.clone(), path, class, kit_piece, loudest: is_loudest });
            }
        }
    }
    for &i in conflicts.iter().rev() {
        skipped.insert(format!("{}: {} ({})", samples[i].kit, samples[i].instrument, samples[i].path.display()), "one file under two classes");
        samples.remove(i);
    }
    (samples, skipped)
}

/// The kits' folder, or `None` (after a notice) when the package is absent outside CI.
fn kits_dir() -> Option<PathBuf> {
    let dir = kits_path();
    let has_kits = std::fs::read_dir(&dir).is_ok_and(|mut d| d.any(|e| e.is_ok_and(|e| e.path().join("drumkit.xml").is_file())));
    if has_kits {
        return Some(dir);
    }
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0");
    assert!(!ci, "{} is missing: install Debian's hydrogen-drumkits (.ci/run does)", dir.display());
    eprintln!("notice: {} is missing (apt-get install hydrogen-drumkits): real drum kit tests skipped", dir.display());
    None
}

/// Every hit the miner slices from `path`, in time order.
fn hits_of(path: &Path) -> Vec<engine::mining::OneShot> {
    // Drum samples are often shorter than the default shortest source (a closed hat of 0.1 s).
    let options = LoadOptions { min_duration_sec: 0.0, ..LoadOptions::default() };
    let source = load(path, &options).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let analysis = Analyzer::new(AnalysisConfig::default()).analyze_channels(&source.channels, source.sample_rate_hz);
    slice_hits(&source.channels, &analysis, &OneShotConfig::default())
}

/// Per true class, per found class (`None`: no hit sliced), a count.
type Confusion = BTreeMap<HitClass, BTreeMap<Option<HitClass>, usize>>;

fn print_confusion(title: &str, confusion: &Confusion) {
    let classes = [HitClass::Kick, HitClass::Snare, HitClass::Hat, HitClass::Perc];
    eprintln!("{title}");
    eprintln!("  {:>6} | {:>5} {:>5} {:>5} {:>5} {:>5} {:>5} | accuracy", "true", "kick", "snare", "hat", "perc", "other", "none");
    for truth in classes {
        let Some(row) = confusion.get(&truth) else { continue };
        let total: usize = row.values().sum();
        let cell = |c: Option<HitClass>| row.get(&c).copied().unwrap_or(0);
        eprintln!(
            "  {:>6} | {:>5} {:>5} {:>5} {:>5} {:>5} {:>5} | {}/{} = {:.1} %",
            truth.name(),
            cell(Some(HitClass::Kick)),
            cell(Some(HitClass::Snare)),
            cell(Some(HitClass::Hat)),
            cell(Some(HitClass::Perc)),
            cell(Some(HitClass::Other)),
            cell(None),
            cell(Some(truth)),
            total,
            100.0 * cell(Some(truth)) as f64 / total as f64
        );
    }
}

fn accuracy(confusion: &Confusion, class: HitClass) -> f64 {
    confusion.get(&class).map_or(1.0, |row| row.get(&Some(class)).copied().unwrap_or(0) as f64 / row.values().sum::<usize>() as f64)
}

#[test]
fn oneshot_class_accuracy_on_real_drum_kits_is_at_least_90_percent_per_class() {
    let Some(dir) = kits_dir() else { return };
    let (samples, skipped) = labelled_samples(&dir);
    eprintln!("{} labelled samples; skipped instrument names:", samples.len());
    for (name, why) in &skipped {
        eprintln!("  {name}: {why}");
    }
    let dump = std::env::var_os("AFTERGLOW_DUMP_HITS").map(|p| std::fs::File::create(p).unwrap());
    let mut dump = dump.map(std::io::BufWriter::new);
    let (mut all, mut tuned, mut held_out, mut hand) = (Confusion::new(), Confusion::new(), Confusion::new(), Confusion::new());
    let mut per_kit: BTreeMap<String, Confusion> = BTreeMap::new();
    for s in &samples {
        let hits = hits_of(&s.path);
        let hit = hits.first();
        let found = hit.map(|h| h.class);
        if let (Some(out), Some(h)) = (dump.as_mut(), hit) {
            use std::io::Write;
            let f = &h.features;
            writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                s.kit,
                s.instrument,
                s.path.file_name().unwrap().to_string_lossy(),
                s.class.name(),
                h.class.name(),
                f.bands[0],
                f.bands[1],
                f.bands[2],
                f.bands[3],
                f.centroid_hz,
                f.flatness,
                f.decay_ms,
                f.high_flatness,
                u8::from(s.loudest) + 2 * u8::from(s.kit_piece),
                f.air_ratio_db,
                f.peak_share,
                f.mid_flatness,
                f.octave_db.map(|x| x.to_string()).join("\t"),
                f.noise_flatness,
                f.low_pitch_hz,
                f.late_low_pitch_hz,
                f.low_peak_share
            )
            .unwrap();
        }
        if !s.kit_piece {
            *hand.entry(s.class).or_default().entry(found).or_default() += 1;
            continue;
        }
        let held = HELD_OUT_KITS.contains(&s.kit.as_str());
        for c in [&mut all, if held { &mut held_out } else { &mut tuned }, per_kit.entry(s.kit.clone()).or_default()] {
            *c.entry(s.class).or_default().entry(found).or_default() += 1;
        }
        if found != Some(s.class) {
            let all: Vec<String> = hits.iter().map(|h| format!("{:.0} ms {} ({:.0} ms)", h.start_sample as f64 / 44.1, h.class.name(), h.len_samples as f64 / 44.1)).collect();
            eprintln!("  wrong: {} / {} / {}: {:?}", s.kit, s.instrument, s.path.file_name().unwrap().to_string_lossy(), all);
        }
    }
    for (kit, c) in &per_kit {
        print_confusion(&format!("kit {kit}{}", if HELD_OUT_KITS.contains(&kit.as_str()) { " (held out)" } else { "" }), c);
    }
    print_confusion("kits used in tuning", &tuned);
    print_confusion("held-out kits", &held_out);
    print_confusion("all kits", &all);
    print_confusion("hand percussion (perc; not held to the bound)", &hand);
    let mut low = Vec::new();
    for (class, held_out_floor) in MIN_HELD_OUT_CLASS_ACCURACY {
        for (set, confusion, floor) in [("all kits", &all, MIN_CLASS_ACCURACY), ("held-out kits", &held_out, held_out_floor)] {
            let got = accuracy(confusion, class);
            eprintln!("{} on {set}: {:.1} % (floor {:.0} %)", class.name(), 100.0 * got, 100.0 * floor);
            if got < floor {
                low.push(format!("{} on {set}: {:.1} % (floor {:.0} %)", class.name(), 100.0 * got, 100.0 * floor));
            }
        }
    }
    assert!(low.is_empty(), "classes below their floor: {low:?}");
}

/// Least mean share of a one-shot's five nearest (`oneshots --like`) that are the same kind of drum.
const MIN_PRECISION_AT_5: f64 = 0.8;

fn afterglow(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_afterglow")).args(args).env_remove("AFTERGLOW_CATALOGUE").output().expect("binary runs")
}

fn json_of(out: &std::process::Output) -> serde_json::Value {
    assert!(out.status.code().is_some_and(|c| c == 0 || c == 3), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// The weightings measured: overall (the default), each aspect alone, and overall without timbre.
fn weightings() -> Vec<(&'static str, AspectWeights)> {
    let mut out = vec![("overall", AspectWeights::default())];
    out.extend(Aspect::ALL.map(|a| (a.name(), AspectWeights::only(a))));
    out.push(("overall without timbre", AspectWeights::parse("timbre=0").unwrap()));
    out
}

/// The loudest layer of every kit piece, scanned into a fresh catalogue by the binary; each file's
/// first one-shot asks for its nearest (`oneshots --like`, through the catalogue as the binary
/// does, spot-checked against the binary itself), and the five nearest from other files (velocity
/// layers of one instrument are left out by taking the loudest only) should mostly be the same
/// kind of drum: kick, snare, hat or cymbal, tom. Measured for overall and for each aspect alone,
/// so the figure says what the aspects add; only overall is held to the bound.
#[test]
fn oneshots_like_finds_the_same_drum_on_real_drum_kits() {
    let Some(dir) = kits_dir() else { return };
    let (samples, _) = labelled_samples(&dir);
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("drums");
    std::fs::create_dir_all(&folder).unwrap();
    let mut truth: BTreeMap<String, &LabelledSample> = BTreeMap::new();
    for (i, s) in samples.iter().filter(|s| s.kit_piece && s.loudest).enumerate() {
        let ext = s.path.extension().map_or(String::new(), |e| e.to_string_lossy().to_lowercase());
        let copy = folder.join(format!("{i:04}.{ext}"));
        std::fs::copy(&s.path, &copy).unwrap();
        truth.insert(copy.file_name().unwrap().to_string_lossy().into_owned(), s);
    }
    let db = tmp.path().join("cat.sqlite");
    let (folder_s, db_s) = (folder.to_str().unwrap(), db.to_str().unwrap());
    let report = json_of(&afterglow(&["scan", folder_s, "--catalogue", db_s, "--json"]));
    eprintln!("scan: {} files, {} failed, {} regions", report["files"], report["failed"], report["regions"]);
    assert_eq!(report["failed"], 0, "{report}");
    let cat = Catalogue::open(&db).unwrap();
    let listed = cat.oneshots(&OneShotQuery { limit: 0, ..Default::default() }).unwrap();
    let file_of = |path: &str| Path::new(path).file_name().unwrap().to_string_lossy().into_owned();
    // Each file's first one-shot (the sample's own hit).
    let mut first: BTreeMap<String, (f64, String)> = BTreeMap::new();
    for row in &listed {
        let entry = first.entry(file_of(&row.path)).or_insert((f64::INFINITY, String::new()));
        if row.start_sec < entry.0 {
            *entry = (row.start_sec, row.id.clone());
        }
    }
    let missing: Vec<_> = truth.keys().filter(|f| !first.contains_key(*f)).collect();
    eprintln!("{} files, {} with a one-shot; without: {missing:?}", truth.len(), first.len());
    assert!(first.len() * 10 >= truth.len() * 9, "only {} of {} files gave a one-shot", first.len(), truth.len());
    let mut overall_p = 0.0;
    for (name, weights) in weightings() {
        let mut per_class: BTreeMap<HitClass, (f64, usize)> = BTreeMap::new();
        let mut per_kit: BTreeMap<String, (f64, usize)> = BTreeMap::new();
        for (file, (_, id)) in &first {
            let query = truth[file];
            let near = cat.oneshots(&OneShotQuery { like: Some(id.clone()), weights, limit: 0, ..Default::default() }).unwrap();
            let near: Vec<_> = near.iter().filter(|r| file_of(&r.path) != *file).take(5).collect();
            let same = near.iter().filter(|r| truth.get(&file_of(&r.path)).is_some_and(|t| t.class == query.class)).count();
            let precision = same as f64 / near.len().max(1) as f64;
            for e in [per_class.entry(query.class).or_default(), per_kit.entry(query.kit.clone()).or_default()] {
                e.0 += precision;
                e.1 += 1;
            }
        }
        let (sum, n) = per_class.values().fold((0.0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
        let p = sum / n.max(1) as f64;
        let classes: Vec<String> = per_class.iter().map(|(c, (p, k))| format!("{} {:.3}", c.name(), p / *k as f64)).collect();
        eprintln!("precision@5 {name:<22} {p:.3} over {n} one-shots ({})", classes.join(", "));
        if name == "overall" {
            overall_p = p;
            for (kit, (p, count)) in &per_kit {
                let held = if HELD_OUT_KITS.contains(&kit.as_str()) { " (held out)" } else { "" };
                eprintln!("  precision@5 overall, kit {kit}{held}: {:.3} over {count}", p / *count as f64);
            }
        }
    }
    // The binary ranks as the catalogue does, and shows each aspect's distance.
    for (_, id) in first.values().step_by(first.len() / 4 + 1) {
        for (weights, arg) in [(AspectWeights::default(), None), (AspectWeights::parse("timbre=2,pitch=0").unwrap(), Some("timbre=2,pitch=0"))] {
            let mut args = vec!["oneshots", "--catalogue", db_s, "--like", id, "--limit", "8", "--json"];
            args.extend(arg.map(|a| ["--weights", a]).into_iter().flatten());
            let out = json_of(&afterglow(&args));
            let ids: Vec<&str> = out.as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
            let expected = cat.oneshots(&OneShotQuery { like: Some(id.clone()), weights, limit: 8, ..Default::default() }).unwrap();
            assert_eq!(ids, expected.iter().map(|r| r.id.as_str()).collect::<Vec<_>>());
            assert!(out[1]["aspects"]["timbre"].as_f64().is_some_and(|d| d > 0.0), "{}", out[1]);
        }
    }
    assert!(overall_p >= MIN_PRECISION_AT_5, "precision@5 {overall_p:.3} < {MIN_PRECISION_AT_5}");
}
