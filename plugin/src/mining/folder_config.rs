//! The settings an archive folder is mined with: the `[pad_miner]` and `[separation]` sections of
//! the exporter's config file (`afterglow.toml`) when the folder has one, else the defaults, so
//! the plugin mines a folder as `afterglow render` does with that file. Other sections are the
//! exporter's business. A bad section is named and mined with its defaults.

use std::path::Path;

use engine::mining::PadMinerConfig;
use engine::separate::SeparationConfig;

/// The settings file read from the archive folder (the exporter's config file name).
pub const FOLDER_CONFIG_NAME: &str = "afterglow.toml";

/// The settings an archive folder is mined with: its `afterglow.toml`'s `[pad_miner]` and
/// `[separation]` sections (the exporter's), or the defaults.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FolderSettings {
    pub pad_miner: PadMinerConfig,
    pub separation: SeparationConfig,
}

/// The `[pad_miner]` settings for an archive folder: those of its `afterglow.toml` when it has one
/// (the exporter's config file; other sections are the exporter's business), else the defaults.
/// Err names the file and the problem (the caller then mines with the defaults).
pub fn folder_miner_config(root: &Path) -> Result<PadMinerConfig, String> {
    folder_section(root, "pad_miner", PadMinerConfig::validate)
}

/// The `[separation]` settings for an archive folder, read as [`folder_miner_config`] reads
/// `[pad_miner]`: when and how a busy mix is split into layers.
pub fn folder_separation_config(root: &Path) -> Result<SeparationConfig, String> {
    folder_section(root, "separation", SeparationConfig::validate)
}

/// Both sections for an archive folder, each its defaults where it has a problem, and the
/// problems (each named once: a file that is not TOML spoils both sections alike).
pub fn folder_settings(root: &Path) -> (FolderSettings, Vec<String>) {
    let mut problems: Vec<String> = Vec::new();
    let pad_miner = folder_miner_config(root).unwrap_or_else(|problem| {
        problems.push(problem);
        PadMinerConfig::default()
    });
    let separation = folder_separation_config(root).unwrap_or_else(|problem| {
        if !problems.contains(&problem) {
            problems.push(problem);
        }
        SeparationConfig::default()
    });
    (FolderSettings { pad_miner, separation }, problems)
}

/// Section `name` of the folder's `afterglow.toml`, checked by `validate`; its defaults when the
/// file or the section is absent. Err names the file and the problem.
fn folder_section<T>(root: &Path, name: &str, validate: impl Fn(&T) -> engine::Result<()>) -> Result<T, String>
where
    T: Default + serde::de::DeserializeOwned,
{
    let path = root.join(FOLDER_CONFIG_NAME);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(T::default());
    };
    let problem = |what: String| format!("{}: {what}; mining with the default settings", path.display());
    let table: toml::Table = toml::from_str(&text).map_err(|e| problem(format!("not valid TOML ({})", e.message())))?;
    let Some(section) = table.get(name) else {
        return Ok(T::default());
    };
    let config: T = section.clone().try_into().map_err(|e: toml::de::Error| problem(format!("[{name}] {}", e.message())))?;
    validate(&config).map_err(|e| problem(e.to_string()))?;
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_folder_config_sets_the_miner_and_a_bad_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(folder_miner_config(dir.path()), Ok(PadMinerConfig::default()));
        std::fs::write(dir.path().join(FOLDER_CONFIG_NAME), "[global]\nseed = 3\n[pad_miner]\nmax_candidates_per_file = 5\n").unwrap();
        assert_eq!(folder_miner_config(dir.path()).unwrap().max_candidates_per_file, 5);
        std::fs::write(dir.path().join(FOLDER_CONFIG_NAME), "[pad_miner]\nmax_overlap_ratio = 3.0\n").unwrap();
        let problem = folder_miner_config(dir.path()).unwrap_err();
        assert!(problem.contains("afterglow.toml") && problem.contains("max_overlap_ratio"), "{problem}");
    }

    #[test]
    fn the_folder_config_sets_the_separation_and_a_bad_one_is_named_once() {
        use engine::separate::SeparationMode;
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(folder_settings(dir.path()), (FolderSettings::default(), Vec::new()));
        let config = dir.path().join(FOLDER_CONFIG_NAME);
        std::fs::write(&config, "[pad_miner]\nmax_candidates_per_file = 5\n[separation]\nmode = \"always\"\nmargin = 2.0\n").unwrap();
        let (settings, problems) = folder_settings(dir.path());
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(settings.pad_miner.max_candidates_per_file, 5);
        assert_eq!((settings.separation.mode, settings.separation.margin), (SeparationMode::Always, 2.0));

        // A bad section falls back to its defaults alone, and is named with its key.
        std::fs::write(&config, "[pad_miner]\nmax_candidates_per_file = 5\n[separation]\nmargin = 0.5\n").unwrap();
        let (settings, problems) = folder_settings(dir.path());
        assert_eq!((settings.pad_miner.max_candidates_per_file, &settings.separation), (5, &SeparationConfig::default()));
        assert!(problems.len() == 1 && problems[0].contains("separation.margin"), "{problems:?}");
        std::fs::write(&config, "[separation]\nmode = \"sometimes\"\n").unwrap();
        let problem = folder_separation_config(dir.path()).unwrap_err();
        assert!(problem.contains("[separation]") && problem.contains("sometimes"), "{problem}");

        // A file that is not TOML spoils both sections: said once.
        std::fs::write(&config, "[separation\nmode = 1").unwrap();
        let (settings, problems) = folder_settings(dir.path());
        assert_eq!(settings, FolderSettings::default());
        assert!(problems.len() == 1 && problems[0].contains("not valid TOML"), "{problems:?}");
    }
}
