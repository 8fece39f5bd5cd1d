//! Every preset the browser offers: the factory presets, then the user's, by category, with the
//! files that could not be read. Rebuilt after every save, rename and delete (a few small files).

use std::path::PathBuf;

use super::factory::factory_presets;
use super::format::{Preset, PresetError};
use super::user::UserPresets;

/// Where a preset comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PresetOrigin {
    /// Shipped inside the plugin: loads, never renamed or deleted.
    Factory,
    /// A file in the user's preset folder.
    User(PathBuf),
}

/// One preset of the library.
#[derive(Debug, Clone, PartialEq)]
pub struct PresetEntry {
    pub preset: Preset,
    pub origin: PresetOrigin,
}

impl PresetEntry {
    pub fn is_factory(&self) -> bool {
        self.origin == PresetOrigin::Factory
    }
}

/// The factory and user presets, and the user files that are not presets.
#[derive(Debug, Clone, Default)]
pub struct PresetLibrary {
    pub entries: Vec<PresetEntry>,
    /// Files (or factory texts) that could not be read, each naming the file.
    pub problems: Vec<PresetError>,
}

impl PresetLibrary {
    /// The factory presets and those in `user`'s folder (none when there is no user folder).
    /// Not realtime-safe: allocates and reads files.
    pub fn load(user: Option<&UserPresets>) -> Self {
        let mut library = Self::default();
        for preset in factory_presets() {
            match preset {
                Ok(preset) => library.entries.push(PresetEntry { preset, origin: PresetOrigin::Factory }),
                Err(error) => library.problems.push(error),
            }
        }
        if let Some(user) = user {
            let (presets, problems) = user.list();
            library.entries.extend(presets.into_iter().map(|(path, preset)| PresetEntry { preset, origin: PresetOrigin::User(path) }));
            library.problems.extend(problems);
        }
        library
    }

    /// The categories in the order they first appear (factory categories first).
    pub fn categories(&self) -> Vec<&str> {
        let mut categories: Vec<&str> = Vec::new();
        for entry in &self.entries {
            if !categories.contains(&entry.preset.category.as_str()) {
                categories.push(&entry.preset.category);
            }
        }
        categories
    }

    /// The entries of `category`, with their index in [`Self::entries`].
    pub fn in_category<'a>(&'a self, category: &'a str) -> impl Iterator<Item = (usize, &'a PresetEntry)> + 'a {
        self.entries.iter().enumerate().filter(move |(_, e)| e.preset.category == category)
    }

    /// The index of the user preset saved in `path`.
    pub fn index_of_file(&self, path: &std::path::Path) -> Option<usize> {
        self.entries.iter().position(|e| matches!(&e.origin, PresetOrigin::User(p) if p == path))
    }
}
