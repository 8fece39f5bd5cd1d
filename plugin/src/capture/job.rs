//! A capture to file running on a thread of its own, so neither the audio thread nor the editor
//! ever waits for decoding, rendering or writing. The editor polls it every frame.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use engine::CancelFlag;
use engine::recipe::Recipe;

use super::wav::capture_to_wav;

/// One capture being rendered. Dropping it stops the source's decoding and waits for the thread
/// (the plugin's code must not run on after the plugin is unloaded); a render already under way
/// finishes first (the renderer has no stop point: a ten-minute recipe takes seconds).
#[derive(Debug)]
pub struct CaptureJob {
    answer: Receiver<Result<PathBuf, String>>,
    cancel: CancelFlag,
    thread: Option<JoinHandle<()>>,
    started: Instant,
}

impl CaptureJob {
    /// Start rendering `recipe` into `folder` as `<name>.wav` ([`capture_to_wav`]). Not
    /// realtime-safe: spawns a thread.
    pub fn spawn(recipe: Recipe, folder: PathBuf, name: String) -> std::io::Result<Self> {
        let (tx, answer) = channel();
        let cancel = CancelFlag::new();
        let flag = cancel.clone();
        let thread = std::thread::Builder::new().name("afterglow-capture".into()).spawn(move || {
            let _ = tx.send(capture_to_wav(&recipe, &folder, &name, Some(flag)));
        })?;
        Ok(Self { answer, cancel, thread: Some(thread), started: Instant::now() })
    }

    /// The written file or what went wrong, once the job is done (call every frame).
    pub fn poll(&mut self) -> Option<Result<PathBuf, String>> {
        match self.answer.try_recv() {
            Ok(answer) => Some(answer),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err(String::from("the capture stopped without an answer"))),
        }
    }

    /// How long the job has been running.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

impl Drop for CaptureJob {
    fn drop(&mut self) {
        self.cancel.cancel();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
