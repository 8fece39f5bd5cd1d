//! The pad browser's Archive view: every pad of the shared catalogue (what `afterglow scan` and
//! mining here have found), filtered by key, brightness, grade and source file, ranked by the
//! miner's score or, after "More like this", by distance to one pad: overall, or by one aspect a
//! musician names (timbre, pitch and key, brightness, loudness contour), each pad's distance in
//! every aspect in its tooltip. "Load" (or a double click) asks the mining thread to cut that pad
//! into the bank; the bank is the working set.
//!
//! The queries run on the catalogue reader's thread ([`crate::mining::archive_browser`]); this
//! view only posts them and copies the answer without blocking.

use egui::{Align2, Rect, Sense, Stroke, Ui, UiBuilder, pos2, vec2};

use super::probe::LayoutProbe;
use super::theme;
use crate::mining::{ArchiveQuery, ArchiveShared, ArchiveSnapshot, ArchiveState, LoadRequest, MiningSnapshot};
use catalogue::{Aspect, Brightness, PadRow};
use engine::separate::Layer;

const ROW_HEIGHT: f32 = 22.0;
/// Width of the "more like this" aspect chooser and of the button that ends it, logical points.
const LIKE_BY_WIDTH: f32 = 112.0;
const LIKE_CLEAR_WIDTH: f32 = 24.0;
/// Tonic names offered by the key filter (the catalogue reads any spelling).
const TONICS: [&str; 12] = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"];
/// Grade letters offered by the grade filter.
const GRADES: [&str; 4] = ["A", "B", "C", "D"];

/// The Archive view's filters, selection and latest answer.
#[derive(Debug, Default)]
pub struct ArchiveView {
    /// The filters as edited.
    query: ArchiveQuery,
    /// The query last posted (a change posts a new one).
    asked: Option<ArchiveQuery>,
    /// The selected row: (catalogue id, path).
    selected: Option<(String, String)>,
    snapshot: ArchiveSnapshot,
    /// Ask "more like this" of the first pad listed, once (`AFTERGLOW_EDITOR_BROWSER=archive-like`,
    /// for screenshots of that state).
    like_first_listed: bool,
}

/// What "more like this" ranks by, as the chooser's list names it.
fn like_by_name(like_by: Option<Aspect>) -> &'static str {
    match like_by {
        None => "Overall",
        Some(Aspect::Timbre) => "Timbre",
        Some(Aspect::Pitch) => "Pitch and key",
        Some(Aspect::Brightness) => "Brightness",
        Some(Aspect::Loudness) => "Loudness contour",
    }
}

/// The chooser's own text: what the list is ranked by, short enough for the narrowest panel.
fn like_by_label(like_by: Option<Aspect>) -> &'static str {
    match like_by {
        None => "Like: overall",
        Some(Aspect::Timbre) => "Like: timbre",
        Some(Aspect::Pitch) => "Like: pitch",
        Some(Aspect::Brightness) => "Like: brightness",
        Some(Aspect::Loudness) => "Like: loudness",
    }
}

/// "stem @ m:ss" of a row.
fn row_name(row: &PadRow) -> String {
    let stem = std::path::Path::new(&row.path).file_stem().map_or_else(|| row.path.clone(), |s| s.to_string_lossy().into_owned());
    format!("{stem} @ {}", crate::mining::format_minutes_seconds(row.start_sec as f32))
}

/// The layer a catalogued pad is cut from (its region id says it).
fn row_layer(row: &PadRow) -> Layer {
    catalogue::store::layer_of_region_id(&row.id)
}

/// The key as musicians read it ("A minor"), from the catalogue's short form ("Amin").
fn key_name(row: &PadRow) -> String {
    row.key.as_deref().and_then(engine::analysis::Key::parse).map_or_else(|| String::from("?"), |k| k.to_string())
}

impl ArchiveView {
    /// Rank the list by likeness to the pad `id` (its catalogue id), as "More like this" does.
    pub fn ask_like(&mut self, id: &str) {
        self.query.like = Some(id.to_owned());
    }

    /// The view as `AFTERGLOW_EDITOR_BROWSER` asks for it (see [`super::browser_tabs::BrowserView::from_env`]).
    pub fn from_env() -> Self {
        Self { like_first_listed: std::env::var("AFTERGLOW_EDITOR_BROWSER").as_deref() == Ok("archive-like"), ..Self::default() }
    }

    /// Draw the view into `rect`. `replace_slot` is the selected bank slot, which a loaded pad
    /// replaces when the bank is full.
    pub fn show(&mut self, ui: &mut Ui, rect: Rect, archive: &ArchiveShared, mining: &MiningSnapshot, replace_slot: Option<u16>, probe: &mut LayoutProbe) {
        archive.try_copy_into(&mut self.snapshot);
        if self.like_first_listed
            && self.snapshot.state == ArchiveState::Ready
            && let Some(first) = self.snapshot.rows.first()
        {
            let first = first.id.clone();
            self.ask_like(&first);
            self.like_first_listed = false;
        }
        if self.asked.as_ref() != Some(&self.query) {
            archive.request(self.query.clone());
            self.asked = Some(self.query.clone());
        }
        if mining.catalogue_message.starts_with("Catalogue:") && self.snapshot.state == ArchiveState::NoCatalogue {
            // Mining here just created the catalogue: look again.
            archive.refresh();
        }
        let painter = ui.painter();
        painter.rect(rect, theme::RADIUS, theme::PANEL, Stroke::new(1.0, theme::EDGE), egui::StrokeKind::Inside);
        painter.text(rect.left_top() + vec2(10.0, 8.0), Align2::LEFT_TOP, "PADS", theme::group_font(), theme::ACCENT);
        painter.text(rect.left_top() + vec2(56.0, 8.0), Align2::LEFT_TOP, self.count_text(), theme::label_font(), theme::TEXT_DIM);

        let filters = Rect::from_min_size(rect.left_top() + vec2(8.0, 30.0), vec2(rect.width() - 16.0, 24.0));
        self.filter_row(ui, filters, probe);
        let source_row = filters.translate(vec2(0.0, 28.0));
        self.source_row(ui, source_row, probe);

        let actions = Rect::from_min_max(pos2(rect.left() + 8.0, rect.bottom() - 50.0), pos2(rect.right() - 8.0, rect.bottom() - 6.0));
        let list = Rect::from_min_max(pos2(rect.left() + 6.0, source_row.bottom() + 6.0), pos2(rect.right() - 6.0, actions.top() - 4.0));
        self.list(ui, list, archive, replace_slot, probe);
        self.actions(ui, actions, archive, mining, replace_slot, probe);
    }

    fn count_text(&self) -> String {
        let s = &self.snapshot;
        match s.state {
            ArchiveState::Idle | ArchiveState::Running => String::from("searching the catalogue…"),
            ArchiveState::NoCatalogue => String::from("no catalogue yet"),
            ArchiveState::Failed => String::from("catalogue unreadable"),
            ArchiveState::Ready if s.rows.len() < s.num_pads => format!("{} of {} catalogued pads", s.rows.len(), s.num_pads),
            ArchiveState::Ready => format!("{} catalogued pads", s.rows.len()),
        }
    }

    /// Key, brightness and grade.
    fn filter_row(&mut self, ui: &mut Ui, rect: Rect, probe: &mut LayoutProbe) {
        let mut child = ui.new_child(UiBuilder::new().max_rect(rect).layout(egui::Layout::left_to_right(egui::Align::Center)));
        let third = (rect.width() - 16.0) / 3.0 - 8.0;
        // Unset, each names its filter (the narrowest panel has room for a word each).
        let key_label = self.query.key.clone().unwrap_or_else(|| String::from("Key"));
        let key_box = fixed_combo(&mut child, third, egui::ComboBox::from_id_salt("archive_key").selected_text(key_label), |ui| {
            ui.selectable_value(&mut self.query.key, None, "Any key");
            for tonic in TONICS {
                for mode in ["major", "minor"] {
                    let name = format!("{tonic} {mode}");
                    ui.selectable_value(&mut self.query.key, Some(name.clone()), name);
                }
            }
        });
        probe.record("Archive key filter", key_box.rect);
        let bright_label = self.query.brightness.map_or("Bright", Brightness::name);
        let bright_box = fixed_combo(&mut child, third, egui::ComboBox::from_id_salt("archive_brightness").selected_text(bright_label), |ui| {
            ui.selectable_value(&mut self.query.brightness, None, "Any brightness");
            for band in [Brightness::Dark, Brightness::Mid, Brightness::Bright] {
                ui.selectable_value(&mut self.query.brightness, Some(band), band.name());
            }
        });
        probe.record("Archive brightness filter", bright_box.rect);
        let grade_label = self.query.grade.as_deref().map_or_else(|| String::from("Grade"), |g| format!("Grade {g}"));
        let grade_box = fixed_combo(&mut child, third, egui::ComboBox::from_id_salt("archive_grade").selected_text(grade_label), |ui| {
            ui.selectable_value(&mut self.query.grade, None, "Any grade");
            for grade in GRADES {
                ui.selectable_value(&mut self.query.grade, Some(grade.to_owned()), format!("Grade {grade} (graded pads only)"));
            }
        });
        probe.record("Archive grade filter", grade_box.rect);
    }

    /// The source text, and the "more like" pad with what it ranks by and a button to drop it.
    fn source_row(&mut self, ui: &mut Ui, rect: Rect, probe: &mut LayoutProbe) {
        let mut child = ui.new_child(UiBuilder::new().max_rect(rect).layout(egui::Layout::left_to_right(egui::Align::Center)));
        let like_width = if self.query.like.is_some() { LIKE_CLEAR_WIDTH + LIKE_BY_WIDTH + 2.0 * child.spacing().item_spacing.x + 16.0 } else { 0.0 };
        let field = child.add(
            egui::TextEdit::singleline(&mut self.query.source_text)
                .hint_text("Source file contains…")
                .desired_width((rect.width() - like_width - 8.0).max(60.0)),
        );
        probe.record("Archive source filter", field.rect);
        if let Some(like) = self.query.like.clone() {
            let by = egui::ComboBox::from_id_salt("archive_like_by").selected_text(like_by_label(self.query.like_by));
            let by = fixed_combo(&mut child, LIKE_BY_WIDTH, by, |ui| {
                for like_by in [None, Some(Aspect::Timbre), Some(Aspect::Pitch), Some(Aspect::Brightness), Some(Aspect::Loudness)] {
                    ui.selectable_value(&mut self.query.like_by, like_by, like_by_name(like_by));
                }
            });
            let by = by.on_hover_text(format!(
                "Ordered by distance to pad {like} (listed first): overall, every aspect counting the same, or one aspect"
            ));
            probe.record("Archive like by", by.rect);
            let clear = child.add_sized(vec2(LIKE_CLEAR_WIDTH, by.rect.height()), egui::Button::new("×"));
            let clear = clear.on_hover_text("Rank by the miner's score again");
            probe.record("Archive like clear", clear.rect);
            if clear.clicked() {
                self.query.like = None;
            }
        }
    }

    /// The matching pads; click selects, double click loads, right click offers both.
    fn list(&mut self, ui: &mut Ui, list: Rect, archive: &ArchiveShared, replace_slot: Option<u16>, probe: &mut LayoutProbe) {
        let columns = column_edges(list);
        let head = Rect::from_min_size(list.min, vec2(list.width(), ROW_HEIGHT));
        let score_title = if self.snapshot.query.like.is_some() { "Dist." } else { "Score" };
        for (index, (title, left, _)) in columns.iter().enumerate() {
            let title = if index == 4 { score_title } else { title };
            ui.painter().text(pos2(left + 4.0, head.center().y), Align2::LEFT_CENTER, title, theme::label_font(), theme::TEXT_DIM);
        }
        ui.painter().hline(head.x_range(), head.bottom(), Stroke::new(1.0, theme::EDGE));
        probe.record("Archive list", list);

        let body = Rect::from_min_max(pos2(list.left(), head.bottom() + 2.0), list.max);
        let mut child = ui.new_child(UiBuilder::new().max_rect(body).layout(egui::Layout::top_down(egui::Align::Min)));
        let mut load = None;
        let mut like = None;
        let snapshot = &self.snapshot;
        let selected = &mut self.selected;
        egui::ScrollArea::vertical().id_salt("archive_rows").auto_shrink([false, false]).show_rows(&mut child, ROW_HEIGHT, snapshot.rows.len().max(1), |ui, range| {
            ui.spacing_mut().item_spacing.y = 0.0;
            if snapshot.rows.is_empty() {
                ui.add_space(8.0);
                ui.label(egui::RichText::new(empty_text(snapshot)).color(theme::TEXT_DIM));
                return;
            }
            for row in &snapshot.rows[range.start..range.end.min(snapshot.rows.len())] {
                let is_selected = selected.as_ref().is_some_and(|(id, path)| *id == row.id && *path == row.path);
                let (rect, response) = ui.allocate_exact_size(vec2(body.width(), ROW_HEIGHT), Sense::click());
                if ui.is_rect_visible(rect) {
                    draw_row(&ui.painter_at(rect), rect, row, is_selected, response.hovered());
                }
                let response = response.on_hover_ui(|ui| {
                    ui.label(row_tooltip(row));
                });
                if response.clicked() {
                    *selected = Some((row.id.clone(), row.path.clone()));
                }
                if response.double_clicked() {
                    load = Some(row.clone());
                }
                response.context_menu(|ui| {
                    if ui.button("Load into the bank").clicked() {
                        load = Some(row.clone());
                        ui.close();
                    }
                    if ui.button("More like this").clicked() {
                        like = Some(row.id.clone());
                        ui.close();
                    }
                });
            }
        });
        if let Some(row) = load {
            archive.request_load(LoadRequest { row, replace_slot });
        }
        if let Some(id) = like {
            self.ask_like(&id);
        }
    }

    /// Load and More like this for the selected row, and the last word on loading or cataloguing.
    fn actions(&mut self, ui: &mut Ui, rect: Rect, archive: &ArchiveShared, mining: &MiningSnapshot, replace_slot: Option<u16>, probe: &mut LayoutProbe) {
        let chosen = self
            .selected
            .as_ref()
            .and_then(|(id, path)| self.snapshot.rows.iter().find(|r| r.id == *id && r.path == *path))
            .cloned();
        let mut child = ui.new_child(UiBuilder::new().max_rect(rect).layout(egui::Layout::top_down(egui::Align::Min)));
        child.horizontal(|ui| {
            let load = ui.add_enabled(chosen.is_some(), egui::Button::new("Load into the bank"));
            let load = load.on_hover_text("Cut this pad from its file (only its region is decoded) into a free slot, else the selected pad's, else the oldest loaded");
            probe.record("Archive load", load.rect);
            if load.clicked()
                && let Some(row) = &chosen
            {
                archive.request_load(LoadRequest { row: row.clone(), replace_slot });
            }
            let like = ui.add_enabled(chosen.is_some(), egui::Button::new("More like this"));
            probe.record("Archive like", like.rect);
            if like.clicked()
                && let Some(row) = &chosen
            {
                self.ask_like(&row.id);
            }
        });
        let (text, colour) = if !mining.last_error.is_empty() && mining.message.starts_with("Could not load") {
            (mining.message.as_str(), theme::WARN)
        } else if mining.message.starts_with("Load") || mining.message.contains("already in the bank") {
            (mining.message.as_str(), theme::OK)
        } else if self.snapshot.state == ArchiveState::Failed || self.snapshot.state == ArchiveState::NoCatalogue {
            (self.snapshot.message.as_str(), theme::TEXT_DIM)
        } else {
            (mining.catalogue_message.as_str(), theme::TEXT_DIM)
        };
        let status = child.add(egui::Label::new(egui::RichText::new(text).color(colour).font(theme::label_font())).truncate());
        probe.record("Archive status", status.rect);
    }
}

/// `combo` exactly `width` wide, its text cut short to fit (so a row of them keeps its layout
/// whatever is chosen); `add` fills its list.
fn fixed_combo(ui: &mut Ui, width: f32, combo: egui::ComboBox, add: impl FnOnce(&mut Ui)) -> egui::Response {
    let cell = vec2(width, ui.available_height());
    ui.allocate_ui_with_layout(cell, egui::Layout::left_to_right(egui::Align::Center), |ui| {
        ui.set_max_width(width);
        combo.width(width).truncate().show_ui(ui, add).response
    })
    .inner
}

/// What the empty list says.
fn empty_text(snapshot: &ArchiveSnapshot) -> String {
    match snapshot.state {
        ArchiveState::Idle | ArchiveState::Running => String::from("Searching the catalogue…"),
        ArchiveState::NoCatalogue | ArchiveState::Failed => snapshot.message.clone(),
        ArchiveState::Ready if snapshot.num_pads == 0 => String::from("The catalogue holds no pads yet: run `afterglow scan FOLDER`, or Mine a folder here."),
        ArchiveState::Ready => String::from("No catalogued pad matches these filters."),
    }
}

/// Column titles and horizontal extents inside `list`.
fn column_edges(list: Rect) -> [(&'static str, f32, f32); 5] {
    let right = list.right();
    let score = right - 44.0;
    let bright = score - 48.0;
    let key = bright - 70.0;
    let length = key - 44.0;
    [("Source", list.left(), length), ("Len", length, key), ("Key", key, bright), ("Bright", bright, score), ("Score", score, right)]
}

fn draw_row(painter: &egui::Painter, rect: Rect, row: &PadRow, selected: bool, hovered: bool) {
    if selected {
        painter.rect_filled(rect, 3.0, theme::HIGHLIGHT);
        painter.rect_filled(Rect::from_min_size(rect.min, vec2(3.0, rect.height())), 1.0, theme::ACCENT);
    } else if hovered {
        painter.rect_filled(rect, 3.0, theme::HIGHLIGHT.gamma_multiply(0.6));
    }
    let columns = column_edges(rect);
    let y = rect.center().y;
    let text = |i: usize, text: String, colour| {
        let (left, right) = (columns[i].1 + 4.0, columns[i].2 - 4.0);
        let mut job = egui::text::LayoutJob::single_section(text, egui::TextFormat { font_id: theme::body_font(), color: colour, ..Default::default() });
        job.wrap = egui::text::TextWrapping { max_width: (right - left).max(4.0), max_rows: 1, break_anywhere: true, overflow_character: Some('…') };
        let galley = painter.layout_job(job);
        painter.galley(pos2(left, y - galley.size().y * 0.5), galley, colour);
    };
    super::pad_browser::draw_source_cell(painter, (columns[0].1 + 4.0, columns[0].2 - 4.0), y, &row_name(row), row_layer(row));
    text(1, format!("{:.1} s", row.duration_sec), theme::TEXT);
    text(2, key_name(row), theme::TEXT);
    text(3, row.brightness.clone(), theme::TEXT);
    let last = match (row.distance, &row.grade) {
        (Some(distance), _) => format!("{distance:.2}"),
        (None, Some(grade)) => grade.clone(),
        (None, None) => format!("{:.2}", row.score),
    };
    text(4, last, theme::TEXT_DIM);
}

fn row_tooltip(row: &PadRow) -> String {
    let mut text = format!(
        "{}\n{:.1} s from {:.1} s into the file{}\nKey: {}   Brightness: {}   Score: {:.2}{}\nId: {}\nDouble-click to load into the bank; right-click for more like this",
        row.path,
        row.duration_sec,
        row.start_sec,
        super::pad_browser::layer_note(row_layer(row)),
        key_name(row),
        row.brightness,
        row.score,
        row.grade.as_deref().map(|g| format!("   Grade: {g}")).unwrap_or_default(),
        row.id
    );
    if let (Some(distance), Some(aspects)) = (row.distance, row.aspects) {
        let each: Vec<String> = Aspect::ALL.iter().map(|&a| format!("{} {:.2}", like_by_name(Some(a)).to_lowercase(), aspects.get(a))).collect();
        text.push_str(&format!("\nDistance {distance:.2} ({})", each.join(", ")));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_read_as_musicians_read_them() {
        let row = PadRow {
            id: String::from("0123abcd-44100-88200"),
            path: String::from("/archive/Long Take.flac"),
            start_sec: 75.4,
            duration_sec: 2.0,
            key: Some(String::from("Amin")),
            brightness: String::from("dark"),
            grade: None,
            score: 0.5,
            distance: None,
            aspects: None,
        };
        assert_eq!(row_name(&row), "Long Take @ 1:15");
        assert_eq!(row_layer(&row), Layer::Mix);
        let harmonic = PadRow { id: String::from("0123abcd-44100-88200-harmonic"), ..row.clone() };
        assert_eq!(row_layer(&harmonic), Layer::Harmonic);
        assert!(row_tooltip(&harmonic).contains("Layer: harmonic"));
        assert_eq!(key_name(&row), "A minor");
        assert_eq!(key_name(&PadRow { key: None, ..row }), "?");
    }
}
