//! The laid-out rectangle of every control, recorded each frame, so tests can check that nothing
//! falls outside the window: the headless layout test reads it directly, and a real window
//! writes it to the file named by `AFTERGLOW_EDITOR_LAYOUT` (for the screenshot test).

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use catalogue::atomic_file::{write_atomically, Durability};
use egui::Rect;

/// Environment variable naming the file a running editor writes its layout to.
pub const LAYOUT_FILE_VAR: &str = "AFTERGLOW_EDITOR_LAYOUT";
/// Frames the build cost is the median of.
const RECENT_FRAMES: usize = 64;
/// How often that file is rewritten.
const DUMP_INTERVAL: Duration = Duration::from_millis(250);

/// Controls and their rectangles in the last frame.
#[derive(Debug)]
pub struct LayoutProbe {
    widgets: Vec<(&'static str, Rect)>,
    /// The group cards (title, rectangle) the controls sit in.
    cards: Vec<(&'static str, Rect)>,
    screen: Rect,
    /// Pads listed and grains drawn in the last frame.
    num_pads: usize,
    num_grains: usize,
    /// When this frame began, and what the last frames cost to build, milliseconds (a ring).
    frame_start: Option<Instant>,
    recent_frame_ms: [f64; RECENT_FRAMES],
    num_frames: usize,
    /// Frames counted since `rate_since`, and the rate over the last whole second.
    frames_counted: u32,
    rate_since: Option<Instant>,
    frames_per_sec: f64,
    dump_path: Option<PathBuf>,
    last_dump: Option<Instant>,
}

impl LayoutProbe {
    /// A probe that also writes to `$AFTERGLOW_EDITOR_LAYOUT` when set.
    pub fn from_env() -> Self {
        Self {
            widgets: Vec::with_capacity(64),
            cards: Vec::with_capacity(8),
            screen: Rect::NOTHING,
            num_pads: 0,
            num_grains: 0,
            frame_start: None,
            recent_frame_ms: [0.0; RECENT_FRAMES],
            num_frames: 0,
            frames_counted: 0,
            rate_since: None,
            frames_per_sec: 0.0,
            dump_path: std::env::var_os(LAYOUT_FILE_VAR).map(PathBuf::from),
            last_dump: None,
        }
    }

    /// Start a frame drawn into `screen`.
    pub fn begin_frame(&mut self, screen: Rect) {
        self.widgets.clear();
        self.cards.clear();
        self.screen = screen;
        self.frame_start = Some(Instant::now());
    }

    /// Median time to build one of the last 64 frames (the editor's own drawing code, not egui's
    /// tessellation or the GPU), milliseconds; 0 before any frame.
    pub fn median_frame_ms(&self) -> f64 {
        let count = self.num_frames.min(RECENT_FRAMES);
        let mut recent = self.recent_frame_ms;
        let recent = &mut recent[..count];
        recent.sort_by(f64::total_cmp);
        recent.get(count / 2).copied().unwrap_or(0.0)
    }

    /// Note that control `name` was laid out at `rect`.
    pub fn record(&mut self, name: &'static str, rect: Rect) {
        self.widgets.push((name, rect));
    }

    /// Note a group card drawn this frame.
    pub fn record_card(&mut self, title: &'static str, rect: Rect) {
        self.cards.push((title, rect));
    }

    /// The group cards of the last frame.
    pub fn cards(&self) -> &[(&'static str, Rect)] {
        &self.cards
    }

    /// Note how many pads were listed and grains drawn this frame.
    pub fn set_counts(&mut self, num_pads: usize, num_grains: usize) {
        (self.num_pads, self.num_grains) = (num_pads, num_grains);
    }

    /// Every control of the last frame.
    pub fn widgets(&self) -> &[(&'static str, Rect)] {
        &self.widgets
    }

    /// Controls of the last frame not wholly inside its window (half a point of rounding allowed).
    pub fn outside(&self) -> Vec<(&'static str, Rect)> {
        let screen = self.screen.expand(0.5);
        self.widgets.iter().filter(|(_, rect)| !screen.contains_rect(*rect)).copied().collect()
    }

    /// Finish the frame: write the layout file when one is asked for (at most every 250 ms).
    /// Not realtime-safe: writes a file.
    pub fn end_frame(&mut self) {
        if let Some(start) = self.frame_start.take() {
            self.recent_frame_ms[self.num_frames % RECENT_FRAMES] = start.elapsed().as_secs_f64() * 1000.0;
            self.num_frames += 1;
            self.frames_counted += 1;
            let since = *self.rate_since.get_or_insert(start);
            let elapsed = start.duration_since(since).as_secs_f64();
            if elapsed >= 1.0 {
                self.frames_per_sec = f64::from(self.frames_counted - 1) / elapsed;
                (self.frames_counted, self.rate_since) = (1, Some(start));
            }
        }
        let Some(path) = &self.dump_path else { return };
        if self.last_dump.is_some_and(|last| last.elapsed() < DUMP_INTERVAL) {
            return;
        }
        self.last_dump = Some(Instant::now());
        let mut text = format!("screen {} {} {} {}\n", self.screen.left(), self.screen.top(), self.screen.right(), self.screen.bottom());
        text.push_str(&format!(
            "pads {}\ngrains {}\nframe_ms {:.3}\nframes_per_sec {:.1}\n",
            self.num_pads,
            self.num_grains,
            self.median_frame_ms(),
            self.frames_per_sec
        ));
        for (name, rect) in &self.widgets {
            text.push_str(&format!("{} {} {} {} {}\n", name.replace(' ', "_"), rect.left(), rect.top(), rect.right(), rect.bottom()));
        }
        // A reader never sees half a file. A failure only loses this test aid, never the editor.
        let _ = write_atomically(path, Durability::Unsynced, |file| file.write_all(text.as_bytes()));
    }
}
