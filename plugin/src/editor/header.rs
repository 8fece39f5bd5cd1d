//! The header: the title, the archive folder (field, Choose..., Mine), the bank size, mining
//! progress and a status line that wraps within the window and says, in a musician's words,
//! what is happening (mining, why a folder gave no pads, what failed), and on the right of that
//! line the two views that are not pad lists: Modulation and the preset (named, with a mark when
//! edited since it was loaded).

use std::sync::atomic::Ordering;

use egui::text::{LayoutJob, TextFormat, TextWrapping};
use egui::{Align2, Rect, Stroke, Ui, UiBuilder, pos2, vec2};

use super::{AfterglowEditor, BrowserView};
use super::folder_picker::Picked;
use super::theme;

/// Width of the "AFTERGLOW" title block, points.
const TITLE_WIDTH: f32 = 130.0;
/// Width of the progress bar, points.
const PROGRESS_WIDTH: f32 = 230.0;
/// Width kept at the status line's right for the Modulation and Preset buttons, points.
const VIEW_BUTTONS_WIDTH: f32 = 300.0;
/// Longest preset name shown in full on its button, characters.
const PRESET_NAME_CHARS: usize = 22;

impl AfterglowEditor {
    /// Draw the header into `rect`.
    pub(super) fn header(&mut self, ui: &mut Ui, rect: Rect) {
        let painter = ui.painter();
        painter.text(rect.left_top() + vec2(0.0, 2.0), Align2::LEFT_TOP, "AFTERGLOW", theme::title_font(), theme::ACCENT);

        let row = Rect::from_min_max(pos2(rect.left() + TITLE_WIDTH, rect.top()), pos2(rect.right(), rect.top() + 28.0));
        let mut child = ui.new_child(UiBuilder::new().max_rect(row).layout(egui::Layout::right_to_left(egui::Align::Center)));
        self.folder_row(&mut child);

        let progress = Rect::from_min_size(pos2(rect.left(), rect.top() + 38.0), vec2(PROGRESS_WIDTH, 20.0));
        self.progress_bar(ui, progress);
        let buttons = Rect::from_min_max(pos2(rect.right() - VIEW_BUTTONS_WIDTH, progress.top() - 2.0), pos2(rect.right(), progress.bottom() + 2.0));
        let mut child = ui.new_child(UiBuilder::new().max_rect(buttons).layout(egui::Layout::right_to_left(egui::Align::Center)));
        self.view_buttons(&mut child);
        let status = Rect::from_min_max(pos2(progress.right() + 12.0, progress.top()), pos2(buttons.left() - 12.0, rect.bottom()));
        self.status_lines(ui, status);
        ui.painter().hline(rect.x_range(), rect.bottom(), Stroke::new(1.0, theme::EDGE));
    }

    /// Right to left: bank size, Mine, Choose..., then the folder field filling what is left.
    fn folder_row(&mut self, ui: &mut Ui) {
        // The bank size bounds the pads' memory; a new size mines the folder again (once the drag
        // ends, not at every step of it).
        let mut pads = self.params.bank_size();
        let megabytes = crate::queues::bank_memory_bytes(pads) as f64 / 1e6;
        let range = crate::queues::MIN_BANK_SIZE..=crate::queues::NUM_BANK_SLOTS;
        let response = ui
            .add(egui::DragValue::new(&mut pads).range(range).prefix("Bank: ").suffix(" pads"))
            .on_hover_ui(|ui| {
                ui.label(format!("Most pads kept from the folder: at most {megabytes:.0} MB of memory"));
            });
        self.probe.record("Bank size", response.rect);
        if response.changed() {
            self.params.set_bank_size(pads);
        }
        if response.drag_stopped() || (response.changed() && !response.dragged()) {
            self.mining.request_mine();
        }

        let mine = ui.button("Mine").on_hover_text("Look through the folder for pads again");
        self.probe.record("Mine", mine.rect);
        let choose = ui.add_enabled(!self.folder_picker.is_open(), egui::Button::new("Choose..."));
        self.probe.record("Choose", choose.rect);
        if choose.clicked() {
            self.folder_message.clear();
            self.folder_picker.open(std::path::Path::new(self.path_text.trim()));
        }
        match self.folder_picker.poll() {
            Some(Picked::Folder(folder)) => {
                self.path_text = folder.display().to_string();
                self.params.set_archive_path(&self.path_text);
                self.mining.request_mine();
            }
            Some(Picked::Unavailable) => {
                self.folder_message = String::from("No folder dialog on this system: type the folder's path and press Mine.");
            }
            Some(Picked::Cancelled) | None => {}
        }
        if self.folder_picker.is_open() {
            // Keep drawing while the dialog is up, to see its answer.
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(100));
        }

        let width = (ui.available_width() - 8.0).max(80.0);
        let edit = egui::TextEdit::singleline(&mut self.path_text)
            .hint_text("Folder of your recordings, e.g. /home/me/field-recordings")
            .desired_width(width);
        let field = ui.add(edit);
        self.probe.record("Archive folder", field.rect);
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if mine.clicked() || entered {
            self.params.set_archive_path(self.path_text.trim());
            self.mining.request_mine();
        }
    }

    /// Right to left: the preset (its name, "*" when edited) and Modulation, each showing its view
    /// in place of the pad list (Modulation also over the grain display) and back to the Bank.
    fn view_buttons(&mut self, ui: &mut Ui) {
        let preset = match self.presets.current() {
            Some((name, edited)) => {
                let mut name: String = name.chars().take(PRESET_NAME_CHARS).collect();
                if name.chars().count() == PRESET_NAME_CHARS {
                    name.push('…');
                }
                format!("Preset: {name}{}", if edited { " *" } else { "" })
            }
            None => String::from("Presets"),
        };
        let views = [
            (BrowserView::Presets, preset, "Presets tab", "Factory and user presets: load, save, rename, delete (* edited since loading)"),
            (BrowserView::Modulation, String::from("Modulation"), "Modulation tab", "Two LFOs, the scale, and what pressure, timbre and the mod wheel do"),
        ];
        for (view, text, name, hint) in views {
            let shown = self.browser_view == view;
            let response = ui.selectable_label(shown, text).on_hover_text(hint);
            self.probe.record(name, response.rect);
            if response.clicked() {
                self.browser_view = if shown { BrowserView::Bank } else { view };
            }
        }
    }

    fn progress_bar(&mut self, ui: &mut Ui, rect: Rect) {
        let status = &self.mining.status;
        let done = status.files_done.load(Ordering::Acquire);
        let total = status.files_total.load(Ordering::Acquire);
        let pads = status.pads_mined.load(Ordering::Acquire);
        let busy = status.busy.load(Ordering::Acquire);
        let fraction = if total > 0 { done as f32 / total as f32 } else { 0.0 };
        let text = if total == 0 && !busy { String::from("no folder mined yet") } else { format!("{done} of {total} files, {pads} pads") };
        let bar = egui::ProgressBar::new(fraction).desired_width(rect.width()).desired_height(rect.height()).text(text);
        let response = ui.put(rect, bar);
        self.probe.record("Progress", response.rect);
    }

    /// The miner's message, the current file, the last error and the folder dialog's answer,
    /// wrapped to `rect`'s width and cut (with an ellipsis) at its height.
    fn status_lines(&mut self, ui: &mut Ui, rect: Rect) {
        let mut job = LayoutJob::default();
        let format = |colour| TextFormat { font_id: theme::body_font(), color: colour, ..Default::default() };
        let mut add = |text: &str, colour| {
            if !text.is_empty() {
                if !job.text.is_empty() {
                    job.append("  ", 0.0, format(theme::TEXT_DIM));
                }
                job.append(text, 0.0, format(colour));
            }
        };
        let snapshot = &self.snapshot;
        let message = if snapshot.message.is_empty() && self.params.archive_path().is_empty() {
            "Playing the built-in texture. Choose a folder of your recordings and press Mine to play your own sounds."
        } else {
            snapshot.message.as_str()
        };
        add(message, theme::TEXT);
        if !snapshot.current_file.is_empty() {
            add(&format!("Now: {}", snapshot.current_file), theme::TEXT_DIM);
        }
        add(&snapshot.last_error, theme::WARN);
        add(&self.folder_message, theme::WARN);
        job.wrap = TextWrapping { max_width: rect.width(), max_rows: 2, break_anywhere: false, overflow_character: Some('…') };
        let full = job.text.clone();
        let galley = ui.painter().layout_job(job);
        let shown = Rect::from_min_size(rect.min, galley.size());
        ui.painter().galley(rect.min, galley, theme::TEXT);
        ui.interact(shown, egui::Id::unique("status_line"), egui::Sense::hover()).on_hover_text(full);
        self.probe.record("Status", shown);
    }
}
