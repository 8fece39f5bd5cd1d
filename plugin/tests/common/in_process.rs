//! The plugin's audio path ([`AudioPath`], the code `Afterglow::process` runs) with its mining
//! thread and pad queue, run in this process from the plugin's lib crate, for what the built plugin
//! in the host cannot show: the engine's limiter statistics. Only the host glue (nice-plug's
//! activation order, events) is repeated here; a test that reads its statistics first checks that
//! it played the very samples the CLAP instance played, bit for bit, so the figures describe what
//! the host heard.
//!
//! Why a copy in the test rather than the plugin publishing its limiter: the CLAP instance lives in
//! a library loaded with `dlopen`, whose engine the test process cannot reach; publishing would
//! need a new channel out of every shipped build (a parameter, a state field, an exported symbol,
//! a file), which is more invasive than this and would still need the test to trust it.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use afterglow_plugin::audio::path::AudioPath;
use afterglow_plugin::mining::{Miner, MiningShared};
use afterglow_plugin::params::AfterglowParams;
use afterglow_plugin::queues::pad_queues;
use engine::texture::builtin_pad;
use engine::voice::limiter::LimiterStats;
use nice_plug::midi::{Channel, Key, VoiceID};
use nice_plug::prelude::{NoteEvent, Params};

use super::HostEvent;

/// Longest wait for the saved pads to be rebuilt (the plugin's activation waits as long).
const RECALL_TIMEOUT: Duration = Duration::from_secs(60);

/// The plugin's audio path, activated and reset, in this process.
pub struct InProcessPlugin {
    pub params: Arc<AfterglowParams>,
    audio: AudioPath,
    // Last: dropping it stops the mining thread after the queue's other end is gone.
    _miner: Miner,
}

impl InProcessPlugin {
    /// A fresh instance with default parameters, activated at `sample_rate_hz` and reset.
    pub fn new(sample_rate_hz: f64) -> Self {
        Self::with_params(AfterglowParams::default(), sample_rate_hz)
    }

    /// As a new instance is after loading `state` (saved by the plugin in the host) and activating:
    /// the persisted fields (archive path, bank size, the bank by identity) restored and the saved
    /// bank rebuilt by the plugin's own mining thread. Parameters stay at their defaults (set them
    /// with [`Self::set_like_host`]); `state` must not hold others.
    pub fn from_state(state: &[u8], sample_rate_hz: f64) -> Self {
        let json: serde_json::Value = serde_json::from_slice(&state[8..]).expect("state is JSON");
        let fields: BTreeMap<String, String> = json["fields"]
            .as_object()
            .expect("state fields")
            .iter()
            .map(|(name, value)| (name.clone(), value.as_str().expect("a field is a JSON string").to_owned()))
            .collect();
        let params = AfterglowParams::default();
        params.deserialize_fields(&fields);
        Self::with_params(params, sample_rate_hz)
    }

    fn with_params(params: AfterglowParams, sample_rate_hz: f64) -> Self {
        let params = Arc::new(params);
        let (miner_ends, audio_ends) = pad_queues();
        let mut audio = AudioPath::new(audio_ends);
        // `Afterglow::ensure_sources`: the built-in texture in slot 0, then the mining thread.
        audio.fill_empty_bank(builtin_pad(engine::ENGINE_SAMPLE_RATE_HZ as f32));
        let miner = Miner::spawn(miner_ends, params.clone(), Arc::new(MiningShared::new()), &[0]).expect("start the mining thread");
        // `Afterglow::activate`, then `reset` as nice-plug calls it when processing starts.
        audio.activate(sample_rate_hz as f32);
        assert!(params.bank.wait_settled(RECALL_TIMEOUT), "the saved bank was not rebuilt in {RECALL_TIMEOUT:?}");
        audio.reset(&params);
        Self { params, audio, _miner: miner }
    }

    /// [`set_like_host`] on this plugin's parameters. Between blocks only.
    pub fn set_like_host(&self, name: &str, value: f64) {
        set_like_host(&self.params, name, value);
    }

    /// Play `num_frames` in blocks whose sizes come from `block_frames` in turn, with note events
    /// at frame offsets into this call, as `Afterglow::process` plays host blocks without a
    /// transport. Parameter events are not supported (set parameters between calls).
    pub fn play(&mut self, num_frames: usize, block_frames: &[usize], events: &[(usize, HostEvent)]) -> [Vec<f32>; 2] {
        let mut events = events.to_vec();
        events.sort_by_key(|(frame, _)| *frame);
        let (mut left, mut right) = (vec![0.0f32; num_frames], vec![0.0f32; num_frames]);
        let mut next_event = 0;
        let mut start = 0;
        let mut block_index = 0;
        while start < num_frames {
            let len = block_frames[block_index % block_frames.len()].min(num_frames - start);
            block_index += 1;
            let end = start + len;
            let mut block_events = Vec::new();
            while next_event < events.len() && events[next_event].0 < end {
                let (frame, event) = events[next_event];
                block_events.push(note_event((frame - start) as u32, event));
                next_event += 1;
            }
            self.process_block(&mut left[start..end], &mut right[start..end], &block_events);
            start = end;
        }
        [left, right]
    }

    /// `Afterglow::process` for one block (no transport).
    fn process_block(&mut self, left: &mut [f32], right: &mut [f32], events: &[NoteEvent<()>]) {
        let mut queue = events.iter().copied();
        self.audio.process_block(&self.params, &afterglow_plugin::audio::host_transport::HostTransport::none(), left, Some(right), || queue.next());
    }

    /// What the engine's safety limiter did since the reset.
    pub fn limiter_stats(&self) -> LimiterStats {
        self.audio.limiter_stats()
    }
}

/// Set `params` (the lib crate's own parameter object) as the CLAP wrapper does for a
/// `ParamValueEvent` of `value` on the parameter called `name`: the CLAP value divided by the
/// step count, as f32, is the normalised value.
pub fn set_like_host(params: &AfterglowParams, name: &str, value: f64) {
    let map = params.param_map();
    // SAFETY: the pointers come from `params`, which outlives this call.
    let ptr = map
        .iter()
        .map(|(_, ptr, _)| *ptr)
        .find(|ptr| unsafe { ptr.name() } == name)
        .unwrap_or_else(|| panic!("no parameter {name}"));
    // SAFETY: as above; this mirrors the wrapper's `update_plain_value_by_hash`.
    unsafe {
        let normalized = value as f32 / ptr.step_count().unwrap_or(1) as f32;
        ptr._internal_set_normalized_value(normalized);
    }
}

/// A host note event as nice-plug's CLAP wrapper hands it to the plugin.
fn note_event(timing: u32, event: HostEvent) -> NoteEvent<()> {
    match event {
        HostEvent::NoteOn { key, velocity } => NoteEvent::NoteOn {
            timing,
            voice_id: VoiceID::Wildcard,
            channel: Channel::Number(0),
            key: Key::Number(key as u8),
            velocity: velocity as f32,
        },
        HostEvent::NoteOff { key } => NoteEvent::NoteOff {
            timing,
            voice_id: VoiceID::Wildcard,
            channel: Channel::Number(0),
            key: Key::Number(key as u8),
            velocity: 0.0,
        },
        other => panic!("the in-process plugin takes notes only, not {other:?}"),
    }
}
