//! Pad and hiss mining on analysed material: the onset gate really rejects busy drums, sustained
//! pads give pads of the target lengths away from chord changes, the overlap limit holds, the
//! level/DC/clip/tonality gates fire, and the configs parse with the original's key names and
//! name the bad key, value and range.

use engine::analysis::{analyze, Analysis, AnalysisConfig};
use engine::mining::{
    count_distinct, find_noisy_regions, find_pads, make_loop, why_no_pads, HissMinerConfig, Material, PadMinerConfig, Region,
};
use fixtures::music::{drum_groove, GrooveSpec, GrooveStyle};

const SR: u32 = 44_100;

fn analysed(x: &[f32]) -> Analysis {
    analyze(x, SR, &AnalysisConfig::default())
}

fn secs(r: &Region) -> (f32, f32) {
    (r.start_sample as f32 / SR as f32, r.len_samples as f32 / SR as f32)
}

fn assert_overlap_at_most(regions: &[Region], ratio: f32) {
    for (i, a) in regions.iter().enumerate() {
        for b in &regions[i + 1..] {
            assert!(a.overlap_ratio(b) <= ratio + 1e-6, "{:?} and {:?} overlap {}", secs(a), secs(b), a.overlap_ratio(b));
        }
    }
}

fn drum_material() -> Vec<(String, Vec<f32>)> {
    let mut out = Vec::new();
    for bpm in [70.0, 96.0, 140.0] {
        out.push((format!("drum_loop {bpm}"), fixtures::drum_loop(bpm, 0.8, 10 * SR as usize, SR, bpm as u64)));
    }
    for style in GrooveStyle::ALL {
        for (i, bpm) in [70.0, 100.0, 140.0, 180.0].into_iter().enumerate() {
            let spec = GrooveSpec { style, bpm, num_bars: 5, swing: 0.12, with_bass: i % 2 == 0, seed: i as u64 };
            out.push((format!("{style:?} {bpm}"), drum_groove(&spec, 0.8, SR)));
        }
    }
    out
}

// Chords (MIDI notes) of the progressions below: D minor, B-flat, F, C and E major voicings.
const DM: &[f64] = &[50.0, 57.0, 62.0, 65.0, 69.0];
const BB: &[f64] = &[46.0, 58.0, 62.0, 65.0, 70.0];
const F: &[f64] = &[41.0, 57.0, 60.0, 65.0, 69.0];
const C: &[f64] = &[48.0, 55.0, 60.0, 64.0, 67.0];
const E: &[f64] = &[40.0, 56.0, 59.0, 64.0, 71.0];

#[test]
fn busy_drums_give_no_pads_and_the_onset_gate_fires() {
    let relaxed = PadMinerConfig {
        max_onset_rate_per_sec: 50.0,
        max_candidates_per_file: 1000,
        max_overlap_ratio: 1.0,
        ..PadMinerConfig::default()
    };
    let drums = drum_material();
    let mut decided_by_onsets = 0;
    for (name, x) in &drums {
        let a = analysed(x);
        let pads = find_pads(&a, &PadMinerConfig::default());
        assert!(pads.is_empty(), "{name}: {:?}", pads.iter().map(secs).collect::<Vec<_>>());
        let why = why_no_pads(&a, &PadMinerConfig::default());
        assert!(why.contains("too busy"), "{name}: {why}");
        // Without the onset gate the same material would pass the other gates: the onset gate is
        // what rejects it (the original's never fired).
        let ungated = find_pads(&a, &relaxed);
        decided_by_onsets += usize::from(!ungated.is_empty());
        let min_rate = ungated.iter().map(|r| r.onset_rate_per_sec).fold(f32::INFINITY, f32::min);
        println!("{name}: {} windows pass every other gate, least busy {min_rate:.2} onsets/s", ungated.len());
        assert!(min_rate > 2.0 * PadMinerConfig::default().max_onset_rate_per_sec, "{name}: {min_rate}");
    }
    assert!(decided_by_onsets * 4 >= drums.len() * 3, "{decided_by_onsets} of {}", drums.len());
}

#[test]
fn sustained_pad_gives_pads_of_the_target_lengths() {
    let n = 12 * SR as usize;
    let x = fixtures::chord_pad(&[48.0, 55.0, 60.0, 64.0, 67.0], 0.5, n, SR, 1);
    // Every window of one steady chord is one material: one pad per material keeps one of them,
    // so this looks at the windows with that rule off.
    let config = PadMinerConfig { max_candidates_per_file: 3, one_per_material: false, ..PadMinerConfig::default() };
    let pads = find_pads(&analysed(&x), &config);
    println!("pads: {:?}", pads.iter().map(|r| (secs(r), r.score)).collect::<Vec<_>>());
    assert_eq!(pads.len(), config.max_candidates_per_file);
    let targets: Vec<usize> = config.target_durations_sec.iter().map(|d| (d * SR as f32).round() as usize).collect();
    for r in &pads {
        assert!(targets.contains(&r.len_samples), "{:?}", secs(r));
        assert!(r.end_sample() + config.loop_config().tail_samples(SR) <= n, "room for the loop's cross-fade");
        assert!(r.onset_rate_per_sec <= config.max_onset_rate_per_sec && r.score > 0.0 && r.score <= 1.0);
    }
    assert!(targets.iter().all(|t| pads.iter().any(|r| r.len_samples == *t)), "several durations");
    assert!(pads.windows(2).all(|w| w[0].score >= w[1].score), "best first");
    assert_overlap_at_most(&pads, config.max_overlap_ratio);
}

#[test]
fn a_steady_chord_gives_one_pad_and_each_chord_of_a_progression_its_own() {
    let steady = fixtures::chord_pad(&[48.0, 55.0, 60.0, 64.0, 67.0], 0.5, 20 * SR as usize, SR, 1);
    let config = PadMinerConfig::default();
    let pads = find_pads(&analysed(&steady), &config);
    assert_eq!(pads.len(), 1, "one material, one pad: {:?}", pads.iter().map(secs).collect::<Vec<_>>());
    // Four chords of 5 s, none sharing more than two notes with the next.
    let chord_sec = 5.0;
    let x = fixtures::archive::progression(&[DM, BB, F, C], chord_sec, 0.6, SR, 10);
    let a = analysed(&x);
    let pads = find_pads(&a, &config);
    let chords: Vec<usize> = pads.iter().map(|r| (r.start_sample as f64 / SR as f64 / chord_sec) as usize).collect();
    println!("progression pads: {:?} in chords {chords:?}", pads.iter().map(secs).collect::<Vec<_>>());
    let mut distinct_chords = chords.clone();
    distinct_chords.sort_unstable();
    distinct_chords.dedup();
    assert_eq!(distinct_chords.len(), chords.len(), "two pads from one chord");
    // D minor and F major share three of their five notes here: they may read as one material.
    assert!(pads.len() >= 3, "{chords:?}");
    let materials: Vec<Material> = pads.iter().map(|r| Material::of(&a, r.start_sample, r.len_samples)).collect();
    assert_eq!(count_distinct(&materials), pads.len(), "every pad is its own material");
}

#[test]
fn the_per_minute_ceiling_bounds_a_source_and_a_short_one_still_gives_a_pad() {
    let config = PadMinerConfig { max_pads_per_minute: 6.0, ..PadMinerConfig::default() };
    assert_eq!(config.pads_allowed(30.0), 3);
    assert_eq!(config.pads_allowed(5.0), 1, "at least one");
    assert_eq!(config.pads_allowed(3600.0), config.max_candidates_per_file, "the per-file ceiling still holds");
    assert_eq!(PadMinerConfig { max_pads_per_minute: 0.0, ..config.clone() }.pads_allowed(30.0), config.max_candidates_per_file);
    // Many materials in a short source: the ceiling cuts them to 1 per 10 s.
    let x = fixtures::archive::progression(&[DM, E, C, E, DM, C], 3.0, 0.6, SR, 11);
    let a = analysed(&x);
    let uncapped = find_pads(&a, &PadMinerConfig { max_pads_per_minute: 0.0, ..config.clone() });
    let capped = find_pads(&a, &config);
    println!("{} pads uncapped, {} under 6 per minute", uncapped.len(), capped.len());
    assert!(uncapped.len() > 2);
    assert_eq!(capped.len(), config.pads_allowed(a.duration_sec()));
    assert!(capped.iter().all(|r| uncapped.contains(r)), "the ceiling keeps the first picks");
}

#[test]
fn overlap_limit_and_count_hold_for_any_setting() {
    let x = fixtures::chord_pad(&[45.0, 52.0, 57.0, 60.0, 64.0], 0.5, 20 * SR as usize, SR, 2);
    let a = analysed(&x);
    for ratio in [0.0, 0.25, 0.5, 0.9] {
        for count in [1, 4, 30] {
            let config = PadMinerConfig {
                max_overlap_ratio: ratio,
                max_candidates_per_file: count,
                target_durations_sec: vec![1.5, 3.0, 6.0],
                ..PadMinerConfig::default()
            };
            let pads = find_pads(&a, &config);
            assert!(!pads.is_empty() && pads.len() <= count, "{ratio} {count}: {}", pads.len());
            assert_overlap_at_most(&pads, ratio);
        }
    }
}

#[test]
fn pads_stay_inside_one_chord_of_a_progression() {
    let chord_sec = 5.0;
    let x = fixtures::archive::progression(&[DM, BB, F, C], chord_sec, 0.6, SR, 10);
    let config = PadMinerConfig { target_durations_sec: vec![2.0], max_candidates_per_file: 4, ..PadMinerConfig::default() };
    let pads = find_pads(&analysed(&x), &config);
    println!("progression pads: {:?}", pads.iter().map(|r| (secs(r), r.score)).collect::<Vec<_>>());
    assert_eq!(pads.len(), 4);
    let loop_config = config.loop_config();
    // Chord k enters at k * 5 s (fading in over the previous chord's 0.8 s release).
    let crosses_change = |start_sample: usize, end_sample: usize| {
        let (start, end) = (start_sample as f32 / SR as f32, end_sample as f32 / SR as f32);
        (1..4).any(|k| {
            let change = k as f32 * chord_sec as f32;
            start < change + 0.1 && end > change + 0.01
        })
    };
    for r in &pads {
        assert!(!crosses_change(r.start_sample, r.end_sample()), "pad {:?} straddles a chord change", secs(r));
        // The loop made from it, with the material it fades into its head, stays inside too.
        let lp = make_loop(std::slice::from_ref(&x), r, &loop_config, SR).unwrap();
        let fade_samples = (loop_config.crossfade_ms * SR as f32 / 1000.0) as usize;
        let used_end = lp.source_start_sample + lp.len_samples + fade_samples;
        println!("pad {:?}: loop uses {:.2}..{:.2} s", secs(r), lp.source_start_sample as f32 / SR as f32, used_end as f32 / SR as f32);
        assert!(!crosses_change(lp.source_start_sample, used_end), "loop from {:?} straddles a chord change", secs(r));
    }
}

#[test]
fn level_dc_clip_and_tonality_gates_fire() {
    let n = 8 * SR as usize;
    let pad = fixtures::chord_pad(&[50.0, 57.0, 62.0, 65.0], 0.5, n, SR, 3);
    let config = PadMinerConfig::default();
    assert!(!find_pads(&analysed(&pad), &config).is_empty());
    let quiet: Vec<f32> = pad.iter().map(|v| v * 0.002).collect();
    let dc: Vec<f32> = pad.iter().map(|v| v * 0.5 + 0.2).collect();
    let clipped: Vec<f32> = pad.iter().map(|v| (v * 4.0).clamp(-1.0, 1.0)).collect();
    let noise = fixtures::white_noise(0.3, n, 4);
    let silence = fixtures::silence(n);
    let cases = [
        ("quiet", quiet, "too quiet"),
        ("dc", dc, "DC offset"),
        ("clipped", clipped, "clipped"),
        ("noise", noise, "noise rather than tone"),
        ("silence", silence, "too quiet"),
    ];
    for (name, x, reason) in cases {
        let a = analysed(&x);
        let pads = find_pads(&a, &config);
        assert!(pads.is_empty(), "{name}: {:?}", pads.iter().map(secs).collect::<Vec<_>>());
        // The explanation leads with the gate that turned the windows away.
        let why = why_no_pads(&a, &config);
        println!("{name}: {why}");
        let first = why.split(", ").nth(1).unwrap_or_default();
        assert!(first.contains(reason), "{name}: {why}");
    }
}

#[test]
fn short_source_gives_one_pad_as_long_as_it_allows() {
    let x = fixtures::chord_pad(&[53.0, 60.0, 65.0], 0.5, SR as usize * 3 / 2, SR, 5);
    let config = PadMinerConfig::default();
    let pads = find_pads(&analysed(&x), &config);
    assert_eq!(pads.len(), 1, "{pads:?}");
    let (_, len_sec) = secs(&pads[0]);
    assert!(len_sec >= config.min_duration_sec && len_sec < 1.5, "{len_sec}");
    let too_short = fixtures::chord_pad(&[53.0, 60.0, 65.0], 0.5, SR as usize / 2, SR, 5);
    assert!(find_pads(&analysed(&too_short), &config).is_empty());
    let why = why_no_pads(&analysed(&too_short), &config);
    assert!(why.contains("shorter than the shortest pad"), "{why}");
}

#[test]
fn noisy_regions_come_from_noise_and_drums_not_from_pads() {
    let n = 6 * SR as usize;
    let config = HissMinerConfig::default();
    let room = fixtures::white_noise(0.05, n, 7);
    let regions = find_noisy_regions(&analysed(&room), &config);
    assert_eq!(regions.len(), config.max_candidates_per_file);
    assert_overlap_at_most(&regions, config.max_overlap_ratio);
    assert!(regions.iter().all(|r| r.flatness > 0.3 && r.len_samples == 2 * SR as usize));
    let mut drums_with_hiss = 0;
    let drums = drum_material();
    for (_, x) in &drums {
        drums_with_hiss += usize::from(!find_noisy_regions(&analysed(x), &config).is_empty());
    }
    println!("drum sources with noisy regions: {drums_with_hiss} of {}", drums.len());
    assert!(drums_with_hiss * 10 >= drums.len() * 9);
    let pad = fixtures::chord_pad(&[48.0, 55.0, 64.0], 0.5, n, SR, 8);
    assert!(find_noisy_regions(&analysed(&pad), &config).is_empty());
    assert!(find_noisy_regions(&analysed(&fixtures::silence(n)), &config).is_empty());
}

#[test]
fn configs_parse_the_original_key_names_and_validate() {
    let config: PadMinerConfig = toml::from_str(
        "min_rms_db = -45.0\nmax_onset_rate_per_second = 0.5\ncrossfade_ms = 80\ntarget_durations_sec = [1.5, 3.0]",
    )
    .unwrap();
    assert_eq!(config.max_onset_rate_per_sec, 0.5);
    assert_eq!(config.loop_crossfade_ms, 80.0);
    assert_eq!(config.loop_config().crossfade_ms, 80.0);
    assert_eq!(config.max_overlap_ratio, 0.5);
    config.validate().unwrap();
    PadMinerConfig::default().validate().unwrap();
    HissMinerConfig::default().validate().unwrap();
    let unknown = toml::from_str::<PadMinerConfig>("max_onset_rate = 3.0").unwrap_err().to_string();
    assert!(unknown.contains("max_onset_rate"), "{unknown}");
    assert!(toml::from_str::<HissMinerConfig>("min_flatness = 0.3\nbogus = 1").is_err());

    let cases: [(PadMinerConfig, &str, &str); 4] = [
        (PadMinerConfig { max_rms_db: -50.0, ..Default::default() }, "pad_miner.max_rms_db", "-50"),
        (PadMinerConfig { target_durations_sec: vec![2.0, 30.0], ..Default::default() }, "pad_miner.target_durations_sec", "30"),
        (PadMinerConfig { window_hop_sec: 0.0, ..Default::default() }, "pad_miner.window_hop_sec", "0"),
        (PadMinerConfig { loop_crossfade_ms: f32::NAN, ..Default::default() }, "pad_miner.loop_crossfade_ms", "NaN"),
    ];
    for (config, key, value) in cases {
        let err = config.validate().unwrap_err();
        let engine::Error::InvalidSetting { key: k, value: v, expected } = &err else { panic!("{err}") };
        assert_eq!((k.as_str(), v.as_str()), (key, value), "{err}");
        assert!(expected.starts_with("expected"), "{err}");
        assert!(find_pads(&analysed(&fixtures::silence(SR as usize * 4)), &config).is_empty());
    }
    let err = HissMinerConfig { min_flatness: 1.5, ..Default::default() }.validate().unwrap_err();
    assert_eq!(err.to_string(), "invalid setting `hiss_miner.min_flatness` = 1.5: expected a number from 0 to 1");
}
