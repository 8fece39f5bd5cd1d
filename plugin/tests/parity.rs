//! Plugin/recipe parity: the built plugin in a CLAP host at 44.1 kHz and
//! `engine::recipe::render_engine` on the recipe of the same situation (parameters, seed, notes,
//! automation, pad) give identical samples (f32 equality).
//!
//! Why they can be identical: both drive the same `TextureEngine` code, prepared at the same rate,
//! reset with the same seed, over a bank whose pad is made by the same function
//! (`engine::recipe::pad_material_of_layers`, or `builtin_pad`) with the same id; the parameters
//! are the plugin's own mapping (`AfterglowParams::texture_params`, fed the host's values exactly
//! as the CLAP wrapper converts them), and note and parameter events land on the same frames.
//!
//! The mined pads themselves are compared too: the plugin's miner and the exporter mine the same
//! regions (`engine::mining::mine_pads`, layers included: a busy mix gives pads from its harmonic
//! layer in both) and cut the same samples.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use afterglow_plugin::capture::capture_recipe;
use afterglow_plugin::mining::{MinedSource, MiningSnapshot, MiningStatus, PadInfo, make_pad, publish_builtin};
use afterglow_plugin::params::AfterglowParams;
use common::in_process::set_like_host;
use common::busy_mix::write_busy_mix;
use common::{HostEvent, TestHost, Transport, rms, state_with_archive_path};
use engine::analysis::{AnalysisConfig, Analyzer, analyze};
use engine::mining::{PadMinerConfig, find_pads, mine_pads};
use engine::recipe::{ParamPoint, Recipe, layer_pad_id, pad_material_of_layers, recipe_from_text, recipe_pad, recipe_to_text, render_engine};
use engine::separate::{Layer, SeparationConfig};
use engine::source::{LoadOptions, SourceBuffer, load};

const SAMPLE_RATE_HZ: f64 = 44_100.0;

/// The same (name, CLAP value) settings as host events at frame 0 and on the lib's parameters.
fn settings(host: &mut TestHost, params: &AfterglowParams, values: &[(&str, f64)]) -> Vec<(usize, HostEvent)> {
    values
        .iter()
        .map(|&(name, value)| {
            set_like_host(params, name, value);
            (0, HostEvent::Param { id: host.param_id(name), value })
        })
        .collect()
}

/// The editor's catalogue with only the built-in texture, as a fresh instance has it.
fn builtin_catalogue() -> Vec<Option<afterglow_plugin::mining::PadInfo>> {
    let status = MiningStatus::new();
    publish_builtin(&status, &engine::texture::builtin_pad(SAMPLE_RATE_HZ as f32));
    let mut snapshot = MiningSnapshot::default();
    assert!(status.try_copy_into(&mut snapshot));
    snapshot.pads
}

/// Index and values of the first differing sample, if any.
fn first_difference(plugin: &[Vec<f32>; 2], recipe: &[Vec<f32>]) -> Option<(usize, usize, f32, f32)> {
    for (channel, (a, b)) in plugin.iter().zip(recipe).enumerate() {
        assert_eq!(a.len(), b.len(), "lengths differ");
        if let Some(i) = a.iter().zip(b).position(|(x, y)| x.to_bits() != y.to_bits()) {
            return Some((channel, i, a[i], b[i]));
        }
    }
    None
}

fn assert_identical(plugin: &[Vec<f32>; 2], recipe: &[Vec<f32>]) {
    assert!(rms(plugin) > 1e-3, "plugin render is silent: rms {}", rms(plugin));
    assert_eq!(first_difference(plugin, recipe), None, "plugin and recipe differ (channel, frame, plugin, recipe)");
}

/// Parameter settings shared by the tests: away from the defaults, all audible.
const SOUND: &[(&str, f64)] = &[
    ("Density", 0.45),
    ("Grain Size", 0.3),
    ("Pitch Spray", 0.2),
    ("Stereo Spread", 0.8),
    ("Reverse", 0.3),
    ("Tremolo Depth", 0.4),
    ("Window", 1.0),
    ("Seed", 1234.0),
];

#[test]
fn parity_hold_mode_with_the_builtin_pad() {
    let mut host = TestHost::new();
    let params = AfterglowParams::default();
    let mut events = settings(&mut host, &params, SOUND);
    events.extend(settings(&mut host, &params, &[("Hold", 1.0)]));
    host.activate(SAMPLE_RATE_HZ, 512);
    let num_frames = 3 * 44_100;
    let plugin = host.render(num_frames, 512, &events);

    let capture = capture_recipe(&params, &builtin_catalogue(), &[0.0; 128], 3.0).expect("capture");
    let recipe = render_engine(&capture.recipe, None).expect("render recipe");
    assert_identical(&plugin, &recipe);
    // The comparison is sharp: another seed differs.
    let mut reseeded = capture.recipe.clone();
    reseeded.seed += 1;
    let other = render_engine(&reseeded, None).expect("render recipe");
    assert!(first_difference(&plugin, &other).is_some(), "a different seed gave the same samples");
}

#[test]
fn parity_tempo_synced_cloud_and_scan_at_the_recipes_tempo() {
    // The host plays from the song's start at 90 BPM; the recipe records that tempo and renders
    // as if played so. (No hiss: its noise is seeded from the song position in the plugin and by
    // count in the recipe, and synced grains use neither.)
    let mut host = TestHost::new();
    let params = AfterglowParams::default();
    let mut events = settings(&mut host, &params, SOUND);
    let synced = [("Sync", 1.0), ("Grain Rate", 17.0), ("Scan", 2.0), ("Scan Length", 4.0), ("Hold", 1.0)];
    events.extend(settings(&mut host, &params, &synced));
    let mut session = host.session(SAMPLE_RATE_HZ, 512);
    session.set_transport(Some(Transport { tempo_bpm: 90.0, ..Transport::playing_at(0) }));
    let plugin = session.play(3 * 44_100, &[512], &events);
    drop(session);

    let capture = capture_recipe(&params, &builtin_catalogue(), &[0.0; 128], 3.0).expect("capture");
    let mut recipe = capture.recipe;
    assert!(recipe.params.sync && recipe.params.grain_division.label() == "1/8T", "{:?}", recipe.params);
    recipe.tempo_bpm = 90.0;
    let text = recipe_to_text(&recipe).expect("recipe text");
    assert!(text.contains("tempo_bpm = 90.0") && text.contains("grain_division = \"1/8T\""), "{text}");
    let rendered = render_engine(&recipe_from_text(&text, "synced recipe").expect("read back"), None).expect("render recipe");
    assert_identical(&plugin, &rendered);
    // The tempo is what places the grains: at the default 120 the recipe renders differently.
    recipe.tempo_bpm = 120.0;
    let at_120 = render_engine(&recipe, None).expect("render recipe");
    assert!(first_difference(&plugin, &at_120).is_some(), "the recipe's tempo changed nothing");
}

#[test]
fn parity_hiss_and_cloud_with_tremolo_and_flickers() {
    let mut host = TestHost::new();
    let params = AfterglowParams::default();
    let mut events = settings(&mut host, &params, SOUND);
    let hiss = [("Hiss Level", 0.7), ("Hiss Tone", 0.4), ("Tremolo Rate", 0.6), ("Flicker", 0.8), ("Hold", 1.0)];
    events.extend(settings(&mut host, &params, &hiss));
    host.activate(SAMPLE_RATE_HZ, 512);
    let plugin = host.render(3 * 44_100, 512, &events);

    let capture = capture_recipe(&params, &builtin_catalogue(), &[0.0; 128], 3.0).expect("capture");
    assert!(capture.recipe.params.hiss_gain > 0.1 && capture.recipe.params.flicker_amount > 0.5);
    let recipe = render_engine(&capture.recipe, None).expect("render recipe");
    assert_identical(&plugin, &recipe);
    // The hiss is in it: without it the recipe renders differently.
    let mut dry = capture.recipe.clone();
    dry.params.hiss_gain = 0.0;
    let without = render_engine(&dry, None).expect("render recipe");
    assert!(first_difference(&plugin, &without).is_some(), "the hiss made no difference");
}

#[test]
fn parity_held_note_and_automation_mid_render() {
    let mut host = TestHost::new();
    let params = AfterglowParams::default();
    let mut events = settings(&mut host, &params, SOUND);
    events.push((0, HostEvent::NoteOn { key: 62, velocity: 0.7 }));
    let mut held = [0.0; 128];
    // The CLAP wrapper hands velocity on as f32.
    held[62] = 0.7f64 as f32;
    let capture = capture_recipe(&params, &builtin_catalogue(), &held, 2.5).expect("capture");
    let mut recipe: Recipe = capture.recipe;

    // Automation inside a host block (30_000 is not a block or sub-block boundary): pitch and
    // density change there, on both sides.
    let automation_frame = 30_000;
    let automated = AfterglowParams::default();
    set_like_host(&automated, "Pitch", 0.7);
    set_like_host(&automated, "Density", 0.6);
    for (name, value) in [("Pitch", 0.7), ("Density", 0.6)] {
        events.push((automation_frame, HostEvent::Param { id: host.param_id(name), value }));
    }
    let time_sec = automation_frame as f64 / SAMPLE_RATE_HZ;
    let after = automated.texture_params();
    recipe.automation = vec![
        ParamPoint { time_sec, param: String::from("pitch_semitones"), value: after.pitch_semitones },
        ParamPoint { time_sec, param: String::from("density_hz"), value: after.density_hz },
    ];

    let rendered = render_engine(&recipe, None).expect("render recipe");
    // Host blocks that are and are not multiples of the engine's 64-frame sub-block.
    let renders: Vec<[Vec<f32>; 2]> = [512usize, 100, 4096]
        .into_iter()
        .map(|block| {
            let mut host = TestHost::new();
            host.activate(SAMPLE_RATE_HZ, block as u32);
            host.render(recipe_frames(&recipe), block, &events)
        })
        .collect();
    for plugin in &renders {
        assert_identical(plugin, &rendered);
    }
    let plugin = &renders[0];
    // The automation did something: the recipe without it differs after the point only.
    let mut still = recipe.clone();
    still.automation.clear();
    let unautomated = render_engine(&still, None).expect("render recipe");
    let (_, frame, _, _) = first_difference(plugin, &unautomated).expect("automation changed nothing");
    assert!(frame >= automation_frame, "differs before the automation point: frame {frame}");
}

fn recipe_frames(recipe: &Recipe) -> usize {
    (recipe.duration_sec * SAMPLE_RATE_HZ).round() as usize
}

/// Write `seconds` of a chord pad as a 16-bit stereo WAV at 44.1 kHz: an A minor chord, then a
/// D minor one (two materials, so the miner finds two pads).
fn write_chord_wav(path: &std::path::Path, seconds: usize) {
    let half = seconds * 44_100 / 2;
    let mut mono = fixtures::chord_pad(&[57.0, 60.0, 64.0, 69.0], 0.4, half, 44_100, 3);
    mono.extend(fixtures::chord_pad(&[50.0, 53.0, 57.0, 62.0], 0.4, half, 44_100, 4));
    // A slightly different right channel, so the stereo pad is really stereo.
    let right: Vec<f32> = mono.iter().enumerate().map(|(i, &x)| x * (0.8 + 0.2 * ((i / 4410) % 2) as f32)).collect();
    fixtures::wav::write_wav(path, &[&mono, &right], 44_100, fixtures::wav::WavFormat::PCM16);
}

#[test]
fn parity_mined_pad_from_a_temporary_archive() {
    let archive = tempfile::tempdir().expect("temp dir");
    let wav = archive.path().join("take.wav");
    // Shorter than the miner's early-analysis span: its pads come in `find_pads` order.
    write_chord_wav(&wav, 18);

    // The pad the miner puts in slot 0 (the file's first region), cut by the lib's own code.
    let source = load(&wav, &LoadOptions::default()).expect("decode");
    let analysis = analyze(&source.mono(), source.sample_rate_hz, &AnalysisConfig::default());
    let miner_config = engine::mining::PadMinerConfig::default();
    let regions = find_pads(&analysis, &miner_config);
    assert!(regions.len() >= 2, "the test file should give at least two pads: {}", regions.len());
    let separation = SeparationConfig::default();
    let from = MinedSource { source: &source, layers: None, separation: &separation };
    let mined = make_pad(from, &regions[0], 0, &miner_config.loop_config()).expect("pad");

    let mut host = TestHost::new();
    let source_id = host.param_id("Source");
    host.activate(SAMPLE_RATE_HZ, 512);
    let state = state_with_archive_path(&host.save_state(), &archive.path().display().to_string());
    host.load_state(&state);
    // Wait until slot 2 sounds: the miner sends in slot order, so slot 1 holds the file's first pad.
    let probe = [(0, HostEvent::Param { id: source_id, value: 2.0 }), (0, HostEvent::Param { id: host.param_id("Hold"), value: 1.0 })];
    let started = Instant::now();
    while rms(&host.render(22_050, 512, &probe)) < 1e-3 {
        assert!(started.elapsed() < Duration::from_secs(60), "slot 2 never sounded");
        std::thread::sleep(Duration::from_millis(50));
    }
    // A fresh engine (reactivation resets it) over the mined bank.
    host.deactivate();
    host.activate(SAMPLE_RATE_HZ, 512);

    let params = Arc::new(AfterglowParams::default());
    let mut events = settings(&mut host, &params, SOUND);
    events.extend(settings(&mut host, &params, &[("Hold", 1.0), ("Source", 1.0)]));
    let mut catalogue = vec![None; 4];
    catalogue[0] = Some(mined.info.clone());
    let capture = capture_recipe(&params, &catalogue, &[0.0; 128], 2.0).expect("capture");
    assert_eq!(capture.recipe.source.path, wav.display().to_string());
    assert_eq!(capture.recipe.source.content_hash, source.provenance.content_hash);
    // Through TOML and back, as `afterglow recipe render` reads it.
    let text = recipe_to_text(&capture.recipe).expect("to text");
    let recipe: Recipe = recipe_from_text(&text, "captured.toml").expect("from text");
    assert_eq!(recipe, capture.recipe);

    let plugin = host.render(recipe_frames(&recipe), 512, &events);
    let rendered = render_engine(&recipe, Some(&source)).expect("render recipe");
    assert_identical(&plugin, &rendered);
}

/// Real recordings for the pad comparison: FLAC at 48 kHz (resampled on decoding) and WAV at 44.1 kHz.
const PAD_FILES: [&str; 2] = ["orchestral-the_deep_path-100s.flac", "ambient-underground-030s.wav"];

/// One pad: its source file's name, the region's first sample, the layer it is cut from, its
/// planar samples and id as the bank holds them, and what the editor knows of it.
#[derive(Debug)]
struct CutPad {
    file: String,
    start_sample: usize,
    layer: Layer,
    channels: Vec<Vec<f32>>,
    id: u64,
    info: PadInfo,
}

/// The pads the plugin's miner (the lib crate the built plugin is made of) keeps for `folder`
/// (which holds `num_files` audio files), as the audio thread holds them in its bank, and its
/// saved bank's pads (file name, region start, region length) as a project stores them.
fn plugin_pads(folder: &std::path::Path, num_files: u32) -> (Vec<CutPad>, Vec<(String, usize, usize)>) {
    let (pads, saved) = mine_in_process(folder, num_files, None);
    let mut saved: Vec<(String, usize, usize)> =
        saved.pads.iter().map(|p| (file_name(std::path::Path::new(&p.source.path)), p.source.start_sample, p.source.len_samples)).collect();
    saved.sort();
    (pads, saved)
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// A miner of the lib crate over a bank, as the plugin sets it up: mines `folder` (holding
/// `num_files` audio files), or with `recall`, rebuilds that saved bank as a reopened project
/// does. Returns the bank's pads as the audio thread holds them, sorted by file and start, and
/// the bank the project would save.
fn mine_in_process(
    folder: &std::path::Path,
    num_files: u32,
    recall: Option<&afterglow_plugin::persist::SavedBank>,
) -> (Vec<CutPad>, afterglow_plugin::persist::SavedBank) {
    use afterglow_plugin::audio::inbox::PadInbox;
    use afterglow_plugin::mining::{Miner, MiningShared};
    use afterglow_plugin::queues::pad_queues;
    use std::sync::atomic::Ordering;

    let params = Arc::new(AfterglowParams::default());
    let shared = Arc::new(MiningShared::new());
    let catalogue = tempfile::tempdir().expect("temp dir");
    shared.archive.set_catalogue_path(Some(catalogue.path().join("catalogue.sqlite")));
    let (miner_ends, audio_ends) = pad_queues();
    let mut bank = engine::texture::PadBank::new();
    let mut inbox = PadInbox::new(audio_ends);
    params.set_archive_path(&folder.display().to_string());
    // A loaded state holds the folder and the bank at once, before the thread looks.
    if let Some(saved) = recall {
        nice_plug::params::persist::PersistentField::set(&params.bank, saved.clone());
    }
    let miner = Miner::spawn(miner_ends, params.clone(), shared.clone(), &[]).expect("spawn miner");
    if recall.is_none() {
        shared.request_mine();
    }
    let started = Instant::now();
    let finished = || match recall {
        // A loaded state: the plugin's activation waits for exactly this.
        Some(_) => params.bank.is_settled() && !shared.status.busy.load(Ordering::Acquire),
        None => !shared.status.busy.load(Ordering::Acquire) && shared.status.files_done.load(Ordering::Acquire) >= num_files,
    };
    // Let the thread pick the work up before asking whether it is done.
    std::thread::sleep(Duration::from_millis(50));
    while !finished() {
        assert!(started.elapsed() < Duration::from_secs(300), "mining never finished");
        inbox.apply(&mut bank);
        std::thread::sleep(Duration::from_millis(5));
    }
    inbox.apply(&mut bank);
    let mut pads: Vec<CutPad> = shared
        .status
        .snapshot()
        .pads
        .iter()
        .flatten()
        .map(|info| {
            let pad = bank.get(usize::from(info.slot)).expect("a listed pad is in the bank");
            assert_eq!(pad.id(), info.pad_id);
            CutPad {
                file: file_name(info.source_path.as_deref().expect("a mined pad has a source")),
                start_sample: info.recipe_source.start_sample,
                layer: info.layer(),
                channels: (0..2).map(|ch| pad.channel(ch).to_vec()).collect(),
                id: pad.id(),
                info: info.clone(),
            }
        })
        .collect();
    pads.sort_by(|a, b| (&a.file, a.start_sample, a.layer).cmp(&(&b.file, b.start_sample, b.layer)));
    let saved = params.bank.saved();
    drop(miner);
    (pads, saved)
}

/// The saved bank of the built plugin in a CLAP host once it has mined `folder`: (file name,
/// region start, region length) per pad.
fn host_bank(folder: &std::path::Path) -> Vec<(String, usize, usize)> {
    let bank_of = |state: &[u8]| -> Option<Vec<(String, usize, usize)>> {
        let json: serde_json::Value = serde_json::from_slice(&state[8..]).ok()?;
        let bank: serde_json::Value = serde_json::from_str(json["fields"]["bank"].as_str()?).ok()?;
        let mut pads: Vec<(String, usize, usize)> = bank["pads"]
            .as_array()?
            .iter()
            .map(|p| {
                let path = std::path::Path::new(p["source"]["path"].as_str().unwrap_or_default());
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let number = |key: &str| p["source"][key].as_u64().unwrap_or(0) as usize;
                (name, number("start_sample"), number("len_samples"))
            })
            .collect();
        pads.sort();
        Some(pads)
    };
    let mut host = TestHost::new();
    host.activate(SAMPLE_RATE_HZ, 512);
    let state = state_with_archive_path(&host.save_state(), &folder.display().to_string());
    host.load_state(&state);
    let started = Instant::now();
    // Settled: a bank is saved and stays the same for a second.
    let mut last = None;
    loop {
        assert!(started.elapsed() < Duration::from_secs(300), "the plugin never finished mining");
        host.render(4410, 441, &[]);
        std::thread::sleep(Duration::from_millis(500));
        let now = bank_of(&host.save_state()).filter(|pads| !pads.is_empty());
        if now.is_some() && now == last && started.elapsed() > Duration::from_secs(1) {
            return now.unwrap_or_default();
        }
        last = now;
    }
}

/// One exported pad: its source file name, region start, samples as written (24-bit integers, per
/// channel), `smpl` loop points and the manifest's `layer`.
type ExportedPad = (String, usize, Vec<Vec<i32>>, (u32, u32), String);

/// The exporter's pad files for `folder` (`afterglow render --only pads` with the default
/// settings, through its library): each pad's source file name, region start, samples as written
/// (24-bit integers), `smpl` loop points and layer.
fn exporter_pad_files(folder: &std::path::Path) -> Vec<ExportedPad> {
    use afterglow_exporter::render::{Kinds, RenderRequest, render_pack};
    let out = tempfile::tempdir().expect("temp dir");
    let request = RenderRequest {
        roots: vec![(folder.to_path_buf(), afterglow_exporter::discover::Role::Any)],
        out_dir: out.path().to_path_buf(),
        kinds: Kinds { pads: true, ..Kinds::NONE },
        profile: afterglow_exporter::profiles::SamplerProfile::default_pack(),
        instruments: Vec::new(),
        dry_run: false,
        jobs: 0,
        show_progress: false,
    };
    let report = render_pack(&afterglow_exporter::config::Config::default(), &request).expect("exporter render");
    let mut pads: Vec<_> = report
        .rows
        .iter()
        // The exporter also writes each loop reversed (`drone_maker.enable_reversal`): a variant
        // the plugin does not make.
        .filter(|r| r.kind == "pad" && r.variant == "loop")
        .map(|r| {
            let path = out.path().join(&r.filename);
            let mut reader = hound::WavReader::open(&path).expect("pad WAV");
            let spec = reader.spec();
            assert_eq!((spec.bits_per_sample, spec.sample_rate), (24, 44_100), "{}", r.filename);
            let interleaved: Vec<i32> = reader.samples::<i32>().map(|s| s.expect("sample")).collect();
            let num_channels = usize::from(spec.channels);
            let channels = (0..num_channels).map(|c| interleaved.iter().skip(c).step_by(num_channels).copied().collect()).collect();
            let file = std::path::Path::new(&r.source).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            // The manifest gives the start in seconds, to the millisecond.
            let start = (r.source_offset_sec.expect("a pad's offset") * SAMPLE_RATE_HZ).round() as usize;
            // Rows of the mix say `mix` (or nothing, from an exporter that knows no layers).
            let layer = if r.layer.is_empty() { String::from("mix") } else { r.layer.clone() };
            (file, start, channels, smpl_loop(&path), layer)
        })
        .collect();
    pads.sort_by(|a, b| (&a.0, a.1, &a.4).cmp(&(&b.0, b.1, &b.4)));
    pads
}

/// The first loop's (start, end) frames of a WAV's `smpl` chunk.
fn smpl_loop(path: &std::path::Path) -> (u32, u32) {
    let bytes = std::fs::read(path).expect("read WAV");
    let mut at = 12;
    while at + 8 <= bytes.len() {
        let size = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().expect("4 bytes")) as usize;
        if &bytes[at..at + 4] == b"smpl" {
            let field = |i: usize| u32::from_le_bytes(bytes[at + 8 + 4 * i..at + 12 + 4 * i].try_into().expect("4 bytes"));
            assert_eq!(field(7), 1, "one loop");
            // The loop record after the 36-byte header: id, type, start, end.
            return (field(9 + 2), field(9 + 3));
        }
        at += 8 + size + (size & 1);
    }
    panic!("{}: no smpl chunk", path.display());
}

#[test]
fn parity_plugin_pads_are_the_exporters_pad_files_sample_for_sample() {
    let Some(corpus) = fixtures::real_corpus::real_corpus(&PAD_FILES) else { return };
    let archive = tempfile::tempdir().expect("temp dir");
    for file in PAD_FILES {
        std::fs::copy(corpus.join(file), archive.path().join(file)).expect("copy a corpus file");
    }
    let (plugin, saved) = plugin_pads(archive.path(), PAD_FILES.len() as u32);
    // The built plugin keeps the same pads (the same regions and lengths) as its lib's miner.
    assert_eq!(host_bank(archive.path()), saved, "the built plugin's bank is not its miner's");
    let exporter = exporter_pad_files(archive.path());
    assert!(plugin.len() >= 4, "{} pads", plugin.len());
    assert_exporters_files_are_the_plugins_pads(&plugin, &exporter);
}

/// The exporter's pad files are the plugin's pads: the same regions of the same layers, and the
/// same samples as the exporter levels them.
fn assert_exporters_files_are_the_plugins_pads(plugin: &[CutPad], exporter: &[ExportedPad]) {
    let starts = |pads: Vec<(&String, usize, String)>| pads.into_iter().map(|(f, s, l)| (f.clone(), s, l)).collect::<Vec<_>>();
    assert_eq!(
        starts(plugin.iter().map(|p| (&p.file, p.start_sample, p.layer.to_string())).collect()),
        starts(exporter.iter().map(|p| (&p.0, p.1, p.4.clone())).collect()),
        "the plugin's and the exporter's pads are cut from different regions or layers (file, start, layer)"
    );

    // Both cut the region with `engine::mining::make_loop` and the same `[pad_miner]` loop
    // settings, from the mix or the same layer; then each front end levels it its own way, as
    // documented: the plugin matches every pad's loudness (`engine::transform::match_pad_loudness`,
    // one gain), the exporter removes each channel's DC offset, normalises the peak to -1 dBFS and
    // writes 24-bit integers. So the file must be the plugin's pad, less each channel's mean, times
    // the gain that puts its peak at -1 dBFS, rounded to 24 bits: within 2 steps (-132 dBFS) for
    // float rounding in either path.
    const FULL_SCALE: f64 = 8_388_607.0;
    const MAX_STEPS: f64 = 2.0;
    let target_peak = 10f64.powf(-1.0 / 20.0);
    let mut worst_steps = 0.0f64;
    for (pad, (file, _, written, loop_frames, _)) in plugin.iter().zip(exporter) {
        let num_frames = pad.channels[0].len();
        assert_eq!(written[0].len(), num_frames, "{file}: the exporter's pad is not the plugin's length");
        assert_eq!(*loop_frames, (0, num_frames as u32 - 1), "{file}: the file does not loop over the plugin's whole pad");
        let centred: Vec<Vec<f64>> = pad.channels[..written.len()]
            .iter()
            .map(|c| {
                let mean = c.iter().map(|&x| f64::from(x)).sum::<f64>() / c.len() as f64;
                c.iter().map(|&x| f64::from(x) - mean).collect()
            })
            .collect();
        let peak = centred.iter().flatten().fold(0.0f64, |p, x| p.max(x.abs()));
        let gain = target_peak / peak * FULL_SCALE;
        let steps = centred
            .iter()
            .zip(written)
            .flat_map(|(c, w)| c.iter().zip(w).map(|(&x, &q)| (x * gain - f64::from(q)).abs()))
            .fold(0.0f64, f64::max);
        eprintln!(
            "{file} @ {} ({}): {num_frames} frames, {} channels, largest difference {steps:.2} steps of 24 bits",
            pad.start_sample,
            pad.layer,
            written.len()
        );
        assert!(steps <= MAX_STEPS, "{file} @ {} ({}): the exporter's pad differs from the plugin's by {steps:.1} steps", pad.start_sample, pad.layer);
        worst_steps = worst_steps.max(steps);
    }
    eprintln!("{} pads: the exporter's files are the plugin's pads within {worst_steps:.2} steps of 24 bits", plugin.len());
}

/// What the engine alone mines from `source` with the exporter's analysis and these settings:
/// (start, layer) of every region, sorted.
fn engine_regions(source: &SourceBuffer, pad_miner: &PadMinerConfig, separation: &SeparationConfig) -> Vec<(usize, Layer)> {
    let analysis = Analyzer::new(AnalysisConfig::default()).analyze_channels(&source.channels, source.sample_rate_hz);
    let mined = mine_pads(&source.channels, source.sample_rate_hz, &analysis, pad_miner, separation, usize::MAX, None).expect("not cancelled");
    eprintln!("busy share of the mix {:.2}, separated: {}", mined.busy_share, mined.layers.is_some());
    let mut regions: Vec<(usize, Layer)> = mined.regions.iter().map(|r| (r.start_sample, r.layer)).collect();
    regions.sort();
    regions
}

/// Each of `pads` is, bit for bit and by id, the pad its recipe source gives through the engine
/// alone: `engine::recipe::pad_material_of_layers` without layers given (the engine separates the
/// file itself with the recipe's settings), the recipes' code path.
fn assert_pads_are_their_recipe_sources(pads: &[CutPad], source: &SourceBuffer) {
    for pad in pads {
        let spec = &pad.info.recipe_source;
        let (channels, start) = pad_material_of_layers(source, None, spec, &spec.loop_config()).expect("the engine cuts the pad");
        let what = format!("{} @ {} ({})", pad.file, pad.start_sample, pad.layer);
        assert_eq!(pad.id, layer_pad_id(&source.provenance.content_hash, start, spec.layer), "{what}: not the engine's id");
        assert_eq!(channels.len(), 2, "{what}");
        for (ch, (plugin, engine)) in pad.channels.iter().zip(&channels).enumerate() {
            assert_eq!(plugin.len(), engine.len(), "{what}: lengths differ");
            let first = plugin.iter().zip(engine).position(|(a, b)| a.to_bits() != b.to_bits());
            assert_eq!(first, None, "{what}: channel {ch} differs from the engine's cut from frame {first:?}");
        }
    }
}

#[test]
fn parity_layer_pads_of_a_busy_mix_are_the_engines_and_the_exporters_sample_for_sample() {
    let archive = tempfile::tempdir().expect("temp dir");
    let wav = archive.path().join("busy mix.wav");
    write_busy_mix(&wav);
    let source = load(&wav, &LoadOptions::default()).expect("decode");

    // The engine alone finds pads in the harmonic layer only: the mix is drums throughout.
    let regions = engine_regions(&source, &PadMinerConfig::default(), &SeparationConfig::default());
    let from_harmonic = regions.iter().filter(|(_, layer)| *layer == Layer::Harmonic).count();
    assert!(from_harmonic >= 3, "the busy mix should give harmonic-layer pads: {regions:?}");

    // The plugin's miner keeps exactly those regions, with their layers.
    let (plugin, _) = plugin_pads(archive.path(), 1);
    let kept: Vec<(usize, Layer)> = plugin.iter().map(|p| (p.start_sample, p.layer)).collect();
    assert_eq!(kept, regions, "the plugin's miner does not keep the engine's regions (start, layer)");
    for pad in &plugin {
        let spec = &pad.info.recipe_source;
        assert_eq!(spec.layer, pad.layer);
        assert_eq!(spec.separation, Some(SeparationConfig::default()), "a layer pad's recipe names its separation settings");
    }
    // Each pad is the engine's cut of its layer, bit for bit.
    assert_pads_are_their_recipe_sources(&plugin, &source);

    // "Capture as recipe" on a harmonic pad, through TOML and back: the recipe's pad is the one
    // the plugin plays.
    let layered = &plugin[0];
    let params = AfterglowParams::default();
    set_like_host(&params, "Source", 1.0);
    let mut catalogue = vec![None; 2];
    catalogue[0] = Some(afterglow_plugin::mining::PadInfo { slot: 0, ..layered.info.clone() });
    let capture = capture_recipe(&params, &catalogue, &[0.0; 128], 2.0).expect("capture");
    let text = recipe_to_text(&capture.recipe).expect("to text");
    assert!(text.contains("layer = \"harmonic\""), "the recipe does not name the layer:\n{text}");
    let recipe = recipe_from_text(&text, "captured.toml").expect("from text");
    let (pad, _) = recipe_pad(&recipe, Some(&source)).expect("the recipe's pad");
    assert_eq!(pad.id(), layered.id, "the recipe's pad is not the plugin's");
    for ch in 0..2 {
        assert!(pad.channel(ch).iter().zip(&layered.channels[ch]).all(|(a, b)| a.to_bits() == b.to_bits()), "channel {ch} of the recipe's pad differs");
    }

    // The exporter renders the same pads from the same layer.
    let exporter = exporter_pad_files(archive.path());
    assert!(
        exporter.iter().any(|p| p.4 == "harmonic"),
        "the exporter gave no harmonic-layer pads for the busy mix: {:?}",
        exporter.iter().map(|p| (p.1, p.4.clone())).collect::<Vec<_>>()
    );
    assert_exporters_files_are_the_plugins_pads(&plugin, &exporter);
}

#[test]
fn a_reopened_project_rebuilds_its_layer_pads_bit_for_bit_with_the_folders_separation() {
    let archive = tempfile::tempdir().expect("temp dir");
    let wav = archive.path().join("busy mix.wav");
    write_busy_mix(&wav);
    // The folder's own separation settings: the longest harmonic filter, whose look-ahead (2.6 s)
    // reaches past the exact part of a decode cut 3 s after a pad, so a rebuild that decodes too
    // little gives other samples.
    let toml = "[separation]\nharmonic_kernel_ms = 5000\n";
    std::fs::write(archive.path().join(afterglow_plugin::mining::FOLDER_CONFIG_NAME), toml).expect("write the folder config");
    let separation = afterglow_plugin::mining::folder_separation_config(archive.path()).expect("the folder config reads");
    assert_eq!(separation.harmonic_kernel_ms, 5000.0);

    let (mined, saved) = mine_in_process(archive.path(), 1, None);
    let source = load(&wav, &LoadOptions::default()).expect("decode");
    let regions = engine_regions(&source, &PadMinerConfig::default(), &separation);
    let kept: Vec<(usize, Layer)> = mined.iter().map(|p| (p.start_sample, p.layer)).collect();
    assert_eq!(kept, regions, "the plugin's miner does not mine with the folder's separation settings");
    assert!(mined.iter().filter(|p| p.layer == Layer::Harmonic).count() >= 2, "{kept:?}");
    assert!(mined.iter().all(|p| p.info.recipe_source.separation.as_ref() == Some(&separation)), "the pads do not record the folder's settings");
    assert_pads_are_their_recipe_sources(&mined, &source);
    // Some pad ends early enough that its rebuild decodes only part of the file.
    let file_sec = source.num_frames() as f64 / SAMPLE_RATE_HZ;
    let partly = mined.iter().filter(|p| afterglow_plugin::mining::cut_reach_sec(&p.info.recipe_source) + 3.0 < file_sec - 1.0).count();
    assert!(partly >= 1, "no pad is rebuilt from a partial decode");

    // The project as a host saves and reloads it (JSON), rebuilt by a fresh miner.
    let json = serde_json::to_string(&saved).expect("to JSON");
    assert!(json.contains("\"layer\":\"harmonic\""), "{json}");
    let reloaded: afterglow_plugin::persist::SavedBank = serde_json::from_str(&json).expect("from JSON");
    assert_eq!(reloaded, saved, "the bank does not survive the project's JSON");
    let (rebuilt, _) = mine_in_process(archive.path(), 1, Some(&reloaded));
    assert_eq!(rebuilt.len(), mined.len(), "pads skipped on rebuild");
    for (before, after) in mined.iter().zip(&rebuilt) {
        let what = format!("{} @ {} ({})", before.file, before.start_sample, before.layer);
        assert_eq!((after.start_sample, after.layer, after.id), (before.start_sample, before.layer, before.id), "{what}");
        for ch in 0..2 {
            let first = before.channels[ch].iter().zip(&after.channels[ch]).position(|(a, b)| a.to_bits() != b.to_bits());
            assert_eq!(first, None, "{what}: channel {ch} of the rebuilt pad differs from frame {first:?}");
            assert_eq!(before.channels[ch].len(), after.channels[ch].len(), "{what}");
        }
    }
}
