//! The mining thread with the audio side played by the test: pads stream into a bank through the
//! real queues and inbox, the first one before the first file is fully analysed, with names,
//! lengths, keys and waveforms for the editor; a missing folder keeps the built-in texture; a
//! reopened project skips, and names, the saved pads of files changed or deleted since.

mod common;

use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use common::mining_rig::MiningRig;

use afterglow_plugin::mining::WAVEFORM_POINTS;
use afterglow_plugin::queues::{MAX_PAD_SEC, NUM_BANK_SLOTS};
use engine::texture::BUILTIN_PAD_ID;

const SAMPLE_RATE_HZ: u32 = 44_100;

/// A steady chord: each MIDI note with three harmonics (1, 1/2, 1/3), a fade in and out, and a
/// little seeded noise. Steady on purpose: `fixtures::chord_pad`'s vibrato multiplies the phase by
/// time, so its pitch drifts by semitones within seconds and no key holds over a long file.
fn steady_chord(notes: &[f64], seconds: usize, seed: u64, sample_rate_hz: u32) -> Vec<f32> {
    let num_frames = seconds * sample_rate_hz as usize;
    let mut mix = fixtures::white_noise(0.002, num_frames, seed);
    for &note in notes {
        let f0 = fixtures::midi_to_hz(note);
        for harmonic in 1..=3 {
            let partial = fixtures::sine(f0 * f64::from(harmonic), 0.12 / harmonic as f32, num_frames, sample_rate_hz);
            mix.iter_mut().zip(&partial).for_each(|(m, p)| *m += p);
        }
    }
    let fade = sample_rate_hz as usize / 2;
    for (n, x) in mix.iter_mut().enumerate() {
        *x *= (n.min(num_frames - n) as f32 / fade as f32).min(1.0);
    }
    mix
}

/// `mono` as a 16-bit mono WAV at `SAMPLE_RATE_HZ`.
fn write_mono_wav(path: &Path, mono: &[f32]) {
    fixtures::wav::write_wav(path, &[mono], SAMPLE_RATE_HZ, fixtures::wav::WavFormat::PCM16);
}

fn write_chord_wav(path: &Path, seconds: usize, notes: &[f64], seed: u64) {
    write_mono_wav(path, &steady_chord(notes, seconds, seed, SAMPLE_RATE_HZ));
}

/// The chord as a 24-bit stereo WAV at 48 kHz (each channel with its own noise), so the miner
/// resamples, as it must for most recordings.
fn write_chord_wav_48k_stereo(path: &Path, seconds: usize, notes: &[f64], seed: u64) {
    let left = steady_chord(notes, seconds, seed, 48_000);
    let right = steady_chord(notes, seconds, seed + 1, 48_000);
    let bytes = fixtures::encode::wav_bytes(&[left, right], 48_000, fixtures::encode::SampleEncoding::Pcm24, false, None);
    std::fs::write(path, bytes).expect("write wav");
}


#[test]
fn pads_stream_in_first_one_before_the_file_is_done() {
    let archive = tempfile::tempdir().expect("temp dir");
    // A 90-second first file in A minor at 48 kHz, and a shorter second one in D minor.
    let first_file = archive.path().join("01 long take.wav");
    write_chord_wav_48k_stereo(&first_file, 90, &[57.0, 60.0, 64.0], 3);
    write_chord_wav(&archive.path().join("02 short take.wav"), 20, &[50.0, 53.0, 57.0], 4);

    let mut rig = MiningRig::new();
    let chose_folder = Instant::now();
    rig.params.set_archive_path(&archive.path().display().to_string());
    rig.shared.request_mine();

    let first = rig.pump_until(Duration::from_secs(60), |r| r.bank.get(0).is_some_and(|p| p.id() != BUILTIN_PAD_ID));
    let first_pad_sec = chose_folder.elapsed().as_secs_f64();
    let files_done_at_first_pad = rig.shared.status.files_done.load(Ordering::Acquire);
    assert!(first, "no mined pad arrived");
    eprintln!("first pad after {first_pad_sec:.3} s (files finished then: {files_done_at_first_pad})");
    assert_eq!(files_done_at_first_pad, 0, "the first pad should come from the file's opening");
    let early_id = rig.bank.get(0).map(|p| p.id());

    assert!(rig.pump_until(Duration::from_secs(120), |r| r.idle()), "mining never finished");
    rig.inbox.apply(&mut rig.bank);
    eprintln!("whole archive mined after {:.3} s", chose_folder.elapsed().as_secs_f64());

    let status = &rig.shared.status;
    assert_eq!(status.files_total.load(Ordering::Acquire), 2);
    assert_eq!(status.files_done.load(Ordering::Acquire), 2);
    let pads_mined = status.pads_mined.load(Ordering::Acquire) as usize;
    // One pad per distinct material (`engine::mining::find_pads`): each file holds one chord.
    assert!(pads_mined >= 2, "only {pads_mined} pads");
    assert_eq!(rig.bank.num_filled(), pads_mined);

    let snapshot = status.snapshot();
    assert!(snapshot.last_error.is_empty(), "{}", snapshot.last_error);
    assert_eq!(snapshot.pads.len(), NUM_BANK_SLOTS);
    let listed: Vec<_> = snapshot.pads.iter().flatten().collect();
    assert_eq!(listed.len(), pads_mined);
    for info in &listed {
        let pad = rig.bank.get(usize::from(info.slot)).expect("listed pad is in the bank");
        assert_eq!(pad.id(), info.pad_id);
        assert!(info.length_sec > 0.5 && info.length_sec <= MAX_PAD_SEC + 0.01, "{info:?}");
        assert_eq!(info.waveform.len(), WAVEFORM_POINTS);
        assert!(info.brightness_hz > 50.0, "{info:?}");
        assert!(info.name.contains("take @ "), "{}", info.name);
        eprintln!("{}", afterglow_plugin::mining::catalogue_line(info));
    }
    // The first pad was cut from the first file's opening before the file was done (above). Once
    // the whole file was mined the bank holds the whole file's choice only (the early pad stays
    // only when the whole file's ranking chooses it again: with one pad per distinct material, a
    // file of one chord gives one pad, from anywhere in it), each pad exactly the cut a recipe of
    // it renders from the whole file.
    let whole = engine::source::load(&first_file, &engine::source::LoadOptions::default()).expect("load");
    let miner_config = engine::mining::PadMinerConfig::default();
    let analysis = engine::analysis::analyze(&whole.mono(), whole.sample_rate_hz, &engine::analysis::AnalysisConfig::default());
    let chosen: Vec<usize> = engine::mining::find_pads(&analysis, &miner_config).iter().map(|r| r.start_sample).collect();
    let first_file_infos: Vec<_> = listed.iter().filter(|i| i.name.starts_with("01")).collect();
    assert!(!first_file_infos.is_empty(), "no pad of the first file kept");
    for info in &first_file_infos {
        assert!(chosen.contains(&info.recipe_source.start_sample), "{} is not the whole file's choice {chosen:?}", info.name);
        let (material, _) = engine::recipe::pad_material(&whole, &info.recipe_source, &miner_config.loop_config()).expect("cut");
        let pad = rig.bank.get(usize::from(info.slot)).expect("listed pad is in the bank");
        for (ch, samples) in material.iter().enumerate() {
            assert!(samples.as_slice() == pad.channel(ch), "{} channel {ch} differs from the whole-file cut", info.name);
        }
    }
    let held = first_file_infos.iter().any(|i| Some(i.pad_id) == early_id);
    eprintln!("the early pad {}", if held { "was chosen again by the whole file" } else { "gave way to the whole file's choice" });

    // The first file is an A minor triad: its pads should say so (or the relative C major) and
    // have a root on A or C.
    let first_file_pads: Vec<_> = listed.iter().filter(|i| i.name.starts_with("01")).collect();
    assert!(!first_file_pads.is_empty());
    for info in first_file_pads {
        assert!(info.key == "A minor" || info.key == "C major", "{info:?}");
        let root = rig.bank.get(usize::from(info.slot)).and_then(|p| p.root_note()).expect("root note");
        assert!(root == 69.0 || root == 60.0, "root {root}");
    }
    drop(rig.miner);
}

#[test]
fn a_missing_folder_keeps_the_built_in_texture_and_says_why() {
    let mut rig = MiningRig::new();
    let missing = tempfile::tempdir().expect("temp dir").path().join("gone");
    rig.params.set_archive_path(&missing.display().to_string());
    rig.shared.request_mine();
    let reported = rig.pump_until(Duration::from_secs(10), |r| {
        r.idle() && r.shared.status.snapshot().last_error.contains("not found")
    });
    assert!(reported, "{:?}", rig.shared.status.snapshot());
    assert_eq!(rig.bank.num_filled(), 1);
    assert_eq!(rig.bank.get(0).map(|p| p.id()), Some(BUILTIN_PAD_ID));
    let snapshot = rig.shared.status.snapshot();
    assert!(snapshot.message.contains("built-in"), "{}", snapshot.message);
    assert_eq!(snapshot.pads[0].as_ref().map(|p| p.name.as_str()), Some("Built-in texture"));
}

#[test]
fn a_new_folder_replaces_the_bank_and_empties_leftover_slots() {
    let big = tempfile::tempdir().expect("temp dir");
    let small = tempfile::tempdir().expect("temp dir");
    for i in 0..3 {
        write_chord_wav(&big.path().join(format!("take {i}.wav")), 20, &[55.0 + i as f64, 62.0, 67.0], i);
    }
    write_chord_wav(&small.path().join("only.wav"), 6, &[60.0, 64.0, 67.0], 9);

    let mut rig = MiningRig::new();
    rig.params.set_archive_path(&big.path().display().to_string());
    rig.shared.request_mine();
    assert!(rig.pump_until(Duration::from_secs(60), |r| r.idle() && r.shared.status.files_done.load(Ordering::Acquire) == 3));
    rig.inbox.apply(&mut rig.bank);
    let big_count = rig.bank.num_filled();

    rig.params.set_archive_path(&small.path().display().to_string());
    assert!(rig.pump_until(Duration::from_secs(60), |r| {
        r.idle() && r.shared.status.snapshot().archive_path == small.path().display().to_string()
    }));
    rig.inbox.apply(&mut rig.bank);
    let small_count = rig.shared.status.pads_mined.load(Ordering::Acquire) as usize;
    assert!(small_count >= 1 && small_count < big_count, "{small_count} vs {big_count}");
    assert_eq!(rig.bank.num_filled(), small_count);
    assert_eq!(rig.shared.status.snapshot().pads.iter().flatten().count(), small_count);
}

#[test]
fn a_folder_without_pads_says_why_and_keeps_the_built_in_texture() {
    let archive = tempfile::tempdir().expect("temp dir");
    write_mono_wav(&archive.path().join("room noise.wav"), &fixtures::white_noise(0.3, 10 * SAMPLE_RATE_HZ as usize, 5));

    let mut rig = MiningRig::new();
    rig.params.set_archive_path(&archive.path().display().to_string());
    rig.shared.request_mine();
    assert!(rig.pump_until(Duration::from_secs(60), |r| {
        r.idle() && r.shared.status.files_done.load(Ordering::Acquire) == 1
    }));
    rig.inbox.apply(&mut rig.bank);
    assert_eq!(rig.bank.get(0).map(|p| p.id()), Some(BUILTIN_PAD_ID));
    let message = rig.shared.status.snapshot().message;
    assert!(message.contains("room noise.wav") && message.contains("noise rather than tone"), "{message}");
}

#[test]
fn the_bank_size_setting_bounds_the_pads_kept() {
    let archive = tempfile::tempdir().expect("temp dir");
    // Six takes of a chord each: six pads (one per distinct material), more than the bank holds.
    let num_takes = 6;
    for i in 0..num_takes {
        write_chord_wav(&archive.path().join(format!("take {i}.wav")), 12, &[55.0 + i as f64, 62.0, 67.0], i);
    }
    let mut rig = MiningRig::new();
    rig.params.set_bank_size(1);
    assert_eq!(rig.params.bank_size(), afterglow_plugin::queues::MIN_BANK_SIZE, "clamped up to the smallest bank");
    rig.params.set_bank_size(1000);
    assert_eq!(rig.params.bank_size(), NUM_BANK_SLOTS, "clamped down to the slots there are");
    rig.params.set_bank_size(5);
    rig.params.set_archive_path(&archive.path().display().to_string());
    rig.shared.request_mine();
    assert!(rig.pump_until(Duration::from_secs(60), |r| r.idle() && r.shared.status.files_done.load(Ordering::Acquire) == num_takes as u32));
    rig.inbox.apply(&mut rig.bank);
    assert_eq!(rig.shared.status.pads_mined.load(Ordering::Acquire), 5);
    assert_eq!(rig.bank.num_filled(), 5);
    // 8 s at 44.1 kHz, stereo f32, plus octave copies of 1/2, 1/4 and 1/8 the frames.
    assert_eq!(afterglow_plugin::queues::bank_memory_bytes(5), 5 * (352_800 + 176_400 + 88_200 + 44_100) * 2 * 4);
}

/// Well over what a drop takes (the slowest seen, under a whole test suite's load: 130 ms), well
/// under a stage of the session running on to its end after the drop (this take's decode with its
/// stop check removed: 690 ms; a catalogue recording before it checked: 1.2-2.3 s). The target
/// itself, 100 ms, is the `miner_stop` bench's (`cargo bench -p afterglow-plugin --bench
/// miner_stop`): a busy machine may delay any thread for a moment, so a wall-clock target is
/// measured there, and this test asks only that no stage ignores the stop.
const MAX_STOP_MS: f64 = 250.0;

#[test]
fn dropping_the_miner_ends_its_work_wherever_its_session_is() {
    let archive = tempfile::tempdir().expect("temp dir");
    // Three minutes at 48 kHz: long enough that every stage of a session (hashing, decoding,
    // resampling, DC blocking, analysis, separation into layers and the harmonic layer's analysis
    // (the folder's config asks for them on every file, as a busy mix gets them), cutting pads and
    // their octave copies, and recording the file in the catalogue: hash, decode, analysis,
    // one-shots, fingerprint) takes a while.
    write_chord_wav_48k_stereo(&archive.path().join("long take.wav"), 180, &[57.0, 60.0, 64.0], 5);
    std::fs::write(archive.path().join(afterglow_plugin::mining::FOLDER_CONFIG_NAME), "[separation]\nmode = \"always\"\n").expect("write the folder config");
    let start_mining = || {
        let rig = MiningRig::new();
        rig.params.set_archive_path(&archive.path().display().to_string());
        rig.shared.request_mine();
        rig
    };
    // One whole session first, to know how long it lasts (until the catalogue has the file).
    let mut rig = start_mining();
    let started = Instant::now();
    assert!(rig.pump_until(Duration::from_secs(120), |r| r.shared.status.snapshot().catalogue_message.starts_with("Catalogue:")));
    let session = started.elapsed();
    drop(rig);

    // Then drops at moments spread over a session, each into a fresh miner. The stop flag is
    // checked every 64 KiB of hashing, every packet of decoding, every second of DC blocking and of
    // the mono mix, every 64 analysis frames, every 32 frames of separation (0.75 s of audio),
    // between the steps of cutting a pad, between the
    // one-shot search's passes, every 1.5 s of fingerprint mixing and 6 s of its frames, and by
    // the idle loop every 20 ms; the catalogue reader is woken at once. The slowest steps left
    // between two checks (a pad's octave copies or loop cut, one high-pass pass of the one-shot
    // search, a key estimate) take 10-40 ms here.
    // Measured on 2 cores shared with other builds (dev profile, this 180 s file): 60 drops spread
    // over a session (load average 3-3.4) stopped in at most 69 ms (median 10 ms, 90th percentile
    // 22 ms); this test's ten drops with two busy loops added, at most 39 ms. Before: 1.2-2.3 s for
    // a drop during the catalogue recording (its whole decode, analysis and fingerprint), then up
    // to 236 ms under load (a pad's cut, the file's mono mix), 250 ms (the catalogue's one-shot
    // search) and 50 ms (the catalogue reader's idle wait).
    let num_moments = 10;
    let mut stops_ms = Vec::new();
    for moment in 0..num_moments {
        let mut rig = start_mining();
        let drop_at = session.mul_f64((moment as f64 + 0.5) / num_moments as f64);
        let started = Instant::now();
        rig.pump_until(drop_at, |_| false);
        let what = rig.shared.status.snapshot();
        let MiningRig { miner, .. } = rig;
        let stopping = Instant::now();
        let dropped_at = stopping - started;
        drop(miner);
        let took_ms = stopping.elapsed().as_secs_f64() * 1000.0;
        eprintln!(
            "drop at {:.2} s of a {:.2} s session ({:?}; {:?}): stopped in {took_ms:.1} ms",
            dropped_at.as_secs_f64(),
            session.as_secs_f64(),
            what.message,
            what.catalogue_message
        );
        stops_ms.push(took_ms);
    }
    let slowest = stops_ms.iter().copied().fold(0.0, f64::max);
    eprintln!("slowest stop {slowest:.1} ms of {num_moments}");
    assert!(slowest <= MAX_STOP_MS, "a drop waited {slowest:.1} ms for the miner: {stops_ms:?}");
}

/// Writes three takes (`take 0.wav` ..) into `archive` and mines them: the rig and the bank it
/// records for the project.
fn mine_three_takes(archive: &Path) -> (MiningRig, afterglow_plugin::persist::SavedBank) {
    for i in 0..3 {
        write_chord_wav(&archive.join(format!("take {i}.wav")), 20, &[55.0 + i as f64, 62.0, 67.0], i);
    }
    let mut rig = MiningRig::new();
    rig.params.set_archive_path(&archive.display().to_string());
    rig.shared.request_mine();
    assert!(rig.pump_until(Duration::from_secs(60), |r| r.idle() && r.shared.status.files_done.load(Ordering::Acquire) == 3));
    let saved = rig.params.bank.saved();
    (rig, saved)
}

#[test]
fn a_reopened_project_skips_pads_of_a_changed_or_missing_file_and_names_it() {
    use nice_plug::params::persist::PersistentField;
    let archive = tempfile::tempdir().expect("temp dir");
    let (rig, saved) = mine_three_takes(archive.path());
    let pads_of = |name: &str| saved.pads.iter().filter(|p| p.source.path.ends_with(name)).count();
    let (kept, changed, gone) = (pads_of("take 0.wav"), pads_of("take 1.wav"), pads_of("take 2.wav"));
    assert!(kept > 0 && changed > 0 && gone > 0, "every take gave pads: {kept}, {changed}, {gone}");
    drop(rig);

    // Between sessions one take is re-recorded and another deleted; the project is opened again.
    write_chord_wav(&archive.path().join("take 1.wav"), 20, &[50.0, 57.0, 62.0], 9);
    std::fs::remove_file(archive.path().join("take 2.wav")).expect("delete a take");
    let mut reopened = MiningRig::new();
    reopened.params.set_archive_path(&archive.path().display().to_string());
    reopened.params.bank.set(saved.clone());
    assert!(reopened.pump_until(Duration::from_secs(60), |r| r.params.bank.is_settled() && r.idle()));
    reopened.inbox.apply(&mut reopened.bank);
    let status = reopened.shared.status.snapshot();
    assert!(status.message.contains("take 1.wav (changed since the project was saved)"), "{}", status.message);
    assert!(status.message.contains("take 2.wav (not found: moved or deleted?)"), "{}", status.message);
    assert!(status.message.contains(&format!("Loaded {kept} of the {}", saved.pads.len())), "{}", status.message);
    // The untouched take's pads play in their saved slots; nothing else is loaded in their place.
    for pad in saved.pads.iter().filter(|p| p.source.path.ends_with("take 0.wav")) {
        assert_eq!(reopened.bank.get(usize::from(pad.slot)).map(|p| p.id()), Some(pad.pad_id), "slot {}", pad.slot);
    }
    assert_eq!(reopened.bank.num_filled(), kept);
}

#[test]
fn a_project_from_another_system_finds_its_pads_when_the_folder_is_given_again() {
    let archive = tempfile::tempdir().expect("temp dir");
    let (rig, mined) = mine_three_takes(archive.path());
    drop(rig);

    // The project as the musician's Windows machine saved it: the archive and every pad's file
    // under a drive letter.
    let mut windows = mined.clone();
    for pad in &mut windows.pads {
        let name = Path::new(&pad.source.path).file_name().expect("file name").to_string_lossy().into_owned();
        pad.source.path = format!(r"D:\Old Takes\{name}");
    }
    // The archive as copied to this machine: in a subfolder, and one take renamed.
    let here = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(here.path().join("2024")).expect("subfolder");
    for i in 0..3 {
        let to = if i == 1 { String::from("2024/take one (final).wav") } else { format!("2024/take {i}.wav") };
        std::fs::copy(archive.path().join(format!("take {i}.wav")), here.path().join(to)).expect("copy take");
    }
    let mut opened = MiningRig::new();
    opened.params.set_archive_path(r"D:\Old Takes");
    use nice_plug::params::persist::PersistentField;
    opened.params.bank.set(windows.clone());
    assert!(opened.pump_until(Duration::from_secs(60), |r| r.params.bank.is_settled() && r.idle()));
    let status = opened.shared.status.snapshot();
    assert!(status.message.contains("Loaded 0 of") && status.message.contains("take 0.wav (not found"), "{}", status.message);

    // The musician gives the folder again: the project's pads are found there by their content,
    // each in its saved slot, and the project now names the files where they are.
    opened.params.set_archive_path(&here.path().display().to_string());
    let all_back = |r: &MiningRig| r.idle() && mined.pads.iter().all(|p| r.bank.get(usize::from(p.slot)).map(|x| x.id()) == Some(p.pad_id));
    assert!(opened.pump_until(Duration::from_secs(60), all_back), "the pads were not found again: {}", opened.shared.status.snapshot().message);
    let status = opened.shared.status.snapshot();
    assert!(status.message.contains("found by their content"), "{}", status.message);
    assert_eq!(opened.shared.status.files_done.load(Ordering::Acquire), 0, "the folder was mined instead");
    assert_eq!(opened.bank.num_filled(), mined.pads.len());
    let resaved = opened.params.bank.saved();
    assert_eq!(resaved.pads.len(), mined.pads.len());
    for pad in &resaved.pads {
        assert!(Path::new(&pad.source.path).starts_with(here.path().join("2024")), "{}", pad.source.path);
    }
    assert!(resaved.pads.iter().any(|p| p.source.path.ends_with("take one (final).wav")), "the renamed take was not found");

    // A folder that holds none of them is simply mined.
    let other = tempfile::tempdir().expect("temp dir");
    write_chord_wav(&other.path().join("new.wav"), 20, &[48.0, 55.0, 64.0], 7);
    opened.params.set_archive_path(&other.path().display().to_string());
    assert!(opened.pump_until(Duration::from_secs(60), |r| r.idle() && r.shared.status.files_done.load(Ordering::Acquire) == 1));
}

/// The chord of [`write_chord_wav`] under extra white noise of amplitude `noise`.
fn write_noisy_chord_wav(path: &Path, seconds: usize, notes: &[f64], seed: u64, noise: f32) {
    let mut mono = steady_chord(notes, seconds, seed, SAMPLE_RATE_HZ);
    let hiss = fixtures::white_noise(noise, mono.len(), seed + 100);
    mono.iter_mut().zip(&hiss).for_each(|(m, h)| *m += h);
    write_mono_wav(path, &mono);
}

#[test]
fn a_full_bank_keeps_the_best_pads_of_the_folder_not_the_first_found() {
    // Four noisy takes sort first (a pad each: one chord, one material); the clean take, whose
    // pad ranks higher, comes last.
    let archive = tempfile::tempdir().expect("temp dir");
    let num_noisy = 4;
    for i in 0..num_noisy {
        write_noisy_chord_wav(&archive.path().join(format!("a noisy take {i}.wav")), 20, &[55.0 + i as f64, 62.0, 67.0], i, 0.05);
    }
    write_chord_wav(&archive.path().join("z clean take.wav"), 30, &[57.0, 64.0, 69.0], 7);
    let mine = |bank_size: usize| {
        let mut rig = MiningRig::new();
        rig.params.set_bank_size(bank_size);
        rig.params.set_archive_path(&archive.path().display().to_string());
        rig.shared.request_mine();
        assert!(rig.pump_until(Duration::from_secs(90), |r| r.idle() && r.shared.status.files_done.load(Ordering::Acquire) == num_noisy as u32 + 1));
        rig.params.bank.saved().pads.iter().map(|p| p.source.path.clone()).collect::<Vec<String>>()
    };
    let everything = mine(NUM_BANK_SLOTS);
    let from = |pads: &[String], name: &str| pads.iter().filter(|p| p.ends_with(name)).count();
    let noisy: usize = (0..num_noisy).map(|i| from(&everything, &format!("a noisy take {i}.wav"))).sum();
    let clean = from(&everything, "z clean take.wav");
    assert!(noisy >= 4 && clean >= 1, "a first-come bank of 4 would hold only noisy pads: {noisy} noisy, {clean} clean");
    let best = mine(afterglow_plugin::queues::MIN_BANK_SIZE);
    assert_eq!(best.len(), afterglow_plugin::queues::MIN_BANK_SIZE);
    assert_eq!(from(&best, "z clean take.wav"), clean, "every clean pad displaces a noisy one; the bank kept {best:?}");
}
