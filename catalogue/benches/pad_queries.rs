//! Pad queries at archive scale: 100 000 generated pads (10 000 files of 10, each with its feature
//! vector) in a catalogue, queried as `afterglow pads` and the plugin's browser do: "more like
//! this" (the 50 nearest; the same after opening the catalogue, as one CLI call does; and within a
//! key and length), filtered listings (the worst case matches nothing, so every pad is read), and
//! the plain top 50. Target (issue 25): each under 50 ms on one core. Also the cost of adding one
//! more file of 10 pads to that catalogue (its regions, fingerprint and pad index entry), which
//! must not grow with the catalogue: a scan adds to the index, it does not rebuild it.

use catalogue::synthetic::synthetic_file;
use catalogue::{Brightness, Catalogue, MineSettings, PadQuery};
use criterion::{criterion_group, criterion_main, Criterion};

const NUM_FILES: usize = 10_000;
const PADS_PER_FILE: usize = 10;

fn bench_pad_queries(c: &mut Criterion) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let path = tmp.path().join("big.sqlite");
    let mut cat = Catalogue::open(&path).expect("catalogue opens");
    let settings = MineSettings::default();
    for i in 0..NUM_FILES {
        cat.put_file(&format!("/archive/take-{i:05}.wav"), 1000, 0, &settings, &synthetic_file(i, PADS_PER_FILE)).expect("insert");
    }
    assert_eq!(cat.num_regions().expect("count"), NUM_FILES * PADS_PER_FILE);
    let like = cat.pads(&PadQuery { limit: 1, ..Default::default() }).expect("query")[0].id.clone();
    let like_top_50 = PadQuery { like: Some(like.clone()), limit: 50, ..Default::default() };
    assert_eq!(cat.pads(&like_top_50).expect("query")[0].id, like);

    let mut group = c.benchmark_group("pad_queries_100k");
    group.sample_size(20);
    group.bench_function("like_top_50", |b| b.iter(|| cat.pads(&like_top_50).expect("query")));
    group.bench_function("like_top_50_after_open", |b| {
        b.iter(|| Catalogue::open(&path).expect("catalogue opens").pads(&like_top_50).expect("query"))
    });
    group.bench_function("like_all", |b| {
        // Every pad ranked and listed: the browser's path filter and `render --from-catalogue`.
        let q = PadQuery { limit: 0, ..like_top_50.clone() };
        b.iter(|| assert_eq!(cat.pads(&q).expect("query").len(), NUM_FILES * PADS_PER_FILE))
    });
    group.bench_function("brightness_all", |b| {
        let q = PadQuery { brightness: Some(Brightness::Dark), ..Default::default() };
        b.iter(|| cat.pads(&q).expect("query"))
    });
    group.bench_function("like_key_min_sec_top_50", |b| {
        // A sixth of the pads (the synthetic C major ones are all 4 s long).
        let q = PadQuery { key: Some("C major".into()), min_sec: Some(3.0), ..like_top_50.clone() };
        b.iter(|| cat.pads(&q).expect("query"))
    });
    group.bench_function("brightness_min_sec_top_50", |b| {
        let q = PadQuery { brightness: Some(Brightness::Dark), min_sec: Some(3.0), limit: 50, ..Default::default() };
        b.iter(|| cat.pads(&q).expect("query"))
    });
    group.bench_function("key_brightness_min_sec_nothing_matches", |b| {
        // The synthetic A minor pads are all dark and 2 s long: none passes, every pad is read.
        let q = PadQuery {
            key: Some("A minor".into()),
            brightness: Some(Brightness::Dark),
            min_sec: Some(3.0),
            limit: 50,
            ..Default::default()
        };
        b.iter(|| assert!(cat.pads(&q).expect("query").is_empty()))
    });
    group.bench_function("top_50", |b| b.iter(|| cat.pads(&PadQuery { limit: 50, ..Default::default() }).expect("query")));
    let mut next = NUM_FILES;
    group.bench_function("add_file_of_10_pads", |b| {
        b.iter(|| {
            cat.put_file(&format!("/archive/new-{next:06}.wav"), 1000, 0, &settings, &synthetic_file(next, PADS_PER_FILE)).expect("insert");
            next += 1;
        })
    });
    group.finish();
}

criterion_group!(benches, bench_pad_queries);
criterion_main!(benches);
