//! `Pad`, an owned stereo buffer the grain engine reads, with its per-block grain quality map
//! (RMS, DC, clipping and skew per ~10 ms block) and its octave-decimated copies for grains pitched
//! up (see [`super::octaves`]), and `PadBank`, the fixed-slot bank of pads.

use crate::rt::math;
use super::octaves::{halve_loop, MAX_OCTAVES};

/// Pad-bank slots.
pub const MAX_PADS: usize = 64;
/// Replaced pads the bank keeps readable while the grains reading them fade out.
pub const MAX_RETIRING_PADS: usize = 16;

/// Quality-map block length, milliseconds.
const QUALITY_BLOCK_MS: f32 = 10.0;
/// Pads shorter than this many frames are treated as empty (too short for a grain).
const MIN_PAD_FRAMES: usize = 64;
/// Guard frames stored before and after the pad so cubic interpolation never leaves the buffer.
const GUARD_BEFORE: usize = 1;
const GUARD_AFTER: usize = 3;

/// One pad: stereo samples plus metadata. Built off the audio thread, then moved into a `PadBank`.
#[derive(Debug, Clone)]
pub struct Pad {
    id: u64,
    /// Per channel: `[x[n-1], x[0..n], x[0], x[1], x[2]]` so a loop-wrapped 4-point read is one slice.
    guarded: [Vec<f32>; 2],
    num_frames: usize,
    sample_rate_hz: f32,
    root_note: Option<f32>,
    quality_block_frames: usize,
    /// One flag per quality block: true when grains should not start there.
    bad_blocks: Vec<bool>,
    num_good_blocks: usize,
    /// The pad band-limited and decimated by 2, 4, 8 (guarded like `guarded`), for grains that read
    /// faster than one frame per sample: each holds no content its own rate cannot carry.
    octaves: Vec<[Vec<f32>; 2]>,
    /// Frames of each octave copy.
    octave_frames: Vec<usize>,
}

/// `src` as a guarded loop: `[x[n-1], x[0..n], x[0], x[1], x[2]]`, non-finite samples as 0 (empty
/// for an empty `src`).
fn guard(src: &[f32]) -> Vec<f32> {
    let n = src.len();
    let clean = |x: f32| if x.is_finite() { x } else { 0.0 };
    let mut g = Vec::with_capacity(n + GUARD_BEFORE + GUARD_AFTER);
    if n > 0 {
        g.push(clean(src[n - 1]));
        g.extend(src.iter().map(|&x| clean(x)));
        g.extend((0..GUARD_AFTER).map(|i| clean(src[i % n])));
    }
    g
}

/// Statistics of one quality block, mono mix.
fn block_is_bad(block: &[f32], pad_rms: f32) -> bool {
    let n = block.len().max(1) as f64;
    let mean = block.iter().map(|&x| f64::from(x)).sum::<f64>() / n;
    let var = block.iter().map(|&x| (f64::from(x) - mean).powi(2)).sum::<f64>() / n;
    let rms = (block.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>() / n).sqrt();
    let clipped = block.iter().filter(|x| x.abs() >= 0.999).count() as f64 / n;
    let skew = if var > 1e-12 {
        block.iter().map(|&x| (f64::from(x) - mean).powi(3)).sum::<f64>() / n / math::powf(var, 1.5)
    } else {
        0.0
    };
    let too_quiet = rms < 1e-4 || rms < f64::from(pad_rms) * 0.05;
    let dc_heavy = mean.abs() > 0.5 * rms && mean.abs() > 0.01;
    too_quiet || dc_heavy || clipped > 0.01 || skew.abs() > 3.0
}

impl Pad {
    /// Not realtime-safe: allocates. Mono input is duplicated to both sides; channels past the second
    /// are ignored; channels are cut to the shortest; non-finite samples become 0; a sample rate that is
    /// not a positive finite number counts as 44.1 kHz. Precomputes the per-block grain quality map
    /// (RMS/DC/clipping/skew per ~10 ms block) used to avoid junk grains.
    pub fn new(id: u64, channels: Vec<Vec<f32>>, sample_rate_hz: f32, root_note: Option<f32>) -> Pad {
        let sample_rate_hz =
            if sample_rate_hz.is_finite() && sample_rate_hz >= 1000.0 { sample_rate_hz } else { 44_100.0 };
        let root_note = root_note.filter(|r| r.is_finite()).map(|r| r.clamp(0.0, 127.0));
        let mut chans = channels.into_iter().take(2);
        let left = chans.next().unwrap_or_default();
        let right = chans.next().unwrap_or_else(|| left.clone());
        let mut num_frames = left.len().min(right.len());
        if num_frames < MIN_PAD_FRAMES {
            num_frames = 0;
        }
        let guarded = [guard(&left[..num_frames]), guard(&right[..num_frames])];
        let quality_block_frames = ((QUALITY_BLOCK_MS * 0.001 * sample_rate_hz) as usize).max(1);
        let mono: Vec<f32> = (0..num_frames)
            .map(|i| 0.5 * (guarded[0][i + GUARD_BEFORE] + guarded[1][i + GUARD_BEFORE]))
            .collect();
        let pad_rms = if num_frames > 0 {
            (mono.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>() / num_frames as f64).sqrt() as f32
        } else {
            0.0
        };
        let bad_blocks: Vec<bool> = mono.chunks(quality_block_frames).map(|b| block_is_bad(b, pad_rms)).collect();
        let num_good_blocks = bad_blocks.iter().filter(|&&b| !b).count();
        let mut octaves: Vec<[Vec<f32>; 2]> = Vec::with_capacity(MAX_OCTAVES);
        let mut octave_frames: Vec<usize> = Vec::with_capacity(MAX_OCTAVES);
        while octaves.len() < MAX_OCTAVES {
            let (source, frames) = match octaves.last() {
                Some(octave) => (octave, octave_frames[octave_frames.len() - 1]),
                None => (&guarded, num_frames),
            };
            if frames < 2 * MIN_PAD_FRAMES {
                break;
            }
            let body = |ch: usize| &source[ch][GUARD_BEFORE..GUARD_BEFORE + frames];
            let halves = [guard(&halve_loop(body(0))), guard(&halve_loop(body(1)))];
            octave_frames.push(frames.div_ceil(2));
            octaves.push(halves);
        }
        Pad { id, guarded, num_frames, sample_rate_hz, root_note, quality_block_frames, bad_blocks, num_good_blocks, octaves, octave_frames }
    }

    /// The octave copy a grain reading `step` frames per output sample should read: 0 (the pad
    /// itself) up to one frame per sample, else the first copy decimated enough that it reads at
    /// most one frame per sample (or the last copy there is). Realtime-safe.
    pub(crate) fn octave_for_step(&self, step: f64) -> usize {
        if step <= 1.0 + 1e-9 {
            return 0;
        }
        (math::log2(step) - 1e-9).ceil().clamp(0.0, self.octaves.len() as f64) as usize
    }

    /// Frames of octave copy `octave` (0 is the pad itself). Realtime-safe.
    pub(crate) fn octave_frames(&self, octave: usize) -> usize {
        match octave {
            0 => self.num_frames,
            k => self.octave_frames.get(k - 1).copied().unwrap_or(0),
        }
    }

    /// Channel `ch` of octave copy `octave` with guard frames: index `i + 1` holds frame `i`, and
    /// frames -1 and n..n+2 wrap around the loop, so the four points around any frame in 0..n are
    /// `guarded[i..i + 4]`. Realtime-safe.
    pub(crate) fn guarded_octave(&self, octave: usize, ch: usize) -> &[f32] {
        match octave {
            0 => &self.guarded[ch.min(1)],
            k => self.octaves.get(k - 1).map_or(&[][..], |o| &o[ch.min(1)]),
        }
    }

    /// The caller's identifier. Realtime-safe.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Frames per channel. Realtime-safe.
    pub fn num_frames(&self) -> usize {
        self.num_frames
    }

    /// The pad's root as a MIDI note number, if known. Realtime-safe.
    pub fn root_note(&self) -> Option<f32> {
        self.root_note
    }

    /// The sample rate the pad was recorded at. Realtime-safe.
    pub fn sample_rate_hz(&self) -> f32 {
        self.sample_rate_hz
    }

    /// Channel 0 (left) or 1 (right; anything above 1 reads the right). Realtime-safe.
    pub fn channel(&self, ch: usize) -> &[f32] {
        let g = &self.guarded[ch.min(1)];
        g.get(GUARD_BEFORE..GUARD_BEFORE + self.num_frames).unwrap_or(&[])
    }

    /// False when the quality map advises against a grain covering `frame`; true when the pad has no
    /// good block at all (then any place is as good as another). Realtime-safe.
    pub fn is_good_frame(&self, frame: usize) -> bool {
        if self.num_good_blocks == 0 {
            return true;
        }
        !self.bad_blocks.get(frame / self.quality_block_frames).copied().unwrap_or(true)
    }

    /// Fraction of quality blocks that grains may start in, 0..1. Realtime-safe.
    pub fn good_fraction(&self) -> f32 {
        self.num_good_blocks as f32 / self.bad_blocks.len().max(1) as f32
    }
}

/// A fixed bank of `MAX_PADS` pad slots. Creating it allocates nothing per pad.
///
/// A pad replaced or removed with [`PadBank::insert_fading`] / [`PadBank::take_fading`] stays
/// readable for a while as a *retiring* pad: grains already reading it fade out (the engine fades
/// them over a few milliseconds) instead of stopping dead, and [`PadBank::collect_retired`] hands
/// it back once its time is up, to be freed off the audio thread.
#[derive(Debug)]
pub struct PadBank {
    slots: [Option<Pad>; MAX_PADS],
    retiring: [Option<Pad>; MAX_RETIRING_PADS],
    /// Frames each retiring pad stays readable.
    retire_frames_left: [usize; MAX_RETIRING_PADS],
}

impl Default for PadBank {
    fn default() -> Self {
        Self::new()
    }
}

impl PadBank {
    /// An empty bank. Not realtime-safe in principle (builds a large value), allocates nothing.
    pub fn new() -> Self {
        Self {
            slots: std::array::from_fn(|_| None),
            retiring: std::array::from_fn(|_| None),
            retire_frames_left: [0; MAX_RETIRING_PADS],
        }
    }

    /// Parks `pad` as retiring for `frames`; hands it back when every retiring place is taken.
    fn retire(&mut self, pad: Pad, frames: usize) -> Option<Pad> {
        match self.retiring.iter().position(Option::is_none) {
            Some(i) => {
                self.retiring[i] = Some(pad);
                self.retire_frames_left[i] = frames;
                None
            }
            None => Some(pad),
        }
    }

    /// Puts `pad` in `slot`; the pad it replaces stays readable for `retire_frames` so its grains
    /// can fade. Returns a pad the caller must free off the audio thread: `pad` itself when `slot`
    /// is out of range, or the replaced pad when the retiring places are all taken (its grains
    /// then stop at once, as with [`Self::insert`]). Realtime-safe: moves only.
    pub fn insert_fading(&mut self, slot: usize, pad: Pad, retire_frames: usize) -> Option<Pad> {
        let old = self.insert(slot, pad)?;
        if slot >= MAX_PADS {
            return Some(old);
        }
        self.retire(old, retire_frames)
    }

    /// Empties `slot`; its pad retires as in [`Self::insert_fading`]. Returns a pad the caller must
    /// free when no retiring place is free. Realtime-safe.
    pub fn take_fading(&mut self, slot: usize, retire_frames: usize) -> Option<Pad> {
        let old = self.take(slot)?;
        self.retire(old, retire_frames)
    }

    /// Counts `elapsed_frames` off every retiring pad and hands each whose time is up to `free`
    /// (which sends it off the audio thread). When `free` hands a pad back (its queue is full),
    /// the bank keeps it and tries again on the next call. Realtime-safe.
    pub fn collect_retired(&mut self, elapsed_frames: usize, mut free: impl FnMut(Pad) -> Option<Pad>) {
        for i in 0..MAX_RETIRING_PADS {
            if self.retiring[i].is_none() {
                continue;
            }
            self.retire_frames_left[i] = self.retire_frames_left[i].saturating_sub(elapsed_frames);
            if self.retire_frames_left[i] == 0
                && let Some(pad) = self.retiring[i].take()
            {
                self.retiring[i] = free(pad);
            }
        }
    }

    /// The retiring pad with `id`, if the bank still holds one. Realtime-safe.
    pub(crate) fn retiring(&self, id: u64) -> Option<&Pad> {
        self.retiring.iter().flatten().find(|p| p.id == id)
    }

    /// Number of retiring pads. Realtime-safe.
    pub fn num_retiring(&self) -> usize {
        self.retiring.iter().filter(|p| p.is_some()).count()
    }

    /// Puts `pad` in `slot` (ignored, and `pad` handed back, when `slot >= MAX_PADS`). Realtime-safe:
    /// moves only; returns the replaced pad so the caller can send it off-thread to be freed.
    pub fn insert(&mut self, slot: usize, pad: Pad) -> Option<Pad> {
        match self.slots.get_mut(slot) {
            Some(s) => s.replace(pad),
            None => Some(pad),
        }
    }

    /// Empties `slot`, returning its pad. Realtime-safe.
    pub fn take(&mut self, slot: usize) -> Option<Pad> {
        self.slots.get_mut(slot).and_then(Option::take)
    }

    /// The pad in `slot`, if any. Realtime-safe.
    pub fn get(&self, slot: usize) -> Option<&Pad> {
        self.slots.get(slot).and_then(Option::as_ref)
    }

    /// Number of filled slots. Realtime-safe.
    pub fn num_filled(&self) -> usize {
        self.slots.iter().filter(|s| s.is_some()).count()
    }

    /// The `n`-th filled slot in slot order that holds a playable (non-empty) pad. Realtime-safe.
    pub(crate) fn nth_playable(&self, n: usize) -> Option<usize> {
        self.slots.iter().enumerate().filter(|(_, s)| s.as_ref().is_some_and(|p| p.num_frames > 0)).nth(n).map(|(i, _)| i)
    }

    /// Number of filled slots with a playable (non-empty) pad. Realtime-safe.
    pub(crate) fn num_playable(&self) -> usize {
        self.slots.iter().filter(|s| s.as_ref().is_some_and(|p| p.num_frames > 0)).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(n: usize) -> Vec<f32> {
        (0..n).map(|i| 0.5 * math::sin(i as f32 * 0.05)).collect()
    }

    #[test]
    fn mono_is_duplicated_and_guards_wrap() {
        let pad = Pad::new(3, vec![sine(1000)], 48_000.0, Some(60.0));
        assert_eq!((pad.id(), pad.num_frames(), pad.root_note()), (3, 1000, Some(60.0)));
        assert_eq!(pad.channel(0), pad.channel(1));
        let g = pad.guarded_octave(0, 0);
        assert_eq!(g.len(), 1004);
        assert_eq!(g[0], pad.channel(0)[999]);
        assert_eq!(g[1001], pad.channel(0)[0]);
        assert_eq!(g[1003], pad.channel(0)[2]);
    }

    #[test]
    fn bad_input_gives_a_safe_pad() {
        let pad = Pad::new(1, vec![vec![f32::NAN; 500], vec![0.1; 400]], f32::NAN, Some(f32::INFINITY));
        assert_eq!(pad.num_frames(), 400);
        assert!(pad.channel(0).iter().all(|&x| x == 0.0));
        assert_eq!(pad.sample_rate_hz(), 44_100.0);
        assert_eq!(pad.root_note(), None);
        let empty = Pad::new(2, vec![], 44_100.0, None);
        assert_eq!(empty.num_frames(), 0);
        assert!(empty.channel(0).is_empty());
    }

    #[test]
    fn quality_map_rejects_silence_clipping_and_spikes() {
        let sr = 44_100usize;
        let mut x = sine(sr);
        x[..sr / 10].fill(0.0); // silent first 100 ms
        for v in &mut x[sr / 2..sr / 2 + 441] {
            *v = v.signum(); // a clipped block
        }
        let spike = 3 * sr / 4;
        for v in &mut x[spike..spike + 441] {
            *v *= 0.01;
        }
        x[spike + 200] = 0.9; // one click in a quiet-ish block
        let pad = Pad::new(0, vec![x], sr as f32, None);
        assert!(!pad.is_good_frame(100));
        assert!(!pad.is_good_frame(sr / 2 + 10));
        assert!(!pad.is_good_frame(spike + 10));
        assert!(pad.is_good_frame(sr / 4));
        assert!(pad.good_fraction() > 0.8 && pad.good_fraction() < 0.9, "{}", pad.good_fraction());
    }

    #[test]
    fn bank_moves_pads_in_and_out() {
        let mut bank = PadBank::new();
        assert_eq!(bank.num_filled(), 0);
        assert!(bank.insert(5, Pad::new(1, vec![sine(100)], 44_100.0, None)).is_none());
        let old = bank.insert(5, Pad::new(2, vec![sine(100)], 44_100.0, None));
        assert_eq!(old.map(|p| p.id()), Some(1));
        assert!(bank.insert(MAX_PADS, Pad::new(9, vec![], 44_100.0, None)).is_some());
        assert_eq!(bank.num_filled(), 1);
        assert_eq!(bank.nth_playable(0), Some(5));
        assert_eq!(bank.take(5).map(|p| p.id()), Some(2));
        assert!(bank.get(5).is_none());
    }

    #[test]
    fn replaced_pads_stay_readable_until_their_time_is_up() {
        let mut bank = PadBank::new();
        bank.insert(3, Pad::new(1, vec![sine(100)], 44_100.0, None));
        assert!(bank.insert_fading(3, Pad::new(2, vec![sine(100)], 44_100.0, None), 1000).is_none());
        assert!(bank.take_fading(3, 500).is_none());
        assert_eq!((bank.num_filled(), bank.num_retiring()), (0, 2));
        assert!(bank.retiring(1).is_some() && bank.retiring(2).is_some());
        let mut freed = Vec::new();
        bank.collect_retired(600, |p| {
            freed.push(p.id());
            None
        });
        assert_eq!(freed, [2]);
        // A full return queue: the pad is kept and offered again next time.
        bank.collect_retired(600, Some);
        assert_eq!(bank.num_retiring(), 1);
        bank.collect_retired(0, |p| {
            freed.push(p.id());
            None
        });
        assert_eq!((freed.as_slice(), bank.num_retiring()), (&[2, 1][..], 0));
    }
}
