//! Grains, the grain pool, cloud and hiss voices, biquads. Audio thread.
