//! What a screenshot of the editor must show: the expected size, not blank, every group title and
//! most control names read back by OCR, the controls laid out inside the window, the redraw rate
//! under its cap. Shared by the Linux editor test and the Windows smoke test.

use std::path::Path;

use crate::report::Layout;
use crate::screen::{Shot, ocr};

/// What one view of the editor must show: group titles that must all be read back from every shot
/// of it, and control labels of which most (`min_labels`) must.
pub struct ViewChecks {
    pub groups: &'static [&'static str],
    pub labels: &'static [&'static str],
    pub min_labels: usize,
    /// The Bank view: the pad list's columns and a moving grain display are read too.
    pub pad_list: bool,
}

/// The main view: the grain display, the Tempo card, the pad list and the two rows of cards.
pub const MAIN_VIEW: ViewChecks = ViewChecks {
    groups: &["TEMPO", "SOURCE", "GRAINS", "PITCH", "SPACE", "HISS", "ENVELOPE", "OUTPUT", "PADS"],
    labels: &[
        "Position", "Spray", "Freeze", "Density", "Window", "Reverse", "Pitch", "Spread", "Tone", "Tremolo", "Flicker", "Attack",
        "Release", "Seed", "Sync", "Scan", "Modulation", "Presets",
    ],
    min_labels: 12,
    pad_list: true,
};

/// The Modulation view (header button "Modulation"): the LFO matrix and the scale and expression
/// card over the grain display and the browser, the two rows of cards below.
pub const MODULATION_VIEW: ViewChecks = ViewChecks {
    groups: &["MODULATION", "EXPRESSION", "SOURCE", "GRAINS", "OUTPUT"],
    labels: &[
        "LFO 1", "LFO 2", "Rate", "Sync", "Note", "Retrig", "Size", "Low-pass", "Level", "Scale", "Root", "Bend", "Pressure",
        "Timbre",
    ],
    min_labels: 10,
    pad_list: false,
};

/// The checks for the view the child host opens (`AFTERGLOW_EDITOR_BROWSER`).
pub fn view_checks() -> &'static ViewChecks {
    match std::env::var("AFTERGLOW_EDITOR_BROWSER").as_deref() {
        Ok("modulation") => &MODULATION_VIEW,
        _ => &MAIN_VIEW,
    }
}

/// Save `shot` as `<name>.png` and check it: the expected size, not blank, every group title and
/// most control names and the pad list's columns read back by OCR, the editor laid out for this
/// size with every control inside it, and the redraw rate under its cap.
pub fn check_shot(shots: &Path, name: &str, shot: &Shot, expected: (u32, u32), layout: &Layout, failures: &mut Vec<String>, report: &mut Vec<String>) {
    let path = shots.join(format!("{name}.png"));
    shot.save(&path);
    if (shot.width, shot.height) != expected {
        failures.push(format!("{name}: window is {}x{}, expected {expected:?}", shot.width, shot.height));
    }
    let (colours, varied) = shot.variety();
    if colours < 200 || varied < 0.2 {
        failures.push(format!("{name}: looks blank ({colours} colours, {varied:.2} of pixels differ from the commonest)"));
    }
    let text = ocr(shot, &path);
    let lower = text.to_lowercase();
    let checks = view_checks();
    let groups_missing: Vec<&str> = checks.groups.iter().copied().filter(|g| !lower.contains(&g.to_lowercase())).collect();
    let labels_found: Vec<&str> = checks.labels.iter().copied().filter(|l| lower.contains(&l.to_lowercase())).collect();
    if !groups_missing.is_empty() {
        failures.push(format!("{name}: OCR did not read the groups {groups_missing:?}"));
    }
    if labels_found.len() < checks.min_labels {
        failures.push(format!("{name}: OCR read only {labels_found:?} of the control names"));
    }
    let (x0, y0, x1, y1) = layout.screen;
    if (x1 - x0, y1 - y0) != (expected.0 as f32, expected.1 as f32) {
        failures.push(format!("{name}: editor laid out for {}x{}", x1 - x0, y1 - y0));
    }
    for (widget, (a, b, c, d)) in &layout.widgets {
        if *a < x0 - 0.5 || *b < y0 - 0.5 || *c > x1 + 0.5 || *d > y1 + 0.5 {
            failures.push(format!("{name}: {widget} at ({a}, {b})-({c}, {d}) lies outside the window"));
        }
    }
    let keys = ["major", "minor"].iter().filter(|k| lower.contains(*k)).count();
    if checks.pad_list && (keys == 0 || !lower.contains("length") || !lower.contains("bright")) {
        failures.push(format!("{name}: OCR did not read the pad list's keys and columns"));
    }
    // The redraw rate is capped at about 30 a second (a little over, from input and resizes).
    if layout.frames_per_sec > 40.0 {
        failures.push(format!("{name}: the editor drew {:.1} frames a second, over its cap", layout.frames_per_sec));
    }
    if layout.widgets.len() < 35 {
        failures.push(format!("{name}: only {} controls laid out", layout.widgets.len()));
    }
    report.push(format!(
        "{name}: {}x{}, {colours} colours, {} pads, {} grains, {:.2} ms to build a frame, {:.1} frames/s; OCR groups all but {groups_missing:?}, controls {labels_found:?}",
        shot.width, shot.height, layout.num_pads, layout.num_grains, layout.frame_ms, layout.frames_per_sec
    ));
}
