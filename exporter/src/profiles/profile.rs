//! One device's delivery settings ([`SamplerProfile`]) and the parts it is made of; the devices
//! themselves are rows of [`super::table`].

use crate::kind::Kind;
use serde::Serialize;

/// How a device wants channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Channels {
    /// Every file mono (the device is mono, or mono saves its memory).
    Mono,
    /// Mono or stereo per kind, as the config says.
    AsConfigured,
}

/// How files are foldered in the pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// `<source slug>/<kind folder>/<descriptive name>.wav` (the default pack).
    PerSource,
    /// `<root>/<group>/<short name>.wav` with the groups DRUMS (one-shots), PADS (pads, drones,
    /// swells, clouds) and FX (hiss, flickers, room tone), `group_prefix` before each group name.
    KitGroups { root: &'static str, group_prefix: &'static str },
    /// `<root>/<kind folder>/<short name>.wav`.
    KindFolders { root: &'static str },
}

/// A device's limits that the kit is curated to. Memory budgets are stated as seconds of mono
/// audio at the profile's rate and depth; a stereo file counts twice.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DeviceBudget {
    pub max_files: Option<usize>,
    pub max_mono_seconds: Option<f64>,
    pub max_file_seconds: Option<f64>,
}

/// Side files a device reads next to the samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SideFiles {
    None,
    /// Elektron Octatrack `.ot` sample attributes (loop, tempo, gain; see [`octatrack`]).
    OctatrackAttributes,
}

/// One device's delivery settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SamplerProfile {
    /// The `--profile` value.
    pub name: &'static str,
    pub device: &'static str,
    /// Output rate; 0 = the config's (`global.sample_rate`).
    pub sample_rate_hz: u32,
    /// 16 or 24; 0 = the config's (`global.output_bit_depth`).
    pub bits: u16,
    pub channels: Channels,
    /// Longest file name (without `.wav`), characters; 0 = the descriptive default names.
    pub name_max_chars: usize,
    pub layout: Layout,
    pub budget: Option<DeviceBudget>,
    pub side_files: SideFiles,
    /// The maker's documents the figures come from.
    pub sources: &'static str,
    /// Figures not confirmed from the maker's documents (and the safe choice taken).
    pub unconfirmed: &'static str,
}

impl SamplerProfile {
    /// Output rate for a config rate.
    pub fn rate_hz(&self, config_rate_hz: u32) -> u32 {
        if self.sample_rate_hz == 0 { config_rate_hz } else { self.sample_rate_hz }
    }

    /// Output depth for a config depth.
    pub fn bits(&self, config_bits: u16) -> u16 {
        if self.bits == 0 { config_bits } else { self.bits }
    }

    /// The folder (relative to the pack, `/`-separated) of a file of `kind` from the source whose
    /// folder name is `slug`.
    pub fn folder(&self, slug: &str, kind: Kind) -> String {
        match self.layout {
            Layout::PerSource => format!("{slug}/{}", kind.folder()),
            Layout::KindFolders { root } => format!("{root}/{}", kind.folder()),
            Layout::KitGroups { root, group_prefix } => {
                let group = match kind {
                    Kind::OneShot => "DRUMS",
                    Kind::Pad | Kind::Drone | Kind::Swell | Kind::Cloud => "PADS",
                    Kind::Hiss | Kind::Flicker | Kind::RoomTone => "FX",
                };
                format!("{root}/{group_prefix}{group}")
            }
        }
    }

    /// One line of limits for `afterglow profiles`.
    pub fn summary(&self) -> String {
        let rate = if self.sample_rate_hz == 0 { "config rate".to_string() } else { format!("{:.1} kHz", f64::from(self.sample_rate_hz) / 1000.0) };
        let bits = if self.bits == 0 { "config depth".to_string() } else { format!("{}-bit", self.bits) };
        let channels = match self.channels {
            Channels::Mono => "mono",
            Channels::AsConfigured => "mono/stereo per kind",
        };
        let names = if self.name_max_chars == 0 { "descriptive names".to_string() } else { format!("names <= {} chars", self.name_max_chars) };
        let mut parts = vec![rate, bits, channels.to_string(), names];
        if let Some(b) = self.budget {
            parts.extend(b.max_files.map(|n| format!("<= {n} files")));
            parts.extend(b.max_mono_seconds.map(|s| format!("<= {s:.0} s mono (stereo counts twice)")));
            parts.extend(b.max_file_seconds.map(|s| format!("<= {s:.0} s per file")));
        }
        if self.side_files == SideFiles::OctatrackAttributes {
            parts.push(".ot attribute files".into());
        }
        parts.join(", ")
    }
}
