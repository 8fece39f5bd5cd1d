//! Playable instruments on real recordings: `render --instrument sfz,decentsampler` maps every pad
//! and drone at its root. The SFZ is played by a real SFZ player (sfizz's `sfizz_render`): each
//! zone's note and velocity must sound its own file, untransposed, and a note a fifth above a root
//! must sound a fifth higher. The DecentSampler preset is read by a real XML parser and must map
//! the same files, roots, ranges and loops as the SFZ.
//!
//! `sfizz_render` comes from the `pysfizz` wheel (`.ci/run` installs it); without it the player
//! half is skipped with a notice (and fails under CI).

#[path = "common/sfizz.rs"]
mod sfizz;

use fixtures::wav::read_wav;
use sfizz::{midi_file, sfizz_render, sfz_zones, Zone};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn render_pack(dir: &Path, extra: &[&str]) -> PathBuf {
    let corpus = fixtures::real_corpus::real_corpus(&[]).expect("checked by the caller");
    let mut args = vec!["render".to_string(), corpus.join("ambient-underground-030s.wav").display().to_string()];
    args.extend(["--out", "pack", "--only", "pads,drones", "--instrument", "sfz,decentsampler"].map(String::from));
    args.extend(extra.iter().map(|s| s.to_string()));
    let o = Command::new(env!("CARGO_BIN_EXE_afterglow")).args(&args).current_dir(dir).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    dir.join("pack")
}

/// The samples of a DecentSampler preset, read with a real XML parser.
fn dspreset_zones(text: &str) -> Vec<Zone> {
    let doc = roxmltree::Document::parse(text).expect("the preset is well-formed XML");
    assert_eq!(doc.root_element().tag_name().name(), "DecentSampler");
    doc.descendants()
        .filter(|n| n.has_tag_name("sample"))
        .map(|n| {
            let num = |k: &str| n.attribute(k).unwrap().parse::<u32>().unwrap();
            let looped = n.attribute("loopEnabled") == Some("true");
            Zone {
                sample: n.attribute("path").unwrap().to_string(),
                root: num("rootNote") as u8,
                lo_key: num("loNote") as u8,
                hi_key: num("hiNote") as u8,
                lo_vel: num("loVel") as u8,
                hi_vel: num("hiVel") as u8,
                loop_frames: looped.then(|| (num("loopStart"), num("loopEnd"))),
            }
        })
        .collect()
}

fn manifest(pack: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(pack.join("manifest.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader.records().map(|r| headers.iter().zip(r.unwrap().iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect()).collect()
}
#[test]
fn sfz_and_decentsampler_map_every_pad_and_drone_at_its_root() {
    if fixtures::real_corpus::real_corpus(&[]).is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pack = render_pack(dir.path(), &[]);
    let sfz = sfz_zones(&std::fs::read_to_string(pack.join("afterglow.sfz")).unwrap());
    let ds = dspreset_zones(&std::fs::read_to_string(pack.join("afterglow.dspreset")).unwrap());
    assert_eq!(sfz, ds, "the two instruments map the same zones");
    let rows = manifest(&pack);
    let playable: Vec<_> = rows.iter().filter(|r| r["saved"] == "true" && (r["type"] == "pad" || r["type"] == "drone")).collect();
    eprintln!("{} zones at {} roots from {} pads and drones", sfz.len(), sfz.iter().map(|z| z.root).collect::<std::collections::BTreeSet<_>>().len(), playable.len());
    assert_eq!(sfz.len(), playable.len(), "every saved pad and drone is mapped (each has a pitch or a key)");
    for zone in &sfz {
        let row = rows.iter().find(|r| r["filename"] == zone.sample).unwrap_or_else(|| panic!("{} not in the manifest", zone.sample));
        if let Ok(root) = row["root_note"].parse::<u8>() {
            assert_eq!(zone.root, root, "{}: mapped at its smpl root note", zone.sample);
        }
        assert!(zone.lo_key <= zone.root && zone.root <= zone.hi_key, "{zone:?}");
        let (channels, _) = read_wav(&pack.join(&zone.sample));
        assert_eq!(zone.loop_frames, Some((0, channels[0].len() as u32 - 1)), "{}: loop over the whole file", zone.sample);
    }
    // Every key from the lowest to the highest zone plays something, at every velocity.
    let (lo, hi) = (sfz.iter().map(|z| z.lo_key).min().unwrap(), sfz.iter().map(|z| z.hi_key).max().unwrap());
    for key in lo..=hi {
        for vel in 1..=127u8 {
            let n = sfz.iter().filter(|z| (z.lo_key..=z.hi_key).contains(&key) && (z.lo_vel..=z.hi_vel).contains(&vel)).count();
            assert_eq!(n, 1, "key {key} velocity {vel} plays {n} zones");
        }
    }
}

/// Pearson correlation of two equal-length signals.
fn correlation(a: &[f32], b: &[f32]) -> f64 {
    let n = a.len().min(b.len()) as f64;
    let (ma, mb) = (a.iter().map(|&x| f64::from(x)).sum::<f64>() / n, b.iter().map(|&x| f64::from(x)).sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (&x, &y) in a.iter().zip(b) {
        let (x, y) = (f64::from(x) - ma, f64::from(y) - mb);
        sab += x * y;
        saa += x * x;
        sbb += y * y;
    }
    sab / (saa * sbb).sqrt().max(1e-30)
}

#[test]
fn sfizz_plays_every_zone_as_its_own_file_and_transposes_by_the_key() {
    if fixtures::real_corpus::real_corpus(&[]).is_none() {
        return;
    }
    let Some(sfizz) = sfizz_render() else {
        assert!(std::env::var_os("CI").is_none(), "CI must install sfizz_render (pip install pysfizz)");
        eprintln!("notice: sfizz_render not found (pip install pysfizz); skipping the SFZ player test");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let pack = render_pack(dir.path(), &[]);
    let zones = sfz_zones(&std::fs::read_to_string(pack.join("afterglow.sfz")).unwrap());
    assert!(!zones.is_empty());
    let rows = manifest(&pack);
    // One note per zone at its root; then up to a fifth away from the root of the
    // lowest zone with a detected pitch.
    let pitched = zones.iter().find(|z| rows.iter().any(|r| r["filename"] == z.sample && !r["root_note"].is_empty()));
    // Near the top of each layer, one below the edge (which the player compares in floats).
    let velocity = |z: &Zone| z.hi_vel.saturating_sub(1).max(z.lo_vel);
    let mut notes: Vec<(u8, u8)> = zones.iter().map(|z| (z.root, velocity(z))).collect();
    // Up to a fifth away from the root, inside the zone's own key range.
    let shift: i32 = pitched.map_or(0, |z| if z.hi_key > z.root { i32::from((z.hi_key - z.root).min(7)) } else { -i32::from((z.root - z.lo_key).min(7)) });
    if let Some(z) = pitched {
        notes.push(((i32::from(z.root) + shift) as u8, velocity(z)));
    }
    let (hold_ticks, gap_ticks) = (1440_u32, 5760_u32); // 1.5 s held, 6 s for the release to ring out
    std::fs::write(dir.path().join("notes.mid"), midi_file(&notes, hold_ticks, gap_ticks)).unwrap();
    // The copy played here adds two opcodes; the key and velocity map is the pack's own.
    // `amp_veltrack=0`: sfizz_render writes 16-bit, and with velocity also setting the level
    // ((v/127)^2) the quietest layers would sit a few steps above its quantisation floor.
    // `hint_ram_based=1`: offline, sfizz_render does not wait for its disk-streaming thread, so a
    // note may play silence past the preloaded head (1 run in 6 differed); in memory, every run
    // is the same.
    let sfz_text = std::fs::read_to_string(pack.join("afterglow.sfz")).unwrap();
    assert!(sfz_text.contains("<global>\n"));
    let played = format!("<control>\nhint_ram_based=1\n{}", sfz_text.replacen("<global>\n", "<global>\namp_veltrack=0\n", 1));
    std::fs::write(pack.join("played.sfz"), played).unwrap();
    let out_wav = dir.path().join("sfizz.wav");
    let o = Command::new(&sfizz)
        .args(["--sfz", &pack.join("played.sfz").display().to_string(), "--midi", "notes.mid", "--wav", "sfizz.wav", "-s", "44100", "--use-eot"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success() && out_wav.is_file(), "{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    let (played, rate) = read_wav(&out_wav);
    assert_eq!(rate, 44_100);
    let note_start = |i: usize| i * (hold_ticks + gap_ticks) as usize * 44_100 / 960;
    // After the 0.3 s attack, 0.5 s of each note against the file it should be.
    let (skip, span) = (17_640, 22_050);
    // The player's own latency, found once on the first zone (within 10 ms).
    let lag = {
        let (file, _) = read_wav(&pack.join(&zones[0].sample));
        let reference = &file[0][skip..skip + span];
        (0..441).max_by(|&a, &b| {
            let at = |l: usize| correlation(&played[0][note_start(0) + skip + l..][..span], reference);
            at(a).total_cmp(&at(b))
        }).unwrap()
    };
    eprintln!("sfizz latency: {lag} frames");
    let files: Vec<Vec<f32>> = zones.iter().map(|z| read_wav(&pack.join(&z.sample)).0.swap_remove(0)).collect();
    let mut worst = 1.0_f64;
    for (i, zone) in zones.iter().enumerate() {
        let start = note_start(i) + skip + lag;
        let heard = &played[0][start..start + span];
        let likeness: Vec<f64> = files.iter().map(|f| correlation(heard, &f[skip..skip + span])).collect();
        let own = likeness[i];
        worst = worst.min(own);
        // Its own file, and no other file of the pack, is what the note plays (the player's output
        // is 16-bit, so a quiet file correlates a little under 1).
        let closest = (0..files.len()).max_by(|&a, &b| likeness[a].total_cmp(&likeness[b])).unwrap();
        assert!(
            own > 0.95 && (closest == i || files[closest] == files[i]),
            "{}: note {} velocity {} sounds like its file only {own:.3}, like {} {:.3}",
            zone.sample,
            zone.root,
            velocity(zone),
            zones[closest].sample,
            likeness[closest]
        );
    }
    eprintln!("{} zones played through sfizz: each note correlates with its own file at >= {worst:.4}", zones.len());

    // A note `shift` semitones from a root plays the file at 2^(shift/12) times its speed: find the
    // speed whose reading of the file matches what was heard best.
    if let Some(zone) = pitched {
        let file = &files[zones.iter().position(|z| z == zone).unwrap()];
        let start = note_start(zones.len()) + lag;
        let heard = &played[0][start + skip..start + skip + span];
        let read_at = |speed: f64| -> Vec<f32> {
            (skip..skip + span)
                .map(|t| {
                    let pos = t as f64 * speed;
                    let (i, frac) = (pos as usize % file.len(), (pos.fract()) as f32);
                    file[i] * (1.0 - frac) + file[(i + 1) % file.len()] * frac
                })
                .collect()
        };
        let speeds = (0..=1600).map(|k| 0.6 + f64::from(k) * 0.0005);
        let (speed, likeness) = speeds
            .map(|speed| (speed, correlation(heard, &read_at(speed))))
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap();
        let expected = 2f64.powf(f64::from(shift) / 12.0);
        let cents = 1200.0 * (speed / expected).log2();
        eprintln!("{}: {shift:+} semitones from its root plays it at speed {speed:.4} (expected {expected:.4}, {cents:+.1} cents, likeness {likeness:.3})", zone.sample);
        // (Linear interpolation here against the player's own: an airy file correlates well under 1 even at the right speed.)
        assert!(cents.abs() < 5.0 && likeness > 0.5, "{shift:+} semitones: speed {speed}, expected {expected}");
    }
}
