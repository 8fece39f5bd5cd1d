//! Workspace discovery: the member crates named by the workspace `Cargo.toml` and each one's crate roots under `src/`.

use std::path::{Path, PathBuf};

/// One member crate: where its sources are and which files start its module trees.
#[derive(Debug)]
pub struct CrateDir {
    /// The member as the workspace names it (`plugin`), used in the report.
    pub name: String,
    /// Its `src/` folder, and that folder relative to the workspace root (`plugin/src`).
    pub src: PathBuf,
    pub src_display: String,
    /// Crate roots under `src/`: the library, the main binary and the other binaries.
    pub roots: Vec<PathBuf>,
}

/// The members of the workspace at `root` (or the single package there), in the order listed.
pub fn members(root: &Path) -> Result<Vec<CrateDir>, String> {
    let manifest = read_manifest(&root.join("Cargo.toml"))?;
    let names: Vec<String> = match manifest.get("workspace").and_then(|w| w.get("members")) {
        Some(members) => members
            .as_array()
            .ok_or("workspace.members is not a list")?
            .iter()
            .filter_map(|m| m.as_str().map(str::to_string))
            .collect(),
        None if manifest.contains_key("package") => vec![".".to_string()],
        None => return Err(format!("{}: no [workspace] members and no [package]", root.display())),
    };
    let mut crates = Vec::new();
    for name in names {
        for member in expand(root, &name)? {
            crates.push(crate_dir(root, &member)?);
        }
    }
    Ok(crates)
}

/// A member entry, with a trailing `/*` glob expanded to the folders below it that hold a `Cargo.toml`.
fn expand(root: &Path, name: &str) -> Result<Vec<String>, String> {
    let Some(prefix) = name.strip_suffix("/*") else {
        return Ok(vec![name.to_string()]);
    };
    let dir = root.join(prefix);
    let entries = std::fs::read_dir(&dir).map_err(|err| format!("{}: {err}", dir.display()))?;
    let mut found: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().join("Cargo.toml").is_file())
        .map(|e| format!("{prefix}/{}", e.file_name().to_string_lossy()))
        .collect();
    found.sort();
    Ok(found)
}

fn crate_dir(root: &Path, name: &str) -> Result<CrateDir, String> {
    let dir = root.join(name);
    let manifest = read_manifest(&dir.join("Cargo.toml"))?;
    let src = super::tree::normalize(&dir.join("src"));
    let mut roots = vec![src.join("lib.rs"), src.join("main.rs")];
    let declared = |key: &str| -> Vec<PathBuf> {
        let targets = match manifest.get(key) {
            Some(toml::Value::Array(list)) => list.iter().collect(),
            Some(table) => vec![table],
            None => Vec::new(),
        };
        targets
            .iter()
            .filter_map(|t| t.get("path")?.as_str().map(|p| dir.join(p)))
            .collect()
    };
    roots.extend(declared("lib"));
    roots.extend(declared("bin"));
    if let Ok(entries) = std::fs::read_dir(src.join("bin")) {
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            roots.push(if path.is_dir() { path.join("main.rs") } else { path });
        }
    }
    let mut roots: Vec<PathBuf> = roots
        .into_iter()
        .map(|p| super::tree::normalize(&p))
        .filter(|p| p.is_file() && p.starts_with(&src) && p.extension().is_some_and(|e| e == "rs"))
        .collect();
    roots.sort();
    roots.dedup();
    let src_display = src.strip_prefix(root).unwrap_or(&src).to_string_lossy().into_owned();
    Ok(CrateDir {
        name: name.to_string(),
        src,
        src_display,
        roots,
    })
}

fn read_manifest(path: &Path) -> Result<toml::Table, String> {
    let text = std::fs::read_to_string(path).map_err(|err| format!("{}: {err}", path.display()))?;
    text.parse::<toml::Table>()
        .map_err(|err| format!("{}: {err}", path.display()))
}
