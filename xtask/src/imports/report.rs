//! The report: each cycle as a chain of imports with one example each, and the summary line.

use std::fmt::Write;

use super::folders::FolderCycle;
use super::graph::{Edges, closed_walk};
use super::tree::Forest;

/// Everything the check found.
#[derive(Debug, Default)]
pub struct Report {
    pub crates: usize,
    pub files: usize,
    pub cycles: Vec<Cycle>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CycleKind {
    File,
    Folder,
}

/// One cycle: its members (workspace-relative paths; folders end in `/`) and a closed walk through them.
#[derive(Debug)]
pub struct Cycle {
    pub krate: String,
    pub kind: CycleKind,
    /// For a folder cycle, the folder whose entries form it (`plugin/src/`).
    pub folder: String,
    pub members: Vec<String>,
    pub steps: Vec<Step>,
}

/// `from -> to (via)`.
#[derive(Debug)]
pub struct Step {
    pub from: String,
    pub to: String,
    pub via: String,
}

impl Report {
    pub fn render(&self) -> String {
        let mut out = String::new();
        for cycle in &self.cycles {
            let (what, unit, place) = match cycle.kind {
                CycleKind::File => ("file", "files", String::new()),
                CycleKind::Folder => ("folder", "entries", format!(" in {}", cycle.folder)),
            };
            let n = cycle.members.len();
            writeln!(out, "{}: {what} cycle of {n} {unit}{place}:", cycle.krate).unwrap();
            for step in &cycle.steps {
                writeln!(out, "    {} -> {} ({})", step.from, step.to, step.via).unwrap();
            }
        }
        let totals = format!("{} files of {} crates", self.files, self.crates);
        if self.cycles.is_empty() {
            writeln!(out, "no import cycles in {totals}").unwrap();
        } else {
            let files = self.cycles.iter().filter(|c| c.kind == CycleKind::File).count();
            let folders = self.cycles.len() - files;
            writeln!(
                out,
                "{} import cycles ({files} between files, {folders} between folders) in {totals}",
                self.cycles.len()
            )
            .unwrap();
        }
        out
    }
}

/// A strongly connected component of the file graph as a cycle.
pub fn file_cycle(krate: &str, forest: &Forest, edges: &Edges, members: &[usize]) -> Cycle {
    let name = |f: usize| forest.files[f].display.clone();
    let steps = closed_walk(members, edges)
        .into_iter()
        .map(|(from, to)| Step {
            from: name(from),
            to: name(to),
            via: edges[&(from, to)].clone(),
        })
        .collect();
    let members = members.iter().map(|&f| name(f)).collect();
    Cycle {
        krate: krate.to_string(),
        kind: CycleKind::File,
        folder: String::new(),
        members,
        steps,
    }
}

/// A folder cycle with its entries shown below the crate's `src` (`plugin/src`).
pub fn folder_cycle(krate: &str, src: &str, forest: &Forest, edges: &Edges, cycle: FolderCycle) -> Cycle {
    let at = |entry: &str| format!("{src}/{entry}");
    let steps = cycle
        .steps
        .into_iter()
        .map(|step| {
            let (from, to) = step.files;
            let via = format!(
                "{} -> {}: {}",
                forest.files[from].display,
                forest.files[to].display,
                edges[&(from, to)]
            );
            Step {
                from: at(&step.from),
                to: at(&step.to),
                via,
            }
        })
        .collect();
    let folder = at(&cycle.dir.iter().map(|d| format!("{d}/")).collect::<String>());
    let members = cycle.members.iter().map(|m| at(m)).collect();
    Cycle {
        krate: krate.to_string(),
        kind: CycleKind::Folder,
        folder,
        members,
        steps,
    }
}
