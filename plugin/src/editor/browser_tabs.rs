//! The browser panel's views: "Bank" (the pads the instrument holds and plays) and "Archive" (every
//! pad of the shared catalogue, to load from), chosen by tabs in its top-right corner; "Presets"
//! and "Modulation", chosen by buttons in the header (see `header.rs`).

use egui::{Rect, Ui, UiBuilder, pos2};

use super::probe::LayoutProbe;

/// Which list the pad browser shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum BrowserView {
    /// The pads in the bank (the working set).
    #[default]
    Bank,
    /// The catalogue's pads.
    Archive,
    /// The presets.
    Presets,
    /// Not a list: the modulation view (LFOs, scale, expression) over the grain display and the
    /// browser (see `modulation_panel`).
    Modulation,
}

impl BrowserView {
    /// The view named by `AFTERGLOW_EDITOR_BROWSER` ("archive", "archive-like": the Archive view
    /// asking for more like the first pad, "presets", "modulation" or "bank"), for screenshots of
    /// each view; the Bank view otherwise.
    pub fn from_env() -> Self {
        match std::env::var("AFTERGLOW_EDITOR_BROWSER").as_deref() {
            Ok("archive" | "archive-like") => Self::Archive,
            Ok("presets") => Self::Presets,
            Ok("modulation") => Self::Modulation,
            _ => Self::Bank,
        }
    }
}

/// Width of the tab strip, logical points.
const TABS_WIDTH: f32 = 128.0;

/// Draw the tabs over the browser panel `rect` (after the panel itself) and switch `view`.
pub fn show(ui: &mut Ui, rect: Rect, view: &mut BrowserView, probe: &mut LayoutProbe) {
    let strip = Rect::from_min_max(pos2(rect.right() - TABS_WIDTH - 8.0, rect.top() + 4.0), pos2(rect.right() - 8.0, rect.top() + 26.0));
    let mut child = ui.new_child(UiBuilder::new().max_rect(strip).layout(egui::Layout::right_to_left(egui::Align::Center)));
    // Compact, so the tabs leave the panel's title and count clear in the narrowest panel.
    child.spacing_mut().button_padding.x = 5.0;
    child.spacing_mut().item_spacing.x = 2.0;
    let archive = child.selectable_value(view, BrowserView::Archive, "Archive").on_hover_text("Every catalogued pad: filter, find more like one, load into the bank");
    probe.record("Archive tab", archive.rect);
    let bank = child.selectable_value(view, BrowserView::Bank, "Bank").on_hover_text("The pads the instrument holds and plays");
    probe.record("Bank tab", bank.rect);
}
