//! The config parser: any text parses to a valid config or to named problems, never a panic.
#![no_main]

use afterglow_exporter::config::Config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(config) = Config::from_toml(text, "fuzz.toml") {
            assert!(config.problems().is_empty());
        }
    }
});
