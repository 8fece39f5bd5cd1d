//! The output level meter: RMS as a bar, the peak as a line that holds for a moment and then
//! falls, and the peak in dB written under it (red from 0 dBFS up), on a -60..+6 dB scale.
//!
//! The audio thread adds every buffer to running totals in [`GrainScope`]; each frame the editor
//! takes the peak and RMS since its last look, so nothing is missed between frames.

use std::time::Instant;

use egui::{Align2, Rect, Stroke, Ui, pos2, vec2};
use engine::rt::db::amplitude_to_db;

use super::theme;
use crate::audio::scope::{GrainScope, LevelTotals};

const FLOOR_DB: f32 = -60.0;
const CEILING_DB: f32 = 6.0;
/// How long the peak line holds, seconds, and how fast it then falls, dB per second.
const PEAK_HOLD_SEC: f32 = 1.5;
const PEAK_FALL_DB_PER_SEC: f32 = 20.0;
/// RMS bar ballistics: rises fast, falls over about 300 ms.
const RMS_FALL_DB_PER_SEC: f32 = 40.0;

/// The meter's state between frames.
#[derive(Debug)]
pub struct LevelMeter {
    totals: LevelTotals,
    rms_db: f32,
    peak_db: f32,
    peak_held_at: Instant,
    last_frame: Instant,
}

impl Default for LevelMeter {
    fn default() -> Self {
        let now = Instant::now();
        Self { totals: LevelTotals::default(), rms_db: FLOOR_DB, peak_db: FLOOR_DB, peak_held_at: now, last_frame: now }
    }
}

fn to_db(linear: f32) -> f32 {
    // The engine's floor (-120 dB) lies below the meter's, so this is the meter's floor alone.
    amplitude_to_db(linear).max(FLOOR_DB)
}

impl LevelMeter {
    /// Start afresh (when the window opens): forget what played while nobody was looking.
    pub fn restart(&mut self, scope: &GrainScope) {
        *self = Self::default();
        scope.take_level(&mut self.totals);
    }

    /// Take the level since the last frame and move the bar and the peak line.
    pub fn update(&mut self, scope: &GrainScope) {
        let now = Instant::now();
        let elapsed = now.duration_since(self.last_frame).as_secs_f32().min(0.5);
        self.last_frame = now;
        let (peak, rms) = scope.take_level(&mut self.totals);
        let (peak_db, rms_db) = (to_db(peak), to_db(rms));
        self.rms_db = rms_db.max(self.rms_db - RMS_FALL_DB_PER_SEC * elapsed);
        if peak_db >= self.peak_db {
            self.peak_db = peak_db;
            self.peak_held_at = now;
        } else if now.duration_since(self.peak_held_at).as_secs_f32() > PEAK_HOLD_SEC {
            self.peak_db = (self.peak_db - PEAK_FALL_DB_PER_SEC * elapsed).max(peak_db);
        }
    }

    /// Draw the meter into `cell` (label above, bar, peak readout below).
    pub fn show(&self, ui: &mut Ui, cell: Rect) -> Rect {
        let painter = ui.painter();
        painter.text(pos2(cell.center().x, cell.top()), Align2::CENTER_TOP, "Level", theme::label_font(), theme::TEXT_DIM);
        let bar = Rect::from_min_max(pos2(cell.center().x - 9.0, cell.top() + 18.0), pos2(cell.center().x + 9.0, cell.bottom() - 20.0));
        painter.rect_filled(bar, 2.0, theme::BACKGROUND);
        let y = |db: f32| bar.bottom() - (db.clamp(FLOOR_DB, CEILING_DB) - FLOOR_DB) / (CEILING_DB - FLOOR_DB) * bar.height();
        let rms_top = y(self.rms_db);
        if self.rms_db > FLOOR_DB {
            let colour = if self.rms_db > -6.0 { theme::WARN } else { theme::OK };
            painter.rect_filled(Rect::from_min_max(pos2(bar.left() + 2.0, rms_top), pos2(bar.right() - 2.0, bar.bottom())), 1.0, colour);
        }
        for db in [0.0, -12.0, -24.0, -48.0] {
            let colour = if db == 0.0 { theme::WARN } else { theme::EDGE };
            painter.line_segment([pos2(bar.left() - 3.0, y(db)), pos2(bar.left(), y(db))], Stroke::new(1.0, colour));
        }
        if self.peak_db > FLOOR_DB {
            let colour = if self.peak_db >= 0.0 { theme::WARN } else { theme::TEXT };
            painter.line_segment([pos2(bar.left(), y(self.peak_db)), pos2(bar.right(), y(self.peak_db))], Stroke::new(2.0, colour));
        }
        let readout = if self.peak_db > FLOOR_DB { format!("{:.1} dB", self.peak_db) } else { String::from("-inf") };
        let colour = if self.peak_db >= 0.0 { theme::WARN } else { theme::TEXT };
        painter.text(pos2(cell.center().x, cell.bottom() - 2.0), Align2::CENTER_BOTTOM, readout, theme::value_font(11.5), colour);
        let rect = bar.union(Rect::from_center_size(pos2(cell.center().x, cell.bottom() - 9.0), vec2(cell.width() - 4.0, 14.0)));
        ui.interact(bar, egui::Id::unique("level_meter"), egui::Sense::hover())
            .on_hover_ui(|ui| {
                ui.label(format!("Output peak {:.1} dBFS, RMS {:.1} dBFS (bar: RMS, line: peak)", self.peak_db, self.rms_db));
            });
        rect
    }
}
