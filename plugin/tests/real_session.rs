//! The instrument on real recordings, in a CLAP host: it mines the very pads the exporter mines from
//! the same files, plays eight notes at default settings below -1 dBFS, and a project reopened after
//! the folder gained a file plays the same samples.
//!
//! The recordings come from the real-music corpus (free soundtrack excerpts in many formats), built
//! by `.ci/run` into the folder named by `AFTERGLOW_REAL_CORPUS` (or found at `target/real-corpus`).
//! Without it these tests print a notice and pass; in CI (`CI` set) they fail instead.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use afterglow_exporter::config::Config;
use afterglow_exporter::discover::Role;
use afterglow_exporter::profiles::SamplerProfile;
use afterglow_exporter::render::{Kinds, RenderRequest, render_pack};
use common::{HostEvent, TestHost, rms, state_with_archive_path};

const SAMPLE_RATE_HZ: f64 = 44_100.0;
/// Real excerpts of three formats and two sample rates: FLAC 48 kHz, Ogg Vorbis, WAV.
const FILES: [&str; 3] = ["orchestral-the_deep_path-100s.flac", "orchestral-heroes_rite-050s.ogg", "ambient-underground-030s.wav"];

/// The corpus folder, or `None` (with a notice) where it was not built. Fails in CI.
fn real_corpus() -> Option<PathBuf> {
    fixtures::real_corpus::real_corpus(&FILES)
}

/// A fresh archive folder holding `files` copied from the corpus.
fn archive_of(corpus: &Path, files: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for file in files {
        std::fs::copy(corpus.join(file), dir.path().join(file)).expect("copy a corpus file");
    }
    dir
}

/// Point the plugin at `folder` through its state, as a project would, and wait for the miner.
fn mine(host: &mut TestHost, folder: &Path) {
    let state = state_with_archive_path(&host.save_state(), &folder.display().to_string());
    host.load_state(&state);
    let started = Instant::now();
    // The bank settles once the state's generation is rebuilt (mined, for a folder-only state).
    while bank_fields(&host.save_state()).is_none_or(|pads| pads.is_empty()) || started.elapsed() < Duration::from_millis(200) {
        assert!(started.elapsed() < Duration::from_secs(300), "mining never finished");
        host.render(4410, 441, &[]);
        std::thread::sleep(Duration::from_millis(20));
    }
    // Let the last session finish (the bank is recorded at its end).
    let mut last = bank_fields(&host.save_state());
    loop {
        std::thread::sleep(Duration::from_millis(500));
        host.render(4410, 441, &[]);
        let now = bank_fields(&host.save_state());
        if now == last {
            break;
        }
        last = now;
    }
}

/// The saved bank's pads as (file name, region start sample), from a saved state.
fn bank_fields(state: &[u8]) -> Option<Vec<(String, usize)>> {
    let json: serde_json::Value = serde_json::from_slice(&state[8..]).ok()?;
    let bank: serde_json::Value = serde_json::from_str(json["fields"]["bank"].as_str()?).ok()?;
    let mut pads: Vec<(String, usize)> = bank["pads"]
        .as_array()?
        .iter()
        .map(|p| {
            let path = p["source"]["path"].as_str().unwrap_or_default();
            let name = Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            (name, p["source"]["start_sample"].as_u64().unwrap_or(0) as usize)
        })
        .collect();
    pads.sort();
    Some(pads)
}

/// The pads the exporter renders from `folder` (its manifest's pad rows), as (file name, start).
fn exporter_pads(folder: &Path) -> Vec<(String, usize)> {
    let out = tempfile::tempdir().expect("temp dir");
    let kinds = Kinds { pads: true, ..Kinds::NONE };
    let request = RenderRequest {
        roots: vec![(folder.to_path_buf(), Role::Any)],
        out_dir: out.path().to_path_buf(),
        kinds,
        profile: SamplerProfile::default_pack(),
        instruments: Vec::new(),
        dry_run: false,
        jobs: 0,
        show_progress: false,
    };
    let report = render_pack(&Config::default(), &request).expect("exporter render");
    let mut pads: Vec<(String, usize)> = report
        .rows
        .iter()
        .filter(|r| r.kind == "pad")
        .map(|r| {
            let name = Path::new(&r.source).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            (name, (r.source_offset_sec.unwrap_or(-1.0) * SAMPLE_RATE_HZ).round() as usize)
        })
        .collect();
    pads.sort();
    pads
}

fn peak_dbfs(out: &[Vec<f32>; 2]) -> f64 {
    let peak = out.iter().flatten().fold(0.0f32, |m, x| m.max(x.abs()));
    20.0 * f64::from(peak).max(1e-12).log10()
}

fn chord(keys: &[u16], velocity: f64) -> Vec<(usize, HostEvent)> {
    keys.iter().map(|&key| (0, HostEvent::NoteOn { key, velocity })).collect()
}

#[test]
fn real_music_gives_the_exporters_pads_and_eight_notes_stay_below_minus_one_dbfs() {
    let Some(corpus) = real_corpus() else { return };
    let archive = archive_of(&corpus, &FILES);
    let expected = exporter_pads(archive.path());
    assert!(expected.len() >= 3, "the exporter should mine pads from real music: {expected:?}");

    let mut host = TestHost::new();
    host.activate(SAMPLE_RATE_HZ, 512);
    mine(&mut host, archive.path());
    let mined = bank_fields(&host.save_state()).expect("a saved bank");
    eprintln!("exporter pads {expected:?}\nplugin pads   {mined:?}");
    assert_eq!(mined, expected, "the plugin's bank is not the exporter's pads");

    // Eight notes at full velocity, every parameter at its default, over the real pads.
    let out = host.render(10 * 44_100, 512, &chord(&[36, 43, 48, 52, 55, 60, 64, 67], 1.0));
    let (peak, level) = (peak_dbfs(&out), 20.0 * rms(&out).log10());
    eprintln!("8 notes at velocity 1 on real pads: peak {peak:.2} dBFS, RMS {level:.2} dBFS");
    assert!(peak < -1.0, "peak {peak:.2} dBFS");
    assert!(level > -40.0, "hardly anything sounds: {level:.2} dBFS");
    let four = host.render(10 * 44_100, 512, &chord(&[48, 55, 60, 64], 0.8));
    eprintln!("4 notes at velocity 0.8: peak {:.2} dBFS, RMS {:.2} dBFS", peak_dbfs(&four), 20.0 * rms(&four).log10());
    assert!(peak_dbfs(&four) < -1.0);
}

#[test]
fn a_reopened_project_plays_the_same_samples_after_the_folder_gains_a_file() {
    let Some(corpus) = real_corpus() else { return };
    let archive = archive_of(&corpus, &FILES[..2]);
    let notes = chord(&[48, 55, 60], 0.9);

    let mut host = TestHost::new();
    host.activate(SAMPLE_RATE_HZ, 512);
    mine(&mut host, archive.path());
    let saved = host.save_state();
    // A deactivate/activate cycle resets the engine: this is what a bounce right after loading hears.
    host.deactivate();
    host.activate(SAMPLE_RATE_HZ, 512);
    let before = host.render(5 * 44_100, 512, &notes);
    assert!(rms(&before) > 1e-3);

    // A file that sorts first joins the folder; the project is opened in a new instance.
    std::fs::copy(corpus.join("ambient-underground-030s.wav"), archive.path().join("000 new take.wav")).expect("copy");
    let mut reopened = TestHost::new();
    reopened.load_state(&saved);
    let loaded_at = Instant::now();
    reopened.activate(SAMPLE_RATE_HZ, 512);
    eprintln!("activation with the saved bank rebuilt took {:.3} s", loaded_at.elapsed().as_secs_f64());
    let after = reopened.render(5 * 44_100, 512, &notes);
    assert!(after == before, "the reopened project sounds different");
    // And it did not mine the folder: the saved bank is unchanged.
    assert_eq!(bank_fields(&reopened.save_state()), bank_fields(&saved));
}
