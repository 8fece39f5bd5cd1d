//! `TextureParams` and `TextureEngine`, the root both front ends drive, with the pad bank it plays
//! from and the built-in pad. Audio thread (except the `Pad` constructors).

mod builtin;
mod controls;
mod engine;
pub mod expression;
pub mod lfo;
pub mod modulation;
mod octaves;
pub mod param_table;
mod pad;
pub mod scale;
pub mod scan_settings;
mod tempo_state;
pub mod transport;

pub use builtin::{builtin_pad, BUILTIN_PAD_ID, BUILTIN_ROOT_NOTE};
pub use engine::view::GrainView;
pub use engine::{ProcessSpec, TextureEngine, CONTROL_PERIOD_FRAMES, MAX_GRAINS, MAX_VOICES, REST_AFTER_MS, RETIRE_FADE_MS};
pub use pad::{Pad, PadBank, MAX_PADS, MAX_RETIRING_PADS};
pub use param_table::TextureParams;
pub use expression::ExpressionTarget;
pub use lfo::LfoShape;
pub use scale::{Scale, ScaleRoot};
pub use scan_settings::{ScanLength, ScanMode, Travel};
pub use transport::{BeatClock, Feel, NoteValue, Transport};
/// Grain window shapes live with the window tables in `rt`; re-exported here, where `TextureParams` uses them.
pub use crate::rt::WindowShape;
