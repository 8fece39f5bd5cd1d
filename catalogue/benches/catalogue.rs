//! Catalogue speed: pad queries over 100 000 synthetic regions (ranked, filtered, "more like
//! this") and a rescan of 1 000 unchanged files. Targets (issue 13): a query under 50 ms, the
//! rescan under 1 s.

use catalogue::{scan, Brightness, Catalogue, MineSettings, MinedFile, MinedRegion, PadQuery, RegionKind};
use criterion::{criterion_group, criterion_main, Criterion};
use engine::mining::Region;

const NUM_FILES: usize = 10_000;
const REGIONS_PER_FILE: usize = 10;
const KEYS: [&str; 6] = ["Am", "C", "Dm", "F", "G", "Em"];
const BRIGHTNESS: [&str; 3] = ["dark", "mid", "bright"];

fn mined(i: usize, regions_per_file: usize) -> MinedFile {
    let regions = (0..regions_per_file)
        .map(|j| {
            let n = i * regions_per_file + j;
            let mut region = Region::span(j * 200_000, 88_200 * (1 + n % 3));
            region.score = ((n * 7919) % 1000) as f32 / 1000.0;
            region.centroid_hz = 500.0 + (n % 40) as f32 * 100.0;
            MinedRegion {
                kind: RegionKind::Pad,
                region,
                key: Some(KEYS[n % KEYS.len()].to_string()),
                key_confidence: 0.5,
                brightness: BRIGHTNESS[n % 3],
                features: std::array::from_fn(|k| ((n * 31 + k * 17) % 101) as f32 / 25.0),
            }
        })
        .collect();
    MinedFile {
        content_hash: format!("{:016x}", i as u64 * 0x9E37_79B9_7F4A_7C15),
        container: "wav".into(),
        codec: "pcm_s16le".into(),
        sample_rate_hz: 44_100,
        num_channels: 2,
        bits_per_sample: Some(16),
        duration_sec: 60.0,
        key: Some("Am".into()),
        key_confidence: 0.5,
        bpm: None,
        bpm_confidence: 0.0,
        analysis_rate_hz: 44_100,
        regions,
        landmarks: Vec::new(),
    }
}

fn bench_queries(c: &mut Criterion) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut cat = Catalogue::open(&tmp.path().join("big.sqlite")).expect("catalogue opens");
    let settings = MineSettings::default();
    for i in 0..NUM_FILES {
        cat.put_file(&format!("/archive/take-{i:05}.wav"), 1000, 0, &settings, &mined(i, REGIONS_PER_FILE)).expect("insert");
    }
    assert_eq!(cat.num_regions().expect("count"), NUM_FILES * REGIONS_PER_FILE);
    let like = cat.pads(&PadQuery { limit: 1, ..Default::default() }).expect("query")[0].id.clone();
    let mut group = c.benchmark_group("query_100k_regions");
    group.sample_size(20);
    group.bench_function("top_50", |b| b.iter(|| cat.pads(&PadQuery { limit: 50, ..Default::default() }).expect("query")));
    group.bench_function("key_brightness_min_sec_top_50", |b| {
        let q = PadQuery {
            key: Some("A minor".into()),
            brightness: Some(Brightness::Dark),
            min_sec: Some(3.0),
            limit: 50,
            ..Default::default()
        };
        b.iter(|| cat.pads(&q).expect("query"))
    });
    group.bench_function("like_top_50", |b| {
        let q = PadQuery { like: Some(like.clone()), limit: 50, ..Default::default() };
        b.iter(|| cat.pads(&q).expect("query"))
    });
    group.finish();
}

fn bench_rescan(c: &mut Criterion) {
    const NUM_UNCHANGED: usize = 1000;
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("archive");
    std::fs::create_dir(&dir).expect("archive dir");
    let mut cat = Catalogue::open(&tmp.path().join("cat.sqlite")).expect("catalogue opens");
    let settings = MineSettings::default();
    let mut files = Vec::new();
    for i in 0..NUM_UNCHANGED {
        let path = dir.join(format!("take-{i:04}.wav"));
        std::fs::write(&path, i.to_le_bytes()).expect("write");
        let meta = std::fs::metadata(&path).expect("stat");
        let mtime_ns = meta.modified().expect("mtime").duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_nanos();
        let canonical = catalogue::scan::canonical(&path);
        cat.put_file(&canonical, meta.len(), mtime_ns as i64, &settings, &mined(i, 3)).expect("insert");
        files.push(path);
    }
    let roots = [dir.clone()];
    c.bench_function("rescan_1000_unchanged_files", |b| {
        b.iter(|| {
            let report = scan(&mut cat, &files, &roots, &settings, 0, &mut |_| {}).expect("scan");
            assert_eq!(report.unchanged, NUM_UNCHANGED);
        })
    });
}

criterion_group!(benches, bench_queries, bench_rescan);
criterion_main!(benches);
