//! The DecentSampler instrument (`afterglow.dspreset`): one `<sample>` per zone with `rootNote`,
//! key and velocity ranges and the loop, an amplitude envelope on `<groups>`, and Attack and Release
//! knobs bound to it. Attributes as in DecentSampler's developer guide (1.11.5); paths are
//! relative to the preset, with `/`.

use super::zone::{Zone, ATTACK_SEC, RELEASE_SEC};
use std::fmt::Write;

/// The instrument's file name in the pack.
pub const FILE_NAME: &str = "afterglow.dspreset";

/// The preset XML of `zones`.
pub fn dspreset_text(zones: &[Zone]) -> String {
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DecentSampler minVersion=\"1.0.0\">\n");
    out.push_str("  <ui width=\"812\" height=\"375\">\n    <tab name=\"main\">\n");
    for (x, label, max, value, parameter) in [(40, "Attack", 10.0, ATTACK_SEC, "ENV_ATTACK"), (140, "Release", 20.0, RELEASE_SEC, "ENV_RELEASE")] {
        let _ = writeln!(
            out,
            "      <labeled-knob x=\"{x}\" y=\"40\" width=\"90\" label=\"{label}\" type=\"float\" minValue=\"0.0\" maxValue=\"{max}\" value=\"{value}\">\n        <binding type=\"amp\" level=\"instrument\" position=\"0\" parameter=\"{parameter}\"/>\n      </labeled-knob>"
        );
    }
    out.push_str("    </tab>\n  </ui>\n");
    let _ = writeln!(out, "  <groups attack=\"{ATTACK_SEC}\" decay=\"0.0\" sustain=\"1.0\" release=\"{RELEASE_SEC}\">\n    <group>");
    for zone in zones {
        let _ = write!(
            out,
            "      <sample path=\"{}\" rootNote=\"{}\" loNote=\"{}\" hiNote=\"{}\" loVel=\"{}\" hiVel=\"{}\"",
            xml_escape(&zone.path),
            zone.root,
            zone.lo_key,
            zone.hi_key,
            zone.lo_vel,
            zone.hi_vel
        );
        match zone.loop_frames {
            Some((start, end)) => {
                let _ = writeln!(out, " loopStart=\"{start}\" loopEnd=\"{end}\" loopEnabled=\"true\"/>");
            }
            None => out.push_str(" loopEnabled=\"false\"/>\n"),
        }
    }
    out.push_str("    </group>\n  </groups>\n</DecentSampler>\n");
    out
}

/// Escapes the five XML special characters.
fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_escaped() {
        assert_eq!(xml_escape("a&b<\"c\">'"), "a&amp;b&lt;&quot;c&quot;&gt;&apos;");
    }
}
