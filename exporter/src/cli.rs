//! Command-line arguments of `afterglow`.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// afterglow mines an archive of your own recordings for pads, drones, swells, clouds and hiss.
#[derive(Debug, Parser)]
#[command(name = "afterglow", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render a texture pack (WAVs + manifest.csv) from an archive.
    Render(RenderArgs),
    /// Print what afterglow hears in files: format, length, levels, key, tempo and layer balance.
    Analyze(AnalyzeArgs),
    /// Split files into their harmonic, percussive and residual layers (WAV stems).
    Separate(SeparateArgs),
    /// Write a commented default afterglow.toml.
    Init {
        /// Where to write it.
        #[arg(default_value = "afterglow.toml")]
        path: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
        /// Write this preset's config instead of the defaults (ambient-pads, drum-machine-kit,
        /// dark-drones, lofi-hiss).
        #[arg(long)]
        preset: Option<String>,
    },
    /// Copy the best few files of every kind of a finished pack into a best-of folder.
    Best {
        /// The pack (a folder with manifest.csv).
        #[arg(default_value = "export")]
        pack: PathBuf,
        /// Files per kind.
        #[arg(long, default_value_t = 5)]
        per_kind: usize,
        /// Where to write the best-of (default: PACK/best).
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// Make a finished pack's index.html (thumbnails, players, filters) again from its manifest.
    Gallery {
        /// The pack (a folder with manifest.csv).
        #[arg(default_value = "export")]
        pack: PathBuf,
    },
    /// Work with recipes: the files that reproduce a texture exactly.
    #[command(subcommand)]
    Recipe(RecipeCommand),
    /// Analyse and mine an archive into the catalogue (only new or changed files).
    Scan(ScanArgs),
    /// List catalogued pads: filtered, ranked, or ordered by likeness to one pad.
    Pads(PadsArgs),
    /// List catalogued drum one-shots: by class, ranked, or ordered by likeness to one one-shot.
    Oneshots(OneshotsArgs),
    /// List catalogued files that are copies of one recording, and the copy worth keeping.
    Duplicates(DuplicatesArgs),
    /// List the sampler profiles with their limits and the manuals they come from.
    Profiles {
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Check a config file and name every bad key and value.
    Validate {
        /// The config to check.
        #[arg(long, short, default_value = "afterglow.toml")]
        config: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum RecipeCommand {
    /// Render recipe files (TOML) to WAVs.
    Render {
        /// Recipe files.
        #[arg(required = true)]
        recipes: Vec<PathBuf>,
        /// Output folder.
        #[arg(long, short, default_value = "export/recipes")]
        out: PathBuf,
    },
}

/// Texture kinds `--only` can select.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ValueEnum)]
pub enum KindArg {
    Pads,
    Drones,
    Swells,
    Clouds,
    Hiss,
    Oneshots,
    Roomtone,
}

/// Playable instruments `--instrument` can write next to the pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ValueEnum)]
pub enum InstrumentArg {
    /// `afterglow.sfz` (sfizz, Sforzando, and every SFZ player).
    Sfz,
    /// `afterglow.dspreset` (DecentSampler).
    Decentsampler,
}

/// The `--profile` values: the names of [`crate::profiles::PROFILES`].
fn profile_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(crate::profiles::PROFILES.iter().map(|p| clap::builder::PossibleValue::new(p.name).help(p.device)))
}

#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// Audio files or folders (walked recursively). Default: the config's [paths] folders that
    /// exist, else the bundled fixtures/archive.
    pub archive: Vec<PathBuf>,
    /// Output folder (default: the config's paths.export_dir, "export").
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Config file (default: ./afterglow.toml when it exists, else built-in defaults).
    #[arg(long, short)]
    pub config: Option<PathBuf>,
    /// Master seed; the same seed gives byte-identical output for any --jobs.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Render only these kinds (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<KindArg>,
    /// Sampler profile: rate, depth, channels, names, folders and budget of a device
    /// (`afterglow profiles` lists them).
    #[arg(long, default_value = "default", value_parser = profile_names())]
    pub profile: String,
    /// Also write playable instruments mapping pads and drones by their root note (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub instrument: Vec<InstrumentArg>,
    /// Start from a ready-made config (ambient-pads, drum-machine-kit, dark-drones, lofi-hiss);
    /// the config file's keys are laid over it.
    #[arg(long)]
    pub preset: Option<String>,
    /// List what would be written, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Sources rendered in parallel (default: all cores).
    #[arg(long, short)]
    pub jobs: Option<usize>,
    /// Render the pads the catalogue lists (filtered with the options below, as `afterglow pads`
    /// does) instead of folders: each recording once, from its best copy.
    #[arg(long, conflicts_with = "archive")]
    pub from_catalogue: bool,
    #[command(flatten)]
    pub pads: PadFilterArgs,
}

#[derive(Debug, clap::Args)]
pub struct AnalyzeArgs {
    /// Files or folders.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Print a JSON array instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct SeparateArgs {
    /// Audio files or folders (walked recursively).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Output folder: one folder per file, holding harmonic.wav, percussive.wav and residual.wav.
    #[arg(long, short, default_value = "layers")]
    pub out: PathBuf,
    /// Config whose [separation] settings to use.
    #[arg(long, short)]
    pub config: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Audio files or folders (walked recursively).
    #[arg(required = true)]
    pub archive: Vec<PathBuf>,
    /// Catalogue file (default: $AFTERGLOW_CATALOGUE, else $XDG_DATA_HOME/afterglow/catalogue.sqlite).
    #[arg(long)]
    pub catalogue: Option<PathBuf>,
    /// Config file whose [pad_miner], [hiss_miner] and [brightness_tags] are used (default:
    /// ./afterglow.toml when it exists, else built-in defaults).
    #[arg(long, short)]
    pub config: Option<PathBuf>,
    /// Files mined in parallel (default: all cores).
    #[arg(long, short)]
    pub jobs: Option<usize>,
    /// Print one JSON object (files, scanned, unchanged, failed, regions, catalogue, ...).
    #[arg(long)]
    pub json: bool,
}

/// Brightness classes `--brightness` can select.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BrightnessArg {
    Dark,
    Mid,
    Bright,
}

/// Which catalogued pads: shared by `pads` and `render --from-catalogue`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct PadFilterArgs {
    /// Catalogue file (default: $AFTERGLOW_CATALOGUE, else $XDG_DATA_HOME/afterglow/catalogue.sqlite).
    #[arg(long)]
    pub catalogue: Option<PathBuf>,
    /// Only pads in this key ("Am", "A minor", "F#").
    #[arg(long)]
    pub key: Option<String>,
    /// Only pads of this brightness.
    #[arg(long, value_enum)]
    pub brightness: Option<BrightnessArg>,
    /// Only pads at least this long, seconds.
    #[arg(long)]
    pub min_sec: Option<f64>,
    /// Only pads of this grade (grades are measured on rendered files; scanned pads have none yet).
    #[arg(long)]
    pub grade: Option<String>,
    /// Order by likeness to this pad id (the pad itself first): the weighted distance over the
    /// aspects timbre, pitch (and key), brightness and loudness (contour), each shown.
    #[arg(long)]
    pub like: Option<String>,
    /// How much each aspect counts with --like, as ASPECT=WEIGHT,... ("timbre=2,pitch=0"); an aspect
    /// not named weighs 1. Default: overall (all four equal).
    #[arg(long, value_name = "ASPECT=WEIGHT,...", requires = "like")]
    pub weights: Option<catalogue::AspectWeights>,
    /// Most pads (0: all; default: 50 for `pads`, all for `render --from-catalogue`).
    #[arg(long)]
    pub limit: Option<usize>,
}

impl PadFilterArgs {
    /// Whether any filter (not just the catalogue's location) is given.
    pub fn filters(&self) -> bool {
        self.key.is_some() || self.brightness.is_some() || self.min_sec.is_some() || self.grade.is_some() || self.like.is_some() || self.limit.is_some()
    }
}

#[derive(Debug, clap::Args)]
pub struct PadsArgs {
    #[command(flatten)]
    pub filter: PadFilterArgs,
    /// Print a JSON array.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct OneshotsArgs {
    /// Catalogue file (default: $AFTERGLOW_CATALOGUE, else $XDG_DATA_HOME/afterglow/catalogue.sqlite).
    #[arg(long)]
    pub catalogue: Option<PathBuf>,
    /// Only one-shots of this drum class (kick, snare, hat, perc, other).
    #[arg(long)]
    pub class: Option<String>,
    /// Order by likeness to this one-shot id (the one-shot itself first): the weighted distance
    /// over the aspects timbre, pitch, brightness and loudness (contour), each shown.
    #[arg(long)]
    pub like: Option<String>,
    /// How much each aspect counts with --like, as ASPECT=WEIGHT,... ("timbre=2,pitch=0"); an aspect
    /// not named weighs 1. Default: overall (all four equal).
    #[arg(long, value_name = "ASPECT=WEIGHT,...", requires = "like")]
    pub weights: Option<catalogue::AspectWeights>,
    /// Most one-shots (0: all; default: 50).
    #[arg(long)]
    pub limit: Option<usize>,
    /// Print a JSON array.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct DuplicatesArgs {
    /// Catalogue file (default: $AFTERGLOW_CATALOGUE, else $XDG_DATA_HOME/afterglow/catalogue.sqlite).
    #[arg(long)]
    pub catalogue: Option<PathBuf>,
    /// Print JSON: {"groups": [{"files", "kept", "copies"}], "overlaps": [...]}.
    #[arg(long)]
    pub json: bool,
    /// Look only for copies of the same audio at the same speed (re-encodes, trims, level and EQ
    /// changes): milliseconds, where the default search also finds copies and overlaps at another
    /// tempo or speed (up to about 16 %), pitch-shifted or with reverb added (0.5 s for 281 files
    /// of real music).
    #[arg(long, conflicts_with = "variants")]
    pub landmarks_only: bool,
    /// The default, kept for scripts written when the variant search had to be asked for.
    #[arg(long, hide = true)]
    pub variants: bool,
}
