//! The mining thread's loop: watch the archive path, and for each mining session walk the folder,
//! decode, analyse, mine pads and stream them to the audio thread as they are found.
//!
//! The first file's opening seconds are decoded, analysed and mined before the rest of it is
//! decoded, so the first pad is playable within a fraction of a second whatever the file's length
//! or sample rate. A file longer than [`MAX_MINED_SEC`] is mined in its first ten minutes only, so
//! one long recording cannot take the memory of its whole decode. Both rely on
//! `engine::source::load_opening` giving exactly the samples of a whole-file load up to a few
//! seconds before the opening's end: pads cut there are what a recipe of them renders.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use engine::analysis::{AnalysisConfig, analyze};
use engine::mining::{PadMinerConfig, Region, find_pads, why_no_pads};
use engine::source::{LoadOptions, Opening, SourceBuffer, load_opening};
use engine::texture::builtin_pad;

use super::pads::{MinedPad, builtin_info, make_pad};
use super::{MinerEnds, MinerToAudio, MiningShared, NUM_BANK_SLOTS};
use crate::params::AfterglowParams;

/// How often the idle thread looks at the archive path and frees returned pads.
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
const DECODE_MARGIN_SEC: f32 = 3.0;
/// A region overlapping an already-sent one by more than this share is skipped.
const MAX_OVERLAP_RATIO: f32 = 0.5;
/// Most pads taken from one file, so a long first file does not fill the whole bank.
const PADS_PER_FILE: usize = 8;
/// Deepest folder nesting walked below the archive root.
const MAX_WALK_DEPTH: usize = 16;

/// Why a session ended early.
struct Interrupted;



/// Everything the mining thread owns.
pub struct WorkerState {
    ends: MinerEnds,
    params: Arc<AfterglowParams>,
    shared: Arc<MiningShared>,
    /// Which bank slots hold a pad, as far as this thread has sent.
    filled: [bool; NUM_BANK_SLOTS],
    /// Whether slot 0 holds the built-in texture.
    builtin_in_slot0: bool,
    /// The path and request number of the running session.
    session_path: String,
    session_request: u64,
    /// Why the session's last file without pads gave none (`engine::mining::why_no_pads`).
    no_pads_reason: String,
    /// Slots this session may fill (the bank size setting when it started).
    bank_size: usize,
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
            session_path: String::new(),
            session_request: 0,
            no_pads_reason: String::new(),
            bank_size: NUM_BANK_SLOTS,
        }
    }

    /// The thread's body: returns when the plugin asks it to stop.
    pub fn run(&mut self) {
        let mut last_path = String::new();
        let mut last_request = self.shared.mine_requests.load(Ordering::Acquire);
        while !self.shared.stop.load(Ordering::Acquire) {
            self.free_spent();
            let request = self.shared.mine_requests.load(Ordering::Acquire);
            let path_changed = !self.params.archive_path_is(&last_path);
            if path_changed || request != last_request {
                last_path = self.params.archive_path();
                last_request = request;
                self.session_path.clone_from(&last_path);
                self.session_request = request;
                self.shared.status.busy.store(true, Ordering::Release);
                // An interrupted session simply gives way to the next one.
                let _ = self.run_session();
                self.shared.status.busy.store(false, Ordering::Release);
                continue;
            }
            std::thread::sleep(POLL_INTERVAL);
        }
    }

    /// Free pads the audio thread sent back.
    fn free_spent(&mut self) {
        while let Ok(spent) = self.ends.from_audio.pop() {
            drop(spent);
        }
    }

    /// True when the session should end: the plugin is closing, or the path or request changed.
    fn check(&self) -> Result<(), Interrupted> {
        let stale = self.shared.stop.load(Ordering::Acquire)
            || self.shared.mine_requests.load(Ordering::Acquire) != self.session_request
            || !self.params.archive_path_is(&self.session_path);
        if stale { Err(Interrupted) } else { Ok(()) }
    }

    /// Push a message to the audio thread, waiting while the queue is full.
    fn send(&mut self, mut message: MinerToAudio) -> Result<(), Interrupted> {
        loop {
            match self.ends.to_audio.push(message) {
                Ok(()) => return Ok(()),
                Err(rtrb::PushError::Full(back)) => message = back,
            }
            self.free_spent();
            if self.shared.stop.load(Ordering::Acquire) {
                return Err(Interrupted);
            }
            std::thread::sleep(RETRY_INTERVAL);
        }
    }

    /// Send a newly mined pad into `slot`, count it and list it for the editor.
    fn send_pad(&mut self, slot: u16, mined: MinedPad) -> Result<(), Interrupted> {
        let MinedPad { pad, info } = mined;
        self.send(MinerToAudio::Insert { slot, pad })?;
        self.filled[usize::from(slot)] = true;
        if slot == 0 {
            self.builtin_in_slot0 = false;
        }
        let status = &self.shared.status;
        status.pads_mined.fetch_add(1, Ordering::AcqRel);
        status.update(|s| {
            if s.pads.len() < NUM_BANK_SLOTS {
                s.pads.resize(NUM_BANK_SLOTS, None);
            }
            s.pads[usize::from(slot)] = Some(info);
        });
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
        self.bank_size = self.params.bank_size();
        let shown_path = root.display().to_string();
        status.update(|s| {
            s.archive_path = shown_path;
            s.current_file.clear();
            s.last_error.clear();
            s.message = String::from("Looking for audio files");
        });

        if !root.is_dir() {
            let message = format!(
                "Archive folder not found: {} (playing the built-in texture)",
                root.display()
            );
            status.update(|s| {
                s.last_error.clone_from(&message);
                s.message = message;
            });
            return self.finish_session(0);
        }
        let files = list_audio_files(&root);
        status.files_total.store(files.len() as u32, Ordering::Release);
        if files.is_empty() {
            status.update(|s| s.message = String::from("No audio files in this folder (playing the built-in texture)"));
            return self.finish_session(0);
        }

        let mut next_slot: usize = 0;
        for (index, file) in files.iter().enumerate() {
            self.check()?;
            if next_slot >= self.bank_size {
                break;
            }
            let shown = file.display().to_string();
            let count = files.len();
            self.shared.status.update(|s| {
                s.current_file = shown;
                s.message = format!("Mining file {} of {count}", index + 1);
            });
            next_slot = self.mine_file(file, next_slot)?;
            self.shared.status.files_done.fetch_add(1, Ordering::AcqRel);
        }
        self.finish_session(next_slot)
    }

    /// Mine `file` into slots from `first_slot`; returns the next free slot. The session's first
    /// pad comes from the file's opening, before the rest is decoded.
    fn mine_file(&mut self, file: &Path, first_slot: usize) -> Result<usize, Interrupted> {
        let options = LoadOptions::default();
        let mut early = None;
        if first_slot == 0 {
            let early_decode = f64::from(EARLY_ANALYSIS_SEC + DECODE_MARGIN_SEC);
            match load_opening(file, early_decode, &options) {
                Ok(opening) if opening.is_whole_file => return self.mine_source(&opening, first_slot, None),
                Ok(opening) => early = self.send_early_pad(&opening.source)?,
                // The longer decode below says what is wrong.
                Err(_) => {}
            }
            self.check()?;
        }
        match load_opening(file, f64::from(MAX_MINED_SEC + DECODE_MARGIN_SEC), &options) {
            Ok(opening) => self.mine_source(&opening, first_slot, early),
            Err(error) => {
                let text = error.to_string();
                self.shared.status.update(|s| s.last_error = text);
                if early.is_some() {
                    // The file failed as a whole: its early pad no longer counts, and its slot
                    // goes to the next file's first pad (or back to the built-in texture).
                    self.shared.status.pads_mined.fetch_sub(1, Ordering::AcqRel);
                }
                Ok(first_slot)
            }
        }
    }

    /// Mine the first [`EARLY_ANALYSIS_SEC`] of `opening` for one pad and send it into slot 0;
    /// returns its region.
    fn send_early_pad(&mut self, opening: &SourceBuffer) -> Result<Option<Region>, Interrupted> {
        let mono = opening.mono();
        let early_len = mono.len().min((EARLY_ANALYSIS_SEC * opening.sample_rate_hz as f32) as usize);
        let analysis = analyze(&mono[..early_len], opening.sample_rate_hz, &AnalysisConfig::default());
        let miner_config = pad_miner_config();
        let Some(region) = find_pads(&analysis, &miner_config).into_iter().next() else {
            return Ok(None);
        };
        let Some(mined) = make_pad(opening, &region, 0, &miner_config.loop_config()) else {
            return Ok(None);
        };
        self.send_pad(0, mined)?;
        Ok(Some(region))
    }

    /// Mine `opening` (its first [`MAX_MINED_SEC`] when it is not the whole file) into slots
    /// from `first_slot`; returns the next free slot. `early` is the region of the pad already
    /// sent into `first_slot` from the file's first seconds.
    fn mine_source(&mut self, opening: &Opening, first_slot: usize, early: Option<Region>) -> Result<usize, Interrupted> {
        let source = &opening.source;
        let miner_config = pad_miner_config();
        let loop_config = miner_config.loop_config();
        let mut slot = first_slot;
        let mut sent: Vec<Region> = Vec::new();
        if let Some(early) = early {
            sent.push(early);
            slot += 1;
        }

        let mut mono = source.mono();
        if !opening.is_whole_file {
            mono.truncate((MAX_MINED_SEC * source.sample_rate_hz as f32) as usize);
        }
        let analysis = analyze(&mono, source.sample_rate_hz, &AnalysisConfig::default());
        self.check()?;
        let regions = find_pads(&analysis, &miner_config);
        if regions.is_empty() && sent.is_empty() {
            let name = source.provenance.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            self.no_pads_reason = format!("{name}: {}", why_no_pads(&analysis, &miner_config));
        }
        for region in regions {
            if slot >= self.bank_size {
                break;
            }
            if sent.iter().any(|r| r.overlap_ratio(&region) > MAX_OVERLAP_RATIO) {
                continue;
            }
            let Some(mined) = make_pad(source, &region, slot as u16, &loop_config) else {
                continue;
            };
            self.send_pad(slot as u16, mined)?;
            sent.push(region);
            slot += 1;
            self.check()?;
        }
        Ok(slot)
    }

    /// Empty the slots this session did not fill; with no pad at all, bring back the built-in.
    fn finish_session(&mut self, num_mined: usize) -> Result<(), Interrupted> {
        for slot in num_mined.max(1)..NUM_BANK_SLOTS {
            if self.filled[slot] {
                self.send(MinerToAudio::Remove { slot: slot as u16 })?;
                self.filled[slot] = false;
                self.shared.status.update(|s| {
                    if let Some(entry) = s.pads.get_mut(slot) {
                        *entry = None;
                    }
                });
            }
        }
        if num_mined == 0 && !self.builtin_in_slot0 {
            let pad = builtin_pad(engine::ENGINE_SAMPLE_RATE_HZ as f32);
            let info = builtin_info(&pad, 0);
            self.send_pad(0, MinedPad { pad, info })?;
            self.builtin_in_slot0 = true;
            self.shared.status.pads_mined.store(0, Ordering::Release);
        }
        let pads = self.shared.status.pads_mined.load(Ordering::Acquire);
        let errors_only = num_mined == 0;
        self.shared.status.update(|s| {
            s.current_file.clear();
            if !errors_only {
                s.message = format!("Done: {pads} pads");
            } else if s.last_error.is_empty() && !self.no_pads_reason.is_empty() {
                s.message = format!("No pads found ({}); playing the built-in texture", self.no_pads_reason);
            } else if s.last_error.is_empty() {
                s.message = String::from("No pads found (playing the built-in texture)");
            }
        });
        Ok(())
    }
}

/// The pad miner's settings for a live bank: longer pads than the exporter's defaults (the bank
/// holds up to [`super::MAX_PAD_SEC`]) and more of them per file. A file shorter than
/// [`EARLY_ANALYSIS_SEC`] yields its pads in the order `find_pads` gives with these settings.
pub fn pad_miner_config() -> PadMinerConfig {
    PadMinerConfig {
        target_durations_sec: vec![4.0, super::MAX_PAD_SEC],
        max_candidates_per_file: PADS_PER_FILE,
        ..PadMinerConfig::default()
    }
}

/// Audio files under `root`, sorted by path, walking at most [`MAX_WALK_DEPTH`] levels and not
/// following symbolic links (so a link loop cannot trap the walk).
pub fn list_audio_files(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![(root.to_path_buf(), 0usize)];
    while let Some((folder, depth)) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            if kind.is_dir() && depth < MAX_WALK_DEPTH {
                folders.push((path, depth + 1));
            } else if kind.is_file() && engine::source::is_supported(&path) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
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
        let files = list_audio_files(dir.path());
        let names: Vec<String> = files
            .iter()
            .map(|p| p.strip_prefix(dir.path()).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["a/b/x.FLAC", "a/y.mp3", "z.wav"]);
    }
}
