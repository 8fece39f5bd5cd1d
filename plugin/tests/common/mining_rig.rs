//! A plugin instance's mining thread with the audio side played by the test: a miner over a bank
//! that starts with the built-in texture in slot 0, as the plugin sets it up, the pads reaching the
//! bank through the real queues and inbox, and a catalogue of the test's own (never the user's).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use afterglow_plugin::audio::inbox::PadInbox;
use afterglow_plugin::mining::{Miner, MiningShared, publish_builtin};
use afterglow_plugin::params::AfterglowParams;
use afterglow_plugin::queues::pad_queues;
use engine::texture::{PadBank, builtin_pad};

/// The built-in pad's rate in the rig's bank.
const BUILTIN_RATE_HZ: f32 = 44_100.0;

pub struct MiningRig {
    pub params: Arc<AfterglowParams>,
    pub shared: Arc<MiningShared>,
    pub bank: PadBank,
    pub inbox: PadInbox,
    pub miner: Miner,
    /// The catalogue mining here writes to.
    _catalogue: tempfile::TempDir,
}

impl MiningRig {
    pub fn new() -> Self {
        let params = Arc::new(AfterglowParams::default());
        let shared = Arc::new(MiningShared::new());
        let catalogue = tempfile::tempdir().expect("temp dir");
        shared.archive.set_catalogue_path(Some(catalogue.path().join("catalogue.sqlite")));
        let (miner_ends, audio_ends) = pad_queues();
        let mut bank = PadBank::new();
        let builtin = builtin_pad(BUILTIN_RATE_HZ);
        publish_builtin(&shared.status, &builtin);
        bank.insert(0, builtin);
        let miner = Miner::spawn(miner_ends, params.clone(), shared.clone(), &[0]).expect("spawn miner");
        Self { params, shared, bank, inbox: PadInbox::new(audio_ends), miner, _catalogue: catalogue }
    }

    /// Play the audio thread until `done` holds or `timeout` passes; returns whether it held.
    pub fn pump_until(&mut self, timeout: Duration, mut done: impl FnMut(&Self) -> bool) -> bool {
        let started = Instant::now();
        while started.elapsed() < timeout {
            self.inbox.apply(&mut self.bank);
            if done(self) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        false
    }

    /// Whether the miner is idle.
    pub fn idle(&self) -> bool {
        !self.shared.status.busy.load(Ordering::Acquire)
    }
}
