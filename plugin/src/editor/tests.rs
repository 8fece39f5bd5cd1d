//! Headless tests of the editor: it draws with a mined bank and live grains, every control lies
//! inside the window at the smallest, default and a large size, recipe capture writes its file,
//! and what a frame costs to build and tessellate.

use std::sync::atomic::Ordering;
use std::time::Instant;

use nice_plug::prelude::Param;

use super::*;
use crate::mining::WAVEFORM_POINTS;

/// The counting host GUI context (gesture starts are `begins`).
use crate::test_host::CountingHost as CountingContext;

fn pad(slot: u16, name: &str, key: &str, brightness_hz: f32) -> PadInfo {
    PadInfo {
        slot,
        pad_id: 7 + u64::from(slot),
        name: name.to_owned(),
        source_path: None,
        start_sec: 4.0,
        length_sec: 8.0,
        key: key.to_owned(),
        brightness_hz,
        waveform: (0..WAVEFORM_POINTS).map(|i| { let a = (i as f32 * 0.1).sin() * 0.6; (-a.abs(), a.abs()) }).collect(),
        recipe_source: engine::recipe::RecipeSource::builtin(),
    }
}

/// An editor with three pads, 200 grains and a long status message, attached to a counting host.
fn editor() -> (AfterglowEditor, Arc<CountingContext>) {
    let params = Arc::new(AfterglowParams::default());
    let mining = Arc::new(MiningShared::new());
    let scope = Arc::new(GrainScope::new());
    let grains: Vec<ScopeGrain> = (0..200)
        .map(|i| ScopeGrain { slot: (i % 2) as u16, position: i as f32 / 200.0, span: 0.02, pitch_semitones: (i % 25) as f32 - 12.0, pan: 0.0, age: (i % 10) as f32 / 10.0, reverse: i % 3 == 0 })
        .collect();
    scope.publish_grains(&grains, 3, 2.5);
    mining.status.update(|s| {
        s.message = String::from("Done: 3 pads from 4 files. One file gave no pads, because every window of it was quieter than -50 dBFS (the silence gate); /a/very/long/path/that/does/not/wrap/nicely/at/all/because/it/has/no/spaces/recording.wav");
        s.pads = vec![None; crate::queues::NUM_BANK_SLOTS];
        s.pads[0] = Some(pad(0, "take @ 0:04", "A minor", 900.0));
        // A pad from the harmonic layer of a busy mix, with a name too long for the list.
        let mut layered = pad(1, "a rather long source file name of a field recording @ 12:40", "C major", 3400.0);
        layered.recipe_source.layer = engine::separate::Layer::Harmonic;
        s.pads[1] = Some(layered);
        s.pads[5] = Some(pad(5, "room tone @ 0:00", "", 1800.0));
    });
    let mut editor = AfterglowEditor::new(params, mining, scope, RepaintNotifier::new());
    let counting = Arc::new(CountingContext::default());
    editor.gui = Some(GuiContext::new(counting.clone()));
    (editor, counting)
}

/// Run frames of `editor` at `width` x `height` with fonts loaded; returns the shapes of the last.
fn run_frames(editor: &mut AfterglowEditor, ctx: &egui::Context, width: f32, height: f32, frames: usize) -> egui::FullOutput {
    let input = || egui::RawInput { screen_rect: Some(screen_rect(width, height)), ..Default::default() };
    let mut output = ctx.run_ui(input(), |ui| editor.draw(ui));
    for _ in 1..frames {
        // No renderer here to upload the font atlas to.
        output.textures_delta.clear();
        output = ctx.run_ui(input(), |ui| editor.draw(ui));
    }
    output.textures_delta.clear();
    output
}

#[test]
fn draws_the_whole_editor_headless() {
    let (mut editor, counting) = editor();
    let ctx = egui::Context::default();
    theme::apply(&ctx);
    let output = run_frames(&mut editor, &ctx, 1000.0, 700.0, 2);
    assert!(output.shapes.len() > 200, "only {} shapes drawn", output.shapes.len());
    assert_eq!(editor.snapshot.pads.iter().flatten().count(), 3);
    assert_eq!(editor.grains.len(), 200);
    // "All pads" shows the pad most grains read (slots 0 and 1 tie: the lower wins).
    assert_eq!(editor.displayed_pad().1.map(|p| p.pad_id), Some(7));

    pad_browser::set_source(&editor.gui.as_ref().expect("context").param_setter(), &editor.params, 1);
    assert_eq!(counting.begins.load(Ordering::Relaxed), 1);
    assert_eq!(editor.params.source.value(), 1);

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

/// Every control inside the window, at the smallest, default and a large size.
#[test]
fn every_control_fits_the_window_at_every_size() {
    let (mut editor, _) = editor();
    let ctx = egui::Context::default();
    theme::apply(&ctx);
    for (width, height) in [MIN_SIZE, (DEFAULT_SIZE.0 as f32, DEFAULT_SIZE.1 as f32), (1400.0, 900.0), MAX_SIZE] {
        run_frames(&mut editor, &ctx, width, height, 2);
        let widgets = editor.probe().widgets();
        assert!(widgets.len() >= 35, "only {} controls recorded", widgets.len());
        for name in ["Position", "Density", "Pitch", "Attack", "Level meter", "Pad list", "Archive folder", "Status"] {
            assert!(widgets.iter().any(|(n, _)| *n == name), "{name} missing");
        }
        let outside = editor.probe().outside();
        assert!(outside.is_empty(), "outside the {width}x{height} window: {outside:?}");
        // Knob cells must not overlap one another.
        let knobs: Vec<_> = widgets.iter().filter(|(n, _)| !matches!(*n, "Pad list" | "Status" | "Grain display")).collect();
        for (i, (a, ra)) in knobs.iter().enumerate() {
            for (b, rb) in &knobs[i + 1..] {
                assert!(!ra.shrink(1.0).intersects(rb.shrink(1.0)), "{a} {ra:?} overlaps {b} {rb:?} at {width}x{height}");
            }
        }
    }
}

/// Every text shape drawn in `shapes`: its text, its rectangle on screen and whether it was cut short.
fn texts(shapes: &[egui::epaint::ClippedShape]) -> Vec<(String, egui::Rect, bool)> {
    fn walk(shape: &egui::Shape, out: &mut Vec<(String, egui::Rect, bool)>) {
        match shape {
            egui::Shape::Text(text) => out.push((text.galley.text().to_owned(), text.visual_bounding_rect(), text.galley.elided)),
            egui::Shape::Vec(shapes) => shapes.iter().for_each(|s| walk(s, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    shapes.iter().for_each(|clipped| walk(&clipped.shape, &mut out));
    out
}

/// The pad list tags the pad cut from a harmonic layer, and only it: the tag sits beside its name,
/// whole and inside the list, at every size; the name gives way to it (cut short with an
/// ellipsis, keeping its time where there is room) but keeps some room, the tag shrinking to "H"
/// in a narrow list.
#[test]
fn a_layer_pad_is_tagged_with_its_layer_beside_its_name() {
    let (mut editor, _) = editor();
    let ctx = egui::Context::default();
    theme::apply(&ctx);
    for (width, height) in [MIN_SIZE, (DEFAULT_SIZE.0 as f32, DEFAULT_SIZE.1 as f32), MAX_SIZE] {
        let output = run_frames(&mut editor, &ctx, width, height, 2);
        let list = editor.probe().widgets().iter().find(|(n, _)| *n == "Pad list").expect("pad list").1;
        let texts = texts(&output.shapes);
        let tags: Vec<&(String, egui::Rect, bool)> = texts.iter().filter(|(t, _, _)| t == "harmonic" || t == "H").collect();
        assert_eq!(tags.len(), 1, "one pad of three is a layer's, at {width}x{height}: {tags:?}");
        let (label, tag, _) = tags[0];
        assert_eq!(label, if width == MAX_SIZE.0 { "harmonic" } else { "H" }, "at {width}x{height}");
        assert!(list.contains_rect(*tag), "the tag {tag:?} leaves the list {list:?} at {width}x{height}");
        let name = texts.iter().find(|(t, _, _)| t.starts_with("a rather long")).expect("the layer pad's name");
        assert!(name.1.right() <= tag.left() - 4.0, "name {name:?} runs into the tag {tag:?} at {width}x{height}");
        assert!(name.1.width() >= 40.0, "the name is crammed out by the tag at {width}x{height}: {name:?}");
        assert!(name.1.bottom() > tag.top() && name.1.top() < tag.bottom(), "the tag is not on its pad's row at {width}x{height}: {name:?} {tag:?}");
        assert!(name.2, "the long name should give way to the tag: {name:?}");
        // Beside the cut file name, its time, before the tag.
        if width > MIN_SIZE.0 {
            let time = texts.iter().find(|(t, _, _)| t == "@ 12:40").expect("the name's time is kept");
            assert!(name.1.right() < time.1.left() && time.1.right() <= tag.left() - 4.0, "{name:?} {time:?} {tag:?}");
        }
    }
}

/// The cost of one frame at the default size: building the UI and tessellating it into
/// triangles (the GPU's share is not measured here). Printed, and bounded loosely so a
/// regression by an order of magnitude fails.
#[test]
fn frame_cost_at_default_size() {
    let (mut editor, _) = editor();
    let ctx = egui::Context::default();
    theme::apply(&ctx);
    run_frames(&mut editor, &ctx, 1000.0, 700.0, 3);
    let frames = 30;
    let (mut build, mut tessellate) = (0.0, 0.0);
    for _ in 0..frames {
        let start = Instant::now();
        let output = run_frames(&mut editor, &ctx, 1000.0, 700.0, 1);
        let built = Instant::now();
        let primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
        assert!(!primitives.is_empty());
        build += built.duration_since(start).as_secs_f64() * 1000.0;
        tessellate += built.elapsed().as_secs_f64() * 1000.0;
    }
    let (build, tessellate) = (build / f64::from(frames), tessellate / f64::from(frames));
    let ms = build + tessellate;
    println!("editor frame at 1000x700 with 200 grains: {ms:.2} ms ({build:.2} ms to build, {tessellate:.2} ms to tessellate)");
    assert!(ms < 100.0, "{ms} ms per frame");
}

/// A pointer gesture played into the editor, one frame per step, 1/30 s apart.
struct Pointer {
    ctx: egui::Context,
    time: f64,
}

impl Pointer {
    fn new() -> Self {
        let ctx = egui::Context::default();
        theme::apply(&ctx);
        Self { ctx, time: 0.0 }
    }

    fn frame(&mut self, editor: &mut AfterglowEditor, mut events: Vec<egui::Event>, modifiers: egui::Modifiers) {
        self.time += 1.0 / 30.0;
        events.insert(0, egui::Event::ModifiersChanged(modifiers));
        let input = egui::RawInput { screen_rect: Some(screen_rect(1000.0, 700.0)), time: Some(self.time), events, ..Default::default() };
        let mut output = self.ctx.run_ui(input, |ui| editor.draw(ui));
        output.textures_delta.clear();
    }

    fn button(pos: egui::Pos2, pressed: bool, modifiers: egui::Modifiers) -> egui::Event {
        egui::Event::PointerButton { pos, button: egui::PointerButton::Primary, pressed, modifiers }
    }

    /// Press at `from`, move by `by` in `steps` frames, release.
    fn drag(&mut self, editor: &mut AfterglowEditor, from: egui::Pos2, by: egui::Vec2, steps: usize, modifiers: egui::Modifiers) {
        self.frame(editor, vec![egui::Event::PointerMoved(from)], modifiers);
        self.frame(editor, vec![Self::button(from, true, modifiers)], modifiers);
        for step in 1..=steps {
            let at = from + by * (step as f32 / steps as f32);
            self.frame(editor, vec![egui::Event::PointerMoved(at)], modifiers);
        }
        self.frame(editor, vec![Self::button(from + by, false, modifiers)], modifiers);
        self.frame(editor, vec![], modifiers);
    }

    fn double_click(&mut self, editor: &mut AfterglowEditor, at: egui::Pos2) {
        let none = egui::Modifiers::NONE;
        self.frame(editor, vec![egui::Event::PointerMoved(at)], none);
        for _ in 0..2 {
            self.frame(editor, vec![Self::button(at, true, none)], none);
            self.frame(editor, vec![Self::button(at, false, none)], none);
        }
        self.frame(editor, vec![], none);
    }
}

fn centre_of(editor: &AfterglowEditor, name: &str) -> egui::Pos2 {
    editor.probe().widgets().iter().find(|(n, _)| *n == name).map(|(_, r)| r.center()).unwrap_or_else(|| panic!("no {name}"))
}

/// A knob moves by its drag distance (200 points for the whole range), ten times finer with
/// Shift, and a double-click resets it; each drag is one host gesture.
#[test]
fn knobs_drag_fine_adjust_and_reset() {
    let (mut editor, counting) = editor();
    let mut pointer = Pointer::new();
    pointer.frame(&mut editor, vec![], egui::Modifiers::NONE);
    let knob = centre_of(&editor, "Position Spray");
    let start = editor.params.position_spray.unmodulated_normalized_value();

    pointer.drag(&mut editor, knob, egui::vec2(0.0, -40.0), 8, egui::Modifiers::NONE);
    let coarse = editor.params.position_spray.unmodulated_normalized_value() - start;
    assert!((0.12..=0.21).contains(&coarse), "40 points up moved {coarse}");
    assert_eq!(counting.begins.load(Ordering::Relaxed), 1);
    assert_eq!(counting.ends.load(Ordering::Relaxed), 1);

    let before = editor.params.position_spray.unmodulated_normalized_value();
    pointer.drag(&mut editor, knob, egui::vec2(0.0, -40.0), 8, egui::Modifiers::SHIFT);
    let fine = editor.params.position_spray.unmodulated_normalized_value() - before;
    assert!(fine > 0.0 && fine < coarse / 5.0, "fine drag moved {fine}, coarse {coarse}");

    pointer.double_click(&mut editor, knob);
    let value = editor.params.position_spray.unmodulated_normalized_value();
    assert!((value - editor.params.position_spray.default_normalized_value()).abs() < 1e-6, "not reset: {value}");
}

/// Dragging sideways on the grain display sets Position where the pointer is less the read
/// position's travel (the scope's drift: 2.5 s of the 8 s pad), frozen or not (Freeze holds the
/// travel, it does not undo it), and up raises Spray.
#[test]
fn grain_display_drag_sets_position_and_spray() {
    let (mut editor, _) = editor();
    editor.gui.as_ref().expect("context").param_setter().set_parameter(&editor.params.freeze, true);
    let mut pointer = Pointer::new();
    pointer.frame(&mut editor, vec![], egui::Modifiers::NONE);
    let display = editor.probe().widgets().iter().find(|(n, _)| *n == "Grain display").map(|(_, r)| *r).expect("grain display");
    let spray = editor.params.position_spray.value();
    // The waveform's plot is inset 10 points at each side.
    let plot_left = display.left() + 10.0;
    let plot_width = display.width() - 20.0;
    let from = egui::pos2(plot_left + 0.5 * plot_width, display.center().y);
    let to = egui::pos2(plot_left + 0.25 * plot_width, display.center().y - 30.0);
    pointer.drag(&mut editor, from, to - from, 6, egui::Modifiers::NONE);
    let position = editor.params.position.value();
    let expected = (0.25f32 - 2.5 / 8.0).rem_euclid(1.0);
    assert!((position - expected).abs() < 0.02, "position {position}, expected {expected}");
    assert!(editor.params.position_spray.value() > spray + 0.02, "spray {} from {spray}", editor.params.position_spray.value());
}

/// Clicking a knob's value opens a field; typing a value and Enter sets it as one gesture.
#[test]
fn typed_value_sets_the_parameter() {
    let (mut editor, counting) = editor();
    let mut pointer = Pointer::new();
    let none = egui::Modifiers::NONE;
    pointer.frame(&mut editor, vec![], none);
    let knob = editor.probe().widgets().iter().find(|(n, _)| *n == "Position Spray").map(|(_, r)| *r).expect("knob");
    // The value sits just under the knob.
    let value = egui::pos2(knob.center().x, knob.bottom() + 8.0);
    pointer.frame(&mut editor, vec![egui::Event::PointerMoved(value)], none);
    pointer.frame(&mut editor, vec![Pointer::button(value, true, none)], none);
    pointer.frame(&mut editor, vec![Pointer::button(value, false, none)], none);
    pointer.frame(&mut editor, vec![], none);
    let key = |key, pressed| egui::Event::Key { key, physical_key: None, pressed, repeat: false, modifiers: none };
    // The field opens empty (the current value is its hint): type, press Enter.
    pointer.frame(&mut editor, vec![egui::Event::Text(String::from("75"))], none);
    pointer.frame(&mut editor, vec![key(egui::Key::Enter, true), key(egui::Key::Enter, false)], none);
    pointer.frame(&mut editor, vec![], none);
    let spray = editor.params.position_spray.value();
    assert!((spray - 0.75).abs() < 1e-4, "typed 75 %, got {spray}");
    assert_eq!(counting.ends.load(Ordering::Relaxed), 1);
}

/// What the grain display says when it has nothing to draw, in words a musician understands.
#[test]
fn empty_states_say_why() {
    let params = Arc::new(AfterglowParams::default());
    let mut editor = AfterglowEditor::new(params, Arc::new(MiningShared::new()), Arc::new(GrainScope::new()), RepaintNotifier::new());
    assert!(editor.empty_message().contains("sound engine starts"), "{}", editor.empty_message());

    let (mut editor_with_pads, _) = self::editor();
    let setter_context = editor_with_pads.gui.clone().expect("context");
    setter_context.param_setter().set_parameter(&editor_with_pads.params.source, 9);
    let mut pointer = Pointer::new();
    pointer.frame(&mut editor_with_pads, vec![], egui::Modifiers::NONE);
    let message = editor_with_pads.empty_message();
    assert!(message.contains("Pad 9 is empty") && message.contains("3 pads"), "{message}");
    assert_eq!(editor_with_pads.displayed_pad().1, None);
    let (_, status) = editor_with_pads.caption(8, None);
    assert!(status.contains("0 grains"), "{status}");

    editor.gui = None;
    // Without a host context the editor draws nothing and does not panic.
    let ctx = egui::Context::default();
    let mut output = ctx.run_ui(egui::RawInput::default(), |ui| editor.draw(ui));
    output.textures_delta.clear();
}

/// The parameter table says which group each parameter belongs to; the editor's cards follow it.
#[test]
fn the_cards_hold_the_parameters_of_their_group() {
    use engine::texture::param_table::CONTINUOUS;
    let (mut editor, _) = editor();
    let ctx = egui::Context::default();
    theme::apply(&ctx);
    let mut checked = std::collections::HashSet::new();
    // The main view's nine cards (Tempo under the grain display), then the modulation view's two
    // (it replaces the grain display, the Tempo card and the browser).
    for (view, num_cards) in [(BrowserView::Bank, 9), (BrowserView::Modulation, 10)] {
        editor.set_browser_view(view);
        run_frames(&mut editor, &ctx, 1000.0, 700.0, 2);
        let widgets = editor.probe.widgets();
        let cards = editor.probe.cards();
        assert_eq!(cards.len(), num_cards, "{view:?}: {cards:?}");
        for spec in &CONTINUOUS {
            let Some((_, rect)) = widgets.iter().find(|(name, _)| *name == spec.name) else { continue };
            let card = cards.iter().find(|(_, c)| c.contains(rect.center())).map(|(title, _)| *title);
            assert_eq!(card, Some(spec.group.title()), "{} is drawn in the wrong card", spec.name);
            checked.insert(spec.name);
        }
    }
    assert_eq!(checked.len(), CONTINUOUS.len(), "every continuous parameter has a control");
}

/// The preset browser, driven as its buttons drive it: a factory preset loads as one host gesture
/// per parameter it moves and is not "edited" until a knob moves; Save as writes a user preset
/// that becomes the current one; the same name again is refused once, then replaced; Rename and
/// Delete (pressed twice) act on its file.
#[test]
fn the_preset_browser_loads_saves_renames_and_deletes() {
    use crate::presets::UserPresets;
    let (mut editor, counting) = editor();
    let folder = tempfile::tempdir().expect("temp dir");
    editor.presets = preset_browser::PresetBrowser::new(Some(UserPresets::new(folder.path())));
    let gui = editor.gui.clone().expect("context");
    let setter = gui.param_setter();
    let index = editor.presets.entries().iter().position(|e| e.preset.name == "Frozen Field").expect("factory preset");
    let moved = editor.presets.entries()[index].preset.params.len();
    editor.presets.load(index, &editor.params, &setter);
    assert_eq!(counting.begins.load(Ordering::Relaxed), moved, "one gesture per value the preset moves");
    assert_eq!(counting.ends.load(Ordering::Relaxed), moved);
    assert!(editor.params.freeze.value() && editor.params.hold.value());
    assert_eq!(editor.presets.current(), Some(("Frozen Field", false)));
    setter.set_parameter(&editor.params.density_hz, 77.0);
    assert_eq!(editor.presets.current(), Some(("Frozen Field", true)), "a knob moved after loading");

    editor.presets.name_text = String::from("My field");
    let saved = editor.presets.save_as(&editor.params).expect("saved");
    assert_eq!(saved, folder.path().join("My field.toml"));
    assert_eq!(editor.presets.current(), Some(("My field", false)));
    assert!(editor.presets.save_as(&editor.params).is_none(), "the same name is refused once");
    assert!(editor.presets.message().0.contains("press Save as again"), "{:?}", editor.presets.message());
    assert!(editor.presets.save_as(&editor.params).is_some(), "and replaced on the second press");

    editor.presets.name_text = String::from("Field at night");
    let renamed = editor.presets.rename_selected().expect("renamed");
    assert!(renamed.is_file() && !saved.exists());
    assert_eq!(editor.presets.current(), Some(("Field at night", false)));
    assert!(!editor.presets.delete_selected(), "the first press asks");
    assert!(renamed.is_file());
    assert!(editor.presets.delete_selected(), "the second deletes");
    assert!(!renamed.exists());
    // Factory presets are neither renamed nor deleted.
    editor.presets.load(index, &editor.params, &setter);
    assert!(editor.presets.rename_selected().is_none() && !editor.presets.delete_selected());
    assert!(editor.presets.message().1, "{:?}", editor.presets.message());
}

/// The Presets view (list, current preset, name and category fields, buttons) lies inside the
/// browser panel at every size, its controls apart.
#[test]
fn the_preset_view_fits_the_window_at_every_size() {
    let (mut editor, _) = editor();
    let folder = tempfile::tempdir().expect("temp dir");
    editor.presets = preset_browser::PresetBrowser::new(Some(crate::presets::UserPresets::new(folder.path())));
    editor.set_browser_view(BrowserView::Presets);
    let ctx = egui::Context::default();
    theme::apply(&ctx);
    for (width, height) in [MIN_SIZE, (DEFAULT_SIZE.0 as f32, DEFAULT_SIZE.1 as f32), MAX_SIZE] {
        let output = run_frames(&mut editor, &ctx, width, height, 2);
        let widgets = editor.probe().widgets();
        let named = ["Preset list", "Current preset", "Preset name", "Preset category", "Save preset", "Preset with pads", "Rename preset", "Delete preset"];
        for name in named {
            assert!(widgets.iter().any(|(n, _)| *n == name), "{name} missing at {width}x{height}");
        }
        let outside = editor.probe().outside();
        assert!(outside.is_empty(), "outside the {width}x{height} window: {outside:?}");
        let ours: Vec<_> = widgets.iter().filter(|(n, _)| named.contains(n)).collect();
        let panel = layout::regions(screen_rect(width, height)).browser;
        for (name, rect) in &ours {
            assert!(panel.expand(0.5).contains_rect(*rect), "{name} {rect:?} leaves the browser panel {panel:?} at {width}x{height}");
        }
        for (i, (a, ra)) in ours.iter().enumerate() {
            for (b, rb) in &ours[i + 1..] {
                assert!(!ra.shrink(1.0).intersects(rb.shrink(1.0)), "{a} {ra:?} overlaps {b} {rb:?} at {width}x{height}");
            }
        }
        let texts = texts(&output.shapes);
        assert!(texts.iter().any(|(t, _, _)| t == "Warm Tape Pad"), "the factory presets are listed at {width}x{height}");
    }
}

/// "WAV" renders the current sound on the capture thread while frames go on; the file's path is
/// then shown with a Copy button that puts the path on the clipboard.
#[test]
fn the_wav_button_renders_off_the_gui_thread_and_offers_the_path_to_copy() {
    let (mut editor, _) = editor();
    let folder = tempfile::tempdir().expect("temp dir");
    editor.capture_folder = Some(folder.path().to_path_buf());
    editor.capture_name = String::from("dusk");
    editor.capture_sec = 1.0;
    let mut pointer = Pointer::new();
    pointer.frame(&mut editor, vec![], egui::Modifiers::NONE);
    let message = editor.start_capture_wav();
    assert!(message.starts_with("Rendering"), "{message}");
    let started = Instant::now();
    while editor.capture_job.is_some() {
        assert!(started.elapsed() < std::time::Duration::from_secs(60), "no answer from the capture thread");
        pointer.frame(&mut editor, vec![], egui::Modifiers::NONE);
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let path = folder.path().join("dusk.wav");
    assert!(editor.capture_message.starts_with(&format!("Wrote {}", path.display())), "{}", editor.capture_message);
    assert_eq!(editor.capture_path.as_deref(), Some(path.as_path()));
    assert!(path.is_file());
    pointer.frame(&mut editor, vec![], egui::Modifiers::NONE);
    let copy = centre_of(&editor, "Copy path");
    let none = egui::Modifiers::NONE;
    pointer.frame(&mut editor, vec![egui::Event::PointerMoved(copy)], none);
    pointer.frame(&mut editor, vec![Pointer::button(copy, true, none)], none);
    let input = egui::RawInput { screen_rect: Some(screen_rect(1000.0, 700.0)), time: Some(pointer.time + 0.05), events: vec![Pointer::button(copy, false, none)], ..Default::default() };
    let output = pointer.ctx.run_ui(input, |ui| editor.draw(ui));
    let copied: Vec<&String> = output.platform_output.commands.iter().filter_map(|c| match c { egui::OutputCommand::CopyText(text) => Some(text), _ => None }).collect();
    assert_eq!(copied, [&path.display().to_string()]);
}

/// The Archive view's filters, its "more like this" chooser and its actions fit the browser panel
/// at every size without overlapping, whatever the filters say.
#[test]
fn the_archive_view_fits_the_window_at_every_size() {
    let (mut editor, _) = editor();
    editor.set_browser_view(BrowserView::Archive);
    editor.archive_view_mut().ask_like("0123abcd-44100-88200");
    let ctx = egui::Context::default();
    theme::apply(&ctx);
    for (width, height) in [MIN_SIZE, (DEFAULT_SIZE.0 as f32, DEFAULT_SIZE.1 as f32), MAX_SIZE] {
        run_frames(&mut editor, &ctx, width, height, 2);
        let widgets = editor.probe().widgets();
        let named = [
            "Archive key filter",
            "Archive brightness filter",
            "Archive grade filter",
            "Archive source filter",
            "Archive like by",
            "Archive like clear",
            "Archive load",
            "Archive like",
        ];
        let ours: Vec<_> = widgets.iter().filter(|(n, _)| named.contains(n)).collect();
        assert_eq!(ours.len(), named.len(), "{ours:?} at {width}x{height}");
        let outside = editor.probe().outside();
        assert!(outside.is_empty(), "outside the {width}x{height} window: {outside:?}");
        let panel = layout::regions(screen_rect(width, height)).browser;
        for (name, rect) in &ours {
            assert!(panel.contains_rect(*rect), "{name} {rect:?} leaves the browser panel {panel:?} at {width}x{height}");
            assert!(rect.width() >= 20.0, "{name} {rect:?} squeezed at {width}x{height}");
        }
        for (i, (a, ra)) in ours.iter().enumerate() {
            for (b, rb) in &ours[i + 1..] {
                assert!(!ra.shrink(1.0).intersects(rb.shrink(1.0)), "{a} {ra:?} overlaps {b} {rb:?} at {width}x{height}");
            }
        }
    }
}

/// The view tabs (Bank, Archive) sit clear of the panel's title and count at every size, and the
/// header's Presets and Modulation buttons stay in the header, clear of the status line.
#[test]
fn the_view_tabs_leave_the_panel_title_readable() {
    let (mut editor, _) = editor();
    let ctx = egui::Context::default();
    theme::apply(&ctx);
    for (width, height) in [MIN_SIZE, (DEFAULT_SIZE.0 as f32, DEFAULT_SIZE.1 as f32), MAX_SIZE] {
        let output = run_frames(&mut editor, &ctx, width, height, 2);
        let count = texts(&output.shapes).into_iter().find(|(t, _, _)| t == "3 in the bank").expect("the bank's count").1;
        for tab in ["Bank tab", "Archive tab"] {
            let rect = editor.probe().widgets().iter().find(|(n, _)| *n == tab).expect(tab).1;
            assert!(rect.left() > count.right() + 4.0, "{tab} {rect:?} covers the count {count:?} at {width}x{height}");
        }
        let header = layout::regions(screen_rect(width, height)).header;
        let status = editor.probe().widgets().iter().find(|(n, _)| *n == "Status").expect("status").1;
        for button in ["Presets tab", "Modulation tab"] {
            let rect = editor.probe().widgets().iter().find(|(n, _)| *n == button).expect(button).1;
            assert!(header.contains_rect(rect), "{button} {rect:?} outside the header {header:?} at {width}x{height}");
            assert!(!rect.intersects(status), "{button} {rect:?} covers the status line {status:?} at {width}x{height}");
        }
    }
}
