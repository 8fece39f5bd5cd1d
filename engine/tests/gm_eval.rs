//! Key and tempo on the General-MIDI evaluation set (`fixtures/eval/gm_set.rs`): 48 pieces written as
//! MIDI and rendered by fluidsynth through a GM SoundFont, so the timbres are real instruments, not the
//! project's oscillators. Scored as QUALITY.md defines: weighted (MIREX) key score, tempo accuracy 1
//! and 2. Renders are cached under `target/eval-gm` (`cargo xtask eval-set` makes them too).
//!
//! Without fluidsynth or a SoundFont the test prints a notice and passes, except under CI (`CI` set),
//! where it fails: `.ci/run` installs both.

#[path = "../../fixtures/eval/gm_set.rs"]
mod gm_set;

use engine::analysis::{Analyzer, AnalysisConfig, Key, Mode, estimate_key, estimate_tempo};
use std::path::Path;

/// Floors just under today's figures (key 0.919, tempo acc1 0.929, acc2 1.0), so a regression fails.
/// The key target is 0.97: the misses left are fifth and relative-key confusions on modal and
/// circle-of-fifths pieces. The two tempo misses are octave errors (a 168 BPM swing and a 174 BPM
/// four-on-the-floor read at half tempo, both at low confidence).
const MIN_KEY_SCORE: f64 = 0.91;
const MIN_TEMPO_ACC1: f64 = 0.92;
const MIN_TEMPO_ACC2: f64 = 1.0;

fn read_mono(path: &Path) -> (Vec<f32>, u32) {
    let mut reader = hound::WavReader::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let spec = reader.spec();
    let channels = usize::from(spec.channels);
    let scale = 1.0 / f32::from(i16::MAX);
    let samples: Vec<f32> = reader.samples::<i16>().map(|s| f32::from(s.unwrap()) * scale).collect();
    let len = (gm_set::PIECE_SEC * f64::from(spec.sample_rate)) as usize;
    let mono = samples
        .chunks(channels)
        .take(len)
        .map(|frame| frame.iter().sum::<f32>() / channels as f32)
        .collect();
    (mono, spec.sample_rate)
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
    let pieces = gm_set::render_all(&gm_set::cache_dir(&root), &soundfont).expect("render the evaluation set");
    let mut analyzer = Analyzer::new(AnalysisConfig::default());
    let (mut key_total, mut key_count) = (0.0f64, 0usize);
    let (mut acc1, mut acc2, mut tempo_count) = (0usize, 0usize, 0usize);
    let (mut right_confidence, mut wrong_confidence) = (Vec::new(), Vec::new());
    let (mut right_tempo_confidence, mut wrong_tempo_confidence) = (Vec::new(), Vec::new());
    for (piece, wav) in &pieces {
        let (mono, rate) = read_mono(wav);
        let analysis = analyzer.analyze(&mono, rate);
        let key = estimate_key(&analysis);
        let tempo = estimate_tempo(&analysis);
        let truth = Key::new(piece.tonic, if piece.minor { Mode::Minor } else { Mode::Major });
        let score = gm_set::key_score(
            (truth.tonic, piece.minor),
            (key.key.tonic, key.key.mode == Mode::Minor),
        );
        key_total += score;
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
    let key_score = key_total / key_count as f64;
    let (acc1, acc2) = (acc1 as f64 / tempo_count as f64, acc2 as f64 / tempo_count as f64);
    let mean = |v: &[f32]| if v.is_empty() { f32::NAN } else { v.iter().sum::<f32>() / v.len() as f32 };
    println!(
        "GM set: key {key_score:.3} (MIREX weighted, {key_count} pieces; mean confidence right {:.2}, wrong {:.2}), \
         tempo acc1 {acc1:.3} acc2 {acc2:.3} ({tempo_count} grooves; mean confidence right {:.2}, wrong {:.2})",
        mean(&right_confidence),
        mean(&wrong_confidence),
        mean(&right_tempo_confidence),
        mean(&wrong_tempo_confidence)
    );
    assert!(key_score >= MIN_KEY_SCORE, "key score {key_score:.3}");
    assert!(acc1 >= MIN_TEMPO_ACC1, "tempo accuracy 1 {acc1:.3}");
    assert!(acc2 >= MIN_TEMPO_ACC2, "tempo accuracy 2 {acc2:.3}");
}
