//! The harmonic layer on constructed mixes of real material, scored as QUALITY.md's "Layers"
//! section defines: a real tonal excerpt t (ambient and orchestral excerpts of the real-music
//! corpus, and General-MIDI renders of sustained instruments through a real SoundFont) plus a rock
//! beat d played on a real recorded drum kit (Debian's `hydrogen-drumkits`), the drums 3 dB under the
//! music (RMS), m = t + d. The separator splits m; mir_eval's `bss_eval_sources` (through
//! `fixtures/eval/bss_eval_layers.py`, mono) scores the harmonic layer H against t and the
//! percussive layer P against d, and the mix itself as the baseline. Issue 20's targets, on the
//! mean over the mixes: H's SIR at least 12 dB and SDR at least 7 dB.
//!
//! The exact mask check is printed beside it: the masks of m applied to t and d alone (masks are
//! linear) say how much of each part's energy each layer kept.
//!
//! Every mix's t, d, H and P (and m) are written as WAVs under `target/separation-eval/`, for
//! listening. Without the corpus, the kits, fluidsynth with a GM SoundFont, or python3 with
//! mir_eval, the test prints a notice and passes, except under CI (`CI` set), where it fails.

#[path = "../../fixtures/eval/gm_set.rs"]
mod gm_set;

use engine::separate::{SeparationConfig, Separator};
use engine::source::{load, LoadOptions};
use fixtures::wav::{write_wav, WavFormat};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Length of every excerpt, seconds.
const EXCERPT_SEC: f64 = 12.0;
/// How far the drums sit under the music, dB (RMS).
const DRUMS_UNDER_MUSIC_DB: f64 = 3.0;
/// Issue 20's targets for H against t, means over the mixes, dB.
const MIN_MEAN_HARMONIC_SIR_DB: f64 = 12.0;
const MIN_MEAN_HARMONIC_SDR_DB: f64 = 7.0;
/// Floor on every single mix's H SIR, under today's worst (13.3 dB, orchestral music over the
/// boomy Black Pearl kick): the mean alone could hide one kit's drums left in the harmonic layer,
/// which is where textbook HPSS fails (2048-point STFT, 31-frame and 31-bin medians, margin 2,
/// near-binary masks: SIR 5.9 to 6.9 dB on three of the four Black Pearl mixes, mean SIR 15.2 dB
/// and SDR 7.0 dB).
const MIN_WORST_HARMONIC_SIR_DB: f64 = 10.0;
/// Floors for P against d, under today's means (SDR 8.0, SIR 16.0 dB), so a change that gives up
/// the percussive layer for the harmonic one does not pass unnoticed.
const MIN_MEAN_PERCUSSIVE_SIR_DB: f64 = 12.0;
const MIN_MEAN_PERCUSSIVE_SDR_DB: f64 = 6.0;

/// Tonal truths from the corpus: (file, start of the excerpt in seconds). Ambient and orchestral
/// excerpts, whose onsets are rare (0.25-1.1 per second: see the corpus README).
const CORPUS_EXCERPTS: [(&str, f64); 6] = [
    ("ambient-into_the_shadows-040s.aiff", 5.0),
    ("ambient-silvan_sanctuary-040s.flac", 10.0),
    ("ambient-underground-030s.wav", 20.0),
    ("orchestral-northern_mountains-060s.wav", 5.0),
    ("orchestral-the_deep_path-100s.flac", 10.0),
    ("orchestral-heroes_rite-050s.ogg", 5.0),
];
/// Tonal truths rendered from the General-MIDI set (`gm_set::pieces`, no drums): a warm pad, slow
/// strings, a church organ and a choir.
const GM_PIECES: [&str; 4] = [
    "02_Dmin_PadMelody_96bpm_aeolian_p89",
    "03_Amin_Block_108bpm_lament_p49",
    "05_Bmaj_Block_84bpm_doowop_p19",
    "07_Csmaj_PadMelody_108bpm_pop_p52",
];
/// Where the excerpt of a GM render starts, seconds (past the first chord's attack).
const GM_START_SEC: f64 = 2.0;
/// The recorded kits the beats are played on, in turn: two acoustic kits recorded in five velocity
/// layers and a multi-layered Ludwig kit.
const KITS: [&str; 3] = ["The Black Pearl 1.0", "ForzeeStereo", "Millo_MultiLayered2"];
/// Where the package puts its kits (override with `AFTERGLOW_DRUMKITS`).
const KITS_DIR: &str = "/usr/share/hydrogen/data/drumkits";

/// One kit's samples for a rock beat, mono at the engine's rate.
struct Kit {
    name: String,
    kick: Vec<f32>,
    snare: Vec<f32>,
    /// The closed hat's loudest layer (on the beat) and a middle one (off the beat).
    hat_loud: Vec<f32>,
    hat_soft: Vec<f32>,
}

/// A kit piece the beat uses.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Piece {
    Kick,
    Snare,
    ClosedHat,
}

/// The piece an instrument name stands for, read as lower-case words: kick or bass drum, snare (not
/// its rimshot), closed hi-hat.
fn piece_of(instrument: &str) -> Option<Piece> {
    let name = instrument.to_lowercase();
    let words: Vec<&str> = name.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| !w.is_empty()).collect();
    let has = |w: &str| words.contains(&w);
    if has("kick") || has("bd") || has("bassdrum") || name.contains("bass drum") {
        Some(Piece::Kick)
    } else if has("snare") && !has("rimshot") {
        Some(Piece::Snare)
    } else if has("closed") && (has("hat") || has("hh") || has("hihat")) {
        Some(Piece::ClosedHat)
    } else {
        None
    }
}

/// The trimmed text of `node`'s first child element named `tag`.
fn child(node: roxmltree::Node<'_, '_>, tag: &str) -> Option<String> {
    node.children().find(|c| c.has_tag_name(tag)).and_then(|c| c.text()).map(|t| t.trim().to_string())
}

/// Reads the first kick, snare and closed hat that `dir/drumkit.xml` names, each instrument's
/// layers in order of velocity.
fn read_kit(dir: &Path) -> Kit {
    let xml = std::fs::read_to_string(dir.join("drumkit.xml")).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{}/drumkit.xml: {e}", dir.display()));
    let mut found: Vec<(Piece, Vec<PathBuf>)> = Vec::new();
    for instrument in doc.descendants().filter(|n| n.has_tag_name("instrument")) {
        let Some(piece) = piece_of(&child(instrument, "name").unwrap_or_default()) else { continue };
        if found.iter().any(|(p, _)| *p == piece) {
            continue;
        }
        let mut layers: Vec<(f64, String)> = instrument
            .descendants()
            .filter(|n| n.has_tag_name("layer"))
            .filter_map(|l| Some((child(l, "max").and_then(|m| m.parse().ok()).unwrap_or(1.0), child(l, "filename")?)))
            .collect();
        if layers.is_empty()
            && let Some(file) = child(instrument, "filename")
        {
            layers.push((1.0, file));
        }
        layers.sort_by(|a, b| a.0.total_cmp(&b.0));
        let files: Vec<PathBuf> = layers.into_iter().map(|(_, f)| dir.join(f)).filter(|p| p.is_file()).collect();
        if !files.is_empty() {
            found.push((piece, files));
        }
    }
    let files = |piece: Piece| -> &Vec<PathBuf> {
        &found.iter().find(|(p, _)| *p == piece).unwrap_or_else(|| panic!("{}: no {piece:?}", dir.display())).1
    };
    let (kicks, snares, hats) = (files(Piece::Kick), files(Piece::Snare), files(Piece::ClosedHat));
    Kit {
        name: dir.file_name().unwrap().to_string_lossy().into_owned(),
        kick: mono_sample(kicks.last().unwrap()),
        snare: mono_sample(snares.last().unwrap()),
        hat_loud: mono_sample(hats.last().unwrap()),
        hat_soft: mono_sample(&hats[hats.len() / 2]),
    }
}

/// A drum sample, decoded and resampled as every source is, mixed to mono.
fn mono_sample(path: &Path) -> Vec<f32> {
    // Drum samples are often shorter than the default shortest source.
    let options = LoadOptions { min_duration_sec: 0.0, ..LoadOptions::default() };
    load(path, &options).unwrap_or_else(|e| panic!("{}: {e}", path.display())).mono()
}

/// A rock beat on `kit` at `bpm`, `num_frames` long: closed hats on every eighth note (loud on the
/// beat), kick on 1, 3 and the "and" of 3, snare on 2 and 4.
fn rock_beat(kit: &Kit, bpm: f64, num_frames: usize) -> Vec<f32> {
    let eighth_sec = 60.0 / bpm / 2.0;
    let mut out = vec![0.0f32; num_frames];
    for step in 0.. {
        let start = (step as f64 * eighth_sec * f64::from(engine::ENGINE_SAMPLE_RATE_HZ)).round() as usize;
        if start >= num_frames {
            break;
        }
        let pos = step % 8;
        let mut hits = vec![if pos % 2 == 0 { &kit.hat_loud } else { &kit.hat_soft }];
        if matches!(pos, 0 | 4 | 5) {
            hits.push(&kit.kick);
        }
        if matches!(pos, 2 | 6) {
            hits.push(&kit.snare);
        }
        for hit in hits {
            for (o, &x) in out[start..].iter_mut().zip(hit) {
                *o += x;
            }
        }
    }
    out
}

/// `[start_sec, start_sec + EXCERPT_SEC)` of the file at `path`, planar.
fn excerpt(path: &Path, start_sec: f64) -> Vec<Vec<f32>> {
    let source = load(path, &LoadOptions::default()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rate = f64::from(source.sample_rate_hz);
    let (start, len) = ((start_sec * rate) as usize, (EXCERPT_SEC * rate) as usize);
    assert!(source.num_frames() >= start + len, "{}: shorter than the excerpt", path.display());
    source.channels.iter().map(|c| c[start..start + len].to_vec()).collect()
}

fn mean_square(x: &[f32]) -> f64 {
    x.iter().map(|&v| f64::from(v) * f64::from(v)).sum::<f64>() / x.len().max(1) as f64
}

/// The channels averaged to mono.
fn mono(channels: &[Vec<f32>]) -> Vec<f32> {
    engine::source::mix_to_mono(channels)
}

/// Under CI, a missing requirement fails the test; elsewhere it prints a notice and skips.
fn skip(notice: &str) {
    assert!(std::env::var_os("CI").is_none(), "{notice}");
    println!("notice: {notice}: separation evaluation skipped");
}

/// Whether python3 can import mir_eval (with numpy and scipy).
fn mir_eval_available() -> bool {
    Command::new("python3").args(["-c", "import mir_eval, numpy, scipy"]).output().is_ok_and(|o| o.status.success())
}

/// A tonal truth: a name and its planar channels.
type Tonal = (String, Vec<Vec<f32>>);

/// The GM renders of [`GM_PIECES`], excerpted; empty (after a notice, or a failure under CI) when
/// fluidsynth or a SoundFont is missing.
fn gm_excerpts(root: &Path) -> Vec<Tonal> {
    let (Some(soundfont), true) = (gm_set::find_soundfont(), gm_set::fluidsynth_available()) else {
        let notice = "fluidsynth or a General MIDI SoundFont is missing (apt-get install fluidsynth fluid-soundfont-gm): \
                      the GM mixes are left out";
        assert!(std::env::var_os("CI").is_none(), "{notice}");
        println!("notice: {notice}");
        return Vec::new();
    };
    let pieces: Vec<gm_set::Piece> = gm_set::pieces().into_iter().filter(|p| GM_PIECES.contains(&p.name.as_str())).collect();
    assert_eq!(pieces.len(), GM_PIECES.len(), "every named piece is in the GM set");
    let rendered = gm_set::render_all(&gm_set::cache_dir(root), &soundfont, pieces).expect("render the GM pieces");
    rendered.into_iter().map(|(piece, wav)| (piece.name, excerpt(&wav, GM_START_SEC))).collect()
}

/// What one mix scored, as the scorer prints it: `(sdr, sir, sar)`.
fn score(value: &serde_json::Value) -> (f64, f64, f64) {
    let get = |k: &str| value[k].as_f64().unwrap_or_else(|| panic!("no {k} in {value}"));
    (get("sdr"), get("sir"), get("sar"))
}

/// One line of the score table: H, P, and the mix as either.
fn print_row(name: &str, h: (f64, f64, f64), p: (f64, f64, f64), base_h: (f64, f64, f64), base_p: (f64, f64, f64)) {
    println!(
        "  {name:<46} {:>5.1} {:>5.1} {:>5.1} |        {:>5.1} {:>5.1} {:>5.1} |          {:>4.1} {:>4.1} |          {:>4.1} {:>4.1}",
        h.0, h.1, h.2, p.0, p.1, p.2, base_h.0, base_h.1, base_p.0, base_p.1
    );
}

#[test]
fn harmonic_layer_of_real_mixes_reaches_sir_12_and_sdr_7() {
    let corpus_files: Vec<&str> = CORPUS_EXCERPTS.iter().map(|(f, _)| *f).collect();
    let Some(corpus) = fixtures::real_corpus::real_corpus(&corpus_files) else { return };
    let kits_dir = std::env::var_os("AFTERGLOW_DRUMKITS").map_or_else(|| PathBuf::from(KITS_DIR), PathBuf::from);
    if !KITS.iter().all(|k| kits_dir.join(k).join("drumkit.xml").is_file()) {
        return skip(&format!("the kits {KITS:?} are missing from {} (apt-get install hydrogen-drumkits)", kits_dir.display()));
    }
    if !mir_eval_available() {
        return skip("python3 with mir_eval is missing (pip install mir_eval==0.8.2)");
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root.join("target"), PathBuf::from)
        .join("separation-eval");
    let _ = std::fs::remove_dir_all(&out_dir);

    let mut tonal: Vec<Tonal> =
        CORPUS_EXCERPTS.iter().map(|(file, start)| (file.split('.').next().unwrap().to_string(), excerpt(&corpus.join(file), *start))).collect();
    tonal.extend(gm_excerpts(&root));
    let kits: Vec<Kit> = KITS.iter().map(|k| read_kit(&kits_dir.join(k))).collect();
    let sr = engine::ENGINE_SAMPLE_RATE_HZ;
    let mut separator = Separator::new(&SeparationConfig::default());

    println!("exact mask check (the mix's masks applied to each part; energy kept, dB):");
    for (i, (name, t)) in tonal.iter().enumerate() {
        let kit = &kits[i % kits.len()];
        let bpm = 96.0 + 8.0 * (i % 5) as f64;
        let beat = rock_beat(kit, bpm, t[0].len());
        let gain = ((mean_square(&mono(t)) / mean_square(&beat)).sqrt() * 10f64.powf(-DRUMS_UNDER_MUSIC_DB / 20.0)) as f32;
        // The beat in the middle of the stereo image: the same in every channel of the music.
        let d: Vec<Vec<f32>> = t.iter().map(|_| beat.iter().map(|&x| x * gain).collect()).collect();
        let m: Vec<Vec<f32>> = t.iter().zip(&d).map(|(a, b)| a.iter().zip(b).map(|(x, y)| x + y).collect()).collect();
        let layers = separator.separate(&m, sr, None).expect("no cancel flag");

        let parts: Vec<Vec<f32>> = t.iter().chain(&d).cloned().collect();
        let guided = separator.separate_guided(&m, &parts, sr, None).expect("no cancel flag");
        let c = t.len();
        let kept = |layer: &[Vec<f32>], truth: &[Vec<f32>]| {
            10.0 * (truth.iter().zip(layer).map(|(x, y)| mean_square(y) / mean_square(x).max(1e-30)).sum::<f64>() / c as f64).log10()
        };
        println!(
            "  {i:02} {name:<38} {:<20} {bpm:>3} BPM: H keeps tonal {:>6.2}, drums {:>6.1}; P keeps drums {:>6.2}, tonal {:>6.1}",
            kit.name,
            kept(&guided.harmonic[..c], t),
            kept(&guided.harmonic[c..], &d),
            kept(&guided.percussive[c..], &d),
            kept(&guided.percussive[..c], t),
        );

        let dir = out_dir.join(format!("{i:02}-{name}"));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for (file, channels) in [("t", t), ("d", &d), ("m", &m), ("h", &layers.harmonic), ("p", &layers.percussive)] {
            write_wav(&dir.join(format!("{file}.wav")), channels, sr, WavFormat::FLOAT32);
        }
    }

    let output = Command::new("python3")
        .arg(root.join("fixtures/eval/bss_eval_layers.py"))
        .arg(&out_dir)
        .output()
        .expect("run python3");
    assert!(output.status.success(), "bss_eval_layers.py failed: {}", String::from_utf8_lossy(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("the scorer prints JSON");

    println!(
        "\nmir_eval bss_eval_sources, mono (dB):            H vs t: SDR   SIR   SAR | P vs d: SDR   SIR   SAR | \
         mix as H: SDR  SIR | mix as P: SDR  SIR"
    );
    let mut worst_sir = (f64::INFINITY, String::new());
    for mix in report["mixes"].as_array().expect("a list of mixes") {
        let (h, p) = (score(&mix["harmonic"]), score(&mix["percussive"]));
        let (base_h, base_p) = (score(&mix["mix_as_harmonic"]), score(&mix["mix_as_percussive"]));
        if h.1 < worst_sir.0 {
            worst_sir = (h.1, mix["name"].as_str().unwrap_or("?").to_string());
        }
        print_row(mix["name"].as_str().unwrap_or("?"), h, p, base_h, base_p);
    }
    let mean = &report["mean"];
    let (h, p) = (score(&mean["harmonic"]), score(&mean["percussive"]));
    let (base_h, base_p) = (score(&mean["mix_as_harmonic"]), score(&mean["mix_as_percussive"]));
    print_row(&format!("mean of {} mixes", tonal.len()), h, p, base_h, base_p);
    assert!(h.1 >= MIN_MEAN_HARMONIC_SIR_DB, "harmonic layer: mean SIR {:.2} dB, target {MIN_MEAN_HARMONIC_SIR_DB}", h.1);
    assert!(h.0 >= MIN_MEAN_HARMONIC_SDR_DB, "harmonic layer: mean SDR {:.2} dB, target {MIN_MEAN_HARMONIC_SDR_DB}", h.0);
    assert!(
        worst_sir.0 >= MIN_WORST_HARMONIC_SIR_DB,
        "harmonic layer of {}: SIR {:.2} dB, floor {MIN_WORST_HARMONIC_SIR_DB}",
        worst_sir.1,
        worst_sir.0
    );
    assert!(p.1 >= MIN_MEAN_PERCUSSIVE_SIR_DB, "percussive layer: mean SIR {:.2} dB, floor {MIN_MEAN_PERCUSSIVE_SIR_DB}", p.1);
    assert!(p.0 >= MIN_MEAN_PERCUSSIVE_SDR_DB, "percussive layer: mean SDR {:.2} dB, floor {MIN_MEAN_PERCUSSIVE_SDR_DB}", p.0);
}
