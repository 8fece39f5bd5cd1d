//! Where each region of the editor goes for a given window size: the header, the waveform, the
//! pad browser and two rows of control groups, with margins. Pure geometry, so the layout can be
//! checked at any size without a window.

use egui::{Rect, pos2, vec2};

use super::theme::{GAP, MARGIN};

/// Height of the header (title, folder row, progress and a two-line status).
pub const HEADER_HEIGHT: f32 = 84.0;
/// Height of one row of control groups.
pub const GROUP_ROW_HEIGHT: f32 = 116.0;
/// Smallest window the layout is designed for, logical points.
pub const MIN_WIDTH: f32 = crate::persist::EDITOR_MIN_SIZE.0;
pub const MIN_HEIGHT: f32 = crate::persist::EDITOR_MIN_SIZE.1;

/// One row of groups: each group's title and how many control cells it holds.
pub type RowSpec = &'static [(&'static str, usize)];

/// The editor's regions, all inside the window with [`MARGIN`] around them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Regions {
    pub header: Rect,
    pub waveform: Rect,
    pub browser: Rect,
    pub rows: [Rect; 2],
}

/// The regions for a window of `screen` (the editor's whole area).
pub fn regions(screen: Rect) -> Regions {
    let inner = screen.shrink(MARGIN);
    let header = Rect::from_min_size(inner.min, vec2(inner.width(), HEADER_HEIGHT));
    let row2 = Rect::from_min_max(pos2(inner.left(), inner.bottom() - GROUP_ROW_HEIGHT), inner.max);
    let row1 = row2.translate(vec2(0.0, -(GROUP_ROW_HEIGHT + GAP * 0.8)));
    let middle = Rect::from_min_max(
        pos2(inner.left(), header.bottom() + GAP),
        pos2(inner.right(), row1.top() - GAP),
    );
    let browser_width = (inner.width() * 0.36).clamp(300.0, 480.0);
    let waveform = Rect::from_min_max(middle.min, pos2(middle.right() - browser_width - GAP, middle.bottom()));
    let browser = Rect::from_min_max(pos2(waveform.right() + GAP, middle.top()), middle.max);
    Regions { header, waveform, browser, rows: [row1, row2] }
}

/// Split `row` among `groups` in proportion to their cells, all cells the same width (that of
/// the row with `max_cells` cells), leaving `GAP` between groups and giving any rest to the last.
pub fn split_row(row: Rect, groups: RowSpec, max_cells: usize) -> Vec<Rect> {
    let gaps = GAP * groups.len().saturating_sub(1) as f32;
    let cell = (row.width() - gaps) / max_cells.max(1) as f32;
    let mut left = row.left();
    let mut out = Vec::with_capacity(groups.len());
    for (index, &(_, cells)) in groups.iter().enumerate() {
        let right = if index + 1 == groups.len() { row.right() } else { left + cell * cells as f32 };
        out.push(Rect::from_min_max(pos2(left, row.top()), pos2(right, row.bottom())));
        left = right + GAP;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_fit_and_do_not_overlap() {
        for (w, h) in [(MIN_WIDTH, MIN_HEIGHT), (1000.0, 700.0), (1600.0, 1100.0)] {
            let screen = Rect::from_min_size(pos2(0.0, 0.0), vec2(w, h));
            let r = regions(screen);
            for rect in [r.header, r.waveform, r.browser, r.rows[0], r.rows[1]] {
                assert!(screen.shrink(MARGIN - 0.01).contains_rect(rect), "{rect:?} outside {w}x{h}");
                assert!(rect.width() > 100.0 && rect.height() > 80.0, "{rect:?} too small at {w}x{h}");
            }
            assert!(r.header.bottom() < r.waveform.top());
            assert!(r.waveform.right() < r.browser.left());
            assert!(r.waveform.bottom() < r.rows[0].top() && r.rows[0].bottom() < r.rows[1].top());
            let groups: RowSpec = &[("A", 4), ("B", 5), ("C", 5)];
            let split = split_row(r.rows[0], groups, 14);
            assert_eq!(split.last().map(|g| g.right()), Some(r.rows[0].right()));
            assert!(split.windows(2).all(|p| p[0].right() < p[1].left()));
        }
    }
}
