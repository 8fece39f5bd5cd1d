//! The editor's look: a dark, warm palette (ember on violet-grey), type sizes and egui's style,
//! set once when the window opens.

use egui::{Color32, FontId, Stroke, Theme};

/// Window background.
pub const BACKGROUND: Color32 = Color32::from_rgb(21, 19, 26);
/// Group cards and the waveform's ground.
pub const PANEL: Color32 = Color32::from_rgb(32, 29, 39);
/// Edges of cards and tracks of knobs.
pub const EDGE: Color32 = Color32::from_rgb(54, 49, 64);
/// A selected row, a hovered control.
pub const HIGHLIGHT: Color32 = Color32::from_rgb(66, 55, 64);
/// Main text.
pub const TEXT: Color32 = Color32::from_rgb(236, 230, 220);
/// Labels and secondary text.
pub const TEXT_DIM: Color32 = Color32::from_rgb(160, 152, 168);
/// Values, arcs, the play head: the ember.
pub const ACCENT: Color32 = Color32::from_rgb(242, 162, 82);
/// The waveform itself (opaque: its columns must not blend where they meet).
pub const WAVE: Color32 = Color32::from_rgb(98, 86, 116);
/// Errors and clipping.
pub const WARN: Color32 = Color32::from_rgb(255, 128, 104);
/// Good news (a folder mined, a recipe written).
pub const OK: Color32 = Color32::from_rgb(140, 208, 150);
/// A pad's layer tag ("harmonic"): a cool tint beside the warm palette, so it reads as a property
/// of the pad, not as a selection or a warning.
pub const LAYER: Color32 = Color32::from_rgb(150, 190, 224);

/// Outer margin of the window and gap between regions, points.
pub const MARGIN: f32 = 14.0;
pub const GAP: f32 = 10.0;
/// Corner radius of cards.
pub const RADIUS: f32 = 6.0;

/// The heading ("AFTERGLOW").
pub fn title_font() -> FontId {
    FontId::proportional(20.0)
}

/// Group titles ("SOURCE").
pub fn group_font() -> FontId {
    FontId::proportional(13.0)
}

/// Body text: status lines, list rows.
pub fn body_font() -> FontId {
    FontId::proportional(13.5)
}

/// Labels under knobs, column heads.
pub fn label_font() -> FontId {
    FontId::proportional(12.0)
}

/// Small tags inside list rows (a pad's layer).
pub fn tag_font() -> FontId {
    FontId::proportional(11.0)
}

/// Values under knobs.
pub fn value_font(size: f32) -> FontId {
    FontId::proportional(size)
}

/// The colour of a grain `pitch_semitones` away from its pad's pitch: cool blue an octave or
/// more down, the ember at the pad's own pitch, pale gold an octave or more up.
pub fn pitch_colour(pitch_semitones: f32, alpha: f32) -> Color32 {
    let t = (pitch_semitones / 12.0).clamp(-1.0, 1.0);
    let (low, mid, high) = ([110.0, 170.0, 255.0], [242.0, 162.0, 82.0], [255.0, 236.0, 170.0]);
    let (from, to, f) = if t < 0.0 { (mid, low, -t) } else { (mid, high, t) };
    let mix = |i: usize| (from[i] + (to[i] - from[i]) * f) as u8;
    Color32::from_rgba_unmultiplied(mix(0), mix(1), mix(2), (alpha.clamp(0.0, 1.0) * 255.0) as u8)
}

/// Set egui's style for the editor. Not realtime-safe: allocates.
pub fn apply(ctx: &egui::Context) {
    ctx.set_theme(Theme::Dark);
    ctx.all_styles_mut(|style| {
        let visuals = &mut style.visuals;
        visuals.panel_fill = BACKGROUND;
        visuals.window_fill = PANEL;
        visuals.extreme_bg_color = Color32::from_rgb(16, 14, 20);
        visuals.override_text_color = Some(TEXT);
        visuals.selection.bg_fill = Color32::from_rgb(120, 78, 46);
        visuals.selection.stroke = Stroke::new(1.0, ACCENT);
        visuals.widgets.noninteractive.bg_stroke = Stroke::new(1.0, EDGE);
        visuals.widgets.inactive.bg_fill = Color32::from_rgb(48, 43, 58);
        visuals.widgets.inactive.weak_bg_fill = Color32::from_rgb(48, 43, 58);
        visuals.widgets.hovered.weak_bg_fill = HIGHLIGHT;
        visuals.widgets.hovered.bg_fill = HIGHLIGHT;
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(10.0, 4.0);
        style.spacing.interact_size.y = 24.0;
        for (text_style, font) in style.text_styles.iter_mut() {
            font.size = match text_style {
                egui::TextStyle::Heading => 20.0,
                egui::TextStyle::Small => 11.5,
                egui::TextStyle::Monospace => 12.5,
                _ => 13.5,
            };
        }
    });
}
