//! The editor's own report of its layout (the file named by `AFTERGLOW_EDITOR_LAYOUT`): the
//! window, pads and grains, frame cost and rate, and every control's rectangle.

use std::path::Path;

/// The editor's last layout report: window rect, pads, grains and each control's rect.
#[derive(Debug, Default)]
pub struct Layout {
    pub screen: (f32, f32, f32, f32),
    pub num_pads: usize,
    pub num_grains: usize,
    /// The editor's median time to build a frame, milliseconds.
    pub frame_ms: f64,
    /// Frames the editor drew over the last second.
    pub frames_per_sec: f64,
    pub widgets: Vec<(String, (f32, f32, f32, f32))>,
}

pub fn read_layout(path: &Path) -> Option<Layout> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut layout = Layout::default();
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let rect = |w: &[&str]| -> Option<(f32, f32, f32, f32)> {
            Some((w.first()?.parse().ok()?, w.get(1)?.parse().ok()?, w.get(2)?.parse().ok()?, w.get(3)?.parse().ok()?))
        };
        match words.as_slice() {
            ["screen", rest @ ..] => layout.screen = rect(rest)?,
            ["pads", n] => layout.num_pads = n.parse().ok()?,
            ["grains", n] => layout.num_grains = n.parse().ok()?,
            ["frame_ms", n] => layout.frame_ms = n.parse().ok()?,
            ["frames_per_sec", n] => layout.frames_per_sec = n.parse().ok()?,
            [name, rest @ ..] => layout.widgets.push((name.to_string(), rect(rest)?)),
            [] => {}
        }
    }
    Some(layout)
}
