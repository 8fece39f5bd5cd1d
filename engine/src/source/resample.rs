//! Sample-rate conversion: a streaming windowed-sinc converter (`sinc_kernel`) that puts output
//! frame `j` exactly at input time `j * from / to`, so output sample 0 lines up with input sample 0
//! and there is no latency to remove. For `from/to = F/Q` in lowest terms the output frames fall on
//! `Q` fractional positions between input frames: up to [`MAX_EXACT_PHASES`] of them each get their
//! own taps (147 for 48 -> 44.1 kHz, 441 for 8 -> 44.1 kHz); beyond that, taps are interpolated
//! linearly between [`INTERPOLATED_PHASES`] tabulated positions (error under -110 dB). Frames
//! before the start and after the end read as silence. Everything is computed in a fixed order
//! with portable math, so the result is the same on every platform.

use std::sync::Arc;

use super::frames::PlanarFrames;
use super::sinc_kernel::{dot, SincTable, SINC_LEN};

/// Largest number of fractional positions given their own taps (a 1 MB table).
const MAX_EXACT_PHASES: u32 = 1024;
/// Tabulated positions between input frames when a ratio needs more than [`MAX_EXACT_PHASES`].
const INTERPOLATED_PHASES: usize = 1024;
/// Input frames kept before the filter's oldest needed frame is dropped from the history.
const DRAIN_FRAMES: usize = 1 << 15;

/// Lowest and highest rates [`resample`] accepts, Hz.
pub const MIN_RESAMPLE_RATE_HZ: u32 = 1_000;
pub const MAX_RESAMPLE_RATE_HZ: u32 = 768_000;

/// A streaming converter from `from_hz` to `to_hz` for a fixed number of channels.
pub struct StreamResampler {
    /// `None` when the rates are equal: frames are copied through.
    table: Option<Arc<SincTable>>,
    from_hz: u32,
    to_hz: u32,
    /// The ratio in lowest terms, `from/to = from_step/to_step`.
    from_step: u64,
    to_step: u64,
    /// Per channel, input frames from input index `base` on (before the start: silence).
    history: Vec<Vec<f32>>,
    base: i64,
    /// The next output frame to compute.
    next_out: u64,
    /// Input frames pushed by the caller.
    num_input_frames: u64,
    /// Interpolated taps for one output frame.
    scratch: Box<[f32; SINC_LEN]>,
    /// Per channel, the output of one `run` before it is appended.
    ready: Vec<Vec<f32>>,
}

impl StreamResampler {
    /// A converter for `num_channels` channels. Not realtime-safe: allocates.
    ///
    /// Fails when a rate is outside [`MIN_RESAMPLE_RATE_HZ`]..=[`MAX_RESAMPLE_RATE_HZ`] or
    /// there are no channels.
    pub fn new(num_channels: usize, from_hz: u32, to_hz: u32) -> Result<Self, String> {
        let valid = MIN_RESAMPLE_RATE_HZ..=MAX_RESAMPLE_RATE_HZ;
        if !valid.contains(&from_hz) || !valid.contains(&to_hz) {
            return Err(format!(
                "cannot resample {from_hz} Hz to {to_hz} Hz: rates must be {MIN_RESAMPLE_RATE_HZ}..={MAX_RESAMPLE_RATE_HZ} Hz"
            ));
        }
        if num_channels == 0 {
            return Err("cannot resample zero channels".to_string());
        }
        let divisor = gcd(from_hz, to_hz);
        let (from_step, to_step) = (from_hz / divisor, to_hz / divisor);
        let table = (from_hz != to_hz).then(|| {
            let phases = if to_step <= MAX_EXACT_PHASES { to_step as usize } else { INTERPOLATED_PHASES };
            SincTable::shared(phases, from_hz, to_hz)
        });
        // The first output frame reads SINC_LEN/2 - 1 frames before the start: silence.
        let lead = SINC_LEN / 2 - 1;
        Ok(Self {
            table,
            from_hz,
            to_hz,
            from_step: u64::from(from_step),
            to_step: u64::from(to_step),
            history: vec![vec![0.0; lead]; num_channels],
            base: -(lead as i64),
            next_out: 0,
            num_input_frames: 0,
            scratch: Box::new([0.0; SINC_LEN]),
            ready: vec![Vec::new(); num_channels],
        })
    }

    /// Resamples `num_frames` frames of `planes` (one `Vec` per channel, at least that long) and
    /// appends whatever output is ready to `out`. Not realtime-safe: allocates.
    pub fn push(&mut self, planes: &[Vec<f32>], num_frames: usize, out: &mut PlanarFrames) {
        self.num_input_frames += num_frames as u64;
        if self.table.is_none() {
            out.push(planes, 0, num_frames);
            return;
        }
        for (history, plane) in self.history.iter_mut().zip(planes) {
            history.extend_from_slice(&plane[..num_frames]);
        }
        self.run(u64::MAX, out);
    }

    /// Flushes the filter (the input ends in silence) and leaves `out` with exactly
    /// `round(n * to / from)` frames for the `n` frames pushed. Not realtime-safe: allocates.
    pub fn finish(mut self, out: &mut PlanarFrames) {
        let expected = expected_output_frames(self.num_input_frames, self.from_hz, self.to_hz);
        if self.table.is_some() {
            for history in &mut self.history {
                history.resize(history.len() + SINC_LEN, 0.0);
            }
            self.run(expected as u64, out);
        }
        out.truncate(expected);
    }

    /// Computes output frames up to `limit` (exclusive) while the history holds their inputs.
    fn run(&mut self, limit: u64, out: &mut PlanarFrames) {
        let Some(table) = &self.table else { return };
        let available = self.base + self.history[0].len() as i64;
        let exact = table.phases() as u64 == self.to_step;
        self.ready.iter_mut().for_each(Vec::clear);
        while self.next_out < limit {
            // Output frame j sits at input time i + q / Q.
            let position = self.next_out * self.from_step;
            let (i, q) = ((position / self.to_step) as i64, position % self.to_step);
            let first = i - (SINC_LEN / 2) as i64 + 1;
            if first + SINC_LEN as i64 > available {
                break;
            }
            let taps: &[f32] = if exact {
                table.phase(q as usize)
            } else {
                let scaled = q * table.phases() as u64;
                let (r, rest) = (scaled / self.to_step, scaled % self.to_step);
                table.interpolate(r as usize, (rest as f64 / self.to_step as f64) as f32, &mut self.scratch);
                &self.scratch[..]
            };
            let offset = (first - self.base) as usize;
            for (history, ready) in self.history.iter().zip(&mut self.ready) {
                ready.push(dot(&history[offset..offset + SINC_LEN], taps));
            }
            self.next_out += 1;
        }
        out.push(&self.ready, 0, self.ready[0].len());
        // Drop input no later frame needs, in large steps.
        let needed = (self.next_out * self.from_step / self.to_step) as i64 - (SINC_LEN / 2) as i64 + 1;
        let droppable = (needed - self.base).max(0) as usize;
        if droppable >= DRAIN_FRAMES {
            for history in &mut self.history {
                history.drain(..droppable);
            }
            self.base += droppable as i64;
        }
    }
}

/// `round(num_input_frames * to_hz / from_hz)`, exact in integers.
pub fn expected_output_frames(num_input_frames: u64, from_hz: u32, to_hz: u32) -> usize {
    let scaled = u128::from(num_input_frames) * u128::from(to_hz);
    let from = u128::from(from_hz);
    ((scaled + from / 2) / from) as usize
}

fn gcd(mut a: u32, mut b: u32) -> u32 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Resamples planar `channels` (equal lengths) from `from_hz` to `to_hz` with the decoder's
/// windowed-sinc converter: no latency, `round(n * to / from)` output frames. Rates outside
/// [`MIN_RESAMPLE_RATE_HZ`]..=[`MAX_RESAMPLE_RATE_HZ`] return the input unchanged (and so do
/// equal rates). Not realtime-safe: allocates.
pub fn resample(channels: &[Vec<f32>], from_hz: u32, to_hz: u32) -> Vec<Vec<f32>> {
    let num_frames = channels.iter().map(Vec::len).min().unwrap_or(0);
    let Ok(mut resampler) = StreamResampler::new(channels.len(), from_hz, to_hz) else {
        return channels.to_vec();
    };
    let mut out = PlanarFrames::new(channels.len());
    resampler.push(channels, num_frames, &mut out);
    resampler.finish(&mut out);
    out.into_channels()
}

/// Resamples a seamless loop (planar, equal lengths) from `from_hz` to `to_hz` so that it stays
/// seamless: the filter reads the loop's own continuation across both ends (the loop is tiled
/// three times and the middle period kept), and the conversion ratio is exactly `m / n` for the
/// `n` input frames and `m = round(n * to / from)` output frames, so the last output frame leads
/// into the first one exactly as inside the loop. The pitch moves by `m / n` against `to / from`,
/// under half a frame per loop (0.01 cent for a 2 s loop). Loops too long for an exact ratio
/// (`n` or `m` over [`MAX_RESAMPLE_RATE_HZ`] after reduction) use `to / from`, leaving under half
/// an output frame of timing step at the wrap. Not realtime-safe: allocates.
pub fn resample_loop(channels: &[Vec<f32>], from_hz: u32, to_hz: u32) -> Vec<Vec<f32>> {
    let n = channels.iter().map(Vec::len).min().unwrap_or(0);
    if n == 0 || from_hz == to_hz {
        return channels.to_vec();
    }
    let m = expected_output_frames(n as u64, from_hz, to_hz);
    let exact = u32::try_from(n).ok().zip(u32::try_from(m).ok()).map(|(n, m)| {
        let divisor = gcd(n, m);
        (n / divisor, m / divisor)
    });
    let valid = MIN_RESAMPLE_RATE_HZ..=MAX_RESAMPLE_RATE_HZ;
    let (from, to) = match exact {
        Some((a, b)) if valid.contains(&a) && valid.contains(&b) => (a, b),
        // Scale a small ratio up into the resampler's range (same ratio, same phases).
        Some((a, b)) if a.max(b) <= MAX_RESAMPLE_RATE_HZ => {
            let scale = MIN_RESAMPLE_RATE_HZ.div_ceil(a.min(b));
            (a * scale, b * scale)
        }
        _ => (from_hz, to_hz),
    };
    let tiled: Vec<Vec<f32>> = channels.iter().map(|c| [&c[..n], &c[..n], &c[..n]].concat()).collect();
    let out = resample(&tiled, from, to);
    let start = expected_output_frames(n as u64, from, to);
    out.into_iter().map(|c| c[start..start + m].to_vec()).collect()
}
