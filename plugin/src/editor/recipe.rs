//! The Recipe card: name and length of a capture, "Capture", which writes the current sound as a
//! recipe file beside the archive folder (see [`crate::capture`]), and "WAV", which renders that
//! recipe to a WAV file on a thread of its own ([`crate::capture::job`]) into the captures folder
//! (right-click to choose another), then shows the file's path with a Copy button.
//!
//! No drag-out: the windowing library (baseview 0.4) can receive a drop (X11 XDND, Windows
//! `IDropTarget`) but has no call to start a drag from the plugin's window, so the path is copied
//! instead.

use std::path::PathBuf;

use egui::text::{LayoutJob, TextFormat, TextWrapping};
use egui::{Rect, Ui, UiBuilder, pos2, vec2};

use super::AfterglowEditor;
use super::folder_picker::Picked;
use super::groups::card;
use super::theme;
use crate::capture::job::CaptureJob;
use crate::capture::wav::captures_folder;
use crate::capture::{Capture, capture_recipe, recipes_folder, write_recipe};

impl AfterglowEditor {
    /// Draw the recipe card into `rect`.
    pub(super) fn recipe_card(&mut self, ui: &mut Ui, rect: Rect) {
        self.poll_capture_job(ui);
        let body = card(ui, rect, "RECIPE", 1).body.shrink2(vec2(6.0, 0.0));
        let mut child = ui.new_child(UiBuilder::new().max_rect(body).layout(egui::Layout::top_down(egui::Align::Min)));
        child.spacing_mut().item_spacing.y = 6.0;
        let name = child.add(egui::TextEdit::singleline(&mut self.capture_name).hint_text("recipe name").desired_width(body.width()));
        self.probe.record("Recipe name", name.rect);
        child.horizontal(|ui| {
            ui.spacing_mut().item_spacing.x = 4.0;
            ui.spacing_mut().button_padding.x = 6.0;
            let length = ui
                .add(egui::DragValue::new(&mut self.capture_sec).range(0.5..=600.0).speed(0.1).suffix(" s"))
                .on_hover_text("Length of the rendered recipe, seconds");
            self.probe.record("Recipe length", length.rect);
            let capture = ui.button("Capture").on_hover_text("Write the current sound as a recipe file the exporter can render");
            self.probe.record("Capture", capture.rect);
            if capture.clicked() {
                self.capture_path = None;
                self.capture_message = self.capture();
            }
            let folder = self.capture_wav_folder();
            let wav = ui
                .add_enabled(self.capture_job.is_none(), egui::Button::new("WAV"))
                .on_hover_text(format!("Render the current sound to a WAV file in {} (right-click to choose the folder)", folder.display()));
            self.probe.record("Capture WAV", wav.rect);
            if wav.clicked() {
                self.capture_message = self.start_capture_wav();
            }
            wav.context_menu(|ui| {
                if ui.button("Choose the folder...").clicked() {
                    self.capture_folder_picker.open_titled(&folder, "Choose the folder for captured WAVs");
                    ui.close();
                }
                if self.capture_folder.is_some() && ui.button("Use the default folder").clicked() {
                    self.capture_folder = None;
                    ui.close();
                }
            });
        });
        let message_top = child.min_rect().bottom() + 2.0;
        let mut message_rect = Rect::from_min_max(pos2(body.left(), message_top), body.max);
        if let Some(path) = self.capture_path.clone().filter(|_| message_rect.height() > 8.0) {
            let row = Rect::from_min_size(message_rect.min, vec2(body.width(), 20.0));
            let mut copy_ui = ui.new_child(UiBuilder::new().max_rect(row).layout(egui::Layout::left_to_right(egui::Align::Min)));
            copy_ui.spacing_mut().button_padding = vec2(4.0, 1.0);
            let copy = copy_ui.small_button("Copy").on_hover_text("Copy the file's path, to paste into the DAW's import dialog");
            self.probe.record("Copy path", copy.rect);
            if copy.clicked() {
                ui.ctx().copy_text(path.display().to_string());
            }
            message_rect.min.x = copy.rect.right() + 4.0;
        }
        if !self.capture_message.is_empty() && message_rect.height() > 8.0 {
            let good = self.capture_message.starts_with("Wrote") || self.capture_message.starts_with("Rendering");
            let colour = if good { theme::OK } else { theme::WARN };
            let mut job = LayoutJob::single_section(self.capture_message.clone(), TextFormat { font_id: theme::value_font(11.0), color: colour, ..Default::default() });
            job.wrap = TextWrapping { max_width: message_rect.width(), max_rows: 1, break_anywhere: true, overflow_character: Some('…') };
            let galley = ui.painter().layout_job(job);
            let shown = Rect::from_min_size(message_rect.min, galley.size());
            ui.painter().galley(message_rect.min, galley, colour);
            ui.interact(shown, egui::Id::unique("capture_message"), egui::Sense::hover()).on_hover_text(self.capture_message.clone());
        }
    }

    /// The current sound as a recipe of the chosen length, or why not.
    fn current_capture(&self) -> Result<Capture, String> {
        let held = self.scope.held_velocities();
        let mut capture = capture_recipe(&self.params, &self.snapshot.pads, &held, self.capture_sec)?;
        // The host's tempo, so synced settings render as they sound here.
        capture.recipe.tempo_bpm = self.scope.tempo_bpm();
        Ok(capture)
    }

    /// Capture the current sound into `afterglow-recipes/<name>.toml`; returns the message shown.
    /// Not realtime-safe: allocates and writes a file.
    pub(super) fn capture(&self) -> String {
        let capture = match self.current_capture() {
            Ok(capture) => capture,
            Err(reason) => return reason,
        };
        let folder = recipes_folder(&self.params.archive_path());
        match write_recipe(&capture.recipe, &folder, &self.capture_name) {
            Ok(path) if capture.note.is_empty() => format!("Wrote {}", path.display()),
            Ok(path) => format!("Wrote {} ({})", path.display(), capture.note),
            Err(error) => format!("Cannot write the recipe to {}: {error}", folder.display()),
        }
    }

    /// The folder captured WAVs go to: the one chosen, else `afterglow-captures` beside the
    /// recipes folder.
    pub(super) fn capture_wav_folder(&self) -> PathBuf {
        self.capture_folder.clone().unwrap_or_else(|| captures_folder(&self.params.archive_path()))
    }

    /// Start rendering the current sound to a WAV on the capture thread; returns the message
    /// shown. Not realtime-safe: spawns a thread (the editor never waits for it).
    pub(super) fn start_capture_wav(&mut self) -> String {
        if self.capture_job.is_some() {
            return String::from("Rendering: the last capture is not finished yet");
        }
        let capture = match self.current_capture() {
            Ok(capture) => capture,
            Err(reason) => return reason,
        };
        self.capture_path = None;
        self.capture_note = capture.note;
        match CaptureJob::spawn(capture.recipe, self.capture_wav_folder(), self.capture_name.clone()) {
            Ok(job) => {
                self.capture_job = Some(job);
                format!("Rendering {:.1} s...", self.capture_sec)
            }
            Err(error) => format!("Cannot start rendering: {error}"),
        }
    }

    /// Take the capture thread's answer and the folder dialog's, when they come.
    pub(super) fn poll_capture_job(&mut self, ui: &Ui) {
        match self.capture_folder_picker.poll() {
            Some(Picked::Folder(folder)) => self.capture_folder = Some(folder),
            Some(Picked::Unavailable) => self.capture_message = String::from("No folder dialog on this system: captures go to the default folder"),
            Some(Picked::Cancelled) | None => {}
        }
        let Some(job) = self.capture_job.as_mut() else { return };
        match job.poll() {
            None => {
                // Keep polling while the render runs.
                ui.ctx().request_repaint_after(std::time::Duration::from_millis(100));
            }
            Some(Ok(path)) => {
                let note = std::mem::take(&mut self.capture_note);
                self.capture_message = if note.is_empty() { format!("Wrote {}", path.display()) } else { format!("Wrote {} ({note})", path.display()) };
                self.capture_path = Some(path);
                self.capture_job = None;
            }
            Some(Err(error)) => {
                self.capture_message = error;
                self.capture_job = None;
            }
        }
    }
}
