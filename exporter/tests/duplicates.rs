//! `afterglow duplicates` on real recordings: every excerpt of the real-music corpus is turned into
//! copies by this test's own transforms (-6 dB; resampled to 48 kHz; trimmed 3 s at the start and
//! 2 s at the end; a low shelf and a high cut; folded to mono; re-encoded to Ogg Vorbis by `sox` and
//! to MP3 at 128 kbit/s by `sox`, `ffmpeg` or `lame`; and all of trim, EQ, level, mono and the
//! lowest Vorbis quality at once), scanned together with the corpus, and the groups are scored
//! pairwise: precision (no two songs grouped) must be 1 and recall (copies grouped with their song)
//! at least 0.95, and every lossy copy (Ogg Vorbis, MP3) must be grouped with its song and named a
//! re-encode (tempo, speed and reverb variants: `catalogue/tests/variants_eval.rs`; here, that the
//! default search finds a copy at another speed and `--landmarks-only` does not).
//!
//! Without an encoder for a lossy format its copies are left out with a notice; under CI (`CI`
//! set), where `.ci/run` installs `sox` (with the corpus) and `lame`, the test fails instead.
//!
//! Overlap is not a copy: passages cut from the corpus' complete track (0-60 s, 70-130 s and
//! 30-90 s, which shares half of each) come out as overlaps with the seconds of each that match,
//! only true copies (a re-encode, a trimmed re-encode) as skippable copies, and `render
//! --from-catalogue` skips only those. Passages that share no audio but whose music repeats a
//! section are not copies either.

use afterglow_exporter::cli::PadFilterArgs;
use afterglow_exporter::config::Config;
use afterglow_exporter::render::from_catalogue::CatalogueSelection;
use catalogue::Catalogue;
use engine::source::{load, mix_to_mono, LoadOptions};
use engine::transform::{filter_variant, Edges, FilterSettings, FilterVariant};
use fixtures::encode::{flac_bytes, wav_bytes, SampleEncoding};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const RATE_HZ: u32 = 44_100;
/// Separates a song's name from the variant's in the copies' file names.
const VARIANT_MARK: &str = "__";

fn afterglow(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_afterglow")).args(args).env_remove("AFTERGLOW_CATALOGUE").output().expect("binary runs")
}

fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.code().is_some_and(|c| c == 0 || c == 3), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// The installed program that can encode `ext` ("ogg" or "mp3"); none is a failure under CI and a
/// notice elsewhere.
fn encoder(ext: &str) -> Option<&'static str> {
    let found = find_encoder(ext);
    if found.is_none() {
        let what = if ext == "ogg" { "sox with Ogg Vorbis" } else { "sox with MP3, ffmpeg or lame" };
        assert!(std::env::var_os("CI").is_none(), "CI must install an {ext} encoder ({what}; .ci/run installs lame)");
    }
    found
}

/// The installed program that can encode `ext` ("ogg" or "mp3"), if any.
fn find_encoder(ext: &str) -> Option<&'static str> {
    let runs = |program: &str, arg: &str| Command::new(program).arg(arg).output().is_ok_and(|o| o.status.success() || !o.stdout.is_empty());
    let sox_has = |format: &str| {
        Command::new("sox").arg("-h").output().is_ok_and(|o| {
            let help = String::from_utf8_lossy(&o.stdout).into_owned();
            help.lines().any(|l| l.starts_with("AUDIO FILE FORMATS") && l.split_whitespace().any(|f| f == format))
        })
    };
    match ext {
        "ogg" if sox_has("vorbis") => Some("sox"),
        "mp3" if sox_has("mp3") => Some("sox"),
        "mp3" if runs("ffmpeg", "-version") => Some("ffmpeg"),
        "mp3" if runs("lame", "--version") => Some("lame"),
        _ => None,
    }
}

/// Re-encodes `wav` to `out` (lossy) with `program`; `low` asks for the lowest quality.
fn encode_lossy(program: &str, wav: &Path, out: &Path, low: bool) {
    let (wav, out) = (wav.to_str().unwrap(), out.to_str().unwrap());
    let ogg = out.ends_with(".ogg");
    let quality = match (program, ogg, low) {
        ("sox", true, true) => vec!["-C", "0"],
        ("sox", true, false) => vec!["-C", "3"],
        ("sox", false, _) => vec!["-C", "128"],
        ("ffmpeg", _, _) => vec!["-b:a", "128k"],
        _ => vec!["-b", "128"],
    };
    let args: Vec<&str> = match program {
        "sox" => [vec![wav], quality, vec![out]].concat(),
        "ffmpeg" => [vec!["-loglevel", "error", "-y", "-i", wav], quality, vec![out]].concat(),
        _ => [vec!["--quiet"], quality, vec![wav, out]].concat(),
    };
    let status = Command::new(program).args(&args).status().expect("encoder runs");
    assert!(status.success(), "{program} {args:?}");
}

fn scaled(channels: &[Vec<f32>], gain: f32) -> Vec<Vec<f32>> {
    channels.iter().map(|c| c.iter().map(|x| x * gain).collect()).collect()
}

fn trimmed(channels: &[Vec<f32>]) -> Vec<Vec<f32>> {
    let n = channels[0].len();
    channels.iter().map(|c| c[3 * RATE_HZ as usize..n - 2 * RATE_HZ as usize].to_vec()).collect()
}

/// +6 dB below 250 Hz and a high cut at 3 kHz (the engine's zero-phase "warm" filter, retuned),
/// scaled down if the shelf pushed it over full scale.
fn equalised(channels: &[Vec<f32>]) -> Vec<Vec<f32>> {
    let eq = FilterSettings { warm_lowpass_hz: 3000.0, warm_low_shelf_hz: 250.0, warm_low_shelf_db: 6.0, ..Default::default() };
    let out = filter_variant(channels, FilterVariant::Warm, &eq, Edges::OneShot, RATE_HZ);
    let peak = out.iter().flatten().fold(0.0f32, |p, x| p.max(x.abs()));
    if peak > 0.98 { scaled(&out, 0.98 / peak) } else { out }
}

/// Writes the copies of one song into `dir`; returns the variant names written and the skipped ones.
fn write_variants(original: &Path, dir: &Path) -> (Vec<String>, Vec<String>) {
    let source = load(original, &LoadOptions::default()).expect("corpus file decodes");
    let ch = source.channels;
    let stem = original.file_stem().unwrap().to_str().unwrap();
    let name = |variant: &str, ext: &str| dir.join(format!("{stem}{VARIANT_MARK}{variant}.{ext}"));
    let write = |path: PathBuf, bytes: Vec<u8>| std::fs::write(path, bytes).unwrap();
    let pcm16 = |c: &[Vec<f32>], rate: u32| wav_bytes(c, rate, SampleEncoding::Pcm16, false, None);
    let (mut written, mut skipped) = (Vec::new(), Vec::new());

    write(name("level-6db", "wav"), pcm16(&scaled(&ch, 0.5), RATE_HZ));
    write(name("48khz", "wav"), pcm16(&engine::source::resample(&ch, RATE_HZ, 48_000), 48_000));
    write(name("trimmed", "flac"), flac_bytes(&trimmed(&ch), RATE_HZ, 16));
    write(name("eq", "wav"), pcm16(&equalised(&ch), RATE_HZ));
    write(name("mono", "flac"), flac_bytes(&[mix_to_mono(&ch)], RATE_HZ, 16));
    written.extend(["level-6db", "48khz", "trimmed", "eq", "mono"].map(String::from));

    let temp_wav = dir.join(format!("{stem}.tmp.wav"));
    write(temp_wav.clone(), pcm16(&ch, RATE_HZ));
    for ext in ["ogg", "mp3"] {
        match encoder(ext) {
            Some(program) => {
                encode_lossy(program, &temp_wav, &name(ext, ext), false);
                written.push(ext.into());
            }
            None => skipped.push(ext.into()),
        }
    }
    let everything = vec![mix_to_mono(&scaled(&equalised(&trimmed(&ch)), 0.5))];
    match encoder("ogg") {
        Some(program) => {
            write(temp_wav.clone(), pcm16(&everything, RATE_HZ));
            encode_lossy(program, &temp_wav, &name("all", "ogg"), true);
        }
        None => write(name("all", "flac"), flac_bytes(&everything, RATE_HZ, 16)),
    }
    written.push("all".into());
    std::fs::remove_file(&temp_wav).unwrap();
    (written, skipped)
}

/// The song a scanned file belongs to: its stem, up to the variant mark.
fn song_of(path: &str) -> String {
    let stem = Path::new(path).file_stem().unwrap().to_str().unwrap();
    stem.split(VARIANT_MARK).next().unwrap().to_string()
}

fn audio_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(audio_files(&path));
        } else if engine::source::is_supported(&path) {
            out.push(path);
        }
    }
    out.sort();
    out
}

#[test]
fn copies_of_real_recordings_group_and_songs_stay_apart() {
    let Some(corpus) = fixtures::real_corpus::real_corpus(&[]) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let copies = tmp.path().join("copies");
    std::fs::create_dir(&copies).unwrap();
    let originals = audio_files(&corpus);
    assert!(originals.len() >= 8, "{} corpus files", originals.len());
    let mut skipped_variants = Vec::new();
    let mut num_variants = 0;
    for original in &originals {
        // The full-length track stays a single original: as long as all the excerpts together,
        // its copies would double the test's time without testing anything new.
        if original.file_name().unwrap().to_str().unwrap().starts_with("full-") {
            continue;
        }
        let (written, skipped) = write_variants(original, &copies);
        num_variants += written.len();
        skipped_variants = skipped;
    }
    for v in &skipped_variants {
        eprintln!("notice: no {v} encoder (sox with {v}, ffmpeg or lame): the {v} copies were not made");
    }

    let db = tmp.path().join("cat.sqlite");
    let db_s = db.to_str().unwrap();
    let report = json(&afterglow(&["scan", corpus.to_str().unwrap(), copies.to_str().unwrap(), "--catalogue", db_s, "--json"]));
    assert_eq!(report["failed"], 0, "{report}");
    let num_files = report["files"].as_u64().unwrap() as usize;
    assert_eq!(num_files, originals.len() + num_variants);

    let report = json(&afterglow(&["duplicates", "--catalogue", db_s, "--json"]));
    let groups = report["groups"].as_array().unwrap();
    // Different songs share no audio, and every copy holds nothing its song does not.
    assert!(report["overlaps"].as_array().unwrap().is_empty(), "{:#}", report["overlaps"]);
    let edge_peaks: Vec<u64> =
        groups.iter().flat_map(|g| g["copies"].as_array().unwrap()).map(|c| c["unmatched_edge_peaks"].as_u64().unwrap()).collect();
    eprintln!(
        "copies' unmatched peaks at their ends: at most {} (a copy allows {})",
        edge_peaks.iter().max().unwrap_or(&0),
        catalogue::coverage::MAX_UNMATCHED_EDGE_PEAKS
    );
    // Every copy here is a re-encode, re-level, resample, trim, EQ or mono fold, and says so.
    let kinds: Vec<&str> =
        groups.iter().flat_map(|g| g["copies"].as_array().unwrap()).map(|c| c["variant"].as_str().unwrap_or("none")).collect();
    assert!(kinds.iter().all(|&k| k == "re-encode"), "{kinds:?}");
    let mut group_of: HashMap<String, usize> = HashMap::new();
    for (g, group) in groups.iter().enumerate() {
        let files: Vec<&str> = group["files"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
        let kept = group["kept"].as_str().unwrap();
        assert_eq!(files[0], kept, "{group}");
        // The kept copy is lossless: every song has lossless copies.
        assert!(!kept.ends_with(".ogg") && !kept.ends_with(".mp3"), "{group}");
        for f in files {
            assert!(group_of.insert(f.to_string(), g).is_none(), "{f} in two groups");
        }
    }

    // Pairwise scores over every pair of scanned files.
    let cat = Catalogue::open(&db).unwrap();
    let mut stmt = cat.connection().prepare("SELECT path FROM files ORDER BY path").unwrap();
    let paths: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap();
    assert_eq!(paths.len(), num_files);
    let (mut true_pos, mut false_pos, mut false_neg) = (0usize, 0usize, 0usize);
    let mut wrongly_grouped = Vec::new();
    for (i, a) in paths.iter().enumerate() {
        for b in &paths[i + 1..] {
            let same_song = song_of(a) == song_of(b);
            let grouped = group_of.get(a).is_some_and(|g| group_of.get(b) == Some(g));
            match (same_song, grouped) {
                (true, true) => true_pos += 1,
                (false, true) => {
                    false_pos += 1;
                    wrongly_grouped.push(format!("{a} + {b}"));
                }
                (true, false) => false_neg += 1,
                (false, false) => {}
            }
        }
    }
    let precision = if true_pos + false_pos == 0 { 1.0 } else { true_pos as f64 / (true_pos + false_pos) as f64 };
    let recall = true_pos as f64 / (true_pos + false_neg) as f64;
    // Which copies were missed, by variant.
    let mut missed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in paths.iter().filter(|p| p.contains(VARIANT_MARK)) {
        let original_grouped = paths.iter().filter(|o| !o.contains(VARIANT_MARK) && song_of(o) == song_of(p)).all(|o| {
            group_of.get(p).is_some_and(|g| group_of.get(o) == Some(g))
        });
        if !original_grouped {
            let variant = Path::new(p).file_stem().unwrap().to_str().unwrap().rsplit(VARIANT_MARK).next().unwrap().to_string();
            missed.entry(variant).or_default().push(song_of(p));
        }
    }
    eprintln!(
        "duplicates on {} files ({} originals, {num_variants} copies, {} groups): pairwise precision {precision:.3}, recall {recall:.3} \
         ({true_pos} pairs found, {false_pos} wrong, {false_neg} missed); copies not grouped with their original: {missed:?}",
        paths.len(),
        originals.len(),
        groups.len()
    );
    assert_eq!(precision, 1.0, "different songs grouped: {wrongly_grouped:?}");
    assert!(recall >= 0.95, "recall {recall:.3}; missed: {missed:?}");
    // Re-encoded copies are what a musician's archive holds most (an MP3 bounce of a WAV master):
    // each one is grouped with its song.
    let lossy_copies = |ext: &str| paths.iter().filter(|p| p.contains(VARIANT_MARK) && p.ends_with(ext)).count();
    eprintln!("lossy copies scanned: {} Ogg Vorbis, {} MP3", lossy_copies(".ogg"), lossy_copies(".mp3"));
    for variant in ["ogg", "mp3"] {
        assert!(!missed.contains_key(variant), "{variant} copies not grouped with their song: {:?}", missed[variant]);
    }

    // The table lists the same groups.
    let table = afterglow(&["duplicates", "--catalogue", db_s]);
    assert!(table.status.success());
    let text = String::from_utf8_lossy(&table.stdout);
    assert_eq!(text.lines().filter(|l| l.trim_start().starts_with("keep ")).count(), groups.len(), "{text}");
    let copy_lines: Vec<&str> = text.lines().filter(|l| l.trim_start().starts_with("copy ")).collect();
    assert!(!copy_lines.is_empty() && copy_lines.iter().all(|l| l.contains("(re-encode, ")), "{text}");
}

/// Seconds `start_sec..end_sec` of `channels` (at [`RATE_HZ`]).
fn cut(channels: &[Vec<f32>], start_sec: f64, end_sec: f64) -> Vec<Vec<f32>> {
    let at = |sec: f64| ((sec * f64::from(RATE_HZ)).round() as usize).min(channels[0].len());
    channels.iter().map(|c| c[at(start_sec)..at(end_sec)].to_vec()).collect()
}

/// `afterglow duplicates --json` of the catalogue `db`.
fn duplicates_json(db: &Path) -> serde_json::Value {
    json(&afterglow(&["duplicates", "--catalogue", db.to_str().unwrap(), "--json"]))
}

/// Scans `dir` into a new catalogue `db`.
fn scan_into(dir: &Path, db: &Path) {
    let report = json(&afterglow(&["scan", dir.to_str().unwrap(), "--catalogue", db.to_str().unwrap(), "--json"]));
    assert_eq!(report["failed"], 0, "{report}");
}

/// The file name of a reported path.
fn name(path: &serde_json::Value) -> &str {
    Path::new(path.as_str().unwrap()).file_name().unwrap().to_str().unwrap()
}

/// Overlaps of a `duplicates --json` report by file names: (a, b) -> (a's start, a's end, b's
/// start, b's end), seconds.
fn overlaps_by_name(report: &serde_json::Value) -> BTreeMap<(String, String), [f64; 4]> {
    report["overlaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let sec = |k: &str| o[k].as_f64().unwrap();
            ((name(&o["a"]).to_string(), name(&o["b"]).to_string()), [sec("a_start_sec"), sec("a_end_sec"), sec("b_start_sec"), sec("b_end_sec")])
        })
        .collect()
}

/// Groups of a `duplicates --json` report by file names: kept -> [(copy, starts at)].
fn groups_by_name(report: &serde_json::Value) -> BTreeMap<String, Vec<(String, f64)>> {
    report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let copies = g["copies"].as_array().unwrap().iter().map(|c| (name(&c["path"]).to_string(), c["starts_at_sec"].as_f64().unwrap()));
            (name(&g["kept"]).to_string(), copies.collect())
        })
        .collect()
}

/// Largest difference between two lists of seconds.
fn worst_error(found: &[f64], expected: &[f64]) -> f64 {
    found.iter().zip(expected).map(|(f, e)| (f - e).abs()).fold(0.0, f64::max)
}

/// The corpus' complete track.
const FULL: &str = "full-wanderer.flac";

/// The corpus' complete track, decoded, and a new folder `name` in a new temporary directory; `None`
/// (after the corpus' notice) without the corpus.
fn full_track_and_folder(name: &str) -> Option<(Vec<Vec<f32>>, tempfile::TempDir, PathBuf)> {
    let corpus = fixtures::real_corpus::real_corpus(&[FULL])?;
    let track = load(&corpus.join(FULL), &LoadOptions::default()).expect("corpus file decodes").channels;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(name);
    std::fs::create_dir(&dir).unwrap();
    Some((track, tmp, dir))
}

#[test]
fn overlapping_passages_are_overlaps_and_only_whole_copies_are_skipped() {
    let Some((track, tmp, dir)) = full_track_and_folder("passages") else { return };
    let write = |file: &str, bytes: Vec<u8>| std::fs::write(dir.join(file), bytes).unwrap();
    let pcm16 = |c: &[Vec<f32>]| wav_bytes(c, RATE_HZ, SampleEncoding::Pcm16, false, None);
    // Three passages of one 262 s track: the middle one shares its first half with the first
    // passage's second half, and its last 20 s with the third passage's first 20 s; the first and
    // third share nothing.
    write("p000-060.wav", pcm16(&cut(&track, 0.0, 60.0)));
    write("p070-130.wav", pcm16(&cut(&track, 70.0, 130.0)));
    write("p030-090.flac", flac_bytes(&cut(&track, 30.0, 90.0), RATE_HZ, 16));
    // True copies: the first passage re-encoded to MP3, the middle one trimmed (2 s at the start,
    // 1.5 s at the end), 3 dB quieter and re-encoded to Ogg Vorbis. Without an encoder, lossless
    // stand-ins at a lower level (the same quality key, so the passage itself stays the kept copy).
    let temp_wav = tmp.path().join("temp.wav");
    std::fs::write(&temp_wav, pcm16(&cut(&track, 0.0, 60.0))).unwrap();
    let mp3_copy = match encoder("mp3") {
        Some(program) => {
            encode_lossy(program, &temp_wav, &dir.join("p000-060__copy.mp3"), false);
            "p000-060__copy.mp3"
        }
        None => {
            write("p000-060__copy.wav", pcm16(&scaled(&cut(&track, 0.0, 60.0), 0.5)));
            "p000-060__copy.wav"
        }
    };
    let trimmed = scaled(&cut(&track, 32.0, 88.5), 0.7);
    let ogg_copy = match encoder("ogg") {
        Some(program) => {
            std::fs::write(&temp_wav, pcm16(&trimmed)).unwrap();
            encode_lossy(program, &temp_wav, &dir.join("p030-090__copy.ogg"), false);
            "p030-090__copy.ogg"
        }
        None => {
            write("p030-090__copy.flac", flac_bytes(&trimmed, RATE_HZ, 16));
            "p030-090__copy.flac"
        }
    };
    let db = tmp.path().join("cat.sqlite");
    scan_into(&dir, &db);
    let report = duplicates_json(&db);
    eprintln!("passages of {FULL}: {report:#}");

    // Copies are copies, where they start on the kept passage's time line.
    let groups = groups_by_name(&report);
    let expected_groups = [("p000-060.wav", mp3_copy, 0.0), ("p030-090.flac", ogg_copy, 2.0)];
    assert_eq!(groups.len(), expected_groups.len(), "{groups:?}");
    for (kept, copy, starts_at_sec) in expected_groups {
        let copies = &groups[kept];
        assert_eq!(copies.len(), 1, "{kept}: {copies:?}");
        assert_eq!(copies[0].0, copy);
        assert!((copies[0].1 - starts_at_sec).abs() < 0.5, "{copy} starts {} s into {kept}, not {starts_at_sec}", copies[0].1);
    }
    // Overlaps are overlaps, with the seconds of each that match; nothing else is paired.
    let overlaps = overlaps_by_name(&report);
    let expected_overlaps = [
        (("p000-060.wav", "p030-090.flac"), [30.0, 60.0, 0.0, 30.0]),
        (("p030-090.flac", "p070-130.wav"), [40.0, 60.0, 0.0, 20.0]),
    ];
    assert_eq!(
        overlaps.keys().map(|(a, b)| (a.as_str(), b.as_str())).collect::<Vec<_>>(),
        expected_overlaps.iter().map(|(pair, _)| *pair).collect::<Vec<_>>(),
        "{overlaps:?}"
    );
    let mut worst = 0.0f64;
    for ((a, b), expected) in expected_overlaps {
        let found = overlaps[&(a.to_string(), b.to_string())];
        worst = worst.max(worst_error(&found, &expected));
        assert!(worst_error(&found, &expected) < 0.5, "{a} + {b}: {found:?}, expected {expected:?}");
    }
    eprintln!("overlap extents within {worst:.3} s of the cuts");

    // The table counts only the copies as skippable and lists the overlaps.
    let table = afterglow(&["duplicates", "--catalogue", db.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.contains("2 copies can be skipped"), "{text}");
    assert!(text.contains("2 pair(s) of files share only part of their audio"), "{text}");

    // `render --from-catalogue` leaves out only the copies.
    let filter = PadFilterArgs { catalogue: Some(db.clone()), ..Default::default() };
    let selection = CatalogueSelection::query(&filter, &Config::default()).expect("catalogue query");
    let chosen: Vec<&str> = selection.files.iter().map(|f| f.file_name().unwrap().to_str().unwrap()).collect();
    let skipped: Vec<&str> = selection.skipped_copies.values().flatten().map(|p| Path::new(p).file_name().unwrap().to_str().unwrap()).collect();
    eprintln!("render --from-catalogue mines {chosen:?}, skips {skipped:?}");
    assert!(chosen.iter().all(|f| !f.contains("__copy")), "{chosen:?}");
    assert!(chosen.contains(&"p070-130.wav") && chosen.contains(&"p030-090.flac"), "overlapping passages are mined: {chosen:?}");
    let mut skipped_sorted = skipped.clone();
    skipped_sorted.sort_unstable();
    assert!(skipped_sorted.iter().all(|f| [mp3_copy, ogg_copy].contains(f)), "{skipped:?}");
}

/// Two passages each, `A` and `B`, that share no audio but whose music repeats a section: the
/// corpus' complete track repeats seconds ~20-40 at ~182-202 (162.01 s later; not sample for
/// sample: its waveforms correlate about 0.4), and Wesnoth's "Nunc Dimittis" repeats ~65-80 s at
/// ~147.5-162.5 (82.5 s later). The vote alone calls both pairs one recording.
const REPEATS: [(&str, &str, [f64; 2], [f64; 2]); 2] = [
    ("wanderer", "full-wanderer.flac", [10.0, 40.0], [172.01, 202.01]),
    ("nunc_dimittis", "nunc_dimittis.ogg", [55.0, 95.0], [137.5, 177.5]),
];
/// Where Debian's `wesnoth-1.16-music` (which the corpus is cut from) keeps the soundtrack.
const SOUNDTRACK: &str = "/usr/share/games/wesnoth/1.16/data/core/music";

#[test]
fn passages_that_repeat_a_section_are_not_copies() {
    let Some(corpus) = fixtures::real_corpus::real_corpus(&[REPEATS[0].1]) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("passages");
    std::fs::create_dir(&dir).unwrap();
    let mut names = Vec::new();
    for (name, file, a, b) in REPEATS {
        let source = [corpus.join(file), Path::new(SOUNDTRACK).join(file)].into_iter().find(|p| p.is_file());
        let Some(source) = source else {
            // The corpus always holds the first; the full soundtrack is there where the corpus was built.
            eprintln!("notice: {file} not found (Debian's wesnoth-1.16-music): its repeat is not checked");
            continue;
        };
        let track = load(&source, &LoadOptions::default()).expect("track decodes").channels;
        for (side, [start, end]) in [("A", a), ("B", b)] {
            std::fs::write(dir.join(format!("{name}-{side}.flac")), flac_bytes(&cut(&track, start, end), RATE_HZ, 16)).unwrap();
        }
        names.push(name);
    }
    let db = tmp.path().join("cat.sqlite");
    scan_into(&dir, &db);
    let report = duplicates_json(&db);
    eprintln!("passages that repeat a section: {report:#}");
    assert!(report["groups"].as_array().unwrap().is_empty(), "called copies: {report:#}");
    // Each pair may be listed as an overlap (the repeated seconds do match), never over its whole
    // length: the music before the repeat is not shared.
    let overlaps = overlaps_by_name(&report);
    for name in names {
        let key = (format!("{name}-A.flac"), format!("{name}-B.flac"));
        if let Some(&[a_start, a_end, b_start, _]) = overlaps.get(&key) {
            eprintln!("{name}: seconds {a_start:.2}-{a_end:.2} match (of A; {b_start:.2}- of B)");
            assert!(a_start > 3.0, "{name}: shared from {a_start:.2} s, as if the whole passage repeated");
        }
    }
}

#[test]
fn a_copy_at_another_speed_is_found_by_default_and_named() {
    let Some((track, tmp, dir)) = full_track_and_folder("speeds") else { return };
    let passage = cut(&track, 20.0, 60.0);
    std::fs::write(dir.join("passage.wav"), wav_bytes(&passage, RATE_HZ, SampleEncoding::Pcm16, false, None)).unwrap();
    // The same samples labelled 4 % slower: a varispeed copy, 4 % longer and 0.71 semitone lower.
    let slower_rate = (f64::from(RATE_HZ) * 0.96).round() as u32;
    std::fs::write(dir.join("passage-slower.wav"), wav_bytes(&passage, slower_rate, SampleEncoding::Pcm16, false, None)).unwrap();
    let db = tmp.path().join("cat.sqlite");
    scan_into(&dir, &db);
    let report = duplicates_json(&db);
    assert_eq!(report["groups"].as_array().map(Vec::len), Some(1), "the copy at another speed is not grouped: {report}");
    let copies = report["groups"][0]["copies"].as_array().cloned().unwrap_or_default();
    assert!(name(&report["groups"][0]["kept"]) == "passage.wav" && copies.len() == 1, "{report}");
    let detail = &copies[0]["variant_detail"];
    assert_eq!((copies[0]["variant"].as_str(), detail["kind"].as_str()), (Some("speed -4 %"), Some("speed")), "{report}");
    assert!((detail["semitones"].as_f64().unwrap() - 12.0 * 0.96f64.log2()).abs() < 0.3, "{report}");
    assert!(copies[0]["starts_at_sec"].as_f64().unwrap().abs() < 0.1, "{report}");
    // The landmarks alone do not see it.
    let landmarks_only = json(&afterglow(&["duplicates", "--catalogue", db.to_str().unwrap(), "--json", "--landmarks-only"]));
    assert_eq!(landmarks_only["groups"].as_array().map(Vec::len), Some(0), "{landmarks_only}");
}
