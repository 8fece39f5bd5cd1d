// Scratch (temporary): time of each uncancellable phase.
use std::time::Instant;
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
    mix
}
#[test]
fn scratch_phases() {
    let archive = tempfile::tempdir().unwrap();
    let path = archive.path().join("long take.wav");
    let left = steady_chord(&[57.0, 60.0, 64.0], 180, 5, 48_000);
    let right = steady_chord(&[57.0, 60.0, 64.0], 180, 6, 48_000);
    std::fs::write(&path, fixtures::encode::wav_bytes(&[left, right], 48_000, fixtures::encode::SampleEncoding::Pcm24, false, None)).unwrap();
    let t = Instant::now();
    let _ = engine::source::hash_file(&path).unwrap();
    eprintln!("hash_file {:.1} ms", t.elapsed().as_secs_f64()*1e3);
    let t = Instant::now();
    let src = engine::source::load(&path, &engine::source::LoadOptions { block_dc: false, ..Default::default() }).unwrap();
    eprintln!("load (no dc) {:.1} ms", t.elapsed().as_secs_f64()*1e3);
    let mut ch = src.channels.clone();
    let t = Instant::now();
    engine::source::block_dc(&mut ch, 44_100);
    eprintln!("block_dc {:.1} ms", t.elapsed().as_secs_f64()*1e3);
    let t = Instant::now();
    let mono = src.mono();
    eprintln!("mono {:.1} ms", t.elapsed().as_secs_f64()*1e3);
    let t = Instant::now();
    let analysis = engine::analysis::analyze(&mono, 44_100, &Default::default());
    eprintln!("analyze {:.1} ms", t.elapsed().as_secs_f64()*1e3);
    let cfg = engine::mining::PadMinerConfig::default();
    let t = Instant::now();
    let regions = engine::mining::find_pads(&analysis, &cfg);
    eprintln!("find_pads {:.1} ms ({} regions)", t.elapsed().as_secs_f64()*1e3, regions.len());
    for r in &regions {
        let t = Instant::now();
        let lp = engine::mining::make_loop(&src.channels, &engine::mining::Region::span(r.start_sample, r.len_samples.min(8*44100)), &cfg.loop_config(), 44_100);
        eprintln!("make_loop {:.1} ms", t.elapsed().as_secs_f64()*1e3);
        let t = Instant::now();
        let _ = afterglow_plugin::mining::make_pad(&src, r, 0, &cfg.loop_config());
        eprintln!("make_pad {:.1} ms {}", t.elapsed().as_secs_f64()*1e3, lp.is_ok());
    }
    for r in &regions {
        let rs = engine::recipe::RecipeSource { path: String::new(), content_hash: src.provenance.content_hash.clone(), start_sample: r.start_sample, len_samples: r.len_samples.min(8*44100 - 4410), as_loop: true, root_note: None, loop_settings: Some(cfg.loop_config()) };
        let t = Instant::now();
        let (chs, _) = engine::recipe::pad_material(&src, &rs, &cfg.loop_config()).unwrap();
        eprintln!(" pad_material {:.1} ms", t.elapsed().as_secs_f64()*1e3);
        let t = Instant::now();
        let mono = engine::source::mix_to_mono(&chs);
        let a = engine::analysis::analyze(&mono, 44_100, &Default::default());
        eprintln!(" traits analyze {:.1} ms", t.elapsed().as_secs_f64()*1e3);
        let t = Instant::now();
        let _ = engine::analysis::estimate_key(&a);
        eprintln!(" traits key {:.1} ms", t.elapsed().as_secs_f64()*1e3);
        let t = Instant::now();
        let _ = engine::texture::Pad::new(1, chs, 44_100.0, None);
        eprintln!(" Pad::new {:.1} ms", t.elapsed().as_secs_f64()*1e3);
    }
    let t = Instant::now();
    let _ = engine::analysis::estimate_key(&analysis);
    eprintln!("estimate_key {:.1} ms", t.elapsed().as_secs_f64()*1e3);
    let t = Instant::now();
    let _ = engine::analysis::estimate_tempo(&analysis);
    eprintln!("estimate_tempo {:.1} ms", t.elapsed().as_secs_f64()*1e3);
    let t = Instant::now();
    let _ = engine::analysis::fingerprint(&src.channels, 44_100);
    eprintln!("fingerprint {:.1} ms", t.elapsed().as_secs_f64()*1e3);
}
