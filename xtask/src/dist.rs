//! `cargo xtask dist`: the archives a musician downloads, in `target/dist/`:
//! `afterglow-VERSION-linux-x86_64.tar.gz` and `afterglow-VERSION-windows-x86_64.zip`, each with the
//! CLAP and VST3 bundles, the `afterglow` exporter, the README, the licence and the licences of
//! every crate compiled in (`THIRD-PARTY.txt`, from `cargo metadata`).
//!
//! The Linux bundles come from nice-plug's bundler (`cargo xtask bundle`), the Windows ones from
//! `cargo xtask windows`; a missing Windows toolchain is an error, not a silent Linux-only release.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::windows::build as windows_build;

/// One file of an archive: where it is read from and its path inside the archive.
struct Entry {
    from: PathBuf,
    to: String,
}

/// Every file under `dir`, named `prefix/relative path`.
fn tree(dir: &Path, prefix: &str, out: &mut Vec<Entry>) -> Result<(), String> {
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = format!("{prefix}/{}", path.file_name().unwrap_or_default().to_string_lossy());
        if path.is_dir() {
            tree(&path, &name, out)?;
        } else {
            out.push(Entry { from: path, to: name });
        }
    }
    Ok(())
}

fn run(command: &mut Command) -> Result<(), String> {
    let status = command.status().map_err(|e| format!("{command:?}: {e}"))?;
    status.success().then_some(()).ok_or_else(|| format!("{command:?} failed ({status})"))
}

/// The licences of every package in the exporter's and the plugin's dependency trees.
fn third_party_licences(root: &Path) -> Result<String, String> {
    let output = Command::new(env!("CARGO"))
        .current_dir(root)
        .args(["metadata", "--format-version", "1", "--locked"])
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!("cargo metadata failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    let packages = metadata["packages"].as_array().cloned().unwrap_or_default();
    let nodes = metadata["resolve"]["nodes"].as_array().cloned().unwrap_or_default();
    let deps_of = |id: &str| -> Vec<String> {
        nodes
            .iter()
            .find(|n| n["id"] == id)
            .and_then(|n| n["deps"].as_array())
            .map(|deps| {
                deps.iter()
                    // Normal dependencies only: what is compiled into the shipped files.
                    .filter(|d| d["dep_kinds"].as_array().is_some_and(|k| k.iter().any(|k| k["kind"].is_null())))
                    .filter_map(|d| d["pkg"].as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut seen = std::collections::BTreeSet::new();
    let mut stack: Vec<String> = packages
        .iter()
        .filter(|p| p["name"] == "afterglow-exporter" || p["name"] == "afterglow-plugin")
        .filter_map(|p| p["id"].as_str().map(String::from))
        .collect();
    while let Some(id) = stack.pop() {
        if seen.insert(id.clone()) {
            stack.extend(deps_of(&id));
        }
    }
    let mut lines: Vec<String> = packages
        .iter()
        .filter(|p| p["id"].as_str().is_some_and(|id| seen.contains(id)) && p["source"].is_string())
        .map(|p| {
            let licence = p["license"].as_str().unwrap_or("see the crate's licence file");
            format!("{} {}: {licence}", p["name"].as_str().unwrap_or("?"), p["version"].as_str().unwrap_or("?"))
        })
        .collect();
    lines.sort();
    lines.dedup();
    Ok(format!(
        "afterglow is free software under the GNU General Public License, version 3 or later (LICENSE).\n\
         It compiles in these crates from crates.io, under these licences ({} crates):\n\n{}\n",
        lines.len(),
        lines.join("\n")
    ))
}

fn write_tar_gz(path: &Path, entries: &[Entry]) -> Result<(), String> {
    let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut archive = tar::Builder::new(flate2::write::GzEncoder::new(file, flate2::Compression::best()));
    for entry in entries {
        archive.append_path_with_name(&entry.from, &entry.to).map_err(|e| format!("{}: {e}", entry.from.display()))?;
    }
    let encoder = archive.into_inner().map_err(|e| format!("{}: {e}", path.display()))?;
    encoder.finish().map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(())
}

fn write_zip(path: &Path, entries: &[Entry]) -> Result<(), String> {
    let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut archive = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for entry in entries {
        let bytes = std::fs::read(&entry.from).map_err(|e| format!("{}: {e}", entry.from.display()))?;
        archive.start_file(entry.to.as_str(), options).map_err(|e| format!("{}: {e}", path.display()))?;
        archive.write_all(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    archive.finish().map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(())
}

/// Builds everything and writes both archives; returns the exit code.
pub fn run_dist() -> i32 {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the workspace").to_path_buf();
    match dist(&root) {
        Ok(archives) => {
            for archive in archives {
                println!("{}", archive.display());
            }
            0
        }
        Err(err) => {
            eprintln!("error: {err}");
            1
        }
    }
}

fn dist(root: &Path) -> Result<Vec<PathBuf>, String> {
    let version = env!("CARGO_PKG_VERSION");
    let windows = windows_build::build(root)?;
    nice_plug_xtask::main_with_args("cargo xtask", ["bundle", "afterglow-plugin", "--release"].map(String::from))
        .map_err(|e| format!("bundling the Linux plugin: {e}"))?;
    run(Command::new(env!("CARGO")).current_dir(root).args(["build", "--release", "--locked", "-p", "afterglow-exporter"]))?;

    let out = root.join("target/dist");
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let licences = out.join("THIRD-PARTY.txt");
    std::fs::write(&licences, third_party_licences(root)?).map_err(|e| format!("{}: {e}", licences.display()))?;
    let common = |folder: &str| {
        vec![
            Entry { from: root.join("README.md"), to: format!("{folder}/README.md") },
            Entry { from: root.join("LICENSE"), to: format!("{folder}/LICENSE") },
            Entry { from: licences.clone(), to: format!("{folder}/THIRD-PARTY.txt") },
        ]
    };

    let linux_folder = format!("afterglow-{version}-linux-x86_64");
    let mut linux = common(&linux_folder);
    linux.push(Entry { from: root.join("target/release/afterglow"), to: format!("{linux_folder}/afterglow") });
    linux.push(Entry { from: root.join("target/bundled/Afterglow.clap"), to: format!("{linux_folder}/Afterglow.clap") });
    tree(&root.join("target/bundled/Afterglow.vst3"), &format!("{linux_folder}/Afterglow.vst3"), &mut linux)?;
    let linux_archive = out.join(format!("{linux_folder}.tar.gz"));
    write_tar_gz(&linux_archive, &linux)?;

    let windows_folder = format!("afterglow-{version}-windows-x86_64");
    let mut win = common(&windows_folder);
    win.push(Entry { from: windows.exporter.clone(), to: format!("{windows_folder}/afterglow.exe") });
    win.push(Entry { from: windows.clap.clone(), to: format!("{windows_folder}/Afterglow.clap") });
    tree(&windows.vst3, &format!("{windows_folder}/Afterglow.vst3"), &mut win)?;
    let windows_archive = out.join(format!("{windows_folder}.zip"));
    write_zip(&windows_archive, &win)?;
    Ok(vec![linux_archive, windows_archive])
}
