//! The gallery page: one self-contained `index.html` (CSS and script inline, nothing fetched from the
//! network) with a card per written file. Every string from the manifest is escaped for HTML, and
//! paths in `src` attributes are percent-encoded as well.

use super::thumbnail::{THUMB_HEIGHT_PX, THUMB_WIDTH_PX};
use crate::manifest::ManifestRow;
use engine::analysis::{Key, Mode};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The page's style sheet, inlined.
const STYLE: &str = include_str!("page.css");
/// The page's script (filters, sorting, playback, load report), inlined.
const SCRIPT: &str = include_str!("page.js");
/// Counts script errors from the start, before anything else runs.
const ERROR_COUNTER: &str = "window.afterglowErrors = 0; window.onerror = function () { window.afterglowErrors += 1; };";
/// Kinds in the order the pack's README lists them; others follow alphabetically.
const KIND_ORDER: [&str; 8] = ["pad", "drone", "swell", "cloud", "hiss", "flicker", "oneshot", "roomtone"];
/// The key filter's value for files without a key.
pub const NO_KEY: &str = "(none)";

/// One file on the page.
#[derive(Debug, Clone, Copy)]
pub struct Card<'a> {
    pub row: &'a ManifestRow,
    /// The thumbnail's path relative to the page, `/`-separated; `None` when none could be drawn.
    pub thumbnail: Option<&'a str>,
}

/// Everything the page shows.
#[derive(Debug, Clone, Copy)]
pub struct Page<'a> {
    /// The pack's name (its folder).
    pub title: &'a str,
    pub cards: &'a [Card<'a>],
    /// Manifest rows whose WAV was not written (not shown).
    pub num_unsaved: usize,
}

/// Escapes text for HTML content and double- or single-quoted attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A relative `/`-separated path as a URL path: every byte outside the unreserved set (letters,
/// digits, `-._~`) percent-encoded, segment by segment, so `#`, `?`, `%` and spaces in names stay
/// part of the path. Backslashes count as separators.
pub fn url_path(relative: &str) -> String {
    let mut out = String::with_capacity(relative.len());
    for (i, segment) in relative.split(['/', '\\']).enumerate() {
        if i > 0 {
            out.push('/');
        }
        for &b in segment.as_bytes() {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                out.push(char::from(b));
            } else {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// A long file name escaped, with a line-break opportunity after each `_`, so it wraps between words.
fn breakable(name: &str) -> String {
    escape_html(name).replace('_', "_<wbr>")
}

/// The last component of a `/`- or `\`-separated path.
fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Where a kind sorts: its place in [`KIND_ORDER`], unknown kinds after.
fn kind_rank(kind: &str) -> usize {
    KIND_ORDER.iter().position(|k| *k == kind).unwrap_or(KIND_ORDER.len())
}

/// Where a key sorts: by tonic from C, major before minor; no key or an unknown name last.
fn key_rank(key: &str) -> u32 {
    Key::parse(key).map_or(99, |k| u32::from(k.tonic) * 2 + u32::from(k.mode == Mode::Minor))
}

/// A length for people: "8.0 s", "0.43 s", "4 min 05 s", "1 h 02 min".
pub fn format_seconds(seconds: f64) -> String {
    let seconds = if seconds.is_finite() { seconds.max(0.0) } else { 0.0 };
    if seconds < 10.0 {
        format!("{seconds:.2} s")
    } else if seconds < 60.0 {
        format!("{seconds:.1} s")
    } else if seconds < 3600.0 {
        let whole = seconds.round() as u64;
        format!("{} min {:02} s", whole / 60, whole % 60)
    } else {
        let minutes = (seconds / 60.0).round() as u64;
        format!("{} h {:02} min", minutes / 60, minutes % 60)
    }
}

/// The whole page.
pub fn render_page(page: &Page) -> String {
    let mut html = String::with_capacity(4096 + page.cards.len() * 1600);
    let title = escape_html(page.title);
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"color-scheme\" content=\"dark\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src 'self' file:; \
         media-src 'self' file:; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n\
         <title>{title} · afterglow</title>\n<script>{ERROR_COUNTER}</script>\n<style>\n{STYLE}</style>\n</head>\n<body>\n"
    );
    write_header(&mut html, page);
    write_controls(&mut html, page.cards);
    html.push_str("<main id=\"cards\" class=\"cards\">\n");
    for (i, card) in page.cards.iter().enumerate() {
        write_card(&mut html, i, card);
    }
    let _ = write!(
        html,
        "</main>\n<p id=\"empty\" class=\"empty\" hidden>No file matches these filters.</p>\n\
         <footer>Thumbnails: the waveform (peaks, and RMS brighter) over the spectrogram (30 Hz to 20 kHz on a \
         log scale, {range:.0} dB of colour below each file's loudest point), both of the mono mix. \
         Click a thumbnail to play from there. Written by afterglow from manifest.csv.</footer>\n\
         <script>\n{SCRIPT}</script>\n</body>\n</html>\n",
        range = super::thumbnail::SPECTRO_RANGE_DB
    );
    html
}

/// Counts of `value(card)` over the cards, in `rank` order.
fn tally<'a>(cards: &[Card<'a>], value: impl Fn(&Card<'a>) -> &'a str, rank: impl Fn(&str) -> u32) -> Vec<(&'a str, usize)> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for card in cards {
        *counts.entry(value(card)).or_default() += 1;
    }
    let mut out: Vec<(&str, usize)> = counts.into_iter().collect();
    out.sort_by_key(|(v, _)| rank(v));
    out
}

fn kinds_of<'a>(cards: &[Card<'a>]) -> Vec<(&'a str, usize)> {
    tally(cards, |c| c.row.kind.as_str(), |k| kind_rank(k) as u32)
}

/// Title, what is in the pack, and the colour key of the grades.
fn write_header(html: &mut String, page: &Page) {
    let seconds: f64 = page.cards.iter().map(|c| c.row.duration_sec).sum();
    let mut summary = format!(
        "{} file{} · {} of audio",
        page.cards.len(),
        if page.cards.len() == 1 { "" } else { "s" },
        format_seconds(seconds)
    );
    if page.num_unsaved > 0 {
        let _ = write!(summary, " · {} listed in the manifest but not written", page.num_unsaved);
    }
    let _ = write!(
        html,
        "<header>\n<div class=\"title\"><p class=\"eyebrow\">afterglow texture pack</p><h1>{}</h1>\
         <p class=\"summary\">{}</p></div>\n<ul class=\"tally\">",
        escape_html(page.title),
        escape_html(&summary)
    );
    for (kind, n) in kinds_of(page.cards) {
        let _ = write!(html, "<li><span>{}</span> <b>{n}</b></li>", escape_html(kind));
    }
    html.push_str("</ul>\n<ul class=\"tally grades\">");
    for (grade, n) in tally(page.cards, |c| c.row.grade.as_str(), |_| 0) {
        let _ = write!(html, "<li><span class=\"grade {}\">{}</span> <b>{n}</b></li>", grade_class(grade), escape_html(grade));
    }
    html.push_str("</ul>\n</header>\n");
}

/// The CSS class of a grade's badge.
fn grade_class(grade: &str) -> &'static str {
    match grade {
        "A" => "g-a",
        "B" => "g-b",
        "C" => "g-c",
        "D" => "g-d",
        _ => "g-f",
    }
}

/// A `<select>` with an "all" entry and one entry per value, with counts.
fn write_select(html: &mut String, id: &str, label: &str, all: &str, options: &[(String, String, usize)]) {
    let _ = write!(html, "<label>{label}<select id=\"{id}\"><option value=\"\">{all}</option>");
    for (value, text, n) in options {
        let _ = write!(html, "<option value=\"{}\">{} ({n})</option>", escape_html(value), escape_html(text));
    }
    html.push_str("</select></label>\n");
}

/// Filters (kind, grade, key, search), sorting, and how many cards are shown.
fn write_controls(html: &mut String, cards: &[Card]) {
    html.push_str("<nav class=\"controls\" aria-label=\"Filter and sort\">\n");
    let own = |v: Vec<(&str, usize)>| -> Vec<(String, String, usize)> {
        v.into_iter().map(|(value, n)| (value.to_string(), value.to_string(), n)).collect()
    };
    write_select(html, "f-kind", "Kind", "all kinds", &own(kinds_of(cards)));
    write_select(html, "f-grade", "Grade", "all grades", &own(tally(cards, |c| c.row.grade.as_str(), |_| 0)));
    let keys: Vec<(String, String, usize)> = tally(cards, |c| c.row.key.as_str(), key_rank)
        .into_iter()
        .map(|(key, n)| if key.is_empty() { (NO_KEY.into(), "no key".into(), n) } else { (key.into(), key.into(), n) })
        .collect();
    write_select(html, "f-key", "Key", "all keys", &keys);
    html.push_str(
        "<label class=\"grow\">Search<input id=\"f-text\" type=\"search\" placeholder=\"source or file name\" \
         autocomplete=\"off\"></label>\n<label>Sort by<select id=\"sort\">",
    );
    for (value, text) in [
        ("name", "name"),
        ("kind", "kind"),
        ("grade", "grade"),
        ("key", "key"),
        ("brightness", "brightness"),
        ("duration", "duration"),
        ("source", "source"),
    ] {
        let _ = write!(html, "<option value=\"{value}\">{text}</option>");
    }
    html.push_str(
        "</select></label>\n<button id=\"sort-dir\" type=\"button\" data-dir=\"asc\" title=\"Reverse the order\">\
         ascending</button>\n<span id=\"shown\" class=\"shown\" aria-live=\"polite\"></span>\n</nav>\n",
    );
}

/// One file: thumbnail, name, badges, facts and a player.
fn write_card(html: &mut String, index: usize, card: &Card) {
    let row = card.row;
    let name = file_name(&row.filename);
    let name = name.strip_suffix(".wav").unwrap_or(name);
    let source = file_name(&row.source);
    let key_value = if row.key.is_empty() { NO_KEY } else { row.key.as_str() };
    let _ = writeln!(
        html,
        "<article class=\"card\" data-index=\"{index}\" data-name=\"{}\" data-kind=\"{}\" data-kind-rank=\"{}\" \
         data-grade=\"{}\" data-key=\"{}\" data-key-rank=\"{}\" data-centroid=\"{:.1}\" data-duration=\"{:.3}\" \
         data-source=\"{}\">",
        escape_html(name),
        escape_html(&row.kind),
        kind_rank(&row.kind),
        escape_html(&row.grade),
        escape_html(key_value),
        key_rank(&row.key),
        if row.centroid_hz.is_finite() { row.centroid_hz } else { 0.0 },
        if row.duration_sec.is_finite() { row.duration_sec } else { 0.0 },
        escape_html(source),
    );
    match card.thumbnail {
        Some(path) => {
            let _ = writeln!(
                html,
                "<div class=\"thumb\" role=\"button\" tabindex=\"0\" title=\"Click to play from here\">\
                 <img src=\"{}\" width=\"{THUMB_WIDTH_PX}\" height=\"{THUMB_HEIGHT_PX}\" alt=\"Waveform and spectrogram of {}\">\
                 <div class=\"playhead\"></div></div>",
                escape_html(&url_path(path)),
                escape_html(name)
            );
        }
        None => html.push_str("<div class=\"thumb missing\">no preview</div>\n"),
    }
    let reasons = if row.grade_reasons.is_empty() { "ready to use".to_string() } else { row.grade_reasons.clone() };
    let _ = write!(
        html,
        "<div class=\"name\" title=\"{}\">{}</div>\n<div class=\"badges\"><span class=\"grade {}\" title=\"grade {}: {}\">{}</span>\
         <span class=\"badge kind\">{}</span>",
        escape_html(&row.filename),
        breakable(name),
        grade_class(&row.grade),
        escape_html(&row.grade),
        escape_html(&reasons),
        escape_html(&row.grade),
        escape_html(&row.kind),
    );
    if !row.variant.is_empty() {
        let _ = write!(html, "<span class=\"badge\">{}</span>", escape_html(&row.variant));
    }
    html.push_str("</div>\n<dl class=\"facts\">");
    let key = if row.key.is_empty() { "–".to_string() } else { row.key.clone() };
    let brightness = if row.centroid_hz > 0.0 && row.centroid_hz.is_finite() {
        format!("{} · {:.0} Hz", row.brightness, row.centroid_hz)
    } else {
        row.brightness.clone()
    };
    for (term, value, title) in [
        ("key", key.as_str(), ""),
        ("brightness", brightness.as_str(), "spectral centroid"),
        ("length", &format_seconds(row.duration_sec), ""),
        ("source", source, row.source.as_str()),
    ] {
        let _ = write!(html, "<dt>{term}</dt><dd title=\"{}\">{}</dd>", escape_html(title), escape_html(value));
    }
    let _ = write!(
        html,
        "</dl>\n<audio controls preload=\"none\" src=\"{}\"></audio>\n</article>\n",
        escape_html(&url_path(&row.filename))
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(filename: &str, source: &str) -> ManifestRow {
        ManifestRow {
            filename: filename.into(),
            source: source.into(),
            kind: "pad".into(),
            variant: "loop".into(),
            duration_sec: 8.0,
            centroid_hz: 812.0,
            brightness: "dark".into(),
            key: "D minor".into(),
            grade: "A".into(),
            saved: true,
            ..Default::default()
        }
    }

    #[test]
    fn escaping_covers_markup_and_both_quotes() {
        assert_eq!(escape_html(r#"<a href="x">'&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
        assert_eq!(escape_html("F# minor · 8 s"), "F# minor · 8 s");
    }

    #[test]
    fn url_paths_keep_separators_and_encode_the_rest() {
        assert_eq!(url_path("a b/c#1?.wav"), "a%20b/c%231%3F.wav");
        assert_eq!(url_path("x\\y%.wav"), "x/y%25.wav");
        assert_eq!(url_path("dé.wav"), "d%C3%A9.wav");
    }

    #[test]
    fn manifest_strings_never_reach_the_page_raw() {
        let evil = row("s/pads/<img src=x onerror=alert(1)>.wav", "/music/\"><script>alert(2)</script>.wav");
        let mut evil = evil;
        evil.grade_reasons = "</dd><script>x</script>".into();
        evil.variant = "' onmouseover='y".into();
        evil.kind = "<kind>".into();
        evil.key = "\"Ckey\"".into();
        let cards = [Card { row: &evil, thumbnail: Some("gallery/s/pads/<x>.png") }];
        let html = render_page(&Page { title: "<pack>", cards: &cards, num_unsaved: 0 });
        for raw in ["<img src=x", "<script>alert", "<script>x", "' onmouseover", "<kind>", "<pack>", "\"Ckey\""] {
            assert!(!html.contains(raw), "{raw} reached the page");
        }
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        // Exactly the page's own two scripts.
        assert_eq!(html.matches("<script>").count(), 2);
    }

    #[test]
    fn every_card_has_its_thumbnail_and_player_and_nothing_is_fetched() {
        let rows = [row("a/pads/one.wav", "/m/one.wav"), row("a/pads/two.wav", "C:\\m\\two.flac")];
        let cards = [Card { row: &rows[0], thumbnail: Some("gallery/a/pads/one.png") }, Card { row: &rows[1], thumbnail: None }];
        let html = render_page(&Page { title: "export", cards: &cards, num_unsaved: 3 });
        assert_eq!(html.matches("<article class=\"card\"").count(), 2);
        assert_eq!(html.matches("<audio controls preload=\"none\" src=\"a/pads/").count(), 2);
        assert!(html.contains(&format!("<img src=\"gallery/a/pads/one.png\" width=\"{THUMB_WIDTH_PX}\"")));
        assert!(html.contains("no preview"));
        assert!(html.contains(">two.flac</dd>"), "source shown by its file name");
        assert!(html.contains("2 files · 16.0 s of audio · 3 listed in the manifest but not written"));
        assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("//cdn"));
    }

    #[test]
    fn lengths_read_naturally() {
        assert_eq!(format_seconds(0.434), "0.43 s");
        assert_eq!(format_seconds(42.26), "42.3 s");
        assert_eq!(format_seconds(245.0), "4 min 05 s");
        assert_eq!(format_seconds(2300.4), "38 min 20 s");
        assert_eq!(format_seconds(7320.0), "2 h 02 min");
        assert_eq!(format_seconds(f64::NAN), "0.00 s");
    }

    #[test]
    fn keys_and_kinds_sort_musically() {
        assert!(key_rank("C major") < key_rank("C minor"));
        assert!(key_rank("C minor") < key_rank("F# minor"));
        assert!(key_rank("B minor") < key_rank(""));
        assert!(kind_rank("pad") < kind_rank("cloud"));
        assert!(kind_rank("roomtone") < kind_rank("mystery"));
    }
}
