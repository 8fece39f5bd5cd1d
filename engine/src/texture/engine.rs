//! `TextureEngine`: the real-time granular cloud (after Mutable Instruments Clouds' grain engine) plus
//! the hiss voice, played from a `PadBank` by note voices or the hold voice. Both front ends drive it.
//!
//! Determinism: all control work (parameter latching and smoothing, envelopes, grain scheduling,
//! filter coefficients, hiss shaping) happens at ticks every `CONTROL_PERIOD_FRAMES` samples counted
//! from `reset`, never per `process` call; per-sample work only interpolates inside a tick. So output is
//! a pure function of the seed, the bank and the per-sample sequence of parameters and events, and the
//! same bit for bit whatever block sizes `process` is called with. Note events therefore take effect at
//! the next tick (at most 1.45 ms late at 44.1 kHz, 0.67 ms at 96 kHz).
//!
//! Rest: once nothing has sounded for [`REST_AFTER_MS`] (every voice idle, no grain, no hiss), the
//! engine is *at rest*: it stops ticking and nothing advances (no drift, no random draws, no
//! tremolo phase). The next sound (a note, or Hold switched on) restarts it from a clean state with
//! its control grid starting on that very sample and its random streams seeded from (seed, song
//! position) when the front end gives a song position ([`TextureEngine::set_song_position`]), else
//! from (seed, number of restarts since `reset`). So what a note sounds like never depends on how
//! long silence ran before it, and a passage rendered twice, or played from the same song position,
//! gives the same samples.
//!
//! Why 64 samples a tick: every grain is rendered once per tick, and at 32 samples the per-call
//! set-up was a third of the cost of 512 grains (55 ms of work per second of audio against 43 ms at
//! 64, `cargo bench -p afterglow-engine --bench texture`); parameter values still move every sample,
//! interpolated linearly across each tick.

mod modulate;
mod scan;
mod schedule;
mod sync;
pub(crate) mod view;

use super::controls::{ControlSmoothers, ControlValues};
use super::modulation::Modulation;
use super::param_table::{spec_of, ParamSpec, TextureParams};
use super::pad::PadBank;
use super::tempo_state::{ScanState, SyncState};
use super::transport::{BeatClock, Transport};
use crate::rt::{stream_seed, DenormalGuard, Ramp, RngStream, SmoothCurve, Smoother, WindowShape, WindowTables};
use crate::voice::grain::Grain;
use crate::voice::hiss::{HissControls, HissVoice};
use crate::voice::limiter::SafetyLimiter;
use crate::voice::note::{choose_voice, NoteVoice};
use crate::voice::pool::GrainPool;
use crate::voice::{Biquad, BiquadCoefs};

/// What `prepare` needs to size everything.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProcessSpec {
    pub sample_rate_hz: f32,
    /// Largest block `process` will be given (the engine works in ticks, so larger blocks still play).
    pub max_block_frames: usize,
}

/// Grain pool size.
pub const MAX_GRAINS: usize = 1024;
/// Note voices (the hold voice comes on top).
pub const MAX_VOICES: usize = 16;
/// Control tick length, samples, counted from `reset` (see the module docs for why 64).
pub const CONTROL_PERIOD_FRAMES: usize = 64;

const HOLD_VOICE: usize = MAX_VOICES;
const ORPHAN_BUS: usize = MAX_VOICES + 1;
const NUM_BUSES: usize = MAX_VOICES + 2;
const INV_TICK: f32 = 1.0 / CONTROL_PERIOD_FRAMES as f32;
/// Fade given to the grains of a stolen voice.
const STEAL_FADE_MS: f32 = 10.0;
/// Fade given to grains still reading a pad the bank replaced or removed (the bank keeps such a pad
/// readable for longer than this, see `PadBank::insert_fading`).
pub const RETIRE_FADE_MS: f32 = 5.0;
/// Release of voices silenced by all sound off (MIDI CC 120) or a choke event: 60 dB down in this.
const CHOKE_RELEASE_MS: f32 = 10.0;
/// Silence after which the engine comes to rest (see the module docs), milliseconds.
pub const REST_AFTER_MS: f32 = 100.0;
/// Ids mixed into the seed when the engine wakes from rest.
const WAKE_AT_POSITION: u64 = 0x736f_6e67;
const WAKE_BY_COUNT: u64 = 0x636f_756e;
/// Overlap below which the loudness normaliser stops boosting (at most +6 dB for sparse clouds).
const MIN_NORM_OVERLAP: f32 = 0.25;
const LOWPASS_Q: f32 = std::f32::consts::FRAC_1_SQRT_2;

/// The envelope times' table entries (not smoothed: cleaned and taken each control tick).
const ATTACK: ParamSpec = spec_of("attack_ms");
const RELEASE: ParamSpec = spec_of("release_ms");
const LOWPASS: ParamSpec = spec_of("lowpass_hz");
/// Lowest cutoff modulation may take the cloud's low-pass to, Hz.
const MIN_MODULATED_LOWPASS_HZ: f32 = 40.0;

const STREAM_SCHEDULE: u64 = 1;
pub(super) const STREAM_GRAIN: u64 = 2;
const STREAM_HISS: u64 = 3; // and 4

/// Settings latched once per tick that are not smoothed.
#[derive(Debug, Clone, Copy)]
struct Latched {
    window: WindowShape,
    freeze: bool,
    source_slot: Option<u16>,
    attack_samples: f32,
    release_samples: f32,
}

/// The texture engine. See the module docs for the determinism contract.
#[derive(Debug)]
pub struct TextureEngine {
    sample_rate_hz: f32,
    max_block_frames: usize,
    prepared: bool,
    seed: u64,
    windows: WindowTables,
    pool: GrainPool,
    voices: [NoteVoice; MAX_VOICES + 1],
    next_order: u64,
    /// Notes whose voices fell silent since [`Self::drain_ended_notes`] last ran (at most two per
    /// voice between drains; more are dropped).
    ended_notes: [u8; 2 * MAX_VOICES],
    num_ended_notes: usize,
    sustain_down: bool,
    hiss: HissVoice,
    rng_schedule: RngStream,
    rng_grain: RngStream,
    controls: ControlSmoothers,
    values: ControlValues,
    latched: Latched,
    norm: Smoother,
    cloud_gain: Ramp,
    output_gain: Ramp,
    lowpass: [Biquad; 2],
    applied_lowpass_hz: f32,
    /// 1 / sqrt(sum of the voices' squared gains), smoothed: more notes do not pile up loudness.
    voice_norm: Smoother,
    limiter: SafetyLimiter,
    /// At rest: nothing sounds and nothing advances until the next note or Hold.
    at_rest: bool,
    /// Control ticks in a row with nothing sounding.
    quiet_ticks: u32,
    /// Song position of the next sample, when the front end knows it.
    song_position: Option<i64>,
    /// Where the next sample lies in beats, and the tempo (see [`Transport`]).
    clock: BeatClock,
    /// Synced settings and where the current tick lies in beats.
    sync: SyncState,
    /// The read position's travel through the pad.
    scan: ScanState,
    /// Wakes from rest since `reset` (seeds the random streams when there is no song position).
    num_wakes: u64,
    /// How far the play head has drifted through the pads since `reset`, output samples.
    drift_samples: f64,
    /// Position inside the current tick, 0..CONTROL_PERIOD_FRAMES.
    tick_phase: usize,
    bus: [[[f32; CONTROL_PERIOD_FRAMES]; 2]; NUM_BUSES],
    /// Buses that may hold grains this tick, in mixing order (sounding voices, then the orphan bus).
    bus_list: [u8; NUM_BUSES],
    num_listed_buses: usize,
    hiss_buf: [[f32; CONTROL_PERIOD_FRAMES]; 2],
    /// LFOs, per-note expression and each voice's modulation this tick.
    modulation: Modulation<{ MAX_VOICES + 1 }>,
    /// MIDI channel of the note being started (`note_on_channel`), 0 otherwise.
    note_channel: u8,
}

impl Default for TextureEngine {
    fn default() -> Self {
        Self::new()
    }
}

impl TextureEngine {
    /// An unprepared engine (plays silence until `prepare`). Allocates nothing: every buffer is sized
    /// in `prepare`.
    pub fn new() -> Self {
        let sample_rate_hz = 44_100.0;
        let tick_rate_hz = sample_rate_hz / CONTROL_PERIOD_FRAMES as f32;
        Self {
            sample_rate_hz,
            max_block_frames: 0,
            prepared: false,
            seed: 0,
            windows: WindowTables::default(),
            pool: GrainPool::default(),
            voices: [NoteVoice::default(); MAX_VOICES + 1],
            next_order: 0,
            ended_notes: [0; 2 * MAX_VOICES],
            num_ended_notes: 0,
            sustain_down: false,
            hiss: HissVoice::new(0, STREAM_HISS),
            rng_schedule: RngStream::new(0, STREAM_SCHEDULE),
            rng_grain: RngStream::new(0, STREAM_GRAIN),
            controls: ControlSmoothers::new(tick_rate_hz),
            values: ControlValues::default(),
            latched: Latched { window: WindowShape::Hann, freeze: false, source_slot: None, attack_samples: 1.0, release_samples: 1.0 },
            norm: Smoother::new(SmoothCurve::Exponential, 50.0, tick_rate_hz),
            cloud_gain: Ramp::default(),
            output_gain: Ramp::default(),
            lowpass: [Biquad::default(); 2],
            applied_lowpass_hz: f32::NAN,
            voice_norm: Smoother::new(SmoothCurve::Exponential, 50.0, tick_rate_hz),
            limiter: SafetyLimiter::new(sample_rate_hz),
            at_rest: true,
            quiet_ticks: 0,
            song_position: None,
            clock: BeatClock::default(),
            sync: SyncState::default(),
            scan: ScanState::default(),
            num_wakes: 0,
            drift_samples: 0.0,
            tick_phase: 0,
            bus: [[[0.0; CONTROL_PERIOD_FRAMES]; 2]; NUM_BUSES],
            bus_list: [0; NUM_BUSES],
            num_listed_buses: 0,
            hiss_buf: [[0.0; CONTROL_PERIOD_FRAMES]; 2],
            modulation: Modulation::default(),
            note_channel: 0,
        }
    }

    /// Sizes everything for `spec` and resets with the last seed. Not realtime-safe: allocates (the only
    /// method that does).
    pub fn prepare(&mut self, spec: ProcessSpec) {
        let sr = spec.sample_rate_hz;
        self.sample_rate_hz = if sr.is_finite() && sr >= 1000.0 { sr } else { 44_100.0 };
        self.max_block_frames = spec.max_block_frames;
        let tick_rate_hz = self.sample_rate_hz / CONTROL_PERIOD_FRAMES as f32;
        self.controls = ControlSmoothers::new(tick_rate_hz);
        self.norm = Smoother::new(SmoothCurve::Exponential, 50.0, tick_rate_hz);
        self.voice_norm = Smoother::new(SmoothCurve::Exponential, 50.0, tick_rate_hz);
        self.limiter = SafetyLimiter::new(self.sample_rate_hz);
        self.windows = WindowTables::new();
        let template = Grain {
            octave: 0,
            bus: 0,
            slot: 0,
            pad_id: 0,
            pad_frames: 1,
            pos_fixed: 0,
            step_fixed: 0,
            delay_samples: 0,
            age_samples: 0,
            len_samples: 0,
            window_step: 0,
            window: WindowShape::Hann,
            mix: [0.0; 4],
            amp: 0.0,
            amp_step: 0.0,
        };
        self.pool = GrainPool::with_capacity(MAX_GRAINS, template);
        self.prepared = true;
        self.reset(self.seed);
    }

    /// Clears grains, voices, pedal, filters and smoothers, forgets the song position and puts the
    /// engine at rest with `seed` as its seed. Realtime-safe.
    pub fn reset(&mut self, seed: u64) {
        self.seed = seed;
        self.sustain_down = false;
        self.num_wakes = 0;
        self.song_position = None;
        self.clock.reset();
        self.limiter.reset();
        self.modulation.reset();
        self.num_ended_notes = 0;
        self.restart(seed);
    }

    /// Everything but the seed, the pedal and the song position back to a clean state at rest,
    /// with the random streams seeded from `streams_seed`. Realtime-safe.
    fn restart(&mut self, streams_seed: u64) {
        self.pool.clear();
        self.voices = [NoteVoice::default(); MAX_VOICES + 1];
        self.next_order = 0;
        self.hiss = HissVoice::new(streams_seed, STREAM_HISS);
        self.rng_schedule = RngStream::new(streams_seed, STREAM_SCHEDULE);
        self.rng_grain = RngStream::new(streams_seed, STREAM_GRAIN);
        self.controls.reset();
        self.norm.reset();
        self.voice_norm.reset();
        self.limiter.rest();
        self.cloud_gain = Ramp::default();
        self.output_gain = Ramp::default();
        self.lowpass = [Biquad::default(); 2];
        self.applied_lowpass_hz = f32::NAN;
        self.drift_samples = 0.0;
        self.sync = SyncState::default();
        self.scan = ScanState::default();
        self.tick_phase = 0;
        self.num_listed_buses = 0;
        self.modulation.restart();
        self.at_rest = true;
        self.quiet_ticks = 0;
    }

    /// Leaves rest: a clean restart whose control grid starts on the current sample and whose random
    /// streams come from (seed, song position), or (seed, wakes so far) without one. Realtime-safe.
    fn wake(&mut self) {
        let streams_seed = match self.song_position {
            Some(position) => stream_seed(self.seed, &[WAKE_AT_POSITION, position as u64]),
            None => stream_seed(self.seed, &[WAKE_BY_COUNT, self.num_wakes]),
        };
        self.num_wakes += 1;
        self.restart(streams_seed);
        // Without a song position the synced grid starts on this sound's first sample.
        self.clock.restart_free();
        self.at_rest = false;
    }

    /// New random streams from `seed` without touching anything that sounds (grains, voices,
    /// envelopes, filters, the hiss), so changing the seed never cuts the sound. Later wakes from
    /// rest use it too. Realtime-safe.
    pub fn reseed(&mut self, seed: u64) {
        self.seed = seed;
        self.rng_schedule = RngStream::new(seed, STREAM_SCHEDULE);
        self.rng_grain = RngStream::new(seed, STREAM_GRAIN);
        self.hiss.reseed(seed, STREAM_HISS);
    }

    /// The song position (samples since the song's start) of the next sample `process` renders, or
    /// `None` when the host gives none (transport stopped). Only read when the engine wakes from rest.
    /// Realtime-safe.
    pub fn set_song_position(&mut self, position_samples: Option<i64>) {
        self.song_position = position_samples;
    }

    /// The host's tempo and song position at the next sample `process` renders (see
    /// [`Transport`]); give it before every sub-block. Without one the engine runs free at
    /// 120 BPM. Realtime-safe.
    pub fn set_transport(&mut self, transport: &Transport) {
        self.clock.follow(transport);
    }

    /// Adds `bus` to the mixing list unless it is there. Realtime-safe.
    fn list_bus(&mut self, bus: usize) {
        if !self.bus_list[..self.num_listed_buses].contains(&(bus as u8)) && self.num_listed_buses < NUM_BUSES {
            self.bus_list[self.num_listed_buses] = bus as u8;
            self.num_listed_buses += 1;
        }
    }

    /// Starts a note (velocity 0..1; 0 means note-off). Retriggers the note's voice if it still sounds,
    /// else takes an idle voice, else steals (oldest released first, then oldest) and fades the stolen
    /// voice's grains out over 10 ms. Realtime-safe.
    pub fn note_on(&mut self, note: u8, velocity: f32) {
        let velocity = if velocity.is_finite() { velocity.clamp(0.0, 1.0) } else { 0.0 };
        if velocity == 0.0 {
            self.note_off(note);
            return;
        }
        if self.at_rest {
            self.wake();
        }
        self.next_order += 1;
        let mut stole = false;
        let notes = &mut self.voices[..MAX_VOICES];
        let index = match notes.iter().position(|v| v.note == Some(note) && !v.is_idle()) {
            Some(i) => i,
            None => {
                // The slice has MAX_VOICES > 0 voices, so a voice is always found.
                let Some(i) = choose_voice(notes) else { return };
                if !notes[i].is_idle() {
                    let gain = notes[i].gain.to;
                    let fade_samples = (STEAL_FADE_MS * 0.001 * self.sample_rate_hz).max(1.0);
                    let bus = i as u16;
                    self.pool.for_each_active(|g| {
                        if g.bus == bus {
                            g.bus = ORPHAN_BUS as u16;
                            g.amp *= gain;
                            g.amp_step = -g.amp / fade_samples;
                        }
                    });
                    if let Some(stolen) = notes[i].note {
                        push_ended(&mut self.ended_notes, &mut self.num_ended_notes, stolen);
                    }
                    notes[i].kill();
                    stole = true;
                }
                i
            }
        };
        notes[index].start(Some(note), velocity, self.next_order);
        self.modulation.start_voice(index, self.note_channel, self.next_order);
        if stole {
            self.list_bus(ORPHAN_BUS);
        }
    }

    /// Releases the note (or marks it sustained while the pedal is down). Realtime-safe.
    pub fn note_off(&mut self, note: u8) {
        let sustain = self.sustain_down;
        for v in self.voices[..MAX_VOICES].iter_mut().filter(|v| v.note == Some(note) && v.is_gated()) {
            if sustain {
                v.sustained = true;
            } else {
                v.release();
            }
        }
    }

    /// Sustain pedal: while down, note-offs are held; lifting it releases the held notes. Realtime-safe.
    pub fn set_sustain(&mut self, down: bool) {
        self.sustain_down = down;
        if !down {
            for v in self.voices[..MAX_VOICES].iter_mut().filter(|v| v.sustained) {
                v.release();
            }
        }
    }

    /// Releases every note voice and the pedal (the hold voice follows the `hold` parameter).
    /// Realtime-safe.
    pub fn all_notes_off(&mut self) {
        self.sustain_down = false;
        self.voices[..MAX_VOICES].iter_mut().for_each(NoteVoice::release);
    }

    /// All sound off: every voice, the hold voice included, fades to silence within
    /// `CHOKE_RELEASE_MS` whatever the release setting, and the pedal lifts. While Hold stays on,
    /// the hold voice starts again on the next tick. Realtime-safe.
    pub fn all_sound_off(&mut self) {
        self.sustain_down = false;
        let release = CHOKE_RELEASE_MS * 0.001 * self.sample_rate_hz;
        self.voices.iter_mut().for_each(|v| v.choke(release));
    }

    /// Chokes `note`: its voice fades to silence within `CHOKE_RELEASE_MS`, pedal or not.
    /// Realtime-safe.
    pub fn choke_note(&mut self, note: u8) {
        let release = CHOKE_RELEASE_MS * 0.001 * self.sample_rate_hz;
        self.voices[..MAX_VOICES].iter_mut().filter(|v| v.note == Some(note)).for_each(|v| v.choke(release));
    }

    /// Renders clouds (+ hiss) from `bank` into `left`/`right` (processes the common length; any
    /// extra frames of the longer one are zeroed). Parameters are smoothed internally towards `params`.
    /// Silence before `prepare`. Realtime-safe.
    pub fn process(&mut self, params: &TextureParams, bank: &PadBank, left: &mut [f32], right: &mut [f32]) {
        let n = left.len().min(right.len());
        left[n..].fill(0.0);
        right[n..].fill(0.0);
        if !self.prepared {
            left.fill(0.0);
            right.fill(0.0);
            return;
        }
        let _denormals = DenormalGuard::new();
        if self.at_rest && params.hold {
            self.wake();
        }
        let mut done = 0;
        while done < n {
            if self.tick_phase == 0 {
                self.control_tick(params, bank);
            }
            if self.at_rest {
                left[done..n].fill(0.0);
                right[done..n].fill(0.0);
                self.clock.advance((n - done) as f64, self.sample_rate_hz);
                break;
            }
            let len = (CONTROL_PERIOD_FRAMES - self.tick_phase).min(n - done);
            self.render(bank, self.tick_phase, &mut left[done..done + len], &mut right[done..done + len]);
            self.clock.advance(len as f64, self.sample_rate_hz);
            self.tick_phase = (self.tick_phase + len) % CONTROL_PERIOD_FRAMES;
            done += len;
        }
    }

    /// Control work for the tick starting now; comes to rest instead when nothing has sounded for
    /// [`REST_AFTER_MS`].
    fn control_tick(&mut self, params: &TextureParams, bank: &PadBank) {
        let sr = self.sample_rate_hz;
        let quiet = !params.hold
            && self.voices.iter().all(NoteVoice::is_idle)
            && self.hiss.is_silent()
            && !self.pool.active().any(|g| g.is_alive());
        self.quiet_ticks = if quiet { self.quiet_ticks.saturating_add(1) } else { 0 };
        if self.quiet_ticks as f32 * CONTROL_PERIOD_FRAMES as f32 >= REST_AFTER_MS * 0.001 * sr {
            self.restart(self.seed);
            return;
        }
        let v = self.controls.tick(params);
        self.values = v;
        self.latched = Latched {
            window: params.window,
            freeze: params.freeze,
            source_slot: params.source_slot,
            attack_samples: ATTACK.clean(params.attack_ms) * 0.001 * sr,
            release_samples: RELEASE.clean(params.release_ms) * 0.001 * sr,
        };
        self.sync_tick(params);
        self.scan_tick(params);

        // Hold voice follows the parameter.
        let hold = &mut self.voices[HOLD_VOICE];
        if params.hold && !hold.is_gated() {
            self.next_order += 1;
            hold.start(None, 1.0, self.next_order);
            self.modulation.start_voice(HOLD_VOICE, 0, self.next_order);
        } else if !params.hold && hold.is_gated() {
            hold.release();
        }

        let tick = CONTROL_PERIOD_FRAMES as f32;
        let mut gate = 0.0f32;
        let mut voice_power = 0.0f32;
        for voice in &mut self.voices {
            let sounded = !voice.is_idle();
            voice.tick(tick, self.latched.attack_samples, self.latched.release_samples);
            gate = gate.max(voice.gain.to);
            voice_power += voice.gain.to * voice.gain.to;
            if let (true, true, Some(note)) = (sounded, voice.is_idle(), voice.note) {
                push_ended(&mut self.ended_notes, &mut self.num_ended_notes, note);
            }
        }

        // Grains of voices that went idle are silent: end them, then recycle finished grains.
        let voices = &self.voices;
        let mut orphans = false;
        self.pool.for_each_active(|g| {
            if usize::from(g.bus) < voices.len() && voices[usize::from(g.bus)].is_idle() {
                g.age_samples = g.len_samples;
            }
            orphans |= usize::from(g.bus) == ORPHAN_BUS && g.is_alive();
        });
        self.pool.collect_finished();
        self.num_listed_buses = 0;
        for b in 0..self.voices.len() {
            if !self.voices[b].is_idle() {
                self.list_bus(b);
            }
        }
        if orphans {
            self.list_bus(ORPHAN_BUS);
        }

        // Loudness normalisation: about 1 / sqrt(expected overlapping grains x window mean square).
        let overlap = self.grain_rate_hz() * v.grain_size_ms * 0.001;
        let norm_target = 1.0 / (overlap.max(MIN_NORM_OVERLAP) * self.windows.mean_square(self.latched.window)).sqrt();
        self.norm.set_target(norm_target);
        let norm = self.norm.next_tick();
        // Voices add up like uncorrelated sources: hold their sum's loudness at one full voice's.
        self.voice_norm.set_target(1.0 / voice_power.max(1.0).sqrt());
        let voice_norm = self.voice_norm.next_tick();
        self.cloud_gain.advance(norm * voice_norm * v.cloud_gain);
        self.output_gain.advance(v.output_gain);

        let lowpass_factor = self.modulation_tick(params);
        let lowpass_hz = if lowpass_factor == 1.0 { v.lowpass_hz } else { (v.lowpass_hz * lowpass_factor).clamp(MIN_MODULATED_LOWPASS_HZ, LOWPASS.max) };
        if lowpass_hz != self.applied_lowpass_hz {
            let coefs = BiquadCoefs::lowpass(lowpass_hz, LOWPASS_Q, sr);
            self.lowpass[0].coefs = coefs;
            self.lowpass[1].coefs = coefs;
            self.applied_lowpass_hz = lowpass_hz;
        }

        let hiss = HissControls {
            tone_hz: v.hiss_tone_hz,
            tremolo_rate_hz: v.tremolo_rate_hz,
            tremolo_phase: self.synced_tremolo_phase(),
            tremolo_depth: v.tremolo_depth,
            flicker_amount: v.flicker_amount,
            level: v.hiss_gain * gate,
        };
        self.hiss.tick(&hiss, tick, sr);

        if !self.latched.freeze {
            self.drift_samples += CONTROL_PERIOD_FRAMES as f64;
        }
        self.schedule_grains(bank);
    }

    /// Renders samples `k0..k0 + left.len()` of the current tick.
    fn render(&mut self, bank: &PadBank, k0: usize, left: &mut [f32], right: &mut [f32]) {
        let n = left.len();
        let k1 = k0 + n;
        let listed = &self.bus_list[..self.num_listed_buses];
        for &b in listed {
            let [bl, br] = &mut self.bus[usize::from(b)];
            bl[k0..k1].fill(0.0);
            br[k0..k1].fill(0.0);
        }
        let retire_fade_samples = (RETIRE_FADE_MS * 0.001 * self.sample_rate_hz).max(1.0);
        let Self { pool, bus, windows, .. } = self;
        pool.for_each_active(|g| {
            let octave = usize::from(g.octave);
            let fits = |p: &&crate::texture::Pad| p.id() == g.pad_id && p.octave_frames(octave) == g.pad_frames;
            let pad = match bank.get(usize::from(g.slot)).filter(fits) {
                Some(pad) => Some(pad),
                // The pad was replaced or removed but is still retiring: the grain fades out.
                None => bank.retiring(g.pad_id).filter(fits).inspect(|_| {
                    if g.amp_step >= 0.0 {
                        g.amp_step = -g.amp / retire_fade_samples;
                    }
                }),
            };
            match pad {
                Some(pad) => {
                    let [bl, br] = &mut bus[usize::from(g.bus).min(NUM_BUSES - 1)];
                    let table = windows.table(g.window);
                    g.render(pad.guarded_octave(octave, 0), pad.guarded_octave(octave, 1), table, &mut bl[k0..k1], &mut br[k0..k1]);
                }
                // The pad is gone: the grain ends (its reader would be stale).
                None => g.age_samples = g.len_samples,
            }
        });

        let [hl, hr] = &mut self.hiss_buf;
        hl[k0..k1].fill(0.0);
        hr[k0..k1].fill(0.0);
        self.hiss.render(k0, INV_TICK, &mut hl[k0..k1], &mut hr[k0..k1]);

        for (j, (ol, or)) in left.iter_mut().zip(right.iter_mut()).enumerate() {
            let k = k0 + j;
            let (mut l, mut r) = (0.0f32, 0.0f32);
            for &b in &self.bus_list[..self.num_listed_buses] {
                let b = usize::from(b);
                let g = if b == ORPHAN_BUS { 1.0 } else { self.voices[b].gain.at(k, INV_TICK) };
                l += self.bus[b][0][k] * g;
                r += self.bus[b][1][k] * g;
            }
            let cloud = self.cloud_gain.at(k, INV_TICK);
            let mut yl = self.lowpass[0].process_sample(l * cloud);
            let mut yr = self.lowpass[1].process_sample(r * cloud);
            if !(yl.is_finite() && yr.is_finite()) {
                self.lowpass[0].reset();
                self.lowpass[1].reset();
                yl = 0.0;
                yr = 0.0;
            }
            let out = self.output_gain.at(k, INV_TICK);
            (*ol, *or) = self.limiter.process((yl + self.hiss_buf[0][k]) * out, (yr + self.hiss_buf[1][k]) * out);
        }
    }
}

/// Records that `note`'s voice ended, unless the list is full. Realtime-safe.
fn push_ended(ended: &mut [u8], num_ended: &mut usize, note: u8) {
    if let Some(slot) = ended.get_mut(*num_ended) {
        *slot = note;
        *num_ended += 1;
    }
}
