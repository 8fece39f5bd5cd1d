//! Drum one-shots: slicing, gates and the spectral-shape classifier, measured on labelled synthetic
//! hits and checked on the real drum recordings.

use engine::analysis::{AnalysisConfig, Analyzer};
use engine::mining::{find_oneshots, slice_hits, HitClass, OneShotConfig};
use fixtures::hits::{hit_sequence, HitLabel};
use std::collections::BTreeSet;

const SR: u32 = 44_100;

/// Hits found at the true starts (within 25 ms), as (true label, class), and the number missed.
fn classified(labels: &[HitLabel], count: usize, gap_sec: f64, seed: u64) -> (Vec<(HitLabel, HitClass)>, usize) {
    let (signal, truth) = hit_sequence(labels, count, gap_sec, SR, seed);
    let channels = vec![signal];
    let analysis = Analyzer::new(AnalysisConfig::default()).analyze_channels(&channels, SR);
    let hits = slice_hits(&channels, &analysis, &OneShotConfig::default());
    let tolerance = (0.025 * f64::from(SR)) as usize;
    let mut pairs = Vec::new();
    let mut missed = 0;
    for (start, label) in truth {
        match hits.iter().find(|h| h.start_sample.abs_diff(start) <= tolerance) {
            Some(h) => pairs.push((label, h.class)),
            None => missed += 1,
        }
    }
    (pairs, missed)
}

fn expected(label: HitLabel) -> HitClass {
    match label {
        HitLabel::Kick => HitClass::Kick,
        HitLabel::Snare => HitClass::Snare,
        HitLabel::Hat => HitClass::Hat,
        HitLabel::Perc => HitClass::Perc,
    }
}

#[test]
fn classifier_accuracy_on_labelled_synthetic_hits() {
    let (pairs, missed) = classified(&HitLabel::ALL, 200, 0.6, 7);
    let correct = pairs.iter().filter(|(l, c)| expected(*l) == *c).count();
    let accuracy = correct as f32 / 200.0;
    let mut confusion = std::collections::BTreeMap::new();
    for (l, c) in &pairs {
        *confusion.entry((l.name(), c.name())).or_insert(0) += 1;
    }
    eprintln!("one-shot classifier: {correct}/200 correct ({:.1} %), {missed} missed; confusion {confusion:?}", 100.0 * accuracy);
    assert!(missed <= 4, "{missed} of 200 hits not sliced");
    assert!(accuracy >= 0.9, "accuracy {accuracy}: {confusion:?}");
}

#[test]
fn slices_start_before_the_attack_end_in_their_decay_and_are_faded() {
    let (signal, truth) = hit_sequence(&[HitLabel::Kick, HitLabel::Hat], 12, 1.2, SR, 3);
    let channels = vec![signal];
    let analysis = Analyzer::new(AnalysisConfig::default()).analyze_channels(&channels, SR);
    let config = OneShotConfig::default();
    let hits = slice_hits(&channels, &analysis, &config);
    assert_eq!(hits.len(), 12);
    let pre_roll = (config.pre_roll_ms / 1000.0 * SR as f32) as usize;
    for (hit, (start, _)) in hits.iter().zip(&truth) {
        assert!(hit.start_sample <= *start && start - hit.start_sample <= 2 * pre_roll + 128, "starts {} vs attack {start}", hit.start_sample);
        assert!(hit.natural_end, "a hit alone in 1.2 s ends in its own decay");
        assert!(hit.len_samples < (1.2 * SR as f32) as usize);
        let ch = &hit.channels[0];
        assert!(ch[0].abs() < 1e-3 && ch[ch.len() - 1].abs() < 1e-3, "faded ends");
    }
}

#[test]
fn a_repeated_loop_collapses_to_a_few_hits_per_class() {
    // One kick and one hat, the very same sounds played 16 times each.
    let one_kick = fixtures::hits::hit(HitLabel::Kick, 1, SR);
    let one_hat = fixtures::hits::hit(HitLabel::Hat, 2, SR);
    let gap = SR as usize / 2;
    let mut signal = vec![0.0f32; gap * 33];
    for n in 0..32 {
        let src = if n % 2 == 0 { &one_kick } else { &one_hat };
        for (o, x) in signal[gap / 2 + n * gap..].iter_mut().zip(&src[..gap]) {
            *o += 0.7 * x;
        }
    }
    let channels = vec![signal];
    let analysis = Analyzer::new(AnalysisConfig::default()).analyze_channels(&channels, SR);
    let config = OneShotConfig::default();
    assert!(slice_hits(&channels, &analysis, &config).len() >= 30);
    let kept = find_oneshots(&channels, &analysis, &config);
    let classes: Vec<HitClass> = kept.iter().map(|h| h.class).collect();
    assert_eq!(classes, [HitClass::Kick, HitClass::Hat], "identical hits collapse to one per class");
}

#[test]
fn steady_tones_and_silence_give_no_one_shots() {
    let tone = vec![fixtures::sine(220.0, 0.5, SR as usize * 3, SR)];
    let silence = vec![fixtures::silence(SR as usize * 3)];
    for channels in [tone, silence] {
        let analysis = Analyzer::new(AnalysisConfig::default()).analyze_channels(&channels, SR);
        assert!(find_oneshots(&channels, &analysis, &OneShotConfig::default()).is_empty());
    }
}

#[test]
fn real_drum_recordings_give_one_shots_in_more_than_one_class() {
    // The corpus' drums are orchestral battle music: bass drum and timpani over a full orchestra.
    // They give kicks and tonal percussion; snares and hats do not stand out of the mix (see the
    // exporter README), so two classes is what this material can show.
    let Some(corpus) = fixtures::real_corpus::real_corpus(&fixtures::real_corpus::DRUM_FILES) else { return };
    let mut classes = BTreeSet::new();
    let mut total = 0;
    for file in fixtures::real_corpus::DRUM_FILES {
        let source = engine::source::load(&corpus.join(file), &engine::source::LoadOptions::default()).expect("decodes");
        let analysis = Analyzer::new(AnalysisConfig::default()).analyze_channels(&source.channels, source.sample_rate_hz);
        let shots = find_oneshots(&source.channels, &analysis, &OneShotConfig::default());
        let names: Vec<_> = shots.iter().map(|s| s.class.name()).collect();
        eprintln!("{file}: {} hits sliced, kept {names:?}", slice_hits(&source.channels, &analysis, &OneShotConfig::default()).len());
        total += shots.len();
        classes.extend(shots.iter().map(|s| s.class));
    }
    eprintln!("real drums: {total} one-shots in classes {classes:?}");
    assert!(classes.len() >= 2 && total >= 6, "{total} one-shots, classes found: {classes:?}");
}
