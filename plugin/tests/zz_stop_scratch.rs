// Scratch (temporary): stop latency distribution.
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use afterglow_plugin::audio::inbox::PadInbox;
use afterglow_plugin::mining::{Miner, MiningShared, publish_builtin};
use afterglow_plugin::queues::pad_queues;
use afterglow_plugin::params::AfterglowParams;
use engine::texture::{PadBank, builtin_pad};

fn steady_chord(notes: &[f64], seconds: usize, seed: u64, sample_rate_hz: u32) -> Vec<f32> {
    let num_frames = seconds * sample_rate_hz as usize;
    let mut mix = fixtures::white_noise(0.002, num_frames, seed);
    for &note in notes {
        let f0 = fixtures::midi_to_hz(note);
        for harmonic in 1..=3 {
            let partial = fixtures::sine(f0 * f64::from(harmonic), 0.12 / harmonic as f32, num_frames, sample_rate_hz);
            mix.iter_mut().zip(&partial).for_each(|(m, p)| *m += p);
        }
    }
    mix
}

#[test]
fn scratch_stop_latency() {
    let archive = tempfile::tempdir().unwrap();
    let path = archive.path().join("long take.wav");
    let left = steady_chord(&[57.0, 60.0, 64.0], 180, 5, 48_000);
    let right = steady_chord(&[57.0, 60.0, 64.0], 180, 6, 48_000);
    std::fs::write(&path, fixtures::encode::wav_bytes(&[left, right], 48_000, fixtures::encode::SampleEncoding::Pcm24, false, None)).unwrap();
    let delays: Vec<u64> = std::env::var("DELAYS").unwrap_or("0,50,100,200,400,800,1600,3200,6400,12800".into()).split(',').map(|s| s.parse().unwrap()).collect();
    for delay in delays {
        let params = Arc::new(AfterglowParams::default());
        let shared = Arc::new(MiningShared::new());
        let catalogue = tempfile::tempdir().unwrap();
        shared.archive.set_catalogue_path(Some(catalogue.path().join("catalogue.sqlite")));
        let (miner_ends, audio_ends) = pad_queues();
        let mut bank = PadBank::new();
        let builtin = builtin_pad(44_100.0);
        publish_builtin(&shared.status, &builtin);
        bank.insert(0, builtin);
        let miner = Miner::spawn(miner_ends, params.clone(), shared.clone(), &[0]).unwrap();
        let mut inbox = PadInbox::new(audio_ends);
        let t0 = Instant::now();
        params.set_archive_path(&archive.path().display().to_string());
        shared.request_mine();
        while t0.elapsed() < Duration::from_millis(delay) {
            inbox.apply(&mut bank);
            std::thread::sleep(Duration::from_millis(2));
        }
        let snap = shared.status.snapshot();
        let busy = shared.status.busy.load(Ordering::Acquire);
        let started = Instant::now();
        drop(miner);
        let took = started.elapsed();
        eprintln!("delay {delay:6} ms: stop {:7.1} ms   busy {busy} msg {:?} cat {:?}", took.as_secs_f64() * 1000.0, snap.message, snap.catalogue_message);
        drop(inbox);
    }
    let _ = Path::new("");
}
