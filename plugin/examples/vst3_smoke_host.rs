//! A minimal VST3 host for the smoke tests: loads a VST3 module (the DLL inside `Afterglow.vst3` on
//! Windows, the `.so` on Linux), creates the instrument the way a DAW does (factory, component,
//! audio processor, stereo output bus, 48 kHz, 512-frame blocks), plays a held chord through a
//! note event list in one processing run, and writes what came out.
//!
//! `vst3_smoke_host MODULE OUT_FILE` writes two seconds of the chord (C3 G3 C4 E4, released at
//! 1.5 s) to OUT_FILE as little-endian f32, left then right. It prints the class it created.
//!
//! `vst3_smoke_host MODULE OUT_FILE expression` plays C2 and C6 as notes with ids for four seconds
//! and, 300 frames after the second second starts, a VST3 tuning note expression of +7 semitones
//! for the C2 note alone (what a host with note expressions sends).

use std::ffi::c_void;
use std::process::ExitCode;
use std::ptr::null_mut;

use vst3::Steinberg::Vst::Event_::EventTypes_::{kNoteExpressionValueEvent, kNoteOffEvent, kNoteOnEvent};
use vst3::Steinberg::Vst::NoteExpressionTypeIDs_::kTuningTypeID;
use vst3::Steinberg::Vst::{
    AudioBusBuffers, AudioBusBuffers__type0, BusDirections_::kOutput, Event, Event__type0, IAudioProcessor,
    IAudioProcessorTrait, IComponent, IComponentTrait, IEventList, IEventListTrait, MediaTypes_::kAudio,
    NoteExpressionValueEvent, NoteOffEvent, NoteOnEvent, ProcessData, ProcessModes_::kRealtime, ProcessSetup, SymbolicSampleSizes_::kSample32,
};
use vst3::Steinberg::{IPluginBaseTrait, IPluginFactory, IPluginFactoryTrait, PClassInfo, kResultOk, tresult};
use vst3::{Class, ComPtr, ComWrapper, Interface};

const SAMPLE_RATE_HZ: f64 = 48_000.0;
const BLOCK: usize = 512;
const CHORD: [i16; 4] = [48, 55, 60, 64];

/// The events of one block, handed to the plugin as an `IEventList`.
struct Events(Vec<Event>);

impl Class for Events {
    type Interfaces = (IEventList,);
}

impl IEventListTrait for Events {
    unsafe fn getEventCount(&self) -> i32 {
        self.0.len() as i32
    }
    unsafe fn getEvent(&self, index: i32, e: *mut Event) -> tresult {
        match self.0.get(index as usize) {
            Some(event) if !e.is_null() => {
                unsafe { *e = *event };
                kResultOk
            }
            _ => vst3::Steinberg::kInvalidArgument,
        }
    }
    unsafe fn addEvent(&self, _e: *mut Event) -> tresult {
        vst3::Steinberg::kResultFalse
    }
}

/// A note-on or note-off at `offset` in its block, with the host's note id (`-1`: none).
fn note(offset: usize, key: i16, on: bool, note_id: i32) -> Event {
    let __field0 = if on {
        Event__type0 { noteOn: NoteOnEvent { channel: 0, pitch: key, tuning: 0.0, velocity: 0.8, length: 0, noteId: note_id } }
    } else {
        Event__type0 { noteOff: NoteOffEvent { channel: 0, pitch: key, velocity: 0.0, noteId: note_id, tuning: 0.0 } }
    };
    let r#type = if on { kNoteOnEvent } else { kNoteOffEvent } as u16;
    Event { busIndex: 0, sampleOffset: offset as i32, ppqPosition: 0.0, flags: 0, r#type, __field0 }
}

/// A tuning note expression of `semitones` for note `note_id` at `offset` (VST3 normalises tuning
/// to 0..1 over -120..+120 semitones).
fn tuning(offset: usize, note_id: i32, semitones: f64) -> Event {
    let value = NoteExpressionValueEvent { typeId: kTuningTypeID, noteId: note_id, value: 0.5 + semitones / 240.0 };
    let __field0 = Event__type0 { noteExpressionValue: value };
    Event { busIndex: 0, sampleOffset: offset as i32, ppqPosition: 0.0, flags: 0, r#type: kNoteExpressionValueEvent as u16, __field0 }
}

/// What the host plays: its length, and the events of the block starting at frame `start`.
#[derive(Clone, Copy)]
enum Scenario {
    Chord,
    Expression,
}

impl Scenario {
    fn total_frames(self) -> usize {
        match self {
            Self::Chord => 2 * SAMPLE_RATE_HZ as usize,
            Self::Expression => 4 * SAMPLE_RATE_HZ as usize,
        }
    }

    fn events(self, start: usize, len: usize) -> Vec<Event> {
        let at = |frame: usize| (start..start + len).contains(&frame).then(|| frame - start);
        let mut events = Vec::new();
        match self {
            Self::Chord => {
                let release = 3 * self.total_frames() / 4;
                if start == 0 {
                    events.extend(CHORD.map(|key| note(0, key, true, -1)));
                }
                if let Some(offset) = at(release) {
                    events.extend(CHORD.map(|key| note(offset, key, false, -1)));
                }
            }
            Self::Expression => {
                if start == 0 {
                    events.extend([note(0, 36, true, 1), note(0, 84, true, 2)]);
                }
                if let Some(offset) = at(2 * SAMPLE_RATE_HZ as usize + 300) {
                    events.push(tuning(offset, 1, 7.0));
                }
            }
        }
        events
    }
}

fn check(what: &str, result: tresult) -> Result<(), String> {
    (result == kResultOk).then_some(()).ok_or_else(|| format!("{what} returned {result}"))
}

fn play(module: &str, scenario: Scenario) -> Result<[Vec<f32>; 2], String> {
    // SAFETY: loading the plugin under test is the point; its entry points are the VST3 ABI's.
    let library = unsafe { libloading::Library::new(module) }.map_err(|e| format!("{module}: {e}"))?;
    unsafe {
        #[cfg(windows)]
        if let Ok(init) = library.get::<unsafe extern "system" fn() -> bool>(b"InitDll") {
            init();
        }
        #[cfg(not(windows))]
        if let Ok(entry) = library.get::<unsafe extern "C" fn(*mut c_void) -> bool>(b"ModuleEntry") {
            entry(null_mut());
        }
        let get_factory = library
            .get::<unsafe extern "system" fn() -> *mut c_void>(b"GetPluginFactory")
            .map_err(|e| format!("{module}: no GetPluginFactory: {e}"))?;
        let factory = ComPtr::<IPluginFactory>::from_raw(get_factory() as *mut IPluginFactory)
            .ok_or("GetPluginFactory returned null")?;
        let mut info: PClassInfo = std::mem::zeroed();
        check("getClassInfo", factory.getClassInfo(0, &mut info))?;
        let name: String = info.name.iter().take_while(|&&c| c != 0).map(|&c| c as u8 as char).collect();
        println!("class: {name}");
        let mut object: *mut c_void = null_mut();
        check(
            "createInstance",
            factory.createInstance(info.cid.as_ptr(), IComponent::IID.as_ptr() as *const _, &mut object),
        )?;
        let component = ComPtr::<IComponent>::from_raw(object as *mut IComponent).ok_or("no component")?;
        check("initialize", component.initialize(null_mut()))?;
        let processor = component.cast::<IAudioProcessor>().ok_or("the component is no audio processor")?;
        let mut setup = ProcessSetup {
            processMode: kRealtime as i32,
            symbolicSampleSize: kSample32 as i32,
            maxSamplesPerBlock: BLOCK as i32,
            sampleRate: SAMPLE_RATE_HZ,
        };
        check("setupProcessing", processor.setupProcessing(&mut setup))?;
        check("activateBus", component.activateBus(kAudio as i32, kOutput as i32, 0, 1))?;
        check("setActive", component.setActive(1))?;
        processor.setProcessing(1);

        let total = scenario.total_frames();
        let mut out = [vec![0.0f32; total], vec![0.0f32; total]];
        let mut block = [vec![0.0f32; BLOCK], vec![0.0f32; BLOCK]];
        let mut start = 0;
        while start < total {
            let len = BLOCK.min(total - start);
            let events = ComWrapper::new(Events(scenario.events(start, len)));
            let event_list = events.to_com_ptr::<IEventList>().ok_or("event list")?;
            let mut channels = [block[0].as_mut_ptr(), block[1].as_mut_ptr()];
            let mut outputs = AudioBusBuffers {
                numChannels: 2,
                silenceFlags: 0,
                __field0: AudioBusBuffers__type0 { channelBuffers32: channels.as_mut_ptr() },
            };
            let mut data = ProcessData {
                processMode: kRealtime as i32,
                symbolicSampleSize: kSample32 as i32,
                numSamples: len as i32,
                numInputs: 0,
                numOutputs: 1,
                inputs: null_mut(),
                outputs: &mut outputs,
                inputParameterChanges: null_mut(),
                outputParameterChanges: null_mut(),
                inputEvents: event_list.as_ptr(),
                outputEvents: null_mut(),
                processContext: null_mut(),
            };
            check("process", processor.process(&mut data))?;
            for (to, from) in out.iter_mut().zip(&block) {
                to[start..start + len].copy_from_slice(&from[..len]);
            }
            start += len;
        }
        processor.setProcessing(0);
        component.setActive(0);
        component.terminate();
        drop(processor);
        drop(component);
        drop(factory);
        #[cfg(windows)]
        if let Ok(exit) = library.get::<unsafe extern "system" fn() -> bool>(b"ExitDll") {
            exit();
        }
        #[cfg(not(windows))]
        if let Ok(exit) = library.get::<unsafe extern "C" fn() -> bool>(b"ModuleExit") {
            exit();
        }
        Ok(out)
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (module, out_file, scenario) = match args.as_slice() {
        [module, out_file] => (module, out_file, Scenario::Chord),
        [module, out_file, kind] if kind == "expression" => (module, out_file, Scenario::Expression),
        _ => {
            eprintln!("usage: vst3_smoke_host MODULE OUT_FILE [expression]");
            return ExitCode::FAILURE;
        }
    };
    match play(module, scenario) {
        Ok([left, right]) => {
            let bytes: Vec<u8> = left.iter().chain(&right).flat_map(|x| x.to_le_bytes()).collect();
            match std::fs::write(out_file, bytes) {
                Ok(()) => ExitCode::SUCCESS,
                Err(err) => {
                    eprintln!("error: {out_file}: {err}");
                    ExitCode::FAILURE
                }
            }
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
