//! A rotary knob for any host parameter: name above, value with unit below, the arc from the
//! parameter's origin to its value, and a second, thin arc where the host modulates it.
//!
//! Drag up or right to raise, down or left to lower (200 points for the whole range); hold Shift
//! to move ten times finer; double-click or Ctrl/Cmd-click resets to the default; click the value
//! to type one (with or without its unit). Every change is
//! one host gesture (begin, set, end), so hosts record automation as they should.

use std::f32::consts::PI;

use egui::{Align2, Color32, Id, Pos2, Rect, Response, Sense, Shape, Stroke, Ui, pos2, vec2};
use nice_plug::prelude::{Param, ParamSetter};

use super::theme;

/// Points of drag for the whole range.
const DRAG_RANGE_POINTS: f32 = 200.0;
/// How much finer a drag is with Shift held.
const FINE_FACTOR: f32 = 10.0;
/// The arc covers 270 degrees, from lower left (7:30) to lower right (4:30).
const START_ANGLE: f32 = 0.75 * PI;
const SWEEP: f32 = 1.5 * PI;

/// Where a knob's arc starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// From the minimum (levels, times).
    Minimum,
    /// From the middle (pitch).
    Centre,
}

/// Draw and handle one knob filling `cell`; `label` is the short name shown. Returns the
/// knob's response.
pub fn knob<P: Param>(ui: &mut Ui, cell: Rect, setter: &ParamSetter, param: &P, label: &str, origin: Origin) -> Response {
    let id = Id::unique(("knob", param.name()));
    let label_height = 16.0;
    let value_height = 18.0;
    let diameter = (cell.height() - label_height - value_height - 6.0).min(cell.width() - 14.0).clamp(24.0, 56.0);
    let centre = pos2(cell.center().x, cell.top() + label_height + 3.0 + diameter * 0.5);
    let knob_rect = Rect::from_center_size(centre, vec2(diameter, diameter));
    let response = ui
        .interact(knob_rect.expand(4.0), id, Sense::click_and_drag())
        .on_hover_ui(|ui| {
            ui.label(format!("{}\nDrag to change, Shift for fine steps, double-click to reset", param.name()));
        });

    handle_input(ui, &response, setter, param, id);

    let painter = ui.painter();
    let text = |pos: Pos2, anchor: Align2, text: &str, size: f32, colour: Color32, max_width: f32| {
        let mut size = size;
        loop {
            let galley = painter.layout_no_wrap(text.to_owned(), theme::value_font(size), colour);
            if galley.size().x <= max_width || size <= 9.0 {
                let rect = anchor.anchor_size(pos, galley.size());
                painter.galley(rect.min, galley, colour);
                break;
            }
            size -= 0.5;
        }
    };
    text(pos2(cell.center().x, cell.top()), Align2::CENTER_TOP, label, 12.0, theme::TEXT_DIM, cell.width() - 2.0);

    let radius = diameter * 0.5;
    let value = param.unmodulated_normalized_value();
    let modulated = param.modulated_normalized_value();
    let from = match origin {
        Origin::Minimum => 0.0,
        Origin::Centre => 0.5,
    };
    let active = response.hovered() || response.dragged();
    painter.circle_filled(centre, radius - 5.0, if active { theme::HIGHLIGHT } else { theme::PANEL.gamma_multiply(1.4) });
    arc(painter, centre, radius - 1.5, 0.0, 1.0, Stroke::new(3.0, theme::EDGE));
    arc(painter, centre, radius - 1.5, from, value, Stroke::new(3.0, theme::ACCENT));
    if (modulated - value).abs() > 1e-4 {
        arc(painter, centre, radius + 2.0, value, modulated, Stroke::new(1.5, theme::TEXT));
    }
    let angle = START_ANGLE + SWEEP * value;
    let tip = centre + vec2(angle.cos(), angle.sin()) * (radius - 7.0);
    painter.line_segment([centre + (tip - centre) * 0.25, tip], Stroke::new(2.0, theme::TEXT));

    let value_rect = Rect::from_min_size(pos2(cell.left() + 2.0, knob_rect.bottom() + 3.0), vec2(cell.width() - 4.0, 18.0));
    if !value_entry(ui, value_rect, setter, param, id) {
        let value_text = param.normalized_value_to_string(modulated, true);
        let value_colour = if active { theme::ACCENT } else { theme::TEXT };
        let painter = ui.painter();
        let mut size = 12.5;
        loop {
            let galley = painter.layout_no_wrap(value_text.trim().to_owned(), theme::value_font(size), value_colour);
            if galley.size().x <= cell.width() - 2.0 || size <= 9.0 {
                let rect = Align2::CENTER_TOP.anchor_size(pos2(cell.center().x, knob_rect.bottom() + 4.0), galley.size());
                painter.galley(rect.min, galley, value_colour);
                break;
            }
            size -= 0.5;
        }
    }
    response
}

/// The value under a knob as a text field: click the value to type one (Enter sets it as one
/// host gesture, Escape or clicking elsewhere keeps the old one). Returns whether the field is
/// showing (then the caller does not draw the value).
fn value_entry<P: Param>(ui: &mut Ui, rect: Rect, setter: &ParamSetter, param: &P, id: Id) -> bool {
    let text_id = id.with("typed");
    let field_id = id.with("field");
    let Some(mut typed) = ui.data(|d| d.get_temp::<String>(text_id)) else {
        let click = ui.interact(rect, id.with("value"), Sense::click()).on_hover_text("Click to type a value");
        if click.clicked() {
            ui.data_mut(|d| d.insert_temp(text_id, String::new()));
            ui.memory_mut(|m| m.request_focus(field_id));
        }
        return false;
    };
    // Empty, with the current value as a hint: typing replaces it.
    let current = param.normalized_value_to_string(param.unmodulated_normalized_value(), false);
    let field = ui.put(
        rect,
        egui::TextEdit::singleline(&mut typed)
            .id(field_id)
            .hint_text(current.trim())
            .font(theme::value_font(12.5))
            .align(Align2::CENTER_CENTER)
            .margin(vec2(2.0, 1.0)),
    );
    let entered = ui.input(|i| i.key_pressed(egui::Key::Enter));
    let cancelled = ui.input(|i| i.key_pressed(egui::Key::Escape));
    if entered {
        if let Some(normalized) = param.string_to_normalized_value(typed.trim()) {
            setter.begin_set_parameter(param);
            setter.set_parameter_normalized(param, normalized);
            setter.end_set_parameter(param);
        }
        ui.data_mut(|d| d.remove::<String>(text_id));
    } else if cancelled || (field.lost_focus() && !field.has_focus()) {
        ui.data_mut(|d| d.remove::<String>(text_id));
    } else {
        ui.data_mut(|d| d.insert_temp(text_id, typed));
    }
    true
}

/// Relative drag (finer with Shift) and resets, each as one host gesture.
fn handle_input<P: Param>(ui: &Ui, response: &Response, setter: &ParamSetter, param: &P, id: Id) {
    let reset_click = response.clicked() && ui.input(|i| i.modifiers.command);
    if response.double_clicked() || reset_click {
        setter.begin_set_parameter(param);
        setter.set_parameter_normalized(param, param.default_normalized_value());
        setter.end_set_parameter(param);
        return;
    }
    if response.drag_started() {
        setter.begin_set_parameter(param);
        // The unquantised value being dragged, so stepped parameters move after enough travel.
        ui.data_mut(|d| d.insert_temp(id, param.unmodulated_normalized_value()));
    }
    if response.dragged() {
        let delta = response.drag_delta();
        let fine = if ui.input(|i| i.modifiers.shift) { FINE_FACTOR } else { 1.0 };
        let change = (delta.x - delta.y) / (DRAG_RANGE_POINTS * fine);
        if change != 0.0 {
            let dragged = ui.data(|d| d.get_temp::<f32>(id)).unwrap_or(param.unmodulated_normalized_value());
            let next = (dragged + change).clamp(0.0, 1.0);
            ui.data_mut(|d| d.insert_temp(id, next));
            setter.set_parameter_normalized(param, next);
        }
    }
    if response.drag_stopped() {
        setter.end_set_parameter(param);
    }
}

/// An arc of the knob's sweep from normalised `from` to `to` (either order).
fn arc(painter: &egui::Painter, centre: Pos2, radius: f32, from: f32, to: f32, stroke: Stroke) {
    let (low, high) = if from <= to { (from, to) } else { (to, from) };
    let steps = ((high - low) * 48.0).ceil().max(1.0) as usize;
    if high - low < 1e-4 {
        return;
    }
    let points = (0..=steps)
        .map(|step| {
            let angle = START_ANGLE + SWEEP * (low + (high - low) * step as f32 / steps as f32);
            centre + vec2(angle.cos(), angle.sin()) * radius
        })
        .collect();
    painter.add(Shape::line(points, stroke));
}
