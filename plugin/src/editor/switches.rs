//! Controls for parameters with few values: an on/off lamp for a switch (Freeze, Hold) and a
//! "< value >" stepper for a choice (the grain window). Same cell shape as a knob: name above.

use egui::{Align2, Id, Rect, Response, Sense, Stroke, Ui, pos2, vec2};
use nice_plug::prelude::{BoolParam, Param, ParamSetter};

use super::theme;

/// An on/off switch filling `cell`. Click toggles; the host sees one gesture.
pub fn toggle(ui: &mut Ui, cell: Rect, setter: &ParamSetter, param: &BoolParam, label: &str) -> Response {
    let on = param.value();
    let button = Rect::from_center_size(pos2(cell.center().x, cell.top() + 16.0 + 22.0), vec2((cell.width() - 12.0).min(64.0), 30.0));
    let response = ui
        .interact(button, Id::unique(("toggle", param.name())), Sense::click())
        .on_hover_ui(|ui| {
            ui.label(format!("{}: click to switch {}", param.name(), if on { "off" } else { "on" }));
        });
    if response.clicked() {
        setter.begin_set_parameter(param);
        setter.set_parameter(param, !on);
        setter.end_set_parameter(param);
    }
    let painter = ui.painter();
    painter.text(pos2(cell.center().x, cell.top()), Align2::CENTER_TOP, label, theme::label_font(), theme::TEXT_DIM);
    let fill = if on { theme::ACCENT.gamma_multiply(0.85) } else if response.hovered() { theme::HIGHLIGHT } else { theme::PANEL.gamma_multiply(1.4) };
    painter.rect(button, theme::RADIUS, fill, Stroke::new(1.0, theme::EDGE), egui::StrokeKind::Inside);
    let text_colour = if on { theme::BACKGROUND } else { theme::TEXT };
    painter.text(button.center(), Align2::CENTER_CENTER, if on { "On" } else { "Off" }, theme::body_font(), text_colour);
    response
}

/// A stepper for a stepped parameter filling `cell`: the value between "<" and ">"; click the
/// left half for the previous value, the right half for the next (wrapping round).
pub fn stepper<P: Param>(ui: &mut Ui, cell: Rect, setter: &ParamSetter, param: &P, label: &str) -> Response {
    let steps = param.step_count().unwrap_or(1).max(1);
    let box_rect = Rect::from_center_size(pos2(cell.center().x, cell.top() + 16.0 + 22.0), vec2(cell.width() - 8.0, 30.0));
    let response = ui
        .interact(box_rect, Id::unique(("stepper", param.name())), Sense::click())
        .on_hover_ui(|ui| {
            ui.label(format!("{}: click right for the next, left for the previous", param.name()));
        });
    if response.clicked() {
        let current = (param.unmodulated_normalized_value() * steps as f32).round() as usize;
        let left = response.interact_pointer_pos().is_some_and(|p| p.x < box_rect.center().x);
        let next = if left { (current + steps) % (steps + 1) } else { (current + 1) % (steps + 1) };
        setter.begin_set_parameter(param);
        setter.set_parameter_normalized(param, next as f32 / steps as f32);
        setter.end_set_parameter(param);
    }
    let painter = ui.painter();
    painter.text(pos2(cell.center().x, cell.top()), Align2::CENTER_TOP, label, theme::label_font(), theme::TEXT_DIM);
    let fill = if response.hovered() { theme::HIGHLIGHT } else { theme::PANEL.gamma_multiply(1.4) };
    painter.rect(box_rect, theme::RADIUS, fill, Stroke::new(1.0, theme::EDGE), egui::StrokeKind::Inside);
    let value = param.normalized_value_to_string(param.unmodulated_normalized_value(), true);
    let text = painter.text(box_rect.center(), Align2::CENTER_CENTER, value.trim(), theme::label_font(), theme::ACCENT);
    // The arrows only where they clear the value.
    if text.width() + 26.0 <= box_rect.width() {
        painter.text(box_rect.left_center() + vec2(6.0, 0.0), Align2::LEFT_CENTER, "<", theme::label_font(), theme::TEXT_DIM);
        painter.text(box_rect.right_center() - vec2(6.0, 0.0), Align2::RIGHT_CENTER, ">", theme::label_font(), theme::TEXT_DIM);
    }
    response
}
