//! Import cycles: `cargo xtask check-imports` fails when a crate's files or folders import each other in a circle.
//!
//! Every workspace member (from the workspace `Cargo.toml`) is read from its crate roots under `src/`
//! (`lib.rs`, `main.rs`, `bin/*.rs`, `bin/*/main.rs`, and `[lib]`/`[[bin]]` paths) by following
//! `mod` declarations, `#[path = "..."]` included, and parsed with `syn`.
//!
//! - **Nodes** are module files. `lib.rs`/`main.rs` is a crate root; `foo.rs` and `foo/mod.rs` are the
//!   module `foo`, and `foo.rs` beside a `foo/` folder is one module whose children live in the folder.
//!   Inline modules (`mod m { ... }`) belong to their file. Items under `#[cfg(test)]` (or `#[test]`)
//!   are ignored entirely, so a file declared only as `#[cfg(test)] mod tests;` is no node at all.
//! - **Edges**: file X imports file Y when X's non-test code holds a path that resolves to an item in Y:
//!   `use crate::a::b::C`, `use super::...`, `use self::...`, grouped and glob uses, and paths written
//!   in code (`crate::a::b::f()`, `super::x::Y` in types and expressions, and `crate::`/`super::`/`self::`
//!   paths inside macro invocations). A path resolves to the deepest module it names; when the next
//!   segment is a name that module brings in with a `use` (a re-export such as `pub use worker::Miner`
//!   in `mining/mod.rs`), the `use` is followed to the file defining the item (recursively, depth-limited);
//!   names from glob uses are looked up in the glob's module. Paths headed by a child module or a name
//!   imported by a module-level `use` are resolved too. A `mod child;` declaration is containment, not an
//!   edge, but a `pub use child::X` in the parent is an edge parent -> child. Edges from a file to itself
//!   and paths into other crates (`engine::...`, `std::...`) are ignored.
//! - **File cycle**: a strongly connected component of two or more files of the file graph (a child
//!   using `super::T` defined in its parent's file while the parent re-exports the child is one).
//! - **Folder cycle**: at each folder level the nodes are the sibling entries: every file module, every
//!   folder (a folder `foo/` and its `foo.rs` are one node `foo`), and inside a folder its own module
//!   file (`mod.rs`, or the `foo.rs` beside it). Node P imports sibling Q when a file in P imports a file
//!   in Q; a strongly connected component of two or more siblings is a folder cycle, unless a single file
//!   cycle already touches all of its nodes (then it is that file cycle, reported once).
//!
//! Output: each cycle as a chain of edges with one example import each; exit code 1 when any cycle is
//! found, else 0 with "no import cycles in N files of M crates".

mod cfg;
mod folders;
mod graph;
mod items;
mod refs;
mod report;
mod resolve;
mod tree;
mod use_tree;
mod workspace;

#[cfg(test)]
mod tests;

use std::path::Path;

use report::Report;

/// Checks the workspace rooted at `root` (the folder holding the workspace `Cargo.toml`).
pub fn check(root: &Path) -> Result<Report, String> {
    let root = root
        .canonicalize()
        .map_err(|err| format!("{}: {err}", root.display()))?;
    let mut report = Report::default();
    for krate in workspace::members(&root)? {
        let forest = tree::Forest::load(&root, &krate.src, &krate.roots);
        let edges = graph::file_edges(&forest);
        report.files += forest.files.len();
        report.crates += 1;
        report.warnings.extend(forest.warnings.iter().cloned());
        let file_sccs = graph::sccs(forest.files.len(), &edges);
        let mut by_name: Vec<Vec<usize>> = file_sccs.clone();
        for members in &mut by_name {
            members.sort_by(|&a, &b| forest.files[a].display.cmp(&forest.files[b].display));
        }
        by_name.sort_by(|a, b| forest.files[a[0]].display.cmp(&forest.files[b[0]].display));
        for members in &by_name {
            report
                .cycles
                .push(report::file_cycle(&krate.name, &forest, &edges, members));
        }
        let logical: Vec<&[String]> = forest.files.iter().map(|f| f.logical.as_slice()).collect();
        for cycle in folders::folder_cycles(&logical, &edges, &file_sccs) {
            report.cycles.push(report::folder_cycle(
                &krate.name,
                &krate.src_display,
                &forest,
                &edges,
                cycle,
            ));
        }
    }
    Ok(report)
}

/// `cargo xtask check-imports`: prints the cycles of the workspace this xtask belongs to and returns the
/// exit code (1 when there is a cycle, 2 when the workspace cannot be read).
pub fn run() -> i32 {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    match check(&root) {
        Ok(report) => {
            for warning in &report.warnings {
                eprintln!("warning: {warning}");
            }
            print!("{}", report.render());
            i32::from(!report.cycles.is_empty())
        }
        Err(err) => {
            eprintln!("error: {err}");
            2
        }
    }
}
