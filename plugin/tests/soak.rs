//! Ten minutes of audio through the real plugin in a CLAP host, with random sample-accurate
//! automation, notes, the pedal and archive changes while it plays: the output stays finite,
//! never goes subnormal, and memory stays bounded. (Runs under the allocation guard in test builds.)

mod common;

use common::{HostEvent, TestHost, state_with_archive_path};
use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg32;

const SAMPLE_RATE_HZ: f64 = 44_100.0;
const SOAK_SEC: usize = 600;
const CHUNK_SEC: usize = 10;

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

#[test]
fn ten_minutes_of_random_play_and_archive_changes() {
    let archives: Vec<tempfile::TempDir> = (0..2).map(|_| tempfile::tempdir().expect("temp dir")).collect();
    write_pad(&archives[0].path().join("a.wav"), 12, &[57.0, 60.0, 64.0], 1);
    write_pad(&archives[1].path().join("b.wav"), 12, &[50.0, 53.0, 57.0], 2);
    let mut host = TestHost::new();
    let params = host.params();
    host.activate(SAMPLE_RATE_HZ, 512);
    let mut rng = Pcg32::seed_from_u64(2026);
    let chunk = CHUNK_SEC * SAMPLE_RATE_HZ as usize;
    let mut rss_after_warmup = 0;
    let mut held: Vec<u16> = Vec::new();
    for index in 0..SOAK_SEC / CHUNK_SEC {
        if index % 12 == 3 {
            // Change the archive while playing (every two minutes), alternating folders.
            let folder = archives[(index / 12) % 2].path().display().to_string();
            let state = state_with_archive_path(&host.save_state(), &folder);
            host.deactivate();
            host.load_state(&state);
            host.activate(SAMPLE_RATE_HZ, 512);
        }
        let mut events = Vec::new();
        for _ in 0..40 {
            let frame = (rng.next_u32() as usize) % chunk;
            let param = &params[(rng.next_u32() as usize) % params.len()];
            let fraction = f64::from(rng.next_u32()) / f64::from(u32::MAX);
            let mut value = param.min_value + fraction * (param.max_value - param.min_value);
            if param.is_stepped {
                value = value.round();
            }
            events.push((frame, HostEvent::Param { id: param.id, value }));
        }
        for _ in 0..6 {
            let frame = (rng.next_u32() as usize) % chunk;
            if held.len() > 10 || (!held.is_empty() && rng.next_u32() % 2 == 0) {
                let key = held.remove((rng.next_u32() as usize) % held.len());
                events.push((frame, HostEvent::NoteOff { key }));
            } else {
                let key = 36 + (rng.next_u32() % 48) as u16;
                held.push(key);
                events.push((frame, HostEvent::NoteOn { key, velocity: 0.3 + 0.7 * f64::from(rng.next_u32() % 100) / 100.0 }));
            }
        }
        let pedal = if rng.next_u32() % 2 == 0 { 127 } else { 0 };
        events.push(((rng.next_u32() as usize) % chunk, HostEvent::Midi([0xB0, 64, pedal])));
        events.sort_by_key(|(frame, _)| *frame);
        let block = [1usize, 64, 512, 333][index % 4];
        let out = host.render(chunk, block, &events);
        for (ch, samples) in out.iter().enumerate() {
            for (i, &x) in samples.iter().enumerate() {
                assert!(x.is_finite() && x.abs() < 64.0, "chunk {index} channel {ch} frame {i}: {x}");
                assert!(x == 0.0 || x.abs() >= f32::MIN_POSITIVE, "chunk {index}: subnormal output {x:e}");
            }
        }
        if index == 5 {
            rss_after_warmup = resident_kib();
        }
    }
    let growth_kib = resident_kib().saturating_sub(rss_after_warmup);
    eprintln!("resident memory growth after warm-up: {growth_kib} KiB");
    assert!(growth_kib < 64 * 1024, "memory grew by {growth_kib} KiB over the soak");
}
