//! Ten minutes of audio through the real plugin in a CLAP host, in ONE session as a DAW runs it
//! (one activation, one processing run, no reset): two notes held from the first block to the
//! last, other notes and the pedal coming and going, random sample-accurate automation landing
//! inside host blocks of random sizes (runs of single frames included), and archive changes loaded
//! as state while it plays. The output stays finite, never goes subnormal, never passes the
//! limiter's ceiling, has sound in every second (the held notes survive every block boundary), and
//! memory stays bounded. Test builds run the plugin under nice-plug's allocation guard, so an
//! allocation inside `process()` aborts the run.

mod common;

use common::{HostEvent, HostParam, TestHost, state_with_archive_path};
use engine::voice::limiter::LIMITER_CEILING_DBFS;
use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg32;

const SAMPLE_RATE_HZ: f64 = 44_100.0;
const SOAK_SEC: usize = 600;
const CHUNK_SEC: usize = 10;
/// Largest host block; each block's size is drawn from 1..=this.
const MAX_BLOCK_FRAMES: usize = 1024;
/// Held from the first frame to the last.
const HELD_KEYS: [u16; 2] = [45, 57];

fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}

fn write_pad(path: &std::path::Path, seconds: usize, notes: &[f64], seed: u64) {
    // The pad peaks well inside -1..1, so the writer's clamp leaves every sample as before.
    let pad = fixtures::chord_pad(notes, 0.4, seconds * 44_100, 44_100, seed);
    fixtures::wav::write_wav(path, &[pad], 44_100, fixtures::wav::WavFormat::PCM16);
}

/// Uniform in 0..1.
fn unit(rng: &mut Pcg32) -> f64 {
    f64::from(rng.next_u32()) / 4_294_967_296.0
}

/// Uniform in 0..n.
fn below(rng: &mut Pcg32, n: usize) -> usize {
    (rng.next_u32() as usize) % n.max(1)
}

#[test]
fn ten_minutes_in_one_session_keep_held_notes_sounding_through_random_blocks_automation_and_archive_changes() {
    let archives: Vec<tempfile::TempDir> = (0..2).map(|_| tempfile::tempdir().expect("temp dir")).collect();
    write_pad(&archives[0].path().join("a.wav"), 12, &[57.0, 60.0, 64.0], 1);
    write_pad(&archives[1].path().join("b.wav"), 12, &[50.0, 53.0, 57.0], 2);
    let mut host = TestHost::new();
    // Hold would sound without notes and hide a dropped one: it stays off.
    let params: Vec<HostParam> = host.params().into_iter().filter(|p| p.name != "Hold").collect();
    let mut session = host.session(SAMPLE_RATE_HZ, MAX_BLOCK_FRAMES as u32);
    let mut rng = Pcg32::seed_from_u64(2026);
    let chunk = CHUNK_SEC * SAMPLE_RATE_HZ as usize;
    let second = SAMPLE_RATE_HZ as usize;
    let ceiling = 10f32.powf(LIMITER_CEILING_DBFS / 20.0) * (1.0 + 1e-6);
    let mut rss_after_warmup = 0;
    // Keys pressed besides the held ones (never one of those).
    let mut pressed: Vec<u16> = Vec::new();
    let mut num_blocks = 0usize;
    let mut quietest = f64::INFINITY;
    for index in 0..SOAK_SEC / CHUNK_SEC {
        if index % 12 == 3 {
            // Change the archive while playing (every two minutes), alternating folders: the host
            // loads the state on its main thread between two blocks, processing goes on.
            let folder = archives[(index / 12) % 2].path().display().to_string();
            let state = state_with_archive_path(&session.save_state(), &folder);
            session.load_state(&state);
        }
        let mut events = Vec::new();
        if index == 0 {
            events.extend(HELD_KEYS.iter().map(|&key| (0, HostEvent::NoteOn { key, velocity: 0.7 })));
        }
        for _ in 0..40 {
            let param = &params[below(&mut rng, params.len())];
            events.push((below(&mut rng, chunk), HostEvent::Param { id: param.id, value: param.audible_value(unit(&mut rng)) }));
        }
        for _ in 0..6 {
            let frame = below(&mut rng, chunk);
            if pressed.len() > 10 || (!pressed.is_empty() && rng.next_u32() % 2 == 0) {
                let key = pressed.remove(below(&mut rng, pressed.len()));
                events.push((frame, HostEvent::NoteOff { key }));
            } else {
                let key = 60 + below(&mut rng, 36) as u16;
                if !pressed.contains(&key) {
                    pressed.push(key);
                    events.push((frame, HostEvent::NoteOn { key, velocity: 0.3 + 0.7 * unit(&mut rng) }));
                }
            }
        }
        let pedal = if rng.next_u32() % 2 == 0 { 127 } else { 0 };
        events.push((below(&mut rng, chunk), HostEvent::Midi([0xB0, 64, pedal])));
        // Random block sizes, a new list each chunk; in one chunk in six, seven blocks in eight are
        // single frames.
        let blocks: Vec<usize> = if index % 6 == 5 {
            vec![1, 1, 1, 1, 1, 1, 1, 1 + below(&mut rng, MAX_BLOCK_FRAMES)]
        } else {
            (0..97).map(|_| 1 + below(&mut rng, MAX_BLOCK_FRAMES)).collect()
        };
        let (mut filled, mut next) = (0, 0);
        while filled < chunk {
            filled += blocks[next % blocks.len()];
            next += 1;
        }
        num_blocks += next;
        let out = session.play(chunk, &blocks, &events);
        for (ch, samples) in out.iter().enumerate() {
            for (i, &x) in samples.iter().enumerate() {
                assert!(x.is_finite() && x.abs() <= ceiling, "chunk {index} channel {ch} frame {i}: {x}");
                assert!(x == 0.0 || x.abs() >= f32::MIN_POSITIVE, "chunk {index}: subnormal output {x:e}");
            }
        }
        for (s, part) in out[0].chunks(second).enumerate() {
            let level = (part.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>() / part.len() as f64).sqrt();
            assert!(level > 1e-5, "second {} of the soak is silent (rms {level:e}): the held notes were dropped", index * CHUNK_SEC + s);
            quietest = quietest.min(level);
        }
        if index == 5 {
            rss_after_warmup = resident_kib();
        }
    }
    assert_eq!(session.frames_played(), (SOAK_SEC * SAMPLE_RATE_HZ as usize) as u64);
    let growth_kib = resident_kib().saturating_sub(rss_after_warmup);
    eprintln!("one session, {SOAK_SEC} s in {num_blocks} host blocks; quietest second {:.1} dBFS RMS; resident memory growth after warm-up: {growth_kib} KiB", 20.0 * quietest.log10());
    assert!(growth_kib < 64 * 1024, "memory grew by {growth_kib} KiB over the soak");
}
