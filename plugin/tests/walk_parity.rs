//! One messy archive folder, three front ends, the same files: the exporter's discovery (behind
//! `render` and `analyze`), its `scan` command into the catalogue, and the plugin's miner all list
//! what the archive walk's rules say (`catalogue::walk`), so one folder gives the same pads in the
//! plugin and the exporter. The folder: `fixtures::messy_folder`.

use std::path::{Path, PathBuf};

use afterglow_exporter::cli::ScanArgs;
use afterglow_exporter::discover::{Role, discover};
use afterglow_exporter::exit::ExitStatus;
use catalogue::{Catalogue, MAX_WALK_DEPTH};
use fixtures::messy_folder::{self, EMPTY_WAV};

fn relative<'a>(root: &Path, files: impl IntoIterator<Item = &'a PathBuf>) -> Vec<PathBuf> {
    files.into_iter().map(|p| p.strip_prefix(root).unwrap_or(p).to_path_buf()).collect()
}

#[test]
fn exporter_scan_and_miner_list_the_same_files_from_a_messy_folder() {
    let dir = tempfile::tempdir().unwrap();
    // Canonical, so the catalogue's stored (canonical) paths compare with the listed ones.
    let root = dir.path().canonicalize().unwrap().join("archive");
    std::fs::create_dir(&root).unwrap();
    let expected = messy_folder::build(&root, MAX_WALK_DEPTH);

    // (a) The exporter's discovery: what `render` and `analyze` decode.
    let found = discover(&[(root.clone(), Role::Any)]);
    assert_eq!(relative(&root, found.files.iter().map(|f| &f.path)), expected, "exporter; notes: {:#?}", found.notes);

    // (c) The plugin miner's listing.
    let listing = afterglow_plugin::mining::list_audio_files(&root);
    assert_eq!(relative(&root, &listing.files), expected, "plugin; notes: {:#?}", listing.notes);
    assert_eq!(listing.notes, found.notes);

    // (b) `afterglow scan` into a fresh catalogue: every listed file is recorded, but the empty one,
    // which fails to decode (so the command says something was skipped).
    let catalogue_path = dir.path().join("catalogue.sqlite");
    let args = ScanArgs { archive: vec![root.clone()], catalogue: Some(catalogue_path.clone()), config: None, jobs: Some(1), json: true };
    let status = afterglow_exporter::scan::run(&args).expect("scan");
    assert_eq!(status, ExitStatus::SomeSkipped, "the empty file fails");
    let mut recorded: Vec<PathBuf> =
        Catalogue::open(&catalogue_path).unwrap().file_stamps().unwrap().into_keys().map(PathBuf::from).collect();
    recorded.sort();
    let mut decodable: Vec<PathBuf> = expected
        .iter()
        .filter(|p| *p != Path::new(EMPTY_WAV))
        .map(|p| root.join(p).canonicalize().unwrap())
        .collect();
    decodable.sort();
    assert_eq!(recorded, decodable, "scan");
}
