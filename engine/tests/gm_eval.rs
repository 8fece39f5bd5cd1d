//! Key and tempo on the General-MIDI evaluation set (`fixtures/eval/gm_set.rs`): 48 pieces written as
//! MIDI and rendered by fluidsynth through a GM SoundFont, so the timbres are real instruments, not the
//! project's oscillators. Scored as QUALITY.md defines: weighted key score as mir_eval computes it
//! (`fixtures/eval/key_score.rs`: a fifth above earns 0.5, a fifth below 0), tempo accuracy 1 and 2.
//! The lenient key score (0.5 for a fifth either way) is printed beside it, never asserted. Renders
//! are cached under `target/eval-gm` (`cargo xtask eval-set` makes them too).
//!
//! Without fluidsynth or a SoundFont the test prints a notice and passes, except under CI (`CI` set),
//! where it fails: `.ci/run` installs both.

#[path = "../../fixtures/eval/gm_set.rs"]
mod gm_set;
#[path = "../../fixtures/eval/eval_wav.rs"]
mod eval_wav;
#[path = "../../fixtures/eval/key_score.rs"]
mod key_score;

use engine::analysis::{Analyzer, AnalysisConfig, Key, Mode, estimate_key, estimate_tempo};
use std::path::Path;

/// Floors. Key: QUALITY.md's target, 0.97, on mir_eval's strict score (today 0.971, the same under
/// the lenient score: neither miss is a fifth). Tempo: just under today's figures (acc1 0.929, acc2
/// 1.0), so a regression fails. The two key misses left are relative-key readings of a solo violin
/// line in D mixolydian (as B minor) and of a G minor circle-of-fifths progression cut off before its
/// dominant (as B-flat major). The two tempo misses are octave errors (a 168 BPM swing and a 174 BPM
/// four-on-the-floor read at half tempo, both at low confidence).
const MIN_KEY_SCORE: f64 = 0.97;
const MIN_TEMPO_ACC1: f64 = 0.92;
const MIN_TEMPO_ACC2: f64 = 1.0;
/// Floors on the held-out set (same textures and grooves, other keys, progressions, seeds and tempi;
/// nothing was tuned on it), under its figures: key 0.862 strict (0.883 lenient: of its three fifth
/// readings, F minor as B-flat minor and A-sharp major as D-sharp major are a fifth *below*, worth 0
/// under mir_eval; A major as E major is a fifth above, 0.5), tempo acc1 0.964. Its key misses are
/// modal vamps (dorian, mixolydian), circle progressions cut off early and solo lines: pieces whose
/// notes point to a neighbouring key and whose tonic is only the chord they start on.
const MIN_HELD_OUT_KEY_SCORE: f64 = 0.85;
const MIN_HELD_OUT_TEMPO_ACC1: f64 = 0.95;

/// What one set scored.
struct SetScore {
    key: f64,
    acc1: f64,
    acc2: f64,
}

/// Analyses and scores every piece of a rendered set, printing a line per piece and a summary.
fn score_set(label: &str, pieces: &[(gm_set::Piece, std::path::PathBuf)]) -> SetScore {
    let mut analyzer = Analyzer::new(AnalysisConfig::default());
    let (mut key_total, mut lenient_total, mut key_count) = (0.0f64, 0.0f64, 0usize);
    let (mut acc1, mut acc2, mut tempo_count) = (0usize, 0usize, 0usize);
    let (mut right_confidence, mut wrong_confidence) = (Vec::new(), Vec::new());
    let (mut right_tempo_confidence, mut wrong_tempo_confidence) = (Vec::new(), Vec::new());
    for (piece, wav) in pieces {
        let (mono, rate) = eval_wav::read_mono(wav, gm_set::PIECE_SEC);
        let analysis = analyzer.analyze(&mono, rate);
        let key = estimate_key(&analysis);
        let tempo = estimate_tempo(&analysis);
        let truth = Key::new(piece.tonic, if piece.minor { Mode::Minor } else { Mode::Major });
        let pair = ((truth.tonic, piece.minor), (key.key.tonic, key.key.mode == Mode::Minor));
        let score = key_score::weighted_key_score(pair.0, pair.1);
        key_total += score;
        lenient_total += key_score::lenient_key_score(pair.0, pair.1);
        key_count += 1;
        if score == 1.0 { &mut right_confidence } else { &mut wrong_confidence }.push(key.confidence);
        let mut line = format!(
            "{:<44} key {:<9} -> {:<9} ({:.2}) {:>4}",
            piece.name,
            truth.to_string(),
            key.key.to_string(),
            key.confidence,
            if score < 1.0 { format!("{score:.1}") } else { String::new() }
        );
        if let Some(bpm) = piece.bpm {
            let (one, two) = gm_set::tempo_hits(bpm, tempo.bpm.map(f64::from));
            acc1 += usize::from(one);
            acc2 += usize::from(two);
            if one { &mut right_tempo_confidence } else { &mut wrong_tempo_confidence }.push(tempo.confidence);
            tempo_count += 1;
            line += &format!(
                " | bpm {bpm:>5.1} -> {:>7} ({:.2}){}",
                tempo.bpm.map_or("none".into(), |b| format!("{b:.1}")),
                tempo.confidence,
                if one { "" } else if two { " octave" } else { " WRONG" }
            );
        }
        println!("{line}");
    }
    let key = key_total / key_count as f64;
    let lenient = lenient_total / key_count as f64;
    let (acc1, acc2) = (acc1 as f64 / tempo_count as f64, acc2 as f64 / tempo_count as f64);
    let mean = |v: &[f32]| if v.is_empty() { f32::NAN } else { v.iter().sum::<f32>() / v.len() as f32 };
    println!(
        "{label}: key {key:.3} (mir_eval weighted; lenient {lenient:.3}; {key_count} pieces; \
         mean confidence right {:.2}, wrong {:.2}), tempo acc1 {acc1:.3} acc2 {acc2:.3} ({tempo_count} grooves; mean confidence right {:.2}, wrong {:.2})\n",
        mean(&right_confidence),
        mean(&wrong_confidence),
        mean(&right_tempo_confidence),
        mean(&wrong_tempo_confidence)
    );
    SetScore { key, acc1, acc2 }
}

#[test]
fn key_and_tempo_on_general_midi_renders() {
    let soundfont = gm_set::find_soundfont();
    let synth = gm_set::fluidsynth_available();
    let (Some(soundfont), true) = (soundfont, synth) else {
        let notice = "fluidsynth or a General MIDI SoundFont is missing \
                      (apt-get install fluidsynth fluid-soundfont-gm): GM evaluation skipped";
        assert!(std::env::var_os("CI").is_none(), "{notice}");
        println!("notice: {notice}");
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let pieces = gm_set::render_all(&gm_set::cache_dir(&root), &soundfont, gm_set::pieces())
        .expect("render the evaluation set");
    let held_out = gm_set::render_all(&gm_set::held_out_cache_dir(&root), &soundfont, gm_set::held_out_pieces())
        .expect("render the held-out set");
    let main = score_set("GM set", &pieces);
    let other = score_set("GM held-out set", &held_out);
    assert!(main.key >= MIN_KEY_SCORE, "key score {:.3}", main.key);
    assert!(main.acc1 >= MIN_TEMPO_ACC1, "tempo accuracy 1 {:.3}", main.acc1);
    assert!(main.acc2 >= MIN_TEMPO_ACC2, "tempo accuracy 2 {:.3}", main.acc2);
    assert!(other.key >= MIN_HELD_OUT_KEY_SCORE, "held-out key score {:.3}", other.key);
    assert!(other.acc1 >= MIN_HELD_OUT_TEMPO_ACC1, "held-out tempo accuracy 1 {:.3}", other.acc1);
    assert!(other.acc2 >= MIN_TEMPO_ACC2, "held-out tempo accuracy 2 {:.3}", other.acc2);
}
