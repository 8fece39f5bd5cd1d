//! Sampler profiles: what each device loads well (rate, depth, channels, names, folders, budgets),
//! written once as data ([`table`]) and read by `render --profile`, `afterglow profiles` and the
//! README's table.
//!
//! A profile never changes what is mined, only how the pack is delivered: files are converted to
//! the device's rate (loops with [`engine::source::resample_loop`], so they stay seamless), folded
//! to mono where the device is mono, named and foldered for its screen and card layout, and when
//! the pack is over the device's budget a kit is curated by quality and diversity
//! ([`crate::render::budget::curate`]).

pub mod names;
pub mod octatrack;
mod profile;
mod table;

pub use profile::{Channels, DeviceBudget, Layout, SamplerProfile, SideFiles};
pub use table::PROFILES;

use crate::kind::Kind;

impl SamplerProfile {
    /// The profile called `name`.
    pub fn by_name(name: &str) -> Option<&'static SamplerProfile> {
        PROFILES.iter().find(|p| p.name == name)
    }

    /// The default pack (44.1 kHz, the config's depth, descriptive names, no budget).
    pub fn default_pack() -> &'static SamplerProfile {
        &PROFILES[0]
    }

    /// Whether this is the default pack.
    pub fn is_default(&self) -> bool {
        self.name == PROFILES[0].name
    }
}

/// `afterglow profiles [--json]`.
pub fn run(json: bool) -> anyhow::Result<crate::exit::ExitStatus> {
    if json {
        println!("{}", serde_json::to_string_pretty(PROFILES)?);
    } else {
        for p in PROFILES {
            println!("{:<10} {}: {}", p.name, p.device, p.summary());
            println!("{:<10} folders: {}", "", p.folder("<source>", Kind::Pad));
            println!("{:<10} sources: {}", "", p.sources);
            if !p.unconfirmed.is_empty() {
                println!("{:<10} unconfirmed: {}", "", p.unconfirmed);
            }
        }
    }
    Ok(crate::exit::ExitStatus::Success)
}
