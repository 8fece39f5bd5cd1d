//! `afterglow duplicates` on real recordings: every excerpt of the real-music corpus is turned into
//! copies by this test's own transforms (-6 dB; resampled to 48 kHz; trimmed 3 s at the start and
//! 2 s at the end; a low shelf and a high cut; folded to mono; re-encoded to Ogg Vorbis by `sox` and
//! to MP3 at 128 kbit/s by `sox`, `ffmpeg` or `lame`; and all of trim, EQ, level, mono and the
//! lowest Vorbis quality at once), scanned together with the corpus, and the groups are scored
//! pairwise: precision (no two songs grouped) must be 1 and recall (copies grouped with their song)
//! at least 0.95, and every lossy copy (Ogg Vorbis, MP3) must be grouped with its song.
//!
//! Without an encoder for a lossy format its copies are left out with a notice; under CI (`CI`
//! set), where `.ci/run` installs `sox` (with the corpus) and `lame`, the test fails instead.

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

    let groups = json(&afterglow(&["duplicates", "--catalogue", db_s, "--json"]));
    let groups = groups.as_array().unwrap();
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
}
