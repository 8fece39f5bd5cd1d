//! The mining thread's loop: rebuild a bank loaded with a project ([`super::recall`]), or mine the
//! archive folder when asked (the Mine button, a new folder, or a project that holds only a folder).
//!
//! Mining is the exporter's: the same decode, the same analysis, [`engine::mining::mine_pads`] with
//! the same `[pad_miner]` and `[separation]` settings (the defaults, or the folder's own
//! `afterglow.toml`), so a busy mix gives pads from its harmonic layer here as it does there, and
//! the loops cut by [`engine::recipe::pad_material_of_layers`] from the mix or from the layer.
//! When the bank is full, a better pad (by the miner's ranking score) replaces the weakest kept
//! one, so the bank ends up holding the best pads of the whole folder, not the first files'. Only
//! [`MAX_PAD_SEC`] (the plugin's longest pad) and [`MAX_MINED_SEC`] (the longest stretch of one
//! file it decodes) differ from the exporter.
//!
//! The first file's opening seconds are mined first, so a pad is playable within a fraction of a
//! second; that early pad is provisional and gives way to the whole file's ranking.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use engine::analysis::{Analysis, AnalysisConfig, Analyzer};
use engine::mining::{MinedPads, mine_pads, why_no_pads};
use engine::separate::Layer;
use engine::source::{LoadOptions, Opening, SourceBuffer, load_opening};
use engine::texture::builtin_pad;

use super::folder_config::{FolderSettings, folder_settings};
use super::pads::{MinedPad, MinedSource, builtin_info, make_pad_until, reach_frames, separation_lookahead_sec};
use crate::persist::{SavedBank, SavedPad};
use super::shared::MiningShared;
use crate::queues::{MinerEnds, MinerToAudio, NUM_BANK_SLOTS};
use crate::params::AfterglowParams;

/// How often the idle thread looks for work and frees returned pads.
const POLL_INTERVAL: Duration = Duration::from_millis(20);
/// How long to wait before retrying a push into a full queue.
const RETRY_INTERVAL: Duration = Duration::from_millis(5);
/// Seconds of the first file searched for its first pad, before the rest is decoded.
const EARLY_ANALYSIS_SEC: f32 = 20.0;
/// Longest stretch of one file that is mined, seconds.
pub const MAX_MINED_SEC: f32 = 600.0;
/// Seconds decoded beyond what is mined: a pad's loop reaches a little past its region, and the
/// last two seconds of a partly decoded file are not yet exactly the whole file's (the DC
/// blocker's backward blocks and the resampler's flush start at the end of what was decoded).
pub(super) const DECODE_MARGIN_SEC: f32 = 3.0;

/// Why a session ended early.
pub(super) struct Interrupted;

/// A pad the bank holds, as the mining thread knows it.
#[derive(Clone)]
pub(super) struct Kept {
    pub slot: u16,
    /// The miner's ranking score (higher is better).
    pub score: f32,
    /// Cut from a file's opening before the whole file was mined: gives way first, and goes
    /// when the whole file's ranking does not choose it.
    pub provisional: bool,
    pub saved: SavedPad,
    /// When it was loaded from the catalogue (the count of loads then); 0 for mined pads. The
    /// oldest load gives way to a new one when the bank is full.
    pub loaded_at: u64,
}

/// Everything the mining thread owns.
pub struct WorkerState {
    pub(super) ends: MinerEnds,
    pub(super) params: Arc<AfterglowParams>,
    pub(super) shared: Arc<MiningShared>,
    /// Which bank slots hold a pad (the built-in texture included), as far as this thread has sent.
    pub(super) filled: [bool; NUM_BANK_SLOTS],
    /// Whether slot 0 holds the built-in texture.
    pub(super) builtin_in_slot0: bool,
    /// The pads of the current bank (mined this session, or recalled).
    pub(super) kept: Vec<Kept>,
    /// The path and request number of the running session.
    session_path: String,
    session_request: u64,
    /// The loaded-state generation the running work belongs to.
    pub(super) session_generation: u64,
    /// Why the session's last file without pads gave none (`engine::mining::why_no_pads`).
    no_pads_reason: String,
    /// Slots this session may fill (the bank size setting when it started).
    bank_size: usize,
    /// Pads loaded from the catalogue so far.
    pub(super) loads_made: u64,
    /// The loaded project's bank while some of its files were not found: the folder given next is
    /// searched for them ([`super::recall`]) before it is mined.
    unrecalled: Option<SavedBank>,
}

impl WorkerState {
    pub fn new(
        ends: MinerEnds,
        params: Arc<AfterglowParams>,
        shared: Arc<MiningShared>,
        filled_slots: &[u16],
    ) -> Self {
        let mut filled = [false; NUM_BANK_SLOTS];
        for &slot in filled_slots {
            if let Some(entry) = filled.get_mut(usize::from(slot)) {
                *entry = true;
            }
        }
        Self {
            ends,
            params,
            shared,
            filled,
            builtin_in_slot0: filled[0],
            kept: Vec::new(),
            session_path: String::new(),
            session_request: 0,
            session_generation: 0,
            no_pads_reason: String::new(),
            bank_size: NUM_BANK_SLOTS,
            loads_made: 0,
            unrecalled: None,
        }
    }

    /// The thread's body: returns when the plugin asks it to stop.
    pub fn run(&mut self) {
        let mut last_path = String::new();
        let mut last_request = self.shared.mine_requests.load(Ordering::Acquire);
        let mut last_generation = 0;
        while !self.shared.stop.is_cancelled() {
            self.free_spent();
            let generation = self.params.bank.generation();
            let request = self.shared.mine_requests.load(Ordering::Acquire);
            let path_changed = !self.params.archive_path_is(&last_path);
            if generation != last_generation {
                // A project was loaded: rebuild its bank, or mine its folder when it saved no pads.
                last_generation = generation;
                last_path = self.params.archive_path();
                last_request = request;
                self.begin(&last_path, request, generation);
                let saved = self.params.bank.saved();
                self.unrecalled = None;
                let _ = if saved.pads.is_empty() { self.run_session() } else { self.recall(saved) };
                self.end();
                self.params.bank.mark_done(generation);
                continue;
            }
            if path_changed || request != last_request {
                let asked_to_mine = request != last_request;
                last_path = self.params.archive_path();
                last_request = request;
                self.begin(&last_path, request, generation);
                // An interrupted session simply gives way to the next one.
                let _ = match self.unrecalled.take() {
                    Some(saved) if !asked_to_mine => self.recall_from_new_folder(saved),
                    _ => self.run_session(),
                };
                self.end();
                continue;
            }
            self.serve_loads();
            std::thread::sleep(POLL_INTERVAL);
        }
    }

    /// Rebuild a loaded project's bank; remember it when some of its files were not found.
    fn recall(&mut self, saved: SavedBank) -> Result<(), Interrupted> {
        let located = self.locate(&saved)?;
        self.rebuild(&saved, &located)?;
        self.unrecalled = (located.missing > 0).then_some(saved);
        Ok(())
    }

    /// The folder given after a project whose files were not found: rebuild the project's pads
    /// from the files found there by content, or, when it holds none of them, mine it.
    fn recall_from_new_folder(&mut self, saved: SavedBank) -> Result<(), Interrupted> {
        // Kept until the pads are rebuilt, so a folder given again meanwhile is searched too.
        self.unrecalled = Some(saved.clone());
        let located = self.locate(&saved)?;
        if located.moved == 0 {
            self.unrecalled = None;
            return self.run_session();
        }
        self.rebuild(&saved, &located)?;
        self.unrecalled = (located.missing > 0).then_some(saved);
        Ok(())
    }

    fn begin(&mut self, path: &str, request: u64, generation: u64) {
        self.session_path.clear();
        self.session_path.push_str(path);
        self.session_request = request;
        self.session_generation = generation;
        self.shared.status.busy.store(true, Ordering::Release);
    }

    fn end(&mut self) {
        self.shared.status.busy.store(false, Ordering::Release);
    }

    /// Free pads the audio thread sent back.
    fn free_spent(&mut self) {
        while let Ok(spent) = self.ends.from_audio.pop() {
            drop(spent);
        }
    }

    /// Err when the work should end: the plugin is closing, a project was loaded, or the path or
    /// request changed.
    pub(super) fn check(&self) -> Result<(), Interrupted> {
        let stale = self.shared.stop.is_cancelled()
            || self.params.bank.generation() != self.session_generation
            || self.shared.mine_requests.load(Ordering::Acquire) != self.session_request
            || !self.params.archive_path_is(&self.session_path);
        if stale { Err(Interrupted) } else { Ok(()) }
    }

    /// Load options whose decoding stops when the plugin closes.
    pub(super) fn load_options(&self) -> LoadOptions {
        LoadOptions { cancel: Some(self.shared.stop.clone()), ..LoadOptions::default() }
    }

    /// Push a message to the audio thread, waiting while the queue is full.
    fn send(&mut self, mut message: MinerToAudio) -> Result<(), Interrupted> {
        loop {
            match self.ends.to_audio.push(message) {
                Ok(()) => return Ok(()),
                Err(rtrb::PushError::Full(back)) => message = back,
            }
            self.free_spent();
            if self.shared.stop.is_cancelled() {
                return Err(Interrupted);
            }
            std::thread::sleep(RETRY_INTERVAL);
        }
    }

    /// Send a pad into `slot`, count it and list it for the editor.
    pub(super) fn send_pad(&mut self, slot: u16, mined: MinedPad) -> Result<(), Interrupted> {
        let MinedPad { pad, mut info } = mined;
        info.slot = slot;
        self.send(MinerToAudio::Insert { slot, pad })?;
        self.filled[usize::from(slot)] = true;
        if slot == 0 {
            self.builtin_in_slot0 = false;
        }
        self.shared.status.update(|s| {
            if s.pads.len() < NUM_BANK_SLOTS {
                s.pads.resize(NUM_BANK_SLOTS, None);
            }
            s.pads[usize::from(slot)] = Some(info);
        });
        Ok(())
    }

    /// Empty `slot` (when it holds anything).
    fn clear_slot(&mut self, slot: usize) -> Result<(), Interrupted> {
        if self.filled[slot] {
            self.send(MinerToAudio::Remove { slot: slot as u16 })?;
            self.filled[slot] = false;
            if slot == 0 {
                self.builtin_in_slot0 = false;
            }
            self.shared.status.update(|s| {
                if let Some(entry) = s.pads.get_mut(slot) {
                    *entry = None;
                }
            });
        }
        Ok(())
    }

    /// Offer a mined pad to the bank: it takes a free slot, else the place of a provisional pad,
    /// else that of the weakest kept pad when it ranks higher; a pad the bank already holds only
    /// has its score (and provisional mark) updated.
    fn offer(&mut self, mined: MinedPad, score: f32, provisional: bool) -> Result<(), Interrupted> {
        if let Some(kept) = self.kept.iter_mut().find(|k| k.saved.pad_id == mined.info.pad_id) {
            kept.score = score;
            kept.provisional &= provisional;
            return Ok(());
        }
        let free = (0..self.bank_size as u16).find(|slot| self.kept.iter().all(|k| k.slot != *slot));
        let slot = match free {
            Some(slot) => slot,
            None => {
                let weakest = self
                    .kept
                    .iter()
                    .enumerate()
                    .min_by(|(_, a), (_, b)| {
                        (!a.provisional, a.score).partial_cmp(&(!b.provisional, b.score)).unwrap_or(std::cmp::Ordering::Equal)
                    })
                    .map(|(i, k)| (i, k.slot, k.provisional, k.score));
                match weakest {
                    Some((index, slot, was_provisional, weakest_score)) if was_provisional || score > weakest_score => {
                        self.kept.swap_remove(index);
                        slot
                    }
                    _ => return Ok(()),
                }
            }
        };
        let saved = SavedPad { slot, pad_id: mined.info.pad_id, source: mined.info.recipe_source.clone() };
        self.send_pad(slot, mined)?;
        self.kept.push(Kept { slot, score, provisional, saved, loaded_at: 0 });
        self.shared.status.pads_mined.store(self.kept.len() as u32, Ordering::Release);
        Ok(())
    }

    /// One mining session over `session_path`.
    fn run_session(&mut self) -> Result<(), Interrupted> {
        let root = PathBuf::from(self.session_path.trim());
        let status = &self.shared.status;
        status.files_done.store(0, Ordering::Release);
        status.files_total.store(0, Ordering::Release);
        status.pads_mined.store(0, Ordering::Release);
        self.no_pads_reason.clear();
        self.kept.clear();
        self.bank_size = self.params.bank_size();
        let shown_path = root.display().to_string();
        status.update(|s| {
            s.archive_path = shown_path;
            s.current_file.clear();
            s.last_error.clear();
            s.message = String::from("Looking for audio files");
        });

        if !root.is_dir() {
            let message = format!("Archive folder not found: {} (playing the built-in texture)", root.display());
            status.update(|s| {
                s.last_error.clone_from(&message);
                s.message = message;
            });
            return self.finish_session();
        }
        let (settings, problems) = folder_settings(&root);
        if !problems.is_empty() {
            status.update(|s| s.last_error = problems.join("; "));
        }
        let catalogue::Walk { files, notes } = list_audio_files(&root);
        // Files passed over by rule (cover art, hidden files, loops) are normal; a folder that could
        // not be read or entered may hide audio, so the musician hears of the first one.
        let mut hiding = notes.iter().filter(|n| n.reason.may_hide_audio());
        if let Some(first) = hiding.next() {
            let more = hiding.count();
            let text = if more > 0 { format!("{first} (and {more} more)") } else { first.to_string() };
            status.update(|s| s.last_error = text);
        }
        status.files_total.store(files.len() as u32, Ordering::Release);
        if files.is_empty() {
            status.update(|s| s.message = String::from("No audio files in this folder (playing the built-in texture)"));
            return self.finish_session();
        }

        for (index, file) in files.iter().enumerate() {
            self.check()?;
            let shown = file.display().to_string();
            let count = files.len();
            self.shared.status.update(|s| {
                s.current_file = shown;
                s.message = format!("Mining file {} of {count}", index + 1);
            });
            self.mine_file(file, &settings)?;
            self.shared.status.files_done.fetch_add(1, Ordering::AcqRel);
        }
        self.finish_session()?;
        self.record_in_catalogue(&root, &files, &settings)
    }

    /// Mine `file` and offer its pads to the bank. While the bank is still empty, a first pad from
    /// the file's opening is offered before the rest is decoded.
    ///
    /// Each decode reaches [`DECODE_MARGIN_SEC`] plus the separator's look-ahead past what is
    /// mined, so a layer's samples within the mined stretch are those of the whole file's layer.
    fn mine_file(&mut self, file: &Path, settings: &FolderSettings) -> Result<(), Interrupted> {
        let options = self.load_options();
        let margin_sec = f64::from(DECODE_MARGIN_SEC) + separation_lookahead_sec(&settings.separation);
        if self.kept.is_empty() {
            match load_opening(file, f64::from(EARLY_ANALYSIS_SEC) + margin_sec, &options) {
                Ok(opening) if opening.is_whole_file => return self.mine_source(&opening, settings),
                Ok(opening) => self.offer_early_pad(&opening.source, settings)?,
                // The longer decode below says what is wrong.
                Err(_) => {}
            }
            self.check()?;
        }
        let result = load_opening(file, f64::from(MAX_MINED_SEC) + margin_sec, &options);
        self.check()?;
        match result {
            Ok(opening) => self.mine_source(&opening, settings),
            Err(error) => {
                let text = error.to_string();
                self.shared.status.update(|s| s.last_error = text);
                Ok(())
            }
        }
    }

    /// Mine the first [`EARLY_ANALYSIS_SEC`] of `opening` for one provisional pad (from the
    /// harmonic layer when the opening is too busy for the mix to give one).
    fn offer_early_pad(&mut self, opening: &SourceBuffer, settings: &FolderSettings) -> Result<(), Interrupted> {
        let mono = opening.mono();
        let early_len = mono.len().min((EARLY_ANALYSIS_SEC * opening.sample_rate_hz as f32) as usize);
        let analysis = self.analyzer().analyze(&mono[..early_len], opening.sample_rate_hz);
        drop(mono);
        self.check()?;
        let found = self.mine_regions(opening, &analysis, early_len, settings)?;
        let Some(region) = found.regions.first() else {
            return Ok(());
        };
        let from = MinedSource { source: opening, layers: found.layers.as_ref(), separation: &settings.separation };
        let Some(mined) = make_pad_until(from, region, 0, &settings.pad_miner.loop_config(), Some(&self.shared.stop)) else {
            return Ok(());
        };
        self.offer(mined, region.score, true)
    }

    /// The regions [`engine::mining::mine_pads`] finds in `source` (whose first `mined_frames`
    /// `analysis` describes), and its layers, stopping when the plugin closes. A source decoded only in part is separated as
    /// far as it was decoded, so the layer pads kept are those whose cut (loop searches and fade
    /// included) stays within the mined stretch: their layer samples are the whole file's.
    fn mine_regions(&self, source: &SourceBuffer, analysis: &Analysis, mined_frames: usize, settings: &FolderSettings) -> Result<MinedPads, Interrupted> {
        let mined = mine_pads(
            &source.channels,
            source.sample_rate_hz,
            analysis,
            &settings.pad_miner,
            &settings.separation,
            usize::MAX,
            Some(&self.shared.stop),
        );
        let mut found = match mined {
            Ok(found) => found,
            Err(engine::Error::Cancelled) => return Err(Interrupted),
            // Not expected (only the separation can fail, and only when cancelled): say it and
            // go on without this file's pads.
            Err(error) => {
                let text = error.to_string();
                self.shared.status.update(|s| s.last_error = text);
                return Ok(MinedPads { regions: Vec::new(), layers: None, harmonic_analysis: None, busy_share: 0.0 });
            }
        };
        let loop_config = settings.pad_miner.loop_config();
        found.regions.retain(|r| r.layer.is_mix() || reach_frames(r.start_sample, r.len_samples, &loop_config, source.sample_rate_hz) <= mined_frames);
        // Layers no pad is cut from (today the percussive and residual ones) are not kept while
        // the pads are made: a layer of a ten-minute file is a quarter of a gigabyte.
        found.harmonic_analysis = None;
        let used = |layer: Layer| found.regions.iter().any(|r| r.layer == layer);
        let unused = [Layer::Harmonic, Layer::Percussive, Layer::Residual].map(|layer| !used(layer));
        if unused.iter().all(|&u| u) {
            found.layers = None;
        } else if let Some(layers) = found.layers.as_mut() {
            for (unused, channels) in unused.into_iter().zip([&mut layers.harmonic, &mut layers.percussive, &mut layers.residual]) {
                if unused {
                    *channels = Vec::new();
                }
            }
        }
        Ok(found)
    }

    /// An analyser that stops when the plugin closes.
    fn analyzer(&self) -> Analyzer {
        Analyzer::new(AnalysisConfig::default()).with_cancel(self.shared.stop.clone())
    }

    /// The first `max_frames` of `source` mixed to mono, the samples [`SourceBuffer::mono`] gives,
    /// a second at a time with a look at the stop flag between (a long file's mix takes a while).
    fn mono_until_stopped(&self, source: &SourceBuffer, max_frames: usize) -> Result<Vec<f32>, Interrupted> {
        let channels = &source.channels;
        let len = channels.iter().map(Vec::len).min().unwrap_or(0).min(max_frames);
        if channels.len() < 2 {
            return Ok(channels.first().map(|only| only[..len].to_vec()).unwrap_or_default());
        }
        // `engine::source::mix_to_mono`'s sum and scale, so the analysis is the exporter's.
        let scale = 1.0 / channels.len() as f32;
        let second = source.sample_rate_hz.max(1) as usize;
        let mut mono = Vec::with_capacity(len);
        for start in (0..len).step_by(second) {
            if self.shared.stop.is_cancelled() {
                return Err(Interrupted);
            }
            let end = (start + second).min(len);
            mono.extend((start..end).map(|i| channels.iter().map(|c| c[i]).sum::<f32>() * scale));
        }
        Ok(mono)
    }

    /// Mine `opening` (its first [`MAX_MINED_SEC`] when it is not the whole file) and offer every
    /// pad `mine_pads` gives, best first, the mix's and then the harmonic layer's. The file's
    /// provisional pad goes unless chosen again.
    fn mine_source(&mut self, opening: &Opening, settings: &FolderSettings) -> Result<(), Interrupted> {
        let source = &opening.source;
        let mined_frames = if opening.is_whole_file { usize::MAX } else { (MAX_MINED_SEC * source.sample_rate_hz as f32) as usize };
        let mono = self.mono_until_stopped(source, mined_frames)?;
        let analysis = self.analyzer().analyze(&mono, source.sample_rate_hz);
        drop(mono);
        self.check()?;
        let found = self.mine_regions(source, &analysis, mined_frames, settings)?;
        self.check()?;
        if found.regions.is_empty() && self.kept.iter().all(|k| k.provisional) {
            let name = source.provenance.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            self.no_pads_reason = format!("{name}: {}", why_no_pads(&analysis, &settings.pad_miner));
        }
        let loop_config = settings.pad_miner.loop_config();
        let from = MinedSource { source, layers: found.layers.as_ref(), separation: &settings.separation };
        for region in &found.regions {
            if let Some(mined) = make_pad_until(from, region, 0, &loop_config, Some(&self.shared.stop)) {
                self.offer(mined, region.score, false)?;
            }
            self.check()?;
        }
        let before = self.kept.len();
        self.kept.retain(|k| !k.provisional);
        if self.kept.len() != before {
            self.shared.status.pads_mined.store(self.kept.len() as u32, Ordering::Release);
        }
        Ok(())
    }

    /// Empty every slot the bank no longer keeps; with no pad at all, bring back the built-in
    /// texture. Records the bank to be saved with the project, and says how it went.
    pub(super) fn finish_session(&mut self) -> Result<(), Interrupted> {
        self.settle_bank()?;
        let mut pads: Vec<SavedPad> = self.kept.iter().map(|k| k.saved.clone()).collect();
        pads.sort_by_key(|p| p.slot);
        self.params.bank.record(SavedBank { pads });
        let num_pads = self.kept.len();
        self.shared.status.pads_mined.store(num_pads as u32, Ordering::Release);
        let reason = self.no_pads_reason.clone();
        self.shared.status.update(|s| {
            s.current_file.clear();
            if num_pads > 0 {
                s.message = format!("Done: {num_pads} pads");
            } else if s.last_error.is_empty() && !reason.is_empty() {
                s.message = format!("No pads found ({reason}); playing the built-in texture");
            } else if s.last_error.is_empty() {
                s.message = String::from("No pads found (playing the built-in texture)");
            }
        });
        Ok(())
    }

    /// Slots not kept are emptied; an empty bank gets the built-in texture in slot 0.
    pub(super) fn settle_bank(&mut self) -> Result<(), Interrupted> {
        for slot in 0..NUM_BANK_SLOTS {
            let keeps_builtin = slot == 0 && self.builtin_in_slot0 && self.kept.is_empty();
            if !(self.kept.iter().any(|k| usize::from(k.slot) == slot) || keeps_builtin) {
                self.clear_slot(slot)?;
            }
        }
        if self.kept.is_empty() && !self.builtin_in_slot0 {
            let pad = builtin_pad(engine::ENGINE_SAMPLE_RATE_HZ as f32);
            let info = builtin_info(&pad, 0);
            self.send_pad(0, MinedPad { pad, info })?;
            self.builtin_in_slot0 = true;
        }
        Ok(())
    }
}

/// The audio files under the archive folder `root`, sorted, with notes on what was passed over.
/// This is the catalogue's archive walk ([`catalogue::walk`](mod@catalogue::walk) states the
/// rules), so the plugin mines the very files the exporter renders and scans.
pub fn list_audio_files(root: &Path) -> catalogue::Walk {
    catalogue::walk(&[root])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_nested_folders_for_audio_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
        for name in ["z.wav", "a/b/x.FLAC", "a/notes.txt", "a/y.mp3"] {
            std::fs::write(dir.path().join(name), b"").unwrap();
        }
        let files = list_audio_files(dir.path()).files;
        let names: Vec<String> = files
            .iter()
            .map(|p| p.strip_prefix(dir.path()).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["a/b/x.FLAC", "a/y.mp3", "z.wav"]);
    }
}
