//! Every sampler profile renders a real pack within its device's limits: rate, depth, channels,
//! names, folders, budgets, loops that stay seamless after rate conversion, `smpl` loops on the
//! converted length, and the Octatrack's `.ot` attribute files.
//!
//! One pack per profile from real recordings (an ambient excerpt and a battle drum track, so every
//! kind is there); the limits are read from the profile table itself, so a profile added to the
//! table is checked here too.

use afterglow_exporter::profiles::{Channels, Layout, SamplerProfile, SideFiles, PROFILES};
use afterglow_exporter::wav_out::smpl::read_smpl;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn manifest(pack: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(pack.join("manifest.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader.records().map(|r| headers.iter().zip(r.unwrap().iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect()).collect()
}

fn root_of(profile: &SamplerProfile) -> &'static str {
    match profile.layout {
        Layout::PerSource => "",
        Layout::KindFolders { root } | Layout::KitGroups { root, .. } => root,
    }
}

fn check_profile(profile: &SamplerProfile, inputs: &[&Path]) {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["render".to_string()];
    args.extend(inputs.iter().map(|p| p.display().to_string()));
    args.extend(["--out", "pack", "--profile", profile.name, "--only", "pads,drones,swells,clouds,hiss,oneshots"].map(String::from));
    let o = Command::new(env!("CARGO_BIN_EXE_afterglow")).args(&args).current_dir(dir.path()).output().unwrap();
    assert!(o.status.success(), "{}: {}", profile.name, String::from_utf8_lossy(&o.stderr));
    let pack = dir.path().join("pack");
    let rows = manifest(&pack);
    let kept: Vec<_> = rows.iter().filter(|r| r["saved"] == "true").collect();
    assert!(!kept.is_empty(), "{}: nothing kept", profile.name);
    let rate = profile.rate_hz(44_100);
    let bits = profile.bits(24);
    let mut mono_seconds = 0.0;
    let mut seams = Vec::new();
    for r in &kept {
        let path = pack.join(&r["filename"]);
        let reader = hound::WavReader::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let spec = reader.spec();
        let frames = reader.duration();
        let what = format!("{}: {}", profile.name, r["filename"]);
        assert_eq!((spec.sample_rate, spec.bits_per_sample), (rate, bits), "{what}");
        if profile.channels == Channels::Mono {
            assert_eq!(spec.channels, 1, "{what}");
        }
        assert_eq!(r["channels"], spec.channels.to_string(), "{what}: manifest channels");
        assert_eq!(r["sample_rate_hz"], rate.to_string(), "{what}: manifest rate");
        let stem = path.file_stem().unwrap().to_str().unwrap();
        assert!(stem.len() <= profile.name_max_chars, "{what}: name longer than {}", profile.name_max_chars);
        assert!(stem.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'), "{what}: name");
        assert!(r["filename"].starts_with(&format!("{}/", root_of(profile))), "{what}: outside {}", root_of(profile));
        mono_seconds += r["duration_sec"].parse::<f64>().unwrap() * f64::from(spec.channels);
        if let Some(budget) = profile.budget.and_then(|b| b.max_file_seconds) {
            assert!(r["duration_sec"].parse::<f64>().unwrap() <= budget, "{what}: too long");
        }
        let loop_frames = read_smpl(&std::fs::read(&path).unwrap()).and_then(|s| s.loop_frames);
        let looped = loop_frames.is_some();
        if ["pad", "drone"].contains(&r["type"].as_str()) {
            assert_eq!(loop_frames, Some((0, frames - 1)), "{what}: loop over the converted file");
        }
        if r["type"] == "pad" {
            let channels = read_channels(&path);
            seams.push(engine::curate::seam::seam_metrics(&channels).wrap_step);
        }
        if profile.side_files == SideFiles::OctatrackAttributes {
            let ot = std::fs::read(path.with_extension("ot")).unwrap_or_else(|e| panic!("{what}: no .ot: {e}"));
            assert_eq!(ot.len(), 832, "{what}");
            let be32 = |at: usize| u32::from_be_bytes(ot[at..at + 4].try_into().unwrap());
            assert_eq!(be32(0x32), frames, "{what}: .ot trim end");
            assert_eq!(be32(0x27), u32::from(looped), "{what}: .ot loop mode");
        }
    }
    if let Some(budget) = profile.budget {
        assert!(kept.len() <= budget.max_files.unwrap_or(usize::MAX), "{}: {} files", profile.name, kept.len());
        assert!(mono_seconds <= budget.max_mono_seconds.unwrap_or(f64::INFINITY) + 1e-6, "{}: {mono_seconds} s", profile.name);
    }
    // Nothing is left over from files cut by the budget.
    let on_disk = walk(&pack).into_iter().filter(|p| p.extension().is_some_and(|e| e == "wav" || e == "ot")).count();
    let expected = kept.len() * if profile.side_files == SideFiles::OctatrackAttributes { 2 } else { 1 };
    assert_eq!(on_disk, expected, "{}: files on disk", profile.name);
    let worst_seam = seams.iter().copied().fold(0.0_f32, f32::max);
    let kinds: std::collections::BTreeSet<_> = kept.iter().map(|r| r["type"].as_str()).collect();
    eprintln!(
        "{:<9} {} of {} files, {mono_seconds:.1} s mono, {rate} Hz {bits}-bit, kinds {kinds:?}, worst pad wrap step {worst_seam:.2}",
        profile.name,
        kept.len(),
        rows.len()
    );
    assert!(worst_seam <= 1.0, "{}: a pad's wrap step is {worst_seam} after conversion", profile.name);
}

fn read_channels(path: &Path) -> Vec<Vec<f32>> {
    let mut reader = hound::WavReader::open(path).unwrap();
    let spec = reader.spec();
    let n = usize::from(spec.channels);
    let scale = 1.0 / (1u32 << (spec.bits_per_sample - 1)) as f32;
    let samples: Vec<f32> = reader.samples::<i32>().map(|s| s.unwrap() as f32 * scale).collect();
    (0..n).map(|c| samples.iter().skip(c).step_by(n).copied().collect()).collect()
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { out.extend(walk(&path)) } else { out.push(path) }
    }
    out
}

#[test]
fn every_device_profile_renders_a_real_pack_within_its_limits() {
    let drums = fixtures::real_corpus::DRUM_FILES;
    let Some(corpus) = fixtures::real_corpus::real_corpus(&drums) else { return };
    let ambient = corpus.join("ambient-underground-030s.wav");
    let battle = corpus.join("drums").join(drums[0]);
    for profile in PROFILES.iter().filter(|p| !p.is_default()) {
        check_profile(profile, &[&ambient, &battle]);
    }
}

#[test]
fn profiles_lists_every_device_with_its_sources() {
    let o = Command::new(env!("CARGO_BIN_EXE_afterglow")).args(["profiles", "--json"]).output().unwrap();
    assert!(o.status.success());
    let listed: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let names: Vec<&str> = listed.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["default", "tr8s", "digitakt", "octatrack", "tracker", "sp404", "blackbox", "m8"]);
    for p in listed.as_array().unwrap().iter().skip(1) {
        assert!(!p["sources"].as_str().unwrap().is_empty(), "{}: no source", p["name"]);
    }
}
