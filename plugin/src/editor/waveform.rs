//! The grain display: the current pad's waveform, the range grains start in (position and
//! spray, shaded), and every sounding grain drawn as it plays: a bar over the part of the pad it
//! reads, placed higher the higher it is pitched and coloured by pitch, brightest mid-life, with a
//! dot at its read head.
//!
//! Drag sideways to set Position and up or down to set Spray (one host gesture per drag);
//! double-click resets both.

use egui::text::{LayoutJob, TextFormat, TextWrapping};
use egui::{Align2, Color32, Id, Rect, Response, Sense, Stroke, Ui, pos2, vec2};
use nice_plug::prelude::{Param, ParamSetter};

use super::theme;
use crate::mining::PadInfo;
use crate::params::AfterglowParams;
use crate::audio::scope::ScopeGrain;

/// Pitch range shown from the middle line to the top or bottom, semitones.
const PITCH_RANGE_SEMITONES: f32 = 24.0;

/// What the display shows this frame.
pub struct WaveformView<'a> {
    /// The pad drawn, if any.
    pub pad: Option<&'a PadInfo>,
    /// Its bank slot: only its grains are drawn.
    pub slot: u16,
    /// Every sounding grain.
    pub grains: &'a [ScopeGrain],
    /// How far the read position has travelled from Position (see `GrainScope::travel`).
    pub travel: engine::texture::Travel,
    /// Caption above the waveform, left (which pad) and right (what its grains do).
    pub caption: &'a str,
    pub status: &'a str,
    /// Said in the middle when there is no pad to draw.
    pub empty_message: &'a str,
}

/// Draw the display into `rect` and handle drags on it.
pub fn show(ui: &mut Ui, rect: Rect, view: &WaveformView, params: &AfterglowParams, setter: &ParamSetter) -> Response {
    let response = ui.interact(rect, Id::unique("waveform"), Sense::click_and_drag());
    let painter = ui.painter_at(rect);
    painter.rect(rect, theme::RADIUS, theme::PANEL, Stroke::new(1.0, theme::EDGE), egui::StrokeKind::Inside);
    // The caption's right part (grain count, motion) always shows; its left part (which pad)
    // is cut with an ellipsis when the display is narrow.
    let status = painter.text(rect.right_top() + vec2(-12.0, 8.0), Align2::RIGHT_TOP, view.status, theme::body_font(), theme::TEXT_DIM);
    let mut job = LayoutJob::single_section(view.caption.to_owned(), TextFormat { font_id: theme::body_font(), color: theme::TEXT, ..Default::default() });
    job.wrap = TextWrapping { max_width: (status.left() - rect.left() - 28.0).max(10.0), max_rows: 1, break_anywhere: true, overflow_character: Some('…') };
    painter.galley(rect.left_top() + vec2(12.0, 8.0), painter.layout_job(job), theme::TEXT);

    let plot = Rect::from_min_max(rect.min + vec2(10.0, 32.0), rect.max - vec2(10.0, 26.0));
    let Some(pad) = view.pad else {
        let galley = painter.layout(view.empty_message.to_owned(), theme::body_font(), theme::TEXT_DIM, plot.width() - 40.0);
        let at = plot.center() - galley.size() * 0.5;
        painter.galley(at, galley, theme::TEXT_DIM);
        return response;
    };

    // The start of the range grains are drawn from: Position plus the drift or the scan.
    let drift = view.travel.fraction_of(f64::from(pad.length_sec)).rem_euclid(1.0) as f32;
    let centre = (params.position.value() + drift).rem_euclid(1.0);
    drag(&response, plot, drift, params, setter);

    let x = |u: f32| plot.left() + u.clamp(0.0, 1.0) * plot.width();
    let spray = params.position_spray.value();
    shade_wrapped(&painter, plot, centre - 0.5 * spray, centre + 0.5 * spray, x);

    // Quiet pads are drawn as large as loud ones (up to 24 dB of display gain): the shape of
    // the sound matters here, its level is on the meter.
    let peak = pad.waveform.iter().fold(0.0f32, |peak, &(low, high)| peak.max(low.abs()).max(high.abs()));
    let display_gain = 1.0 / peak.max(1.0 / 16.0);
    let mid_y = plot.center().y;
    let half = plot.height() * 0.45 * display_gain;
    // One opaque bar per overview column, edge to edge (no overlaps, so no seams).
    let columns = pad.waveform.len().max(1);
    let column_width = plot.width() / columns as f32;
    for (column, &(low, high)) in pad.waveform.iter().enumerate() {
        let left = plot.left() + column as f32 * column_width;
        let top = mid_y - high.clamp(-peak, peak) * half;
        let bottom = (mid_y - low.clamp(-peak, peak) * half).max(top + 1.0);
        painter.rect_filled(Rect::from_min_max(pos2(left, top), pos2(left + column_width, bottom)), 0.0, theme::WAVE);
    }
    painter.hline(plot.x_range(), mid_y, Stroke::new(1.0, theme::EDGE));

    // Grains of other pads (with "All pads") read at the same share of their own pads: drawn
    // faintly, under this pad's own grains.
    for grain in view.grains.iter().filter(|g| g.slot != view.slot && g.position.is_finite()) {
        draw_grain(&painter, plot, grain, &x, 0.6);
    }
    for grain in view.grains.iter().filter(|g| g.slot == view.slot && g.position.is_finite()) {
        draw_grain(&painter, plot, grain, &x, 1.0);
    }
    painter.vline(x(centre), plot.y_range(), Stroke::new(1.5, theme::ACCENT));

    let hint = "drag sideways: Position   up/down: Spray   double-click: reset";
    painter.text(pos2(rect.left() + 12.0, rect.bottom() - 6.0), Align2::LEFT_BOTTOM, hint, theme::label_font(), theme::TEXT_DIM);
    response
}

/// One grain: a bar over what it reads, at the height of its pitch, and its read head, at
/// `opacity` (0..1).
fn draw_grain(painter: &egui::Painter, plot: Rect, grain: &ScopeGrain, x: &impl Fn(f32) -> f32, opacity: f32) {
    let pitch = grain.pitch_semitones.clamp(-PITCH_RANGE_SEMITONES, PITCH_RANGE_SEMITONES);
    let y = plot.center().y - pitch / PITCH_RANGE_SEMITONES * plot.height() * 0.45;
    // Bright mid-life, faint at birth and death, like its window.
    let life = (grain.age.clamp(0.0, 1.0) * std::f32::consts::PI).sin();
    let colour = theme::pitch_colour(pitch, (0.25 + 0.6 * life) * opacity);
    let read = if grain.reverse { -grain.age } else { grain.age } * grain.span;
    let start = grain.position - read;
    let end = start + if grain.reverse { -grain.span } else { grain.span };
    let (low, high) = if start <= end { (start, end) } else { (end, start) };
    let height = 5.0 + 7.0 * life;
    for (a, b) in wrapped(low, high) {
        let bar = Rect::from_min_max(pos2(x(a), y - height * 0.5), pos2(x(b).max(x(a) + 3.0), y + height * 0.5));
        // A soft halo, then the grain.
        painter.rect_filled(bar.expand(3.0), 5.0, colour.gamma_multiply(0.25));
        painter.rect_filled(bar, 3.0, colour);
    }
    let head = pos2(x(grain.position.rem_euclid(1.0)), y);
    painter.circle_filled(head, 2.5 + 2.0 * life, theme::pitch_colour(pitch, (0.6 + 0.4 * life) * opacity));
}

/// The parts of `low..high` (any real numbers, less than one apart) folded into 0..1.
fn wrapped(low: f32, high: f32) -> impl Iterator<Item = (f32, f32)> {
    let shift = low.floor();
    let (low, high) = (low - shift, (high - shift).min(low - shift + 1.0));
    let first = (low, high.min(1.0));
    let second = (high > 1.0).then_some((0.0, high - 1.0));
    std::iter::once(first).chain(second)
}

/// Shade the start range `low..high` (wrapping round the pad).
fn shade_wrapped(painter: &egui::Painter, plot: Rect, low: f32, high: f32, x: impl Fn(f32) -> f32) {
    let fill = Color32::from_rgba_unmultiplied(242, 162, 82, 34);
    if high - low >= 1.0 {
        painter.rect_filled(plot, 0.0, fill);
        return;
    }
    for (a, b) in wrapped(low, high) {
        painter.rect_filled(Rect::from_min_max(pos2(x(a), plot.top()), pos2(x(b), plot.bottom())), 0.0, fill);
    }
}

/// Drag: x sets Position (so grains start where the pointer is), y changes Spray.
fn drag(response: &Response, plot: Rect, drift: f32, params: &AfterglowParams, setter: &ParamSetter) {
    let (position, spray) = (&params.position, &params.position_spray);
    if response.double_clicked() {
        for param in [position, spray] {
            setter.begin_set_parameter(param);
            setter.set_parameter_normalized(param, param.default_normalized_value());
            setter.end_set_parameter(param);
        }
        return;
    }
    if response.drag_started() {
        setter.begin_set_parameter(position);
        setter.begin_set_parameter(spray);
    }
    if response.dragged()
        && let Some(pointer) = response.interact_pointer_pos()
    {
        let at = ((pointer.x - plot.left()) / plot.width()).clamp(0.0, 1.0);
        setter.set_parameter(position, (at - drift).rem_euclid(1.0).min(1.0));
        let dy = response.drag_delta().y;
        if dy != 0.0 {
            let next = (spray.unmodulated_normalized_value() - dy / plot.height().max(1.0)).clamp(0.0, 1.0);
            setter.set_parameter_normalized(spray, next);
        }
    }
    if response.drag_stopped() {
        setter.end_set_parameter(position);
        setter.end_set_parameter(spray);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_fold_round_the_pad() {
        assert_eq!(wrapped(0.2, 0.4).collect::<Vec<_>>(), vec![(0.2, 0.4)]);
        let parts: Vec<_> = wrapped(0.9, 1.1).collect();
        assert_eq!(parts.len(), 2);
        assert!((parts[0].0 - 0.9).abs() < 1e-6 && (parts[1].1 - 0.1).abs() < 1e-6);
        let parts: Vec<_> = wrapped(-0.1, 0.1).collect();
        assert!((parts[0].0 - 0.9).abs() < 1e-6 && parts[0].1 == 1.0 && (parts[1].1 - 0.1).abs() < 1e-6);
    }
}
