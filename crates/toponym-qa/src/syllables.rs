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
///
/// Positions from which no split reaches the end are remembered, so a long word that
/// cannot be split (untrusted input: `aaaa…x`) costs O(length × 7) instead of exponential
/// backtracking; with the `limit`, the whole search is O(length × 7 × limit).
pub fn splits(w: &str, limit: usize) -> Vec<Vec<usize>> {
    struct Search<'a> {
        w: &'a str,
        limit: usize,
        dead: Vec<bool>,
        cur: Vec<usize>,
        out: Vec<Vec<usize>>,
    }
    fn go(s: &mut Search<'_>, at: usize) {
        if s.out.len() >= s.limit || s.dead[at] {
            return;
        }
        if at == s.w.len() {
            s.out.push(s.cur.clone());
            return;
        }
        let before = s.out.len();
        for end in (at + 1..=s.w.len().min(at + 7)).rev() {
            if !s.w.is_char_boundary(end) || !is_syllable(&s.w[at..end]) {
                continue;
            }
            if at > 0 {
                s.cur.push(at);
            }
            go(s, end);
            if at > 0 {
                s.cur.pop();
            }
        }
        if s.out.len() == before {
            s.dead[at] = true;
        }
    }
    let mut s = Search {
        w,
        limit,
        dead: vec![false; w.len() + 1],
        cur: Vec::new(),
        out: Vec::new(),
    };
    go(&mut s, 0);
    s.out
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
    /// Toneless lower-case ASCII letters, ü written as `v` (one byte a letter), an erhua `r`
    /// included.
    pub plain: &'a str,
    /// How many tone-marked letters it has.
    pub marks: u8,
    /// Index (in `plain`) of its first tone-marked letter.
    pub mark_at: Option<usize>,
    /// Whether it starts its word part (at the start of the word or after an apostrophe).
    pub first: bool,
    /// A syllable plus erhua `r` (pénr): it stands for two characters (盆儿).
    pub erhua: bool,
}

/// The longest word [`cover`] reads, in letters.
const MAX_WORD: usize = 96;

/// The syllable table as a trie over the letters a–z and v (= ü), for [`cover`]: a word is
/// split by walking it from each position instead of hashing every substring.
struct Trie {
    /// Children by letter (0 = none), and whether a syllable ends at the node.
    nodes: Vec<([u16; 26], bool)>,
}

fn trie() -> &'static Trie {
    static T: OnceLock<Trie> = OnceLock::new();
    T.get_or_init(|| {
        let mut nodes = vec![([0u16; 26], false)];
        // A bare r is always the erhua of the syllable before it (pénr), never its own; the
        // vowel-less interjections (嗯 n, 呣 m, 哼 hng) are no place-name syllables and would
        // only split words wrongly (xia|n).
        for syl in table()
            .iter()
            .filter(|s| !matches!(**s, "r" | "n" | "m" | "ng" | "hm" | "hng"))
        {
            let mut at = 0usize;
            for c in syl.chars() {
                let k = match c {
                    'ü' => usize::from(b'v' - b'a'),
                    'a'..='z' => usize::from(c as u8 - b'a'),
                    _ => unreachable!("the syllable table holds a-z and ü"),
                };
                if nodes[at].0[k] == 0 {
                    nodes.push(([0u16; 26], false));
                    nodes[at].0[k] = (nodes.len() - 1) as u16;
                }
                at = usize::from(nodes[at].0[k]);
            }
            nodes[at].1 = true;
        }
        Trie { nodes }
    })
}

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
        let lower = if b.is_ascii() {
            b.to_ascii_lowercase()
        } else {
            b.to_lowercase().next()?
        };
        let byte = match lower {
            'a'..='z' => lower as u8,
            'ü' => b'v',
            _ => return None,
        };
        if len == MAX_WORD {
            return None;
        }
        marked[len] = lower != c.to_lowercase().next().unwrap_or(c);
        plain[len] = byte;
        len += 1;
    }
    if len == 0 {
        return None;
    }
    // Only a-z were written, so this cannot fail.
    let text = std::str::from_utf8(&plain[..len]).ok()?;
    let nodes = &trie().nodes;
    const NONE: u8 = u8::MAX;
    let mut lo = [NONE; MAX_WORD + 1];
    let mut hi = [0u8; MAX_WORD + 1];
    lo[0] = 0;
    for i in 0..len {
        if lo[i] == NONE {
            continue;
        }
        let mut node = 0usize;
        let mut marks = 0u8;
        let mut mark_at = None;
        for j in i..len {
            if j > i && forced[j] {
                break;
            }
            let next = nodes[node].0[usize::from(plain[j] - b'a')];
            if next == 0 {
                break;
            }
            node = usize::from(next);
            if marked[j] {
                marks += 1;
                mark_at.get_or_insert(j - i);
            }
            if !nodes[node].1 {
                continue;
            }
            let try_end = |end: usize, erhua: bool, lo: &mut [u8], hi: &mut [u8]| {
                let cand = Cand {
                    plain: &text[i..end],
                    marks,
                    mark_at,
                    first: i == 0 || forced[i],
                    erhua,
                };
                if ok(&cand) {
                    let n = 1 + u8::from(erhua);
                    lo[end] = lo[end].min(lo[i].saturating_add(n));
                    hi[end] = hi[end].max(hi[i].saturating_add(n));
                }
            };
            try_end(j + 1, false, &mut lo, &mut hi);
            // Erhua: the syllable plus r (not e + r, which is the syllable er).
            if j + 1 < len && plain[j + 1] == b'r' && !forced[j + 1] && &text[i..=j] != "e" {
                try_end(j + 2, true, &mut lo, &mut hi);
            }
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
    fn an_unsplittable_long_word_is_cheap() {
        // "xian" × 40 then "q": every "xian" splits as xian or xi|an, so a search without
        // memory tries 2^40 prefixes before it finds that "q" ends none of them.
        let w = format!("{}q", "xian".repeat(40));
        assert!(splits(&w, 64).is_empty());
        // The same word without the "q" has more than 64 splits: the limit holds.
        assert_eq!(splits(&"xian".repeat(40), 64).len(), 64);
        assert!(splits(&format!("{}x", "a".repeat(4000)), 64).is_empty());
    }

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
