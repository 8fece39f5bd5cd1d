//! Finishing a texture: level it, measure it, grade it, name it, write it (atomically) and describe
//! it in a manifest row.

use engine::rt::math;
use super::texture::Texture;
use crate::kind::Kind;
use crate::config::Config;
use crate::manifest::ManifestRow;
use crate::profiles::{Channels, SamplerProfile, SideFiles};
use crate::wav_out::{write_atomically, write_wav, WavFormat};
use anyhow::{Context, Result};
use engine::curate::seam::seam_metrics;
use engine::curate::{grade, measure, Brightness, Grade};
use engine::transform::{normalize_peak, remove_dc};
use std::path::Path;

/// What the writer needs to know beyond the texture.
pub struct FinishSettings<'a> {
    pub config: &'a Config,
    /// Where files are written (a run's staging folder; moved into place per source).
    pub write_dir: &'a Path,
    /// Where the files end up (the pack's folder): a recipe names its source relative to its own
    /// final place, so a pack reads the same whichever system rendered it.
    pub pack_dir: &'a Path,
    /// Fingerprint of the run's settings, recorded in every row.
    pub fingerprint: &'a str,
    pub bits: u16,
    /// The device the pack is for: output rate, channels and side files.
    pub profile: &'static SamplerProfile,
    pub dry_run: bool,
    /// Remove DC and peak-normalise to `global.target_peak_dbfs` (packs do; a recipe without a
    /// `normalize_peak_dbfs` keeps the engine's own level).
    pub normalize: bool,
}

/// Identity of the source for the manifest.
pub struct SourceInfo<'a> {
    pub path: &'a str,
    pub hash: &'a str,
    pub key: String,
    pub key_confidence: Option<f32>,
    pub bpm: Option<f32>,
    pub bpm_confidence: Option<f32>,
}

/// Levels, measures and grades `texture`, then writes it to `write_dir/rel_path` unless it is an F
/// that `auto_delete_grade_f` drops (or this is a dry run). Returns its manifest row.
pub fn finish(
    mut texture: Texture,
    rel_path: &str,
    source: &SourceInfo,
    settings: &FinishSettings,
) -> Result<ManifestRow> {
    let config = settings.config;
    let tonal = !matches!(texture.kind, Kind::Hiss | Kind::Flicker | Kind::OneShot | Kind::RoomTone);
    let pitched = !matches!(texture.kind, Kind::Hiss | Kind::Flicker);
    let sr = config.global.sample_rate;
    let mono = settings.profile.channels == Channels::Mono || !kind_is_stereo(config, texture.kind);
    if mono && texture.channels.len() > 1 {
        fold_to_mono(&mut texture.channels);
    }
    let target_peak_dbfs = kind_peak_dbfs(config, texture.kind);
    if settings.normalize {
        remove_dc(&mut texture.channels);
        normalize_peak(&mut texture.channels, target_peak_dbfs);
    }
    let m = engine::curate::Measurements { drum_bleed_db: texture.drum_bleed_db, ..measure(&texture.channels, sr) };
    let root_note = m.est_pitch_hz.filter(|_| pitched).and_then(midi_note);
    let seam = texture.is_loop.then(|| seam_metrics(&texture.channels));
    let thresholds = engine::curate::GradeThresholds { target_peak_dbfs, ..config.curation.thresholds };
    let (grade_value, reasons) = grade(&m, seam, &thresholds);
    let saved = !(grade_value == Grade::F && config.curation.auto_delete_grade_f);
    let mut notes = texture.notes.clone();
    if !saved {
        notes.push("grade F: not saved (curation.auto_delete_grade_f)".into());
    }
    let out_rate = settings.profile.rate_hz(sr);
    if saved && !settings.dry_run {
        // The device's rate; loops stay seamless (the conversion wraps around the loop).
        let converted;
        let channels = if out_rate == sr {
            &texture.channels
        } else {
            converted = if texture.is_loop {
                engine::source::resample_loop(&texture.channels, sr, out_rate)
            } else {
                engine::source::resample(&texture.channels, sr, out_rate)
            };
            &converted
        };
        let len = channels[0].len() as u32;
        let loop_points = texture.is_loop.then(|| (0, len.saturating_sub(1)));
        let format = WavFormat { bits: settings.bits, dither_seed: texture.seed, unity_note: root_note };
        let path = settings.write_dir.join(rel_path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create folder", dir.display()))?;
        }
        write_wav(&path, channels, out_rate, format, loop_points)?;
        if settings.profile.side_files == SideFiles::OctatrackAttributes {
            let ot = crate::profiles::octatrack::ot_file(len, out_rate, source.bpm, texture.is_loop);
            write_atomically(&crate::profiles::octatrack::ot_path(&path), &ot)?;
        }
        if let Some(recipe) = &texture.recipe {
            let mut recipe = recipe.clone();
            if !recipe.source.is_builtin() {
                let final_dir = settings.pack_dir.join(rel_path);
                let final_dir = final_dir.parent().unwrap_or(settings.pack_dir);
                recipe.source.path = engine::source::relative_portable_path(Path::new(&recipe.source.path), final_dir);
            }
            let text = engine::recipe::recipe_to_text(&recipe)?;
            write_atomically(&path.with_extension("recipe.toml"), text.as_bytes())?;
        }
    }
    Ok(ManifestRow {
        filename: rel_path.to_string(),
        source: source.path.to_string(),
        source_offset_sec: texture.source_offset_sec.map(|s| (s * 1000.0).round() / 1000.0),
        source_hash: source.hash.to_string(),
        kind: texture.kind.label().to_string(),
        variant: texture.variant.clone(),
        duration_sec: texture.channels[0].len() as f64 / f64::from(sr),
        rms_db: m.rms_db,
        peak: m.peak,
        peak_dbfs: m.peak_dbfs,
        crest_factor: m.crest_factor,
        dc_offset: m.dc_offset,
        centroid_hz: m.centroid_hz,
        brightness: Brightness::from_centroid(m.centroid_hz, &config.brightness_tags).name().to_string(),
        est_pitch_hz: m.est_pitch_hz,
        key: if tonal { texture.key.map(|k| k.to_string()).unwrap_or_else(|| source.key.clone()) } else { String::new() },
        key_confidence: source.key_confidence.filter(|_| tonal),
        bpm: source.bpm,
        bpm_confidence: source.bpm_confidence,
        transposed_semitones: texture.transposed_semitones,
        loop_seam: seam.map(|s| s.flux_ratio),
        loop_wrap_step: seam.map(|s| s.wrap_step),
        grade: grade_value.to_string(),
        grade_reasons: reasons.join("; "),
        saved: saved && !settings.dry_run,
        notes: notes.join("; "),
        seed: texture.seed,
        fingerprint: settings.fingerprint.to_string(),
        region_id: texture.region_id.clone(),
        root_note,
        channels: Some(texture.channels.len() as u16),
        sample_rate_hz: Some(out_rate),
        layer: texture.layer.map(|l| l.name().to_string()).unwrap_or_default(),
        drum_bleed_db: texture.drum_bleed_db,
        recipe: if texture.recipe.is_some() && saved {
            rel_path.strip_suffix(".wav").map(|stem| format!("{stem}.recipe.toml")).unwrap_or_default()
        } else {
            String::new()
        },
    })
}

/// The nearest MIDI note of `hz` (A4 = 440 Hz = 69), when it lies in 0..=127.
pub fn midi_note(hz: f32) -> Option<u8> {
    let note = (69.0 + 12.0 * math::log2(hz / 440.0)).round();
    (hz > 0.0 && (0.0..=127.0).contains(&note)).then_some(note as u8)
}

/// The peak a kind is normalised to: `[clouds]` and `[hiss]` set their own, the rest use the global target.
pub fn kind_peak_dbfs(config: &Config, kind: Kind) -> f32 {
    match kind {
        Kind::Cloud => config.clouds.target_peak_dbfs,
        // Room tone is air like hiss, and sits at hiss level.
        Kind::Hiss | Kind::RoomTone => config.hiss.target_peak_dbfs,
        Kind::Flicker => config.hiss.flicker_target_peak_dbfs,
        _ => config.global.target_peak_dbfs,
    }
}

/// Whether a kind is written in stereo (`drone_maker.stereo` for pads, drones and swells).
fn kind_is_stereo(config: &Config, kind: Kind) -> bool {
    match kind {
        Kind::Pad | Kind::Drone | Kind::Swell => config.drone_maker.stereo,
        Kind::Cloud => config.clouds.stereo,
        Kind::Hiss | Kind::Flicker | Kind::RoomTone => config.hiss.stereo,
        Kind::OneShot => true,
    }
}

/// Replaces the channels by their mean.
fn fold_to_mono(channels: &mut Vec<Vec<f32>>) {
    let scale = 1.0 / channels.len() as f32;
    let mono: Vec<f32> = (0..channels[0].len()).map(|i| channels.iter().map(|c| c[i]).sum::<f32>() * scale).collect();
    *channels = vec![mono];
}
