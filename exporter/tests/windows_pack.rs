//! The exporter built for Windows renders the bundled archive under Wine into the very pack the
//! Linux build renders: every WAV, recipe, picture, page and the manifest, byte for byte. This is
//! the engine's determinism across systems (portable math, a resampler of its own, paths written
//! portably). Skipped with a notice where the Windows toolchain or Wine is missing; `CI` must run it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use fixtures::windows::{for_smoke_test, wine_command, windows_path};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("exporter sits in the workspace").to_path_buf()
}

/// Every file under `dir`, by its path relative to `dir`.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).expect("read pack folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).expect("inside the pack").to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read(&path).expect("read pack file"));
            }
        }
    }
    out
}

#[test]
fn the_windows_exporter_renders_the_bundled_archive_into_the_same_bytes() {
    let root = workspace_root();
    let Some((artifacts, prefix)) = for_smoke_test(&root) else { return };
    // Both packs at the same depth under the workspace, so recipes name their sources the same way.
    let work = root.join("target/windows-smoke/pack-test");
    let _ = std::fs::remove_dir_all(&work);
    let (linux_out, windows_out) = (work.join("linux/pack"), work.join("windows/pack"));

    let linux = Command::new(env!("CARGO_BIN_EXE_afterglow"))
        .current_dir(&root)
        .args(["render", "fixtures/archive", "--out"])
        .arg(&linux_out)
        .env("AFTERGLOW_CATALOGUE", work.join("linux-catalogue.sqlite"))
        .output()
        .expect("run the Linux exporter");
    assert!(linux.status.success(), "Linux render failed: {}", String::from_utf8_lossy(&linux.stderr));

    let started = std::time::Instant::now();
    let windows = wine_command(&prefix, &artifacts.exporter)
        .current_dir(&root)
        .args(["render", r"fixtures\archive", "--out", &windows_path(&windows_out)])
        .env("AFTERGLOW_CATALOGUE", windows_path(&work.join("windows-catalogue.sqlite")))
        .output()
        .expect("run afterglow.exe under Wine");
    assert!(windows.status.success(), "Windows render failed: {}", String::from_utf8_lossy(&windows.stderr));
    eprintln!("afterglow.exe rendered the bundled archive under Wine in {:.1} s", started.elapsed().as_secs_f64());

    let (linux_files, windows_files) = (files(&linux_out), files(&windows_out));
    let names = |files: &BTreeMap<String, Vec<u8>>| files.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&windows_files), names(&linux_files), "the two packs hold different files");
    let wavs = linux_files.keys().filter(|name| name.ends_with(".wav")).count();
    assert!(wavs >= 20, "only {wavs} WAVs in the pack");
    let differing: Vec<&String> = linux_files.iter().filter(|(name, bytes)| windows_files[*name] != **bytes).map(|(name, _)| name).collect();
    eprintln!("{} files ({wavs} WAVs): {} differ", linux_files.len(), differing.len());
    assert!(differing.is_empty(), "files that differ between the Linux and the Windows pack: {differing:#?}");
}
