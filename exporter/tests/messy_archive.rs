//! A musician's real archive is messy. The real binary renders one full of trouble: every bad file
//! is named with its problem, every good file is rendered, nothing is written outside `--out`, and
//! the exit status says that something was skipped.

use fixtures::encode::{wav_bytes, SampleEncoding};
use std::path::{Path, PathBuf};
use std::process::Command;

fn pad(seconds: f64, rate: u32, channels: usize, seed: u64) -> Vec<Vec<f32>> {
    let n = (seconds * f64::from(rate)) as usize;
    (0..channels).map(|c| fixtures::chord_pad(&[57.0, 60.0, 64.0], 0.5, n, rate, seed + c as u64)).collect()
}

/// (file name, bytes, whether it should render).
fn messy_files() -> Vec<(String, Vec<u8>, bool)> {
    let good_pad = wav_bytes(&pad(5.0, 44_100, 2, 1), 44_100, SampleEncoding::Pcm16, false, None);
    let mut truncated = good_pad.clone();
    truncated.truncate(good_pad.len() / 2);
    let mut lying = good_pad.clone();
    // Claim a data chunk far longer than the file.
    if let Some(at) = lying.windows(4).position(|w| w == b"data") {
        lying[at + 4..at + 8].copy_from_slice(&0x7fff_0000u32.to_le_bytes());
    }
    let mut zero_rate = good_pad.clone();
    zero_rate[24..28].copy_from_slice(&0u32.to_le_bytes());
    let mut zero_channels = good_pad.clone();
    zero_channels[22..24].copy_from_slice(&0u16.to_le_bytes());
    let mut nan = pad(5.0, 44_100, 1, 2);
    for x in nan[0].iter_mut().step_by(3) {
        *x = f32::NAN;
    }
    let mut dc = pad(5.0, 44_100, 1, 3);
    dc[0].iter_mut().for_each(|x| *x = 0.3 + 0.3 * *x);
    let mut clipped = pad(5.0, 44_100, 1, 4);
    clipped[0].iter_mut().for_each(|x| *x = (*x * 6.0).clamp(-1.0, 1.0));
    vec![
        ("empty.wav".into(), Vec::new(), false),
        ("not audio.wav".into(), b"Dear diary, today I recorded nothing.".repeat(40), false),
        ("truncated.wav".into(), truncated, false),
        ("lying header.wav".into(), lying, false),
        ("zero rate.wav".into(), zero_rate, false),
        ("zero channels.wav".into(), zero_channels, false),
        ("mostly nan.wav".into(), wav_bytes(&nan, 44_100, SampleEncoding::Float32, false, None), false),
        ("silence.wav".into(), wav_bytes(&[vec![0.0; 88_200]], 44_100, SampleEncoding::Pcm16, false, None), false),
        ("tiny.wav".into(), wav_bytes(&[vec![0.1; 100]], 44_100, SampleEncoding::Pcm16, false, None), false),
        ("good pad.wav".into(), good_pad, true),
        ("8-bit 11k.wav".into(), wav_bytes(&pad(6.0, 11_025, 1, 5), 11_025, SampleEncoding::Pcm8, false, None), true),
        ("six channels.wav".into(), wav_bytes(&pad(5.0, 48_000, 6, 6), 48_000, SampleEncoding::Pcm24, true, Some(0x3f)), true),
        ("dc offset.wav".into(), wav_bytes(&dc, 44_100, SampleEncoding::Pcm16, false, None), true),
        // Heavily clipped material is read (it is not an error) but gives no pads: the clipping gate
        // keeps distortion out of the pack. It is checked separately below.
        ("clipped.wav".into(), wav_bytes(&clipped, 44_100, SampleEncoding::Pcm16, false, None), true),
        ("Café \"quotes\" 'n spaces ünïcødé.wav".into(), wav_bytes(&pad(5.0, 44_100, 1, 7), 44_100, SampleEncoding::Pcm16, false, None), true),
        ("x..__escape attempt.wav".to_string(), wav_bytes(&pad(5.0, 44_100, 1, 8), 44_100, SampleEncoding::Pcm16, false, None), true),
    ]
}

fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() { stack.push(path) } else { out.push(path) }
        }
    }
    out
}

#[test]
fn a_messy_archive_renders_what_it_can_and_names_the_rest() {
    let root = tempfile::tempdir().unwrap();
    let archive = root.path().join("archive");
    let nested = archive.join("old sessions").join("2019");
    std::fs::create_dir_all(&nested).unwrap();
    let files = messy_files();
    for (i, (name, bytes, _)) in files.iter().enumerate() {
        let dir = if i % 2 == 0 { &archive } else { &nested };
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    std::fs::write(archive.join(".hidden.wav"), b"ignored").unwrap();
    std::fs::write(archive.join("cover.jpg"), b"\xff\xd8\xff").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&archive, nested.join("loop back")).unwrap();

    let out = root.path().join("pack");
    let before: Vec<PathBuf> = all_files(root.path());
    let o = Command::new(env!("CARGO_BIN_EXE_afterglow"))
        .args(["render", archive.to_str().unwrap(), "--out", out.to_str().unwrap(), "--only", "pads,clouds"])
        .current_dir(root.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(3), "stdout:\n{stdout}\nstderr:\n{stderr}");
    for (name, _, renders) in &files {
        let named_as_skipped = stderr.lines().any(|l| l.starts_with("skipped:") && l.contains(name.as_str()));
        assert_eq!(named_as_skipped, !renders, "{name}: stderr:\n{stderr}");
    }
    // Every good file gave textures.
    let mut reader = csv::Reader::from_path(out.join("manifest.csv")).unwrap();
    let source = reader.headers().unwrap().iter().position(|h| h == "source").unwrap();
    let sources: Vec<String> = reader.records().map(|r| r.unwrap()[source].to_string()).collect();
    let has = |name: &str| sources.iter().any(|s| s.ends_with(name));
    for (name, _, _) in files.iter().filter(|f| f.2 && f.0 != "clipped.wav") {
        assert!(has(name), "{name} missing from the manifest");
    }
    assert!(!has("clipped.wav"), "clipped material made pads");
    // ... and the run says why, naming the gate and its setting.
    let said_why = format!("{stdout}{stderr}").lines().any(|l| l.contains("clipped.wav") && l.contains("pad_miner.max_clip_ratio"));
    assert!(said_why, "no reason given for clipped.wav:\n{stdout}\n{stderr}");
    // Nothing new outside the output folder; every name inside is plain ASCII.
    let after: Vec<PathBuf> = all_files(root.path()).into_iter().filter(|p| !p.starts_with(&out)).collect();
    assert_eq!(after.len(), before.len());
    for f in all_files(&out) {
        let rel = f.strip_prefix(&out).unwrap().to_string_lossy().into_owned();
        assert!(rel.is_ascii() && !rel.contains("..") && !rel.chars().any(|c| c.is_control() || c == ' '), "{rel}");
    }
}
