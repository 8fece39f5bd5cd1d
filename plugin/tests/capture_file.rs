//! Capture to file: the current sound's recipe rendered to a WAV on the capture thread holds the
//! recipe's render sample for sample, and is the exporter's render of the same recipe file
//! (`afterglow recipe render`) before the exporter's 24-bit quantisation: one renderer, two
//! front ends. Both the built-in texture and a pad mined from a file (decoded again, its hash
//! checked) are covered; errors name the file.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use afterglow_plugin::capture::job::CaptureJob;
use afterglow_plugin::capture::wav::capture_to_wav;
use afterglow_plugin::capture::{capture_recipe, write_recipe};
use afterglow_plugin::mining::{MinedSource, MiningSnapshot, MiningStatus, PadInfo, make_pad, publish_builtin};
use afterglow_plugin::params::AfterglowParams;
use engine::analysis::{AnalysisConfig, analyze};
use engine::mining::{PadMinerConfig, find_pads};
use engine::recipe::{Recipe, render_recipe};
use engine::separate::SeparationConfig;
use engine::source::{LoadOptions, load};
use nice_plug::prelude::Param;

/// The catalogue with only the built-in texture, as a fresh instance has it.
fn builtin_catalogue() -> Vec<Option<PadInfo>> {
    let status = MiningStatus::new();
    publish_builtin(&status, &engine::texture::builtin_pad(44_100.0));
    let mut snapshot = MiningSnapshot::default();
    assert!(status.try_copy_into(&mut snapshot));
    snapshot.pads
}

/// Parameters away from the defaults, set as a host sets them.
fn sounding_params() -> AfterglowParams {
    let params = AfterglowParams::default();
    for (param, plain) in [(&params.density_hz, 60.0), (&params.grain_size_ms, 180.0), (&params.pitch_spray_semitones, 3.0)] {
        // SAFETY: the pointer comes from `params`, alive here.
        unsafe { param.as_ptr()._internal_set_normalized_value(param.preview_normalized(plain)) };
    }
    params
}

/// A WAV's samples, planar, and its spec.
fn read_wav(path: &Path) -> (hound::WavSpec, Vec<Vec<f32>>) {
    let mut reader = hound::WavReader::open(path).expect("open wav");
    let spec = reader.spec();
    let channels = usize::from(spec.channels);
    let interleaved: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Float => reader.samples::<f32>().map(|s| s.expect("sample")).collect(),
        hound::SampleFormat::Int => reader.samples::<i32>().map(|s| s.expect("sample") as f32).collect(),
    };
    let planar = (0..channels).map(|c| interleaved.iter().skip(c).step_by(channels).copied().collect()).collect();
    (spec, planar)
}

/// The captured WAV of `recipe` against the recipe's render and the exporter's file.
fn check_capture_against_renders(recipe: &Recipe, source_path: Option<&Path>) {
    let folder = tempfile::tempdir().expect("temp dir");
    let wav = capture_to_wav(recipe, folder.path(), "evening take", None).expect("capture to wav");
    assert_eq!(wav, folder.path().join("evening-take.wav"));
    let (spec, captured) = read_wav(&wav);
    assert_eq!((spec.channels, spec.sample_rate, spec.bits_per_sample, spec.sample_format), (2, 44_100, 32, hound::SampleFormat::Float));
    let frames = (recipe.duration_sec * 44_100.0).round() as usize;
    assert_eq!(captured[0].len(), frames);

    // The recipe's render, bit for bit.
    let source = source_path.map(|p| load(p, &LoadOptions::default()).expect("decode"));
    let rendered = render_recipe(recipe, source.as_ref()).expect("render");
    for (c, (a, b)) in captured.iter().zip(&rendered).enumerate() {
        let first = a.iter().zip(b).position(|(x, y)| x.to_bits() != y.to_bits());
        assert_eq!(first, None, "channel {c} differs from the recipe's render");
    }
    let peak = captured.iter().flatten().fold(0.0f32, |m, x| m.max(x.abs()));
    assert!(peak > 0.01, "the capture is silent (peak {peak})");

    // The exporter's render of the same recipe file: its 24-bit samples are the capture's,
    // quantised as the exporter quantises (round(x * (2^23 - 1)), no dither at 24 bits).
    let recipe_file = write_recipe(recipe, folder.path(), "evening take").expect("recipe file");
    let out = folder.path().join("exported");
    let exported = afterglow_exporter::recipe::render_recipe_file(&recipe_file, &out).expect("exporter renders the recipe");
    let (spec, exported) = read_wav(&exported);
    assert_eq!((spec.channels, spec.sample_rate, spec.bits_per_sample), (2, 44_100, 24));
    let scale = f64::from((1u32 << 23) - 1);
    for (c, (ours, theirs)) in captured.iter().zip(&exported).enumerate() {
        assert_eq!(ours.len(), theirs.len());
        let first = ours.iter().zip(theirs).position(|(x, y)| (f64::from(x.clamp(-1.0, 1.0)) * scale).round() as f32 != *y);
        assert_eq!(first, None, "channel {c}: the exporter's sample differs from the capture's");
    }
}

#[test]
fn a_captured_wav_of_the_built_in_texture_is_the_recipes_render_and_the_exporters() {
    let params = sounding_params();
    let mut held = [0.0; 128];
    held[60] = 0.9;
    held[67] = 0.6;
    let capture = capture_recipe(&params, &builtin_catalogue(), &held, 3.0).expect("capture");
    check_capture_against_renders(&capture.recipe, None);
}

/// The first pad the miner cuts from `wav` (as the plugin's mining thread cuts it).
fn mined_pad(wav: &Path) -> PadInfo {
    let source = load(wav, &LoadOptions::default()).expect("decode");
    let analysis = analyze(&source.mono(), source.sample_rate_hz, &AnalysisConfig::default());
    let config = PadMinerConfig::default();
    let regions = find_pads(&analysis, &config);
    let separation = SeparationConfig::default();
    let from = MinedSource { source: &source, layers: None, separation: &separation };
    make_pad(from, regions.first().expect("a region"), 0, &config.loop_config()).expect("pad").info
}

fn write_chord_wav(path: &Path) {
    let mono = fixtures::chord_pad(&[57.0, 60.0, 64.0], 0.4, 12 * 44_100, 44_100, 5);
    fixtures::wav::write_wav(path, &[&mono], 44_100, fixtures::wav::WavFormat::PCM16);
}

#[test]
fn a_captured_wav_of_a_mined_pad_is_the_recipes_render_and_the_exporters() {
    let archive = tempfile::tempdir().expect("temp dir");
    let wav = archive.path().join("take.wav");
    write_chord_wav(&wav);
    let params = sounding_params();
    // SAFETY: the pointer comes from `params`, alive here.
    unsafe { params.hold.as_ptr()._internal_set_normalized_value(1.0) };
    let catalogue = vec![Some(mined_pad(&wav))];
    let capture = capture_recipe(&params, &catalogue, &[0.0; 128], 2.0).expect("capture");
    assert_eq!(capture.recipe.source.path, wav.display().to_string());
    check_capture_against_renders(&capture.recipe, Some(&wav));
}

/// The capture thread answers with the file while the caller goes on (the editor polls it each
/// frame); a source changed since the capture is refused with an error naming the file.
#[test]
fn the_capture_thread_writes_the_file_and_a_changed_source_is_named() {
    let archive = tempfile::tempdir().expect("temp dir");
    let wav = archive.path().join("take.wav");
    write_chord_wav(&wav);
    let catalogue = vec![Some(mined_pad(&wav))];
    let params = sounding_params();
    let capture = capture_recipe(&params, &catalogue, &[0.0; 128], 1.0).expect("capture");
    let out = tempfile::tempdir().expect("temp dir");

    let answer = |recipe: Recipe, folder: PathBuf| {
        let mut job = CaptureJob::spawn(recipe, folder, String::from("take")).expect("spawn");
        let started = Instant::now();
        loop {
            if let Some(answer) = job.poll() {
                return answer;
            }
            assert!(started.elapsed() < Duration::from_secs(60), "no answer");
            std::thread::sleep(Duration::from_millis(5));
        }
    };
    let written = answer(capture.recipe.clone(), out.path().to_path_buf()).expect("written");
    assert_eq!(written, out.path().join("take.wav"));
    let again = answer(capture.recipe.clone(), out.path().to_path_buf()).expect("written");
    assert_eq!(again, out.path().join("take 2.wav"), "an existing capture is never replaced");
    let leftovers: Vec<_> = std::fs::read_dir(out.path()).expect("list").map(|e| e.expect("entry").file_name()).filter(|n| n.to_string_lossy().starts_with('.')).collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    // The take is recorded over: the capture refuses to render other material under its name.
    let mono = fixtures::chord_pad(&[50.0, 53.0, 57.0], 0.4, 12 * 44_100, 44_100, 9);
    fixtures::wav::write_wav(&wav, &[&mono], 44_100, fixtures::wav::WavFormat::PCM16);
    let error = answer(capture.recipe.clone(), out.path().to_path_buf()).expect_err("changed source");
    assert!(error.contains(&wav.display().to_string()) && error.contains("changed since the recipe was made"), "{error}");
    std::fs::remove_file(&wav).expect("delete the take");
    let error = answer(capture.recipe, out.path().to_path_buf()).expect_err("missing source");
    assert!(error.contains(&wav.display().to_string()), "{error}");
}
