//! For the crate's unit tests: a host GUI context that counts parameter gestures and applies the
//! values set, as a host does.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use nice_plug::context::PluginApi;
use nice_plug::context::gui::GuiContextInner;
use nice_plug::prelude::{ParamPtr, PluginState};

/// Counts gesture starts, values set and gesture ends.
#[derive(Default)]
pub struct CountingHost {
    pub begins: AtomicUsize,
    pub sets: AtomicUsize,
    pub ends: AtomicUsize,
}

impl GuiContextInner for CountingHost {
    fn plugin_api(&self) -> PluginApi {
        PluginApi::Clap
    }
    unsafe fn raw_begin_set_parameter(&self, _param: ParamPtr) {
        self.begins.fetch_add(1, Ordering::Relaxed);
    }
    unsafe fn raw_set_parameter_normalized(&self, param: ParamPtr, normalized: f32) {
        self.sets.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the pointer comes from the test's live parameter object.
        unsafe { param._internal_set_normalized_value(normalized) };
    }
    unsafe fn raw_end_set_parameter(&self, _param: ParamPtr) {
        self.ends.fetch_add(1, Ordering::Relaxed);
    }
    fn get_state(&self) -> PluginState {
        PluginState { version: String::new(), params: BTreeMap::new(), fields: BTreeMap::new() }
    }
    fn set_state(&self, _state: PluginState) {}
    fn request_restart(&self) {}
}
