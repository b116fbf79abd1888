//! Splitting romanised words into pinyin syllables (R-5, R-6), with the syllable list of
//! `schemas/qa/tables/pinyin-syllables.txt`.

use std::sync::OnceLock;

use rustc_hash::FxHashSet;

fn table() -> &'static FxHashSet<&'static str> {
    static T: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    T.get_or_init(|| {
        include_str!("../../../schemas/qa/tables/pinyin-syllables.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect()
    })
}

/// Whether a toneless lower-case text is one syllable (erhua `r` counts as part of it).
pub fn is_syllable(s: &str) -> bool {
    table().contains(s) || s.strip_suffix('r').is_some_and(|b| table().contains(b)) || s == "r"
}

/// The toneless lower-case form of a word (ü kept).
pub fn toneless(w: &str) -> String {
    let mut out = String::with_capacity(w.len());
    toponym_romanise::syllable::strip_tones(w, &mut out);
    out.to_lowercase()
}

/// Every way to split `w` (toneless, lower case, no apostrophes) into syllables, as the
/// byte offsets where syllables start (after the first); at most `limit` splits.
pub fn splits(w: &str, limit: usize) -> Vec<Vec<usize>> {
    fn go(w: &str, at: usize, cur: &mut Vec<usize>, out: &mut Vec<Vec<usize>>, limit: usize) {
        if out.len() >= limit {
            return;
        }
        if at == w.len() {
            out.push(cur.clone());
            return;
        }
        for end in (at + 1..=w.len().min(at + 7)).rev() {
            if !w.is_char_boundary(end) || !is_syllable(&w[at..end]) {
                continue;
            }
            if at > 0 {
                cur.push(at);
            }
            go(w, end, cur, out, limit);
            if at > 0 {
                cur.pop();
            }
        }
    }
    let mut out = Vec::new();
    go(w, 0, &mut Vec::new(), &mut out, limit);
    out
}

/// Tone-marked vowels in a word (one per toned syllable).
pub fn tone_marks(w: &str) -> usize {
    w.chars()
        .filter(|&c| toponym_romanise::syllable::base_letter(c) != c && c.is_alphabetic())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_a_word() {
        assert!(splits("taian", 16).contains(&vec![3]));
        assert!(splits("xian", 16).contains(&vec![]));
        assert!(splits("xian", 16).contains(&vec![2]));
        assert!(splits("qqq", 16).is_empty());
    }
}
