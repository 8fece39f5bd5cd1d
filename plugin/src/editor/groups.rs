//! The control groups in two rows of cards, each control in a cell of the same width:
//! Source, Grains, Pitch and Recipe above; Space, Hiss, Envelope and Output below.

use egui::{Align2, Rect, Stroke, Ui, pos2};
use engine::texture::param_table::Group;
use nice_plug::prelude::ParamSetter;

use super::knob::{Origin, knob};
use super::layout::{RowSpec, split_row};
use super::meter::LevelMeter;
use super::probe::LayoutProbe;
use super::switches::{stepper, toggle};
use super::theme;
use crate::params::AfterglowParams;

/// The upper row: group titles and their cells.
/// Group titles come from the parameter table (`engine::texture::param_table`), which also says
/// which group each parameter belongs to (`the_cards_hold_the_parameters_of_their_group` checks it).
pub const UPPER_ROW: RowSpec = &[(Group::Source.title(), 4), (Group::Grains.title(), 5), (Group::Pitch.title(), 2), ("RECIPE", 3)];
/// The lower row.
pub const LOWER_ROW: RowSpec = &[(Group::Space.title(), 2), (Group::Hiss.title(), 5), (Group::Envelope.title(), 3), (Group::Output.title(), 4)];
/// Cells in the fuller row: every cell has this share of a row's width.
pub const MAX_CELLS: usize = 14;
/// Title strip at the top of a card, points.
const TITLE_HEIGHT: f32 = 22.0;

/// A card's title and the cells below it, each `cell_width` wide.
pub struct Card {
    pub cells: Vec<Rect>,
    /// Everything under the title.
    pub body: Rect,
}

/// Paint a card with `title` in `rect` and split its body into `num_cells` equal cells.
pub fn card(ui: &Ui, rect: Rect, title: &str, num_cells: usize) -> Card {
    let painter = ui.painter();
    painter.rect(rect, theme::RADIUS, theme::PANEL, Stroke::new(1.0, theme::EDGE), egui::StrokeKind::Inside);
    painter.text(pos2(rect.left() + 10.0, rect.top() + 6.0), Align2::LEFT_TOP, title, theme::group_font(), theme::ACCENT);
    let body = Rect::from_min_max(pos2(rect.left() + 4.0, rect.top() + TITLE_HEIGHT + 2.0), pos2(rect.right() - 4.0, rect.bottom() - 6.0));
    let width = body.width() / num_cells.max(1) as f32;
    let cells = (0..num_cells)
        .map(|i| Rect::from_min_max(pos2(body.left() + width * i as f32, body.top()), pos2(body.left() + width * (i + 1) as f32, body.bottom())))
        .collect();
    Card { cells, body }
}

/// Draw the upper row except the recipe card (drawn by its owner into the returned rect).
pub fn upper_row(ui: &mut Ui, row: Rect, params: &AfterglowParams, setter: &ParamSetter, probe: &mut LayoutProbe) -> Rect {
    let groups = split_row(row, UPPER_ROW, MAX_CELLS);
    for ((title, _), rect) in UPPER_ROW.iter().zip(&groups) {
        probe.record_card(title, *rect);
    }
    let p = params;

    let c = card(ui, groups[0], UPPER_ROW[0].0, UPPER_ROW[0].1);
    probe.record("Pad", knob(ui, c.cells[0], setter, &p.source, "Pad", Origin::Minimum).rect);
    probe.record("Position", knob(ui, c.cells[1], setter, &p.position, "Position", Origin::Minimum).rect);
    probe.record("Position Spray", knob(ui, c.cells[2], setter, &p.position_spray, "Spray", Origin::Minimum).rect);
    probe.record("Freeze", toggle(ui, c.cells[3], setter, &p.freeze, "Freeze").rect);

    let c = card(ui, groups[1], UPPER_ROW[1].0, UPPER_ROW[1].1);
    probe.record("Grain Size", knob(ui, c.cells[0], setter, &p.grain_size_ms, "Size", Origin::Minimum).rect);
    probe.record("Size Spray", knob(ui, c.cells[1], setter, &p.size_spray, "Size spray", Origin::Minimum).rect);
    probe.record("Density", knob(ui, c.cells[2], setter, &p.density_hz, "Density", Origin::Minimum).rect);
    probe.record("Window", stepper(ui, c.cells[3], setter, &p.window, "Window").rect);
    probe.record("Reverse", knob(ui, c.cells[4], setter, &p.reverse_probability, "Reverse", Origin::Minimum).rect);

    let c = card(ui, groups[2], UPPER_ROW[2].0, UPPER_ROW[2].1);
    probe.record("Pitch", knob(ui, c.cells[0], setter, &p.pitch_semitones, "Pitch", Origin::Centre).rect);
    probe.record("Pitch Spray", knob(ui, c.cells[1], setter, &p.pitch_spray_semitones, "Spray", Origin::Minimum).rect);

    groups[3]
}

/// Draw the lower row, the level meter included.
pub fn lower_row(ui: &mut Ui, row: Rect, params: &AfterglowParams, setter: &ParamSetter, meter: &LevelMeter, probe: &mut LayoutProbe) {
    let groups = split_row(row, LOWER_ROW, MAX_CELLS);
    for ((title, _), rect) in LOWER_ROW.iter().zip(&groups) {
        probe.record_card(title, *rect);
    }
    let p = params;

    let c = card(ui, groups[0], LOWER_ROW[0].0, LOWER_ROW[0].1);
    probe.record("Stereo Spread", knob(ui, c.cells[0], setter, &p.stereo_spread, "Spread", Origin::Minimum).rect);
    probe.record("Cloud Low-pass", knob(ui, c.cells[1], setter, &p.lowpass_hz, "Low-pass", Origin::Minimum).rect);

    let c = card(ui, groups[1], LOWER_ROW[1].0, LOWER_ROW[1].1);
    probe.record("Hiss Level", knob(ui, c.cells[0], setter, &p.hiss_gain, "Level", Origin::Minimum).rect);
    probe.record("Hiss Tone", knob(ui, c.cells[1], setter, &p.hiss_tone_hz, "Tone", Origin::Minimum).rect);
    probe.record("Tremolo Rate", knob(ui, c.cells[2], setter, &p.tremolo_rate_hz, "Tremolo", Origin::Minimum).rect);
    probe.record("Tremolo Depth", knob(ui, c.cells[3], setter, &p.tremolo_depth, "Depth", Origin::Minimum).rect);
    probe.record("Flicker", knob(ui, c.cells[4], setter, &p.flicker_amount, "Flicker", Origin::Minimum).rect);

    let c = card(ui, groups[2], LOWER_ROW[2].0, LOWER_ROW[2].1);
    probe.record("Attack", knob(ui, c.cells[0], setter, &p.attack_ms, "Attack", Origin::Minimum).rect);
    probe.record("Release", knob(ui, c.cells[1], setter, &p.release_ms, "Release", Origin::Minimum).rect);
    probe.record("Hold", toggle(ui, c.cells[2], setter, &p.hold, "Hold").rect);

    let c = card(ui, groups[3], LOWER_ROW[3].0, LOWER_ROW[3].1);
    probe.record("Level meter", meter.show(ui, c.cells[0]));
    probe.record("Cloud Level", knob(ui, c.cells[1], setter, &p.cloud_gain, "Cloud", Origin::Minimum).rect);
    probe.record("Output Gain", knob(ui, c.cells[2], setter, &p.output_gain, "Gain", Origin::Minimum).rect);
    probe.record("Seed", knob(ui, c.cells[3], setter, &p.seed, "Seed", Origin::Minimum).rect);
}
