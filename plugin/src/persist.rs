//! What the plugin saves with a project beside its parameters: the bank by pad identity (exact
//! recall) and the editor's size. Both are persisted fields of [`crate::params::AfterglowParams`];
//! the mining thread rebuilds a loaded bank ([`crate::mining`]), the editor asks the host for the
//! loaded size.
//!
//! Exact recall: the bank's pads by identity (source content hash + region + loop settings + the
//! layer a busy mix's pad is cut from and its separation settings, as recipes describe them;
//! projects saved before layers existed hold mix pads), saved with the project, so a reopened project rebuilds the very pads it
//! played, in the same slots, instead of mining the folder again. Loading a state that holds a bank
//! raises its generation; the plugin's activation waits until the mining thread has rebuilt it.
//!
//! The editor's size: nice-plug-egui keeps the live size in its `EguiEditorState`, which it neither
//! saves nor lets anyone set, so the editor keeps its own copy here: stored on every resize, saved
//! as a `[width, height]` pair (or null), and asked for again on the first frame after the window
//! opens.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use engine::recipe::RecipeSource;
use nice_plug::params::persist::PersistentField;
use serde::{Deserialize, Serialize};

/// Smallest and largest size the host may resize the editor to, logical points.
pub const EDITOR_MIN_SIZE: (f32, f32) = (820.0, 600.0);
pub const EDITOR_MAX_SIZE: (f32, f32) = (2400.0, 1600.0);

/// One pad of a saved bank.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedPad {
    /// Bank slot (0-based; the Source parameter's "Pad N" is slot N - 1).
    pub slot: u16,
    /// The pad's identity ([`engine::recipe::layer_pad_id`] of the content hash, the loop's start
    /// and the layer): checked after the rebuild.
    pub pad_id: u64,
    /// Where the pad comes from and how it was cut, its layer included (`layer` absent: the mix,
    /// as in projects saved before layers existed).
    pub source: RecipeSource,
}

/// The bank as saved in a project.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SavedBank {
    pub pads: Vec<SavedPad>,
}

/// The persisted bank plus the bookkeeping that tells the mining thread a state was loaded.
#[derive(Debug, Default)]
pub struct BankRecall {
    saved: RwLock<SavedBank>,
    /// Raised each time a state is loaded (the host called `set`).
    generation: AtomicU64,
    /// The last generation the mining thread has finished rebuilding.
    done: AtomicU64,
}

impl BankRecall {
    /// The bank as saved. Not realtime-safe: locks and allocates.
    pub fn saved(&self) -> SavedBank {
        match self.saved.read() {
            Ok(saved) => saved.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Record the bank the miner has just built, to be saved with the project. Does not count as a
    /// loaded state. Not realtime-safe: locks.
    pub fn record(&self, bank: SavedBank) {
        match self.saved.write() {
            Ok(mut saved) => *saved = bank,
            Err(poisoned) => *poisoned.into_inner() = bank,
        }
    }

    /// The number of states loaded so far. Realtime-safe.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Mark `generation` as rebuilt. Realtime-safe.
    pub fn mark_done(&self, generation: u64) {
        self.done.fetch_max(generation, Ordering::AcqRel);
    }

    /// Whether every loaded state has been rebuilt. Realtime-safe.
    pub fn is_settled(&self) -> bool {
        self.done.load(Ordering::Acquire) >= self.generation()
    }

    /// Wait (at most `timeout`) until every loaded state has been rebuilt; false on time-out.
    /// Not realtime-safe: sleeps.
    pub fn wait_settled(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while !self.is_settled() {
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        true
    }
}

impl<'a> PersistentField<'a, SavedBank> for BankRecall {
    fn set(&self, new_value: SavedBank) {
        self.record(new_value);
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    fn map<F, R>(&self, f: F) -> R
    where
        F: Fn(&SavedBank) -> R,
    {
        match self.saved.read() {
            Ok(saved) => f(&saved),
            Err(poisoned) => f(&poisoned.into_inner()),
        }
    }
}

/// The last size the editor had, logical points; shared between the editor and the saved state.
#[derive(Debug, Clone, Default)]
pub struct EditorSize {
    /// Width in the high 32 bits, height in the low; 0 when the editor was never resized.
    packed: Arc<AtomicU64>,
}

impl EditorSize {
    /// The saved size, if any, within the editor's limits.
    pub fn get(&self) -> Option<(u32, u32)> {
        let packed = self.packed.load(Ordering::Acquire);
        (packed != 0).then(|| clamp_size(((packed >> 32) as u32, packed as u32)))
    }

    /// Remember `width` x `height` (clamped to the editor's limits).
    pub fn set(&self, width: u32, height: u32) {
        let (width, height) = clamp_size((width, height));
        self.packed.store((u64::from(width) << 32) | u64::from(height), Ordering::Release);
    }

    /// The size to ask the host for when the window opens at `current`: the saved one, when
    /// there is one and it differs by more than rounding.
    pub fn restore_to(&self, current: (f32, f32)) -> Option<(u32, u32)> {
        let (width, height) = self.get()?;
        let differs = (width as f32 - current.0).abs() > 1.0 || (height as f32 - current.1).abs() > 1.0;
        differs.then_some((width, height))
    }
}

fn clamp_size((width, height): (u32, u32)) -> (u32, u32) {
    (width.clamp(EDITOR_MIN_SIZE.0 as u32, EDITOR_MAX_SIZE.0 as u32), height.clamp(EDITOR_MIN_SIZE.1 as u32, EDITOR_MAX_SIZE.1 as u32))
}

impl<'a> PersistentField<'a, Option<(u32, u32)>> for EditorSize {
    fn set(&self, new_value: Option<(u32, u32)>) {
        match new_value {
            Some((width, height)) => EditorSize::set(self, width, height),
            None => self.packed.store(0, Ordering::Release),
        }
    }

    fn map<F, R>(&self, f: F) -> R
    where
        F: Fn(&Option<(u32, u32)>) -> R,
    {
        f(&self.get())
    }
}

#[cfg(test)]
mod tests {
    use super::*;


    #[test]
    fn loading_a_state_raises_the_generation_and_recording_does_not() {
        let recall = BankRecall::default();
        assert!(recall.is_settled());
        recall.record(SavedBank::default());
        assert_eq!(recall.generation(), 0);
        PersistentField::set(&recall, SavedBank { pads: Vec::new() });
        assert_eq!(recall.generation(), 1);
        assert!(!recall.is_settled());
        assert!(!recall.wait_settled(Duration::from_millis(5)));
        recall.mark_done(1);
        assert!(recall.wait_settled(Duration::ZERO));
    }


    /// A bank as a project saved it before layers existed (the state's JSON, as nice-plug writes
    /// a persisted field).
    const PRE_LAYER_BANK: &str = r#"{"pads":[{"slot":2,"pad_id":7310,"source":{"path":"/music/take.wav","content_hash":"00ff00ff00ff00ff","start_sample":44100,"len_samples":220500,"as_loop":true,"root_note":57.0,"loop":{"crossfade_ms":150.0,"seam_search_ms":200.0,"seam_match_ms":100.0,"start_search_ms":100.0}}}]}"#;

    #[test]
    fn a_bank_saved_before_layers_loads_as_mix_pads_and_saves_the_same() {
        let bank: SavedBank = serde_json::from_str(PRE_LAYER_BANK).expect("an old project's bank loads");
        let source = &bank.pads[0].source;
        assert_eq!((source.layer, &source.separation), (engine::separate::Layer::Mix, &None));
        // A mix pad is written as before: an old plugin reads a new project's mix pads.
        let again: serde_json::Value = serde_json::from_str(&serde_json::to_string(&bank).expect("to JSON")).expect("JSON");
        assert_eq!(again, serde_json::from_str::<serde_json::Value>(PRE_LAYER_BANK).expect("JSON"));
    }

    #[test]
    fn a_layer_pad_saves_its_layer_and_separation_settings() {
        use engine::separate::{Layer, SeparationConfig};
        let mut bank: SavedBank = serde_json::from_str(PRE_LAYER_BANK).expect("bank");
        bank.pads[0].source.layer = Layer::Harmonic;
        bank.pads[0].source.separation = Some(SeparationConfig { margin: 2.5, ..SeparationConfig::default() });
        let text = serde_json::to_string(&bank).expect("to JSON");
        assert!(text.contains(r#""layer":"harmonic""#) && text.contains(r#""margin":2.5"#), "{text}");
        let loaded: SavedBank = serde_json::from_str(&text).expect("from JSON");
        assert_eq!(loaded, bank);
    }

    #[test]
    fn remembers_clamps_and_restores() {
        let size = EditorSize::default();
        assert_eq!(size.get(), None);
        assert_eq!(size.restore_to((1000.0, 700.0)), None);
        size.set(1280, 840);
        assert_eq!(size.get(), Some((1280, 840)));
        assert_eq!(size.restore_to((1000.0, 700.0)), Some((1280, 840)));
        assert_eq!(size.restore_to((1280.4, 839.6)), None);
        size.set(10, 99_999);
        assert_eq!(size.get(), Some((EDITOR_MIN_SIZE.0 as u32, EDITOR_MAX_SIZE.1 as u32)));

        // As the plugin state saves and loads it.
        let saved = serde_json::to_string(&PersistentField::map(&size, |v| *v)).expect("to JSON");
        let loaded = EditorSize::default();
        PersistentField::set(&loaded, serde_json::from_str(&saved).expect("from JSON"));
        assert_eq!(loaded.get(), size.get());
        PersistentField::set(&loaded, None);
        assert_eq!(loaded.get(), None);
    }
}
