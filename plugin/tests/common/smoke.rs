//! Scenarios the Windows smoke tests play both here (Linux, in the test process) and under Wine
//! (`plugin/examples/smoke_host.rs`, the same code cross-built), so the two systems' results can be
//! compared number for number.

use std::time::{Duration, Instant};

use super::{HostEvent, TestHost, archive_path_in_state, bank_in_state, rms, state_with_archive_path};

pub const SAMPLE_RATE_HZ: f64 = 48_000.0;
const CHORD: [u16; 4] = [48, 55, 60, 64];

/// Two seconds of a held chord on the built-in texture, 512-frame blocks, released at 1.5 s.
pub fn held_chord() -> [Vec<f32>; 2] {
    let mut host = TestHost::new();
    host.activate(SAMPLE_RATE_HZ, 512);
    let mut events: Vec<(usize, HostEvent)> = CHORD.iter().map(|&key| (0, HostEvent::NoteOn { key, velocity: 0.8 })).collect();
    events.extend(CHORD.iter().map(|&key| (72_000, HostEvent::NoteOff { key })));
    host.render(96_000, 512, &events)
}

/// What mining a folder through the plugin's state gave.
pub struct Mined {
    /// Seconds from the state load until slot 2 sounded, `None` when it never did.
    pub seconds_to_sound: Option<f64>,
    /// RMS of the block that first sounded.
    pub rms: f64,
    /// The archive path the plugin saves afterwards.
    pub saved_path: String,
    /// The whole saved state.
    pub state: Vec<u8>,
}

/// Restores a state whose archive is `folder` (as the system writes paths) in a playing session,
/// waits up to 60 s for the mined pads to sound in slot 2, then for the bank to be recorded for
/// the project (when mining is done).
pub fn mine_folder(folder: &str) -> Mined {
    let mut host = TestHost::new();
    let source_id = host.param_id("Source");
    let hold_id = host.param_id("Hold");
    let mut session = host.session(SAMPLE_RATE_HZ, 512);
    let setup = [(0, HostEvent::Param { id: source_id, value: 2.0 }), (0, HostEvent::Param { id: hold_id, value: 1.0 })];
    session.play(9_600, &[512], &setup);
    let state = state_with_archive_path(&session.save_state(), folder);
    session.load_state(&state);
    let started = Instant::now();
    let (mut seconds_to_sound, mut loudness) = (None, 0.0);
    while started.elapsed() < Duration::from_secs(60) {
        let out = session.play(24_000, &[512], &[]);
        loudness = rms(&out);
        if loudness > 1e-3 {
            seconds_to_sound = Some(started.elapsed().as_secs_f64());
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut state = session.save_state();
    while seconds_to_sound.is_some() && bank_in_state(&state).is_empty() && started.elapsed() < Duration::from_secs(60) {
        session.play(24_000, &[512], &[]);
        state = session.save_state();
    }
    Mined { seconds_to_sound, rms: loudness, saved_path: archive_path_in_state(&state), state }
}
