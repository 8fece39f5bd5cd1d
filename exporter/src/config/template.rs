//! The commented default `afterglow.toml` that `afterglow init` writes: the values come from
//! `Config::default()` (so they cannot drift), the comments from the tables below.

/// Lines above a section header.
pub const SECTION_COMMENTS: &[(&str, &str)] = &[
    ("paths", "Used when `render` gets no ARCHIVE argument. Folders that do not exist are ignored; with none of them present, the bundled fixtures/archive is rendered."),
    ("pad_miner", "Sliding windows over the analysis; a window becomes a pad when every gate passes."),
    ("separation", "Layers: a busy mix (drums over sustained harmony) is split into harmonic, percussive and residual layers; pads, drones, swells and clouds may then come from its harmonic layer, one-shots from its percussive layer."),
    ("filters", "Tone variants of drone loops, zero phase; corners are -6 dB points. Each variant is renormalised afterwards."),
    ("clouds", "Rendered by the same grain engine the plugin plays live."),
    ("hiss_miner", "Where hiss comes from: bright, noise-like stretches (drums, cymbal tails, room tone)."),
    ("roomtone", "Room tone: quiet, steady, non-silent stretches (between takes, before the count-in) made into loops."),
    ("oneshots", "Drum one-shots: hits sliced at their onsets, classed kick/snare/hat/perc/other by spectral shape, near-identical hits collapsed."),
    ("curation.thresholds", "Grades: A ready to use, B usable with a caveat, C needs care, D poor, F unusable (see the README). Grades expect the peak at global.target_peak_dbfs."),
];

/// The comment after each key.
pub const KEY_COMMENTS: &[(&str, &str)] = &[
    ("drone_maker.stereo", "pads, drones and swells in stereo (false: folded to mono)"),
    ("clouds.target_peak_dbfs", "peak of clouds, dBFS (the original's -3)"),
    ("hiss.stereo", "hiss and flickers in stereo (false: folded to mono)"),
    ("hiss.target_peak_dbfs", "peak of hiss loops, dBFS (the original's -6: air sits under pads)"),
    ("hiss.flicker_target_peak_dbfs", "peak of flickers, dBFS"),
    ("oneshots.pre_roll_ms", "audio kept before the attack"),
    ("oneshots.fade_in_ms", "fade at the start of each one-shot"),
    ("oneshots.fade_out_ms", "fade at the end of each one-shot"),
    ("oneshots.decay_floor_db", "a hit ends this far below its peak (or back at the level it rose from)"),
    ("oneshots.min_length_ms", "shorter hits are dropped"),
    ("oneshots.max_length_ms", "longer hits are cut (with a fade)"),
    ("oneshots.min_peak_dbfs", "quieter hits are dropped"),
    ("oneshots.min_attack_db", "rise over the 30 ms before the attack: a hit, not a swell"),
    ("oneshots.max_dc_offset", "|mean| of the raw slice, linear"),
    ("oneshots.max_clip_ratio", "share of samples at full scale"),
    ("oneshots.max_per_class", "most one-shots per class per source"),
    ("oneshots.min_distance", "hits closer in spectral shape count as one (0 keeps near-duplicates)"),
    ("global.sample_rate", "output rate, Hz (fixed: samplers such as the TR-8S read 44.1 kHz)"),
    ("global.output_bit_depth", "24, or 16 with TPDF dither (--profile tr8s forces 16)"),
    ("global.target_peak_dbfs", "every file is peak-normalised to this, -30..-0.1"),
    ("paths.source_audio", "full tracks, stems, bounces: mined for everything"),
    ("paths.pad_sources", "hand-picked tonal material: pads, drones, swells, clouds"),
    ("paths.drums", "percussive or noisy material: hiss, flickers, drum one-shots and room tone"),
    ("paths.export_dir", "output folder unless --out is given"),
    ("reproducibility.random_seed", "the same seed gives byte-identical packs (--seed overrides)"),
    ("pad_miner.min_rms_db", "quietest window level, dBFS"),
    ("pad_miner.max_rms_db", "loudest window level, dBFS"),
    ("pad_miner.max_onset_rate_per_sec", "busier material (drums: 4 or more onsets/s) is rejected"),
    ("pad_miner.spectral_flatness_threshold", "0 = pure tone, ~0.56 = white noise; above this is not a pad"),
    ("pad_miner.max_dc_offset", "|mean| of the window, linear"),
    ("pad_miner.max_crest_factor", "peak / RMS of the window"),
    ("pad_miner.max_clip_ratio", "share of clipped samples"),
    ("pad_miner.min_duration_sec", "shortest pad (used when a source is too short for the targets)"),
    ("pad_miner.max_duration_sec", "longest pad"),
    ("pad_miner.target_durations_sec", "pad lengths searched"),
    ("pad_miner.max_candidates_per_file", "most pads per source, however long"),
    ("pad_miner.max_pads_per_minute", "most pads per minute of source (at least 1 per source), 0 = no ceiling"),
    ("pad_miner.max_pads_per_pack", "most pads in the whole pack, shared among sources by length, 0 = no ceiling"),
    ("pad_miner.one_per_material", "one pad per distinct material (chord, brightness, dynamic): its best window"),
    ("pad_miner.window_hop_sec", "step between windows"),
    ("pad_miner.max_overlap_ratio", "two pads may share at most this much of the shorter one"),
    ("pad_miner.loop_crossfade_ms", "equal-power seam cross-fade (legacy name `crossfade_ms` accepted)"),
    ("pad_miner.seam_search_ms", "how far the loop end may move to find the best-matching seam"),
    ("pad_miner.loop_start_search_ms", "how far the loop start may move to put the wrap somewhere calm"),
    ("pad_miner.seam_match_ms", "window compared when matching the seam"),
    ("separation.mode", "auto: separate a source whose mix is too busy for pads; off: never; always: every source"),
    ("separation.margin", "1..8: how clearly a bin must be harmonic or percussive; the rest goes to the residual"),
    ("separation.fft_size", "STFT length, a power of two from 1024 to 16384 (hop a quarter of it)"),
    ("separation.harmonic_kernel_ms", "a partial must last through most of this to count as harmonic, 50..5000 ms"),
    ("separation.harmonic_percentile", "percentile over that span, 5..50 (50: textbook median filtering)"),
    ("separation.percussive_kernel_hz", "a frame is percussive where its spectrum is broad over this span, 50..5000 Hz"),
    ("separation.mask_power", "soft-mask power, 0.5..8 (2: Wiener-like; large: nearly binary)"),
    ("drone_maker.time_stretch_factors", "phase-vocoder stretch (2.0 = twice as long), 0.25..8"),
    ("drone_maker.pitch_shift_semitones", "one drone per shift, -24..24"),
    ("drone_maker.filter_variants", "extra tone variants of every drone loop"),
    ("drone_maker.max_drones_per_source", "how many of a source's best pads become drones"),
    ("drone_maker.make_swells", "enveloped one-shots of the drone material"),
    ("drone_maker.reversed_swells", "also write each swell reversed"),
    ("drone_maker.swell_attack_sec", "swell rise"),
    ("drone_maker.swell_release_sec", "swell decay"),
    ("drone_maker.swell_shape", "linear, equal_power, exponential or s_curve"),
    ("drone_maker.max_variants_per_pad", "most drones + swells + clouds from one pad, 0 = no cap (plain ones first)"),
    ("drone_maker.swell_duration_sec", "fixed swell length, 1..60 s; 0 = as long as the stretched pad"),
    ("drone_maker.enable_reversal", "also write every pad loop reversed, as an extra pad"),
    ("filters.warm_lowpass_hz", "warm: low-pass corner, Hz"),
    ("filters.warm_low_shelf_hz", "warm: low-shelf corner, Hz"),
    ("filters.warm_low_shelf_db", "warm: low-shelf gain, dB"),
    ("filters.airy_highpass_hz", "airy: high-pass corner, Hz"),
    ("filters.airy_high_shelf_hz", "airy: high-shelf corner, Hz"),
    ("filters.airy_high_shelf_db", "airy: high-shelf gain, dB"),
    ("filters.dark_high_cut_hz", "dark: low-pass corner, Hz"),
    ("clouds.grain_length_min_ms", "5..1000"),
    ("clouds.grain_length_max_ms", "5..1000, at least the minimum"),
    ("clouds.grains_per_second", "density, 0.5..500 (loudness stays even across densities)"),
    ("clouds.pitch_shift_min_semitones", "per-grain transposition range"),
    ("clouds.pitch_shift_max_semitones", "at least the minimum"),
    ("clouds.position_spray", "random spread of grain starts inside the region, 0..1"),
    ("clouds.reverse_probability", "share of grains played backwards"),
    ("clouds.stereo_spread", "per-grain pan width, 0 (mono) .. 1"),
    ("clouds.lowpass_hz", "cloud low-pass, 200..20000"),
    ("clouds.window", "grain window: hann, tukey, decay or triangle"),
    ("clouds.cloud_duration_sec", "length of each cloud"),
    ("clouds.clouds_per_source", "0..16"),
    ("clouds.stereo", "false folds clouds to mono"),
    ("hiss.filter", "bandpass or highpass"),
    ("hiss.band_low_hz", "band-pass low edge (or high-pass cutoff)"),
    ("hiss.band_high_hz", "band-pass high edge"),
    ("hiss.tremolo_rate_hz", "rounded so each loop holds a whole number of cycles"),
    ("hiss.tremolo_depth", "0..1"),
    ("hiss.tone_gate_db", "notes reaching the hiss band pulled down to the noise around them, dB over it (0: off)"),
    ("hiss.hiss_loop_sec", "length of each hiss loop, 0.5..60"),
    ("hiss.hiss_loops_per_source", "0..16"),
    ("hiss.flicker_count", "short bursts per source"),
    ("hiss.flicker_min_ms", "shortest flicker, 10..5000"),
    ("hiss.flicker_max_ms", "longest flicker, at least the shortest"),
    ("hiss.synthetic_fallback", "seeded noise when the archive has no noisy material"),
    ("roomtone.min_level_dbfs", "below this frame level it is silence, dBFS"),
    ("roomtone.max_level_dbfs", "above this frame level it is music, dBFS"),
    ("roomtone.below_loud_db", "at least this far below the loud passages, dB"),
    ("roomtone.max_spread_db", "largest level spread inside a stretch, dB"),
    ("roomtone.min_duration_sec", "shortest stretch"),
    ("roomtone.max_duration_sec", "longest loop"),
    ("roomtone.max_per_source", "most room-tone loops per source"),
    ("hiss_miner.min_flatness", "spectral flatness from which a window counts as noise (white noise ~0.56)"),
    ("hiss_miner.min_centroid_hz", "spectral centroid from which noise counts as bright"),
    ("hiss_miner.min_air_flatness", "flatness of the 5-15 kHz air band from which it counts as noise (real drums 0.1-0.3)"),
    ("hiss_miner.min_air_db", "quietest air-band level that counts, dBFS"),
    ("hiss_miner.min_rms_db", "quietest window level, dBFS"),
    ("hiss_miner.max_rms_db", "loudest window level, dBFS"),
    ("hiss_miner.max_clip_ratio", "share of clipped samples"),
    ("hiss_miner.min_duration_sec", "shortest region (used when a source is too short for the targets)"),
    ("hiss_miner.max_duration_sec", "longest region"),
    ("hiss_miner.target_durations_sec", "region lengths searched"),
    ("hiss_miner.max_candidates_per_file", "most regions per source"),
    ("hiss_miner.window_hop_sec", "step between windows"),
    ("hiss_miner.max_overlap_ratio", "two regions may share at most this much of the shorter one"),
    ("curation.auto_delete_grade_f", "true: F files are not written (their manifest rows say so)"),
    ("curation.thresholds.min_rms_db", "quieter than this is silence: F"),
    ("curation.thresholds.max_rms_db", "louder than this (squashed): D"),
    ("curation.thresholds.peak_tolerance_db", "peak further than this from global.target_peak_dbfs: C"),
    ("curation.thresholds.max_dc_offset", "|DC| above: C"),
    ("curation.thresholds.severe_dc_offset", "|DC| above: D"),
    ("curation.thresholds.high_crest_factor", "crest above: B"),
    ("curation.thresholds.max_crest_factor", "crest above: F"),
    ("curation.thresholds.seam_flux_ratio_a", "loop seam flux ratio above: B"),
    ("curation.thresholds.seam_flux_ratio_b", "above: C"),
    ("curation.thresholds.seam_flux_ratio_c", "above: D"),
    ("curation.thresholds.wrap_step_a", "loop wrap step above: B"),
    ("curation.thresholds.wrap_step_b", "above: C"),
    ("curation.thresholds.wrap_step_c", "above: D"),
    ("curation.thresholds.drum_bleed_db_a", "a pad from a harmonic layer louder (or quieter) at the drum hits by more than this: B, dB"),
    ("curation.thresholds.drum_bleed_db_b", "... by more than this: C, dB"),
    ("brightness_tags.centroid_low_hz", "below: dark"),
    ("brightness_tags.centroid_high_hz", "above: bright; between: mid"),
    ("musicality.target_key", "e.g. \"A minor\": drones, swells and clouds move there (-6..+6 semitones)"),
    ("musicality.key_confidence_threshold", "transpose only when the detected key is at least this sure, 0..1"),
    ("musicality.snap_to_grid", "loops and clouds a whole number of bars long"),
    ("musicality.reference_bpm", "\"detect\" (each source's tempo) or a BPM such as \"120\""),
    ("musicality.bar_lengths", "allowed loop lengths in bars"),
    ("musicality.beats_per_bar", "1..16"),
];

/// Header of the file.
const HEADER: &str = "\
# afterglow.toml: what `afterglow render` does with your archive.
# Every key is optional: a missing key keeps the default shown here. `afterglow validate` checks the file.
";

/// Keys that are derived from others and therefore not written.
pub const DERIVED_KEYS: &[&str] = &["curation.thresholds.target_peak_dbfs"];

/// Column at which key comments start.
const COMMENT_COLUMN: usize = 34;

/// The default config as commented TOML.
pub fn commented_default() -> String {
    commented(&super::Config::default(), HEADER)
}

/// `config` as commented TOML under `header` (`afterglow init --preset NAME` shows a preset this way).
pub fn commented(config: &super::Config, header: &str) -> String {
    // Serialising a plain struct of numbers, strings, lists and sub-structs cannot fail.
    let plain = toml::to_string(config).expect("config serialises");
    let mut out = String::from(header);
    let mut section = String::new();
    for line in plain.lines().filter(|l| !l.trim().is_empty()) {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.to_string();
            out.push('\n');
            if let Some((_, text)) = SECTION_COMMENTS.iter().find(|(s, _)| *s == name) {
                out.push_str(&wrap_comment(text));
            }
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let key = line.split(" = ").next().unwrap_or(line);
        let dotted = format!("{section}.{key}");
        if DERIVED_KEYS.contains(&dotted.as_str()) {
            continue;
        }
        match KEY_COMMENTS.iter().find(|(k, _)| *k == dotted) {
            Some((_, comment)) => out.push_str(&format!("{line:<COMMENT_COLUMN$} # {comment}\n")),
            None => out.push_str(&format!("{line}\n")),
        }
    }
    out
}

/// `# `-prefixed lines of at most about 100 characters.
fn wrap_comment(text: &str) -> String {
    let mut out = String::new();
    let mut line = String::from("#");
    for word in text.split_whitespace() {
        if line.len() + word.len() > 100 {
            out.push_str(&line);
            out.push('\n');
            line = String::from("#");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}
