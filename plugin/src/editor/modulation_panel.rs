//! The modulation view, shown over the grain display and pad browser when its tab is chosen: the
//! two LFOs, one line each (shape, rate, sync, note value, retrigger, then a depth to each of
//! position, spray, size, density, pitch, low-pass and level), and the expression card (scale and
//! its root, bend range, what pressure and timbre drive).

use egui::{Rect, Ui, pos2};
use engine::texture::param_table::{Group, by_id};
use nice_plug::prelude::{FloatParam, ParamSetter};

use super::groups::card;
use super::knob::{Origin, knob};
use super::probe::LayoutProbe;
use super::switches::{stepper, toggle};
use crate::params::modulation::ModulationParams;
use crate::params::AfterglowParams;

/// Cells in an LFO line.
const LFO_CELLS: usize = 12;
/// Cells in each line of the expression card.
const EXPRESSION_CELLS: usize = 3;
/// Share of the width the LFO card takes.
const LFO_SHARE: f32 = 0.76;
const GAP: f32 = 8.0;

/// Short labels of the depth knobs, in destination order.
const DEPTH_LABELS: [&str; 7] = ["Position", "Spray", "Size", "Density", "Pitch", "Low-pass", "Level"];

/// Draws the view in `rect`.
pub fn show(ui: &mut Ui, rect: Rect, params: &AfterglowParams, setter: &ParamSetter, probe: &mut LayoutProbe) {
    let m = &params.modulation;
    let split = rect.left() + rect.width() * LFO_SHARE;
    let lfo_rect = Rect::from_min_max(rect.min, pos2(split - GAP * 0.5, rect.bottom()));
    let expression_rect = Rect::from_min_max(pos2(split + GAP * 0.5, rect.top()), rect.max);

    let title = Group::Modulation.title();
    probe.record_card(title, lfo_rect);
    let c = card(ui, lfo_rect, title, LFO_CELLS);
    let line_height = c.body.height() / 2.0;
    for lfo in 0..2 {
        let top = c.body.top() + line_height * lfo as f32;
        let cell = |i: usize| Rect::from_min_max(pos2(c.cells[i].left(), top), pos2(c.cells[i].right(), top + line_height));
        lfo_line(ui, lfo, cell, m, setter, probe);
    }

    let title = Group::Expression.title();
    probe.record_card(title, expression_rect);
    let c = card(ui, expression_rect, title, EXPRESSION_CELLS);
    let line_height = c.body.height() / 2.0;
    let cell = |line: usize, i: usize| {
        let top = c.body.top() + line_height * line as f32;
        Rect::from_min_max(pos2(c.cells[i].left(), top), pos2(c.cells[i].right(), top + line_height))
    };
    probe.record("Scale", stepper(ui, cell(0, 0), setter, &m.scale, "Scale").rect);
    probe.record("Scale Root", stepper(ui, cell(0, 1), setter, &m.scale_root, "Root").rect);
    probe.record(by_id("bend_range").name, knob(ui, cell(0, 2), setter, &m.bend_range, "Bend", Origin::Minimum).rect);
    probe.record("Pressure Target", stepper(ui, cell(1, 0), setter, &m.pressure_target, "Pressure").rect);
    probe.record("Timbre Target", stepper(ui, cell(1, 1), setter, &m.timbre_target, "Timbre").rect);
}

/// One LFO's line: `cell(i)` is its i-th cell.
fn lfo_line(ui: &mut Ui, lfo: usize, cell: impl Fn(usize) -> Rect, m: &ModulationParams, setter: &ParamSetter, probe: &mut LayoutProbe) {
    let (shape, rate, sync, division, retrigger, depths) = if lfo == 0 {
        (
            &m.lfo1_shape,
            &m.lfo1_rate_hz,
            &m.lfo1_sync,
            &m.lfo1_division,
            &m.lfo1_retrigger,
            [&m.lfo1_to_position, &m.lfo1_to_spray, &m.lfo1_to_size, &m.lfo1_to_density, &m.lfo1_to_pitch, &m.lfo1_to_lowpass, &m.lfo1_to_level],
        )
    } else {
        (
            &m.lfo2_shape,
            &m.lfo2_rate_hz,
            &m.lfo2_sync,
            &m.lfo2_division,
            &m.lfo2_retrigger,
            [&m.lfo2_to_position, &m.lfo2_to_spray, &m.lfo2_to_size, &m.lfo2_to_density, &m.lfo2_to_pitch, &m.lfo2_to_lowpass, &m.lfo2_to_level],
        )
    };
    let names: [&'static str; 5] = if lfo == 0 {
        ["LFO 1 Shape", "LFO 1 Sync", "LFO 1 Division", "LFO 1 Retrigger", "LFO 1"]
    } else {
        ["LFO 2 Shape", "LFO 2 Sync", "LFO 2 Division", "LFO 2 Retrigger", "LFO 2"]
    };
    let ids = if lfo == 0 { ["lfo1_rate", "lfo1_position", "lfo1_spray", "lfo1_size", "lfo1_density", "lfo1_pitch", "lfo1_lowpass", "lfo1_level"] } else { ["lfo2_rate", "lfo2_position", "lfo2_spray", "lfo2_size", "lfo2_density", "lfo2_pitch", "lfo2_lowpass", "lfo2_level"] };
    probe.record(names[0], stepper(ui, cell(0), setter, shape, names[4]).rect);
    probe.record(by_id(ids[0]).name, knob(ui, cell(1), setter, rate, "Rate", Origin::Minimum).rect);
    probe.record(names[1], toggle(ui, cell(2), setter, sync, "Sync").rect);
    probe.record(names[2], stepper(ui, cell(3), setter, division, "Note").rect);
    probe.record(names[3], toggle(ui, cell(4), setter, retrigger, "Retrig").rect);
    for (i, depth) in depths.into_iter().enumerate() {
        let depth: &FloatParam = depth;
        probe.record(by_id(ids[i + 1]).name, knob(ui, cell(5 + i), setter, depth, DEPTH_LABELS[i], Origin::Centre).rect);
    }
}
