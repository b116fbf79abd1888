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

/// One candidate syllable of a word, as [`cover`] offers it to its filter.
#[derive(Debug, Clone, Copy)]
pub struct Cand<'a> {
    /// Toneless lower-case letters (ü kept), an erhua `r` included.
    pub plain: &'a str,
    /// How many tone-marked letters it has.
    pub marks: u8,
    /// Character index (in `plain`) of its first tone-marked letter.
    pub mark_at: Option<usize>,
    /// Whether it starts its word part (at the start of the word or after an apostrophe).
    pub first: bool,
    /// A syllable plus erhua `r` (pénr): it stands for two characters (盆儿).
    pub erhua: bool,
}

/// The longest word [`cover`] reads, in bytes of its toneless form.
const MAX_WORD: usize = 96;

/// How many Han characters a romanised word can stand for, as (fewest, most), over the
/// splits into pinyin syllables that `ok` accepts: a syllable stands for one character,
/// an erhua syllable (pénr) for two; an apostrophe forces a syllable boundary. `None` when
/// the word is not pinyin (digits, letters outside pinyin, too long) or no split is accepted.
/// Allocation-free.
pub fn cover(word: &str, ok: impl Fn(&Cand<'_>) -> bool) -> Option<(u8, u8)> {
    let mut plain = [0u8; MAX_WORD];
    let mut marked = [false; MAX_WORD];
    let mut forced = [false; MAX_WORD + 1];
    let mut len = 0;
    for c in word.chars() {
        if c == '\'' || c == '’' {
            forced[len] = true;
            continue;
        }
        let b = toponym_romanise::syllable::base_letter(c);
        let b = if b.is_ascii() {
            b.to_ascii_lowercase()
        } else {
            b.to_lowercase().next()?
        };
        if !(b.is_ascii_lowercase() || b == 'ü') || len + b.len_utf8() > MAX_WORD {
            return None;
        }
        marked[len] = b != c.to_lowercase().next().unwrap_or(c);
        len += b.encode_utf8(&mut plain[len..]).len();
    }
    if len == 0 {
        return None;
    }
    let text = std::str::from_utf8(&plain[..len]).ok()?;
    const NONE: u8 = u8::MAX;
    let mut lo = [NONE; MAX_WORD + 1];
    let mut hi = [0u8; MAX_WORD + 1];
    lo[0] = 0;
    for i in 0..len {
        if lo[i] == NONE || !text.is_char_boundary(i) {
            continue;
        }
        for j in i + 1..=len.min(i + 8) {
            if !text.is_char_boundary(j) {
                continue;
            }
            if forced[i + 1..j].iter().any(|&f| f) {
                break;
            }
            let p = &text[i..j];
            // A bare r is always the erhua of the syllable before it (pénr), never its own;
            // the vowel-less interjections (嗯 n, 呣 m, 哼 hng) are no place-name syllables and
            // would only split words wrongly (xia|n).
            if matches!(p, "r" | "n" | "m" | "ng" | "hm" | "hng") || !is_syllable(p) {
                continue;
            }
            let marks = marked[i..j].iter().filter(|&&m| m).count() as u8;
            let mark_at = marked[i..j]
                .iter()
                .enumerate()
                .filter(|(k, _)| p.is_char_boundary(*k))
                .position(|(_, &m)| m);
            let erhua = p.len() > 1 && p.ends_with('r') && p != "er";
            let cand = Cand {
                plain: p,
                marks,
                mark_at,
                first: i == 0 || forced[i],
                erhua,
            };
            if !ok(&cand) {
                continue;
            }
            let n = 1 + u8::from(erhua);
            lo[j] = lo[j].min(lo[i].saturating_add(n));
            hi[j] = hi[j].max(hi[i].saturating_add(n));
        }
    }
    (lo[len] != NONE).then_some((lo[len], hi[len]))
}

/// [`cover`] of the splits that keep the apostrophe rule (no syllable inside a word part
/// starts with a, o or e) and put at most one tone mark on a syllable; if the word breaks
/// the apostrophe rule (R-5 reports it), of every split with at most one mark a syllable.
pub fn cover_plain(word: &str) -> Option<(u8, u8)> {
    cover(word, |c| {
        c.marks <= 1 && (c.first || !matches!(c.plain.as_bytes()[0], b'a' | b'o' | b'e'))
    })
    .or_else(|| cover(word, |c| c.marks <= 1))
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

    #[test]
    fn covers_a_word() {
        assert_eq!(cover_plain("Běijīng"), Some((2, 2)));
        assert_eq!(cover_plain("Xī'ān"), Some((2, 2)));
        assert_eq!(cover_plain("Xiān"), Some((1, 1)));
        assert_eq!(cover_plain("Pénr"), Some((2, 2)));
        assert_eq!(cover_plain("Tái'érzhuāng"), Some((3, 3)));
        assert_eq!(cover_plain("Hútong"), Some((2, 2)));
        assert_eq!(cover_plain("G104"), None);
        assert_eq!(cover_plain("Ürümqi"), None);
        // Toneless and ambiguous: fāng'àn would need an apostrophe, so fan|gan only.
        assert_eq!(cover_plain("fangan"), Some((2, 2)));
    }
}
