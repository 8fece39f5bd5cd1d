//! Portable math: `cargo xtask check-math` fails when the engine, the catalogue or the exporter calls
//! the platform's math library (`x.sin()`, `f32::ln(x)`, ...) instead of `engine::rt::math`, whose
//! functions give the same bits on Linux and Windows. One such call is enough for a pack rendered on
//! two systems to differ. The plugin's editor (drawing only) may use the platform's.

use std::path::{Path, PathBuf};
use syn::visit::Visit;

/// The `f32`/`f64` methods that go to the platform's C math library.
const PLATFORM_METHODS: [&str; 17] = [
    "sin", "cos", "tan", "sin_cos", "tanh", "sinh", "cosh", "asin", "acos", "atan", "atan2", "exp", "exp2",
    "exp_m1", "ln", "ln_1p", "log10",
];
/// ... and the complex-number methods that call them (num-complex's `norm` is `hypot`, `arg` is
/// `atan2`).
const MORE_PLATFORM_METHODS: [&str; 10] = ["log2", "log", "powf", "cbrt", "hypot", "norm", "arg", "to_polar", "from_polar", "cis"];
/// Source folders whose results must be the same on every platform.
const PORTABLE_SOURCES: [&str; 3] = ["engine/src", "catalogue/src", "exporter/src"];
/// The one file that may call them: it defines the portable versions.
const EXEMPT: &str = "engine/src/rt/math.rs";

/// One call to a platform math function: `file:line: x.sin()`.
#[derive(Debug)]
pub struct PlatformCall {
    pub file: PathBuf,
    pub line: usize,
    pub call: String,
}

fn is_platform(name: &str) -> bool {
    PLATFORM_METHODS.contains(&name) || MORE_PLATFORM_METHODS.contains(&name)
}

struct Finder<'a> {
    file: &'a Path,
    found: Vec<PlatformCall>,
}

impl<'ast> Visit<'ast> for Finder<'_> {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let name = call.method.to_string();
        if is_platform(&name) {
            let line = call.method.span().start().line;
            self.found.push(PlatformCall { file: self.file.to_path_buf(), line, call: format!(".{name}()") });
        }
        syn::visit::visit_expr_method_call(self, call);
    }

    fn visit_expr_path(&mut self, path: &'ast syn::ExprPath) {
        let segments: Vec<String> = path.path.segments.iter().map(|s| s.ident.to_string()).collect();
        if let [.., float, name] = segments.as_slice()
            && (float == "f32" || float == "f64")
            && is_platform(name)
        {
            let line = path.path.segments.last().map_or(0, |s| s.ident.span().start().line);
            self.found.push(PlatformCall { file: self.file.to_path_buf(), line, call: format!("{float}::{name}") });
        }
        syn::visit::visit_expr_path(self, path);
    }

    /// Macro arguments (`assert!(x.ln() > 0.0)`, `vec![a.sin(); n]`) are tokens to syn: read them as
    /// expressions separated by commas or semicolons where they parse.
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        use syn::parse::Parser;
        use syn::punctuated::Punctuated;
        let by_comma = Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated.parse2(mac.tokens.clone());
        let exprs: Vec<syn::Expr> = match by_comma {
            Ok(exprs) => exprs.into_iter().collect(),
            Err(_) => Punctuated::<syn::Expr, syn::Token![;]>::parse_terminated
                .parse2(mac.tokens.clone())
                .map(|e| e.into_iter().collect())
                .unwrap_or_default(),
        };
        for expr in &exprs {
            self.visit_expr(expr);
        }
        syn::visit::visit_macro(self, mac);
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every platform math call in the portable sources under `root`.
pub fn find(root: &Path) -> Result<Vec<PlatformCall>, String> {
    let mut files = Vec::new();
    for dir in PORTABLE_SOURCES {
        rust_files(&root.join(dir), &mut files);
    }
    let mut found = Vec::new();
    for path in files {
        if path.ends_with(EXEMPT) {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let parsed = syn::parse_file(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut finder = Finder { file: &path, found: Vec::new() };
        finder.visit_file(&parsed);
        found.extend(finder.found);
    }
    Ok(found)
}

/// `cargo xtask check-math`: prints each platform call and returns the exit code.
pub fn run() -> i32 {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    match find(&root) {
        Ok(found) if found.is_empty() => {
            println!("no platform math calls in {}", PORTABLE_SOURCES.join(", "));
            0
        }
        Ok(found) => {
            for call in &found {
                eprintln!("{}:{}: {} (use engine::rt::math)", call.file.display(), call.line, call.call);
            }
            1
        }
        Err(err) => {
            eprintln!("error: {err}");
            1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_engine_catalogue_and_exporter_use_only_portable_math() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let found = find(&root).unwrap();
        assert!(found.is_empty(), "platform math calls: {found:#?}");
    }

    #[test]
    fn method_and_path_calls_are_both_found() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("engine/src");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::write(
            src.join("lib.rs"),
            "fn f(x: f32) -> f32 { let y = (x * 2.0).sin(); assert!(y.exp2() > 0.0, \"{}\", y.tanh()); f64::ln(y as f64) as f32 + math::cos(x) }",
        )
        .unwrap();
        let found = find(dir.path()).unwrap();
        let calls: Vec<&str> = found.iter().map(|c| c.call.as_str()).collect();
        assert_eq!(calls, [".sin()", ".exp2()", ".tanh()", "f64::ln"]);
    }
}
