//! `afterglow best`: a best-of folder from a finished pack, like the original tool's
//! `curate_best.py`: the best few files of every kind, copied with their own manifest.

use crate::exit::ExitStatus;
use crate::manifest::{read_manifest, write_manifest, ManifestRow, MANIFEST_FILE_NAME};
use crate::naming::UniqueNames;
use crate::render::budget::{curate, KitBudget};
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The default best-of folder inside the pack.
pub const BEST_DIR: &str = "best";

/// Chooses up to `per_kind` rows of each kind, indexes into `rows`, kind by kind.
///
/// Only written files count. Grade comes first here (a best-of, not a kit): the candidates are the
/// best-graded files down to the grade of the `per_kind`-th best. Among them one file per region
/// and the least-used source, key and brightness come first (as in the TR-8S kit); when that gives
/// fewer than `per_kind`, the best-graded of the rest fill up.
pub fn choose_best(rows: &[ManifestRow], per_kind: usize) -> Vec<usize> {
    let mut by_kind: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, row) in rows.iter().enumerate().filter(|(_, r)| r.saved) {
        by_kind.entry(row.kind.as_str()).or_default().push(i);
    }
    let mut chosen = Vec::new();
    for (_, mut pool) in by_kind {
        pool.sort_by(|&a, &b| rows[a].grade.cmp(&rows[b].grade).then(a.cmp(&b)));
        let Some(&nth) = pool.get(per_kind.saturating_sub(1)).or(pool.last()) else { continue };
        let cutoff = rows[nth].grade.clone();
        let top: Vec<usize> = pool.iter().copied().filter(|&i| rows[i].grade <= cutoff).collect();
        let budget = KitBudget { max_seconds: f64::INFINITY, max_files: per_kind, max_per_region: 1, max_file_seconds: f64::INFINITY };
        let mut picked = curate(rows, &top, budget);
        picked.sort_by(|&a, &b| rows[a].grade.cmp(&rows[b].grade).then(a.cmp(&b)));
        for &i in &pool {
            if picked.len() >= per_kind {
                break;
            }
            if !picked.contains(&i) {
                picked.push(i);
            }
        }
        chosen.extend(picked);
    }
    chosen
}

/// Runs the command: reads `pack/manifest.csv`, copies the chosen files to `out/<kind>/` and
/// writes their rows to `out/manifest.csv`.
pub fn run(pack: &Path, per_kind: usize, out: Option<&Path>) -> Result<ExitStatus> {
    let rows = read_manifest(&pack.join(MANIFEST_FILE_NAME))
        .with_context(|| format!("{}: not a finished pack (run `afterglow render` first)", pack.display()))?;
    let out: PathBuf = out.map(Path::to_path_buf).unwrap_or_else(|| pack.join(BEST_DIR));
    if out.join(MANIFEST_FILE_NAME).is_file() {
        // Replace an earlier best-of, nothing else.
        for old in read_manifest(&out.join(MANIFEST_FILE_NAME))? {
            let _ = std::fs::remove_file(out.join(&old.filename));
        }
    }
    let chosen = choose_best(&rows, per_kind);
    let mut names = UniqueNames::default();
    let mut best_rows = Vec::new();
    let mut per_kind_count: BTreeMap<String, usize> = BTreeMap::new();
    for i in chosen {
        let row = &rows[i];
        let from = pack.join(&row.filename);
        if !from.is_file() {
            eprintln!("note: {} listed as written but missing, passed over", from.display());
            continue;
        }
        let file_name = Path::new(&row.filename).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let folder = if ["hiss", "roomtone"].contains(&row.kind.as_str()) { row.kind.clone() } else { format!("{}s", row.kind) };
        let name = format!("{folder}/{}.wav", names.claim(&file_name));
        std::fs::create_dir_all(out.join(&folder)).with_context(|| format!("{}: cannot create", out.join(&folder).display()))?;
        std::fs::copy(&from, out.join(&name)).with_context(|| format!("{}: cannot copy", from.display()))?;
        *per_kind_count.entry(row.kind.clone()).or_default() += 1;
        best_rows.push(ManifestRow { filename: name, recipe: String::new(), ..row.clone() });
    }
    write_manifest(&out, &best_rows)?;
    println!("{} files in {}", best_rows.len(), out.display());
    for (kind, n) in per_kind_count {
        println!("  {kind:<8} {n:>3}");
    }
    println!("(best grades first; among equals one file per region, sources, keys and brightness spread)");
    Ok(ExitStatus::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn best_grades_first_then_one_per_region() {
        let row = |kind: &str, grade: &str, region: &str, source: &str| ManifestRow {
            kind: kind.into(),
            grade: grade.into(),
            region_id: region.into(),
            source: source.into(),
            saved: true,
            ..Default::default()
        };
        let rows = vec![
            row("drone", "A", "r1", "s1"),
            row("drone", "A", "r1", "s1"),
            row("drone", "C", "r2", "s2"),
            row("drone", "A", "r3", "s1"),
            row("pad", "B", "r1", "s1"),
            ManifestRow { saved: false, ..row("pad", "A", "r4", "s1") },
        ];
        let chosen = choose_best(&rows, 2);
        assert_eq!(chosen.len(), 3, "{chosen:?}");
        let drones: Vec<_> = chosen.iter().filter(|&&i| rows[i].kind == "drone").copied().collect();
        // Two grade-A drones from different regions, not the C one nor two of r1.
        assert_eq!(drones.iter().map(|&i| rows[i].region_id.as_str()).collect::<Vec<_>>().len(), 2);
        assert!(drones.iter().all(|&i| rows[i].grade == "A"));
        assert_ne!(rows[drones[0]].region_id, rows[drones[1]].region_id);
        assert!(chosen.contains(&4), "the unsaved grade-A pad is not a candidate");
    }
}
