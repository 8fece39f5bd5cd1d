//! The plugin's editor (nice-plug-egui): archive folder and mining progress, the list of mined
//! pads, the current pad's waveform with live grain positions, every parameter as a slider, and
//! "Capture recipe" (the current sound as a recipe file, see [`crate::capture`]).
//!
//! The archive folder is a text field plus a "Choose..." button for the system's folder dialog
//! where there is one ([`folder_picker`]), and a bank size. Everything the audio thread produces
//! is read through atomics ([`GrainScope`]); mining state through the miner's non-blocking
//! snapshot ([`MiningStatus::try_copy_into`]).
//!
//! [`MiningStatus::try_copy_into`]: crate::mining::MiningStatus::try_copy_into

mod folder_picker;
mod waveform;

use folder_picker::{FolderPicker, Picked};

use std::sync::Arc;
use std::sync::atomic::Ordering;

use egui::{Color32, RichText, Ui};
use nice_plug::context::gui::GuiContext;
use nice_plug::prelude::{Param, ParamSetter};
use nice_plug_egui::widgets::ParamSlider;
use nice_plug_egui::{EguiEditor, EguiEditorState, EguiNiceSettings, NiceEguiApp, RepaintNotifier};

use crate::capture::{DEFAULT_CAPTURE_SEC, capture_recipe, recipes_folder, write_recipe};
use crate::mining::{MiningShared, MiningSnapshot, PadInfo, catalogue_line};
use crate::params::AfterglowParams;
use crate::scope::GrainScope;

/// Initial editor size, logical pixels.
const EDITOR_WIDTH: u32 = 960;
const EDITOR_HEIGHT: u32 = 680;
/// Height of the waveform view, points.
const WAVEFORM_HEIGHT: f32 = 130.0;

/// The editor's persisted-size state. Not realtime-safe: allocates.
pub fn default_state() -> Arc<EguiEditorState> {
    EguiEditorState::from_size(
        nice_plug::editor::dpi::LogicalSize::new(EDITOR_WIDTH, EDITOR_HEIGHT),
        1.0,
    )
}

/// Build the editor. Not realtime-safe: allocates.
pub fn create(
    state: Arc<EguiEditorState>,
    params: Arc<AfterglowParams>,
    mining: Arc<MiningShared>,
    scope: Arc<GrainScope>,
) -> Option<EguiEditor<AfterglowEditor>> {
    let repaint = RepaintNotifier::new();
    let app = AfterglowEditor::new(params, mining, scope, repaint.clone());
    nice_plug_egui::create_egui_editor(
        state,
        repaint,
        EguiNiceSettings::new().with_tile("Afterglow"),
        app,
    )
}

/// The editor's GUI-thread state.
pub struct AfterglowEditor {
    params: Arc<AfterglowParams>,
    mining: Arc<MiningShared>,
    scope: Arc<GrainScope>,
    gui: Option<GuiContext>,
    /// The archive path being typed.
    path_text: String,
    /// Latest copy of the miner's snapshot.
    snapshot: MiningSnapshot,
    /// Latest grain positions from the audio thread.
    grain_positions: Vec<f32>,
    repaint: RepaintNotifier,
    /// File name and length of the next captured recipe.
    capture_name: String,
    capture_sec: f64,
    /// What the last capture wrote, or why it failed.
    capture_message: String,
    /// The folder dialog, and what to say about its last answer.
    folder_picker: FolderPicker,
    folder_message: String,
}

impl NiceEguiApp for AfterglowEditor {
    fn build(
        &mut self,
        _egui_ctx: egui::Context,
        nice_gui_ctx: GuiContext,
        _frame: &mut nice_plug_egui::Frame,
    ) -> Result<(), nice_plug_egui::baseview::HandlerError> {
        self.path_text = self.params.archive_path();
        self.gui = Some(nice_gui_ctx);
        Ok(())
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut nice_plug_egui::Frame) {
        self.draw(ui);
    }

    fn editor_closed(&mut self) {
        self.gui = None;
    }
}

impl AfterglowEditor {
    /// The editor's state, before a window opens. Not realtime-safe: allocates.
    pub fn new(
        params: Arc<AfterglowParams>,
        mining: Arc<MiningShared>,
        scope: Arc<GrainScope>,
        repaint: RepaintNotifier,
    ) -> Self {
        Self {
            path_text: params.archive_path(),
            params,
            mining,
            scope,
            gui: None,
            snapshot: MiningSnapshot::default(),
            grain_positions: Vec::new(),
            repaint,
            capture_name: String::from("capture"),
            capture_sec: DEFAULT_CAPTURE_SEC,
            capture_message: String::new(),
            folder_picker: FolderPicker::default(),
            folder_message: String::new(),
        }
    }

    /// Draw one frame of the whole editor into `ui` (does nothing before the host's GUI context
    /// has been attached).
    pub fn draw(&mut self, ui: &mut Ui) {
        self.mining.status.try_copy_into(&mut self.snapshot);
        self.scope.read_positions(&mut self.grain_positions);
        let Some(gui) = self.gui.clone() else {
            return;
        };
        let setter = gui.param_setter();

        ui.heading("Afterglow");
        self.archive_row(ui);
        self.progress_rows(ui);
        self.capture_row(ui);
        ui.separator();

        let current = self.current_pad();
        waveform::show(
            ui,
            current,
            &self.grain_positions,
            self.params.position.value(),
            WAVEFORM_HEIGHT,
        );
        ui.label(format!(
            "{} grains sounding, {} pads loaded",
            self.scope.num_active_grains(),
            self.scope.num_pads()
        ));
        ui.separator();

        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                ui.set_width(380.0);
                self.pad_list(ui, &setter);
            });
            ui.separator();
            ui.vertical(|ui| parameter_grid(ui, &self.params, &setter));
        });

        // Keep the grain view moving while the window is open.
        self.repaint.request_repaint();
    }

    /// The pad shown in the waveform: the selected source slot, or slot 1 when playing all pads.
    fn current_pad(&self) -> Option<&PadInfo> {
        let slot = (self.params.source.value() - 1).max(0) as usize;
        self.snapshot.pads.get(slot).and_then(Option::as_ref)
    }

    fn archive_row(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            ui.label("Archive folder");
            let edit = egui::TextEdit::singleline(&mut self.path_text)
                .hint_text("/path/to/recordings")
                .desired_width(600.0);
            let response = ui.add(edit);
            let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.button("Mine").clicked() || entered {
                self.params.set_archive_path(self.path_text.trim());
                self.mining.request_mine();
            }
            let choose = ui.add_enabled(!self.folder_picker.is_open(), egui::Button::new("Choose..."));
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
                    self.folder_message = String::from("No folder dialog on this system: type the path and press Mine");
                }
                Some(Picked::Cancelled) | None => {}
            }
            if self.folder_picker.is_open() {
                // Keep drawing while the dialog is up, to see its answer.
                ui.ctx().request_repaint_after(std::time::Duration::from_millis(100));
            }
            // The bank size bounds the pads' memory; a new size mines the folder again (once the
            // drag ends, not at every step of it).
            let mut pads = self.params.bank_size();
            let megabytes = crate::mining::bank_memory_bytes(pads) as f64 / 1e6;
            let range = crate::mining::MIN_BANK_SIZE..=crate::mining::NUM_BANK_SLOTS;
            let response = ui
                .add(egui::DragValue::new(&mut pads).range(range).prefix("Bank: ").suffix(" pads"))
                .on_hover_text(format!("At most {megabytes:.0} MB of pads"));
            if response.changed() {
                self.params.set_bank_size(pads);
            }
            if response.drag_stopped() || (response.changed() && !response.dragged()) {
                self.mining.request_mine();
            }
        });
        if !self.folder_message.is_empty() {
            ui.label(&self.folder_message);
        }
    }

    /// Name and length fields and the "Capture recipe" button.
    fn capture_row(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            ui.label("Recipe name");
            ui.add(egui::TextEdit::singleline(&mut self.capture_name).desired_width(160.0));
            ui.add(egui::DragValue::new(&mut self.capture_sec).range(0.5..=600.0).speed(0.1).suffix(" s"));
            if ui.button("Capture recipe").clicked() {
                self.capture_message = self.capture();
            }
            ui.label(&self.capture_message);
        });
    }

    /// Capture the current sound into `afterglow-recipes/<name>.toml`; returns the message shown.
    /// Not realtime-safe: allocates and writes a file.
    fn capture(&self) -> String {
        let held = self.scope.held_velocities();
        let capture = match capture_recipe(&self.params, &self.snapshot.pads, &held, self.capture_sec) {
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

    fn progress_rows(&self, ui: &mut Ui) {
        let status = &self.mining.status;
        let done = status.files_done.load(Ordering::Acquire);
        let total = status.files_total.load(Ordering::Acquire);
        let pads = status.pads_mined.load(Ordering::Acquire);
        ui.horizontal(|ui| {
            let fraction = if total > 0 { done as f32 / total as f32 } else { 0.0 };
            ui.add(
                egui::ProgressBar::new(fraction)
                    .desired_width(260.0)
                    .text(format!("{done} / {total} files, {pads} pads")),
            );
            ui.label(&self.snapshot.message);
        });
        if !self.snapshot.current_file.is_empty() {
            ui.label(RichText::new(&self.snapshot.current_file).small());
        }
        if !self.snapshot.last_error.is_empty() {
            ui.colored_label(Color32::from_rgb(255, 120, 100), &self.snapshot.last_error);
        }
    }

    fn pad_list(&self, ui: &mut Ui, setter: &ParamSetter) {
        ui.horizontal(|ui| {
            ui.strong("Pads");
            let all = self.params.source.value() == 0;
            if ui.selectable_label(all, "play all").clicked() {
                set_source(setter, &self.params, 0);
            }
        });
        egui::ScrollArea::vertical()
            .id_salt("pad_list")
            .max_height(360.0)
            .show(ui, |ui| {
                for info in self.snapshot.pads.iter().flatten() {
                    let number = i32::from(info.slot) + 1;
                    let selected = self.params.source.value() == number;
                    if ui.selectable_label(selected, catalogue_line(info)).clicked() {
                        set_source(setter, &self.params, number);
                    }
                }
            });
    }
}

/// Select pad `number` (0 = all) as a host-visible parameter change.
fn set_source(setter: &ParamSetter, params: &AfterglowParams, number: i32) {
    setter.begin_set_parameter(&params.source);
    setter.set_parameter(&params.source, number);
    setter.end_set_parameter(&params.source);
}

/// One labelled slider.
fn slider_row<P: Param>(ui: &mut Ui, setter: &ParamSetter, param: &P) {
    ui.label(param.name());
    ui.add(ParamSlider::for_param(param, setter).with_width(180.0));
    ui.end_row();
}

/// Every parameter, grouped, as sliders.
fn parameter_grid(ui: &mut Ui, params: &AfterglowParams, setter: &ParamSetter) {
    egui::ScrollArea::vertical().id_salt("parameters").show(ui, |ui| {
        egui::Grid::new("parameter_grid")
            .num_columns(2)
            .striped(true)
            .show(ui, |ui| {
                let p = params;
                slider_row(ui, setter, &p.source);
                slider_row(ui, setter, &p.position);
                slider_row(ui, setter, &p.position_spray);
                slider_row(ui, setter, &p.freeze);
                slider_row(ui, setter, &p.grain_size_ms);
                slider_row(ui, setter, &p.size_spray);
                slider_row(ui, setter, &p.density_hz);
                slider_row(ui, setter, &p.window);
                slider_row(ui, setter, &p.reverse_probability);
                slider_row(ui, setter, &p.pitch_semitones);
                slider_row(ui, setter, &p.pitch_spray_semitones);
                slider_row(ui, setter, &p.stereo_spread);
                slider_row(ui, setter, &p.cloud_gain);
                slider_row(ui, setter, &p.lowpass_hz);
                slider_row(ui, setter, &p.hiss_gain);
                slider_row(ui, setter, &p.hiss_tone_hz);
                slider_row(ui, setter, &p.tremolo_rate_hz);
                slider_row(ui, setter, &p.tremolo_depth);
                slider_row(ui, setter, &p.flicker_amount);
                slider_row(ui, setter, &p.attack_ms);
                slider_row(ui, setter, &p.release_ms);
                slider_row(ui, setter, &p.hold);
                slider_row(ui, setter, &p.seed);
                slider_row(ui, setter, &p.output_gain);
            });
    });
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::atomic::AtomicUsize;

    use nice_plug::context::PluginApi;
    use nice_plug::context::gui::GuiContextInner;
    use nice_plug::prelude::{ParamPtr, PluginState};

    use super::*;
    use crate::mining::WAVEFORM_POINTS;

    /// A host GUI context that counts parameter gestures.
    #[derive(Default)]
    struct CountingContext {
        gestures: AtomicUsize,
    }

    impl GuiContextInner for CountingContext {
        fn plugin_api(&self) -> PluginApi {
            PluginApi::Clap
        }
        unsafe fn raw_begin_set_parameter(&self, _param: ParamPtr) {
            self.gestures.fetch_add(1, Ordering::Relaxed);
        }
        unsafe fn raw_set_parameter_normalized(&self, _param: ParamPtr, _normalized: f32) {}
        unsafe fn raw_end_set_parameter(&self, _param: ParamPtr) {}
        fn get_state(&self) -> PluginState {
            PluginState { version: String::new(), params: BTreeMap::new(), fields: BTreeMap::new() }
        }
        fn set_state(&self, _state: PluginState) {}
        fn request_restart(&self) {}
    }

    #[test]
    fn draws_the_whole_editor_headless() {
        let params = Arc::new(AfterglowParams::default());
        let mining = Arc::new(MiningShared::new());
        let scope = Arc::new(GrainScope::new());
        scope.publish(&[0.1, 0.5, 0.9], 3, 1);
        mining.status.update(|s| {
            s.message = String::from("Done: 1 pads");
            s.pads = vec![None; crate::mining::NUM_BANK_SLOTS];
            s.pads[0] = Some(PadInfo {
                slot: 0,
                pad_id: 7,
                name: String::from("take @ 0:04"),
                source_path: None,
                start_sec: 4.0,
                length_sec: 8.0,
                key: String::from("A minor"),
                brightness_hz: 900.0,
                waveform: vec![(-0.5, 0.5); WAVEFORM_POINTS],
                recipe_source: engine::recipe::RecipeSource::builtin(),
            });
        });
        let mut editor = AfterglowEditor::new(params, mining, scope, RepaintNotifier::new());
        let counting = Arc::new(CountingContext::default());
        editor.gui = Some(GuiContext::new(counting.clone()));

        let ctx = egui::Context::default();
        let mut shapes = 0;
        for _ in 0..2 {
            let mut output = ctx.run_ui(egui::RawInput::default(), |ui| editor.draw(ui));
            shapes = output.shapes.len();
            // No renderer here to upload the font atlas to.
            output.textures_delta.clear();
        }
        assert!(shapes > 50, "only {shapes} shapes drawn");
        assert_eq!(editor.snapshot.pads.iter().flatten().count(), 1);
        assert_eq!(editor.grain_positions, vec![0.1, 0.5, 0.9]);
        assert_eq!(editor.current_pad().map(|p| p.pad_id), Some(7));

        set_source(&editor.gui.as_ref().expect("context").param_setter(), &editor.params, 1);
        assert_eq!(counting.gestures.load(Ordering::Relaxed), 1);

        // "Capture recipe" writes beside the archive folder.
        let root = tempfile::tempdir().expect("temp dir");
        let archive = root.path().join("archive");
        std::fs::create_dir(&archive).expect("archive folder");
        editor.params.set_archive_path(&archive.display().to_string());
        editor.capture_name = String::from("evening");
        let message = editor.capture();
        let written = root.path().join(crate::capture::RECIPES_FOLDER).join("evening.toml");
        assert!(message.starts_with("Wrote"), "{message}");
        assert!(written.is_file(), "{message}");
    }
}
