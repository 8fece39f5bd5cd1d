//! Root notes that are right. A pad's `root_note` (the manifest column, the WAV `smpl` unity note,
//! the key the SFZ and DecentSampler instruments map it at) must be the note the pad sounds:
//! - against truth the project did not make: single sustained notes of General-MIDI instruments at
//!   known keys, rendered by fluidsynth through the FluidR3 SoundFont and mined by `afterglow
//!   render`, root every pad on the key that was played;
//! - on real music (the real-music corpus), every pad whose pitch the tests' own estimate
//!   (`common/pitch.rs`, the McLeod method, no code shared with the engine's YIN) finds confident
//!   has its root note within 50 cents of that pitch;
//! - played through a real SFZ player (sfizz's `sfizz_render`) at its zone's root key, a pad sounds
//!   that key's pitch and its own file's, within 50 cents.
//!
//! fluidsynth and the SoundFont, the corpus and `sfizz_render` are installed by `.ci/run`; without
//! one, the test needing it prints a notice and passes, except under CI (`CI` set), where it fails.

#[path = "common/pitch.rs"]
mod pitch;
#[path = "common/sfizz.rs"]
mod sfizz;

use fixtures::wav::read_wav;
use pitch::{cents, fundamental, midi_hz, mono, Fundamental};
use sfizz::{midi_file, sfizz_render, sfz_zones, Zone};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Largest distance allowed between a root note and the pitch it stands for, cents.
const MAX_ROOT_ERROR_CENTS: f64 = 50.0;

/// The sustained notes rendered as truth: (GM program, instrument, MIDI key). Sustaining
/// instruments (a pad is a steady stretch), keys from C2 to D5 and every pitch class but two.
const NOTES: [(u8, &str, u8); 10] = [
    (19, "church organ", 36),
    (42, "cello", 43),
    // Not the drawbar organ: FluidR3's puts its strongest partial two octaves under the key
    // played (a 16'/32' registration), so its waveform repeats at E1 for E3 and every estimator,
    // the engine's and the tests', says E1: the key played is not its pitch.
    (41, "viola", 52),
    (52, "choir aahs", 57),
    (89, "warm pad", 58),
    (61, "brass section", 61),
    (71, "clarinet", 65),
    (49, "slow strings", 66),
    (68, "oboe", 71),
    (73, "flute", 74),
];
/// Each note is held this long, seconds (the file is one second longer, for the release).
const NOTE_SEC: u32 = 13;

fn afterglow(args: &[&str], cwd: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_afterglow")).args(args).current_dir(cwd).output().expect("binary runs");
    assert!(o.status.success(), "afterglow {args:?}: {}", String::from_utf8_lossy(&o.stderr));
}

/// Manifest rows as header -> value maps.
fn manifest(pack: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(pack.join("manifest.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader.records().map(|r| headers.iter().zip(r.unwrap().iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect()).collect()
}

/// The `smpl` chunk's unity note, when the file has the chunk.
fn smpl_unity_note(path: &Path) -> Option<u32> {
    let bytes = std::fs::read(path).unwrap();
    let mut at = 12;
    while at + 8 <= bytes.len() {
        let size = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().unwrap()) as usize;
        if &bytes[at..at + 4] == b"smpl" {
            return Some(u32::from_le_bytes(bytes[at + 20..at + 24].try_into().unwrap()));
        }
        at += 8 + size + (size & 1);
    }
    None
}

/// One saved pad of a pack: its row, the fundamental the tests measure in its file.
struct PadFile {
    filename: String,
    source: String,
    root_note: Option<u8>,
    engine_pitch_hz: Option<f64>,
    measured: Option<Fundamental>,
}

/// The saved pads of `pack`, each measured, with the `smpl` unity note checked against the row.
fn pad_files(pack: &Path) -> Vec<PadFile> {
    manifest(pack)
        .into_iter()
        .filter(|r| r["type"] == "pad" && r["saved"] == "true")
        .map(|r| {
            let path = pack.join(&r["filename"]);
            let root_note = r["root_note"].parse::<u8>().ok();
            if let Some(root) = root_note {
                assert_eq!(smpl_unity_note(&path), Some(u32::from(root)), "{}: smpl unity note", r["filename"]);
            }
            let (channels, rate) = read_wav(&path);
            PadFile {
                filename: r["filename"].clone(),
                source: r["source"].clone(),
                root_note,
                engine_pitch_hz: r["est_pitch_hz"].parse().ok(),
                measured: fundamental(&mono(&channels), rate),
            }
        })
        .collect()
}

/// A GM SoundFont: `AFTERGLOW_SOUNDFONT`, or Debian's FluidR3 (`fluid-soundfont-gm`).
fn soundfont() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("AFTERGLOW_SOUNDFONT") {
        return Some(PathBuf::from(path)).filter(|p| p.is_file());
    }
    ["/usr/share/sounds/sf2/FluidR3_GM.sf2", "/usr/share/sounds/sf2/default-GM.sf2"].into_iter().map(PathBuf::from).find(|p| p.is_file())
}

/// A Standard MIDI File (960 ticks a second) playing `key` on GM `program` for [`NOTE_SEC`].
fn held_note_midi(program: u8, key: u8) -> Vec<u8> {
    let hold_ticks = NOTE_SEC * 960;
    // Variable-length delta time.
    let mut hold = vec![(hold_ticks & 0x7F) as u8];
    let mut rest = hold_ticks >> 7;
    while rest > 0 {
        hold.push((rest & 0x7F) as u8 | 0x80);
        rest >>= 7;
    }
    hold.reverse();
    let mut track = vec![0x00, 0xC0, program, 0x00, 0x90, key, 100];
    track.extend(&hold);
    track.extend([0x80, key, 0x00]);
    // One second for the release, then the end.
    track.extend([0x87, 0x40, 0xFF, 0x2F, 0x00]);
    let mut smf = b"MThd\0\0\0\x06\0\0\0\x01\x01\xE0MTrk".to_vec();
    smf.extend((track.len() as u32).to_be_bytes());
    smf.extend(track);
    smf
}

/// The truth pack: [`NOTES`] rendered by fluidsynth into one folder (file names carry the key) and
/// mined by `afterglow render --only pads --instrument sfz`. Made once for this file's tests, in
/// Cargo's temporary folder for tests (a static is never dropped, so not a `TempDir`); `None`
/// (with a notice) without fluidsynth or a SoundFont, a failure under CI.
fn soundfont_pack() -> Option<&'static Path> {
    static PACK: OnceLock<Option<PathBuf>> = OnceLock::new();
    PACK.get_or_init(|| {
        let synth = Command::new("fluidsynth").arg("--version").output().is_ok_and(|o| o.status.success());
        let (Some(soundfont), true) = (soundfont(), synth) else {
            let notice = "fluidsynth or a General MIDI SoundFont is missing (apt-get install fluidsynth fluid-soundfont-gm)";
            assert!(std::env::var_os("CI").is_none(), "{notice}");
            eprintln!("notice: {notice}; skipping the SoundFont root-note test");
            return None;
        };
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("root-notes-soundfont");
        let _ = std::fs::remove_dir_all(&dir);
        let notes = dir.join("notes");
        std::fs::create_dir_all(&notes).unwrap();
        for (program, name, key) in NOTES {
            let stem = format!("key{key:03} {name}");
            let mid = dir.join(format!("{stem}.mid"));
            std::fs::write(&mid, held_note_midi(program, key)).unwrap();
            let wav = notes.join(format!("{stem}.wav"));
            let o = Command::new("fluidsynth")
                .args(["-n", "-i", "-q", "-T", "wav", "-O", "s16", "-g", "0.5", "-r", "44100", "-F"])
                .arg(&wav)
                .arg(&soundfont)
                .arg(&mid)
                .output()
                .expect("fluidsynth runs");
            assert!(o.status.success() && wav.is_file(), "fluidsynth: {}", String::from_utf8_lossy(&o.stderr));
        }
        afterglow(&["render", "notes", "--out", "pack", "--only", "pads", "--instrument", "sfz"], &dir);
        Some(dir.join("pack"))
    })
    .as_deref()
}

/// The key a truth file was rendered at, from its name ("key057 choir aahs.wav").
fn played_key(source: &str) -> u8 {
    let name = Path::new(source).file_name().unwrap().to_str().unwrap();
    name[3..6].parse().unwrap_or_else(|_| panic!("{name} does not name its key"))
}

#[test]
fn soundfont_notes_give_pads_rooted_on_the_key_played() {
    let Some(pack) = soundfont_pack() else { return };
    let pads = pad_files(pack);
    let mut errors = Vec::new();
    for pad in &pads {
        let key = played_key(&pad.source);
        let truth_hz = midi_hz(f64::from(key));
        let error = pad.root_note.map(|root| cents(midi_hz(f64::from(root)), truth_hz));
        let measured = pad.measured.map(|m| cents(m.hz, truth_hz));
        let engine = pad.engine_pitch_hz.map(|hz| cents(hz, truth_hz));
        eprintln!(
            "{:48} key {key:3} root {:>4} ({:>6}) | engine pitch {:>7} cents | test's pitch {:>7} cents {:?}",
            pad.filename,
            pad.root_note.map_or("-".into(), |r| r.to_string()),
            error.map_or("-".into(), |e| format!("{e:+.0}")),
            engine.map_or("-".into(), |e| format!("{e:+.1}")),
            measured.map_or("-".into(), |e| format!("{e:+.1}")),
            pad.measured.map(|m| (m.voiced, m.agreement, m.clarity))
        );
        errors.push(error);
    }
    let keys: std::collections::BTreeSet<u8> = pads.iter().map(|p| played_key(&p.source)).collect();
    eprintln!("{} pads from {} of {} notes", pads.len(), keys.len(), NOTES.len());
    assert!(keys.len() >= NOTES.len() - 1, "pads from only {} of {} notes", keys.len(), NOTES.len());
    for (pad, error) in pads.iter().zip(&errors) {
        let error = error.unwrap_or_else(|| panic!("{}: no root note for a single sustained note", pad.filename));
        assert!(error.abs() <= MAX_ROOT_ERROR_CENTS, "{}: root note {error:+.0} cents from the key played", pad.filename);
    }
}

/// The real pack: the whole real-music corpus mined by `afterglow render --only pads --instrument
/// sfz`, with up to 12 pads a file (the default keeps 3; more pads, more pitches to check; the root
/// note is measured the same way). Made once for this file's tests; `None` (with a notice) without
/// the corpus, a failure under CI.
fn real_pack() -> Option<&'static Path> {
    static PACK: OnceLock<Option<PathBuf>> = OnceLock::new();
    PACK.get_or_init(|| {
        let corpus = fixtures::real_corpus::real_corpus(&[])?;
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("root-notes-real");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("more.toml"), "[pad_miner]\nmax_candidates_per_file = 12\n").unwrap();
        let corpus = corpus.to_str().unwrap();
        afterglow(&["render", corpus, "--out", "pack", "--only", "pads", "--instrument", "sfz", "-c", "more.toml"], &dir);
        Some(dir.join("pack"))
    })
    .as_deref()
}

/// Real pads this many or more have a confident pitch (8 of 101 today).
const MIN_CONFIDENT_REAL_PADS: usize = 6;

#[test]
fn real_pads_with_a_confident_pitch_have_a_root_note_within_50_cents_of_it() {
    let Some(pack) = real_pack() else { return };
    let pads = pad_files(pack);
    let mut confident = 0;
    let mut failures = Vec::new();
    for pad in &pads {
        let error = match (pad.root_note, pad.measured) {
            (Some(root), Some(m)) => Some(cents(midi_hz(f64::from(root)), m.hz)),
            _ => None,
        };
        let is_confident = pad.measured.is_some_and(|m| m.is_confident());
        eprintln!(
            "{:60} root {:>4} engine {:>8} Hz test {:>8} Hz {:?} error {:>6}{}",
            pad.filename,
            pad.root_note.map_or("-".into(), |r| r.to_string()),
            pad.engine_pitch_hz.map_or("-".into(), |h| format!("{h:.1}")),
            pad.measured.map_or("-".into(), |m| format!("{:.1}", m.hz)),
            pad.measured.map(|m| (m.voiced, m.agreement, m.clarity)),
            error.map_or("-".into(), |e| format!("{e:+.0}")),
            if is_confident { "  confident" } else { "" }
        );
        if is_confident {
            confident += 1;
            match error {
                Some(e) if e.abs() <= MAX_ROOT_ERROR_CENTS => {}
                _ => failures.push(format!("{}: {error:?} cents", pad.filename)),
            }
        }
    }
    eprintln!("{confident} of {} real pads have a confident pitch", pads.len());
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(confident >= MIN_CONFIDENT_REAL_PADS, "only {confident} real pads with a confident pitch to check");
}

/// Each zone of `pack`'s SFZ whose file `chosen` picks, played through sfizz at its root key:
/// (zone, pitch heard, the file's own pitch), both measured by the tests' estimate. Fails under CI
/// without `sfizz_render`; elsewhere `None` with a notice.
fn played_at_root(pack: &Path, chosen: impl Fn(&Fundamental) -> bool) -> Option<Vec<(Zone, Fundamental, Fundamental)>> {
    let Some(sfizz) = sfizz_render() else {
        assert!(std::env::var_os("CI").is_none(), "CI must install sfizz_render (pip install pysfizz)");
        eprintln!("notice: sfizz_render not found (pip install pysfizz); skipping the SFZ player test");
        return None;
    };
    let text = std::fs::read_to_string(pack.join("afterglow.sfz")).unwrap();
    let zones: Vec<(Zone, Fundamental)> = sfz_zones(&text)
        .into_iter()
        .filter_map(|zone| {
            let (channels, rate) = read_wav(&pack.join(&zone.sample));
            let own = fundamental(&mono(&channels), rate)?;
            chosen(&own).then_some((zone, own))
        })
        .collect();
    // Each root key for 1.5 s, at a velocity inside its zone's layer (one below the top, which the
    // player compares in floats), with 1.5 s for the release.
    let notes: Vec<(u8, u8)> = zones.iter().map(|(z, _)| (z.root, z.hi_vel.saturating_sub(1).max(z.lo_vel))).collect();
    let (hold_ticks, gap_ticks) = (1440_u32, 1440_u32);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("roots.mid"), midi_file(&notes, hold_ticks, gap_ticks)).unwrap();
    // The pack's own key and velocity map, played from memory (`hint_ram_based`: offline,
    // sfizz_render does not wait for its disk-streaming thread).
    std::fs::write(pack.join("played.sfz"), format!("<control>\nhint_ram_based=1\n{text}")).unwrap();
    let o = Command::new(&sfizz)
        .args(["--sfz", &pack.join("played.sfz").display().to_string(), "--midi", "roots.mid", "--wav", "sfizz.wav", "-s", "44100", "--use-eot"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    let (played, rate) = read_wav(&dir.path().join("sfizz.wav"));
    let played = mono(&played);
    let note_start = |i: usize| i * (hold_ticks + gap_ticks) as usize * rate as usize / 960;
    Some(
        zones
            .into_iter()
            .enumerate()
            .map(|(i, (zone, own))| {
                // From 0.3 s into the note (past the attack) to 1.3 s.
                let heard = &played[note_start(i) + rate as usize * 3 / 10..note_start(i) + rate as usize * 13 / 10];
                let heard = fundamental(heard, rate).unwrap_or_else(|| panic!("{}: no pitch heard at its root key", zone.sample));
                (zone, heard, own)
            })
            .collect(),
    )
}

/// Asserts each played zone sounded its root key's pitch and its file's, within 50 cents; returns
/// the largest error against the root key, cents.
fn assert_played_at_root(label: &str, played: &[(Zone, Fundamental, Fundamental)]) -> f64 {
    let mut worst = 0.0f64;
    for (zone, heard, own) in played {
        let (to_key, to_file) = (cents(heard.hz, midi_hz(f64::from(zone.root))), cents(heard.hz, own.hz));
        eprintln!("{label}: {:70} key {:3}: heard {:7.2} Hz, {to_key:+6.1} cents from the key, {to_file:+5.1} from its file", zone.sample, zone.root, heard.hz);
        assert!(to_file.abs() <= MAX_ROOT_ERROR_CENTS, "{}: played at its root key {to_file:+.1} cents from its file's pitch", zone.sample);
        assert!(to_key.abs() <= MAX_ROOT_ERROR_CENTS, "{}: played at its root key {} it sounds {to_key:+.1} cents away", zone.sample, zone.root);
        worst = worst.max(to_key.abs());
    }
    worst
}

#[test]
fn sfizz_plays_each_pitched_zone_at_its_root_key_at_that_keys_pitch() {
    if let Some(pack) = soundfont_pack() {
        // Every zone: each is a single sustained note.
        let Some(played) = played_at_root(pack, |_| true) else { return };
        // At least one zone from every note (a held note is one material, or a few as it decays).
        assert!(played.len() >= NOTES.len(), "{} zones", played.len());
        let worst = assert_played_at_root("SoundFont note", &played);
        eprintln!("{} SoundFont zones through sfizz at their root keys: at most {worst:.1} cents from the key", played.len());
    }
    if let Some(pack) = real_pack() {
        let Some(played) = played_at_root(pack, Fundamental::is_confident) else { return };
        assert!(played.len() >= MIN_CONFIDENT_REAL_PADS, "{} confident real zones", played.len());
        let worst = assert_played_at_root("real pad", &played);
        eprintln!("{} real zones with a confident pitch through sfizz at their root keys: at most {worst:.1} cents from the key", played.len());
    }
}
