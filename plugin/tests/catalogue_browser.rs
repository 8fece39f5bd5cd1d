//! The plugin and the shared catalogue, on real recordings: the archive view lists the pads of a
//! catalogue the plugin did not mine itself (filters and "more like this" included), loading one
//! listed pad puts exactly that region into the bank and it plays, a file changed since it was
//! catalogued is refused in words, and mining a folder here leaves its pads in the catalogue, a
//! busy mix's harmonic-layer pads included, which load as the very pads mining cut.
//!
//! The mining thread and the catalogue reader run as in the plugin; the test plays the audio side
//! (queues, inbox, bank, engine), as `mining.rs` does. Without the real-music corpus
//! (`AFTERGLOW_REAL_CORPUS`) these tests print a notice and pass; in CI they fail instead.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use afterglow_plugin::audio::inbox::PadInbox;
use afterglow_plugin::mining::{
    ArchiveQuery, ArchiveSnapshot, ArchiveState, LoadRequest, MAX_LISTED_PADS, Miner, MiningShared, publish_builtin,
};
use afterglow_plugin::queues::{MAX_PAD_SEC, pad_queues};
use afterglow_plugin::params::AfterglowParams;
use catalogue::{Catalogue, MineSettings, PadQuery};
use engine::texture::{PadBank, ProcessSpec, TextureEngine, TextureParams, builtin_pad};

/// Two short real excerpts: Ogg Vorbis and WAV.
const FILES: [&str; 2] = ["ambient-underground-030s.wav", "orchestral-heroes_rite-050s.ogg"];

fn real_corpus() -> Option<PathBuf> {
    fixtures::real_corpus::real_corpus(&FILES)
}

/// A fresh folder holding `files` copied from the corpus.
fn archive_of(corpus: &Path, files: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for file in files {
        std::fs::copy(corpus.join(file), dir.path().join(file)).expect("copy a corpus file");
    }
    dir
}

/// Scan `folder` into a new catalogue with the catalogue crate, as `afterglow scan` does.
fn scan_into(catalogue_path: &Path, folder: &Path) -> Catalogue {
    let mut cat = Catalogue::open(catalogue_path).expect("open catalogue");
    let files = afterglow_plugin::mining::list_audio_files(folder).files;
    let report = catalogue::scan(&mut cat, &files, &[folder.to_path_buf()], &MineSettings::default(), 0, &mut |_| {}).expect("scan");
    assert_eq!(report.failed, 0, "{:?}", report.failures);
    cat
}

/// The mining and catalogue threads over a bank that starts with the built-in texture, reading
/// the catalogue at `catalogue_path`.
struct Rig {
    params: Arc<AfterglowParams>,
    shared: Arc<MiningShared>,
    bank: PadBank,
    inbox: PadInbox,
    _miner: Miner,
}

impl Rig {
    fn new(catalogue_path: &Path) -> Self {
        let params = Arc::new(AfterglowParams::default());
        let shared = Arc::new(MiningShared::new());
        shared.archive.set_catalogue_path(Some(catalogue_path.to_path_buf()));
        let (miner_ends, audio_ends) = pad_queues();
        let mut bank = PadBank::new();
        let builtin = builtin_pad(44_100.0);
        publish_builtin(&shared.status, &builtin);
        bank.insert(0, builtin);
        let miner = Miner::spawn(miner_ends, params.clone(), shared.clone(), &[0]).expect("spawn miner");
        Self { params, shared, bank, inbox: PadInbox::new(audio_ends), _miner: miner }
    }

    /// Play the audio side until `done` holds; panics after `timeout`.
    fn pump_until(&mut self, timeout: Duration, what: &str, mut done: impl FnMut(&Self) -> bool) {
        let started = Instant::now();
        loop {
            self.inbox.apply(&mut self.bank);
            if done(self) {
                return;
            }
            assert!(started.elapsed() < timeout, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Ask the archive view's query and wait for its answer.
    fn query(&mut self, query: ArchiveQuery) -> ArchiveSnapshot {
        let before = self.shared.archive.revision();
        self.shared.archive.request(query.clone());
        self.pump_until(Duration::from_secs(20), "the catalogue's answer", |r| {
            let s = r.shared.archive.snapshot();
            s.revision > before && s.query == query && !matches!(s.state, ArchiveState::Running | ArchiveState::Idle)
        });
        self.shared.archive.snapshot()
    }

    /// Ask to load `request` and wait until the mining thread has said how it went.
    fn load(&mut self, request: LoadRequest) -> String {
        let before = self.shared.status.snapshot().revision;
        self.shared.archive.request_load(request);
        self.pump_until(Duration::from_secs(60), "the load", |r| {
            let s = r.shared.status.snapshot();
            let said = s.message.starts_with("Loaded") || s.message.starts_with("Could not load") || s.message.contains("already in the bank");
            s.revision > before && said && !r.shared.status.busy.load(Ordering::Acquire)
        });
        self.shared.status.snapshot().message
    }
}

#[test]
fn lists_and_loads_pads_from_a_catalogue_it_did_not_mine() {
    let Some(corpus) = real_corpus() else { return };
    let archive = archive_of(&corpus, &FILES);
    let cat_dir = tempfile::tempdir().expect("temp dir");
    let cat_path = cat_dir.path().join("catalogue.sqlite");
    let cat = scan_into(&cat_path, archive.path());
    let expected = cat.pads(&PadQuery { limit: MAX_LISTED_PADS, ..PadQuery::default() }).expect("query");
    assert!(expected.len() >= 2, "the scan found only {} pads", expected.len());

    let mut rig = Rig::new(&cat_path);
    // The plugin mined nothing: no folder, no pads of its own.
    assert!(rig.params.archive_path().is_empty());
    assert_eq!(rig.shared.status.pads_mined.load(Ordering::Acquire), 0);

    let all = rig.query(ArchiveQuery::default());
    assert_eq!(all.state, ArchiveState::Ready, "{}", all.message);
    assert_eq!(all.num_pads, cat.num_pads().expect("count"));
    let listed: Vec<(&str, &str)> = all.rows.iter().map(|r| (r.id.as_str(), r.path.as_str())).collect();
    let wanted: Vec<(&str, &str)> = expected.iter().map(|r| (r.id.as_str(), r.path.as_str())).collect();
    assert_eq!(listed, wanted, "the archive view lists the catalogue's pads, best first");
    eprintln!("{} pads listed in {:.1} ms", all.rows.len(), all.elapsed_ms);

    // Filters: by key, by brightness, by source file; "more like this" puts the pad first.
    let keyed = expected.iter().find_map(|r| r.key.clone()).expect("a pad with a key");
    let by_key = rig.query(ArchiveQuery { key: Some(keyed.clone()), ..ArchiveQuery::default() });
    assert!(!by_key.rows.is_empty() && by_key.rows.iter().all(|r| r.key.as_deref() == Some(keyed.as_str())));
    let brightness = catalogue::Brightness::Dark;
    let by_brightness = rig.query(ArchiveQuery { brightness: Some(brightness), ..ArchiveQuery::default() });
    assert!(by_brightness.rows.iter().all(|r| r.brightness == "dark"));
    let by_source = rig.query(ArchiveQuery { source_text: String::from("HEROES"), ..ArchiveQuery::default() });
    assert!(!by_source.rows.is_empty() && by_source.rows.iter().all(|r| r.path.contains("heroes_rite")));
    assert!(by_source.rows.len() < all.rows.len());
    let target = &expected[expected.len() - 1];
    let like = rig.query(ArchiveQuery { like: Some(target.id.clone()), ..ArchiveQuery::default() });
    assert_eq!(like.rows.first().map(|r| r.id.as_str()), Some(target.id.as_str()));
    assert!(like.rows.windows(2).skip(1).all(|w| w[0].distance <= w[1].distance), "nearest first");
    // By one aspect: ranked by that aspect's distance, which each row also shows beside the others.
    for aspect in catalogue::Aspect::ALL {
        let by = rig.query(ArchiveQuery { like: Some(target.id.clone()), like_by: Some(aspect), ..ArchiveQuery::default() });
        let distances: Vec<f32> = by.rows.iter().skip(1).map(|r| r.aspects.expect("aspect distances").get(aspect)).collect();
        assert!(distances.windows(2).all(|w| w[0] <= w[1]), "{aspect:?}: nearest first");
        assert!(by.rows.iter().skip(1).all(|r| r.distance.is_some_and(|d| (d - r.aspects.unwrap().get(aspect)).abs() < 1e-4)), "{aspect:?}");
    }
    let by_loudness = rig.query(ArchiveQuery { like: Some(target.id.clone()), like_by: Some(catalogue::Aspect::Loudness), ..ArchiveQuery::default() });
    let order = |s: &ArchiveSnapshot| s.rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
    assert_ne!(order(&by_loudness), order(&like), "ranking by loudness contour alone orders as overall does");

    // Load one listed pad: exactly its region goes into the bank (the built-in texture's slot 0).
    let row = all.rows[1].clone();
    let source = cat.pad_source(&row.id, &row.path).expect("read").expect("listed pad has a source");
    let message = rig.load(LoadRequest { row: row.clone(), replace_slot: None });
    assert!(message.starts_with("Loaded") && message.contains("slot 1"), "{message}");
    let saved = rig.params.bank.saved();
    assert_eq!(saved.pads.len(), 1, "{saved:?}");
    let pad = &saved.pads[0];
    assert_eq!(pad.slot, 0);
    assert_eq!(pad.source.path, source.path);
    assert_eq!(pad.source.content_hash, source.content_hash);
    assert_eq!(pad.source.start_sample, source.start_sample);
    // Shortened to the plugin's longest pad, leaving room for the seam search, as mining here does.
    let loop_config = pad.source.loop_config();
    let max_frames = ((MAX_PAD_SEC - 0.001 * loop_config.seam_search_ms) * 44_100.0) as usize;
    assert_eq!(pad.source.len_samples, source.len_samples.min(max_frames));
    rig.pump_until(Duration::from_secs(5), "the pad in the bank", |r| r.bank.get(0).is_some_and(|p| p.id() == pad.pad_id));
    let listed_in_editor = rig.shared.status.snapshot().pads[0].clone().expect("slot 0 listed");
    assert_eq!(listed_in_editor.pad_id, pad.pad_id);
    assert_eq!(listed_in_editor.source_path.as_deref(), Some(Path::new(&row.path)));

    // It plays: a held cloud on that slot sounds.
    let rms = play_slot(&rig.bank, 0);
    eprintln!("loaded pad plays at {:.1} dBFS RMS", 20.0 * rms.log10());
    assert!(rms > 1e-3, "the loaded pad is silent (rms {rms})");

    // A second load takes the next free slot; loading the same pad again says so.
    let message = rig.load(LoadRequest { row: all.rows[0].clone(), replace_slot: None });
    assert!(message.contains("slot 2"), "{message}");
    let message = rig.load(LoadRequest { row: row.clone(), replace_slot: None });
    assert!(message.contains("already in the bank, slot 1"), "{message}");

    // A file changed since it was catalogued is refused, in words; the bank keeps its pads.
    let other = all.rows.iter().find(|r| r.path != row.path).expect("a pad of the other file").clone();
    let mut bytes = std::fs::read(&other.path).expect("read");
    bytes.push(0);
    std::fs::write(&other.path, bytes).expect("write");
    let message = rig.load(LoadRequest { row: other, replace_slot: None });
    assert!(message.starts_with("Could not load") && message.contains("changed since it was catalogued"), "{message}");
    assert_eq!(rig.params.bank.saved().pads.len(), 2);
}

/// RMS of one second of a held cloud drawing only from `slot`.
fn play_slot(bank: &PadBank, slot: u16) -> f32 {
    let mut engine = TextureEngine::new();
    engine.prepare(ProcessSpec { sample_rate_hz: 44_100.0, max_block_frames: 64 });
    engine.reset(7);
    let params = TextureParams { hold: true, source_slot: Some(slot), attack_ms: 1.0, ..TextureParams::default() };
    let (mut left, mut right) = (vec![0.0f32; 44_100], vec![0.0f32; 44_100]);
    for (l, r) in left.chunks_mut(64).zip(right.chunks_mut(64)) {
        engine.process(&params, bank, l, r);
    }
    let energy: f64 = left.iter().chain(&right).map(|&x| f64::from(x) * f64::from(x)).sum();
    (energy / (2.0 * left.len() as f64)).sqrt() as f32
}

#[test]
fn mining_a_folder_here_fills_the_catalogue() {
    let Some(corpus) = real_corpus() else { return };
    let archive = archive_of(&corpus, &FILES[..1]);
    let cat_dir = tempfile::tempdir().expect("temp dir");
    let cat_path = cat_dir.path().join("shared.sqlite");

    let mut rig = Rig::new(&cat_path);
    let before = rig.query(ArchiveQuery::default());
    assert_eq!(before.state, ArchiveState::NoCatalogue);
    assert!(before.message.contains("afterglow scan"), "{}", before.message);

    rig.params.set_archive_path(&archive.path().display().to_string());
    rig.shared.request_mine();
    rig.pump_until(Duration::from_secs(180), "mining and cataloguing", |r| {
        !r.shared.status.busy.load(Ordering::Acquire) && r.shared.status.snapshot().catalogue_message.starts_with("Catalogue:")
    });
    let status = rig.shared.status.snapshot();
    eprintln!("{}", status.catalogue_message);
    assert!(status.catalogue_message.contains("1 files added"), "{}", status.catalogue_message);
    assert!(rig.shared.status.pads_mined.load(Ordering::Acquire) > 0);

    // The catalogue crate (what `afterglow pads` reads) finds the folder's pads.
    let cat = Catalogue::open(&cat_path).expect("open");
    let pads = cat.pads(&PadQuery::default()).expect("query");
    assert!(!pads.is_empty(), "mining here left no pads in the catalogue");
    let folder = archive.path().canonicalize().expect("canonical");
    assert!(pads.iter().all(|p| Path::new(&p.path).starts_with(&folder)), "{:?}", pads[0].path);

    // And the archive view lists them.
    let after = rig.query(ArchiveQuery::default());
    assert_eq!(after.state, ArchiveState::Ready, "{}", after.message);
    assert_eq!(after.rows.len(), pads.len());
}

/// A busy mix mined here leaves its harmonic-layer pads in the catalogue, and loading one from the
/// archive view into another instance (no folder of its own) gives the very pad the miner cut:
/// the same layer, id and samples. No corpus needed.
#[test]
fn a_harmonic_pad_loaded_from_the_catalogue_is_the_one_mining_cut() {
    let archive = tempfile::tempdir().expect("temp dir");
    common::busy_mix::write_busy_mix(&archive.path().join("busy mix.wav"));
    let cat_dir = tempfile::tempdir().expect("temp dir");
    let cat_path = cat_dir.path().join("shared.sqlite");

    let mut miner = Rig::new(&cat_path);
    miner.params.set_archive_path(&archive.path().display().to_string());
    miner.shared.request_mine();
    miner.pump_until(Duration::from_secs(180), "mining and cataloguing", |r| {
        !r.shared.status.busy.load(Ordering::Acquire) && r.shared.status.snapshot().catalogue_message.starts_with("Catalogue:")
    });
    let mined: Vec<(u64, engine::separate::Layer, Vec<Vec<f32>>)> = miner
        .shared
        .status
        .snapshot()
        .pads
        .iter()
        .flatten()
        .map(|info| {
            let pad = miner.bank.get(usize::from(info.slot)).expect("a listed pad is in the bank");
            (pad.id(), info.layer(), (0..2).map(|c| pad.channel(c).to_vec()).collect())
        })
        .collect();
    assert!(mined.iter().any(|(_, layer, _)| *layer == engine::separate::Layer::Harmonic), "no harmonic pad mined");

    let mut other = Rig::new(&cat_path);
    let listed = other.query(ArchiveQuery::default());
    assert_eq!(listed.state, ArchiveState::Ready, "{}", listed.message);
    let row = listed.rows.iter().find(|r| r.id.ends_with("-harmonic")).expect("the catalogue lists a harmonic-layer pad").clone();
    let message = other.load(LoadRequest { row: row.clone(), replace_slot: None });
    assert!(message.starts_with("Loaded"), "{message}");
    let info = other.shared.status.snapshot().pads[0].clone().expect("slot 0 listed");
    assert_eq!(info.layer(), engine::separate::Layer::Harmonic, "{}: loaded as another layer", row.id);
    other.pump_until(Duration::from_secs(5), "the pad in the bank", |r| r.bank.get(0).is_some_and(|p| p.id() == info.pad_id));
    let loaded = other.bank.get(0).expect("the loaded pad");
    let (_, _, channels) = mined.iter().find(|(id, _, _)| *id == loaded.id()).expect("the loaded pad is one the miner cut (same id)");
    for (c, mined_channel) in channels.iter().enumerate() {
        assert!(
            loaded.channel(c).len() == mined_channel.len() && loaded.channel(c).iter().zip(mined_channel).all(|(a, b)| a.to_bits() == b.to_bits()),
            "channel {c} of the loaded pad differs from the mined one"
        );
    }
}
