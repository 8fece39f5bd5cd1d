//! The pad browser: every mined pad with its source, length, key and brightness, sortable by
//! any column and filtered by key and brightness. A pad cut from a layer of a busy mix (its
//! harmonic layer, drums taken out) carries a small tag with the layer's name beside its source. Clicking a pad makes it the sound source (the
//! `source` parameter, one host gesture); "All pads" lets the cloud draw from every pad.
//!
//! No grade column: the miner does not keep a pad's score once it is chosen, and a grade made
//! up here would not be honest.

use egui::{Align2, Color32, Rect, Sense, Shape, Stroke, Ui, UiBuilder, pos2, vec2};
use nice_plug::prelude::ParamSetter;

use engine::separate::Layer;

use super::probe::LayoutProbe;
use super::theme;
use crate::mining::PadInfo;
use crate::params::AfterglowParams;

const ROW_HEIGHT: f32 = 22.0;
/// Brightness bands, by mean spectral centroid (Hz).
const DARK_BELOW_HZ: f32 = 1200.0;
const BRIGHT_ABOVE_HZ: f32 = 3000.0;

/// Sortable columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Slot,
    Source,
    Length,
    Key,
    Brightness,
}

/// Brightness filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Brightness {
    Any,
    Dark,
    Mid,
    Bright,
}

impl Brightness {
    fn label(self) -> &'static str {
        match self {
            Self::Any => "Any brightness",
            Self::Dark => "Dark (< 1.2 kHz)",
            Self::Mid => "Mid",
            Self::Bright => "Bright (> 3 kHz)",
        }
    }

    fn admits(self, hz: f32) -> bool {
        match self {
            Self::Any => true,
            Self::Dark => hz < DARK_BELOW_HZ,
            Self::Mid => (DARK_BELOW_HZ..=BRIGHT_ABOVE_HZ).contains(&hz),
            Self::Bright => hz > BRIGHT_ABOVE_HZ,
        }
    }
}

/// The browser's sorting and filters.
#[derive(Debug)]
pub struct PadBrowser {
    pub sort: Column,
    pub ascending: bool,
    /// Only pads in this key ("A minor"), or all.
    pub key: Option<String>,
    pub brightness: Brightness,
    /// The source and number of pads last drawn: when either changes (the source from a knob,
    /// the host or a recalled project; pads arriving from the miner), the list scrolls the
    /// source's pad into view.
    last_source: Option<(i32, usize)>,
    /// Scratch: the rows shown, as indices into the pad list.
    rows: Vec<usize>,
    keys: Vec<String>,
}

impl Default for PadBrowser {
    fn default() -> Self {
        Self { sort: Column::Slot, ascending: true, key: None, brightness: Brightness::Any, last_source: None, rows: Vec::new(), keys: Vec::new() }
    }
}

/// The source file's name as the list shows it.
fn source_name(info: &PadInfo) -> &str {
    info.name.as_str()
}

impl PadBrowser {
    /// Indices of `pads` that pass the filters, in the chosen order.
    pub fn visible_rows(&mut self, pads: &[&PadInfo]) -> &[usize] {
        self.rows.clear();
        self.rows.extend((0..pads.len()).filter(|&i| {
            let pad = pads[i];
            self.key.as_ref().is_none_or(|key| &pad.key == key) && self.brightness.admits(pad.brightness_hz)
        }));
        let sort = self.sort;
        self.rows.sort_by(|&a, &b| {
            let (a, b) = (pads[a], pads[b]);
            let order = match sort {
                Column::Slot => a.slot.cmp(&b.slot),
                Column::Source => source_name(a).to_lowercase().cmp(&source_name(b).to_lowercase()),
                Column::Length => a.length_sec.total_cmp(&b.length_sec),
                Column::Key => a.key.cmp(&b.key),
                Column::Brightness => a.brightness_hz.total_cmp(&b.brightness_hz),
            };
            order.then(a.slot.cmp(&b.slot))
        });
        if !self.ascending {
            self.rows.reverse();
        }
        &self.rows
    }

    /// Draw the browser into `rect`.
    pub fn show(&mut self, ui: &mut Ui, rect: Rect, pads: &[&PadInfo], params: &AfterglowParams, setter: &ParamSetter, probe: &mut LayoutProbe) {
        let painter = ui.painter();
        painter.rect(rect, theme::RADIUS, theme::PANEL, Stroke::new(1.0, theme::EDGE), egui::StrokeKind::Inside);
        painter.text(rect.left_top() + vec2(10.0, 8.0), Align2::LEFT_TOP, "PADS", theme::group_font(), theme::ACCENT);
        let count = if pads.is_empty() { String::from("none yet") } else { format!("{} in the bank", pads.len()) };
        painter.text(rect.left_top() + vec2(56.0, 8.0), Align2::LEFT_TOP, count, theme::label_font(), theme::TEXT_DIM);

        // Filters.
        self.keys.clear();
        self.keys.extend(pads.iter().filter(|p| !p.key.is_empty()).map(|p| p.key.clone()));
        self.keys.sort();
        self.keys.dedup();
        let filters = Rect::from_min_size(rect.left_top() + vec2(8.0, 30.0), vec2(rect.width() - 16.0, 24.0));
        let mut child = ui.new_child(UiBuilder::new().max_rect(filters).layout(egui::Layout::left_to_right(egui::Align::Center)));
        let half = (filters.width() - 8.0) * 0.5;
        let key_label = self.key.clone().unwrap_or_else(|| String::from("Any key"));
        let key_box = egui::ComboBox::from_id_salt("key_filter").selected_text(key_label).width(half - 8.0).show_ui(&mut child, |ui| {
            ui.selectable_value(&mut self.key, None, "Any key");
            for key in &self.keys {
                ui.selectable_value(&mut self.key, Some(key.clone()), key);
            }
        });
        probe.record("Key filter", key_box.response.rect);
        let bright_box = egui::ComboBox::from_id_salt("brightness_filter").selected_text(self.brightness.label()).width(half - 8.0).show_ui(&mut child, |ui| {
            for band in [Brightness::Any, Brightness::Dark, Brightness::Mid, Brightness::Bright] {
                ui.selectable_value(&mut self.brightness, band, band.label());
            }
        });
        probe.record("Brightness filter", bright_box.response.rect);

        // Column heads: click to sort, again to reverse.
        let list = Rect::from_min_max(pos2(rect.left() + 6.0, filters.bottom() + 8.0), pos2(rect.right() - 6.0, rect.bottom() - 6.0));
        let columns = column_edges(list);
        let head = Rect::from_min_size(list.min, vec2(list.width(), ROW_HEIGHT));
        for (column, title, left, right) in columns {
            let cell = Rect::from_min_max(pos2(left, head.top()), pos2(right, head.bottom()));
            let response = ui.interact(cell, egui::Id::unique(("sort", title)), Sense::click()).on_hover_text("Sort by this column");
            if response.clicked() {
                if self.sort == column {
                    self.ascending = !self.ascending;
                } else {
                    (self.sort, self.ascending) = (column, true);
                }
            }
            let colour = if self.sort == column { theme::TEXT } else { theme::TEXT_DIM };
            let text = ui.painter().text(pos2(left + 4.0, head.center().y), Align2::LEFT_CENTER, title, theme::label_font(), colour);
            if self.sort == column {
                sort_arrow(ui.painter(), pos2(text.right() + 7.0, head.center().y), self.ascending, colour);
            }
        }
        ui.painter().hline(head.x_range(), head.bottom(), Stroke::new(1.0, theme::EDGE));
        probe.record("Pad list", list);

        let body = Rect::from_min_max(pos2(list.left(), head.bottom() + 2.0), list.max);
        let mut child = ui.new_child(UiBuilder::new().max_rect(body).layout(egui::Layout::top_down(egui::Align::Min)));
        let source = params.source.value();
        let reveal = self.last_source != Some((source, pads.len()));
        self.last_source = Some((source, pads.len()));
        let rows: Vec<usize> = self.visible_rows(pads).to_vec();
        egui::ScrollArea::vertical().id_salt("pad_rows").auto_shrink([false, false]).show(&mut child, |ui| {
            ui.spacing_mut().item_spacing.y = 0.0;
            if row(ui, body.width(), source == 0, |painter, r| {
                painter.text(pos2(r.left() + 4.0, r.center().y), Align2::LEFT_CENTER, "All pads: the cloud draws from every pad", theme::body_font(), theme::TEXT);
            })
            .clicked()
            {
                set_source(setter, params, 0);
            }
            if pads.is_empty() {
                ui.add_space(8.0);
                ui.label(egui::RichText::new("No mined pads yet: only the built-in texture plays. Pads appear here as the folder is mined.").color(theme::TEXT_DIM));
            } else if rows.is_empty() {
                ui.add_space(8.0);
                ui.label(egui::RichText::new("No pad matches these filters.").color(theme::TEXT_DIM));
            }
            for &index in &rows {
                let pad = pads[index];
                let number = i32::from(pad.slot) + 1;
                let response = row(ui, body.width(), source == number, |painter, r| draw_pad_row(painter, r, pad));
                if reveal && source == number {
                    response.scroll_to_me(Some(egui::Align::Center));
                }
                // The tooltip is only built when shown (no text per row per frame).
                let response = response.on_hover_ui(|ui| {
                    ui.label(pad_tooltip(pad));
                });
                if response.clicked() {
                    set_source(setter, params, number);
                }
            }
        });
    }
}

/// The columns' titles and horizontal extents inside `list`.
fn column_edges(list: Rect) -> [(Column, &'static str, f32, f32); 5] {
    let right = list.right();
    let bright = right - 50.0;
    let key = bright - 74.0;
    let length = key - 50.0;
    let source = list.left() + 26.0;
    [
        (Column::Slot, "#", list.left(), source),
        (Column::Source, "Source", source, length),
        (Column::Length, "Length", length, key),
        (Column::Key, "Key", key, bright),
        (Column::Brightness, "Bright", bright, right),
    ]
}

/// One clickable row, highlighted when `selected`.
fn row(ui: &mut Ui, width: f32, selected: bool, paint: impl FnOnce(&egui::Painter, Rect)) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(vec2(width, ROW_HEIGHT), Sense::click());
    if ui.is_rect_visible(rect) {
        let painter = ui.painter_at(rect);
        if selected {
            painter.rect_filled(rect, 3.0, theme::HIGHLIGHT);
            painter.rect_filled(Rect::from_min_size(rect.min, vec2(3.0, rect.height())), 1.0, theme::ACCENT);
        } else if response.hovered() {
            painter.rect_filled(rect, 3.0, theme::HIGHLIGHT.gamma_multiply(0.6));
        }
        paint(&painter, rect);
    }
    response
}

fn draw_pad_row(painter: &egui::Painter, rect: Rect, pad: &PadInfo) {
    let columns = column_edges(rect);
    let y = rect.center().y;
    let cell = |i: usize| (columns[i].2 + 4.0, columns[i].3 - 4.0);
    let text = |i: usize, text: &str, colour: Color32| {
        let (left, right) = cell(i);
        let mut job = egui::text::LayoutJob::single_section(text.to_owned(), egui::TextFormat { font_id: theme::body_font(), color: colour, ..Default::default() });
        job.wrap = egui::text::TextWrapping { max_width: (right - left).max(4.0), max_rows: 1, break_anywhere: true, overflow_character: Some('…') };
        let galley = painter.layout_job(job);
        painter.galley(pos2(left, y - galley.size().y * 0.5), galley, colour);
    };
    text(0, &(pad.slot + 1).to_string(), theme::TEXT_DIM);
    draw_source_cell(painter, cell(1), y, source_name(pad), pad.layer());
    text(2, &format!("{:.1} s", pad.length_sec), theme::TEXT);
    text(3, if pad.key.is_empty() { "?" } else { &pad.key }, theme::TEXT);
    if pad.brightness_hz > 0.0 {
        let (left, right) = cell(4);
        let share = ((pad.brightness_hz.max(100.0) / 100.0).log2() / (8000.0f32 / 100.0).log2()).clamp(0.05, 1.0);
        let bar = Rect::from_min_max(pos2(left, y + 6.0), pos2(left + (right - left) * share, y + 8.0));
        painter.rect_filled(bar, 1.0, theme::pitch_colour(12.0 * (2.0 * share - 1.0), 0.8));
        painter.text(pos2(left, y - 2.0), Align2::LEFT_CENTER, format!("{:.1}k", pad.brightness_hz / 1000.0), theme::label_font(), theme::TEXT);
    } else {
        text(4, "-", theme::TEXT_DIM);
    }
}

/// Gap between a pad's name and its layer tag, the tag's inner padding and its height, points.
const TAG_GAP: f32 = 6.0;
const TAG_PAD_X: f32 = 5.0;
const TAG_HEIGHT: f32 = 15.0;
/// Room a pad's name keeps beside a layer tag (a few letters of its file and its time, "@ 1:05"):
/// where the whole word would leave it less, the tag shrinks to the layer's initial ("H"; the
/// tooltip and the caption over the grain display say the word).
const MIN_NAME_WIDTH: f32 = 80.0;

/// The tag's text for `layer` in a Source cell `width` wide: its name, or its initial when the
/// name would leave the pad's own name less than [`MIN_NAME_WIDTH`].
fn tag_label(painter: &egui::Painter, layer: Layer, width: f32) -> std::sync::Arc<egui::Galley> {
    let word = painter.layout_no_wrap(layer.name().to_owned(), theme::tag_font(), theme::LAYER);
    if width - tag_width(&word) >= MIN_NAME_WIDTH {
        return word;
    }
    let initial: String = layer.name().chars().take(1).flat_map(char::to_uppercase).collect();
    painter.layout_no_wrap(initial, theme::tag_font(), theme::LAYER)
}

/// The room a tag with `label` takes beside a name, gap included.
fn tag_width(label: &egui::Galley) -> f32 {
    label.size().x + 2.0 * TAG_PAD_X + TAG_GAP
}

/// A Source cell between `left` and `right` (the bank's list and the archive's): a pad's `name`
/// ("file @ m:ss"), then its `layer`'s tag when it is not the mix. The tag is never cut: the name
/// gives way to it, and in a narrow column the tag shrinks to its initial. A name cut short keeps
/// its time ("take… @ 1:05"): that is what tells a file's pads apart.
pub(super) fn draw_source_cell(painter: &egui::Painter, (left, right): (f32, f32), y: f32, name: &str, layer: Layer) {
    let tag = (!layer.is_mix()).then(|| tag_label(painter, layer, right - left));
    let name_right = (right - tag.as_deref().map_or(0.0, tag_width)).max(left + 4.0);
    let name_width = draw_name(painter, name, left, name_right, y);
    if let Some(tag) = tag {
        let pill = Rect::from_min_size(pos2(left + name_width + TAG_GAP, y - TAG_HEIGHT * 0.5), vec2(tag.size().x + 2.0 * TAG_PAD_X, TAG_HEIGHT));
        painter.rect(pill, TAG_HEIGHT * 0.5, theme::LAYER.gamma_multiply(0.14), Stroke::new(1.0, theme::LAYER.gamma_multiply(0.45)), egui::StrokeKind::Inside);
        painter.galley(pos2(pill.left() + TAG_PAD_X, y - tag.size().y * 0.5), tag, theme::LAYER);
    }
}

/// Draw `name` from `left`, within `right`, and return its width. When it does not fit, the part
/// before " @ " (the file) is cut short with an ellipsis and the time from the "@" on kept, as
/// long as the file keeps a few letters; otherwise the end is cut.
fn draw_name(painter: &egui::Painter, name: &str, left: f32, right: f32, y: f32) -> f32 {
    /// Least width the file's part keeps before the time, points.
    const MIN_STEM_WIDTH: f32 = 28.0;
    let layout = |text: &str, max_width: f32| {
        let mut job = egui::text::LayoutJob::single_section(text.to_owned(), egui::TextFormat { font_id: theme::body_font(), color: theme::TEXT, ..Default::default() });
        job.wrap = egui::text::TextWrapping { max_width: max_width.max(4.0), max_rows: 1, break_anywhere: true, overflow_character: Some('…') };
        painter.layout_job(job)
    };
    let whole = layout(name, right - left);
    let split = name.rfind(" @ ").map(|at| name.split_at(at));
    let Some((stem, time)) = split.filter(|_| whole.elided) else {
        let width = whole.size().x;
        painter.galley(pos2(left, y - whole.size().y * 0.5), whole, theme::TEXT);
        return width;
    };
    let time = painter.layout_no_wrap(time.trim_start().to_owned(), theme::body_font(), theme::TEXT);
    let space = painter.layout_no_wrap(String::from(" "), theme::body_font(), theme::TEXT).size().x;
    let stem_room = right - left - time.size().x - space;
    if stem_room < MIN_STEM_WIDTH {
        let width = whole.size().x;
        painter.galley(pos2(left, y - whole.size().y * 0.5), whole, theme::TEXT);
        return width;
    }
    let stem = layout(stem, stem_room);
    let time_left = left + stem.size().x + space;
    let width = time_left + time.size().x - left;
    painter.galley(pos2(left, y - stem.size().y * 0.5), stem, theme::TEXT);
    painter.galley(pos2(time_left, y - time.size().y * 0.5), time, theme::TEXT);
    width
}

/// What a tooltip says of a pad's layer (a line of its own), or nothing for the mix.
pub(super) fn layer_note(layer: Layer) -> &'static str {
    match layer {
        Layer::Mix => "",
        Layer::Harmonic => "\nLayer: harmonic (the file's sustained, pitched part, its drums taken out: the mix was too busy for a pad)",
        Layer::Percussive => "\nLayer: percussive (the file's attacks and drums, separated from the rest)",
        Layer::Residual => "\nLayer: residual (what is neither sustained nor an attack: noise, breath, tails)",
    }
}

fn pad_tooltip(pad: &PadInfo) -> String {
    let file = pad.source_path.as_ref().map_or_else(|| String::from("built-in texture"), |p| p.display().to_string());
    format!(
        "Pad {}: {}\n{:.1} s from {:.1} s into the file{}\nKey: {}\nBrightness: {:.0} Hz mean spectral centroid\nClick to play this pad",
        pad.slot + 1,
        file,
        pad.length_sec,
        pad.start_sec,
        layer_note(pad.layer()),
        if pad.key.is_empty() { "unknown" } else { &pad.key },
        pad.brightness_hz
    )
}

/// A small triangle: up for ascending, down for descending.
fn sort_arrow(painter: &egui::Painter, centre: egui::Pos2, ascending: bool, colour: Color32) {
    let (tip, base) = if ascending { (-3.5, 3.0) } else { (3.5, -3.0) };
    let points = vec![centre + vec2(0.0, tip), centre + vec2(-4.0, base), centre + vec2(4.0, base)];
    painter.add(Shape::convex_polygon(points, colour, Stroke::NONE));
}

/// Select pad `number` (0 = all) as a host-visible parameter change.
pub fn set_source(setter: &ParamSetter, params: &AfterglowParams, number: i32) {
    setter.begin_set_parameter(&params.source);
    setter.set_parameter(&params.source, number);
    setter.end_set_parameter(&params.source);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pad(slot: u16, key: &str, brightness_hz: f32, length_sec: f32) -> PadInfo {
        PadInfo {
            slot,
            pad_id: u64::from(slot),
            name: format!("take {slot}"),
            source_path: None,
            start_sec: 0.0,
            length_sec,
            key: key.to_owned(),
            brightness_hz,
            waveform: Vec::new(),
            recipe_source: engine::recipe::RecipeSource::builtin(),
        }
    }

    #[test]
    fn sorts_and_filters() {
        let pads = [pad(0, "A minor", 900.0, 8.0), pad(1, "C major", 3500.0, 4.0), pad(2, "A minor", 2000.0, 6.0)];
        let refs: Vec<&PadInfo> = pads.iter().collect();
        let mut browser = PadBrowser::default();
        assert_eq!(browser.visible_rows(&refs), &[0, 1, 2]);
        browser.sort = Column::Length;
        assert_eq!(browser.visible_rows(&refs), &[1, 2, 0]);
        browser.ascending = false;
        browser.sort = Column::Brightness;
        assert_eq!(browser.visible_rows(&refs), &[1, 2, 0]);
        browser.key = Some(String::from("A minor"));
        assert_eq!(browser.visible_rows(&refs), &[2, 0]);
        browser.brightness = Brightness::Dark;
        assert_eq!(browser.visible_rows(&refs), &[0]);
    }
}
