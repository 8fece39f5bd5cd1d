//! Afterglow as a CLAP/VST3 instrument.
