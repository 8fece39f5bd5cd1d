//! `afterglow analyze`: what afterglow hears in each file, as a table or JSON.

use crate::cli::AnalyzeArgs;
use crate::discover::{discover, Role};
use crate::exit::ExitStatus;
use engine::analysis::{key, tempo, AnalysisConfig, Analyzer};
use engine::mining::{busy_share, wants_layers, PadMinerConfig};
use engine::separate::{LayerBalance, SeparationConfig};
use engine::source::{load, LoadOptions};
use serde::Serialize;
use std::path::Path;

/// One file's report. Fields that do not apply (or failed) are left out of the JSON.
#[derive(Debug, Serialize)]
pub struct FileReport {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub codec: Option<String>,
    /// The file's own sample rate, Hz.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample_rate: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channels: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bits_per_sample: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_sec: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peak_dbfs: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rms_db: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_confidence: Option<f32>,
    /// Tempo in BPM; null for beatless material.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bpm: Option<Option<f32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bpm_confidence: Option<f32>,
    /// The runner-up keys (up to `NUM_ALTERNATIVES`), most likely first, with their confidences.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub key_alternatives: Vec<KeyAlternative>,
    /// The other metrical levels of the beat (half, double tempo ...), most likely first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bpm_alternatives: Vec<BpmAlternative>,
    /// The layer balance: how much of the file is sustained, percussive and neither, and whether
    /// the miners separate it (at the default `[separation]` settings).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layers: Option<LayerReport>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// A file's layers in numbers: the energy share and level of each layer (flattened into the
/// object), the share of busy windows, and whether auto mode separates the file.
#[derive(Debug, Serialize)]
pub struct LayerReport {
    #[serde(flatten)]
    pub balance: LayerBalance,
    /// Share of the mix's pad windows too busy or too percussive for a pad (0..1).
    pub busy_share: f32,
    /// Whether `separation.mode = "auto"` mines this file's layers.
    pub separated: bool,
}

/// How many runner-up keys and tempi a report lists.
pub const NUM_ALTERNATIVES: usize = 3;

/// A runner-up key.
#[derive(Debug, Serialize)]
pub struct KeyAlternative {
    pub key: String,
    pub confidence: f32,
}

/// A runner-up tempo.
#[derive(Debug, Serialize)]
pub struct BpmAlternative {
    pub bpm: f32,
    pub confidence: f32,
}

impl FileReport {
    fn failed(path: &Path, error: String) -> Self {
        Self {
            path: path.display().to_string(),
            error: Some(error),
            container: None,
            codec: None,
            sample_rate: None,
            channels: None,
            bits_per_sample: None,
            duration_sec: None,
            peak_dbfs: None,
            rms_db: None,
            key: None,
            key_confidence: None,
            bpm: None,
            bpm_confidence: None,
            key_alternatives: Vec::new(),
            bpm_alternatives: Vec::new(),
            layers: None,
            warnings: Vec::new(),
        }
    }
}

/// Analyses one file. Errors become a report with `error` set.
pub fn analyze_file(path: &Path) -> FileReport {
    let source = match load(path, &LoadOptions::default()) {
        Ok(source) => source,
        Err(err) => return FileReport::failed(path, err.to_string()),
    };
    let p = &source.provenance;
    let levels = engine::curate::measure(&source.channels, source.sample_rate_hz);
    let analysis = Analyzer::new(AnalysisConfig::default()).analyze_channels(&source.channels, source.sample_rate_hz);
    let keys = key::rank_keys(&analysis);
    let key = keys[0];
    let tempi = tempo::rank_tempi(&analysis);
    let tempo = match &tempi {
        Ok(ranked) => ranked[0],
        Err(confidence) => tempo::TempoEstimate { bpm: None, confidence: *confidence },
    };
    let key_alternatives = keys
        .iter()
        .skip(1)
        .take(NUM_ALTERNATIVES)
        .map(|k| KeyAlternative { key: k.key.to_string(), confidence: k.confidence })
        .collect();
    let bpm_alternatives = tempi
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .skip(1)
        .take(NUM_ALTERNATIVES)
        .filter_map(|t| t.bpm.map(|bpm| BpmAlternative { bpm, confidence: t.confidence }))
        .collect();
    FileReport {
        path: path.display().to_string(),
        error: None,
        container: Some(p.container.clone()),
        codec: Some(p.codec.clone()),
        sample_rate: Some(p.original_sample_rate_hz),
        channels: Some(p.original_channels),
        bits_per_sample: p.bits_per_sample,
        duration_sec: Some(p.original_duration_sec),
        peak_dbfs: Some(levels.peak_dbfs),
        rms_db: Some(levels.rms_db),
        key: Some(key.key.to_string()),
        key_confidence: Some(key.confidence),
        bpm: Some(tempo.bpm),
        bpm_confidence: Some(tempo.confidence),
        key_alternatives,
        bpm_alternatives,
        layers: layer_report(&source.channels, source.sample_rate_hz, &analysis),
        warnings: p.warnings.clone(),
    }
}

/// The layer balance of a decoded file and whether auto mode separates it (`None` if it cannot be
/// separated, e.g. empty).
fn layer_report(channels: &[Vec<f32>], sample_rate_hz: u32, analysis: &engine::analysis::Analysis) -> Option<LayerReport> {
    let separation = SeparationConfig::default();
    let layers = engine::separate::separate(channels, sample_rate_hz, &separation, None).ok()?;
    let busy_share = busy_share(analysis, &PadMinerConfig::default());
    Some(LayerReport {
        balance: layers.balance(),
        busy_share,
        separated: wants_layers(separation.mode, busy_share, analysis.onsets.len()),
    })
}

/// Runs the command; the status says whether any file failed.
pub fn run(args: &AnalyzeArgs) -> anyhow::Result<ExitStatus> {
    let roots: Vec<_> = args.paths.iter().map(|p| (p.clone(), Role::Any)).collect();
    let found = discover(&roots);
    for note in &found.notes {
        eprintln!("note: {note}");
    }
    let reports: Vec<FileReport> = found.files.iter().map(|f| analyze_file(&f.path)).collect();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    } else {
        print_table(&reports);
    }
    let failed = reports.iter().filter(|r| r.error.is_some()).count();
    Ok(if failed > 0 || reports.is_empty() { ExitStatus::SomeSkipped } else { ExitStatus::Success })
}

fn print_table(reports: &[FileReport]) {
    for r in reports {
        match &r.error {
            Some(err) => println!("{}\n  error: {err}", r.path),
            None => {
                println!("{}", r.path);
                println!(
                    "  {} {} | {} Hz | {} ch | {:.2} s | peak {:.1} dBFS | rms {:.1} dB",
                    r.container.as_deref().unwrap_or("?"),
                    r.codec.as_deref().unwrap_or("?"),
                    r.sample_rate.unwrap_or(0),
                    r.channels.unwrap_or(0),
                    r.duration_sec.unwrap_or(0.0),
                    r.peak_dbfs.unwrap_or(f32::NEG_INFINITY),
                    r.rms_db.unwrap_or(f32::NEG_INFINITY),
                );
                let bpm = match r.bpm.flatten() {
                    Some(bpm) => format!("{bpm:.1} BPM"),
                    None => "no steady beat".to_string(),
                };
                println!(
                    "  key {} ({:.2}) | {} ({:.2})",
                    r.key.as_deref().unwrap_or("?"),
                    r.key_confidence.unwrap_or(0.0),
                    bpm,
                    r.bpm_confidence.unwrap_or(0.0)
                );
                if let Some(l) = &r.layers {
                    println!(
                        "  layers: harmonic {:.0} % | percussive {:.0} % | residual {:.0} % | {:.0} % too busy for pads{}",
                        100.0 * l.balance.harmonic,
                        100.0 * l.balance.percussive,
                        100.0 * l.balance.residual,
                        100.0 * l.busy_share,
                        if l.separated { ": pads from the harmonic layer" } else { "" }
                    );
                }
                for w in &r.warnings {
                    println!("  warning: {w}");
                }
            }
        }
    }
}
