//! Module trees: which file holds which module of a crate, and what each module defines and imports.

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

use syn::ext::IdentExt;
use syn::{ForeignItem, Item, ItemMod};

use super::cfg::is_test_only;
use super::items::{item_attrs, item_name, path_attr};
use super::use_tree::{UseLeaf, flatten};

pub type ModId = usize;
pub type FileId = usize;

/// One module instance of a module tree (a file can hold several: inline modules, or one file
/// reached from two crate roots).
#[derive(Debug, Default)]
pub struct Module {
    pub file: FileId,
    pub parent: Option<ModId>,
    pub children: BTreeMap<String, ModId>,
    /// Items defined in the module, with the file defining them (a `#[macro_export]` macro is
    /// defined at the crate root but lives in its own file).
    pub defs: BTreeMap<String, FileId>,
    /// The module-level `use` leaves: the names it brings in and its globs.
    pub uses: Vec<UseLeaf>,
}

/// One parsed source file.
pub struct SourceFile {
    /// Path relative to the workspace root (`plugin/src/mining/mod.rs`).
    pub display: String,
    /// Components below the crate's `src/` used for folder grouping; a file reached through
    /// `#[path]` from outside `src/` is placed where its module would be without the attribute.
    pub logical: Vec<String>,
    pub ast: Rc<syn::File>,
    /// The module instances whose top level is this file.
    pub tops: Vec<ModId>,
}

/// All module trees of one crate (library, binaries).
#[derive(Default)]
pub struct Forest {
    pub files: Vec<SourceFile>,
    pub modules: Vec<Module>,
    pub warnings: Vec<String>,
    by_path: HashMap<PathBuf, FileId>,
    workspace: PathBuf,
    src: PathBuf,
}

/// Where the `mod name;` declarations of the items being read find their files.
#[derive(Clone)]
struct Dirs {
    /// `mod x;` is `children/x.rs` or `children/x/mod.rs`.
    children: PathBuf,
    /// `#[path = "p"] mod x;` is `path_base/p`.
    path_base: PathBuf,
    /// `children` as components below `src/`, for files placed outside it.
    logical: Vec<String>,
}

impl Forest {
    /// Reads the module trees starting at `roots` (files under `src`); `workspace` is the root that
    /// displayed paths are relative to. Unreadable or unparsable files become warnings.
    pub fn load(workspace: &Path, src: &Path, roots: &[PathBuf]) -> Forest {
        let mut forest = Forest {
            workspace: workspace.to_path_buf(),
            src: src.to_path_buf(),
            ..Forest::default()
        };
        for root in roots {
            let Some(file) = forest.file(root, Vec::new()) else {
                continue;
            };
            let module = forest.new_module(file, None);
            let dir = normalize(root.parent().unwrap_or(src));
            let logical = forest.logical_dir(&dir, Vec::new());
            let dirs = Dirs {
                children: dir.clone(),
                path_base: dir,
                logical,
            };
            let ast = Rc::clone(&forest.files[file].ast);
            forest.read_items(module, &ast.items, &dirs);
        }
        forest
    }

    fn new_module(&mut self, file: FileId, parent: Option<ModId>) -> ModId {
        self.modules.push(Module {
            file,
            parent,
            ..Module::default()
        });
        let id = self.modules.len() - 1;
        if parent.is_none_or(|p| self.modules[p].file != file) {
            self.files[file].tops.push(id);
        }
        id
    }

    /// The file at `path`, parsed on first use; `fallback` is its logical place if outside `src/`.
    fn file(&mut self, path: &Path, fallback: Vec<String>) -> Option<FileId> {
        let path = normalize(path);
        if let Some(&id) = self.by_path.get(&path) {
            return Some(id);
        }
        let display = path
            .strip_prefix(&self.workspace)
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        let parsed = std::fs::read_to_string(&path)
            .map_err(|err| err.to_string())
            .and_then(|text| syn::parse_file(&text).map_err(|err| err.to_string()));
        let ast = match parsed {
            Ok(ast) => ast,
            Err(err) => {
                self.warnings.push(format!("{display}: {err} (file skipped)"));
                return None;
            }
        };
        let logical = match path.strip_prefix(&self.src) {
            Ok(rel) => components(rel),
            Err(_) => fallback,
        };
        self.files.push(SourceFile {
            display,
            logical,
            ast: Rc::new(ast),
            tops: Vec::new(),
        });
        let id = self.files.len() - 1;
        self.by_path.insert(path, id);
        Some(id)
    }

    /// Components of `dir` below `src/`, or `fallback` when it is elsewhere.
    fn logical_dir(&self, dir: &Path, fallback: Vec<String>) -> Vec<String> {
        dir.strip_prefix(&self.src).map_or(fallback, components)
    }

    fn read_items(&mut self, module: ModId, items: &[Item], dirs: &Dirs) {
        for item in items {
            if is_test_only(item_attrs(item)) {
                continue;
            }
            let file = self.modules[module].file;
            match item {
                Item::Mod(decl) => self.read_mod(module, decl, dirs),
                Item::Use(u) => {
                    let leaves = flatten(&u.tree, u.leading_colon.is_some());
                    self.modules[module].uses.extend(leaves);
                }
                Item::Macro(m) if m.mac.path.is_ident("macro_rules") => {
                    if let Some(name) = &m.ident {
                        let exported = m.attrs.iter().any(|a| a.path().is_ident("macro_export"));
                        let at = if exported {
                            root_of(&self.modules, module)
                        } else {
                            module
                        };
                        self.modules[at].defs.insert(name.unraw().to_string(), file);
                    }
                }
                Item::ForeignMod(foreign) => {
                    for foreign_item in &foreign.items {
                        let ident = match foreign_item {
                            ForeignItem::Fn(f) => &f.sig.ident,
                            ForeignItem::Static(s) => &s.ident,
                            ForeignItem::Type(t) => &t.ident,
                            _ => continue,
                        };
                        self.modules[module].defs.insert(ident.unraw().to_string(), file);
                    }
                }
                other => {
                    if let Some(name) = item_name(other) {
                        self.modules[module].defs.insert(name, file);
                    }
                }
            }
        }
    }

    fn read_mod(&mut self, parent: ModId, decl: &ItemMod, dirs: &Dirs) {
        let name = decl.ident.unraw().to_string();
        let path_attr = path_attr(&decl.attrs);
        let mut logical = dirs.logical.clone();
        logical.push(name.clone());
        if let Some((_, items)) = &decl.content {
            let child = self.new_module(self.modules[parent].file, Some(parent));
            self.modules[parent].children.insert(name.clone(), child);
            let dir = match &path_attr {
                Some(p) => normalize(&dirs.path_base.join(p)),
                None => dirs.children.join(&name),
            };
            let logical = self.logical_dir(&dir, logical);
            self.read_items(
                child,
                items,
                &Dirs {
                    children: dir.clone(),
                    path_base: dir,
                    logical,
                },
            );
            return;
        }
        let (path, mod_rs) = match &path_attr {
            Some(p) => (normalize(&dirs.path_base.join(p)), true),
            None => {
                let flat = dirs.children.join(format!("{name}.rs"));
                let nested = dirs.children.join(&name).join("mod.rs");
                if flat.is_file() {
                    (flat, false)
                } else if nested.is_file() {
                    (nested, true)
                } else {
                    let from = &self.files[self.modules[parent].file].display;
                    self.warnings.push(format!("{from}: no file for `mod {name};`"));
                    return;
                }
            }
        };
        let mut fallback = dirs.logical.clone();
        fallback.push(format!("{name}.rs"));
        let Some(file) = self.file(&path, fallback) else { return };
        if self.ancestors(parent).any(|m| self.modules[m].file == file) {
            self.warnings
                .push(format!("{}: module includes itself", self.files[file].display));
            return;
        }
        let child = self.new_module(file, Some(parent));
        self.modules[parent].children.insert(name.clone(), child);
        let parent_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let children = if mod_rs {
            parent_dir.clone()
        } else {
            parent_dir.join(&name)
        };
        let child_dirs = Dirs {
            logical: self.logical_dir(&children, logical),
            children,
            path_base: parent_dir,
        };
        let ast = Rc::clone(&self.files[file].ast);
        self.read_items(child, &ast.items, &child_dirs);
    }

    fn ancestors(&self, module: ModId) -> impl Iterator<Item = ModId> + '_ {
        std::iter::successors(Some(module), |&m| self.modules[m].parent)
    }
}

/// The crate root above `module`.
pub fn root_of(modules: &[Module], mut module: ModId) -> ModId {
    while let Some(parent) = modules[module].parent {
        module = parent;
    }
    module
}

fn components(path: &Path) -> Vec<String> {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect()
}

/// `path` with `.` and `..` removed lexically (no symbolic links are followed).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}
