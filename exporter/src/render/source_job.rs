//! Rendering everything one source gives: decode, analyse once, mine, make every texture kind,
//! finish and write each file.

use super::context::{plan_grid, plan_transposition, SourceContext};
use super::finish::{finish, FinishSettings, SourceInfo};
use super::texture::Texture;
use super::kinds::Kinds;
use super::{clouds, drones, hiss, oneshots, pads, roomtone};
use crate::profiles::names::device_name;
use crate::profiles::SamplerProfile;
use crate::discover::{Role, SourceFile};
use crate::manifest::ManifestRow;
use crate::naming::UniqueNames;
use super::resume::PreviousPack;
use std::path::Path;
use std::sync::Mutex;
use rayon::prelude::*;
use engine::analysis::{key, tempo, AnalysisConfig, Analyzer};
use engine::mining::{mine_pads, why_no_pads};
use engine::source::{load, LoadOptions};

/// One source's share of the run.
pub struct SourceJob<'a> {
    pub file: &'a SourceFile,
    /// Position of the source in the sorted list (for short names).
    pub source_index: usize,
    /// Folder name of this source inside the output folder (unique in the run).
    pub slug: String,
    pub kinds: Kinds,
    pub profile: &'static SamplerProfile,
    pub seed: u64,
    /// Region ids of the only pads to make (and make drones, swells and clouds from); `None`:
    /// every pad the miner finds (`render --from-catalogue` chooses).
    pub regions: Option<&'a std::collections::HashSet<String>>,
    /// This source's share of the pack's pad ceiling (`usize::MAX`: none).
    pub max_pads: usize,
}

/// What a source gave.
#[derive(Debug, Default)]
pub struct SourceOutcome {
    pub rows: Vec<ManifestRow>,
    /// Set when the source could not be used at all (named in the summary; the run goes on).
    pub error: Option<String>,
    /// Things worth telling the musician that did not stop the source.
    pub notes: Vec<String>,
    /// Whether the source had noisy material for hiss.
    pub had_noise: bool,
    /// Whether the rows were reused from an earlier run (nothing rendered).
    pub reused: bool,
}

/// Renders one source, or reuses an earlier run's outputs when they are current. Never panics on
/// bad input: a source that fails becomes `error`.
pub fn render_source(job: &SourceJob, settings: &FinishSettings, previous: &PreviousPack, out_dir: &Path) -> SourceOutcome {
    let mut outcome = SourceOutcome::default();
    let path = &job.file.path;
    if let Ok(hash) = engine::source::hash_file(path) {
        let name = path.display().to_string();
        if let Some(rows) = previous.reusable(&name, &hash, settings.fingerprint, &job.slug, out_dir) {
            outcome.had_noise = rows.iter().any(|r| r.kind == "hiss" || r.kind == "flicker");
            outcome.rows = rows;
            outcome.reused = true;
            return outcome;
        }
    }
    let source = match load(path, &LoadOptions::default()) {
        Ok(s) => s,
        Err(err) => {
            outcome.error = Some(err.to_string());
            return outcome;
        }
    };
    outcome.notes.extend(source.provenance.warnings.iter().map(|w| format!("{}: {w}", path.display())));
    let analysis = Analyzer::new(AnalysisConfig::default()).analyze_channels(&source.channels, source.sample_rate_hz);
    let key = key::estimate_key(&analysis);
    let tempo = tempo::estimate_tempo(&analysis);
    let config = settings.config;
    let (transpose_semitones, transpose_note) = plan_transposition(config, &key);
    let (bar_sec, grid_note) = plan_grid(config, &tempo);
    outcome.notes.extend(grid_note.map(|n| format!("{}: {n}", path.display())));
    let source_hash = u64::from_str_radix(&source.provenance.content_hash, 16).unwrap_or(0);

    let tonal = job.file.role != Role::Noisy;
    let noisy = job.file.role != Role::Tonal;
    let k = job.kinds;
    let wants_regions = tonal && (k.pads || k.drones || k.swells || k.clouds);
    // Pads from the mix, and from its harmonic layer where the mix is too busy (the plugin's miner
    // calls the same function). Nothing here raises a cancel flag, so it cannot fail.
    let mined = if wants_regions {
        mine_pads(&source.channels, source.sample_rate_hz, &analysis, &config.pad_miner, &config.separation, job.max_pads, None).ok()
    } else {
        None
    };
    let layers = mined.as_ref().and_then(|m| m.layers.as_ref());
    let percussive_analysis = layers.map(|l| Analyzer::new(AnalysisConfig::default()).analyze_channels(&l.percussive, source.sample_rate_hz));
    if let Some(m) = mined.as_ref().filter(|m| m.layers.is_some()) {
        let from_layer = m.regions.iter().filter(|r| !r.layer.is_mix()).count();
        outcome.notes.push(format!(
            "{}: separated into layers ({:.0} % of the mix too busy for pads): {from_layer} of {} pads from the harmonic layer, drums from the percussive layer",
            path.display(),
            100.0 * m.busy_share,
            m.regions.len()
        ));
    }
    let ctx = SourceContext {
        config,
        source: &source,
        analysis: &analysis,
        layers,
        percussive_analysis: percussive_analysis.as_ref(),
        key,
        tempo,
        seed: job.seed,
        source_hash,
        transpose_semitones,
        transpose_note,
        bar_sec,
    };

    let mut regions = mined.as_ref().map(|m| m.regions.clone()).unwrap_or_default();
    if wants_regions && regions.is_empty() {
        // Say why no pad, drone, swell or cloud came from it, and which setting to look at.
        outcome.notes.push(format!("{}: {}", path.display(), why_no_pads(&analysis, &config.pad_miner)));
    }
    if let Some(chosen) = job.regions {
        regions.retain(|r| chosen.contains(&ctx.region_id_of(r)));
    }
    let info = SourceInfo {
        path: &engine::source::portable_path(&path),
        hash: &source.provenance.content_hash,
        key: ctx.source_key().map(|key| key.to_string()).unwrap_or_default(),
        key_confidence: Some(ctx.key.confidence),
        bpm: ctx.tempo.bpm,
        bpm_confidence: Some(ctx.tempo.confidence),
    };
    let names = Mutex::new(UniqueNames::default());
    let writer = PartWriter { slug: &job.slug, source_index: job.source_index, profile: job.profile, info: &info, settings, names: &names };
    // The kinds are independent: made in parallel, each part finished and written as soon as it
    // is made (so a source's textures are never all in memory at once), rows kept in a fixed order.
    let ((pad_part, drone_part), (cloud_part, hiss_part)) = rayon::join(
        || {
            rayon::join(
                || {
                    let mut notes = Vec::new();
                    let t = if k.pads { pads::make_pads(&ctx, &regions, &mut notes) } else { Vec::new() };
                    writer.write(t, notes)
                },
                || {
                    if k.drones || (k.swells && config.drone_maker.make_swells) {
                        drones::make_drones_and_swells(&ctx, &regions, k.drones, k.swells && config.drone_maker.make_swells, k.clouds, &|t| {
                            writer.write(t, Vec::new())
                        })
                    } else {
                        (Vec::new(), Vec::new())
                    }
                },
            )
        },
        || {
            rayon::join(
                || {
                    let mut notes = Vec::new();
                    let t = if k.clouds { clouds::make_clouds(&ctx, &regions, &mut notes) } else { Vec::new() };
                    writer.write(t, notes)
                },
                || {
                    let (mut rows, mut notes) =
                        writer.write(if noisy && k.hiss { hiss::make_hiss(&ctx, true, true) } else { Vec::new() }, Vec::new());
                    let (shot_rows, shot_notes) =
                        writer.write(if noisy && k.oneshots { oneshots::make_oneshots(&ctx) } else { Vec::new() }, Vec::new());
                    rows.extend(shot_rows);
                    notes.extend(shot_notes);
                    let mut tone_notes = Vec::new();
                    let tones = if k.roomtone { roomtone::make_room_tone(&ctx, &mut tone_notes) } else { Vec::new() };
                    let (tone_rows, tone_notes) = writer.write(tones, tone_notes);
                    rows.extend(tone_rows);
                    notes.extend(tone_notes);
                    (rows, notes)
                },
            )
        },
    );
    outcome.had_noise = hiss_part.0.iter().any(|r| r.kind == "hiss" || r.kind == "flicker");
    for (rows, notes) in [pad_part, drone_part, cloud_part, hiss_part] {
        outcome.rows.extend(rows);
        outcome.notes.extend(notes.into_iter().map(|n| format!("{}: {n}", path.display())));
    }
    outcome
}

/// Names, finishes and writes parts of one source's textures.
pub struct PartWriter<'a> {
    pub slug: &'a str,
    pub source_index: usize,
    pub profile: &'static SamplerProfile,
    pub info: &'a SourceInfo<'a>,
    pub settings: &'a FinishSettings<'a>,
    /// Names taken so far in this source.
    pub names: &'a Mutex<UniqueNames>,
}

impl PartWriter<'_> {
    /// Names, finishes and writes `textures` (in parallel, order kept); a texture that fails to
    /// write becomes a note. Returns the rows and the notes (with `notes` first).
    pub fn write(&self, textures: Vec<Texture>, mut notes: Vec<String>) -> (Vec<ManifestRow>, Vec<String>) {
        let named: Vec<(Texture, String)> = {
            // A poisoned lock only means another part panicked while naming; the set is still valid.
            let mut names = self.names.lock().unwrap_or_else(|e| e.into_inner());
            textures
                .into_iter()
                .map(|texture| {
                    let base = if self.profile.is_default() {
                        descriptive_name(self.slug, &texture)
                    } else {
                        let tag = if texture.kind == crate::kind::Kind::OneShot {
                            Some(texture.variant.clone())
                        } else {
                            texture.key.or_else(|| engine::analysis::key::Key::parse(&self.info.key)).map(|k| k.short_name())
                        };
                        let tonal = !matches!(texture.kind, crate::kind::Kind::Hiss | crate::kind::Kind::Flicker | crate::kind::Kind::RoomTone);
                        let tag = tag.filter(|_| tonal);
                        device_name(self.profile.name_max_chars, texture.kind, self.source_index, texture.index, tag.as_deref())
                    };
                    let name = names.claim(&base);
                    let rel_path = format!("{}/{name}.wav", self.profile.folder(self.slug, texture.kind));
                    (texture, rel_path)
                })
                .collect()
        };
        let results: Vec<Result<ManifestRow, String>> = named
            .into_par_iter()
            .map(|(texture, rel_path)| finish(texture, &rel_path, self.info, self.settings).map_err(|err| format!("{rel_path}: {err:#}")))
            .collect();
        let mut rows = Vec::with_capacity(results.len());
        for result in results {
            match result {
                Ok(row) => rows.push(row),
                Err(note) => notes.push(note),
            }
        }
        (rows, notes)
    }
}

/// `<slug>_<kind><NN>_<variant>_<seconds>s[_<Key>]`, ASCII only.
fn descriptive_name(slug: &str, t: &Texture) -> String {
    let secs = t.channels.first().map_or(0.0, |c| c.len() as f64 / 44_100.0);
    let mut name = format!("{slug}_{}{:02}", t.kind.label(), t.index + 1);
    if !t.variant.is_empty() && t.variant != "loop" {
        name.push('_');
        name.push_str(&crate::naming::slugify(&t.variant.replace('+', "up").replace('-', "dn"), "v"));
    }
    name.push_str(&format!("_{secs:.1}s").replace('.', "p"));
    if let Some(key) = t.key {
        name.push('_');
        name.push_str(&key.short_name());
    }
    name
}
