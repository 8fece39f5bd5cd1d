//! Stable-region (pad) search, ranking, seam search and loops; noisy-region (hiss) search. Background thread.
