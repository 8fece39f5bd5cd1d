//! The Roland TR-8S budget: at most 600 s of sample audio and 400 files. When a pack is larger,
//! the best-graded files are kept (then the shortest, so more of them fit) and the rest removed.

use crate::manifest::ManifestRow;
use std::path::Path;

/// TR-8S user sample memory, seconds of 44.1 kHz audio.
pub const TR8S_MAX_SECONDS: f64 = 600.0;
/// TR-8S user sample slots.
pub const TR8S_MAX_FILES: usize = 400;

/// Marks files beyond the budget as not saved, deletes them (unless `dry_run`), and returns notes.
pub fn apply_tr8s_budget(rows: &mut [ManifestRow], out_dir: &Path, dry_run: bool) -> Vec<String> {
    let mut order: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].saved || dry_run).collect();
    order.sort_by(|&a, &b| {
        rows[a].grade.cmp(&rows[b].grade).then(rows[a].duration_sec.total_cmp(&rows[b].duration_sec)).then(a.cmp(&b))
    });
    let (mut seconds, mut files, mut dropped, mut dropped_sec) = (0.0, 0, 0, 0.0);
    let mut notes = Vec::new();
    for i in order {
        let row = &mut rows[i];
        if files < TR8S_MAX_FILES && seconds + row.duration_sec <= TR8S_MAX_SECONDS {
            files += 1;
            seconds += row.duration_sec;
            continue;
        }
        dropped += 1;
        dropped_sec += row.duration_sec;
        if !dry_run
            && let Err(err) = std::fs::remove_file(out_dir.join(&row.filename))
        {
            notes.push(format!("{}: cannot remove file over the TR-8S budget: {err}", row.filename));
        }
        row.saved = false;
        let note = "left out: over the TR-8S budget (600 s, 400 files)";
        row.notes = if row.notes.is_empty() { note.into() } else { format!("{}; {note}", row.notes) };
    }
    if dropped > 0 {
        notes.push(format!(
            "TR-8S budget: kept {files} files ({seconds:.1} s); left out {dropped} files ({dropped_sec:.1} s), lowest grades first"
        ));
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_best_grades_within_budget() {
        let mut rows: Vec<ManifestRow> = (0..10)
            .map(|i| ManifestRow {
                filename: format!("f{i}.wav"),
                grade: if i % 2 == 0 { "A".into() } else { "C".into() },
                duration_sec: 100.0,
                saved: true,
                ..Default::default()
            })
            .collect();
        let notes = apply_tr8s_budget(&mut rows, Path::new("/nonexistent"), true);
        let kept: Vec<_> = rows.iter().filter(|r| r.saved).map(|r| r.grade.as_str()).collect();
        assert_eq!(kept.len(), 6);
        assert_eq!(kept.iter().filter(|g| **g == "A").count(), 5);
        assert!(notes[0].contains("left out 4 files"));
    }
}
