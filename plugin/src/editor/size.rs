//! The editor's size as saved with the project, so a reopened project opens the editor at the
//! size the musician left it.
//!
//! nice-plug-egui keeps the live size in its `EguiEditorState`, which it neither saves nor lets
//! anyone set, so the editor keeps its own copy: stored on every resize, saved with the
//! project as a persisted field (`#[persist = "editor_size"]`, a `[width, height]` pair or null),
//! and asked for again on the first frame after the window opens (egui's `InnerSize` viewport
//! command, which the window passes on to the host as a resize request).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use nice_plug::params::persist::PersistentField;

use super::{MAX_SIZE, MIN_SIZE};

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
        (packed != 0).then(|| clamp(((packed >> 32) as u32, packed as u32)))
    }

    /// Remember `width` x `height` (clamped to the editor's limits).
    pub fn set(&self, width: u32, height: u32) {
        let (width, height) = clamp((width, height));
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

fn clamp((width, height): (u32, u32)) -> (u32, u32) {
    (width.clamp(MIN_SIZE.0 as u32, MAX_SIZE.0 as u32), height.clamp(MIN_SIZE.1 as u32, MAX_SIZE.1 as u32))
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
    fn remembers_clamps_and_restores() {
        let size = EditorSize::default();
        assert_eq!(size.get(), None);
        assert_eq!(size.restore_to((1000.0, 700.0)), None);
        size.set(1280, 840);
        assert_eq!(size.get(), Some((1280, 840)));
        assert_eq!(size.restore_to((1000.0, 700.0)), Some((1280, 840)));
        assert_eq!(size.restore_to((1280.4, 839.6)), None);
        size.set(10, 99_999);
        assert_eq!(size.get(), Some((MIN_SIZE.0 as u32, MAX_SIZE.1 as u32)));

        // As the plugin state saves and loads it.
        let saved = serde_json::to_string(&PersistentField::map(&size, |v| *v)).expect("to JSON");
        let loaded = EditorSize::default();
        PersistentField::set(&loaded, serde_json::from_str(&saved).expect("from JSON"));
        assert_eq!(loaded.get(), size.get());
        PersistentField::set(&loaded, None);
        assert_eq!(loaded.get(), None);
    }
}
