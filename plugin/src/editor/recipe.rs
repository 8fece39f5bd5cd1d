//! The Recipe card: name and length of a capture and the "Capture" button, which writes the
//! current sound as a recipe file beside the archive folder (see [`crate::capture`]).

use egui::text::{LayoutJob, TextFormat, TextWrapping};
use egui::{Rect, Ui, UiBuilder, pos2, vec2};

use super::AfterglowEditor;
use super::groups::card;
use super::theme;
use crate::capture::{capture_recipe, recipes_folder, write_recipe};

impl AfterglowEditor {
    /// Draw the recipe card into `rect`.
    pub(super) fn recipe_card(&mut self, ui: &mut Ui, rect: Rect) {
        let body = card(ui, rect, "RECIPE", 1).body.shrink2(vec2(6.0, 0.0));
        let mut child = ui.new_child(UiBuilder::new().max_rect(body).layout(egui::Layout::top_down(egui::Align::Min)));
        child.spacing_mut().item_spacing.y = 6.0;
        let name = child.add(egui::TextEdit::singleline(&mut self.capture_name).hint_text("recipe name").desired_width(body.width()));
        self.probe.record("Recipe name", name.rect);
        child.horizontal(|ui| {
            let length = ui
                .add(egui::DragValue::new(&mut self.capture_sec).range(0.5..=600.0).speed(0.1).suffix(" s"))
                .on_hover_text("Length of the rendered recipe, seconds");
            self.probe.record("Recipe length", length.rect);
            let capture = ui.button("Capture").on_hover_text("Write the current sound as a recipe file the exporter can render");
            self.probe.record("Capture", capture.rect);
            if capture.clicked() {
                self.capture_message = self.capture();
            }
        });
        let message_top = child.min_rect().bottom() + 2.0;
        let message_rect = Rect::from_min_max(pos2(body.left(), message_top), body.max);
        if !self.capture_message.is_empty() && message_rect.height() > 8.0 {
            let colour = if self.capture_message.starts_with("Wrote") { theme::OK } else { theme::WARN };
            let mut job = LayoutJob::single_section(self.capture_message.clone(), TextFormat { font_id: theme::value_font(11.0), color: colour, ..Default::default() });
            job.wrap = TextWrapping { max_width: message_rect.width(), max_rows: 1, break_anywhere: true, overflow_character: Some('…') };
            let galley = ui.painter().layout_job(job);
            let shown = Rect::from_min_size(message_rect.min, galley.size());
            ui.painter().galley(message_rect.min, galley, colour);
            ui.interact(shown, egui::Id::unique("capture_message"), egui::Sense::hover()).on_hover_text(self.capture_message.clone());
        }
    }

    /// Capture the current sound into `afterglow-recipes/<name>.toml`; returns the message shown.
    /// Not realtime-safe: allocates and writes a file.
    pub(super) fn capture(&self) -> String {
        let held = self.scope.held_velocities();
        let mut capture = match capture_recipe(&self.params, &self.snapshot.pads, &held, self.capture_sec) {
            Ok(capture) => capture,
            Err(reason) => return reason,
        };
        // The host's tempo, so synced settings render as they sound here.
        capture.recipe.tempo_bpm = self.scope.tempo_bpm();
        let folder = recipes_folder(&self.params.archive_path());
        match write_recipe(&capture.recipe, &folder, &self.capture_name) {
            Ok(path) if capture.note.is_empty() => format!("Wrote {}", path.display()),
            Ok(path) => format!("Wrote {} ({})", path.display(), capture.note),
            Err(error) => format!("Cannot write the recipe to {}: {error}", folder.display()),
        }
    }
}
