//! Tests of the import-cycle check on small crate trees built in temporary folders, and on this workspace.

use std::path::Path;

use super::check;
use super::report::{CycleKind, Report};

/// A workspace with one member crate `demo` holding `files` (paths below `demo/`).
fn demo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("Cargo.toml", "[workspace]\nmembers = [\"demo\"]\n");
    write("demo/Cargo.toml", "[package]\nname = \"demo\"\nversion = \"0.1.0\"\n");
    for (path, text) in files {
        write(&format!("demo/{path}"), text);
    }
    dir
}

fn run(files: &[(&str, &str)]) -> Report {
    let dir = demo(files);
    let report = check(dir.path()).unwrap();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    report
}

/// The members of each cycle of `kind`.
fn cycles(report: &Report, kind: CycleKind) -> Vec<Vec<&str>> {
    report
        .cycles
        .iter()
        .filter(|c| c.kind == kind)
        .map(|c| c.members.iter().map(String::as_str).collect())
        .collect()
}

#[test]
fn two_files_importing_each_other_through_crate_paths_are_a_cycle() {
    let report = run(&[
        ("src/lib.rs", "mod a;\nmod b;\n"),
        ("src/a.rs", "use crate::b::B;\npub struct A(B);\n"),
        ("src/b.rs", "pub struct B;\npub fn make() -> crate::a::A { todo!() }\n"),
    ]);
    assert_eq!(
        cycles(&report, CycleKind::File),
        [["demo/src/a.rs", "demo/src/b.rs"]],
        "{}",
        report.render()
    );
    assert!(cycles(&report, CycleKind::Folder).is_empty(), "{}", report.render());
    let rendered = report.render();
    assert!(
        rendered.contains("demo/src/a.rs -> demo/src/b.rs (use crate::b::B)"),
        "{rendered}"
    );
    assert!(
        rendered.contains("demo/src/b.rs -> demo/src/a.rs (crate::a::A)"),
        "{rendered}"
    );
}

#[test]
fn a_cycle_through_a_reexport_in_mod_rs_is_found() {
    let report = run(&[
        ("src/lib.rs", "mod mining;\nmod params;\n"),
        ("src/mining/mod.rs", "mod worker;\npub use worker::Miner;\n"),
        (
            "src/mining/worker.rs",
            "use crate::params::Params;\npub struct Miner(Params);\n",
        ),
        (
            "src/params.rs",
            "use crate::mining::Miner;\npub struct Params;\nfn f(_: Miner) {}\n",
        ),
    ]);
    let files = cycles(&report, CycleKind::File);
    assert_eq!(
        files,
        [["demo/src/mining/worker.rs", "demo/src/params.rs"]],
        "{}",
        report.render()
    );
    assert!(
        report
            .render()
            .contains("demo/src/params.rs -> demo/src/mining/worker.rs (use crate::mining::Miner)")
    );
}

#[test]
fn a_child_using_its_parent_that_reexports_it_is_a_cycle() {
    let report = run(&[
        ("src/lib.rs", "mod mining;\n"),
        (
            "src/mining/mod.rs",
            "mod worker;\npub use worker::*;\npub struct Status;\n",
        ),
        ("src/mining/worker.rs", "pub struct Miner(super::Status);\n"),
    ]);
    let files = cycles(&report, CycleKind::File);
    assert_eq!(
        files,
        [["demo/src/mining/mod.rs", "demo/src/mining/worker.rs"]],
        "{}",
        report.render()
    );
}

#[test]
fn folders_importing_each_other_are_a_cycle_without_a_file_cycle() {
    let report = run(&[
        ("src/lib.rs", "mod a;\nmod b;\n"),
        ("src/a.rs", "pub mod w;\npub mod x;\n"),
        ("src/a/w.rs", "pub struct W;\n"),
        ("src/a/x.rs", "use crate::b::y::Y;\npub struct X(Y);\n"),
        ("src/b/mod.rs", "pub mod y;\npub mod z;\n"),
        ("src/b/y.rs", "pub struct Y;\n"),
        ("src/b/z.rs", "use crate::a::w::W;\npub struct Z(W);\n"),
    ]);
    assert!(cycles(&report, CycleKind::File).is_empty(), "{}", report.render());
    assert_eq!(
        cycles(&report, CycleKind::Folder),
        [["demo/src/a/", "demo/src/b/"]],
        "{}",
        report.render()
    );
    let rendered = report.render();
    assert!(
        rendered.contains("demo/src/a/ -> demo/src/b/ (demo/src/a/x.rs -> demo/src/b/y.rs: use crate::b::y::Y)"),
        "{rendered}"
    );
}

#[test]
fn an_acyclic_tree_passes() {
    let report = run(&[
        ("src/lib.rs", "pub mod a;\npub mod b;\npub mod c;\npub use c::C;\n"),
        (
            "src/a.rs",
            "use crate::{b::{self, B}, c::*};\npub fn f() -> B { b::make(crate::C) }\n",
        ),
        (
            "src/b.rs",
            "use super::c::C;\npub struct B;\npub fn make(_: C) -> B { B }\n",
        ),
        (
            "src/c.rs",
            "pub struct C;\nmod inner { pub fn g() { let _ = self::h(); } fn h() {} }\n",
        ),
        ("src/bin/tool.rs", "mod helper;\nfn main() { helper::run() }\n"),
        ("src/bin/helper.rs", "pub fn run() { let _ = std::env::args(); }\n"),
    ]);
    assert!(report.cycles.is_empty(), "{}", report.render());
    assert_eq!(report.render(), "no import cycles in 6 files of 1 crates\n");
}

#[test]
fn test_only_imports_are_ignored() {
    let report = run(&[
        ("src/lib.rs", "mod a;\nmod b;\n"),
        ("src/a.rs", "use crate::b::B;\npub struct A(B);\n"),
        (
            "src/b.rs",
            "pub struct B;\n#[cfg(test)]\nuse crate::a::A;\n#[cfg(test)]\nmod tests;\n\
             #[cfg(test)]\nmod inline { use crate::a::A; }\n#[test]\nfn t() { let _ = crate::a::A(super::B); }\n\
             impl B {\n    #[cfg(all(test, unix))]\n    fn f(_: crate::a::A) {}\n}\n",
        ),
        ("src/b/tests.rs", "use crate::a::A;\n"),
    ]);
    assert!(report.cycles.is_empty(), "{}", report.render());
    assert_eq!(report.files, 3);
}

#[test]
fn paths_in_macros_and_path_attributes_are_followed() {
    let report = run(&[
        ("src/lib.rs", "mod a;\n#[path = \"../shared/util.rs\"]\nmod util;\n"),
        ("src/a.rs", "pub fn f() { println!(\"{}\", crate::util::NAME); }\n"),
        (
            "shared/util.rs",
            "pub const NAME: &str = \"x\";\npub fn g() { crate::a::f() }\n",
        ),
    ]);
    assert_eq!(
        cycles(&report, CycleKind::File),
        [["demo/shared/util.rs", "demo/src/a.rs"]],
        "{}",
        report.render()
    );
}

#[test]
fn workspace_has_no_import_cycles() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let report = check(&root).unwrap();
    assert!(report.crates >= 6 && report.files > 100, "{}", report.render());
    assert!(report.cycles.is_empty(), "\n{}", report.render());
}
