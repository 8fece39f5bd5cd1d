//! Loading a catalogued pad into the bank, on the mining thread: the catalogue names the file,
//! its content hash, the region, the loop settings and the layer; the file is checked against the
//! hash and decoded only as far as the region reaches (and separated, for a pad of a layer), and
//! the pad is cut by the very code that recalls a saved bank ([`super::pads::pad_from_source`]),
//! so it is the pad every front end means by that identity. The bank is the working set: a free
//! slot is used first, else the selected pad's slot, else the slot loaded longest ago.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use catalogue::{Catalogue, PadSource};
use engine::mining::LoopConfig;
use engine::recipe::RecipeSource;
use engine::separate::SeparationConfig;
use engine::source::{hash_file, load_opening};

use crate::queues::MAX_PAD_SEC;
use super::archive_browser::LoadRequest;
use super::pads::{cut_reach_sec, pad_from_source};
use crate::persist::{SavedBank, SavedPad};
use super::folder_config::folder_separation_config;
use super::worker::{DECODE_MARGIN_SEC, Kept, WorkerState};

impl WorkerState {
    /// Load every pad the editor asked for. Problems are said in the status line.
    pub(super) fn serve_loads(&mut self) {
        while let Some(request) = self.shared.archive.take_load() {
            if self.shared.stop.is_cancelled() {
                return;
            }
            self.shared.status.busy.store(true, Ordering::Release);
            let name = file_name(&request.row.path);
            let at = super::catalogue::format_minutes_seconds(request.row.start_sec as f32);
            self.shared.status.update(|s| s.message = format!("Loading {name} @ {at} from the catalogue"));
            let outcome = self.load(&request);
            let (message, error) = match outcome {
                Ok(done) => (done, String::new()),
                Err(problem) => (format!("Could not load {name} @ {at}: {problem}"), problem),
            };
            self.shared.status.update(|s| {
                s.message = message;
                s.last_error = error;
            });
            self.shared.status.busy.store(false, Ordering::Release);
        }
    }

    /// Load one pad; Ok says where it went, Err what is wrong (in words for the musician).
    fn load(&mut self, request: &LoadRequest) -> Result<String, String> {
        let path = self.shared.archive.catalogue_path();
        let catalogue = Catalogue::open(&path).map_err(|e| e.to_string())?;
        let source = catalogue
            .pad_source(&request.row.id, &request.row.path)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| String::from("the catalogue no longer lists it (rescanned?)"))?;
        drop(catalogue);
        let recipe_source = recipe_source(&source, &self.separation_for(Path::new(&source.path)))?;
        let file = Path::new(&source.path);
        let hash = hash_file(file).map_err(|_| String::from("the file is gone (moved or deleted?)"))?;
        if hash != source.content_hash {
            return Err(String::from("the file changed since it was catalogued: scan it again"));
        }
        let reach_sec = cut_reach_sec(&recipe_source);
        let opening = load_opening(file, reach_sec + f64::from(DECODE_MARGIN_SEC), &self.load_options()).map_err(|e| e.to_string())?;
        let layers = match &recipe_source.separation {
            Some(separation) if !recipe_source.layer.is_mix() => {
                Some(self.separate(&opening.source, separation).map_err(|problem| problem.unwrap_or_else(|| String::from("the plugin is closing")))?)
            }
            _ => None,
        };
        let mined = pad_from_source(&opening.source, layers.as_ref(), recipe_source, 0).ok_or_else(|| String::from("its region lies outside the file"))?;
        drop((opening, layers));

        if let Some(kept) = self.kept.iter().find(|k| k.saved.pad_id == mined.info.pad_id) {
            return Ok(format!("{} is already in the bank, slot {}", mined.info.name, kept.slot + 1));
        }
        let (slot, replaced) = self.slot_for_load(request.replace_slot);
        let name = mined.info.name.clone();
        let saved = SavedPad { slot, pad_id: mined.info.pad_id, source: mined.info.recipe_source.clone() };
        self.send_pad(slot, mined).map_err(|_| String::from("the plugin is closing"))?;
        self.kept.retain(|k| k.slot != slot);
        self.loads_made += 1;
        self.kept.push(Kept { slot, score: f32::INFINITY, provisional: false, saved, loaded_at: self.loads_made });
        let mut pads: Vec<SavedPad> = self.kept.iter().map(|k| k.saved.clone()).collect();
        pads.sort_by_key(|p| p.slot);
        self.params.bank.record(SavedBank { pads });
        self.shared.status.pads_mined.store(self.kept.len() as u32, Ordering::Release);
        Ok(match replaced {
            Some(old) => format!("Loaded {name} into slot {} (replacing {old})", slot + 1),
            None => format!("Loaded {name} into slot {}", slot + 1),
        })
    }

    /// The `[separation]` settings a catalogued layer pad of `file` is cut with: the archive
    /// folder's (the plugin records its folder in the catalogue with them) when the file lies in
    /// it, else the defaults. The catalogue does not record the settings a file was mined with.
    fn separation_for(&self, file: &Path) -> SeparationConfig {
        let root = PathBuf::from(self.params.archive_path().trim());
        // The catalogue holds canonical paths; the folder may be named through a link.
        let canonical = root.canonicalize().unwrap_or_else(|_| root.clone());
        if root.as_os_str().is_empty() || !(file.starts_with(&root) || file.starts_with(&canonical)) {
            return SeparationConfig::default();
        }
        folder_separation_config(&root).unwrap_or_default()
    }

    /// The slot a loaded pad goes to, and the name of the pad it replaces: a free slot within the
    /// bank size, else `replace_slot` (the selected pad's), else the slot loaded longest ago.
    fn slot_for_load(&self, replace_slot: Option<u16>) -> (u16, Option<String>) {
        let bank_size = self.params.bank_size().clamp(1, crate::queues::NUM_BANK_SLOTS);
        if let Some(free) = (0..bank_size as u16).find(|slot| self.kept.iter().all(|k| k.slot != *slot)) {
            let replaced = (free == 0 && self.builtin_in_slot0).then(|| String::from("the built-in texture"));
            return (free, replaced);
        }
        let chosen = replace_slot
            .filter(|slot| usize::from(*slot) < bank_size)
            .or_else(|| self.kept.iter().min_by_key(|k| k.loaded_at).map(|k| k.slot))
            .unwrap_or(0);
        let replaced = self.kept.iter().find(|k| k.slot == chosen).map(|k| {
            let at = super::catalogue::format_minutes_seconds(k.saved.source.start_sample as f32 / engine::ENGINE_SAMPLE_RATE_HZ as f32);
            format!("pad {} ({} @ {at})", chosen + 1, file_name(&k.saved.source.path))
        });
        (chosen, replaced)
    }
}

/// The recipe source of a catalogued pad: its region at the engine's rate, shortened to the
/// plugin's longest pad as mining here shortens it, with the catalogued loop settings and layer
/// (a layer's with `separation`, as mining here records it).
fn recipe_source(source: &PadSource, separation: &SeparationConfig) -> Result<RecipeSource, String> {
    let engine_rate = u64::from(engine::ENGINE_SAMPLE_RATE_HZ);
    let at_engine_rate = |samples: usize| (samples as u64 * engine_rate / u64::from(source.sample_rate_hz)) as usize;
    let loop_settings: LoopConfig = match &source.loop_settings {
        Some(json) => serde_json::from_str(json).map_err(|e| format!("its loop settings are unreadable ({e})"))?,
        None => LoopConfig::default(),
    };
    let max_frames = ((MAX_PAD_SEC - 0.001 * loop_settings.seam_search_ms.max(0.0)) * engine::ENGINE_SAMPLE_RATE_HZ as f32) as usize;
    Ok(RecipeSource {
        path: source.path.clone(),
        content_hash: source.content_hash.clone(),
        start_sample: at_engine_rate(source.start_sample),
        len_samples: at_engine_rate(source.len_samples).min(max_frames),
        as_loop: true,
        root_note: None,
        loop_settings: Some(loop_settings),
        layer: source.layer,
        separation: (!source.layer.is_mix()).then(|| separation.clone()),
    })
}

/// The last part of `path`, for messages.
fn file_name(path: &str) -> String {
    Path::new(path).file_name().map_or_else(|| path.to_owned(), |n| n.to_string_lossy().into_owned())
}
