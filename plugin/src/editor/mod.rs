//! The plugin's editor (nice-plug-egui), laid out for a musician: a header with the archive
//! folder, mining progress and a status line; the grain display over the current pad's waveform;
//! the pad browser; and the controls in groups (Source, Grains, Pitch, Recipe / Space, Hiss,
//! Envelope, Output with a level meter).
//!
//! The host may resize the window ([`MIN_SIZE`] .. [`MAX_SIZE`]); every region is placed by
//! [`layout`] from the window size, so nothing runs off an edge at any size. Everything the audio
//! thread produces is read through atomics ([`GrainScope`]); mining state through the miner's
//! non-blocking snapshot ([`MiningStatus::try_copy_into`]). The window redraws at most
//! [`REPAINT_HZ`] times a second.
//!
//! [`MiningStatus::try_copy_into`]: crate::mining::MiningStatus::try_copy_into

mod archive_view;
mod browser_tabs;
mod folder_picker;
mod groups;
mod header;
mod knob;
pub mod layout;
mod meter;
mod modulation_panel;
mod pad_browser;
mod preset_browser;
pub mod probe;
mod recipe;
mod switches;
mod tempo_panel;
mod theme;
mod waveform;

use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::{Rect, Ui};
use nice_plug::context::gui::GuiContext;
use nice_plug::editor::dpi::LogicalSize;
use nice_plug::prelude::ResizeHint;
use nice_plug_egui::{EguiEditor, EguiEditorState, EguiNiceSettings, NiceEguiApp, RepaintNotifier};

use crate::capture::DEFAULT_CAPTURE_SEC;
use crate::mining::{MiningShared, MiningSnapshot, PadInfo};
use crate::params::AfterglowParams;
use crate::persist::{EDITOR_MAX_SIZE, EDITOR_MIN_SIZE, EditorSize};
use crate::audio::scope::{GrainScope, ScopeGrain, ScopeViewer};
use archive_view::ArchiveView;
pub use browser_tabs::BrowserView;
use folder_picker::FolderPicker;
use meter::LevelMeter;
use pad_browser::PadBrowser;
use preset_browser::PresetBrowser;
use probe::LayoutProbe;

/// Initial editor size, logical points.
pub const DEFAULT_SIZE: (u32, u32) = (1000, 700);
/// Smallest and largest size the host may resize the editor to, logical points.
pub const MIN_SIZE: (f32, f32) = EDITOR_MIN_SIZE;
pub const MAX_SIZE: (f32, f32) = EDITOR_MAX_SIZE;
/// Redraws per second at most (the grain display moves at this rate).
pub const REPAINT_HZ: f64 = 30.0;
/// With "All pads", how long the shown pad may be silent before the display moves to a busier one.
const SWITCH_PAD_AFTER: Duration = Duration::from_millis(1500);

/// The editor's size state. Not realtime-safe: allocates.
pub fn default_state() -> Arc<EguiEditorState> {
    EguiEditorState::from_size(LogicalSize::new(DEFAULT_SIZE.0, DEFAULT_SIZE.1), 1.0)
}

/// Build the editor, remembering its size in `saved_size` (a persisted field of the plugin's
/// state) and opening at that size when it holds one. Not realtime-safe: allocates.
pub fn create_with_saved_size(
    state: Arc<EguiEditorState>,
    params: Arc<AfterglowParams>,
    mining: Arc<MiningShared>,
    scope: Arc<GrainScope>,
    saved_size: EditorSize,
) -> Option<EguiEditor<AfterglowEditor>> {
    let repaint = RepaintNotifier::new();
    let mut app = AfterglowEditor::new(params, mining, scope, repaint.clone());
    app.saved_size = saved_size;
    let resize = ResizeHint::resizable().with_min_max_logical_size(
        Some(LogicalSize::new(MIN_SIZE.0, MIN_SIZE.1)),
        Some(LogicalSize::new(MAX_SIZE.0, MAX_SIZE.1)),
    );
    let settings = EguiNiceSettings::new()
        .with_tile("Afterglow")
        .with_resize_hint(resize)
        // The repaint notifier is polled at this interval: the cap on the frame rate.
        .with_repaint_poll_interval(Duration::from_secs_f64(1.0 / REPAINT_HZ));
    nice_plug_egui::create_egui_editor(state, repaint, settings, app)
}

/// The editor's GUI-thread state.
pub struct AfterglowEditor {
    params: Arc<AfterglowParams>,
    mining: Arc<MiningShared>,
    scope: Arc<GrainScope>,
    /// Held while the window is open, so the audio thread publishes to the scope.
    viewer: Option<ScopeViewer>,
    gui: Option<GuiContext>,
    /// The archive path being typed.
    path_text: String,
    /// Latest copy of the miner's snapshot.
    snapshot: MiningSnapshot,
    /// Latest grains from the audio thread.
    grains: Vec<ScopeGrain>,
    repaint: RepaintNotifier,
    /// File name and length of the next captured recipe.
    capture_name: String,
    capture_sec: f64,
    /// What the last capture wrote, or why it failed.
    capture_message: String,
    /// The WAV the last capture to file wrote (the Copy button copies its path).
    capture_path: Option<std::path::PathBuf>,
    /// The capture to file being rendered, the remark of its recipe, the folder chosen for
    /// captures (`None`: beside the recipes folder) and its dialog.
    capture_job: Option<crate::capture::job::CaptureJob>,
    capture_note: String,
    capture_folder: Option<std::path::PathBuf>,
    capture_folder_picker: FolderPicker,
    /// The folder dialog, and what to say about its last answer.
    folder_picker: FolderPicker,
    folder_message: String,
    browser: PadBrowser,
    presets: PresetBrowser,
    /// Which list the pad browser shows, and the Archive view's state.
    browser_view: BrowserView,
    archive_view: ArchiveView,
    meter: LevelMeter,
    probe: LayoutProbe,
    /// With "All pads": the slot the grain display shows, and since when none of its grains sound.
    shown_slot: u16,
    shown_idle_since: Option<Instant>,
    /// The size saved with the project, and whether the window has yet to be set to it.
    saved_size: EditorSize,
    restore_pending: bool,
}

impl NiceEguiApp for AfterglowEditor {
    fn build(
        &mut self,
        egui_ctx: egui::Context,
        nice_gui_ctx: GuiContext,
        _frame: &mut nice_plug_egui::Frame,
    ) -> Result<(), nice_plug_egui::baseview::HandlerError> {
        theme::apply(&egui_ctx);
        self.viewer = Some(self.scope.open_viewer());
        self.meter.restart(&self.scope);
        self.restore_pending = true;
        self.path_text = self.params.archive_path();
        self.gui = Some(nice_gui_ctx);
        Ok(())
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut nice_plug_egui::Frame) {
        self.draw(ui);
    }

    fn resized(&mut self, new_size: nice_plug_egui::baseview::WindowSize) {
        // Sizes reported before the saved size is restored are the default's, not the musician's.
        if !self.restore_pending {
            let logical = new_size.logical;
            self.saved_size.set(logical.width.round() as u32, logical.height.round() as u32);
        }
    }

    fn editor_closed(&mut self) {
        self.viewer = None;
        self.gui = None;
        self.restore_pending = true;
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
            viewer: None,
            gui: None,
            snapshot: MiningSnapshot::default(),
            grains: Vec::with_capacity(engine::texture::MAX_GRAINS),
            repaint,
            capture_name: String::from("capture"),
            capture_sec: DEFAULT_CAPTURE_SEC,
            capture_message: String::new(),
            capture_path: None,
            capture_job: None,
            capture_note: String::new(),
            capture_folder: None,
            capture_folder_picker: FolderPicker::default(),
            folder_picker: FolderPicker::default(),
            folder_message: String::new(),
            browser: PadBrowser::default(),
            presets: PresetBrowser::default(),
            browser_view: BrowserView::from_env(),
            archive_view: ArchiveView::from_env(),
            meter: LevelMeter::default(),
            probe: LayoutProbe::from_env(),
            shown_slot: 0,
            shown_idle_since: None,
            saved_size: EditorSize::default(),
            // Until the first frame has asked for the saved size, sizes reported are not the
            // musician's (the window may report its default before `build`).
            restore_pending: true,
        }
    }

    /// Draw one frame of the whole editor into `ui` (does nothing before the host's GUI context
    /// has been attached).
    pub fn draw(&mut self, ui: &mut Ui) {
        self.mining.status.try_copy_into(&mut self.snapshot);
        self.scope.read_grains(&mut self.grains);
        self.meter.update(&self.scope);
        let Some(gui) = self.gui.clone() else {
            return;
        };
        let setter = gui.param_setter();
        let screen = ui.max_rect();
        if std::mem::take(&mut self.restore_pending)
            && let Some((width, height)) = self.saved_size.restore_to((screen.width(), screen.height()))
        {
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::InnerSize(egui::vec2(width as f32, height as f32)));
        }
        self.probe.begin_frame(screen);
        ui.painter().rect_filled(screen, 0.0, theme::BACKGROUND);
        let regions = layout::regions(screen);

        let shown_view = self.browser_view;
        self.header(ui, regions.header);

        self.follow_grains();
        let (slot, pad) = self.displayed_pad();
        let (caption, status) = self.caption(slot, pad);
        let empty = self.empty_message();
        let view = waveform::WaveformView {
            pad,
            slot,
            grains: &self.grains,
            travel: self.scope.travel(),
            caption: &caption,
            status: &status,
            empty_message: &empty,
        };
        if self.browser_view != BrowserView::Modulation {
            let (display, tempo_card) = tempo_panel::split(regions.waveform);
            let response = waveform::show(ui, display, &view, &self.params, &setter);
            self.probe.record("Grain display", response.rect);
            tempo_panel::show(ui, tempo_card, &self.params, &setter, &mut self.probe);
        }

        let pads: Vec<&PadInfo> = self.snapshot.pads.iter().flatten().collect();
        self.probe.set_counts(pads.len(), self.grains.len());
        match self.browser_view {
            BrowserView::Bank => self.browser.show(ui, regions.browser, &pads, &self.params, &setter, &mut self.probe),
            BrowserView::Archive => {
                let source = self.params.source.value();
                let replace_slot = (source > 0).then(|| (source - 1) as u16);
                self.archive_view.show(ui, regions.browser, &self.mining.archive, &self.snapshot, replace_slot, &mut self.probe);
            }
            BrowserView::Presets => self.presets.show(ui, regions.browser, &self.params, &setter, &mut self.probe),
            BrowserView::Modulation => {
                // Below the tab strip, across the grain display and the browser.
                let area = egui::Rect::from_min_max(egui::pos2(regions.waveform.left(), regions.browser.top() + 30.0), regions.browser.max);
                modulation_panel::show(ui, area, &self.params, &setter, &mut self.probe);
            }
        }
        browser_tabs::show(ui, regions.browser, &mut self.browser_view, &mut self.probe);
        if self.browser_view == BrowserView::Presets && shown_view != BrowserView::Presets {
            // The files may have changed while the list was hidden.
            self.presets.refresh();
        }

        let recipe = groups::upper_row(ui, regions.rows[0], &self.params, &setter, &mut self.probe);
        self.recipe_card(ui, recipe);
        groups::lower_row(ui, regions.rows[1], &self.params, &setter, &self.meter, &mut self.probe);

        self.probe.end_frame();
        // Keep the grain display moving while the window is open; the notifier's poll interval
        // caps the rate at REPAINT_HZ.
        self.repaint.request_repaint();
    }

    /// The pad shown in the grain display: the selected source slot, or with "All pads" the
    /// slot chosen by [`Self::follow_grains`].
    fn displayed_pad(&self) -> (u16, Option<&PadInfo>) {
        let source = self.params.source.value();
        let slot = if source > 0 { (source - 1) as u16 } else { self.shown_slot };
        (slot, self.snapshot.pads.get(usize::from(slot)).and_then(Option::as_ref))
    }

    /// With "All pads", keep showing one pad while its grains sound (no flicker between pads at
    /// every frame), and move to the pad most grains read once it has been silent a while.
    fn follow_grains(&mut self) {
        let shown = usize::from(self.shown_slot);
        let filled = self.snapshot.pads.get(shown).is_some_and(Option::is_some);
        if filled && self.grains.iter().any(|g| g.slot == self.shown_slot) {
            self.shown_idle_since = None;
            return;
        }
        let now = Instant::now();
        let idle_since = *self.shown_idle_since.get_or_insert(now);
        if filled && now.duration_since(idle_since) < SWITCH_PAD_AFTER {
            return;
        }
        let mut counts = [0u32; crate::queues::NUM_BANK_SLOTS];
        for grain in &self.grains {
            if let Some(count) = counts.get_mut(usize::from(grain.slot)) {
                *count += 1;
            }
        }
        let busiest = counts.iter().enumerate().max_by_key(|&(slot, &count)| (count, std::cmp::Reverse(slot)));
        self.shown_slot = match busiest {
            Some((slot, &count)) if count > 0 => slot as u16,
            _ => self.snapshot.pads.iter().flatten().next().map_or(0, |pad| pad.slot),
        };
        self.shown_idle_since = None;
    }

    /// The caption over the grain display: which pad (with its length and key), and what the
    /// grains are doing.
    fn caption(&self, slot: u16, pad: Option<&PadInfo>) -> (String, String) {
        let here = self.grains.iter().filter(|g| g.slot == slot).count();
        let motion = if self.params.freeze.value() { "frozen" } else { "drifting" };
        let status = if self.params.source.value() == 0 {
            format!("{} grains, {here} on this pad, {motion}", self.grains.len())
        } else {
            format!("{here} grains, {motion}")
        };
        let Some(pad) = pad else {
            return (String::new(), status);
        };
        let mut key = if pad.key.is_empty() { String::new() } else { format!(", {}", pad.key) };
        if !pad.layer().is_mix() {
            key.push_str(&format!(", {} layer", pad.layer()));
        }
        let which = if self.params.source.value() == 0 { format!("All pads, showing pad {}", slot + 1) } else { format!("Pad {}", slot + 1) };
        (format!("{which}: {} ({:.1} s{key})", pad.name, pad.length_sec), status)
    }

    /// What the grain display says when the chosen slot has no pad.
    fn empty_message(&self) -> String {
        let filled = self.snapshot.pads.iter().flatten().count();
        let source = self.params.source.value();
        if self.snapshot.pads.is_empty() {
            String::from("Nothing to show yet: the sound engine starts when the host starts audio.")
        } else if source > 0 {
            format!("Pad {source} is empty: the bank holds {filled} pads. Pick one in the list, or turn Pad down to All pads.")
        } else {
            String::from("No pads in the bank yet.")
        }
    }

    /// Show the Bank or the Archive list (for tests and screenshots).
    pub fn set_browser_view(&mut self, view: BrowserView) {
        self.browser_view = view;
    }

    /// The Archive view (for tests).
    pub fn archive_view_mut(&mut self) -> &mut ArchiveView {
        &mut self.archive_view
    }

    /// The layout probe (for tests).
    pub fn probe(&self) -> &LayoutProbe {
        &self.probe
    }
}

/// The editor's whole area for a window of `width` x `height` logical points (for tests).
pub fn screen_rect(width: f32, height: f32) -> Rect {
    Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(width, height))
}

#[cfg(test)]
mod tests;
