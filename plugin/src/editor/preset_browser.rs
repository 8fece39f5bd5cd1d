//! The preset browser: the factory and user presets by category; a click loads one (every host
//! parameter set as one host gesture each, the bank rebuilt when the preset holds one). Below the
//! list: a name and a category to save the current sound as a user preset (optionally with the
//! bank by pad identity), rename or delete the selected user preset. Its title line shows the
//! current preset and whether it was edited since loading.
//!
//! The actions are methods ([`PresetBrowser::load`], [`PresetBrowser::save_as`], ...) the buttons
//! call, so tests drive them without clicking.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::{Align2, Rect, Sense, Stroke, Ui, UiBuilder, pos2, vec2};
use nice_plug::prelude::ParamSetter;

use super::probe::LayoutProbe;
use super::theme;
use crate::params::AfterglowParams;
use crate::presets::user::user_presets_folder;
use crate::presets::{PresetLibrary, PresetOrigin, Resolved, UserPresets, load_preset, preset_from_params};

const ROW_HEIGHT: f32 = 22.0;
/// Height of the controls under the list (two rows and the message line), points.
const CONTROLS_HEIGHT: f32 = 92.0;
/// How long after loading the host may take to set the values before a difference counts as an
/// edit (the host sets them at its next processing cycle, or at once when it does not process).
const SETTLE_TIMEOUT: Duration = Duration::from_secs(2);

/// The preset loaded last (or saved last), and whether the parameters still hold it.
struct Current {
    name: String,
    resolved: Resolved,
    /// Until the host has set every value (or [`SETTLE_TIMEOUT`] passed), nothing counts as edited.
    settled: bool,
    loaded_at: Instant,
}

/// The browser's state (GUI thread).
pub struct PresetBrowser {
    /// The user's preset folder; `None` where the system names no home (saving is then off).
    user: Option<UserPresets>,
    library: PresetLibrary,
    /// Whether the library must be read again before it is shown.
    stale: bool,
    current: Option<Current>,
    /// The entry (index into the library) last clicked.
    selected: Option<usize>,
    pub name_text: String,
    pub category_text: String,
    /// Save the bank by pad identity with the preset.
    pub with_bank: bool,
    /// A second press of Save as with this name replaces the saved preset.
    replace_armed: Option<String>,
    /// A second press of Delete deletes this file.
    delete_armed: Option<PathBuf>,
    /// What the last action did, and whether it failed.
    message: String,
    failed: bool,
}

impl Default for PresetBrowser {
    fn default() -> Self {
        Self::new(user_presets_folder().map(UserPresets::new))
    }
}

impl PresetBrowser {
    /// A browser over the factory presets and `user`'s files.
    pub fn new(user: Option<UserPresets>) -> Self {
        Self {
            user,
            library: PresetLibrary::default(),
            stale: true,
            current: None,
            selected: None,
            name_text: String::new(),
            category_text: String::new(),
            with_bank: false,
            replace_armed: None,
            delete_armed: None,
            message: String::new(),
            failed: false,
        }
    }

    /// Read the presets again before the next frame shows them (a file may have changed).
    pub fn refresh(&mut self) {
        self.stale = true;
    }

    fn library(&mut self) -> &PresetLibrary {
        if self.stale {
            self.library = PresetLibrary::load(self.user.as_ref());
            self.stale = false;
        }
        &self.library
    }

    /// The presets listed.
    #[cfg(test)]
    pub fn entries(&mut self) -> &[crate::presets::PresetEntry] {
        &self.library().entries
    }

    /// The last action's message, and whether it failed.
    #[cfg(test)]
    pub fn message(&self) -> (&str, bool) {
        (&self.message, self.failed)
    }

    fn say(&mut self, message: String, failed: bool) {
        self.message = message;
        self.failed = failed;
    }

    /// The current preset's name and whether it was edited since loading (`None` before any).
    pub fn current(&mut self) -> Option<(&str, bool)> {
        let current = self.current.as_mut()?;
        if !current.settled && (current.resolved.all_hold() || current.loaded_at.elapsed() > SETTLE_TIMEOUT) {
            current.settled = true;
        }
        let edited = current.settled && !current.resolved.all_hold();
        Some((&current.name, edited))
    }

    /// Load entry `index` of the list. Not realtime-safe: GUI thread.
    pub fn load(&mut self, index: usize, params: &Arc<AfterglowParams>, setter: &ParamSetter) {
        let Some(entry) = self.library().entries.get(index).cloned() else { return };
        let resolved = load_preset(params, setter, &entry.preset);
        let mut message = format!("Loaded \"{}\"", entry.preset.name);
        if entry.preset.bank.is_some() {
            message.push_str(": its pads are being rebuilt");
        }
        if !resolved.notes.is_empty() {
            message.push_str(&format!(" ({})", resolved.notes.join("; ")));
        }
        self.say(message, false);
        self.name_text = entry.preset.name.clone();
        self.category_text = entry.preset.category.clone();
        self.selected = Some(index);
        self.current = Some(Current { name: entry.preset.name, resolved, settled: false, loaded_at: Instant::now() });
        (self.replace_armed, self.delete_armed) = (None, None);
    }

    /// Save the current sound as a user preset named by the name field; a second press replaces
    /// a preset of that name. Returns the file written.
    pub fn save_as(&mut self, params: &Arc<AfterglowParams>) -> Option<PathBuf> {
        let Some(user) = self.user.clone() else {
            self.say(String::from("No user folder on this system (no home folder is set): presets cannot be saved"), true);
            return None;
        };
        let preset = preset_from_params(params, &self.name_text, &self.category_text, self.with_bank);
        let replace = self.replace_armed.as_deref() == Some(preset.name.as_str());
        self.delete_armed = None;
        match user.save(&preset, replace) {
            Ok(path) => {
                self.replace_armed = None;
                let bank = if preset.bank.is_some() { " with its pads" } else { "" };
                self.say(format!("Saved \"{}\"{bank} to {}", preset.name, path.display()), false);
                self.refresh();
                self.selected = self.library().index_of_file(&path);
                self.current = Some(Current { name: preset.name.clone(), resolved: crate::presets::values::resolve(params, &preset), settled: true, loaded_at: Instant::now() });
                Some(path)
            }
            Err(error) if !replace && user.path_for(&preset.name).is_ok_and(|p| p.exists()) => {
                self.replace_armed = Some(preset.name.clone());
                self.say(format!("{error}: press Save as again to replace it"), true);
                None
            }
            Err(error) => {
                self.say(error.to_string(), true);
                None
            }
        }
    }

    /// The file of the selected entry, when it is a user preset.
    fn selected_file(&mut self) -> Option<PathBuf> {
        let index = self.selected?;
        match &self.library().entries.get(index)?.origin {
            PresetOrigin::User(path) => Some(path.clone()),
            PresetOrigin::Factory => None,
        }
    }

    /// Rename the selected user preset to the name field. Returns the new file.
    pub fn rename_selected(&mut self) -> Option<PathBuf> {
        let (Some(user), Some(path)) = (self.user.clone(), self.selected_file()) else {
            self.say(String::from("Select one of your presets to rename it (factory presets keep their names)"), true);
            return None;
        };
        let old_name = self.library.entries.get(self.selected?).map(|e| e.preset.name.clone()).unwrap_or_default();
        match user.rename(&path, &self.name_text) {
            Ok(new_path) => {
                let new_name = self.name_text.trim().to_owned();
                self.say(format!("Renamed \"{old_name}\" to \"{new_name}\""), false);
                if let Some(current) = self.current.as_mut().filter(|c| c.name == old_name) {
                    current.name = new_name;
                }
                self.refresh();
                self.selected = self.library().index_of_file(&new_path);
                Some(new_path)
            }
            Err(error) => {
                self.say(error.to_string(), true);
                None
            }
        }
    }

    /// Delete the selected user preset; the first press asks, the second deletes. Returns
    /// whether it was deleted.
    pub fn delete_selected(&mut self) -> bool {
        let (Some(user), Some(path)) = (self.user.clone(), self.selected_file()) else {
            self.say(String::from("Select one of your presets to delete it (factory presets stay)"), true);
            return false;
        };
        if self.delete_armed.as_ref() != Some(&path) {
            self.delete_armed = Some(path.clone());
            self.say(format!("Press Delete again to delete {}", path.display()), true);
            return false;
        }
        self.delete_armed = None;
        match user.delete(&path) {
            Ok(()) => {
                self.say(format!("Deleted {}", path.display()), false);
                self.selected = None;
                self.refresh();
                true
            }
            Err(error) => {
                self.say(error.to_string(), true);
                false
            }
        }
    }

    /// Draw the browser into `rect`.
    pub fn show(&mut self, ui: &mut Ui, rect: Rect, params: &Arc<AfterglowParams>, setter: &ParamSetter, probe: &mut LayoutProbe) {
        let painter = ui.painter();
        painter.rect(rect, theme::RADIUS, theme::PANEL, Stroke::new(1.0, theme::EDGE), egui::StrokeKind::Inside);
        painter.text(rect.left_top() + vec2(10.0, 8.0), Align2::LEFT_TOP, "PRESETS", theme::group_font(), theme::ACCENT);
        let (current, colour) = match self.current() {
            Some((name, true)) => (format!("{name} (edited)"), theme::TEXT),
            Some((name, false)) => (name.to_owned(), theme::TEXT),
            None => (String::from("no preset loaded"), theme::TEXT_DIM),
        };
        // Left of the view tabs (drawn over the panel's top-right corner by the owner).
        let title = Rect::from_min_max(rect.left_top() + vec2(84.0, 7.0), pos2(rect.right() - 172.0, rect.top() + 24.0));
        paint_one_line(ui, title, &current, colour);
        probe.record("Current preset", title);

        let list = Rect::from_min_max(pos2(rect.left() + 6.0, rect.top() + 32.0), pos2(rect.right() - 6.0, rect.bottom() - CONTROLS_HEIGHT));
        probe.record("Preset list", list);
        self.list(ui, list, params, setter);
        let controls = Rect::from_min_max(pos2(rect.left() + 8.0, list.bottom() + 6.0), pos2(rect.right() - 8.0, rect.bottom() - 6.0));
        self.controls(ui, controls, params, probe);
    }

    fn list(&mut self, ui: &mut Ui, list: Rect, params: &Arc<AfterglowParams>, setter: &ParamSetter) {
        ui.painter().hline(list.x_range(), list.top(), Stroke::new(1.0, theme::EDGE));
        let mut child = ui.new_child(UiBuilder::new().max_rect(list.shrink2(vec2(0.0, 2.0))).layout(egui::Layout::top_down(egui::Align::Min)));
        self.library();
        let library = &self.library;
        let selected = self.selected;
        let mut clicked = None;
        egui::ScrollArea::vertical().id_salt("preset_rows").auto_shrink([false, false]).show(&mut child, |ui| {
            ui.spacing_mut().item_spacing.y = 0.0;
            for category in library.categories() {
                ui.add_space(4.0);
                ui.label(egui::RichText::new(category.to_uppercase()).font(theme::label_font()).color(theme::ACCENT));
                for (index, entry) in library.in_category(category) {
                    let (rect, response) = ui.allocate_exact_size(vec2(list.width(), ROW_HEIGHT), Sense::click());
                    if ui.is_rect_visible(rect) {
                        let painter = ui.painter_at(rect);
                        if selected == Some(index) {
                            painter.rect_filled(rect, 3.0, theme::HIGHLIGHT);
                            painter.rect_filled(Rect::from_min_size(rect.min, vec2(3.0, rect.height())), 1.0, theme::ACCENT);
                        } else if response.hovered() {
                            painter.rect_filled(rect, 3.0, theme::HIGHLIGHT.gamma_multiply(0.6));
                        }
                        painter.text(pos2(rect.left() + 12.0, rect.center().y), Align2::LEFT_CENTER, &entry.preset.name, theme::body_font(), theme::TEXT);
                        let tag = match (entry.is_factory(), entry.preset.bank.is_some()) {
                            (true, _) => "factory",
                            (false, true) => "yours, with pads",
                            (false, false) => "yours",
                        };
                        painter.text(pos2(rect.right() - 8.0, rect.center().y), Align2::RIGHT_CENTER, tag, theme::tag_font(), theme::TEXT_DIM);
                    }
                    if response.clicked() {
                        clicked = Some(index);
                    }
                }
            }
            if !library.problems.is_empty() {
                ui.add_space(6.0);
                for problem in &library.problems {
                    ui.label(egui::RichText::new(problem.to_string()).font(theme::tag_font()).color(theme::WARN));
                }
            }
        });
        if let Some(index) = clicked {
            self.load(index, params, setter);
        }
    }

    fn controls(&mut self, ui: &mut Ui, rect: Rect, params: &Arc<AfterglowParams>, probe: &mut LayoutProbe) {
        let mut child = ui.new_child(UiBuilder::new().max_rect(rect).layout(egui::Layout::top_down(egui::Align::Min)));
        child.spacing_mut().item_spacing = vec2(6.0, 6.0);
        let can_save = self.user.is_some();
        child.horizontal(|ui| {
            let name_width = (rect.width() - 6.0) * 0.6;
            let name = ui.add(egui::TextEdit::singleline(&mut self.name_text).hint_text("preset name").desired_width(name_width));
            probe.record("Preset name", name.rect);
            let category = ui.add(egui::TextEdit::singleline(&mut self.category_text).hint_text("category").desired_width(ui.available_width()));
            probe.record("Preset category", category.rect);
        });
        let user_selected = self.selected_file().is_some();
        child.horizontal(|ui| {
            let replace = self.replace_armed.is_some() && self.replace_armed.as_deref() == Some(self.name_text.trim());
            let save = ui.add_enabled(can_save, egui::Button::new(if replace { "Replace" } else { "Save as" }));
            let save = save.on_hover_text(self.user.as_ref().map_or_else(String::new, |u| format!("Save the current sound as a preset in {}", u.folder().display())));
            probe.record("Save preset", save.rect);
            if save.clicked() {
                self.save_as(params);
            }
            let bank = ui.checkbox(&mut self.with_bank, "with pads").on_hover_text("Save the bank's pads by identity: loading the preset rebuilds them");
            probe.record("Preset with pads", bank.rect);
            let rename = ui.add_enabled(can_save && user_selected, egui::Button::new("Rename")).on_hover_text("Give the selected preset the name above");
            probe.record("Rename preset", rename.rect);
            if rename.clicked() {
                self.rename_selected();
            }
            let armed = self.delete_armed.is_some();
            let delete = ui.add_enabled(can_save && user_selected, egui::Button::new(if armed { "Delete!" } else { "Delete" })).on_hover_text("Delete the selected preset's file (press twice)");
            probe.record("Delete preset", delete.rect);
            if delete.clicked() {
                self.delete_selected();
            }
        });
        let line = Rect::from_min_max(pos2(rect.left(), child.min_rect().bottom() + 2.0), rect.max);
        if !self.message.is_empty() && line.height() > 8.0 {
            let colour = if self.failed { theme::WARN } else { theme::OK };
            let shown = paint_one_line(ui, line, &self.message, colour);
            ui.interact(shown, egui::Id::unique("preset_message"), Sense::hover()).on_hover_text(self.message.clone());
        }
    }
}

/// Paint `text` on one line inside `rect`, cut with an ellipsis; returns the rectangle painted.
fn paint_one_line(ui: &Ui, rect: Rect, text: &str, colour: egui::Color32) -> Rect {
    let mut job = egui::text::LayoutJob::single_section(text.to_owned(), egui::TextFormat { font_id: theme::label_font(), color: colour, ..Default::default() });
    job.wrap = egui::text::TextWrapping { max_width: rect.width().max(4.0), max_rows: 1, break_anywhere: true, overflow_character: Some('…') };
    let galley = ui.painter().layout_job(job);
    let shown = Rect::from_min_size(rect.min, galley.size());
    ui.painter().galley(rect.min, galley, colour);
    shown
}
