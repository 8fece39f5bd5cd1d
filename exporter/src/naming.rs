//! Output names: source slugs and file names that are safe on every file system and sampler.
//!
//! Names derived from source files never contain path separators, `..`, control characters or
//! anything outside printable ASCII; an empty result falls back to a fixed word. Collisions are
//! resolved by the caller through [`UniqueNames`].

use std::collections::HashSet;

/// The longest slug kept from a source name, characters.
pub const MAX_SLUG_CHARS: usize = 40;

/// Turns any string into a lower-case ASCII slug of `[a-z0-9_-]`, words joined by `_`.
///
/// Accented Latin letters lose their accents; anything else becomes a separator. Returns
/// `fallback` when nothing printable is left.
pub fn slugify(name: &str, fallback: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending_sep = false;
    for ch in name.chars() {
        let mapped = fold_to_ascii(ch);
        match mapped {
            Some(c) if c.is_ascii_alphanumeric() => {
                if pending_sep && !out.is_empty() {
                    out.push('_');
                }
                pending_sep = false;
                out.push(c.to_ascii_lowercase());
            }
            Some('-') if !out.is_empty() => {
                pending_sep = false;
                out.push('-');
            }
            _ => pending_sep = true,
        }
        if out.len() >= MAX_SLUG_CHARS {
            break;
        }
    }
    let trimmed = out.trim_matches(|c| c == '_' || c == '-');
    if trimmed.is_empty() { fallback.to_string() } else { trimmed.to_string() }
}

/// Folds common accented Latin letters to their base letter; other non-ASCII characters give `None`.
fn fold_to_ascii(ch: char) -> Option<char> {
    if ch.is_ascii() {
        return if ch.is_ascii_control() { None } else { Some(ch) };
    }
    let base = match ch {
        'à'..='å' | 'À'..='Å' => 'a',
        'ç' | 'Ç' => 'c',
        'è'..='ë' | 'È'..='Ë' => 'e',
        'ì'..='ï' | 'Ì'..='Ï' => 'i',
        'ñ' | 'Ñ' => 'n',
        'ò'..='ö' | 'ø' | 'Ò'..='Ö' | 'Ø' => 'o',
        'ù'..='ü' | 'Ù'..='Ü' => 'u',
        'ý' | 'ÿ' | 'Ý' => 'y',
        'ß' => 's',
        _ => return None,
    };
    Some(base)
}

/// Hands out names that are unique within one scope (a folder), case-insensitively, by appending
/// `_2`, `_3`, ... to repeats.
#[derive(Debug, Default)]
pub struct UniqueNames {
    taken: HashSet<String>,
}

impl UniqueNames {
    /// Returns `base` or the first free `base_N`, and reserves it.
    pub fn claim(&mut self, base: &str) -> String {
        let mut candidate = base.to_string();
        let mut n = 2;
        while !self.taken.insert(candidate.to_ascii_lowercase()) {
            candidate = format!("{base}_{n}");
            n += 1;
        }
        candidate
    }
}

/// A short upper-case name for samplers with small displays (the TR-8S shows about 8-12 characters):
/// `<kind letter><source number><index>`, e.g. `P03A` for the first pad of source 3.
pub fn short_name(kind_letter: char, source_index: usize, item_index: usize) -> String {
    let item = if item_index < 26 {
        char::from(b'A' + item_index as u8).to_string()
    } else {
        format!("{item_index}")
    };
    format!("{}{:02}{}", kind_letter.to_ascii_uppercase(), source_index + 1, item)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_safe_ascii() {
        assert_eq!(slugify("01 Evening Pad (D minor).wav", "x"), "01_evening_pad_d_minor_wav");
        assert_eq!(slugify("../../etc/passwd", "x"), "etc_passwd");
        assert_eq!(slugify("Café Über-Mix", "x"), "cafe_uber-mix");
        assert_eq!(slugify("\u{7}\u{1b}[31m", "x"), "31m");
        assert_eq!(slugify("日本語", "source"), "source");
        assert_eq!(slugify("", "source"), "source");
        let long = "a".repeat(200);
        assert_eq!(slugify(&long, "x").len(), MAX_SLUG_CHARS);
    }

    #[test]
    fn unique_names_never_collide() {
        let mut names = UniqueNames::default();
        assert_eq!(names.claim("pad"), "pad");
        assert_eq!(names.claim("PAD"), "PAD_2");
        assert_eq!(names.claim("pad"), "pad_3");
    }

    #[test]
    fn short_names_fit_small_displays() {
        assert_eq!(short_name('p', 2, 0), "P03A");
        assert!(short_name('c', 98, 30).len() <= 8);
    }
}
