//! Live view of the audio thread for the editor: every sounding grain (position, span, pitch, pan,
//! age), the play head's drift, the output level (peak and RMS), voice counts and the keys held
//! down, in atomics written once per host buffer by the audio thread and read by the editor
//! without locks.
//!
//! The audio thread publishes only while an editor window holds a [`ScopeViewer`]: with the editor
//! closed it neither walks the grains nor sums levels.
//!
//! One writer (the audio thread), any number of readers. A reader may see one grain from the
//! previous buffer next to grains from this one; for a display that is harmless, and it keeps the
//! audio thread free of locks and allocation.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};

use engine::texture::{MAX_GRAINS, PadBank, TextureEngine, Travel};

/// One sounding grain as the editor draws it: the engine's own view of a grain.
pub use engine::texture::GrainView as ScopeGrain;

/// Atomic fields per grain: position, span, pitch, pan, age, slot and direction.
const GRAIN_FIELDS: usize = 6;
const REVERSE_BIT: u32 = 1 << 31;

/// Grain views, level and counts, published by the audio thread.
#[derive(Debug)]
pub struct GrainScope {
    grains: Box<[[AtomicU32; GRAIN_FIELDS]]>,
    num_grains: AtomicUsize,
    num_active_grains: AtomicUsize,
    /// Number of filled slots in the bank, as the audio thread sees it.
    num_pads: AtomicUsize,
    /// How far the read position has travelled (f64 bits), see [`TextureEngine::travel`]: seconds
    /// of pad time, or with `travel_is_fraction` a fraction of the pad.
    drift_sec_bits: AtomicU64,
    travel_is_fraction: AtomicBool,
    /// The tempo the engine follows (the host's, else 120 BPM), f64 bits: captured recipes record it.
    tempo_bpm_bits: AtomicU64,
    /// Largest absolute output sample since the editor last took it (f32 bits; positive floats
    /// order like their bits, so `fetch_max` works).
    peak_bits: AtomicU32,
    /// Running totals of squared output samples (f64 bits) and of frames, since creation.
    sum_squares_bits: AtomicU64,
    num_frames: AtomicU64,
    /// Velocity bits of each MIDI key held down (0.0 when up), for "Capture recipe".
    held_velocities: Box<[AtomicU32]>,
    /// Editor windows open now: with none, the audio thread publishes nothing.
    num_viewers: AtomicUsize,
}

/// An open editor's claim on the scope: while one exists the audio thread publishes; dropping it
/// (the window closed) lets the audio thread skip the grain walk again.
#[derive(Debug)]
pub struct ScopeViewer {
    scope: Arc<GrainScope>,
}

impl Drop for ScopeViewer {
    fn drop(&mut self) {
        self.scope.num_viewers.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Output level totals as last read, for [`GrainScope::take_level`].
#[derive(Debug, Clone, Copy, Default)]
pub struct LevelTotals {
    sum_squares: f64,
    num_frames: u64,
}

impl GrainScope {
    /// Not realtime-safe: allocates room for [`MAX_GRAINS`] grains.
    pub fn new() -> Self {
        Self {
            grains: (0..MAX_GRAINS).map(|_| std::array::from_fn(|_| AtomicU32::new(0))).collect(),
            num_grains: AtomicUsize::new(0),
            num_active_grains: AtomicUsize::new(0),
            num_pads: AtomicUsize::new(0),
            drift_sec_bits: AtomicU64::new(0),
            travel_is_fraction: AtomicBool::new(false),
            tempo_bpm_bits: AtomicU64::new(engine::texture::transport::DEFAULT_TEMPO_BPM.to_bits()),
            peak_bits: AtomicU32::new(0),
            sum_squares_bits: AtomicU64::new(0),
            num_frames: AtomicU64::new(0),
            held_velocities: (0..128).map(|_| AtomicU32::new(0)).collect(),
            num_viewers: AtomicUsize::new(0),
        }
    }

    /// Start publishing for an editor window until the returned claim is dropped. Realtime-safe.
    pub fn open_viewer(self: &Arc<Self>) -> ScopeViewer {
        self.num_viewers.fetch_add(1, Ordering::AcqRel);
        ScopeViewer { scope: self.clone() }
    }

    /// Whether an editor window is open, so the audio thread has someone to publish for.
    /// Realtime-safe.
    pub fn is_viewed(&self) -> bool {
        self.num_viewers.load(Ordering::Acquire) > 0
    }

    /// Publish one host buffer's view (held keys, grains, level) when an editor window is open;
    /// otherwise do nothing. Only the audio thread calls this. Realtime-safe.
    pub fn publish_block<C: AsRef<[f32]>>(&self, held: &[f32; 128], engine: &TextureEngine, bank: &PadBank, channels: &[C]) {
        if !self.is_viewed() {
            return;
        }
        self.publish_held(held);
        self.publish_engine(engine, bank);
        self.publish_level(channels);
    }

    /// Publish the velocity of every key (0 when up), indexed by MIDI note. Realtime-safe.
    pub fn publish_held(&self, velocities: &[f32; 128]) {
        for (slot, &velocity) in self.held_velocities.iter().zip(velocities) {
            slot.store(velocity.to_bits(), Ordering::Relaxed);
        }
    }

    /// The velocities last published by [`Self::publish_held`], indexed by MIDI note.
    /// Realtime-safe.
    pub fn held_velocities(&self) -> [f32; 128] {
        let mut out = [0.0; 128];
        for (value, bits) in out.iter_mut().zip(self.held_velocities.iter()) {
            *value = f32::from_bits(bits.load(Ordering::Relaxed));
        }
        out
    }

    /// Publish the engine's sounding grains, its drift and the bank's fill. Realtime-safe.
    pub fn publish_engine(&self, engine: &TextureEngine, bank: &PadBank) {
        let mut count = 0;
        engine.visit_grains(bank, |view| {
            if let Some(slot) = self.grains.get(count) {
                store_grain(slot, &view);
                count += 1;
            }
        });
        self.num_grains.store(count, Ordering::Release);
        self.num_active_grains.store(count, Ordering::Relaxed);
        self.num_pads.store(bank.num_filled(), Ordering::Relaxed);
        let (value, is_fraction) = match engine.travel() {
            Travel::Seconds(s) => (s, false),
            Travel::Fraction(f) => (f, true),
        };
        self.drift_sec_bits.store(value.to_bits(), Ordering::Relaxed);
        self.travel_is_fraction.store(is_fraction, Ordering::Relaxed);
        self.tempo_bpm_bits.store(engine.tempo_bpm().to_bits(), Ordering::Relaxed);
    }

    /// Publish grains directly (for tests and previews). Realtime-safe.
    pub fn publish_grains(&self, grains: &[ScopeGrain], num_pads: usize, drift_sec: f64) {
        let count = grains.len().min(self.grains.len());
        for (slot, grain) in self.grains.iter().zip(&grains[..count]) {
            store_grain(slot, grain);
        }
        self.num_grains.store(count, Ordering::Release);
        self.num_active_grains.store(count, Ordering::Relaxed);
        self.num_pads.store(num_pads, Ordering::Relaxed);
        self.drift_sec_bits.store(drift_sec.to_bits(), Ordering::Relaxed);
        self.travel_is_fraction.store(false, Ordering::Relaxed);
    }

    /// Add one host buffer of output (any number of channels of equal length) to the level
    /// totals. Only the audio thread calls this. Realtime-safe.
    pub fn publish_level<C: AsRef<[f32]>>(&self, channels: &[C]) {
        let mut peak = 0.0f32;
        let mut sum_squares = 0.0f64;
        let mut num_frames = 0;
        for channel in channels {
            let channel = channel.as_ref();
            num_frames = num_frames.max(channel.len());
            for &sample in channel {
                if sample.is_finite() {
                    peak = peak.max(sample.abs());
                    sum_squares += f64::from(sample) * f64::from(sample);
                }
            }
        }
        // The mean over channels, so a mono signal in both channels reads like one channel.
        let sum_squares = sum_squares / channels.len().max(1) as f64;
        self.peak_bits.fetch_max(peak.to_bits(), Ordering::Relaxed);
        // Single writer: load and store cannot lose an update.
        let total = f64::from_bits(self.sum_squares_bits.load(Ordering::Relaxed)) + sum_squares;
        self.sum_squares_bits.store(total.to_bits(), Ordering::Relaxed);
        self.num_frames.fetch_add(num_frames as u64, Ordering::Release);
    }

    /// The output's peak (largest absolute sample, linear) and RMS (linear) since the last call
    /// that passed the same `last`; updates `last`. Realtime-safe.
    pub fn take_level(&self, last: &mut LevelTotals) -> (f32, f32) {
        let peak = f32::from_bits(self.peak_bits.swap(0, Ordering::Relaxed));
        let num_frames = self.num_frames.load(Ordering::Acquire);
        let sum_squares = f64::from_bits(self.sum_squares_bits.load(Ordering::Relaxed));
        let frames = num_frames.saturating_sub(last.num_frames);
        let rms = if frames > 0 { ((sum_squares - last.sum_squares).max(0.0) / frames as f64).sqrt() } else { 0.0 };
        *last = LevelTotals { sum_squares, num_frames };
        (peak, rms as f32)
    }

    /// Copy the latest grains into `out` (cleared first). Not realtime-safe: may grow `out`.
    pub fn read_grains(&self, out: &mut Vec<ScopeGrain>) {
        out.clear();
        let count = self.num_grains.load(Ordering::Acquire).min(self.grains.len());
        out.extend(self.grains[..count].iter().map(load_grain));
    }

    /// Play-head drift at the last publish, seconds (0 while a scan moves the read position).
    /// Realtime-safe.
    pub fn drift_sec(&self) -> f64 {
        match self.travel() {
            Travel::Seconds(s) => s,
            Travel::Fraction(_) => 0.0,
        }
    }

    /// How far the read position had travelled from Position at the last publish: the drift or
    /// the scan. Realtime-safe.
    pub fn travel(&self) -> Travel {
        let value = f64::from_bits(self.drift_sec_bits.load(Ordering::Relaxed));
        if self.travel_is_fraction.load(Ordering::Relaxed) { Travel::Fraction(value) } else { Travel::Seconds(value) }
    }

    /// The tempo the engine followed at the last publish, BPM. Realtime-safe.
    pub fn tempo_bpm(&self) -> f64 {
        f64::from_bits(self.tempo_bpm_bits.load(Ordering::Relaxed))
    }

    /// Grains sounding at the last publish. Realtime-safe.
    pub fn num_active_grains(&self) -> usize {
        self.num_active_grains.load(Ordering::Relaxed)
    }

    /// Filled bank slots at the last publish. Realtime-safe.
    pub fn num_pads(&self) -> usize {
        self.num_pads.load(Ordering::Relaxed)
    }
}

impl Default for GrainScope {
    fn default() -> Self {
        Self::new()
    }
}

fn store_grain(slot: &[AtomicU32; GRAIN_FIELDS], grain: &ScopeGrain) {
    let values = [grain.position, grain.span, grain.pitch_semitones, grain.pan, grain.age];
    for (field, value) in slot.iter().zip(values) {
        field.store(value.to_bits(), Ordering::Relaxed);
    }
    let flags = u32::from(grain.slot) | if grain.reverse { REVERSE_BIT } else { 0 };
    slot[5].store(flags, Ordering::Relaxed);
}

fn load_grain(slot: &[AtomicU32; GRAIN_FIELDS]) -> ScopeGrain {
    let value = |index: usize| f32::from_bits(slot[index].load(Ordering::Relaxed));
    let flags = slot[5].load(Ordering::Relaxed);
    ScopeGrain {
        slot: (flags & 0xffff) as u16,
        position: value(0),
        span: value(1),
        pitch_semitones: value(2),
        pan: value(3),
        age: value(4),
        reverse: flags & REVERSE_BIT != 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publishes_and_reads_back() {
        let scope = GrainScope::new();
        let grain = |position| ScopeGrain { position, span: 0.1, pitch_semitones: -3.0, slot: 2, reverse: true, ..Default::default() };
        scope.publish_grains(&[grain(0.25), grain(0.5), grain(0.75)], 1, 1.5);
        let mut out = Vec::new();
        scope.read_grains(&mut out);
        assert_eq!(out, vec![grain(0.25), grain(0.5), grain(0.75)]);
        assert_eq!(scope.num_active_grains(), 3);
        assert_eq!(scope.drift_sec(), 1.5);
        scope.publish_grains(&[], 1, 0.0);
        scope.read_grains(&mut out);
        assert!(out.is_empty());
        let mut held = [0.0; 128];
        held[60] = 0.75;
        scope.publish_held(&held);
        assert_eq!(scope.held_velocities(), held);
    }

    #[test]
    fn publishes_only_while_an_editor_views_it() {
        let scope = Arc::new(GrainScope::new());
        let engine = TextureEngine::new();
        let bank = PadBank::new();
        let mut held = [0.0; 128];
        held[64] = 1.0;
        let loud = [0.5f32; 64];
        let mut last = LevelTotals::default();
        scope.publish_block(&held, &engine, &bank, &[&loud[..]]);
        assert_eq!((scope.take_level(&mut last), scope.held_velocities()[64]), ((0.0, 0.0), 0.0), "published with no editor open");
        let viewer = scope.open_viewer();
        let second = scope.open_viewer();
        scope.publish_block(&held, &engine, &bank, &[&loud[..]]);
        assert_eq!((scope.take_level(&mut last).0, scope.held_velocities()[64]), (0.5, 1.0));
        drop(viewer);
        assert!(scope.is_viewed(), "a second window still views it");
        drop(second);
        held[64] = 0.0;
        scope.publish_block(&held, &engine, &bank, &[&loud[..]]);
        assert_eq!((scope.take_level(&mut last).0, scope.held_velocities()[64]), (0.0, 1.0), "published after the editor closed");
    }

    #[test]
    fn publishes_the_tempo_the_engine_follows_for_captured_recipes() {
        let scope = Arc::new(GrainScope::new());
        let _viewer = scope.open_viewer();
        let mut engine = TextureEngine::new();
        let bank = PadBank::new();
        assert_eq!(scope.tempo_bpm(), 120.0, "before anything is published");
        engine.set_transport(&engine::texture::Transport { tempo_bpm: Some(96.5), beat_position: None });
        scope.publish_block(&[0.0; 128], &engine, &bank, &[&[0.0f32; 4][..]]);
        assert_eq!(scope.tempo_bpm(), 96.5);
    }

    #[test]
    fn level_is_peak_and_rms_since_last_read() {
        let scope = GrainScope::new();
        let mut last = LevelTotals::default();
        let left = [0.5f32, -0.5, 0.5, -0.5];
        scope.publish_level(&[&left[..], &left[..]]);
        let (peak, rms) = scope.take_level(&mut last);
        assert_eq!(peak, 0.5);
        assert!((rms - 0.5).abs() < 1e-6, "{rms}");
        let quiet = [0.1f32; 4];
        scope.publish_level(&[&quiet[..], &quiet[..]]);
        let (peak, rms) = scope.take_level(&mut last);
        assert!((peak - 0.1).abs() < 1e-7 && (rms - 0.1).abs() < 1e-6, "{peak} {rms}");
        assert_eq!(scope.take_level(&mut last), (0.0, 0.0));
    }
}
