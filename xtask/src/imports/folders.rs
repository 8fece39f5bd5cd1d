//! Folder cycles: at each folder level, sibling entries (file modules, folders) that import each other in a circle.

use std::collections::{BTreeMap, BTreeSet};

use super::graph::{Edges, closed_walk, sccs};

/// A cycle among the entries of folder `dir` (components below `src/`).
#[derive(Debug)]
pub struct FolderCycle {
    pub dir: Vec<String>,
    /// Entries as paths below `src/`: `mining/` for a folder, `params.rs` for a file.
    pub members: Vec<String>,
    pub steps: Vec<FolderStep>,
}

/// One edge of the cycle and the file import behind it.
#[derive(Debug)]
pub struct FolderStep {
    pub from: String,
    pub to: String,
    pub files: (usize, usize),
}

/// The folder cycles of a crate whose files sit at `logical` (components below `src/`) and import each
/// other along `edges`, leaving out those a single file cycle of `file_sccs` already spans.
pub fn folder_cycles(logical: &[&[String]], edges: &Edges, file_sccs: &[Vec<usize>]) -> Vec<FolderCycle> {
    let dirs: BTreeSet<&[String]> = logical
        .iter()
        .flat_map(|path| (0..path.len()).map(|n| &path[..n]))
        .collect();
    let mut cycles = Vec::new();
    for &dir in &dirs {
        let keys: Vec<Option<String>> = logical.iter().map(|path| entry(path, dir)).collect();
        let names: BTreeSet<&String> = keys.iter().flatten().collect();
        let index: BTreeMap<&String, usize> = names.iter().enumerate().map(|(i, &k)| (k, i)).collect();
        let names: Vec<&String> = names.into_iter().collect();
        let mut entry_edges: Edges<(usize, usize)> = Edges::new();
        for &(from, to) in edges.keys() {
            if let (Some(a), Some(b)) = (&keys[from], &keys[to])
                && a != b
            {
                entry_edges.entry((index[a], index[b])).or_insert((from, to));
            }
        }
        for component in sccs(names.len(), &entry_edges) {
            let spanned = file_sccs.iter().any(|files| {
                let touched: BTreeSet<usize> = files
                    .iter()
                    .filter_map(|&f| keys[f].as_ref().map(|k| index[k]))
                    .collect();
                component.iter().all(|e| touched.contains(e))
            });
            if spanned {
                continue;
            }
            let label = |i: usize| label(names[i], dir, &dirs);
            let steps = closed_walk(&component, &entry_edges)
                .into_iter()
                .map(|(a, b)| FolderStep {
                    from: label(a),
                    to: label(b),
                    files: entry_edges[&(a, b)],
                })
                .collect();
            let members = component.iter().map(|&i| label(i)).collect();
            cycles.push(FolderCycle {
                dir: dir.to_vec(),
                members,
                steps,
            });
        }
    }
    cycles
}

/// The entry of folder `dir` that holds the file at `path`: its module name (a file `foo.rs` and a
/// folder `foo/` are both `foo`), `mod` for the folder's own `mod.rs`, `^` for the `foo.rs` beside the
/// folder `foo/`; `None` when the file is elsewhere.
fn entry(path: &[String], dir: &[String]) -> Option<String> {
    if path.len() > dir.len() && path.starts_with(dir) {
        let rest = &path[dir.len()..];
        return Some(match rest {
            [file] if file == "mod.rs" && !dir.is_empty() => "mod".to_string(),
            [file] => file.strip_suffix(".rs").unwrap_or(file).to_string(),
            [folder, ..] => folder.clone(),
            [] => unreachable!(),
        });
    }
    let (last, parent) = dir.split_last()?;
    (path.len() == dir.len() && path.starts_with(parent) && path[parent.len()] == format!("{last}.rs"))
        .then(|| "^".to_string())
}

/// An entry as a path below `src/`.
fn label(key: &str, dir: &[String], dirs: &BTreeSet<&[String]>) -> String {
    let prefix: String = dir.iter().map(|d| format!("{d}/")).collect();
    let mut sub = dir.to_vec();
    sub.push(key.to_string());
    match key {
        "mod" => format!("{prefix}mod.rs"),
        "^" => {
            let (last, parent) = dir.split_last().unwrap();
            format!(
                "{}{last}.rs",
                parent.iter().map(|d| format!("{d}/")).collect::<String>()
            )
        }
        _ if dirs.contains(sub.as_slice()) => format!("{prefix}{key}/"),
        _ => format!("{prefix}{key}.rs"),
    }
}
