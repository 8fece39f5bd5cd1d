//! The TEMPO card: the Sync switch, the grain rate as a note value, the scan's direction, free rate
//! and synced length, and the tremolo's length. Drawn under the grain display for now (the editor's
//! final layout places it).

use egui::{Rect, Ui, pos2};
use engine::texture::param_table::Group;
use nice_plug::prelude::ParamSetter;

use super::groups::card;
use super::knob::{Origin, knob};
use super::layout::GROUP_ROW_HEIGHT;
use super::probe::LayoutProbe;
use super::switches::{stepper, toggle};
use super::theme::GAP;
use crate::params::AfterglowParams;

/// Cells of the card.
const NUM_CELLS: usize = 6;

/// Splits the grain display's region into what stays the display and the card under it.
pub fn split(region: Rect) -> (Rect, Rect) {
    let card_top = region.bottom() - GROUP_ROW_HEIGHT;
    let display = Rect::from_min_max(region.min, pos2(region.right(), card_top - GAP));
    (display, Rect::from_min_max(pos2(region.left(), card_top), region.max))
}

/// Draws the card into `rect`.
pub fn show(ui: &mut Ui, rect: Rect, params: &AfterglowParams, setter: &ParamSetter, probe: &mut LayoutProbe) {
    let title = Group::Tempo.title();
    probe.record_card(title, rect);
    let t = &params.tempo;
    let c = card(ui, rect, title, NUM_CELLS);
    probe.record("Sync", toggle(ui, c.cells[0], setter, &t.sync, "Sync").rect);
    probe.record("Grain Rate", stepper(ui, c.cells[1], setter, &t.grain_division, "Grains").rect);
    probe.record("Scan", stepper(ui, c.cells[2], setter, &t.scan_mode, "Scan").rect);
    probe.record("Scan Rate", knob(ui, c.cells[3], setter, &t.scan_rate_hz, "Scan rate", Origin::Minimum).rect);
    probe.record("Scan Length", stepper(ui, c.cells[4], setter, &t.scan_division, "Scan length").rect);
    probe.record("Tremolo Length", stepper(ui, c.cells[5], setter, &t.tremolo_division, "Tremolo").rect);
}
