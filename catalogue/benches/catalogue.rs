//! Catalogue speed: a rescan of 1 000 unchanged files, duplicate detection over 100, 1 000 and
//! 3 000 synthetic fingerprints (it should grow about linearly), and a first scan of the real-music
//! corpus with the fingerprint, and the fingerprint alone, per second of audio. Targets (issue 13):
//! the rescan under 1 s, the scan at least 150x real time on 2 cores. Pad queries at scale are
//! `benches/pad_queries.rs`.

use catalogue::synthetic::synthetic_file;
use catalogue::{scan, Catalogue, MineSettings, MinedFile};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use engine::analysis::Landmark;
use engine::rt::rng::RngStream;
use std::path::PathBuf;

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
        cat.put_file(&canonical, meta.len(), mtime_ns as i64, &settings, &synthetic_file(i, 3)).expect("insert");
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

/// Seconds of music each synthetic fingerprint stands for, and landmarks per second (as the
/// engine's fingerprint makes: about 25).
const SYNTHETIC_SECS: u32 = 180;
const LANDMARKS_PER_SEC: u32 = 25;
/// Frames per second of the fingerprint.
const FRAMES_PER_SEC: f64 = 1.0 / engine::analysis::fingerprint::FRAME_SEC;

/// A synthetic fingerprint with the real corpus' marginals: first peaks evenly over 65 Hz - 3 kHz
/// (the per-bin normalisation evens them out), partners up to 100 bins either way, frame steps
/// fewer the longer they are (linearly). Measured on the corpus, those marginals give about 1.5
/// million equally likely hashes; these about 2 million.
fn synthetic_landmarks(rng: &mut RngStream) -> Vec<Landmark> {
    let num_frames = (f64::from(SYNTHETIC_SECS) * FRAMES_PER_SEC) as u32;
    (0..SYNTHETIC_SECS * LANDMARKS_PER_SEC)
        .map(|_| {
            let bin = 6 + (rng.uniform() * 275.0) as u32;
            let (lowest, highest) = (bin.saturating_sub(100).max(6), (bin + 100).min(280));
            let partner = lowest + (rng.uniform() * (highest - lowest + 1) as f32) as u32;
            let frames = 1 + (47.0 * (1.0 - rng.uniform().sqrt())) as u32;
            let hash = bin << 14 | (partner + 128 - bin) << 6 | frames;
            Landmark { hash, frame: (rng.uniform() * num_frames as f32) as u32 }
        })
        .collect()
}

/// A catalogue of `num_files` fingerprints of which every tenth is a copy of the one before it
/// (shifted by 3 s, a third of its landmarks kept): `num_files / 10` groups to find.
fn duplicate_catalogue(num_files: usize) -> (tempfile::TempDir, Catalogue) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut cat = Catalogue::open(&tmp.path().join("fingerprints.sqlite")).expect("catalogue opens");
    let settings = MineSettings::default();
    let mut rng = RngStream::new(13, 0);
    let mut previous = Vec::new();
    for i in 0..num_files {
        let landmarks = if i % 10 == 9 {
            let shift = (3.0 * FRAMES_PER_SEC) as u32;
            previous
                .iter()
                .filter(|l: &&Landmark| l.frame >= shift && rng.chance(1.0 / 3.0))
                .map(|l| Landmark { frame: l.frame - shift, ..*l })
                .collect()
        } else {
            synthetic_landmarks(&mut rng)
        };
        let file = MinedFile { regions: Vec::new(), landmarks, ..synthetic_file(i, 0) };
        cat.put_file(&format!("/archive/take-{i:05}.wav"), 1000, 0, &settings, &file).expect("insert");
        previous = file.landmarks;
    }
    (tmp, cat)
}

fn bench_duplicates(c: &mut Criterion) {
    let mut group = c.benchmark_group("duplicates");
    group.sample_size(10);
    for num_files in [100, 1000, 3000] {
        let (_tmp, cat) = duplicate_catalogue(num_files);
        let found = cat.duplicates().expect("duplicates");
        assert_eq!(found.groups.len(), num_files / 10, "every planted copy found, nothing else");
        group.throughput(Throughput::Elements(num_files as u64));
        group.bench_with_input(BenchmarkId::from_parameter(num_files), &cat, |b, cat| b.iter(|| cat.duplicates().expect("duplicates")));
    }
    group.finish();
    // The same with the tempo- and speed-invariant triplet search (`duplicates`, the default since it costs little on real music) over
    // every pair the landmarks did not match.
    let mut group = c.benchmark_group("duplicates_and_variants");
    group.sample_size(10);
    for num_files in [40] {
        let (_tmp, cat) = duplicate_catalogue(num_files);
        group.throughput(Throughput::Elements(num_files as u64));
        group.bench_with_input(BenchmarkId::from_parameter(num_files), &cat, |b, cat| {
            b.iter(|| cat.duplicates_and_variants().expect("duplicates and variants"))
        });
    }
    group.finish();
}

/// The real-music corpus' files and their total length, seconds; `None` (with a notice) without it.
fn real_music() -> Option<(PathBuf, Vec<PathBuf>, f64)> {
    let corpus = fixtures::real_corpus::real_corpus(&[])?;
    let mut files = Vec::new();
    let mut dirs = vec![corpus.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("corpus readable") {
            let path = entry.expect("corpus entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if engine::source::is_supported(&path) {
                files.push(path);
            }
        }
    }
    files.sort();
    let secs = files.iter().map(|f| engine::source::probe(f).expect("corpus file probes").original_duration_sec).sum();
    Some((corpus, files, secs))
}

/// A first scan of the real corpus (decode, analysis, mining, fingerprint, database), and the
/// fingerprint alone on decoded audio; throughput in seconds of audio per second (x real time).
fn bench_real_scan(c: &mut Criterion) {
    let Some((corpus, files, secs)) = real_music() else { return };
    let mut group = c.benchmark_group("real_music");
    group.sample_size(10);
    group.throughput(Throughput::Elements(secs.round() as u64));
    let settings = MineSettings::default();
    group.bench_function("first_scan_with_fingerprint", |b| {
        b.iter_batched(
            || tempfile::tempdir().expect("temp dir"),
            |tmp| {
                let mut cat = Catalogue::open(&tmp.path().join("cat.sqlite")).expect("catalogue opens");
                let report = scan(&mut cat, &files, std::slice::from_ref(&corpus), &settings, 0, &mut |_| {}).expect("scan");
                assert_eq!(report.scanned, files.len());
            },
            criterion::BatchSize::PerIteration,
        )
    });
    let decoded: Vec<_> = files
        .iter()
        .map(|f| engine::source::load(f, &engine::source::LoadOptions::default()).expect("corpus file decodes"))
        .collect();
    group.bench_function("fingerprint_only", |b| {
        b.iter(|| decoded.iter().map(|s| engine::analysis::fingerprint(&s.channels, s.sample_rate_hz).len()).sum::<usize>())
    });
    group.finish();
}

criterion_group!(benches, bench_rescan, bench_duplicates, bench_real_scan);
criterion_main!(benches);
