//! The audio thread's code: the host's transport per sub-block, the block renderer that feeds host events to the engine in sub-blocks,
//! the inbox that takes mined pads into the bank, and the scope that publishes what sounds to the
//! editor. Nothing here allocates, frees, locks or waits after activation.

pub mod host_notes;
pub mod host_transport;
pub mod inbox;
pub mod path;
pub mod render;
pub mod scope;
