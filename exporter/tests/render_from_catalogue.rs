//! `afterglow render --from-catalogue` on scanned real recordings: with no filter it reproduces the
//! pads (same regions, same bytes) of `render` on the folder, minus the copy of a recording that
//! the catalogue knows is a duplicate, and says which copy it skipped; with filters it renders
//! exactly the pads `afterglow pads` lists.

use afterglow_exporter::manifest::{read_manifest, ManifestRow};
use engine::source::{load, mix_to_mono, LoadOptions};
use fixtures::encode::{wav_bytes, SampleEncoding};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

const FILES: [&str; 3] =
    ["ambient-into_the_shadows-040s.aiff", "orchestral-northern_mountains-060s.wav", "battle-frantic-000s.ogg"];
/// A quieter mono bounce of the second file: the catalogue's duplicate, lower quality than it.
const BOUNCE: &str = "northern_mountains (bounce).wav";

fn afterglow(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_afterglow")).args(args).env_remove("AFTERGLOW_CATALOGUE").output().expect("binary runs");
    assert!(out.status.success(), "afterglow {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// Pad rows of a pack: (source, region id, variant) with the WAV's bytes.
fn pads(pack: &Path) -> Vec<(ManifestRow, Vec<u8>)> {
    read_manifest(&pack.join("manifest.csv"))
        .unwrap()
        .into_iter()
        .filter(|r| r.kind == "pad")
        .map(|r| {
            let bytes = std::fs::read(pack.join(&r.filename)).unwrap();
            (r, bytes)
        })
        .collect()
}

fn identities(rows: &[(ManifestRow, Vec<u8>)]) -> BTreeSet<(String, String, String)> {
    rows.iter().map(|(r, _)| (r.source.clone(), r.region_id.clone(), r.variant.clone())).collect()
}

#[test]
fn a_pack_from_the_catalogue_is_the_folder_pack_without_the_duplicate() {
    let Some(corpus) = fixtures::real_corpus::real_corpus(&FILES) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("archive");
    std::fs::create_dir(&archive).unwrap();
    for f in FILES {
        std::fs::copy(corpus.join(f), archive.join(f)).unwrap();
    }
    let original = load(&corpus.join(FILES[1]), &LoadOptions::default()).unwrap();
    let bounce: Vec<f32> = mix_to_mono(&original.channels).iter().map(|x| x * 0.5).collect();
    std::fs::write(archive.join(BOUNCE), wav_bytes(&[bounce], 44_100, SampleEncoding::Pcm16, false, None)).unwrap();
    // Catalogued paths are canonical; render the folder by the same path so sources compare.
    let archive = archive.canonicalize().unwrap();
    let db = tmp.path().join("cat.sqlite");
    let (archive_s, db_s) = (archive.to_str().unwrap(), db.to_str().unwrap());
    afterglow(&["scan", archive_s, "--catalogue", db_s]);

    let from_folder = tmp.path().join("folder-pack");
    afterglow(&["render", archive_s, "--only", "pads", "-o", from_folder.to_str().unwrap()]);
    let from_catalogue = tmp.path().join("catalogue-pack");
    let out = afterglow(&["render", "--from-catalogue", "--catalogue", db_s, "--only", "pads", "-o", from_catalogue.to_str().unwrap()]);
    let summary = String::from_utf8_lossy(&out.stdout);

    let folder_pads = pads(&from_folder);
    let catalogue_pads = pads(&from_catalogue);
    let bounce_path = archive.join(BOUNCE).display().to_string();
    let expected: Vec<_> = folder_pads.iter().filter(|(r, _)| r.source != bounce_path).cloned().collect();
    assert!(folder_pads.len() > expected.len(), "the bounce gave pads in the folder render");
    assert!(!expected.is_empty());
    eprintln!(
        "folder pack: {} pads ({} from the bounce); catalogue pack: {} pads",
        folder_pads.len(),
        folder_pads.len() - expected.len(),
        catalogue_pads.len()
    );
    assert_eq!(identities(&catalogue_pads), identities(&expected));
    for (row, bytes) in &catalogue_pads {
        let twin = expected.iter().find(|(r, _)| r.filename == row.filename).expect("same file names");
        assert!(*bytes == twin.1, "{}: different samples", row.filename);
    }

    // The skipped copy is named in the rows of its recording and in the summary.
    let kept = archive.join(FILES[1]).display().to_string();
    for (row, _) in &catalogue_pads {
        assert_eq!(row.source == kept, row.notes.contains(&bounce_path), "{}: {}", row.filename, row.notes);
    }
    assert!(summary.contains("copies skipped") && summary.contains(&bounce_path), "{summary}");

    // Filters: the pads `afterglow pads` lists (best copies only), no more.
    let listed = afterglow(&["pads", "--catalogue", db_s, "--min-sec", "4", "--limit", "0", "--json"]);
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let wanted: BTreeSet<String> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["path"] != bounce_path.as_str())
        .take(2)
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(wanted.len(), 2, "{listed}");
    let chosen = tmp.path().join("chosen-pack");
    afterglow(&[
        "render", "--from-catalogue", "--catalogue", db_s, "--min-sec", "4", "--limit", "2", "--only", "pads", "-o",
        chosen.to_str().unwrap(),
    ]);
    let rendered: BTreeSet<String> = pads(&chosen).into_iter().map(|(r, _)| r.region_id).collect();
    assert_eq!(rendered, wanted);
}

#[test]
fn catalogue_filters_need_from_catalogue() {
    let out = Command::new(env!("CARGO_BIN_EXE_afterglow")).args(["render", "--key", "Am", "--dry-run"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--from-catalogue"));
}
