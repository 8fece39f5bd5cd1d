//! The profiles, as data. Each device's figures come from its maker's manual where we could read it
//! (`sources`); the rest is marked `unconfirmed`, with the conservative choice taken. Memory budgets
//! are converted to seconds of mono audio at the profile's own rate and depth, with headroom.

use super::profile::{Channels, DeviceBudget, Layout, SamplerProfile, SideFiles};

/// Every profile; the first is the default pack.
pub static PROFILES: &[SamplerProfile] = &[
    SamplerProfile {
        name: "default",
        device: "any DAW or sampler",
        sample_rate_hz: 0,
        bits: 0,
        channels: Channels::AsConfigured,
        name_max_chars: 0,
        layout: Layout::PerSource,
        budget: None,
        side_files: SideFiles::None,
        sources: "",
        unconfirmed: "",
    },
    SamplerProfile {
        name: "tr8s",
        device: "Roland TR-8S",
        sample_rate_hz: 44_100,
        bits: 16,
        channels: Channels::AsConfigured,
        name_max_chars: 16,
        layout: Layout::KitGroups { root: "ROLAND/TR-8S/SAMPLE", group_prefix: "AGLOW_" },
        budget: Some(DeviceBudget { max_files: Some(400), max_mono_seconds: Some(600.0), max_file_seconds: Some(180.0) }),
        side_files: SideFiles::None,
        sources: "TR-8S Reference Manual (eng05, v3.00), sample import: \
                  https://static.roland.com/assets/media/pdf/TR-8S_Reference_eng05_W.pdf",
        unconfirmed: "all figures (the manual's import page could not be read here): 400 samples and 600 s \
                      of 44.1 kHz mono in all (stereo taken as twice), 180 s per sample, one folder level \
                      under ROLAND/TR-8S/SAMPLE imported on the unit, 16-character names",
    },
    SamplerProfile {
        name: "digitakt",
        device: "Elektron Digitakt",
        sample_rate_hz: 48_000,
        bits: 16,
        channels: Channels::Mono,
        name_max_chars: 24,
        layout: Layout::KindFolders { root: "afterglow" },
        // 60 MiB of the project's 64 MB at 48 kHz 16-bit mono.
        budget: Some(DeviceBudget { max_files: Some(127), max_mono_seconds: Some(655.0), max_file_seconds: None }),
        side_files: SideFiles::None,
        sources: "Digitakt User Manual (OS 1.51, 2023-11-08): 64 MB sample RAM per project (ch. 14), \
                  127 samples per project (11.3.4)",
        unconfirmed: "48 kHz 16-bit mono as the native format (Transfer converts anything else), \
                      32-byte +Drive names (24 kept for the screen)",
    },
    SamplerProfile {
        name: "octatrack",
        device: "Elektron Octatrack MKII",
        sample_rate_hz: 44_100,
        bits: 24,
        channels: Channels::AsConfigured,
        name_max_chars: 24,
        layout: Layout::KindFolders { root: "AUDIO/AFTERGLOW" },
        // 50 MiB of the 85.5 MB Flex RAM (the rest left to the track recorders) at 24-bit.
        budget: Some(DeviceBudget { max_files: Some(128), max_mono_seconds: Some(396.0), max_file_seconds: None }),
        side_files: SideFiles::OctatrackAttributes,
        sources: "Octatrack MKII User Manual (OS 1.40A, 2021-04-14): 128 Flex slots (4.3), 85.5 MB shared \
                  by Flex samples and recorders, 16/24-bit Flex format (8), audio pool per set (4.1), \
                  attributes LOOP, TIMESTRETCH, ORIGINAL TEMPO, GAIN (13)",
        unconfirmed: ".ot byte layout (community-documented, not published by Elektron), 44.1 kHz as the \
                      only rate that plays at pitch, 24-character names",
    },
    SamplerProfile {
        name: "tracker",
        device: "Polyend Tracker",
        sample_rate_hz: 44_100,
        bits: 16,
        channels: Channels::Mono,
        name_max_chars: 24,
        layout: Layout::KindFolders { root: "Samples/afterglow" },
        budget: Some(DeviceBudget { max_files: Some(48), max_mono_seconds: Some(133.0), max_file_seconds: None }),
        side_files: SideFiles::None,
        sources: "Polyend help centre, \"What sample rates and audio file formats is Tracker working with?\" \
                  (44.1 kHz 16-bit mono); Tracker+ Manual 6.1 (48 instruments); Tracker User's Manual \
                  (folders over 100 files are split)",
        unconfirmed: "133 s of samples per project (quoted from the manual by a third party), name length",
    },
    SamplerProfile {
        name: "sp404",
        device: "Roland SP-404MKII",
        sample_rate_hz: 48_000,
        bits: 16,
        channels: Channels::AsConfigured,
        name_max_chars: 23,
        layout: Layout::KindFolders { root: "IMPORT/AFTERGLOW" },
        budget: Some(DeviceBudget { max_files: Some(160), max_mono_seconds: None, max_file_seconds: None }),
        side_files: SideFiles::None,
        sources: "SP-404MK2 Reference Manual (v5.50): banks A-J of 16 pads (160 per project)",
        unconfirmed: "48 kHz 16-bit as the internal format, the IMPORT folder at the card's root, \
                      23-character pad names, the longest sample and the storage",
    },
    SamplerProfile {
        name: "blackbox",
        device: "1010music Blackbox",
        sample_rate_hz: 48_000,
        bits: 24,
        channels: Channels::AsConfigured,
        name_max_chars: 48,
        layout: Layout::KindFolders { root: "Samples/afterglow" },
        budget: None,
        side_files: SideFiles::None,
        sources: "Blackbox User Manual (v1.7c, 2021-03-17), Technical specs: WAV 16/24/32-bit at any rate, \
                  48 kHz preferred, 64 MB cache with longer samples streamed, 4 GB per file, names of \
                  A-Z 0-9 and a few signs, paths under 256 characters",
        unconfirmed: "preset.xml is not published by 1010music, so no preset is written (load the files on pads)",
    },
    SamplerProfile {
        name: "m8",
        device: "Dirtywave M8",
        sample_rate_hz: 44_100,
        bits: 16,
        channels: Channels::Mono,
        name_max_chars: 20,
        layout: Layout::KindFolders { root: "Samples/afterglow" },
        budget: None,
        side_files: SideFiles::None,
        sources: "M8 Operation Manual (v2.0.6, 2021-09-19): samples stream from the card (no memory limit), \
                  mono advised to ease the card, 128 instruments per song",
        unconfirmed: "16-bit 44.1 kHz as the safe format, 127-byte sample paths, 20-character names",
    },
];
