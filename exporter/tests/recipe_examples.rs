//! The example recipes under `fixtures/recipes/` render through the real `afterglow recipe render`:
//! one WAV each, with the recipe's length, channels and bit depth, not silent, no sample pinned at
//! full scale, and a normalised recipe at its peak.

use std::path::{Path, PathBuf};
use std::process::Command;

use engine::recipe::Recipe;

fn example_recipes() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/recipes");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures/recipes exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    out.sort();
    out
}

/// Samples of a WAV as floats in -1..1, interleaved, and its spec.
fn read_wav(path: &Path) -> (hound::WavSpec, Vec<f32>) {
    let mut reader = hound::WavReader::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let spec = reader.spec();
    let scale = 1.0 / (1u32 << (spec.bits_per_sample - 1)) as f32;
    let samples = reader.samples::<i32>().map(|s| s.expect("sample") as f32 * scale).collect();
    (spec, samples)
}

#[test]
fn example_recipes_render_through_the_exporter() {
    let recipes = example_recipes();
    assert!(recipes.len() >= 3, "expected the example recipes: {recipes:?}");
    let out = tempfile::tempdir().expect("temp dir");
    let mut args = vec![String::from("recipe"), String::from("render")];
    args.extend(recipes.iter().map(|p| p.display().to_string()));
    args.extend([String::from("--out"), out.path().display().to_string()]);
    let run = Command::new(env!("CARGO_BIN_EXE_afterglow")).args(&args).output().expect("binary runs");
    assert!(run.status.success(), "stderr: {}", String::from_utf8_lossy(&run.stderr));

    for path in &recipes {
        let text = std::fs::read_to_string(path).expect("read recipe");
        let recipe: Recipe = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let stem = path.file_stem().and_then(|s| s.to_str()).expect("stem");
        let (spec, samples) = read_wav(&out.path().join(format!("{stem}.wav")));
        let channels = usize::from(recipe.output.channels);
        assert_eq!(spec.channels, recipe.output.channels, "{stem}");
        assert_eq!(spec.bits_per_sample, recipe.output.bits, "{stem}");
        assert_eq!(spec.sample_rate, 44_100, "{stem}");
        let frames = samples.len() / channels;
        assert_eq!(frames, (recipe.duration_sec * 44_100.0).round() as usize, "{stem}: length");
        let peak = samples.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        let rms = (samples.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>() / samples.len() as f64).sqrt();
        let peak_dbfs = 20.0 * peak.log10();
        eprintln!("{stem}: {frames} frames, peak {peak_dbfs:.2} dBFS, rms {:.2} dBFS", 20.0 * rms.log10());
        assert!(rms > 1e-3, "{stem}: silent (rms {rms})");
        assert!(peak < 0.999, "{stem}: clipped (peak {peak})");
        // Every half second has sound (the edge fades excepted).
        let half = 22_050 * channels;
        for (i, chunk) in samples.chunks(half).enumerate().skip(1).take(frames / 22_050 - 2) {
            let level = chunk.iter().fold(0.0f32, |m, x| m.max(x.abs()));
            assert!(level > 1e-3, "{stem}: silent half-second {i}");
        }
        if let Some(target) = recipe.output.normalize_peak_dbfs {
            assert!((peak_dbfs - target).abs() < 0.1, "{stem}: peak {peak_dbfs:.2} dBFS, recipe asks {target}");
        }
    }
}

/// Renders `recipe` (TOML text) through `afterglow recipe render` into `dir`; returns the WAV's bytes.
fn render_text(recipe: &str, dir: &Path, stem: &str) -> Vec<u8> {
    let path = dir.join(format!("{stem}.toml"));
    std::fs::write(&path, recipe).expect("write recipe");
    let run = Command::new(env!("CARGO_BIN_EXE_afterglow"))
        .args(["recipe", "render"])
        .arg(&path)
        .arg("--out")
        .arg(dir)
        .output()
        .expect("binary runs");
    assert!(run.status.success(), "stderr: {}", String::from_utf8_lossy(&run.stderr));
    std::fs::read(dir.join(format!("{stem}.wav"))).expect("read the render")
}

#[test]
fn a_synced_recipe_renders_the_same_twice_at_the_tempo_it_records() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/recipes/synced-pulse.toml");
    let text = std::fs::read_to_string(&path).expect("read the synced example");
    assert!(text.contains("tempo_bpm = 96.0") && text.contains("sync = true"));
    let out = tempfile::tempdir().expect("temp dir");
    let first = render_text(&text, out.path(), "first");
    let second = render_text(&text, out.path(), "second");
    assert!(first == second, "two renders of one synced recipe differ");
    // The tempo is the recipe's: at 120 BPM the grains fall elsewhere.
    let at_120 = render_text(&text.replace("tempo_bpm = 96.0", "tempo_bpm = 120.0"), out.path(), "at_120");
    assert!(first != at_120, "the recipe's tempo changed nothing");
    // A tempo out of range is an error naming the recipe and the key.
    let bad = out.path().join("bad.toml");
    std::fs::write(&bad, text.replace("tempo_bpm = 96.0", "tempo_bpm = 0.0")).expect("write");
    let run = Command::new(env!("CARGO_BIN_EXE_afterglow")).args(["recipe", "render"]).arg(&bad).arg("--out").arg(out.path()).output().expect("runs");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success() && stderr.contains("bad.toml") && stderr.contains("tempo_bpm"), "{stderr}");
}
