//! How soon the first mined pad reaches the audio thread after the musician chooses a folder
//! whose first file is a five-minute 48 kHz stereo take (the target: within a second).
//! Each iteration spawns the real mining thread over the real queues, points it at the folder
//! and times until a mined pad sits in the bank's slot 0.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use afterglow_plugin::audio::inbox::PadInbox;
use afterglow_plugin::mining::{Miner, MiningShared};
use afterglow_plugin::queues::pad_queues;
use afterglow_plugin::params::AfterglowParams;
use criterion::{Criterion, criterion_group, criterion_main};
use engine::texture::{BUILTIN_PAD_ID, PadBank, builtin_pad};
use fixtures::encode::{SampleEncoding, wav_bytes};

const RATE_HZ: u32 = 48_000;
const SECONDS: usize = 300;

fn write_take(path: &Path) {
    let num_frames = SECONDS * RATE_HZ as usize;
    let left = fixtures::chord_pad(&[57.0, 60.0, 64.0], 0.3, num_frames, RATE_HZ, 1);
    let right = fixtures::chord_pad(&[57.0, 60.0, 64.0, 69.0], 0.3, num_frames, RATE_HZ, 2);
    std::fs::write(path, wav_bytes(&[left, right], RATE_HZ, SampleEncoding::Pcm24, false, None)).expect("write take");
}

/// Seconds from choosing `folder` until slot 0 holds a mined pad.
fn time_to_first_pad(folder: &Path) -> Duration {
    let params = Arc::new(AfterglowParams::default());
    let shared = Arc::new(MiningShared::new());
    let (miner_ends, audio_ends) = pad_queues();
    let mut bank = PadBank::new();
    bank.insert(0, builtin_pad(RATE_HZ as f32));
    let mut inbox = PadInbox::new(audio_ends);
    let miner = Miner::spawn(miner_ends, params.clone(), shared.clone(), &[0]).expect("spawn miner");

    let chose = Instant::now();
    params.set_archive_path(&folder.display().to_string());
    shared.request_mine();
    while bank.get(0).is_none_or(|pad| pad.id() == BUILTIN_PAD_ID) {
        assert!(chose.elapsed() < Duration::from_secs(60), "no pad within a minute");
        inbox.apply(&mut bank);
        std::thread::sleep(Duration::from_millis(1));
    }
    let elapsed = chose.elapsed();
    drop(miner);
    elapsed
}

fn first_pad(c: &mut Criterion) {
    let folder = tempfile::tempdir().expect("temp dir");
    write_take(&folder.path().join("long take.wav"));
    let mut group = c.benchmark_group("first_pad");
    group.sample_size(10);
    group.bench_function("five_minute_48k_stereo_take", |b| {
        b.iter_custom(|iterations| (0..iterations).map(|_| time_to_first_pad(folder.path())).sum())
    });
    group.finish();
}

criterion_group!(benches, first_pad);
criterion_main!(benches);
