//! The archive view's speed: time from the editor's request to the first results on screen (the
//! reader thread's answer in the snapshot) for a catalogue of 10 000 pads, built synthetically
//! through the catalogue's store API. Target (issue 13): under 100 ms. "cold" is a new plugin
//! instance's first query (the catalogue opened then); "warm" a later query with a filter.

use std::sync::Arc;
use std::time::{Duration, Instant};

use afterglow_plugin::mining::{ArchiveQuery, ArchiveState, Miner, MiningShared};
use afterglow_plugin::queues::pad_queues;
use afterglow_plugin::params::AfterglowParams;
use catalogue::synthetic::synthetic_file;
use catalogue::{Brightness, Catalogue, MineSettings};
use criterion::{Criterion, criterion_group, criterion_main};

const NUM_FILES: usize = 1_000;
const PADS_PER_FILE: usize = 10;


/// A plugin's mining side (the miner idles: no folder) reading `path`.
fn plugin_side(path: &std::path::Path) -> (Arc<MiningShared>, Miner) {
    let shared = Arc::new(MiningShared::new());
    shared.archive.set_catalogue_path(Some(path.to_path_buf()));
    let (ends, _audio) = pad_queues();
    let miner = Miner::spawn(ends, Arc::new(AfterglowParams::default()), shared.clone(), &[0]).expect("spawn");
    (shared, miner)
}

/// Post `query` and wait for its answer; returns the time to first results.
fn first_results(shared: &MiningShared, query: &ArchiveQuery) -> Duration {
    let started = Instant::now();
    let before = shared.archive.revision();
    shared.archive.request(query.clone());
    loop {
        if shared.archive.revision() > before {
            let s = shared.archive.snapshot();
            if s.state == ArchiveState::Ready && &s.query == query {
                assert!(!s.rows.is_empty());
                return started.elapsed();
            }
            assert!(s.state != ArchiveState::Failed, "{}", s.message);
        }
        std::hint::spin_loop();
    }
}

fn bench_browser(c: &mut Criterion) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let path = tmp.path().join("catalogue.sqlite");
    let mut cat = Catalogue::open(&path).expect("catalogue opens");
    let settings = MineSettings::default();
    for i in 0..NUM_FILES {
        cat.put_file(&format!("/archive/take-{i:04}.wav"), 1000, 0, &settings, &synthetic_file(i, PADS_PER_FILE)).expect("insert");
    }
    assert_eq!(cat.num_pads().expect("count"), NUM_FILES * PADS_PER_FILE);
    drop(cat);

    let mut group = c.benchmark_group("archive_view_10k_pads");
    group.sample_size(10);
    group.bench_function("first_results_cold", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (shared, miner) = plugin_side(&path);
                total += first_results(&shared, &ArchiveQuery::default());
                drop(miner);
            }
            total
        });
    });
    let (shared, _miner) = plugin_side(&path);
    first_results(&shared, &ArchiveQuery::default());
    let filtered = ArchiveQuery { key: Some("A minor".into()), brightness: Some(Brightness::Dark), ..ArchiveQuery::default() };
    let plain = ArchiveQuery::default();
    let mut flip = false;
    group.bench_function("first_results_warm_filter", |b| {
        b.iter(|| {
            flip = !flip;
            first_results(&shared, if flip { &filtered } else { &plain })
        });
    });
    let like = ArchiveQuery { like: Some(shared.archive.snapshot().rows[0].id.clone()), ..ArchiveQuery::default() };
    group.bench_function("first_results_more_like_this", |b| b.iter(|| first_results(&shared, &like)));
    let source = ArchiveQuery { source_text: "take-09".into(), ..ArchiveQuery::default() };
    group.bench_function("first_results_source_text", |b| b.iter(|| first_results(&shared, &source)));
    group.finish();
}

criterion_group!(benches, bench_browser);
criterion_main!(benches);
