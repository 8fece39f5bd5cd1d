//! File names for a device's screen: short, ASCII letters, digits, `_` and `-` only, and still
//! telling: `<kind letter><source number><item>` then the key (tonal files) or the drum class
//! (one-shots), e.g. `P03A_Fsmin`, `K01C_kick`, `H02A`.

use crate::naming::short_name;
use crate::kind::Kind;

/// Room kept for the `_N` that makes a repeated name unique.
const UNIQUE_SUFFIX_CHARS: usize = 3;

/// The name (without `.wav`) of item `item_index` of `kind` from source `source_index`, at most
/// `max_chars - 3` characters so a uniqueness suffix still fits. `tag` is the key's short name or
/// the one-shot's class; dropped when it does not fit.
pub fn device_name(max_chars: usize, kind: Kind, source_index: usize, item_index: usize, tag: Option<&str>) -> String {
    let budget = max_chars.saturating_sub(UNIQUE_SUFFIX_CHARS).max(4);
    let mut name = short_name(kind.letter(), source_index, item_index);
    if let Some(tag) = tag {
        let tag: String = tag.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
        if !tag.is_empty() && name.len() + 1 + tag.len() <= budget {
            name.push('_');
            name.push_str(&tag);
        }
    }
    name.truncate(budget);
    name
}

/// Whether `name` is a device-safe name of at most `max_chars` characters.
pub fn is_device_safe(name: &str, max_chars: usize) -> bool {
    !name.is_empty() && name.len() <= max_chars && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_kind_source_item_and_tag_within_the_limit() {
        assert_eq!(device_name(16, Kind::Pad, 2, 0, Some("Fsmin")), "P03A_Fsmin");
        assert_eq!(device_name(16, Kind::OneShot, 0, 2, Some("kick")), "K01C_kick");
        assert_eq!(device_name(16, Kind::Hiss, 1, 0, None), "H02A");
        // A tag that does not fit is dropped, never cut in half.
        assert_eq!(device_name(8, Kind::Pad, 2, 0, Some("Fsmin")), "P03A");
        for max in [8, 12, 16, 20, 23, 24, 48] {
            let name = device_name(max, Kind::Drone, 98, 40, Some("A#maj/?"));
            assert!(is_device_safe(&name, max - UNIQUE_SUFFIX_CHARS), "{name} for {max}");
        }
    }
}
