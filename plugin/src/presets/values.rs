//! A preset's values against the live host parameters: reading the current values into a preset,
//! resolving a preset into one normalised target per host parameter (missing ids take their
//! default, unknown ids and unusable values are ignored with a note), applying the targets the way
//! a host sees an edit (begin, set, end per parameter, through the editor's `ParamSetter`), and
//! telling whether the parameters still hold them.
//!
//! Why through the `ParamSetter`: nice-plug forwards each gesture to the host (CLAP output
//! parameter events, VST3 `performEdit`), which records it as automation and sets the value at the
//! next processing cycle, so the host's view of every parameter stays the plugin's. Writing the
//! parameters directly would change the sound behind the host's back.

use std::collections::BTreeMap;
use std::sync::Arc;

use nice_plug::prelude::{Param, ParamPtr, ParamSetter, Params};

use super::format::{Preset, PresetValue};
use crate::params::AfterglowParams;

/// Two normalised values closer than this are the same setting.
const SAME_NORMALIZED: f32 = 1e-5;

/// One host parameter's value in a preset.
#[derive(Debug, Clone)]
pub struct Target {
    pub id: String,
    ptr: ParamPtr,
    /// The value to set, normalised (0..1) as the host sees it, already snapped to the
    /// parameter's steps.
    pub normalized: f32,
}

/// A preset resolved against one parameter object: a target for every host parameter, and what
/// was ignored or replaced on the way.
#[derive(Clone)]
pub struct Resolved {
    /// Keeps the parameters the targets point into alive (never read: held for the pointers).
    _params: Arc<AfterglowParams>,
    pub targets: Vec<Target>,
    /// "unknown parameter ...", "... out of range, clamped", "... not a number, default used".
    pub notes: Vec<String>,
}

/// The current (unmodulated) value of every host parameter of `params`, by id. Not
/// realtime-safe: allocates.
pub fn current_values(params: &AfterglowParams) -> BTreeMap<String, PresetValue> {
    params
        .param_map()
        .into_iter()
        // SAFETY: the pointers come from `params`, borrowed for this whole call.
        .map(|(id, ptr, _)| (id, unsafe { plain_value(ptr) }))
        .collect()
}

/// # Safety
/// `ptr` must point into a live parameter object.
unsafe fn plain_value(ptr: ParamPtr) -> PresetValue {
    unsafe {
        match ptr {
            ParamPtr::FloatParam(p) => PresetValue::from_f32((*p).unmodulated_plain_value()),
            ParamPtr::IntParam(p) => PresetValue::Int(i64::from((*p).unmodulated_plain_value())),
            ParamPtr::BoolParam(p) => PresetValue::Bool((*p).unmodulated_plain_value()),
            // Enums by their stable variant id, as nice-plug saves them in the plugin state.
            ParamPtr::EnumParam(p) => match (*p).unmodulated_plain_id() {
                Some(id) => PresetValue::Id(id.to_owned()),
                None => PresetValue::Int(i64::from((*p).unmodulated_plain_value())),
            },
        }
    }
}

/// Resolve `preset` against `params`: every host parameter gets the preset's value, or its
/// default when the preset has none or an unusable one; ids `params` does not have are noted.
/// Not realtime-safe: allocates.
pub fn resolve(params: &Arc<AfterglowParams>, preset: &Preset) -> Resolved {
    // A second, private parameter object: the only way nice-plug offers to turn an enum's stable
    // variant id into its value is to set it on an enum parameter (`set_from_id`).
    let scratch = AfterglowParams::default();
    let scratch_map: BTreeMap<String, ParamPtr> = scratch.param_map().into_iter().map(|(id, ptr, _)| (id, ptr)).collect();
    let mut notes = Vec::new();
    let mut targets = Vec::new();
    let map = params.param_map();
    for (id, ptr, _) in &map {
        let value = preset.params.get(id);
        // SAFETY: `ptr` points into `params` and `scratch_map`'s into `scratch`, both alive here.
        let normalized = unsafe {
            match value.map(|value| normalized_of(*ptr, scratch_map.get(id).copied(), value)) {
                Some(Ok((normalized, clamped))) => {
                    if clamped {
                        notes.push(format!("{}: `{id}` = {} is out of range, set to {}", preset.name, display(value), ptr.normalized_value_to_string(normalized, true)));
                    }
                    normalized
                }
                Some(Err(expected)) => {
                    notes.push(format!("{}: `{id}` = {} is not {expected}; its default is used", preset.name, display(value)));
                    ptr.default_normalized_value()
                }
                None => ptr.default_normalized_value(),
            }
        };
        // SAFETY: as above.
        let snapped = unsafe { ptr.preview_normalized(ptr.preview_plain(normalized)) };
        targets.push(Target { id: id.clone(), ptr: *ptr, normalized: snapped });
    }
    for id in preset.params.keys().filter(|id| !map.iter().any(|(known, _, _)| known == *id)) {
        notes.push(format!("{}: unknown parameter `{id}` ignored (made by another version of afterglow?)", preset.name));
    }
    Resolved { _params: params.clone(), targets, notes }
}

impl std::fmt::Debug for Resolved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resolved").field("targets", &self.targets).field("notes", &self.notes).finish_non_exhaustive()
    }
}

fn display(value: Option<&PresetValue>) -> String {
    value.map_or_else(String::new, ToString::to_string)
}

/// The normalised value of `value` for the parameter at `ptr` and whether it had to be clamped
/// into range, or what kind of value it should have been. `scratch` is the same parameter in a
/// scratch object (for enum ids).
///
/// # Safety
/// Both pointers must point into live parameter objects.
unsafe fn normalized_of(ptr: ParamPtr, scratch: Option<ParamPtr>, value: &PresetValue) -> Result<(f32, bool), &'static str> {
    unsafe {
        match ptr {
            ParamPtr::FloatParam(_) | ParamPtr::IntParam(_) => {
                let Some(plain) = value.as_number().filter(|x| x.is_finite()) else {
                    return Err("a number");
                };
                let plain = plain as f32;
                let normalized = ptr.preview_normalized(plain);
                let back = ptr.preview_plain(normalized);
                let span = (ptr.preview_plain(1.0) - ptr.preview_plain(0.0)).abs().max(f32::EPSILON);
                // Beyond rounding to the parameter's steps (half a step for integers): out of range.
                let tolerance = if matches!(ptr, ParamPtr::IntParam(_)) { 0.5 } else { span * 1e-4 };
                Ok((normalized, (back - plain).abs() > tolerance))
            }
            ParamPtr::BoolParam(_) => match value {
                PresetValue::Bool(on) => Ok((if *on { 1.0 } else { 0.0 }, false)),
                _ => Err("true or false"),
            },
            ParamPtr::EnumParam(_) => match (value, scratch) {
                (PresetValue::Id(id), Some(ParamPtr::EnumParam(inner))) if (*inner).set_from_id(id) => {
                    Ok((ParamPtr::EnumParam(inner).unmodulated_normalized_value(), false))
                }
                // An index, as nice-plug saves enums without ids.
                (PresetValue::Int(index), _) => {
                    let normalized = ptr.preview_normalized(*index as f32);
                    Ok((normalized, ptr.preview_plain(normalized) != *index as f32))
                }
                _ => Err("one of the parameter's choices"),
            },
        }
    }
}

impl Resolved {
    /// Set every parameter not already at its target, each as one host gesture (begin, set,
    /// end), through the editor's `setter`. The host sets the values (at its next processing
    /// cycle) and records them. Returns how many were set. Not realtime-safe (GUI thread).
    pub fn apply(&self, setter: &ParamSetter) -> usize {
        let mut num_set = 0;
        for target in self.targets.iter().filter(|t| !self.holds(t)) {
            // SAFETY: the pointers point into `self._params`, which `self` keeps alive; this is
            // the editor's GUI thread, where the setter may be called.
            unsafe {
                setter.raw_context.raw_begin_set_parameter(target.ptr);
                setter.raw_context.raw_set_parameter_normalized(target.ptr, target.normalized);
                setter.raw_context.raw_end_set_parameter(target.ptr);
            }
            num_set += 1;
        }
        num_set
    }

    /// Whether the parameter of `target` holds its target value.
    fn holds(&self, target: &Target) -> bool {
        // SAFETY: the pointer points into `self._params`, which `self` keeps alive.
        let current = unsafe { target.ptr.unmodulated_normalized_value() };
        (current - target.normalized).abs() <= SAME_NORMALIZED
    }

    /// The ids of the parameters that no longer hold the preset's value (edited since loading, or
    /// not yet set by the host).
    pub fn changed_ids(&self) -> Vec<&str> {
        self.targets.iter().filter(|t| !self.holds(t)).map(|t| t.id.as_str()).collect()
    }

    /// Whether every parameter holds the preset's value.
    pub fn all_hold(&self) -> bool {
        self.targets.iter().all(|t| self.holds(t))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use super::*;
    use crate::params::WindowChoice;
    use crate::test_host::CountingHost as Host;

    fn preset(values: &[(&str, PresetValue)]) -> Preset {
        Preset {
            name: String::from("Test"),
            category: String::from("Tests"),
            params: values.iter().map(|(id, v)| (id.to_string(), v.clone())).collect(),
            bank: None,
        }
    }

    #[test]
    fn current_values_resolve_back_to_the_same_parameters() {
        let edited = Arc::new(AfterglowParams::default());
        let host = Host::default();
        let setter = ParamSetter::new(&host);
        setter.set_parameter(&edited.grain_size_ms, 333.0);
        setter.set_parameter(&edited.window, WindowChoice::Decay);
        setter.set_parameter(&edited.hold, true);
        setter.set_parameter(&edited.seed, 4321);
        let saved = Preset { params: current_values(&edited), ..preset(&[]) };
        assert_eq!(saved.params["window"], PresetValue::Id(String::from("decay")));

        let fresh = Arc::new(AfterglowParams::default());
        let resolved = resolve(&fresh, &saved);
        assert!(resolved.notes.is_empty(), "{:?}", resolved.notes);
        assert!(!resolved.all_hold());
        let num_set = resolved.apply(&ParamSetter::new(&host));
        assert_eq!(num_set, 4, "only the four edited parameters move");
        assert_eq!((host.begins.load(Ordering::Relaxed), host.sets.load(Ordering::Relaxed)), (4, 4 + 4));
        assert_eq!(host.ends.load(Ordering::Relaxed), host.begins.load(Ordering::Relaxed));
        assert_eq!(current_values(&fresh), current_values(&edited));
        assert!(resolved.all_hold());
        assert_eq!(fresh.window.value(), WindowChoice::Decay);
    }

    #[test]
    fn missing_ids_take_defaults_and_unknown_or_bad_values_are_noted() {
        let params = Arc::new(AfterglowParams::default());
        let host = Host::default();
        let setter = ParamSetter::new(&host);
        setter.set_parameter(&params.density_hz, 200.0);
        setter.set_parameter(&params.freeze, true);
        let resolved = resolve(
            &params,
            &preset(&[
                ("grain_size", PresetValue::Int(50)),
                ("lfo_1_rate", PresetValue::Float(2.0)),
                ("position", PresetValue::Float(7.0)),
                ("window", PresetValue::Id(String::from("cosine"))),
                ("hold", PresetValue::Int(1)),
            ]),
        );
        resolved.apply(&setter);
        // Within the host path's float rounding (plain -> normalised -> plain on a skewed range).
        assert!((params.grain_size_ms.value() - 50.0).abs() < 1e-4, "an integer is a number: {}", params.grain_size_ms.value());
        assert_eq!(params.density_hz.unmodulated_normalized_value(), params.density_hz.default_normalized_value(), "missing: default");
        assert!(!params.freeze.value(), "missing: default");
        assert_eq!(params.position.value(), 1.0, "clamped into range");
        assert_eq!(params.window.value(), WindowChoice::Hann, "unknown choice: default");
        assert!(!params.hold.value(), "wrong type: default");
        let notes = resolved.notes.join("\n");
        for expected in ["unknown parameter `lfo_1_rate` ignored", "`position` = 7 is out of range", "`window` = \"cosine\" is not one of", "`hold` = 1 is not true or false"] {
            assert!(notes.contains(expected), "{expected} not in:\n{notes}");
        }
        assert_eq!(resolved.notes.len(), 4, "{notes}");
    }

    #[test]
    fn an_edit_after_loading_shows_as_a_changed_id() {
        let params = Arc::new(AfterglowParams::default());
        let host = Host::default();
        let resolved = resolve(&params, &preset(&[("pitch", PresetValue::Float(-12.0))]));
        resolved.apply(&ParamSetter::new(&host));
        assert!(resolved.all_hold() && resolved.changed_ids().is_empty());
        ParamSetter::new(&host).set_parameter(&params.reverse_probability, 0.9);
        assert_eq!(resolved.changed_ids(), ["reverse"]);
    }
}
