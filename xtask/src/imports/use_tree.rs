//! Use trees: a `use` item flattened into one path per imported name or glob.

use syn::UseTree;
use syn::ext::IdentExt;

/// One leaf of a `use` tree: the full path it names and the name it binds (`None` for a glob or `as _`).
#[derive(Debug, Clone)]
pub struct UseLeaf {
    pub segs: Vec<String>,
    pub bind: Option<String>,
    pub glob: bool,
    /// `use ::name::...`: always another crate.
    pub leading_colon: bool,
}

impl UseLeaf {
    /// The leaf as written in an import (`use crate::a::B`, `use super::x::*`).
    pub fn text(&self) -> String {
        format!("use {}{}", self.segs.join("::"), if self.glob { "::*" } else { "" })
    }
}

/// Every leaf of `use <tree>;`.
pub fn flatten(tree: &UseTree, leading_colon: bool) -> Vec<UseLeaf> {
    let mut leaves = Vec::new();
    walk(tree, &mut Vec::new(), leading_colon, &mut leaves);
    leaves
}

fn walk(tree: &UseTree, prefix: &mut Vec<String>, leading_colon: bool, leaves: &mut Vec<UseLeaf>) {
    let leaf = |segs: Vec<String>, bind: Option<String>, glob: bool| UseLeaf {
        segs,
        bind,
        glob,
        leading_colon,
    };
    match tree {
        UseTree::Path(path) => {
            prefix.push(path.ident.unraw().to_string());
            walk(&path.tree, prefix, leading_colon, leaves);
            prefix.pop();
        }
        UseTree::Name(name) => {
            let (segs, bind) = named(prefix, &name.ident.unraw().to_string());
            leaves.push(leaf(segs, Some(bind), false));
        }
        UseTree::Rename(rename) => {
            let (segs, _) = named(prefix, &rename.ident.unraw().to_string());
            let bind = rename.rename.unraw().to_string();
            leaves.push(leaf(segs, (bind != "_").then_some(bind), false));
        }
        UseTree::Glob(_) => leaves.push(leaf(prefix.clone(), None, true)),
        UseTree::Group(group) => {
            for item in &group.items {
                walk(item, prefix, leading_colon, leaves);
            }
        }
    }
}

/// The path and bound name of `prefix::name`, where `name` may be `self` (`use a::b::{self}` binds `b`).
fn named(prefix: &[String], name: &str) -> (Vec<String>, String) {
    if name == "self" && !prefix.is_empty() {
        (prefix.to_vec(), prefix[prefix.len() - 1].clone())
    } else {
        let mut segs = prefix.to_vec();
        segs.push(name.to_string());
        (segs, name.to_string())
    }
}
