//! A private X server (Xvfb) and what the test does with its pixels: grab a window, save it as
//! PNG, measure how varied it is, compare two grabs, and read its text with tesseract.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use x11rb::connection::Connection;
use x11rb::protocol::xproto::{ConnectionExt as _, *};

/// A private Xvfb, killed on drop.
pub struct Xvfb {
    child: Child,
    pub display: String,
}

impl Xvfb {
    /// Start Xvfb on a free display (it picks the number itself and writes it to its stdout).
    pub fn start() -> Result<Self, String> {
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

pub fn have(program: &str) -> bool {
    Command::new("sh").args(["-c", &format!("command -v {program}")]).stdout(Stdio::null()).status().is_ok_and(|s| s.success())
}

// --- images ----------------------------------------------------------------------------------

/// An RGB image.
pub struct Shot {
    pub width: u32,
    pub height: u32,
    rgb: Vec<u8>,
}

impl Shot {
    pub fn save(&self, path: &Path) {
        let file = std::fs::File::create(path).expect("create png");
        let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), self.width, self.height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.write_header().expect("png header").write_image_data(&self.rgb).expect("png data");
    }

    /// Distinct colours, and the share of pixels unlike the most common colour.
    pub fn variety(&self) -> (usize, f64) {
        let mut counts = std::collections::HashMap::new();
        for pixel in self.rgb.chunks_exact(3) {
            *counts.entry([pixel[0], pixel[1], pixel[2]]).or_insert(0usize) += 1;
        }
        let most = counts.values().copied().max().unwrap_or(0);
        let total = (self.width * self.height).max(1) as usize;
        (counts.len(), 1.0 - most as f64 / total as f64)
    }

    /// Share of pixels inside `rect` (x0, y0, x1, y1) that differ between `self` and `other`.
    pub fn difference_in(&self, other: &Shot, rect: (u32, u32, u32, u32)) -> f64 {
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

    /// For OCR: grey (`brightest`: each pixel's brightest channel, so coloured titles keep their
    /// contrast; else luminance), inverted to dark text on light, scaled up 3x with bilinear
    /// interpolation (tesseract reads glyphs about 30 pixels tall best).
    fn for_ocr(&self, brightest: bool) -> Shot {
        let grey: Vec<f32> = self
            .rgb
            .chunks_exact(3)
            .map(|p| {
                let value = if brightest { f32::from(p[0].max(p[1]).max(p[2])) } else { 0.3 * f32::from(p[0]) + 0.6 * f32::from(p[1]) + 0.1 * f32::from(p[2]) };
                255.0 - value
            })
            .collect();
        let scale = 3;
        let (width, height) = (self.width * scale, self.height * scale);
        let at = |x: u32, y: u32| grey[(y.min(self.height - 1) * self.width + x.min(self.width - 1)) as usize];
        let mut rgb = Vec::with_capacity((width * height * 3) as usize);
        for y in 0..height {
            let sy = ((y as f32 + 0.5) / scale as f32 - 0.5).max(0.0);
            let (y0, fy) = (sy.floor() as u32, sy.fract());
            for x in 0..width {
                let sx = ((x as f32 + 0.5) / scale as f32 - 0.5).max(0.0);
                let (x0, fx) = (sx.floor() as u32, sx.fract());
                let top = at(x0, y0) * (1.0 - fx) + at(x0 + 1, y0) * fx;
                let bottom = at(x0, y0 + 1) * (1.0 - fx) + at(x0 + 1, y0 + 1) * fx;
                let value = (top * (1.0 - fy) + bottom * fy).round().clamp(0.0, 255.0) as u8;
                rgb.extend_from_slice(&[value, value, value]);
            }
        }
        Shot { width, height, rgb }
    }
}

/// Grab `window`'s pixels as shown on the screen (so child windows of any visual are included).
pub fn grab(conn: &impl Connection, screen: &Screen, window: Window) -> Shot {
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

/// Words tesseract reads in `shot`, from two greyscale renderings of it (luminance, and the
/// brightest channel), both saved beside `path` for inspection.
pub fn ocr(shot: &Shot, path: &Path) -> String {
    let mut text = String::new();
    for (brightest, suffix) in [(false, "ocr.png"), (true, "ocr-bright.png")] {
        let prepared = path.with_extension(suffix);
        shot.for_ocr(brightest).save(&prepared);
        let output = Command::new("tesseract").arg(&prepared).arg("stdout").args(["--psm", "11"]).output().expect("run tesseract");
        text.push_str(&String::from_utf8_lossy(&output.stdout));
        text.push('\n');
    }
    text
}

/// Grab the pixels `window` holds itself, mapped or not: Wine draws an OpenGL child window into an
/// off-screen X window of its own, which is never on the screen.
pub fn grab_window(conn: &impl Connection, window: Window) -> Option<Shot> {
    let geometry = conn.get_geometry(window).ok()?.reply().ok()?;
    let (width, height) = (geometry.width, geometry.height);
    let image = conn.get_image(ImageFormat::Z_PIXMAP, window, 0, 0, width, height, !0).ok()?.reply().ok()?;
    if image.data.len() < usize::from(width) * usize::from(height) * 4 {
        return None;
    }
    let lsb_first = conn.setup().image_byte_order == ImageOrder::LSB_FIRST;
    let mut rgb = Vec::with_capacity(usize::from(width) * usize::from(height) * 3);
    for pixel in image.data.chunks_exact(4).take(usize::from(width) * usize::from(height)) {
        let value = if lsb_first { u32::from_le_bytes([pixel[0], pixel[1], pixel[2], pixel[3]]) } else { u32::from_be_bytes([pixel[0], pixel[1], pixel[2], pixel[3]]) };
        rgb.extend_from_slice(&[(value >> 16) as u8, (value >> 8) as u8, value as u8]);
    }
    Some(Shot { width: u32::from(width), height: u32::from(height), rgb })
}

/// Every window on the display, depth first from the root.
pub fn all_windows(conn: &impl Connection, root: Window) -> Vec<Window> {
    let mut found = Vec::new();
    let mut stack = vec![root];
    while let Some(window) = stack.pop() {
        found.push(window);
        if let Some(tree) = conn.query_tree(window).ok().and_then(|c| c.reply().ok()) {
            stack.extend(tree.children);
        }
    }
    found
}
