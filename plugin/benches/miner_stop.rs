//! How long a host waits when it drops the plugin while the miner is busy (a project closes, the
//! plugin is removed): the target is 100 ms wherever the session is. A three-minute 48 kHz stereo
//! take mined with every stage on (separation into layers included, as a busy mix gets it, and the
//! catalogue's recording of the file) is timed once; then each iteration starts a fresh miner,
//! lets it run to a moment of the session (ten moments spread over it, in turn) and times only the
//! drop. `plugin/tests/mining.rs` checks that every drop ends the work at all (far under a second).

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use afterglow_plugin::audio::inbox::PadInbox;
use afterglow_plugin::mining::{FOLDER_CONFIG_NAME, Miner, MiningShared};
use afterglow_plugin::params::AfterglowParams;
use afterglow_plugin::queues::pad_queues;
use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use engine::texture::{PadBank, builtin_pad};
use fixtures::encode::{SampleEncoding, wav_bytes};

const RATE_HZ: u32 = 48_000;
const SECONDS: usize = 180;
/// Moments of a session the drops fall on, in turn.
const MOMENTS: usize = 10;

/// The take and a folder config asking for layers on every file.
fn write_archive(folder: &Path) {
    let num_frames = SECONDS * RATE_HZ as usize;
    let left = fixtures::chord_pad(&[57.0, 60.0, 64.0], 0.3, num_frames, RATE_HZ, 5);
    let right = fixtures::chord_pad(&[57.0, 60.0, 64.0], 0.3, num_frames, RATE_HZ, 6);
    std::fs::write(folder.join("long take.wav"), wav_bytes(&[left, right], RATE_HZ, SampleEncoding::Pcm16, false, None)).expect("write take");
    std::fs::write(folder.join(FOLDER_CONFIG_NAME), "[separation]\nmode = \"always\"\n").expect("write the folder config");
}

/// A miner mining `folder` into a catalogue of its own, and the bank it fills.
fn start(folder: &Path, catalogue: &Path) -> (Miner, Arc<MiningShared>, PadInbox, PadBank) {
    let params = Arc::new(AfterglowParams::default());
    let shared = Arc::new(MiningShared::new());
    shared.archive.set_catalogue_path(Some(catalogue.to_path_buf()));
    let (miner_ends, audio_ends) = pad_queues();
    let mut bank = PadBank::new();
    bank.insert(0, builtin_pad(44_100.0));
    let miner = Miner::spawn(miner_ends, params.clone(), shared.clone(), &[0]).expect("spawn miner");
    params.set_archive_path(&folder.display().to_string());
    shared.request_mine();
    (miner, shared, PadInbox::new(audio_ends), bank)
}

/// Runs the miner for `wait` (the audio side taking its pads), then times the drop.
fn drop_after(folder: &Path, catalogue: &Path, wait: Duration) -> Duration {
    let (miner, _shared, mut inbox, mut bank) = start(folder, catalogue);
    let started = Instant::now();
    while started.elapsed() < wait {
        inbox.apply(&mut bank);
        std::thread::sleep(Duration::from_millis(2));
    }
    let stopping = Instant::now();
    drop(miner);
    stopping.elapsed()
}

fn miner_stop(c: &mut Criterion) {
    let folder = tempfile::tempdir().expect("temp dir");
    write_archive(folder.path());
    let catalogue = folder.path().join("catalogue.sqlite");
    // One whole session, to know how long it lasts (until the catalogue has the file).
    let (miner, shared, mut inbox, mut bank) = start(folder.path(), &catalogue);
    let started = Instant::now();
    while !shared.status.snapshot().catalogue_message.starts_with("Catalogue:") {
        assert!(started.elapsed() < Duration::from_secs(300), "the session did not end in 5 minutes");
        inbox.apply(&mut bank);
        std::thread::sleep(Duration::from_millis(2));
    }
    let session = started.elapsed();
    drop(miner);
    let _ = std::fs::remove_file(&catalogue);

    let mut group = c.benchmark_group("miner_stop");
    group.sample_size(10).sampling_mode(SamplingMode::Flat);
    let mut moment = 0;
    group.bench_function("drop_anywhere_in_a_session_of_a_three_minute_take", |b| {
        b.iter_custom(|iterations| {
            (0..iterations)
                .map(|_| {
                    let wait = session.mul_f64((moment % MOMENTS) as f64 / MOMENTS as f64 + 0.5 / MOMENTS as f64);
                    moment += 1;
                    drop_after(folder.path(), &catalogue, wait)
                })
                .sum()
        })
    });
    group.finish();
}

criterion_group!(benches, miner_stop);
criterion_main!(benches);
