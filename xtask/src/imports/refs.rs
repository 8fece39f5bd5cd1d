//! References: the `use` leaves and the multi-segment paths of a file's non-test code, macro bodies included.

use proc_macro2::{Spacing, TokenStream, TokenTree};
use syn::ext::IdentExt;
use syn::visit::{self, Visit};
use syn::{Arm, Attribute, Field, ImplItem, Item, Local, TraitItem, Variant};

use super::cfg::is_test_only;
use super::items::item_attrs;
use super::tree::{Forest, ModId};
use super::use_tree::flatten;

/// A path written in module `module`, and how to show it as an example import.
#[derive(Debug)]
pub struct Ref {
    pub module: ModId,
    pub segs: Vec<String>,
    pub text: String,
}

/// Every reference in the file whose top level is module `top`, in source order.
pub fn collect(forest: &Forest, top: ModId) -> Vec<Ref> {
    let ast = &forest.files[forest.modules[top].file].ast;
    let mut collector = Collector {
        forest,
        module: top,
        refs: Vec::new(),
    };
    for item in &ast.items {
        collector.visit_item(item);
    }
    collector.refs
}

struct Collector<'f> {
    forest: &'f Forest,
    module: ModId,
    refs: Vec<Ref>,
}

impl Collector<'_> {
    fn push(&mut self, segs: Vec<String>, text: String) {
        self.refs.push(Ref {
            module: self.module,
            segs,
            text,
        });
    }

    /// Paths in macro tokens, which `syn` leaves unparsed: `a::b` runs of identifiers (`$crate::x` too).
    fn scan(&mut self, tokens: TokenStream) {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < tokens.len() {
            match &tokens[i] {
                TokenTree::Group(group) => self.scan(group.stream()),
                TokenTree::Ident(ident) if !(i >= 2 && colons(&tokens, i - 2)) => {
                    let mut segs = vec![ident.unraw().to_string()];
                    while colons(&tokens, i + 1) {
                        let Some(TokenTree::Ident(next)) = tokens.get(i + 3) else {
                            break;
                        };
                        segs.push(next.unraw().to_string());
                        i += 3;
                    }
                    if segs.len() >= 2 {
                        let text = segs.join("::");
                        self.push(segs, text);
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }
}

/// Whether `tokens[at..]` starts with `::`.
fn colons(tokens: &[TokenTree], at: usize) -> bool {
    matches!(
        (tokens.get(at), tokens.get(at + 1)),
        (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)))
            if a.as_char() == ':' && a.spacing() == Spacing::Joint && b.as_char() == ':'
    )
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_item(&mut self, item: &'ast Item) {
        if is_test_only(item_attrs(item)) {
            return;
        }
        match item {
            Item::Mod(decl) => {
                let Some((_, items)) = &decl.content else { return };
                let name = decl.ident.unraw().to_string();
                let saved = self.module;
                if let Some(&child) = self.forest.modules[saved].children.get(&name) {
                    self.module = child;
                }
                for item in items {
                    self.visit_item(item);
                }
                self.module = saved;
            }
            Item::Use(u) => {
                for leaf in flatten(&u.tree, u.leading_colon.is_some()) {
                    if !leaf.leading_colon {
                        let text = leaf.text();
                        self.push(leaf.segs, text);
                    }
                }
            }
            _ => visit::visit_item(self, item),
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        if path.leading_colon.is_none() && path.segments.len() >= 2 {
            let segs: Vec<String> = path.segments.iter().map(|s| s.ident.unraw().to_string()).collect();
            let text = segs.join("::");
            self.push(segs, text);
        }
        visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        visit::visit_macro(self, mac);
        self.scan(mac.tokens.clone());
    }

    fn visit_attribute(&mut self, _: &'ast Attribute) {}

    fn visit_impl_item(&mut self, item: &'ast ImplItem) {
        let attrs: &[Attribute] = match item {
            ImplItem::Const(i) => &i.attrs,
            ImplItem::Fn(i) => &i.attrs,
            ImplItem::Type(i) => &i.attrs,
            ImplItem::Macro(i) => &i.attrs,
            _ => &[],
        };
        if !is_test_only(attrs) {
            visit::visit_impl_item(self, item);
        }
    }

    fn visit_trait_item(&mut self, item: &'ast TraitItem) {
        let attrs: &[Attribute] = match item {
            TraitItem::Const(i) => &i.attrs,
            TraitItem::Fn(i) => &i.attrs,
            TraitItem::Type(i) => &i.attrs,
            TraitItem::Macro(i) => &i.attrs,
            _ => &[],
        };
        if !is_test_only(attrs) {
            visit::visit_trait_item(self, item);
        }
    }

    fn visit_local(&mut self, local: &'ast Local) {
        if !is_test_only(&local.attrs) {
            visit::visit_local(self, local);
        }
    }

    fn visit_arm(&mut self, arm: &'ast Arm) {
        if !is_test_only(&arm.attrs) {
            visit::visit_arm(self, arm);
        }
    }

    fn visit_field(&mut self, field: &'ast Field) {
        if !is_test_only(&field.attrs) {
            visit::visit_field(self, field);
        }
    }

    fn visit_variant(&mut self, variant: &'ast Variant) {
        if !is_test_only(&variant.attrs) {
            visit::visit_variant(self, variant);
        }
    }

    fn visit_stmt_macro(&mut self, mac: &'ast syn::StmtMacro) {
        if !is_test_only(&mac.attrs) {
            visit::visit_stmt_macro(self, mac);
        }
    }
}
