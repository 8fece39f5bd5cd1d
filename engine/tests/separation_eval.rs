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
//! On the same mixes (separated once for both tests), the engine's drum one-shots are sliced and
//! classified from d alone and from P, each scored against the kit piece the beat placed at its
//! start: the one-shots afterglow takes from a busy mix's percussive layer are as good as the dry
//! drums'.
//!
//! Every mix's t, d, H and P (and m) are written as WAVs under `target/separation-eval/`, for
//! listening. Without the corpus, the kits, fluidsynth with a GM SoundFont, or python3 with
//! mir_eval, the test prints a notice and passes, except under CI (`CI` set), where it fails.

#[path = "../../fixtures/eval/gm_set.rs"]
mod gm_set;

use engine::analysis::{AnalysisConfig, Analyzer};
use engine::mining::{slice_hits, HitClass, OneShotConfig};
use engine::separate::{Layers, SeparationConfig, Separator};
use engine::source::{load, LoadOptions};
use fixtures::drumkits::{kits_path, read_drumkit};
use fixtures::wav::{write_wav, WavFormat};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

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

/// Reads the first kick, snare and closed hat that `dir/drumkit.xml` names, each instrument's
/// layers in order of velocity.
fn read_kit(dir: &Path) -> Kit {
    let mut found: Vec<(Piece, Vec<PathBuf>)> = Vec::new();
    for instrument in read_drumkit(dir).unwrap_or_else(|e| panic!("{e}")) {
        let Some(piece) = piece_of(&instrument.name) else { continue };
        if found.iter().any(|(p, _)| *p == piece) {
            continue;
        }
        found.push((piece, instrument.layers_by_velocity().into_iter().map(|l| l.path.clone()).collect()));
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
/// beat), kick on 1, 3 and the "and" of 3, snare on 2 and 4. Returned with every piece it placed
/// and the sample it starts at, in order of time.
fn rock_beat(kit: &Kit, bpm: f64, num_frames: usize) -> (Vec<f32>, Vec<(usize, Piece)>) {
    let eighth_sec = 60.0 / bpm / 2.0;
    let mut out = vec![0.0f32; num_frames];
    let mut placed = Vec::new();
    for step in 0.. {
        let start = (step as f64 * eighth_sec * f64::from(engine::ENGINE_SAMPLE_RATE_HZ)).round() as usize;
        if start >= num_frames {
            break;
        }
        let pos = step % 8;
        let mut hits = vec![(Piece::ClosedHat, if pos % 2 == 0 { &kit.hat_loud } else { &kit.hat_soft })];
        if matches!(pos, 0 | 4 | 5) {
            hits.push((Piece::Kick, &kit.kick));
        }
        if matches!(pos, 2 | 6) {
            hits.push((Piece::Snare, &kit.snare));
        }
        for (piece, hit) in hits {
            placed.push((start, piece));
            for (o, &x) in out[start..].iter_mut().zip(hit) {
                *o += x;
            }
        }
    }
    (out, placed)
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

/// One constructed mix: the tonal truth t, the beat d and the pieces it placed, m = t + d, and m's
/// layers.
struct Mix {
    name: String,
    kit: String,
    bpm: f64,
    t: Vec<Vec<f32>>,
    d: Vec<Vec<f32>>,
    /// Every piece of the beat and the sample it starts at, in order of time.
    placed: Vec<(usize, Piece)>,
    m: Vec<Vec<f32>>,
    layers: Layers,
}

/// The workspace root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The mixes, built and separated once for all the tests of this file (they run side by side: the
/// later ones wait for the first); `None`, after a notice (a failure under CI), without the corpus
/// or the kits.
fn mixes() -> Option<&'static [Mix]> {
    static MIXES: OnceLock<Vec<Mix>> = OnceLock::new();
    let corpus_files: Vec<&str> = CORPUS_EXCERPTS.iter().map(|(f, _)| *f).collect();
    let corpus = fixtures::real_corpus::real_corpus(&corpus_files)?;
    let kits_dir = kits_path();
    if !KITS.iter().all(|k| kits_dir.join(k).join("drumkit.xml").is_file()) {
        skip(&format!("the kits {KITS:?} are missing from {} (apt-get install hydrogen-drumkits)", kits_dir.display()));
        return None;
    }
    Some(MIXES.get_or_init(|| build_mixes(&corpus, &kits_dir)))
}

/// Every tonal truth over a rock beat on the kits in turn, at 96 to 128 BPM, the drums
/// [`DRUMS_UNDER_MUSIC_DB`] under the music, each mix separated.
fn build_mixes(corpus: &Path, kits_dir: &Path) -> Vec<Mix> {
    let mut tonal: Vec<Tonal> =
        CORPUS_EXCERPTS.iter().map(|(file, start)| (file.split('.').next().unwrap().to_string(), excerpt(&corpus.join(file), *start))).collect();
    tonal.extend(gm_excerpts(&root()));
    let kits: Vec<Kit> = KITS.iter().map(|k| read_kit(&kits_dir.join(k))).collect();
    let mut separator = Separator::new(&SeparationConfig::default());
    tonal
        .into_iter()
        .enumerate()
        .map(|(i, (name, t))| {
            let kit = &kits[i % kits.len()];
            let bpm = 96.0 + 8.0 * (i % 5) as f64;
            let (beat, placed) = rock_beat(kit, bpm, t[0].len());
            let gain = ((mean_square(&mono(&t)) / mean_square(&beat)).sqrt() * 10f64.powf(-DRUMS_UNDER_MUSIC_DB / 20.0)) as f32;
            // The beat in the middle of the stereo image: the same in every channel of the music.
            let d: Vec<Vec<f32>> = t.iter().map(|_| beat.iter().map(|&x| x * gain).collect()).collect();
            let m: Vec<Vec<f32>> = t.iter().zip(&d).map(|(a, b)| a.iter().zip(b).map(|(x, y)| x + y).collect()).collect();
            let layers = separator.separate(&m, engine::ENGINE_SAMPLE_RATE_HZ, None).expect("no cancel flag");
            Mix { name, kit: kit.name.clone(), bpm, t, d, placed, m, layers }
        })
        .collect()
}

#[test]
fn harmonic_layer_of_real_mixes_reaches_sir_12_and_sdr_7() {
    let Some(mixes) = mixes() else { return };
    if !mir_eval_available() {
        return skip("python3 with mir_eval is missing (pip install mir_eval==0.8.2)");
    }
    let root = root();
    let out_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root.join("target"), PathBuf::from)
        .join("separation-eval");
    let _ = std::fs::remove_dir_all(&out_dir);
    let sr = engine::ENGINE_SAMPLE_RATE_HZ;
    let mut separator = Separator::new(&SeparationConfig::default());

    println!("exact mask check (the mix's masks applied to each part; energy kept, dB):");
    for (i, Mix { name, kit, bpm, t, d, m, layers, .. }) in mixes.iter().enumerate() {
        let parts: Vec<Vec<f32>> = t.iter().chain(d).cloned().collect();
        let guided = separator.separate_guided(m, &parts, sr, None).expect("no cancel flag");
        let c = t.len();
        let kept = |layer: &[Vec<f32>], truth: &[Vec<f32>]| {
            10.0 * (truth.iter().zip(layer).map(|(x, y)| mean_square(y) / mean_square(x).max(1e-30)).sum::<f64>() / c as f64).log10()
        };
        println!(
            "  {i:02} {name:<38} {kit:<20} {bpm:>3} BPM: H keeps tonal {:>6.2}, drums {:>6.1}; P keeps drums {:>6.2}, tonal {:>6.1}",
            kept(&guided.harmonic[..c], t),
            kept(&guided.harmonic[c..], d),
            kept(&guided.percussive[c..], d),
            kept(&guided.percussive[..c], t),
        );

        let dir = out_dir.join(format!("{i:02}-{name}"));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for (file, channels) in [("t", t), ("d", d), ("m", m), ("h", &layers.harmonic), ("p", &layers.percussive)] {
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
    print_row(&format!("mean of {} mixes", mixes.len()), h, p, base_h, base_p);
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

/// How far a one-shot may start from the beat step it is matched to, seconds.
const MATCH_SEC: f64 = 0.03;
/// How far before a step an unmatched one-shot counts as early rather than spurious, seconds: the
/// separator's 93 ms window spreads a hit's attack back over its first half, so some one-shots of
/// the percussive layer start 30 to 50 ms before the hit.
const EARLY_SEC: f64 = 0.06;
/// Issue 20's bounds for one-shots cut from the percussive layer P, against the dry drums d: at
/// most this many points of accuracy under d's (today 86.5 % from P, 85.4 % from d), ...
const MAX_ACCURACY_LOSS_POINTS: f64 = 5.0;
/// ... at least this share of the steps d finds (today 393 of 417, 94 %), ...
const MIN_FOUND_SHARE: f64 = 0.9;
/// ... at most this share of the steps in one-shots near no step (today none), ...
const MAX_SPURIOUS_SHARE: f64 = 0.02;
/// ... and at most this share of the steps P finds in one-shots that start early (today 39 of
/// 393, 10 %).
const MAX_EARLY_SHARE: f64 = 0.15;

/// One step of a beat: where it starts and the pieces placed there.
type Step = (usize, Vec<Piece>);

/// The steps of `placed` (pieces in order of time), those at the same sample together.
fn steps_of(placed: &[(usize, Piece)]) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    for &(start, piece) in placed {
        match steps.last_mut() {
            Some((s, pieces)) if *s == start => pieces.push(piece),
            _ => steps.push((start, vec![piece])),
        }
    }
    steps
}

/// The class a step's one-shot should have: that of its lead piece, the kick or the snare where
/// one is placed (the hat under it is quieter), else the hat.
fn lead_class(pieces: &[Piece]) -> HitClass {
    if pieces.contains(&Piece::Kick) {
        HitClass::Kick
    } else if pieces.contains(&Piece::Snare) {
        HitClass::Snare
    } else {
        HitClass::Hat
    }
}

/// How the one-shots of one track match the steps of its beat.
#[derive(Default)]
struct OneShotScore {
    /// Steps with a one-shot starting within [`MATCH_SEC`] of them.
    found: usize,
    /// Found steps whose nearest one-shot has the lead piece's class.
    correct: usize,
    /// Unmatched one-shots that start up to [`EARLY_SEC`] before a step.
    early: usize,
    /// One-shots near no step.
    spurious: usize,
    /// (lead class, class) of every found step, and how many.
    confusion: std::collections::BTreeMap<(&'static str, &'static str), usize>,
}

impl OneShotScore {
    fn add(&mut self, other: &OneShotScore) {
        self.found += other.found;
        self.correct += other.correct;
        self.early += other.early;
        self.spurious += other.spurious;
        for (pair, n) in &other.confusion {
            *self.confusion.entry(*pair).or_insert(0) += n;
        }
    }

    /// Share of the found steps classified as their lead piece, percent.
    fn accuracy(&self) -> f64 {
        100.0 * self.correct as f64 / self.found.max(1) as f64
    }
}

/// Slices and classifies every one-shot of `channels` (the engine's slicer, before it keeps the
/// best few per class) and scores them against the beat's `steps`.
fn score_oneshots(channels: &[Vec<f32>], steps: &[Step]) -> OneShotScore {
    let sr = engine::ENGINE_SAMPLE_RATE_HZ;
    let analysis = Analyzer::new(AnalysisConfig::default()).analyze_channels(channels, sr);
    let hits = slice_hits(channels, &analysis, &OneShotConfig::default());
    let (tolerance, early) = ((MATCH_SEC * f64::from(sr)) as usize, (EARLY_SEC * f64::from(sr)) as usize);
    let mut score = OneShotScore::default();
    // Per step, the nearest one-shot: its distance and class.
    let mut nearest: Vec<Option<(usize, HitClass)>> = vec![None; steps.len()];
    for hit in &hits {
        let start = hit.start_sample;
        let step = steps.iter().enumerate().map(|(k, (s, _))| (k, s.abs_diff(start))).filter(|&(_, d)| d <= tolerance).min_by_key(|&(_, d)| d);
        match step {
            Some((k, distance)) => {
                if nearest[k].is_none_or(|(d, _)| distance < d) {
                    nearest[k] = Some((distance, hit.class));
                }
            }
            None if steps.iter().any(|(s, _)| start < *s && s - start <= early) => score.early += 1,
            None => score.spurious += 1,
        }
    }
    for ((_, pieces), found) in steps.iter().zip(&nearest) {
        if let Some((_, class)) = found {
            let lead = lead_class(pieces);
            score.found += 1;
            score.correct += usize::from(*class == lead);
            *score.confusion.entry((lead.name(), class.name())).or_insert(0) += 1;
        }
    }
    score
}

/// Issue 20: when afterglow separates a busy mix its one-shots come from the percussive layer P,
/// and they are as good as the dry drums d would give. On every mix, the engine's slicer and
/// classifier run on d alone and on P; each one-shot is matched to the beat's step at its start
/// (within [`MATCH_SEC`]) and its class scored against the step's lead piece (kick to Kick, snare
/// to Snare, hat to Hat). P's accuracy is at most [`MAX_ACCURACY_LOSS_POINTS`] under d's, P finds
/// at least [`MIN_FOUND_SHARE`] of the steps d finds, and few of P's one-shots are spurious or
/// early (see the constants for today's figures). Slicing the harmonic layer instead of P fails
/// it (no step found), and so does slicing the mix m itself (233 of 452 steps found, against 417
/// from d; 34.3 % of them right; 102 one-shots early).
#[test]
fn one_shots_from_the_percussive_layer_classify_as_well_as_from_the_dry_drums() {
    let Some(mixes) = mixes() else { return };
    let (mut from_d, mut from_p) = (OneShotScore::default(), OneShotScore::default());
    let mut num_steps = 0;
    println!("one-shots matched to the beat's steps ({:.0} ms), classes against the lead piece:", MATCH_SEC * 1000.0);
    println!("  {:<38} {:<20} steps | d: found acc % early spur. | P: found acc % early spur.", "mix", "kit");
    let row = |name: &str, kit: &str, steps: usize, d: &OneShotScore, p: &OneShotScore| {
        println!(
            "  {name:<38} {kit:<20} {steps:>5} |    {:>5} {:>5.1} {:>5} {:>5} |    {:>5} {:>5.1} {:>5} {:>5}",
            d.found,
            d.accuracy(),
            d.early,
            d.spurious,
            p.found,
            p.accuracy(),
            p.early,
            p.spurious
        );
    };
    for mix in mixes {
        let steps = steps_of(&mix.placed);
        let (d, p) = (score_oneshots(&mix.d, &steps), score_oneshots(&mix.layers.percussive, &steps));
        row(&mix.name, &mix.kit, steps.len(), &d, &p);
        num_steps += steps.len();
        from_d.add(&d);
        from_p.add(&p);
    }
    row(&format!("all {} mixes", mixes.len()), "", num_steps, &from_d, &from_p);
    println!("  (lead, class) from d: {:?}", from_d.confusion);
    println!("  (lead, class) from P: {:?}", from_p.confusion);

    assert!(
        from_p.accuracy() >= from_d.accuracy() - MAX_ACCURACY_LOSS_POINTS,
        "one-shots from P: {:.1} % classified right, from d {:.1} %",
        from_p.accuracy(),
        from_d.accuracy()
    );
    assert!(
        from_p.found as f64 >= MIN_FOUND_SHARE * from_d.found as f64,
        "one-shots from P found {} steps, from d {} (of {num_steps})",
        from_p.found,
        from_d.found
    );
    assert!(
        from_p.spurious as f64 <= MAX_SPURIOUS_SHARE * num_steps as f64,
        "{} one-shots from P near no step (of {num_steps} steps)",
        from_p.spurious
    );
    assert!(
        from_p.early as f64 <= MAX_EARLY_SHARE * from_p.found as f64,
        "{} one-shots from P start {:.0} to {:.0} ms before a step ({} steps found)",
        from_p.early,
        MATCH_SEC * 1000.0,
        EARLY_SEC * 1000.0,
        from_p.found
    );
}
