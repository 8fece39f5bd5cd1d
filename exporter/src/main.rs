//! The `afterglow` command line: renders texture packs from an archive of recordings, analyses
//! files, and writes or checks the config.

fn main() {
    std::process::exit(afterglow_exporter::run_cli());
}
