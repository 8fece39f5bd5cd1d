//! Path resolution: from where a path is written to the file defining what it names, through `use` re-exports.

use super::tree::{FileId, Forest, ModId, Module, root_of};
use super::use_tree::UseLeaf;

/// How deep `use` chains (re-exports of re-exports, globs) are followed.
const MAX_DEPTH: usize = 12;

/// The file that `segs`, written in module `from`, resolves to; `None` for paths into other crates,
/// local variables, generics and the like.
pub fn resolve(forest: &Forest, from: ModId, segs: &[String]) -> Option<FileId> {
    match walk(&forest.modules, from, segs, 0) {
        Resolved::Found(file) | Resolved::Partial(file) => Some(file),
        Resolved::Outside => None,
    }
}

enum Resolved {
    /// The path names a module of this crate or an item defined in it.
    Found(FileId),
    /// The path reaches this module's file but names something it does not define or import (a
    /// name from another crate it re-exports, or an item the check does not see).
    Partial(FileId),
    /// The path leaves the crate or names nothing in it.
    Outside,
}

fn walk(modules: &[Module], from: ModId, segs: &[String], depth: usize) -> Resolved {
    if depth > MAX_DEPTH || segs.is_empty() {
        return Resolved::Outside;
    }
    let mut cur = from;
    let mut i = 0;
    match segs[0].as_str() {
        "crate" => {
            cur = root_of(modules, from);
            i = 1;
        }
        "self" | "super" => {}
        "Self" => return Resolved::Outside,
        head => {
            let module = &modules[from];
            if !module.children.contains_key(head) {
                if let Some(&file) = module.defs.get(head) {
                    return Resolved::Found(file);
                }
                if let Some(leaf) = binding(module, head) {
                    return walk(modules, from, &joined(&leaf.segs, &segs[1..]), depth + 1);
                }
                return through_globs(modules, from, segs, depth).unwrap_or(Resolved::Outside);
            }
        }
    }
    while let Some(seg) = segs.get(i) {
        match seg.as_str() {
            "self" => {}
            "super" => match modules[cur].parent {
                Some(parent) => cur = parent,
                None => return Resolved::Outside,
            },
            _ => break,
        }
        i += 1;
    }
    while let Some(name) = segs.get(i) {
        let module = &modules[cur];
        if let Some(&child) = module.children.get(name) {
            cur = child;
            i += 1;
            continue;
        }
        if let Some(&file) = module.defs.get(name) {
            return Resolved::Found(file);
        }
        if let Some(leaf) = binding(module, name) {
            return match walk(modules, cur, &joined(&leaf.segs, &segs[i + 1..]), depth + 1) {
                Resolved::Outside => Resolved::Partial(module.file),
                found => found,
            };
        }
        return through_globs(modules, cur, &segs[i..], depth).unwrap_or(Resolved::Partial(module.file));
    }
    Resolved::Found(modules[cur].file)
}

/// `segs` (starting with a name not found in `module` itself) looked up in the module's glob imports
/// of this crate's modules; only a definite find counts.
fn through_globs(modules: &[Module], module: ModId, segs: &[String], depth: usize) -> Option<Resolved> {
    let internal = |leaf: &&UseLeaf| {
        let head = leaf.segs.first().map_or("", String::as_str);
        matches!(head, "crate" | "self" | "super") || modules[module].children.contains_key(head)
    };
    modules[module]
        .uses
        .iter()
        .filter(|leaf| leaf.glob && !leaf.leading_colon)
        .filter(internal)
        .find_map(
            |glob| match walk(modules, module, &joined(&glob.segs, segs), depth + 1) {
                found @ Resolved::Found(_) => Some(found),
                _ => None,
            },
        )
}

/// The module-level `use` that binds `name` in `module`.
fn binding<'m>(module: &'m Module, name: &str) -> Option<&'m UseLeaf> {
    module
        .uses
        .iter()
        .find(|leaf| !leaf.leading_colon && leaf.bind.as_deref() == Some(name))
}

fn joined(head: &[String], tail: &[String]) -> Vec<String> {
    head.iter().chain(tail).cloned().collect()
}
