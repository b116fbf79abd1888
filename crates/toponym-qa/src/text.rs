//! Text helpers shared by the name and romanisation rules.

/// Whether `c` is a Han character (CJK Unified Ideographs, extensions A–I, compatibility
/// ideographs, and 〇).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3007
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0x20000..=0x2A6DF
        | 0x2A700..=0x2EE5F
        | 0x2F800..=0x2FA1F
        | 0x30000..=0x323AF)
}

/// The Han characters of a name.
pub fn han_chars(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().filter(|&c| is_han(c))
}

/// The words of a romanised name: split on spaces and hyphens.
pub fn roman_words(s: &str) -> impl Iterator<Item = &str> {
    s.split([' ', '-']).filter(|w| !w.is_empty())
}
