//! The afterglow exporter as a library: the `afterglow` binary is a thin `main` over [`run_cli`], and
//! benchmarks and tests drive the same render pipeline directly.

pub mod analyze;
pub mod best;
pub mod cli;
pub mod config;
pub mod instrument;
pub mod kind;
pub mod discover;
pub mod duplicates;
pub mod exit;
pub mod gallery;
pub mod manifest;
pub mod naming;
pub mod pads_query;
pub mod profiles;
pub mod recipe;
pub mod render;
pub mod scan;
pub mod separate;
pub mod wav_out;

use clap::Parser;
use cli::{Cli, Command};
use config::template::commented_default;
use config::{Config, CONFIG_FILE_NAME};
use exit::ExitStatus;
use std::path::Path;

/// Parses the command line, runs the command and returns the process exit code.
pub fn run_cli() -> i32 {
    let cli = Cli::parse();
    let status = match run(&cli.command) {
        Ok(status) => status,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitStatus::Failure
        }
    };
    status.code()
}

fn run(command: &Command) -> anyhow::Result<ExitStatus> {
    match command {
        Command::Render(args) => render::run(args),
        Command::Analyze(args) => analyze::run(args),
        Command::Separate(args) => separate::run(args),
        Command::Scan(args) => scan::run(args),
        Command::Pads(args) => pads_query::run(args),
        Command::Oneshots(args) => pads_query::run_oneshots(args),
        Command::Duplicates(args) => duplicates::run(args),
        Command::Init { path, force, preset } => init(path, *force, preset.as_deref()),
        Command::Validate { config } => validate(config),
        Command::Profiles { json } => profiles::run(*json),
        Command::Best { pack, per_kind, out } => best::run(pack, *per_kind, out.as_deref()),
        Command::Gallery { pack } => gallery::run(pack),
        Command::Recipe(cli::RecipeCommand::Render { recipes, out }) => recipe::run(recipes, out),
    }
}

/// Writes the commented default config.
fn init(path: &Path, force: bool, preset: Option<&str>) -> anyhow::Result<ExitStatus> {
    if path.exists() && !force {
        anyhow::bail!("{} already exists (use --force to overwrite)", path.display());
    }
    let Some(name) = preset else {
        wav_out::write_atomically(path, commented_default().as_bytes())?;
        println!("wrote {} (the defaults, with comments)", path.display());
        return Ok(ExitStatus::Success);
    };
    let config = Config::from_preset(name)?;
    let about = config::presets::PRESETS.iter().find(|(n, _, _)| *n == name).map_or("", |(_, about, _)| *about);
    let header = format!("# afterglow.toml: preset `{name}`: {about}.\n# Every key is shown; the preset changed only some of them.\n");
    wav_out::write_atomically(path, config::template::commented(&config, &header).as_bytes())?;
    println!("wrote {} (preset {name}, with comments)", path.display());
    Ok(ExitStatus::Success)
}

/// Checks a config and names every problem.
fn validate(path: &Path) -> anyhow::Result<ExitStatus> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        let hint = if path == Path::new(CONFIG_FILE_NAME) { " (run `afterglow init` to create one)" } else { "" };
        anyhow::anyhow!("{}: cannot read config: {e}{hint}", path.display())
    })?;
    match Config::from_toml(&text, &path.display().to_string()) {
        Ok(_) => {
            println!("{}: valid", path.display());
            Ok(ExitStatus::Success)
        }
        Err(problems) => {
            eprintln!("{}: {} problem(s):", path.display(), problems.len());
            for p in problems {
                eprintln!("  {p}");
            }
            Ok(ExitStatus::Failure)
        }
    }
}
