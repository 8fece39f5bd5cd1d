//! The VST3 in a real DAW: Ardour 7, headless (its Lua interpreter with the dummy audio backend),
//! renders a session holding the instrument, tempo-synced (a grain per voice on every quarter
//! note), a held chord and Output Gain automation, twice, each time from a fresh Ardour process.
//! The two bounces must be sample-identical (the render is a function of the session, not of how
//! long Ardour ran the plugin before exporting), stay below -1 dBFS, and have their grains start on
//! the session's beats (the VST3 process context's song position reaches the engine).
//!
//! Needs Debian's `ardour` package (`ardour7-lua`, `ardour-vst3-scanner`); `.ci/run` installs it.
//! Without it the test prints a notice and passes, unless `CI` is set.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

/// Longest any one Ardour step may take.
const STEP_TIMEOUT: Duration = Duration::from_secs(600);
/// Seconds rendered; the chord is held for 16 beats (9.6 s) of a 20-beat region.
const RENDER_SEC: u32 = 12;
/// The session's tempo: not the plugin's 120 BPM default, so the grid can only come from the host.
const SESSION_TEMPO_BPM: u32 = 100;
/// Frames in a beat at 48 kHz.
const FRAMES_PER_BEAT: usize = 48_000 * 60 / SESSION_TEMPO_BPM as usize;
const PRESET_ID: &str = "3c1f9a52-41d6-4f0e-9a7e-0a3f7e9b0c01";
const FORMAT_ID: &str = "3c1f9a52-41d6-4f0e-9a7e-0a3f7e9b0c02";

const BUILD_LUA: &str = r#"
local dir, pname, rate, tempo = arg[1], arg[2], tonumber(arg[3]), tonumber(arg[4])
local name = dir:gsub("/+$", ""):match("([^/]+)$")
assert(AudioEngine:set_backend("None (Dummy)", "", ""), "no dummy backend")
assert(create_session(dir, name, rate), "create_session failed")
local pi = ARDOUR.LuaAPI.new_plugin_info(pname, ARDOUR.PluginType.VST3)
assert(not pi:isnil(), pname .. " not found (scan it first)")
local tl = Session:new_midi_track(ARDOUR.ChanCount(ARDOUR.DataType("midi"), 1), ARDOUR.ChanCount(ARDOUR.DataType("audio"), 2),
	true, pi, nil, nil, 1, pname, ARDOUR.PresentationInfo.max_order, ARDOUR.TrackMode.Normal, true, false)
local tr = tl:front()
local proc = tr:nth_plugin(0)
local plug = proc:to_insert():plugin(0)
local n, target_n, target_id, sync_n, rate_n = 0, nil, nil, nil, nil
for j = 0, plug:parameter_count() - 1 do
	if plug:parameter_is_control(j) then
		local label = plug:parameter_label(j):lower()
		if plug:parameter_is_input(j) and label == "output gain" then target_n, target_id = n, j end
		if plug:parameter_is_input(j) and label == "sync" then sync_n = n end
		if plug:parameter_is_input(j) and label == "grain rate" then rate_n = n end
		n = n + 1
	end
end
assert(sync_n and rate_n, "no Sync or Grain Rate parameter")
-- Sync on; the grain rate on its third note value (1/4 of 21: 1/1, 1/2, 1/4, ...).
local _, _, sync_pd = ARDOUR.LuaAPI.plugin_automation(proc, sync_n)
ARDOUR.LuaAPI.set_processor_param(proc, sync_n, sync_pd.upper)
local _, _, rate_pd = ARDOUR.LuaAPI.plugin_automation(proc, rate_n)
ARDOUR.LuaAPI.set_processor_param(proc, rate_n, rate_pd.lower + (rate_pd.upper - rate_pd.lower) * 2 / 20)
sleep(2)
local mo = Session:master_out()
for c = 0, 1 do
	local p = tr:output():audio(c)
	local target = mo:input():audio(c):name()
	if not p:connected_to(target) then p:connect(target) end
end
assert(target_n, "no Output Gain parameter")
local al, cl, pd = ARDOUR.LuaAPI.plugin_automation(proc, target_n)
local sr = Session:nominal_sample_rate()
cl:add(Temporal.timepos_t(0), pd.lower + 0.25 * (pd.normal - pd.lower), false, true)
cl:add(Temporal.timepos_t(4 * sr), pd.normal, false, true)
cl:add(Temporal.timepos_t(10 * sr), pd.normal, false, true)
local ac = proc:to_insert():to_automatable():automation_control(Evoral.Parameter(ARDOUR.AutomationType.PluginAutomation, 0, target_id), false)
ac:set_automation_state(ARDOUR.AutoState.Play)
-- The session's tempo, from its start.
local tm = Temporal.TempoMap.fetch_writable()
tm:set_tempo(Temporal.Tempo(tempo, tempo, 4), Temporal.timepos_t(0))
Temporal.TempoMap.update(tm)
tm = nil
Session:save_state("", false, false, false, false, false)
close_session()
print("BUILD DONE")
"#;

const RENDER_LUA: &str = r#"
local dir, odir, ename, secs, preset = arg[1], arg[2], arg[3], tonumber(arg[4]), arg[5]
assert(AudioEngine:set_backend("None (Dummy)", "", ""), "no dummy backend")
assert(load_session(dir, ""), "load_session failed")
local sr = Session:nominal_sample_rate()
local e = Session:simple_export()
assert(e:set_preset(preset), "export preset not found")
e:set_name(ename)
e:set_folder(odir)
e:set_range(0, secs * sr)
assert(e:check_outputs(), "check_outputs failed")
print("EXPORT " .. tostring(e:run_export()))
close_session()
"#;

/// `ardour7-lua` and the VST3 scanner, or `None` (with a notice) where Ardour is not installed.
fn ardour() -> Option<(PathBuf, PathBuf)> {
    let lua = Command::new("sh").args(["-c", "command -v ardour7-lua"]).output().ok()?;
    let listed = Command::new("dpkg").args(["-L", "ardour"]).output().ok();
    let scanner = listed
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| text.lines().find(|l| l.ends_with("/ardour-vst3-scanner")).map(PathBuf::from));
    let lua = String::from_utf8(lua.stdout).ok().map(|s| PathBuf::from(s.trim())).filter(|p| p.is_file());
    match (lua, scanner) {
        (Some(lua), Some(scanner)) => Some((lua, scanner)),
        _ => {
            assert!(std::env::var_os("CI").is_none(), "CI must install Ardour 7 (Debian package ardour)");
            eprintln!("notice: Ardour 7 (ardour7-lua) not installed; skipping the DAW render test");
            None
        }
    }
}

/// Run `command` with a private home, failing the test with its output when it fails or when its
/// output lacks `marker`.
fn run(command: Command, home: &Path, marker: &str) -> String {
    let (text, status) = run_step(command, home);
    assert!(text.contains(marker), "Ardour step failed ({status}):\n{text}");
    if !status.success() {
        // Ardour 7.3's own: now and then its process aborts with heap corruption while closing the
        // session after a Lua export (in `SimpleExport`'s teardown), with its bundled ACE Reasonable
        // Synth in place of this plugin too (6 of 20 runs). The export had finished and its file is
        // complete, so the comparison below still holds; the crash is reported, not failed on.
        eprintln!("warning: Ardour exited with {status} after the step succeeded (crash while closing the session)");
    }
    text
}

/// An export step: run `make()`'s command until `file` holds `expected_samples` samples. Ardour
/// 7.3 sometimes aborts with heap corruption around a Lua export (its own bug: see [`run`]); when
/// it dies by a signal, the output (and the "EXPORT true" it printed) can be lost in its pipe
/// buffer. A complete file is accepted, with a warning; a crash before the file is complete is
/// retried, at most three runs in all. Any other failure fails the test.
fn run_export(make: impl Fn() -> Command, home: &Path, file: &Path, expected_samples: usize) -> Vec<f32> {
    let complete = || file.is_file() && hound::WavReader::open(file).is_ok_and(|r| r.len() as usize == expected_samples);
    for attempt in 1..=3 {
        let _ = std::fs::remove_file(file);
        let (text, status) = run_step(make(), home);
        let crashed = std::os::unix::process::ExitStatusExt::signal(&status).is_some();
        if complete() && (text.contains("EXPORT true") || crashed) {
            if !status.success() {
                eprintln!("warning: Ardour exited with {status} around a complete export (run {attempt}; its own teardown crash)");
            }
            return read_wav(file);
        }
        assert!(crashed && attempt < 3, "Ardour export failed ({status}, run {attempt}):\n{text}");
        eprintln!("warning: Ardour died ({status}) before the export was complete; running the step again");
    }
    unreachable!("the loop returns or fails")
}

/// Run `command` with a private home until it exits; returns its output and status.
fn run_step(mut command: Command, home: &Path) -> (String, std::process::ExitStatus) {
    command.env("HOME", home).env("XDG_CONFIG_HOME", home.join(".config")).env("XDG_CACHE_HOME", home.join(".cache"));
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("start an Ardour step");
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > STEP_TIMEOUT {
            let _ = child.kill();
            panic!("an Ardour step ran past {STEP_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().expect("output");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (text, out.status)
}

/// A standard MIDI file: C3 G3 C4 E4 at velocity 100 from half a beat in, held for 16 beats of a
/// 20-beat region (its 120 BPM tempo event is not the session's: Ardour places the region in beats).
fn chord_smf(ppqn: u32) -> Vec<u8> {
    let vlq = |mut n: u32| {
        let mut bytes = vec![(n & 0x7f) as u8];
        n >>= 7;
        while n > 0 {
            bytes.push((n & 0x7f) as u8 | 0x80);
            n >>= 7;
        }
        bytes.reverse();
        bytes
    };
    let notes = [48u8, 55, 60, 64];
    let mut track = Vec::new();
    track.extend(vlq(0));
    track.extend([0xff, 0x51, 0x03, 0x07, 0xa1, 0x20]); // 500 000 us a beat
    // Half a beat in: a grid running free from the chord would start off the beats.
    for (i, &n) in notes.iter().enumerate() {
        track.extend(vlq(if i == 0 { ppqn / 2 } else { 0 }));
        track.extend([0x90, n, 100]);
    }
    for (i, &n) in notes.iter().enumerate() {
        track.extend(vlq(if i == 0 { 16 * ppqn } else { 0 }));
        track.extend([0x80, n, 0]);
    }
    track.extend(vlq(4 * ppqn - ppqn / 2));
    track.extend([0xff, 0x2f, 0x00]);
    let mut smf = b"MThd".to_vec();
    smf.extend(6u32.to_be_bytes());
    smf.extend(0u16.to_be_bytes());
    smf.extend(1u16.to_be_bytes());
    smf.extend((ppqn as u16).to_be_bytes());
    smf.extend(b"MTrk");
    smf.extend((track.len() as u32).to_be_bytes());
    smf.extend(track);
    smf
}

/// Add the chord as a MIDI region on the session's (only) MIDI playlist: Ardour 7's Lua API cannot
/// make MIDI sources, so the MIDI file and the session XML entries are written as Ardour stores them.
fn inject_chord(session: &Path) {
    let name = session.file_name().expect("session folder name").to_string_lossy().into_owned();
    let ppqn = 1920; // Ardour 7's ticks per beat
    let midi_dir = session.join("interchange").join(&name).join("midifiles");
    std::fs::create_dir_all(&midi_dir).expect("midifiles folder");
    std::fs::write(midi_dir.join("chord.mid"), chord_smf(ppqn)).expect("write the MIDI file");
    let file = session.join(format!("{name}.ardour"));
    let mut xml = std::fs::read_to_string(&file).expect("read the session");
    let counter_at = xml.find("id-counter=\"").expect("id-counter") + "id-counter=\"".len();
    let counter_end = counter_at + xml[counter_at..].find('"').expect("id-counter end");
    let counter: u64 = xml[counter_at..counter_end].parse().expect("id-counter value");
    xml.replace_range(counter_at..counter_end, &(counter + 10).to_string());
    let (source, whole, region) = (counter + 1, counter + 2, counter + 3);
    let length = 20 * ppqn;
    let region_xml = |id: u64, region_name: &str, is_whole: bool| {
        let w = u8::from(is_whole);
        format!(
            "<Region name=\"{region_name}\" muted=\"0\" opaque=\"1\" locked=\"0\" video-locked=\"0\" automatic=\"{w}\" whole-file=\"{w}\" import=\"0\" external=\"0\" sync-marked=\"0\" left-of-split=\"0\" right-of-split=\"0\" hidden=\"0\" position-locked=\"0\" valid-transients=\"0\" start=\"b0\" length=\"b{length}@b0\" sync-position=\"b0\" layer=\"0\" ancestral-start=\"b0\" ancestral-length=\"b0@b0\" stretch=\"1\" shift=\"1\" layering-index=\"0\" tags=\"\" contents=\"0\" id=\"{id}\" type=\"midi\" first-edit=\"nothing\" source-0=\"{source}\" master-source-0=\"{source}\"/>"
        )
    };
    let source_xml = format!("<Source name=\"chord.mid\" take-id=\"\" type=\"midi\" flags=\"\" id=\"{source}\" origin=\"\"/>");
    append_child(&mut xml, 0, "Sources", &source_xml);
    append_child(&mut xml, 0, "Regions", &region_xml(whole, "chord", true));
    let playlists = xml.find("<Playlists").expect("playlists");
    let midi_type = playlists + xml[playlists..].find("type=\"midi\"").expect("a MIDI playlist");
    let playlist = xml[..midi_type].rfind("<Playlist").expect("the MIDI playlist's tag");
    append_child(&mut xml, playlist, "Playlist", &region_xml(region, "chord.1", false));
    std::fs::write(&file, xml).expect("write the session");
}

/// Add `child` as the last child of the first `<tag ...>` element at or after `from`, whether it is
/// written `<tag .../>` or `<tag ...>...</tag>`.
fn append_child(xml: &mut String, from: usize, tag: &str, child: &str) {
    let open = from + xml[from..].find(&format!("<{tag}")).unwrap_or_else(|| panic!("no <{tag}>"));
    let end = open + xml[open..].find('>').expect("tag end");
    if xml[..end].ends_with('/') {
        xml.replace_range(end - 1..=end, &format!(">{child}</{tag}>"));
    } else {
        let close = end + xml[end..].find(&format!("</{tag}>")).unwrap_or_else(|| panic!("no </{tag}>"));
        xml.insert_str(close, child);
    }
}

/// Ardour's export format and preset: 32-bit float WAV, no dither, no normalisation.
fn write_export_preset(home: &Path) {
    let dir = home.join(".config/ardour7/export");
    std::fs::create_dir_all(&dir).expect("export folder");
    let format = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ExportFormatSpecification name="float32" id="{FORMAT_ID}" with-cue="false" with-toc="false" with-mp4chaps="false" command="" analyse="false" soundcloud-upload="false">
  <Encoding id="F_WAV" type="T_Sndfile" extension="wav" name="BWF" has-sample-format="true" channel-limit="256"/>
  <SampleRate rate="1"/>
  <SRCQuality quality="SRC_SincBest"/>
  <EncodingOptions>
    <Option name="sample-format" value="SF_Float"/>
    <Option name="dithering" value="D_None"/>
    <Option name="tag-metadata" value="false"/>
    <Option name="tag-support" value="false"/>
    <Option name="broadcast-info" value="true"/>
  </EncodingOptions>
  <Processing>
    <Normalize enabled="false" loudness="no" dbfs="0" lufs="-23" dbtp="-1"/>
    <Silence>
      <Start><Trim enabled="false"/><Add enabled="false"><Duration format="Timecode" hours="0" minutes="0" seconds="0" frames="0"/></Add></Start>
      <End><Trim enabled="false"/><Add enabled="false"><Duration format="Timecode" hours="0" minutes="0" seconds="0" frames="0"/></Add></End>
    </Silence>
  </Processing>
</ExportFormatSpecification>
"#
    );
    let preset = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ExportPreset id="{PRESET_ID}" name="float32 test">
  <ExportFormat id="{FORMAT_ID}"/>
  <ExportFilename>
    <Folder relative="1" path="export"/>
    <Field name="label" enabled="0"/><Field name="session" enabled="0"/><Field name="snapshot" enabled="0"/>
    <Field name="timespan" enabled="1"/><Field name="revision" enabled="0"/>
    <Field name="time" enabled="0" value="T_None"/><Field name="date" enabled="0" value="D_None"/>
  </ExportFilename>
</ExportPreset>
"#
    );
    std::fs::write(dir.join("float32.format"), format).expect("write format");
    std::fs::write(dir.join("float32.preset"), preset).expect("write preset");
}

/// The built plugin library as a VST3 bundle in `home/.vst3`, its files dated a minute back (Ardour
/// treats its scan cache as stale unless the plugin is older than the cache).
fn install_bundle(home: &Path) -> PathBuf {
    let bundle = home.join(".vst3/Afterglow.vst3");
    let binary_dir = bundle.join("Contents/x86_64-linux");
    std::fs::create_dir_all(&binary_dir).expect("bundle folder");
    let binary = binary_dir.join("Afterglow.so");
    std::fs::copy(common::plugin_library_path(), &binary).expect("copy the plugin library");
    let past = SystemTime::now() - Duration::from_secs(60);
    std::fs::File::options().write(true).open(&binary).and_then(|f| f.set_modified(past)).expect("date the plugin");
    bundle
}

fn read_wav(path: &Path) -> Vec<f32> {
    let mut reader = hound::WavReader::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    reader.samples::<f32>().map(|s| s.expect("sample")).collect()
}

#[test]
fn ardour_bounces_the_instrument_twice_sample_identical() {
    let Some((lua, scanner)) = ardour() else { return };
    let home = tempfile::tempdir().expect("temp home");
    let home = home.path();
    let bundle = install_bundle(home);
    write_export_preset(home);

    let mut scan = Command::new(&scanner);
    scan.args(["-f", "-v"]).arg(&bundle);
    if let Some(dir) = scanner.parent() {
        scan.env("LD_LIBRARY_PATH", dir);
    }
    let scanned = run(scan, home, "Found Plugin: ");
    let plugin_name = scanned.lines().find_map(|l| l.split("Found Plugin: ").nth(1)).expect("plugin name").trim().to_string();

    let scripts = home.join("scripts");
    std::fs::create_dir_all(&scripts).expect("scripts folder");
    std::fs::write(scripts.join("build.lua"), BUILD_LUA).expect("build script");
    std::fs::write(scripts.join("render.lua"), RENDER_LUA).expect("render script");
    let session = home.join("bounce");
    let mut build = Command::new(&lua);
    build.arg(scripts.join("build.lua")).arg(&session).arg(&plugin_name).arg("48000").arg(SESSION_TEMPO_BPM.to_string());
    run(build, home, "BUILD DONE");
    inject_chord(&session);

    let out = home.join("renders");
    std::fs::create_dir_all(&out).expect("renders folder");
    let renders: Vec<Vec<f32>> = ["first", "second"]
        .iter()
        .map(|name| {
            let make = || {
                let mut render = Command::new(&lua);
                render.arg(scripts.join("render.lua")).arg(&session).arg(&out).arg(name).arg(RENDER_SEC.to_string()).arg(PRESET_ID);
                render
            };
            run_export(make, home, &out.join(format!("{name}.wav")), (48_000 * RENDER_SEC * 2) as usize)
        })
        .collect();
    let peak = renders[0].iter().fold(0.0f32, |m, x| m.max(x.abs()));
    let rms = (renders[0].iter().map(|&x| f64::from(x) * f64::from(x)).sum::<f64>() / renders[0].len() as f64).sqrt();
    let differing = renders[0].iter().zip(&renders[1]).filter(|(a, b)| a.to_bits() != b.to_bits()).count();
    eprintln!(
        "Ardour bounce: {} samples, peak {:.2} dBFS, RMS {:.2} dBFS; second bounce differs in {differing} samples",
        renders[0].len(),
        20.0 * f64::from(peak).log10(),
        20.0 * rms.log10()
    );
    assert_eq!(renders[0].len(), (48_000 * RENDER_SEC * 2) as usize);
    assert!(rms > 1e-3, "the bounce is silent");
    assert!(20.0 * f64::from(peak).log10() < -1.0, "the bounce peaks at {peak}");
    assert_eq!(differing, 0, "two bounces of one session differ");

    // The grains start on the session's quarter notes (100 BPM at 48 kHz: every 28 800 frames from
    // the session's start, not from the chord half a beat in), each in silence after the last one
    // ended: the first non-zero frame after a silent stretch lies on a beat.
    let onsets = grain_onsets(&renders[0]);
    eprintln!("Ardour bounce: grains start at frames {onsets:?}");
    assert!(onsets.len() >= 14, "too few separate grain onsets: {onsets:?}");
    for &frame in &onsets {
        let off = frame % FRAMES_PER_BEAT;
        assert!(off <= 1 || off >= FRAMES_PER_BEAT - 1, "a grain starts at frame {frame}, off the beat by {off} frames");
    }
}

/// The first non-zero frame of interleaved stereo `samples` after each stretch of at least 1000
/// silent frames.
fn grain_onsets(samples: &[f32]) -> Vec<usize> {
    let mut onsets = Vec::new();
    let mut silent = 1000;
    for (frame, pair) in samples.chunks(2).enumerate() {
        if pair.iter().any(|&x| x != 0.0) {
            if silent >= 1000 {
                onsets.push(frame);
            }
            silent = 0;
        } else {
            silent += 1;
        }
    }
    onsets
}
