//! The waveform view: the current pad's min/max overview with the live grain positions drawn over
//! it (positions read from the audio thread's lock-free [`GrainScope`](crate::scope::GrainScope)).

use egui::{Color32, Pos2, Rect, Sense, Stroke, Ui, Vec2};

use crate::mining::PadInfo;

const BACKGROUND: Color32 = Color32::from_rgb(24, 22, 30);
const WAVE: Color32 = Color32::from_rgb(232, 160, 96);
const GRAIN: Color32 = Color32::from_rgba_premultiplied(120, 200, 255, 160);
const POSITION: Color32 = Color32::from_rgb(255, 240, 200);

/// Draw `pad`'s waveform (or an empty frame) of `height` points, across the available width, with
/// a marker per grain position (0..1) and a line at the `position` parameter.
pub fn show(ui: &mut Ui, pad: Option<&PadInfo>, grain_positions: &[f32], position: f32, height: f32) {
    let width = ui.available_width();
    let (response, painter) = ui.allocate_painter(Vec2::new(width, height), Sense::hover());
    let rect = response.rect;
    painter.rect_filled(rect, 4.0, BACKGROUND);

    let Some(pad) = pad else {
        painter.text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            "no pad in this slot",
            egui::FontId::proportional(14.0),
            Color32::GRAY,
        );
        return;
    };

    let columns = pad.waveform.len().max(1);
    let mid_y = rect.center().y;
    let half_height = rect.height() * 0.45;
    let stroke = Stroke::new(1.0, WAVE);
    for (column, &(low, high)) in pad.waveform.iter().enumerate() {
        let x = column_x(rect, column, columns);
        let top = mid_y - high.clamp(-1.0, 1.0) * half_height;
        let bottom = mid_y - low.clamp(-1.0, 1.0) * half_height;
        painter.line_segment([Pos2::new(x, top), Pos2::new(x, bottom.max(top + 1.0))], stroke);
    }

    for &grain in grain_positions {
        if grain.is_finite() {
            let x = rect.left() + grain.clamp(0.0, 1.0) * rect.width();
            painter.circle_filled(Pos2::new(x, mid_y), 3.0, GRAIN);
        }
    }
    let x = rect.left() + position.clamp(0.0, 1.0) * rect.width();
    painter.vline(x, rect.y_range(), Stroke::new(1.5, POSITION));

    painter.text(
        rect.left_top() + Vec2::new(6.0, 4.0),
        egui::Align2::LEFT_TOP,
        &pad.name,
        egui::FontId::proportional(12.0),
        Color32::LIGHT_GRAY,
    );
}

/// Horizontal centre of `column` of `columns` across `rect`.
fn column_x(rect: Rect, column: usize, columns: usize) -> f32 {
    rect.left() + (column as f32 + 0.5) / columns as f32 * rect.width()
}
