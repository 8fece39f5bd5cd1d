//! A device's budget: when a pack is larger than the sampler holds (files, seconds of memory,
//! seconds per file), a kit is curated from it by quality *and* diversity (see [`curate`]); the
//! rest is removed.

use crate::manifest::ManifestRow;
use crate::profiles::SamplerProfile;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// At most this many files of a kit come from one mined region (a pad and its drones, swells, clouds).
pub const MAX_FILES_PER_REGION: usize = 3;

/// Kind order of a drum-machine kit: each curation round takes one file of each kind in this order.
/// Kinds not listed (new ones) come after, alphabetically.
const KIND_PRIORITY: [&str; 8] = ["oneshot", "pad", "cloud", "drone", "swell", "hiss", "roomtone", "flicker"];

/// Limits of a curated kit.
#[derive(Debug, Clone, Copy)]
pub struct KitBudget {
    /// Seconds of mono audio in all (a stereo file counts twice).
    pub max_seconds: f64,
    pub max_files: usize,
    pub max_per_region: usize,
    /// Longest file, seconds.
    pub max_file_seconds: f64,
}

impl KitBudget {
    /// The kit budget of `profile`'s device, when it has one.
    pub fn of(profile: &SamplerProfile) -> Option<Self> {
        profile.budget.map(|b| Self {
            max_seconds: b.max_mono_seconds.unwrap_or(f64::INFINITY),
            max_files: b.max_files.unwrap_or(usize::MAX),
            max_per_region: MAX_FILES_PER_REGION,
            max_file_seconds: b.max_file_seconds.unwrap_or(f64::INFINITY),
        })
    }
}

/// The grade of files that are never worth a place in a kit.
const UNUSABLE_GRADE: &str = "F";

/// What a row costs of a memory budget: its seconds, twice for stereo (rows written before the
/// manifest had a `channels` column count once).
pub fn mono_seconds(row: &ManifestRow) -> f64 {
    row.duration_sec * f64::from(row.channels.unwrap_or(1).max(1))
}

fn kind_rank(kind: &str) -> (usize, &str) {
    (KIND_PRIORITY.iter().position(|k| *k == kind).unwrap_or(KIND_PRIORITY.len()), kind)
}

/// Picks the rows of a kit: indexes into `rows`, in the order chosen.
///
/// The budget is shared out by kind: the next file always comes from the kind that has used the
/// fewest seconds so far (ties in [`KIND_PRIORITY`] order, one-shots first), so every kind the
/// pack has is represented before any kind gets a second file, and short kinds (one-shots,
/// flickers) are not crowded out by a few long clouds: a drum machine keeps its hits. Within a
/// kind the next file is the one that adds the most diversity: no region past `max_per_region`
/// (with the last slot kept for the region's pad while it is not chosen), then the source least
/// used so far, then the region, then the key and brightness least used, and only then the better
/// grade and the shorter file (so more fit). A file that no longer fits the seconds left is passed
/// over; a kind whose files no longer fit drops out. Grade F files (unusable: silent, clipped,
/// broken) are never chosen, whatever the diversity they would add.
pub fn curate(rows: &[ManifestRow], candidates: &[usize], budget: KitBudget) -> Vec<usize> {
    let mut by_kind: BTreeMap<(usize, &str), Vec<usize>> = BTreeMap::new();
    for &i in candidates.iter().filter(|&&i| rows[i].grade != UNUSABLE_GRADE) {
        by_kind.entry(kind_rank(&rows[i].kind)).or_default().push(i);
    }
    let mut kind_seconds: BTreeMap<(usize, &str), f64> = by_kind.keys().map(|&k| (k, 0.0)).collect();
    // Regions whose pad is a candidate not yet chosen: the pad keeps the last of the region's slots,
    // so its drones, swells and clouds cannot crowd out the loop they are made from.
    let mut pad_pending: std::collections::HashSet<&str> =
        candidates.iter().filter(|&&i| rows[i].kind == "pad").map(|&i| rows[i].region_id.as_str()).collect();
    let mut per_region: HashMap<&str, usize> = HashMap::new();
    let mut per_source: HashMap<&str, usize> = HashMap::new();
    let mut per_key: HashMap<&str, usize> = HashMap::new();
    let mut per_brightness: HashMap<&str, usize> = HashMap::new();
    let mut chosen = Vec::new();
    let mut seconds = 0.0;
    while chosen.len() < budget.max_files {
        let left = budget.max_seconds - seconds;
        // The best file of each kind that can still give one.
        let best_of = |pool: &Vec<usize>| {
            pool.iter()
                .enumerate()
                .filter(|&(_, &i)| mono_seconds(&rows[i]) <= left && rows[i].duration_sec <= budget.max_file_seconds)
                .filter(|&(_, &i)| {
                    let region = rows[i].region_id.as_str();
                    let reserved = usize::from(rows[i].kind != "pad" && pad_pending.contains(region));
                    region.is_empty() || per_region.get(region).copied().unwrap_or(0) + reserved < budget.max_per_region
                })
                .min_by(|&(_, &a), &(_, &b)| {
                    let used = |i: usize| {
                        let r = &rows[i];
                        let count = |m: &HashMap<&str, usize>, k: &str| m.get(k).copied().unwrap_or(0);
                        (
                            count(&per_source, &r.source),
                            count(&per_region, &r.region_id),
                            count(&per_key, &r.key) + count(&per_brightness, &r.brightness),
                        )
                    };
                    used(a)
                        .cmp(&used(b))
                        .then(rows[a].grade.cmp(&rows[b].grade))
                        .then(rows[a].duration_sec.total_cmp(&rows[b].duration_sec))
                        .then(a.cmp(&b))
                })
                .map(|(at, _)| at)
        };
        // The kind that has used the fewest seconds (BTreeMap order breaks ties by priority).
        let next = by_kind
            .iter()
            .filter_map(|(&kind, pool)| best_of(pool).map(|at| (kind, at)))
            .min_by(|a, b| kind_seconds[&a.0].total_cmp(&kind_seconds[&b.0]).then(a.0.cmp(&b.0)));
        let Some((kind, at)) = next else { break };
        let i = by_kind.get_mut(&kind).map(|pool| pool.swap_remove(at)).expect("the kind was just found");
        let r = &rows[i];
        seconds += mono_seconds(r);
        *kind_seconds.get_mut(&kind).expect("every kind has a total") += mono_seconds(r);
        if !r.region_id.is_empty() {
            *per_region.entry(&r.region_id).or_default() += 1;
        }
        if r.kind == "pad" {
            pad_pending.remove(r.region_id.as_str());
        }
        *per_source.entry(&r.source).or_default() += 1;
        *per_key.entry(&r.key).or_default() += 1;
        *per_brightness.entry(&r.brightness).or_default() += 1;
        chosen.push(i);
    }
    chosen
}

/// Curates a kit for `profile`'s device when the pack is over its budget: marks the rest as not
/// saved, deletes it and its side files (unless `dry_run`), and returns notes saying what was kept
/// per kind and why. Profiles without a budget keep everything.
pub fn apply_budget(rows: &mut [ManifestRow], out_dir: &Path, dry_run: bool, profile: &SamplerProfile) -> Vec<String> {
    let Some(budget) = KitBudget::of(profile) else { return Vec::new() };
    let device = profile.device;
    let candidates: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].saved || dry_run).collect();
    let total_sec: f64 = candidates.iter().map(|&i| mono_seconds(&rows[i])).sum();
    let longest = candidates.iter().map(|&i| rows[i].duration_sec).fold(0.0, f64::max);
    if candidates.len() <= budget.max_files && total_sec <= budget.max_seconds && longest <= budget.max_file_seconds {
        return Vec::new();
    }
    let limits = budget_words(&budget);
    let chosen = curate(rows, &candidates, budget);
    let mut keep = vec![false; rows.len()];
    for &i in &chosen {
        keep[i] = true;
    }
    let mut notes = Vec::new();
    // kind -> (kept, offered, kept seconds)
    let mut per_kind: BTreeMap<(usize, String), (usize, usize, f64)> = BTreeMap::new();
    for &i in &candidates {
        let (rank, kind) = kind_rank(&rows[i].kind);
        let entry = per_kind.entry((rank, kind.to_string())).or_default();
        entry.1 += 1;
        if keep[i] {
            entry.0 += 1;
            entry.2 += mono_seconds(&rows[i]);
        }
    }
    for &i in &candidates {
        if keep[i] {
            continue;
        }
        let row = &mut rows[i];
        if !dry_run {
            notes.extend(remove_with_side_files(out_dir, row, device));
        }
        row.saved = false;
        let note = if row.duration_sec > budget.max_file_seconds {
            format!("left out: longer than the {device}'s {:.0} s per file", budget.max_file_seconds)
        } else {
            format!("left out: not chosen for the {device} kit ({limits})")
        };
        row.recipe.clear();
        row.notes = if row.notes.is_empty() { note } else { format!("{}; {note}", row.notes) };
    }
    let kept_sec: f64 = chosen.iter().map(|&i| mono_seconds(&rows[i])).sum();
    let distinct = |f: fn(&ManifestRow) -> &str| chosen.iter().map(|&i| f(&rows[i])).collect::<std::collections::BTreeSet<_>>().len();
    notes.push(format!(
        "{device} kit: kept {} of {} files ({kept_sec:.1} of {total_sec:.1} s mono) from {} sources, {} regions, {} keys: \
         the budget shared out by kind (the kind with the fewest seconds so far goes next, one-shots first), at most \
         {MAX_FILES_PER_REGION} per region, least-used source, region, key and brightness first; grades break ties",
        chosen.len(),
        candidates.len(),
        distinct(|r| &r.source),
        distinct(|r| &r.region_id),
        distinct(|r| &r.key),
    ));
    // Why the rest of a kind was left out: the region cap or the budget.
    let mut per_region: HashMap<&str, usize> = HashMap::new();
    for &i in &chosen {
        *per_region.entry(rows[i].region_id.as_str()).or_default() += 1;
    }
    let budget_full = chosen.len() >= budget.max_files
        || candidates.iter().any(|&i| {
            !keep[i]
                && per_region.get(rows[i].region_id.as_str()).copied().unwrap_or(0) < MAX_FILES_PER_REGION
                && kept_sec + mono_seconds(&rows[i]) > budget.max_seconds
        });
    for ((_, kind), (kept, offered, secs)) in &per_kind {
        let why = if kept == offered {
            "all of them".to_string()
        } else if budget_full {
            format!("the {limits} are shared with the other kinds")
        } else {
            format!("the rest comes from regions that already give {MAX_FILES_PER_REGION} files, or is too long")
        };
        notes.push(format!("{device} kit: {kind:<8} kept {kept:>3} of {offered:>4} ({secs:.1} s): {why}"));
    }
    notes
}

/// "400 files, 600 s mono, 180 s per file".
fn budget_words(budget: &KitBudget) -> String {
    let mut words = Vec::new();
    if budget.max_files < usize::MAX {
        words.push(format!("{} files", budget.max_files));
    }
    if budget.max_seconds.is_finite() {
        words.push(format!("{:.0} s mono", budget.max_seconds));
    }
    if budget.max_file_seconds.is_finite() {
        words.push(format!("{:.0} s per file", budget.max_file_seconds));
    }
    words.join(", ")
}

/// Removes a row's WAV and the files made with it (recipe, device attributes); problems become notes.
fn remove_with_side_files(out_dir: &Path, row: &ManifestRow, device: &str) -> Vec<String> {
    let wav = out_dir.join(&row.filename);
    let mut paths = vec![wav.clone(), crate::profiles::octatrack::ot_path(&wav)];
    if !row.recipe.is_empty() {
        paths.push(out_dir.join(&row.recipe));
    }
    paths
        .iter()
        .enumerate()
        .filter_map(|(n, path)| match std::fs::remove_file(path) {
            Ok(()) => None,
            Err(err) if n > 0 && err.kind() == std::io::ErrorKind::NotFound => None,
            Err(err) => Some(format!("{}: cannot remove file over the {device} budget: {err}", path.display())),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(i: usize, kind: &str, grade: &str, secs: f64, source: &str, region: &str) -> ManifestRow {
        ManifestRow {
            filename: format!("f{i}.wav"),
            kind: kind.into(),
            grade: grade.into(),
            duration_sec: secs,
            source: source.into(),
            region_id: region.into(),
            saved: true,
            ..Default::default()
        }
    }

    #[test]
    fn every_kind_survives_even_when_one_kind_has_all_the_best_grades() {
        // 300 grade-A drones from one region each 5 s, 5 grade-C swells and 5 grade-B clouds.
        let mut rows: Vec<ManifestRow> =
            (0..300).map(|i| row(i, "drone", "A", 5.0, &format!("s{}", i % 3), &format!("r{}", i % 100))).collect();
        rows.extend((0..5).map(|i| row(300 + i, "swell", "C", 8.0, "s0", &format!("w{i}"))));
        rows.extend((0..5).map(|i| row(305 + i, "cloud", "B", 8.0, "s1", &format!("c{i}"))));
        let tr8s = SamplerProfile::by_name("tr8s").unwrap();
        let notes = apply_budget(&mut rows, Path::new("/nonexistent"), true, tr8s);
        let kept: Vec<_> = rows.iter().filter(|r| r.saved).collect();
        for kind in ["drone", "swell", "cloud"] {
            assert!(kept.iter().any(|r| r.kind == kind), "no {kind} kept: {notes:?}");
        }
        let secs: f64 = kept.iter().map(|r| r.duration_sec).sum();
        assert!(secs <= 600.0);
        let mut per_region: HashMap<&str, usize> = HashMap::new();
        for r in &kept {
            *per_region.entry(&r.region_id).or_default() += 1;
        }
        assert!(per_region.values().all(|&n| n <= MAX_FILES_PER_REGION));
        assert!(notes.iter().any(|n| n.contains("swell") && n.contains("kept")), "{notes:?}");
    }

    #[test]
    fn unusable_files_are_never_chosen_even_where_they_add_diversity() {
        // The only file of its source, key and kind is grade F; the rest are A from one source.
        let mut rows: Vec<ManifestRow> = (0..6).map(|i| row(i, "pad", "A", 4.0, "s0", &format!("r{i}"))).collect();
        rows.push(row(6, "pad", "F", 4.0, "s1", "r6"));
        rows.push(row(7, "oneshot", "F", 0.5, "s2", ""));
        let budget = KitBudget { max_seconds: 600.0, max_files: 400, max_per_region: 3, max_file_seconds: f64::INFINITY };
        let chosen = curate(&rows, &(0..rows.len()).collect::<Vec<_>>(), budget);
        assert_eq!(chosen.len(), 6);
        assert!(chosen.iter().all(|&i| rows[i].grade == "A"), "{chosen:?}");
    }

    #[test]
    fn a_pad_is_not_crowded_out_of_its_region_by_what_is_made_from_it() {
        // Four regions of one source, each a pad and two each of the drones, swells and clouds made from it.
        let mut rows = Vec::new();
        for region in 0..4 {
            let r = format!("r{region}");
            rows.push(row(rows.len(), "pad", "B", 4.0, "s0", &r));
            for kind in ["drone", "drone", "swell", "swell", "cloud", "cloud"] {
                rows.push(row(rows.len(), kind, "A", 4.0, "s0", &r));
            }
        }
        let budget = KitBudget { max_seconds: 600.0, max_files: 400, max_per_region: 3, max_file_seconds: f64::INFINITY };
        let chosen = curate(&rows, &(0..rows.len()).collect::<Vec<_>>(), budget);
        assert_eq!(chosen.len(), 12);
        let pads = chosen.iter().filter(|&&i| rows[i].kind == "pad").count();
        assert_eq!(pads, 4, "every pad keeps a slot of its region: {chosen:?}");
    }

    #[test]
    fn sources_are_taken_in_turn_and_grades_break_ties() {
        let rows: Vec<ManifestRow> = (0..12)
            .map(|i| row(i, "pad", if i % 2 == 0 { "A" } else { "B" }, 10.0, &format!("s{}", i % 4), &format!("r{i}")))
            .collect();
        let budget = KitBudget { max_seconds: 40.0, max_files: 10, max_per_region: 3, max_file_seconds: f64::INFINITY };
        let chosen = curate(&rows, &(0..12).collect::<Vec<_>>(), budget);
        let sources: std::collections::BTreeSet<_> = chosen.iter().map(|&i| rows[i].source.as_str()).collect();
        assert_eq!(sources.len(), 4, "four files, four sources");
        // s0 and s2 have grade A rows, s1 and s3 only B: the A rows of s0/s2 come first.
        assert_eq!(rows[chosen[0]].grade, "A");
    }
}
