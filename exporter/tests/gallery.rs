//! The pack's gallery (`index.html`): every written file has a card with an existing thumbnail and
//! a player, `afterglow gallery` makes the very same page again, and a real headless Chromium loads
//! it with every image and without a script error. Without Chromium the browser checks print a
//! notice and pass, except in CI (`CI` set), where they fail.

use afterglow_exporter::gallery::thumbnail::{THUMB_HEIGHT_PX, THUMB_WIDTH_PX};
use afterglow_exporter::gallery::{thumbnail_path, url_path, GALLERY_DIR, INDEX_FILE_NAME};
use afterglow_exporter::manifest::{read_manifest, ManifestRow, MANIFEST_FILE_NAME};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Longest one Chromium run may take before it is killed.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(120);

fn afterglow(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_afterglow")).args(args).current_dir(cwd).output().expect("binary runs")
}

fn bundled_archive() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/archive")
}

/// The workspace's target folder (the test runs from target/<profile>/deps/).
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable");
    exe.ancestors().nth(3).expect("target folder").to_path_buf()
}

/// Renders `archive` with `extra` arguments into `<temp>/<name>` (the page's title).
fn render(archive: &Path, name: &str, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["render", archive.to_str().unwrap(), "--out", name];
    args.extend(extra);
    let o = afterglow(&args, dir.path());
    assert!(o.status.success(), "render failed: {}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains(&format!("gallery: open {name}/index.html")), "the summary names the gallery:\n{stdout}");
    let pack = dir.path().join(name);
    (dir, pack)
}

/// Checks the page against the manifest: a card, a player and a readable thumbnail of the right
/// size for every written file, nothing for files not written, nothing from the network. Returns
/// the written rows.
fn check_gallery(pack: &Path) -> Vec<ManifestRow> {
    let rows = read_manifest(&pack.join(MANIFEST_FILE_NAME)).unwrap();
    let html = std::fs::read_to_string(pack.join(INDEX_FILE_NAME)).expect("index.html written");
    let saved: Vec<ManifestRow> = rows.iter().filter(|r| r.saved).cloned().collect();
    assert!(!saved.is_empty());
    assert_eq!(html.matches("<article class=\"card\"").count(), saved.len());
    assert_eq!(html.matches("<audio controls preload=\"none\" src=\"").count(), saved.len());
    assert_eq!(html.matches("<img src=\"").count(), saved.len());
    for row in &saved {
        assert!(html.contains(&format!("<audio controls preload=\"none\" src=\"{}\">", url_path(&row.filename))), "{}", row.filename);
        let thumbnail = thumbnail_path(&row.filename).expect("a name inside the pack");
        assert!(html.contains(&format!("<img src=\"{}\"", url_path(&thumbnail))), "{thumbnail}");
        let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(pack.join(&thumbnail)).expect(&thumbnail)));
        let info = decoder.read_info().expect("a PNG").info().clone();
        assert_eq!((info.width, info.height), (THUMB_WIDTH_PX, THUMB_HEIGHT_PX), "{thumbnail}");
        assert!(pack.join(&row.filename).is_file());
    }
    for row in rows.iter().filter(|r| !r.saved) {
        assert!(!html.contains(&url_path(&row.filename)), "{} was not written but is shown", row.filename);
    }
    assert!(!html.contains("http://") && !html.contains("https://"), "the page refers to the network");
    println!("{}: {} files, page {} KB", pack.display(), saved.len(), html.len().div_ceil(1024));
    saved
}

/// Every file under `dir`, relative, sorted, with its bytes.
fn files_under(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fixtures::files::files_under(dir)
        .into_iter()
        .map(|path| (path.strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(&path).unwrap()))
        .collect()
}

#[test]
fn bundled_pack_has_a_card_a_thumbnail_and_a_player_for_every_written_file() {
    let (_dir, pack) = render(&bundled_archive(), "pack", &["--only", "pads,hiss,oneshots"]);
    let saved = check_gallery(&pack);
    for kind in ["pad", "hiss", "flicker", "oneshot"] {
        assert!(saved.iter().any(|r| r.kind == kind), "no {kind} in the gallery");
    }
    // `afterglow gallery` makes the same page and thumbnails again, and drops stale thumbnails.
    let page = std::fs::read(pack.join(INDEX_FILE_NAME)).unwrap();
    let thumbnails = files_under(&pack.join(GALLERY_DIR));
    std::fs::remove_file(pack.join(INDEX_FILE_NAME)).unwrap();
    let first = thumbnails.keys().next().unwrap().clone();
    std::fs::remove_file(pack.join(GALLERY_DIR).join(&first)).unwrap();
    std::fs::write(pack.join(GALLERY_DIR).join("stale.png"), b"old").unwrap();
    let o = afterglow(&["gallery", "pack"], pack.parent().unwrap());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read(pack.join(INDEX_FILE_NAME)).unwrap(), page, "the page differs when made again");
    assert_eq!(files_under(&pack.join(GALLERY_DIR)), thumbnails, "the thumbnails differ when made again");
    // Without a manifest there is nothing to show, and the command says so.
    let o = afterglow(&["gallery", "nowhere"], pack.parent().unwrap());
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a finished pack"));
}

#[test]
fn real_corpus_pack_has_a_gallery_that_loads_in_chromium() {
    let Some(corpus) = fixtures::real_corpus::real_corpus(&[]) else { return };
    let (_dir, pack) = render(&corpus, "real-corpus", &["--only", "pads,clouds,hiss,oneshots"]);
    let saved = check_gallery(&pack);
    let Some(browser) = chromium() else { return };
    let shots = target_dir().join("gallery-shots");
    std::fs::create_dir_all(&shots).unwrap();
    let report = browser.load(&pack.join(INDEX_FILE_NAME));
    println!("real corpus in Chromium: {report:?}");
    check_report(&report, saved.len());
    check_screenshot(&browser.screenshot(&pack.join(INDEX_FILE_NAME), &shots.join("real-corpus.png")));
}

#[test]
fn gallery_loads_in_headless_chromium_with_every_thumbnail_and_player() {
    let Some(browser) = chromium() else { return };
    let (_dir, pack) = render(&bundled_archive(), "bundled", &[]);
    let saved = check_gallery(&pack);
    let page = pack.join(INDEX_FILE_NAME);
    let report = browser.load(&page);
    println!("bundled pack in Chromium: {report:?}");
    check_report(&report, saved.len());
    let shots = target_dir().join("gallery-shots");
    std::fs::create_dir_all(&shots).unwrap();
    check_screenshot(&browser.screenshot(&page, &shots.join("bundled.png")));

    // The view in the address: drones only, longest first.
    let dom = browser.run(&page, "#kind=drone&sort=duration&dir=desc", &["--dump-dom"]);
    let cards = cards_in(&dom);
    assert_eq!(cards.len(), saved.len());
    let shown: Vec<&BTreeMap<String, String>> = cards.iter().filter(|c| !c.contains_key("hidden")).collect();
    let drones = saved.iter().filter(|r| r.kind == "drone").count();
    assert!(drones > 1 && shown.len() == drones, "{} cards shown for {drones} drones", shown.len());
    let view = body_report(&dom);
    assert_eq!(view.get("shown"), Some(&drones.to_string()), "{view:?}");
    assert_eq!(view.get("sort").map(String::as_str), Some("duration desc"), "{view:?}");
    assert!(shown.iter().all(|c| c["data-kind"] == "drone"));
    let lengths: Vec<f64> = shown.iter().map(|c| c["data-duration"].parse().unwrap()).collect();
    assert!(lengths.windows(2).all(|w| w[0] >= w[1]), "not longest first: {lengths:?}");
    assert!(lengths.first() > lengths.last(), "drones of one length: {lengths:?}");

    // The check can fail: with one thumbnail gone the browser reports a missing image and an error.
    let thumbnail = pack.join(thumbnail_path(&saved[0].filename).unwrap());
    std::fs::rename(&thumbnail, thumbnail.with_extension("moved")).unwrap();
    let broken = browser.load(&page);
    println!("with {} moved away: {broken:?}", thumbnail.display());
    assert_eq!(broken.get("images-loaded"), Some(&(saved.len() - 1).to_string()), "{broken:?}");
    assert_eq!(broken.get("errors").map(String::as_str), Some("1"), "{broken:?}");
}

/// The screenshot is a real page, not a blank or an error page: many colours, most of them dark.
fn check_screenshot(path: &Path) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).expect("screenshot written")));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (1280, 1000), "{}", path.display());
    let channels = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(channels).collect();
    let colours: std::collections::HashSet<&[u8]> = pixels.iter().map(|p| &p[..3]).collect();
    let dark = pixels.iter().filter(|p| p[..3].iter().map(|&c| u32::from(c)).sum::<u32>() < 150).count();
    assert!(colours.len() > 2000, "{}: only {} colours", path.display(), colours.len());
    assert!(dark * 2 > pixels.len(), "{}: not a dark page", path.display());
    println!("screenshot: {} ({} colours)", path.display(), colours.len());
}

/// The attributes of the first `<name ...>` tag at or after `from` in `html`, and where it ends.
/// Serialised attributes are `name="value"` (values escaped, so without `"`) or bare names.
fn tag_attributes(html: &str, name: &str, from: usize) -> Option<(BTreeMap<String, String>, usize)> {
    let start = from + html[from..].find(&format!("<{name} "))?;
    let mut attributes = BTreeMap::new();
    let mut rest = &html[start + name.len() + 1..];
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix('>') {
            return Some((attributes, html.len() - after.len()));
        }
        let name_end = rest.find(|c: char| c == '=' || c == '>' || c.is_whitespace())?;
        let key = &rest[..name_end];
        rest = &rest[name_end..];
        let mut value = "";
        if let Some(after) = rest.strip_prefix("=\"") {
            let close = after.find('"')?;
            value = &after[..close];
            rest = &after[close + 1..];
        }
        attributes.insert(key.to_string(), value.to_string());
    }
}

/// The `data-*` attributes of `<body>` in a DOM dump, without the `data-`.
fn body_report(dom: &str) -> BTreeMap<String, String> {
    let (attributes, _) = tag_attributes(dom, "body", 0).unwrap_or_else(|| panic!("no <body ...> in Chromium's dump:\n{dom}"));
    attributes.into_iter().filter_map(|(name, value)| Some((name.strip_prefix("data-")?.to_string(), value))).collect()
}

/// Checks a page's load report: every file, image and player there, no error, sorted by name.
fn check_report(report: &BTreeMap<String, String>, num_files: usize) {
    let n = num_files.to_string();
    for (key, expected) in [("files", &n), ("images-loaded", &n), ("players", &n), ("shown", &n), ("errors", &"0".to_string())] {
        assert_eq!(report.get(key), Some(expected), "{key}: {report:?}");
    }
    assert_eq!(report.get("sort").map(String::as_str), Some("name asc"), "{report:?}");
}

/// Every card's attributes in a DOM dump, in page order.
fn cards_in(dom: &str) -> Vec<BTreeMap<String, String>> {
    let mut cards = Vec::new();
    let mut from = 0;
    while let Some((attributes, end)) = tag_attributes(dom, "article", from) {
        cards.push(attributes);
        from = end;
    }
    cards
}

/// A headless Chromium.
struct Browser {
    program: String,
}

/// The installed Chromium, or `None` with a notice (a failure in CI, which must run the browser checks).
fn chromium() -> Option<Browser> {
    let found = ["chromium", "chromium-browser"].into_iter().find(|program| {
        Command::new("sh")
            .args(["-c", &format!("command -v {program}")])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    });
    match found {
        Some(program) => Some(Browser { program: program.to_string() }),
        None => {
            assert!(std::env::var_os("CI").is_none(), "chromium not found; CI must run the gallery browser test (.ci/run installs it)");
            println!("notice: chromium not found; skipping the gallery browser test");
            None
        }
    }
}

impl Browser {
    /// Runs Chromium headless on `page` with `args` (root-safe, no network services, a fresh
    /// profile, ten seconds of virtual time for the page to load) and returns its stdout.
    fn run(&self, page: &Path, fragment: &str, args: &[&str]) -> String {
        let profile = tempfile::tempdir().unwrap();
        let url = format!("file://{}{fragment}", page.canonicalize().unwrap().display());
        let mut child = Command::new(&self.program)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                &format!("--user-data-dir={}", profile.path().display()),
                "--virtual-time-budget=10000",
            ])
            .args(args)
            .arg(&url)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromium starts");
        let mut stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut stdout, &mut text).map(|_| text)
        });
        let started = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if started.elapsed() > BROWSER_TIMEOUT {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium took longer than {BROWSER_TIMEOUT:?} on {url}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        reader.join().unwrap().expect("chromium's output")
    }

    /// The `data-*` numbers the page's script sets on `<body>` once everything has loaded.
    fn load(&self, page: &Path) -> BTreeMap<String, String> {
        body_report(&self.run(page, "", &["--dump-dom"]))
    }

    /// Saves a 1280 x 1000 screenshot of `page` to `path`.
    fn screenshot(&self, page: &Path, path: &Path) -> PathBuf {
        let _ = std::fs::remove_file(path);
        self.run(page, "", &[&format!("--screenshot={}", path.display()), "--window-size=1280,1000"]);
        path.to_path_buf()
    }
}
