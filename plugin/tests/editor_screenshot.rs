//! The editor in a real window: a private headless X server (Xvfb, Mesa software GL), the built
//! plugin loaded by an in-process CLAP host that embeds its editor in an X11 window of its own,
//! the fixtures archive mined and four notes held. Screenshots at the default size and after a
//! host resize go to `target/editor-shots/`.
//!
//! Fails when the window is blank, when OCR (tesseract) cannot read the group names and the
//! controls' names (so text really renders), when any control the editor laid out lies outside
//! the window (the editor writes its layout to the file named by `AFTERGLOW_EDITOR_LAYOUT`), or
//! when two shots 300 ms apart show the same grain display.
//!
//! Without Xvfb or tesseract it prints a notice and passes, unless `CI` is set: CI must run it.
//!
//! For a look at real material: `AFTERGLOW_SHOT_ARCHIVE=/folder/of/recordings` mines that folder
//! instead of the fixtures, `AFTERGLOW_SHOT_WAIT_MS` lets mining run longer before the shots, and
//! `AFTERGLOW_SHOT_RESIZE=820x600` resizes to another size than 1280x840, and
//! `AFTERGLOW_SHOT_PARAMS='{"source": {"i32": 12}}'` sets parameters (plain values by id, tagged
//! with their type as the state saves them).

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::time::{Duration, Instant};

use clack_extensions::gui::{GuiApiType, GuiConfiguration, GuiSize, HostGui, HostGuiImpl, PluginGui, Window as ClapWindow};
use clack_extensions::log::{HostLog, HostLogImpl, LogSeverity};
use clack_extensions::state::PluginState;
use clack_host::events::event_types::{NoteOffEvent, NoteOnEvent};
use clack_host::prelude::*;
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{ConnectionExt as _, *};

/// Size the editor is resized to for the second shot, logical points.
const RESIZED: (u32, u32) = (1280, 840);
const SAMPLE_RATE_HZ: f64 = 44_100.0;
const BLOCK_FRAMES: usize = 512;
/// Group titles that must be read back from every shot.
const GROUPS: [&str; 8] = ["SOURCE", "GRAINS", "PITCH", "SPACE", "HISS", "ENVELOPE", "OUTPUT", "PADS"];
/// Control labels, of which most must be read back.
const LABELS: [&str; 14] = [
    "Position", "Spray", "Freeze", "Density", "Window", "Reverse", "Pitch", "Spread", "Tone", "Tremolo", "Flicker", "Attack",
    "Release", "Seed",
];

// --- host callbacks ---------------------------------------------------------------------------

#[derive(Default)]
struct Shared {
    callback_requested: AtomicBool,
    /// Packed size of the latest `request_resize`, 0 when none is pending.
    resize_request: AtomicU64,
}

impl SharedHandler<'_> for Shared {
    fn request_restart(&self) {}
    fn request_process(&self) {}
    fn request_callback(&self) {
        self.callback_requested.store(true, SeqCst);
    }
}

impl HostGuiImpl for Shared {
    fn resize_hints_changed(&self) {}
    fn request_resize(&self, size: GuiSize) -> Result<(), HostError> {
        self.resize_request.store(size.pack_to_u64(), SeqCst);
        Ok(())
    }
    fn request_show(&self) -> Result<(), HostError> {
        Ok(())
    }
    fn request_hide(&self) -> Result<(), HostError> {
        Ok(())
    }
    fn closed(&self, _was_destroyed: bool) {}
}

impl HostLogImpl for Shared {
    fn log(&self, severity: LogSeverity, message: &str) {
        eprintln!("[plugin {severity}] {message}");
    }
}

struct Host;

impl HostHandlers for Host {
    type Shared<'a> = Shared;
    type MainThread<'a> = ();
    type AudioProcessor<'a> = ();
    fn declare_extensions(builder: &mut HostExtensions<Self>, _shared: &Self::Shared<'_>) {
        builder.register::<HostGui>().register::<HostLog>();
    }
}

// --- the X server -----------------------------------------------------------------------------

/// A private Xvfb, killed on drop.
struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    /// Start Xvfb on a free display (it picks the number itself and writes it to its stdout).
    fn start() -> Result<Self, String> {
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", "1600x1200x24", "-nolisten", "tcp"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start Xvfb: {e}"))?;
        let mut stdout = child.stdout.take().ok_or("no Xvfb stdout")?;
        let mut number = String::new();
        let mut byte = [0u8; 1];
        // Xvfb writes the number and a newline once it accepts connections.
        while stdout.read(&mut byte).map_err(|e| e.to_string())? == 1 && byte[0] != b'\n' {
            number.push(byte[0] as char);
        }
        if number.trim().is_empty() {
            let _ = child.kill();
            return Err(String::from("Xvfb did not report a display"));
        }
        Ok(Self { child, display: format!(":{}", number.trim()) })
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn have(program: &str) -> bool {
    Command::new("sh").args(["-c", &format!("command -v {program}")]).stdout(Stdio::null()).status().is_ok_and(|s| s.success())
}

// --- images ----------------------------------------------------------------------------------

/// An RGB image.
struct Shot {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

impl Shot {
    fn save(&self, path: &Path) {
        let file = std::fs::File::create(path).expect("create png");
        let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), self.width, self.height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.write_header().expect("png header").write_image_data(&self.rgb).expect("png data");
    }

    /// Distinct colours, and the share of pixels unlike the most common colour.
    fn variety(&self) -> (usize, f64) {
        let mut counts = std::collections::HashMap::new();
        for pixel in self.rgb.chunks_exact(3) {
            *counts.entry([pixel[0], pixel[1], pixel[2]]).or_insert(0usize) += 1;
        }
        let most = counts.values().copied().max().unwrap_or(0);
        let total = (self.width * self.height).max(1) as usize;
        (counts.len(), 1.0 - most as f64 / total as f64)
    }

    /// Share of pixels inside `rect` (x0, y0, x1, y1) that differ between `self` and `other`.
    fn difference_in(&self, other: &Shot, rect: (u32, u32, u32, u32)) -> f64 {
        let (x0, y0, x1, y1) = rect;
        let mut differ = 0usize;
        let mut total = 0usize;
        for y in y0..y1.min(self.height).min(other.height) {
            for x in x0..x1.min(self.width).min(other.width) {
                let a = ((y * self.width + x) * 3) as usize;
                let b = ((y * other.width + x) * 3) as usize;
                total += 1;
                if self.rgb[a..a + 3] != other.rgb[b..b + 3] {
                    differ += 1;
                }
            }
        }
        differ as f64 / total.max(1) as f64
    }

    /// For OCR: grey, inverted (dark text on light), scaled up 3x.
    fn for_ocr(&self) -> Shot {
        let scale = 3;
        let (width, height) = (self.width * scale, self.height * scale);
        let mut rgb = Vec::with_capacity((width * height * 3) as usize);
        for y in 0..height {
            for x in 0..width {
                let i = (((y / scale) * self.width + x / scale) * 3) as usize;
                let grey = (u32::from(self.rgb[i]) * 3 + u32::from(self.rgb[i + 1]) * 6 + u32::from(self.rgb[i + 2])) / 10;
                let value = 255 - grey.min(255) as u8;
                rgb.extend_from_slice(&[value, value, value]);
            }
        }
        Shot { width, height, rgb }
    }
}

/// Grab `window`'s pixels as shown on the screen (so child windows of any visual are included).
fn grab(conn: &impl Connection, screen: &Screen, window: Window) -> Shot {
    let geometry = conn.get_geometry(window).expect("geometry").reply().expect("geometry reply");
    let at = conn.translate_coordinates(window, screen.root, 0, 0).expect("translate").reply().expect("translate reply");
    let (x, y) = (at.dst_x.max(0), at.dst_y.max(0));
    let width = geometry.width.min(screen.width_in_pixels.saturating_sub(x as u16));
    let height = geometry.height.min(screen.height_in_pixels.saturating_sub(y as u16));
    let image = conn.get_image(ImageFormat::Z_PIXMAP, screen.root, x, y, width, height, !0).expect("get_image").reply().expect("image");
    let visual = screen.allowed_depths.iter().flat_map(|d| d.visuals.iter()).find(|v| v.visual_id == image.visual);
    let (red, green, blue) = visual.map_or((0xff0000, 0xff00, 0xff), |v| (v.red_mask, v.green_mask, v.blue_mask));
    let lsb_first = conn.setup().image_byte_order == ImageOrder::LSB_FIRST;
    let mut rgb = Vec::with_capacity(usize::from(width) * usize::from(height) * 3);
    for pixel in image.data.chunks_exact(4).take(usize::from(width) * usize::from(height)) {
        let bytes = [pixel[0], pixel[1], pixel[2], pixel[3]];
        let value = if lsb_first { u32::from_le_bytes(bytes) } else { u32::from_be_bytes(bytes) };
        for mask in [red, green, blue] {
            rgb.push(((value & mask) >> mask.trailing_zeros()) as u8);
        }
    }
    Shot { width: u32::from(width), height: u32::from(height), rgb }
}

/// Words tesseract reads in `shot` (saved beside `path` for inspection).
fn ocr(shot: &Shot, path: &Path) -> String {
    let prepared = path.with_extension("ocr.png");
    shot.for_ocr().save(&prepared);
    let output = Command::new("tesseract").arg(&prepared).arg("stdout").args(["--psm", "11"]).output().expect("run tesseract");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

// --- the editor's own layout report ---------------------------------------------------------------

/// The editor's last layout report: window rect, pads, grains and each control's rect.
#[derive(Debug, Default)]
struct Layout {
    screen: (f32, f32, f32, f32),
    num_pads: usize,
    num_grains: usize,
    /// The editor's mean time to build a frame, milliseconds.
    frame_ms: f64,
    /// Frames the editor drew over the last second.
    frames_per_sec: f64,
    widgets: Vec<(String, (f32, f32, f32, f32))>,
}

fn read_layout(path: &Path) -> Option<Layout> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut layout = Layout::default();
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let rect = |w: &[&str]| -> Option<(f32, f32, f32, f32)> {
            Some((w.first()?.parse().ok()?, w.get(1)?.parse().ok()?, w.get(2)?.parse().ok()?, w.get(3)?.parse().ok()?))
        };
        match words.as_slice() {
            ["screen", rest @ ..] => layout.screen = rect(rest)?,
            ["pads", n] => layout.num_pads = n.parse().ok()?,
            ["grains", n] => layout.num_grains = n.parse().ok()?,
            ["frame_ms", n] => layout.frame_ms = n.parse().ok()?,
            ["frames_per_sec", n] => layout.frames_per_sec = n.parse().ok()?,
            [name, rest @ ..] => layout.widgets.push((name.to_string(), rect(rest)?)),
            [] => {}
        }
    }
    Some(layout)
}

// --- the test ----------------------------------------------------------------------------------

fn target_dir() -> PathBuf {
    // The test runs from target/<profile>/deps/.
    let exe = std::env::current_exe().expect("test executable");
    exe.ancestors().nth(3).expect("target folder").to_path_buf()
}

#[test]
fn editor_renders_text_fits_and_moves() {
    let in_ci = std::env::var_os("CI").is_some();
    let missing: Vec<&str> = ["Xvfb", "tesseract"].into_iter().filter(|p| !have(p)).collect();
    if !missing.is_empty() {
        let notice = format!("editor screenshot test skipped: {} not installed (apt-get install xvfb tesseract-ocr)", missing.join(" and "));
        assert!(!in_ci, "{notice}; CI must run it");
        println!("{notice}");
        return;
    }
    let xvfb = Xvfb::start().unwrap_or_else(|e| panic!("{e}"));
    let shots = target_dir().join("editor-shots");
    std::fs::create_dir_all(&shots).expect("shots folder");
    let layout_file = shots.join("layout.txt");
    let _ = std::fs::remove_file(&layout_file);
    // SAFETY: set before any thread of this test binary reads the environment (this file holds
    // one test; the plugin and its libraries are loaded below).
    unsafe {
        std::env::set_var("DISPLAY", &xvfb.display);
        std::env::set_var("LIBGL_ALWAYS_SOFTWARE", "1");
        std::env::set_var("AFTERGLOW_EDITOR_LAYOUT", &layout_file);
    }

    // The fixtures archive, copied so mining can never touch the repository; or, for a look at
    // real material, the folder named by AFTERGLOW_SHOT_ARCHIVE.
    let copy = tempfile::tempdir().expect("temp dir");
    let archive = match std::env::var_os("AFTERGLOW_SHOT_ARCHIVE") {
        Some(folder) => PathBuf::from(folder),
        None => {
            let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/archive");
            for entry in std::fs::read_dir(&fixtures).expect("fixtures archive") {
                let entry = entry.expect("entry");
                std::fs::copy(entry.path(), copy.path().join(entry.file_name())).expect("copy fixture");
            }
            copy.path().to_path_buf()
        }
    };

    let (conn, screen_number) = x11rb::connect(Some(&xvfb.display)).expect("connect to Xvfb");
    let screen = conn.setup().roots[screen_number].clone();

    let path = common::plugin_library_path();
    // SAFETY: the library is this package's own plugin, built by cargo for this test.
    let entry = unsafe { PluginEntry::load(&path) }.expect("load plugin");
    let factory = entry.get_plugin_factory().expect("factory");
    let id = factory.plugin_descriptors().next().and_then(|d| d.id()).expect("plugin id").to_owned();
    let host_info = HostInfo::new("afterglow editor test", "afterglow", "https://afterglow.invalid", "0.1").expect("host info");
    let mut instance = PluginInstance::<Host>::new(|_| Shared::default(), |_| (), &entry, &id, &host_info).expect("instantiate");

    // Point the plugin at the archive through its saved state, as a project recall would.
    let state: PluginState = instance.plugin_handle().get_extension().expect("state extension");
    let mut saved = Vec::new();
    state.save(&instance.plugin_handle(), &mut saved).expect("save state");
    let mut restored = common::state_with_archive_path(&saved, &archive.display().to_string());
    // AFTERGLOW_SHOT_PARAMS='{"source": {"i32": 12}, "density": {"f32": 80.0}}' sets parameters too.
    if let Ok(extra) = std::env::var("AFTERGLOW_SHOT_PARAMS") {
        let extra: serde_json::Value = serde_json::from_str(&extra).expect("AFTERGLOW_SHOT_PARAMS is a JSON object");
        let mut json: serde_json::Value = serde_json::from_slice(&restored[8..]).expect("state is JSON");
        for (id, value) in extra.as_object().expect("a JSON object") {
            json["params"][id] = value.clone();
        }
        let body = serde_json::to_vec(&json).expect("state to JSON");
        restored = (body.len() as u64).to_le_bytes().to_vec();
        restored.extend_from_slice(&body);
    }
    state.load(&instance.plugin_handle(), &mut &restored[..]).expect("load state");

    // The audio thread: four notes held, paced to real time, until told to stop.
    let config = PluginAudioConfiguration { sample_rate: SAMPLE_RATE_HZ, min_frames_count: 1, max_frames_count: BLOCK_FRAMES as u32 };
    let processor = instance.activate(|_, _| (), config).expect("activate");
    let stop = Arc::new(AtomicBool::new(false));
    let audio = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut processor = processor.start_processing().expect("start processing");
            let mut out = [vec![0f32; BLOCK_FRAMES], vec![0f32; BLOCK_FRAMES]];
            let mut ports = AudioPorts::with_capacity(2, 1);
            let mut output_events = EventBuffer::new();
            let started = Instant::now();
            let mut block = 0usize;
            loop {
                let stopping = stop.load(SeqCst);
                let mut events = EventBuffer::new();
                for (k, key) in [48u16, 55, 60, 64].into_iter().enumerate() {
                    let pckn = Pckn::new(0u16, 0u16, key, k as u32);
                    if block == 0 {
                        events.push(&NoteOnEvent::new(0, pckn, 0.8));
                    } else if stopping {
                        events.push(&NoteOffEvent::new(0, pckn, 0.0));
                    }
                }
                let mut outputs = ports.with_output_buffers([AudioPortBuffer {
                    latency: 0,
                    channels: AudioPortBufferType::f32_output_only(out.iter_mut().map(|c| c.as_mut_slice())),
                }]);
                processor
                    .process(
                        &InputAudioBuffers::empty(),
                        &mut outputs,
                        &InputEvents::from_buffer(&events),
                        &mut OutputEvents::from_buffer(&mut output_events),
                        Some((block * BLOCK_FRAMES) as u64),
                        None,
                    )
                    .expect("process");
                output_events.clear();
                block += 1;
                if stopping {
                    return processor.stop_processing();
                }
                let due = started + Duration::from_secs_f64(block as f64 * BLOCK_FRAMES as f64 / SAMPLE_RATE_HZ);
                std::thread::sleep(due.saturating_duration_since(Instant::now()));
            }
        })
    };

    // The editor, embedded in a window of ours.
    let gui: PluginGui = instance.plugin_handle().get_extension().expect("gui extension");
    let configuration = GuiConfiguration { api_type: GuiApiType::X11, is_floating: false };
    assert!(gui.is_api_supported(&instance.plugin_handle(), configuration), "X11 editor not supported");
    gui.create(&instance.plugin_handle(), configuration).expect("create editor");
    let size = gui.get_size(&instance.plugin_handle()).expect("editor size");
    assert_eq!((size.width, size.height), (1000, 700), "default editor size");
    let window = conn.generate_id().expect("window id");
    let aux = CreateWindowAux::new().background_pixel(screen.black_pixel).event_mask(EventMask::STRUCTURE_NOTIFY);
    conn.create_window(0, window, screen.root, 0, 0, size.width as u16, size.height as u16, 0, WindowClass::INPUT_OUTPUT, 0, &aux)
        .expect("create window");
    conn.map_window(window).expect("map");
    conn.flush().expect("flush");
    // SAFETY: `window` is a live X11 window on the display the plugin connects to.
    unsafe { gui.set_parent(&instance.plugin_handle(), ClapWindow::from_x11_handle(window as _)) }.expect("set parent");
    gui.show(&instance.plugin_handle()).expect("show");

    let pump = |instance: &mut PluginInstance<Host>, duration: Duration| {
        let deadline = Instant::now() + duration;
        while Instant::now() < deadline {
            while conn.poll_for_event().expect("x events").is_some() {}
            if instance.access_shared_handler(|s| s.callback_requested.swap(false, SeqCst)) {
                instance.call_on_main_thread_callback();
            }
            let request = instance.access_shared_handler(|s| s.resize_request.swap(0, SeqCst));
            if request != 0 {
                let size = GuiSize::unpack_from_u64(request);
                conn.configure_window(window, &ConfigureWindowAux::new().width(size.width).height(size.height)).expect("resize");
                conn.flush().expect("flush");
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    };

    // Wait for the miner to list pads and for grains to sound (at most 120 s).
    let started = Instant::now();
    loop {
        pump(&mut instance, Duration::from_millis(250));
        let layout = read_layout(&layout_file).unwrap_or_default();
        if layout.num_pads >= 3 && layout.num_grains > 0 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(120), "no pads or grains after 120 s: {layout:?}");
    }
    // Let the display settle (longer with AFTERGLOW_SHOT_WAIT_MS, e.g. for a slow real archive).
    let settle_ms = std::env::var("AFTERGLOW_SHOT_WAIT_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(1500);
    pump(&mut instance, Duration::from_millis(settle_ms));

    let mut failures = Vec::new();
    let mut report = Vec::new();
    let check_shot = |name: &str, shot: &Shot, expected: (u32, u32), layout: &Layout, failures: &mut Vec<String>, report: &mut Vec<String>| {
        let path = shots.join(format!("{name}.png"));
        shot.save(&path);
        if (shot.width, shot.height) != expected {
            failures.push(format!("{name}: window is {}x{}, expected {expected:?}", shot.width, shot.height));
        }
        let (colours, varied) = shot.variety();
        if colours < 200 || varied < 0.2 {
            failures.push(format!("{name}: looks blank ({colours} colours, {varied:.2} of pixels differ from the commonest)"));
        }
        let text = ocr(shot, &path);
        let lower = text.to_lowercase();
        let groups_missing: Vec<&str> = GROUPS.iter().copied().filter(|g| !lower.contains(&g.to_lowercase())).collect();
        let labels_found: Vec<&str> = LABELS.iter().copied().filter(|l| lower.contains(&l.to_lowercase())).collect();
        if !groups_missing.is_empty() {
            failures.push(format!("{name}: OCR did not read the groups {groups_missing:?}"));
        }
        if labels_found.len() < 10 {
            failures.push(format!("{name}: OCR read only {labels_found:?} of the control names"));
        }
        let (x0, y0, x1, y1) = layout.screen;
        if (x1 - x0, y1 - y0) != (expected.0 as f32, expected.1 as f32) {
            failures.push(format!("{name}: editor laid out for {}x{}", x1 - x0, y1 - y0));
        }
        for (widget, (a, b, c, d)) in &layout.widgets {
            if *a < x0 - 0.5 || *b < y0 - 0.5 || *c > x1 + 0.5 || *d > y1 + 0.5 {
                failures.push(format!("{name}: {widget} at ({a}, {b})-({c}, {d}) lies outside the window"));
            }
        }
        let keys = ["major", "minor"].iter().filter(|k| lower.contains(*k)).count();
        if keys == 0 || !lower.contains("length") || !lower.contains("bright") {
            failures.push(format!("{name}: OCR did not read the pad list's keys and columns"));
        }
        // The redraw rate is capped at about 30 a second (a little over, from input and resizes).
        if layout.frames_per_sec > 40.0 {
            failures.push(format!("{name}: the editor drew {:.1} frames a second, over its cap", layout.frames_per_sec));
        }
        if layout.widgets.len() < 35 {
            failures.push(format!("{name}: only {} controls laid out", layout.widgets.len()));
        }
        report.push(format!(
            "{name}: {}x{}, {colours} colours, {} pads, {} grains, {:.2} ms to build a frame, {:.1} frames/s; OCR groups all but {groups_missing:?}, controls {labels_found:?}",
            shot.width, shot.height, layout.num_pads, layout.num_grains, layout.frame_ms, layout.frames_per_sec
        ));
    };

    // Default size: two shots 300 ms apart; the grain display must move.
    let first = grab(&conn, &screen, window);
    let layout = read_layout(&layout_file).expect("layout report");
    pump(&mut instance, Duration::from_millis(300));
    let second = grab(&conn, &screen, window);
    check_shot("default", &first, (1000, 700), &layout, &mut failures, &mut report);
    second.save(&shots.join("default-later.png"));
    match layout.widgets.iter().find(|(n, _)| n == "Grain_display") {
        Some((_, (a, b, c, d))) => {
            let moved = first.difference_in(&second, (*a as u32, *b as u32, *c as u32, *d as u32));
            report.push(format!("grain display: {:.1} % of its pixels changed in 300 ms", moved * 100.0));
            if moved < 0.002 {
                failures.push(format!("the grain display did not move in 300 ms ({:.3} % changed)", moved * 100.0));
            }
        }
        None => failures.push(String::from("no grain display in the layout report")),
    }

    // The host resizes the editor.
    assert!(gui.can_resize(&instance.plugin_handle()), "editor not resizable");
    // AFTERGLOW_SHOT_RESIZE=WxH picks another size for a look (e.g. the smallest, 820x600).
    let resize_to = std::env::var("AFTERGLOW_SHOT_RESIZE")
        .ok()
        .and_then(|v| v.split_once('x').and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?))))
        .unwrap_or(RESIZED);
    let wanted = GuiSize { width: resize_to.0, height: resize_to.1 };
    let adjusted = gui.adjust_size(&instance.plugin_handle(), wanted).unwrap_or(wanted);
    conn.configure_window(window, &ConfigureWindowAux::new().width(adjusted.width).height(adjusted.height)).expect("resize parent");
    conn.flush().expect("flush");
    gui.set_size(&instance.plugin_handle(), adjusted).expect("set editor size");
    pump(&mut instance, Duration::from_millis(1500));
    let resized = grab(&conn, &screen, window);
    let layout = read_layout(&layout_file).expect("layout report");
    check_shot("resized", &resized, (adjusted.width, adjusted.height), &layout, &mut failures, &mut report);
    let reported = gui.get_size(&instance.plugin_handle());
    if reported.map(|s| (s.width, s.height)) != Some((adjusted.width, adjusted.height)) {
        failures.push(format!("after resizing the editor reports {reported:?}"));
    }

    // Tear down in the order a host does.
    let _ = gui.hide(&instance.plugin_handle());
    gui.destroy(&instance.plugin_handle());
    stop.store(true, SeqCst);
    let processor = audio.join().expect("audio thread");
    instance.deactivate(processor);
    let _ = conn.destroy_window(window);
    let _ = conn.flush();

    println!("screenshots in {}", shots.display());
    for line in &report {
        println!("{line}");
    }
    assert!(failures.is_empty(), "editor screenshot checks failed:\n{}", failures.join("\n"));
}
