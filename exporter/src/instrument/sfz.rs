//! The SFZ instrument (`afterglow.sfz`): one `<region>` per zone with `pitch_keycenter`, key and
//! velocity ranges and the loop, under a `<global>` envelope. Opcodes are SFZ 1 (read by every
//! SFZ player); sample paths are relative to the `.sfz`, with `/`.

use super::zone::{Zone, ATTACK_SEC, RELEASE_SEC};
use std::fmt::Write;

/// The instrument's file name in the pack.
pub const FILE_NAME: &str = "afterglow.sfz";

/// The SFZ text of `zones`.
pub fn sfz_text(zones: &[Zone]) -> String {
    let mut out = String::new();
    out.push_str("// afterglow: pads and drones of this pack, each at its own root note.\n");
    out.push_str("// Keys split halfway between roots; files on one root are velocity layers, quiet to loud.\n\n");
    let _ = writeln!(out, "<global>\nampeg_attack={ATTACK_SEC} ampeg_release={RELEASE_SEC}\n");
    for zone in zones {
        let _ = write!(
            out,
            "<region>\nsample={}\npitch_keycenter={} lokey={} hikey={} lovel={} hivel={}\n",
            zone.path, zone.root, zone.lo_key, zone.hi_key, zone.lo_vel, zone.hi_vel
        );
        match zone.loop_frames {
            Some((start, end)) => {
                let _ = writeln!(out, "loop_mode=loop_continuous loop_start={start} loop_end={end}\n");
            }
            None => out.push_str("loop_mode=no_loop\n\n"),
        }
    }
    out
}
