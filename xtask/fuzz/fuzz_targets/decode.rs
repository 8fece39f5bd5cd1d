//! The decode front door: any bytes, under any supported extension, load or fail with an error.
#![no_main]

use libfuzzer_sys::fuzz_target;

const EXTENSIONS: [&str; 6] = ["wav", "aiff", "aifc", "flac", "ogg", "mp3"];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else { return };
    let dir = std::env::temp_dir().join(format!("afterglow-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("input.{}", EXTENSIONS[usize::from(selector) % EXTENSIONS.len()]));
    if std::fs::write(&path, bytes).is_err() {
        return;
    }
    let options = engine::source::LoadOptions { max_duration_sec: 30.0, min_duration_sec: 0.0, ..engine::source::LoadOptions::default() };
    if let Ok(source) = engine::source::load(&path, &options) {
        assert!(source.channels.iter().flatten().all(|x| x.is_finite()));
        assert!(matches!(source.num_channels(), 1 | 2));
    }
});
