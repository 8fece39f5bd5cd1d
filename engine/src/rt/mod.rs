//! Real-time helpers: smoothers, RNG streams, window tables, denormal guard. Audio thread.
