//! Driving sfizz's own offline renderer (`sfizz_render`, from the `pysfizz` wheel `.ci/run`
//! installs): finding it, the zones of the SFZ files `afterglow` writes, and the Standard MIDI Files
//! it plays.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

/// `sfizz_render`: `$AFTERGLOW_SFIZZ_RENDER`, the PATH, or the `pysfizz` wheel's `bin/`.
pub fn sfizz_render() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("AFTERGLOW_SFIZZ_RENDER") {
        return Some(PathBuf::from(path));
    }
    for name in ["sfizz_render", "sfizz-render"] {
        if Command::new(name).arg("--help").output().is_ok_and(|o| o.status.success()) {
            return Some(PathBuf::from(name));
        }
    }
    let out = Command::new("python3").args(["-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).output().ok()?;
    let wheel_bin = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()).join("bin/sfizz_render");
    wheel_bin.is_file().then_some(wheel_bin)
}

/// A one-track Standard MIDI File (120 BPM, 480 ticks per beat: 960 ticks a second) playing
/// `notes` = (note, velocity) one after another, each held `hold_ticks` then followed by `gap_ticks`.
pub fn midi_file(notes: &[(u8, u8)], hold_ticks: u32, gap_ticks: u32) -> Vec<u8> {
    fn delta(out: &mut Vec<u8>, mut ticks: u32) {
        let mut bytes = vec![(ticks & 0x7F) as u8];
        ticks >>= 7;
        while ticks > 0 {
            bytes.push((ticks & 0x7F) as u8 | 0x80);
            ticks >>= 7;
        }
        out.extend(bytes.iter().rev());
    }
    let mut track = Vec::new();
    for (i, &(note, vel)) in notes.iter().enumerate() {
        delta(&mut track, if i == 0 { 0 } else { gap_ticks });
        track.extend([0x90, note, vel]);
        delta(&mut track, hold_ticks);
        track.extend([0x80, note, 0]);
    }
    delta(&mut track, gap_ticks);
    track.extend([0xFF, 0x2F, 0x00]);
    let mut smf = b"MThd\0\0\0\x06\0\0\0\x01\x01\xE0MTrk".to_vec();
    smf.extend((track.len() as u32).to_be_bytes());
    smf.extend(track);
    smf
}

/// One mapped zone as both files state it.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    pub sample: String,
    pub root: u8,
    pub lo_key: u8,
    pub hi_key: u8,
    pub lo_vel: u8,
    pub hi_vel: u8,
    pub loop_frames: Option<(u32, u32)>,
}

/// The regions of an SFZ written as `afterglow` writes it (one opcode group per line).
pub fn sfz_zones(text: &str) -> Vec<Zone> {
    let mut zones = Vec::new();
    for block in text.split("<region>").skip(1) {
        let ops: BTreeMap<&str, &str> = block.split_whitespace().filter_map(|op| op.split_once('=')).collect();
        let num = |k: &str| ops[k].parse::<u32>().unwrap();
        zones.push(Zone {
            sample: ops["sample"].to_string(),
            root: num("pitch_keycenter") as u8,
            lo_key: num("lokey") as u8,
            hi_key: num("hikey") as u8,
            lo_vel: num("lovel") as u8,
            hi_vel: num("hivel") as u8,
            loop_frames: ops.get("loop_start").map(|_| (num("loop_start"), num("loop_end"))),
        });
    }
    zones
}
