//! `SortedWindows`: a bank of sliding windows kept sorted, so a running percentile (the median
//! filters of HPSS) costs one insertion-sort step per new value instead of a sort.
//!
//! Hand-written: the separator needs thousands of windows side by side (one per frequency bin) in one
//! flat buffer, any percentile (not only the median), windows that shrink at the edges of the signal,
//! and no allocation after sizing. A sorted array of a few dozen values does all of that in a few
//! dozen lines, less than adapting a general running-median crate would take.

/// `num_windows` windows of at most `capacity` values each, in one buffer; each window keeps its
/// values in ascending order.
#[derive(Debug, Clone, Default)]
pub struct SortedWindows {
    capacity: usize,
    /// `num_windows * capacity` values; window `w` uses `values[w * capacity..][..lens[w]]`.
    values: Vec<f32>,
    lens: Vec<usize>,
}

impl SortedWindows {
    /// Sizes the bank for `num_windows` windows of `capacity` values and empties every window.
    /// Allocates only when the bank grows past what it held before.
    pub fn reset(&mut self, num_windows: usize, capacity: usize) {
        self.capacity = capacity;
        self.values.clear();
        self.values.resize(num_windows * capacity, 0.0);
        self.lens.clear();
        self.lens.resize(num_windows, 0);
    }

    /// Values (and window lengths) the bank has room for: its memory, in values.
    pub fn allocated(&self) -> usize {
        self.values.capacity() + self.lens.capacity()
    }

    /// Values held by window `w`.
    #[cfg(test)]
    pub fn len(&self, w: usize) -> usize {
        self.lens[w]
    }

    /// Adds `x` (finite) to window `w`, which must not be full.
    pub fn insert(&mut self, w: usize, x: f32) {
        let len = self.lens[w];
        debug_assert!(len < self.capacity, "window {w} is full");
        let window = &mut self.values[w * self.capacity..][..len + 1];
        let at = window[..len].partition_point(|&v| v < x);
        window.copy_within(at..len, at + 1);
        window[at] = x;
        self.lens[w] = len + 1;
    }

    /// Removes one value equal to `x` (a value inserted before) from window `w`; nothing when the
    /// window holds no such value.
    pub fn remove(&mut self, w: usize, x: f32) {
        let len = self.lens[w];
        let window = &mut self.values[w * self.capacity..][..len];
        let at = window.partition_point(|&v| v < x);
        if at < len && window[at] == x {
            window.copy_within(at + 1..len, at);
            self.lens[w] = len - 1;
        } else {
            debug_assert!(false, "removing {x}, which window {w} does not hold");
        }
    }

    /// Replaces one value equal to `old` (a value inserted before) with `new` (finite) in window `w`:
    /// a [`Self::remove`] and an [`Self::insert`] in one insertion-sort step, moving only the values
    /// between the two.
    pub fn replace(&mut self, w: usize, old: f32, new: f32) {
        let len = self.lens[w];
        let window = &mut self.values[w * self.capacity..][..len];
        // A branchless count rather than a binary search: windows hold a few dozen values, and the
        // count vectorises where the search mispredicts.
        let mut at = window.iter().fold(0usize, |n, &v| n + usize::from(v < old));
        if at >= len || window[at] != old {
            debug_assert!(false, "replacing {old}, which window {w} does not hold");
            return;
        }
        if new > old {
            while at + 1 < len && window[at + 1] < new {
                window[at] = window[at + 1];
                at += 1;
            }
        } else {
            while at > 0 && window[at - 1] > new {
                window[at] = window[at - 1];
                at -= 1;
            }
        }
        window[at] = new;
    }

    /// The value at quantile `q` (0..=1) of window `w`: the one of rank `round(q * (len - 1))` in
    /// ascending order (`q = 0.5` is the median, the upper one for even lengths); 0 for an empty window.
    pub fn quantile(&self, w: usize, q: f32) -> f32 {
        let len = self.lens[w];
        if len == 0 {
            return 0.0;
        }
        // round() for a value that is never negative, without the libm call.
        let rank = (q * (len - 1) as f32 + 0.5) as usize;
        self.values[w * self.capacity + rank.min(len - 1)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quantile by sorting a copy: the reference the bank must match.
    fn sorted_quantile(values: &[f32], q: f32) -> f32 {
        let mut v = values.to_vec();
        v.sort_by(f32::total_cmp);
        v[(q * (v.len() - 1) as f32).round() as usize]
    }

    #[test]
    fn a_sliding_window_matches_sorting_every_position() {
        // Noise rounded to a coarse grid, so values repeat and move far in both directions.
        let signal: Vec<f32> = fixtures::signals::white_noise(4.0, 500, 11).iter().map(|x| x.round()).collect();
        let width = 11;
        let mut bank = SortedWindows::default();
        bank.reset(2, width);
        for (i, &x) in signal.iter().enumerate() {
            if i >= width {
                // Both ways of sliding must agree: replace in one window, remove and insert in another.
                bank.replace(1, signal[i - width], x);
                bank.remove(0, signal[i - width]);
            } else {
                bank.insert(1, x);
            }
            bank.insert(0, x);
            assert_eq!(bank.values[..bank.len(0)], bank.values[width..width + bank.len(1)]);
            let window = &signal[(i + 1).saturating_sub(width)..=i];
            assert_eq!(bank.len(1), window.len());
            for q in [0.0, 0.3, 0.5, 1.0] {
                assert_eq!(bank.quantile(1, q), sorted_quantile(window, q), "at {i}, q {q}");
            }
        }
        let mut empty = SortedWindows::default();
        empty.reset(1, 3);
        assert_eq!(empty.quantile(0, 0.5), 0.0);
    }

    #[test]
    fn reset_empties_every_window() {
        let mut bank = SortedWindows::default();
        bank.reset(3, 4);
        bank.insert(2, 1.0);
        bank.reset(3, 4);
        assert_eq!(bank.len(2), 0);
    }
}
