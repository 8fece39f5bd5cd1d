//! Background mining: the two threads the plugin owns ([`Miner`]). The mining thread walks the
//! archive folder, decodes, analyses and cuts pads with the engine, and hands each finished pad to
//! the audio thread as an owned buffer over an `rtrb` queue ([`crate::queues`]); replaced pads come
//! back over a second queue and are freed here (the creek / rtrb pattern: owned, preallocated
//! payloads travel, the audio thread never frees). The catalogue reader answers the archive view's
//! queries.

pub mod archive_browser;
mod archive_load;
mod archive_record;
mod catalogue;
mod folder_config;
mod miner;
mod pads;
mod recall;
mod relocate;
mod shared;
mod status;
mod worker;

pub use archive_browser::{ArchiveQuery, ArchiveShared, ArchiveSnapshot, ArchiveState, LoadRequest, MAX_LISTED_PADS};
pub use catalogue::{PadInfo, WAVEFORM_POINTS, catalogue_line, format_minutes_seconds};
pub use pads::{MinedPad, MinedSource, cut_reach_sec, make_pad};
pub use folder_config::{FOLDER_CONFIG_NAME, FolderSettings, folder_miner_config, folder_separation_config, folder_settings};
pub use worker::{MAX_MINED_SEC, list_audio_files};
pub use miner::Miner;
pub use shared::{MiningShared, publish_builtin};
pub use status::{MiningSnapshot, MiningStatus};
