//! Key accuracy on real compositions the project did not write: string quartet movements (Haydn,
//! Mozart, Beethoven, Schumann), keyboard pieces (Chopin, C. P. E. Bach, Clara Schumann), a Corelli trio
//! sonata and Irish and Scottish folk tunes from music21's corpus, labelled from the score (key
//! signature plus final bass note), cut to their first ~30 s and rendered by fluidsynth through
//! MuseScore General as strings, piano, organ and winds (`fixtures/eval/music21_set.py`).
//!
//! Scored with mir_eval's weighted key score (`fixtures/eval/key_score.rs`), per timbre, per kind of
//! piece and overall; the lenient score is printed beside it. The set is held out: nothing in the
//! estimator was tuned on it.
//!
//! The renders are made by `python3 fixtures/eval/music21_set.py` (or `cargo xtask eval-set`) into
//! `target/eval-music21`. Without them the test prints a notice and passes, except under CI (`CI` set),
//! where it fails: `.ci/run` makes them.

#[path = "../../fixtures/eval/eval_wav.rs"]
mod eval_wav;
#[path = "../../fixtures/eval/key_score.rs"]
mod key_score;

use engine::analysis::{Analyzer, AnalysisConfig, Key, Mode, estimate_key};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Floor on the overall weighted key score, a little under the 0.820 measured when the set was made
/// (per timbre: strings, piano and organ 0.830, winds 0.790; folk tunes 1.000, quartets 0.880, the
/// keyboard pieces 0.200), so a regression fails. The misses are openings that are not in the final
/// key's tonic: Haydn's op. 1/1 and Mozart's K. 80 reach the dominant within the excerpt (read as the
/// fifth above, 0.5), Chopin's op. 6/2 opens over a long dominant drone (read as G-sharp major, 0), and
/// two minor-key keyboard pieces read as their relative major (0.3).
const MIN_KEY_SCORE: f64 = 0.80;
/// The set: 20 pieces in 4 timbres. Fewer renders means the preparation skipped a piece (its label
/// rules failed, e.g. under another music21 version), and the figures would not be comparable.
const NUM_RENDERS: usize = 80;
/// Longest stretch of a render analysed, seconds (the excerpts are about 30 s plus the synth's tail).
const MAX_ANALYSIS_SEC: f64 = 45.0;

/// The render cache: `$CARGO_TARGET_DIR/eval-music21`, or `target/eval-music21` in the workspace.
fn set_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("target"))
        .join("eval-music21")
}

/// One render of the set, a row of `labels.csv`.
struct Render {
    wav: PathBuf,
    piece: String,
    kind: String,
    timbre: String,
    truth: Key,
}

fn read_labels(dir: &Path) -> Option<Vec<Render>> {
    let text = std::fs::read_to_string(dir.join("labels.csv")).ok()?;
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("wav,piece,kind,timbre,tonic,mode,source"), "labels.csv header");
    let renders = lines
        .filter(|line| !line.is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            assert_eq!(fields.len(), 7, "labels.csv row {line}");
            let tonic: u8 = fields[4].parse().unwrap_or_else(|e| panic!("tonic in {line}: {e}"));
            let mode = match fields[5] {
                "major" => Mode::Major,
                "minor" => Mode::Minor,
                other => panic!("mode {other} in {line}"),
            };
            Render {
                wav: dir.join(fields[0]),
                piece: fields[1].to_string(),
                kind: fields[2].to_string(),
                timbre: fields[3].to_string(),
                truth: Key::new(tonic, mode),
            }
        })
        .collect();
    Some(renders)
}

/// Strict and lenient score sums and a count, for one group.
#[derive(Default)]
struct Tally {
    strict: f64,
    lenient: f64,
    count: usize,
}

impl Tally {
    fn add(&mut self, strict: f64, lenient: f64) {
        self.strict += strict;
        self.lenient += lenient;
        self.count += 1;
    }

    fn line(&self, label: &str) -> String {
        let n = self.count.max(1) as f64;
        format!("{label:<12} key {:.3} (lenient {:.3}; {} renders)", self.strict / n, self.lenient / n, self.count)
    }
}

#[test]
fn key_on_music21_compositions_rendered_by_fluidsynth() {
    let dir = set_dir();
    let Some(renders) = read_labels(&dir) else {
        let notice = format!(
            "the music21 evaluation set is missing in {} (pip install music21==10.5.1; apt-get install fluidsynth \
             musescore-general-soundfont; python3 fixtures/eval/music21_set.py): music21 evaluation skipped",
            dir.display()
        );
        assert!(std::env::var_os("CI").is_none(), "{notice}");
        println!("notice: {notice}");
        return;
    };
    assert_eq!(renders.len(), NUM_RENDERS, "renders listed in {}", dir.display());
    let mut analyzer = Analyzer::new(AnalysisConfig::default());
    let mut overall = Tally::default();
    let mut by_timbre: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut by_kind: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut by_mode: BTreeMap<&str, Tally> = BTreeMap::new();
    for render in &renders {
        let (mono, rate) = eval_wav::read_mono(&render.wav, MAX_ANALYSIS_SEC);
        let estimate = estimate_key(&analyzer.analyze(&mono, rate));
        let pair = (
            (render.truth.tonic, render.truth.mode == Mode::Minor),
            (estimate.key.tonic, estimate.key.mode == Mode::Minor),
        );
        let strict = key_score::weighted_key_score(pair.0, pair.1);
        let lenient = key_score::lenient_key_score(pair.0, pair.1);
        overall.add(strict, lenient);
        by_timbre.entry(&render.timbre).or_default().add(strict, lenient);
        by_kind.entry(&render.kind).or_default().add(strict, lenient);
        by_mode.entry(if pair.0.1 { "minor" } else { "major" }).or_default().add(strict, lenient);
        println!(
            "{:<28} {:<8} key {:<9} -> {:<9} ({:.2}) {}",
            render.piece,
            render.timbre,
            render.truth.to_string(),
            estimate.key.to_string(),
            estimate.confidence,
            if strict < 1.0 { format!("{strict:.1}") } else { String::new() }
        );
    }
    println!();
    for (groups, heading) in [(&by_timbre, "timbre"), (&by_kind, "kind"), (&by_mode, "mode")] {
        println!("by {heading}:");
        for (name, tally) in groups {
            println!("  {}", tally.line(name));
        }
    }
    println!("music21 set: {}", overall.line("overall"));
    let key = overall.strict / overall.count as f64;
    assert!(key >= MIN_KEY_SCORE, "music21 set key score {key:.3} (floor {MIN_KEY_SCORE})");
}
