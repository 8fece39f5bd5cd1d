//! Offline transforms: phase-vocoder stretch, pitch shift, filters, envelopes, normalisation. Background thread.
