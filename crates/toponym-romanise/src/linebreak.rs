//! R13: breaking a romanised name across lines (printed gazetteers, sign layouts). A line may
//! break only between syllables, and the broken line ends with a hyphen; a break at a space
//! needs no hyphen.
//!
//! The toned string is split into syllables with the inventory of known syllables. A syllable
//! that starts with a, o or e can only begin a word or follow an apostrophe (R11), which makes
//! the split unambiguous (Fángē = fán|gē, Fáng'ē = fáng|ē).

use rustc_hash::FxHashSet;

use crate::syllable;

/// Syllable boundaries (char indices into `word`) of one written word, or None if the word is
/// not a sequence of known syllables (a literal, a transliteration).
fn split_word(word: &[char], plain: &FxHashSet<String>) -> Option<Vec<usize>> {
    fn go(w: &[char], p: usize, plain: &FxHashSet<String>, out: &mut Vec<usize>) -> bool {
        if p == w.len() {
            return true;
        }
        // Digits, hyphens and apostrophes are their own units.
        if w[p].is_ascii_digit() {
            let mut q = p;
            while q < w.len() && w[q].is_ascii_digit() {
                q += 1;
            }
            out.push(q);
            return go(w, q, plain, out) || {
                out.pop();
                false
            };
        }
        let after_mark = p > 0 && matches!(w[p - 1], '\'' | '’' | '-');
        if matches!(w[p], '\'' | '’' | '-') {
            return go(w, p + 1, plain, out);
        }
        for len in (1..=6).rev() {
            if p + len > w.len() {
                continue;
            }
            let s: String = w[p..p + len]
                .iter()
                .map(|&c| syllable::base_letter(c))
                .flat_map(char::to_lowercase)
                .collect();
            // Erhua: a bare r closes the previous syllable and is not a syllable of its own.
            let erhua = s == "r" && p > 0 && (p + 1 == w.len() || !w[p + 1].is_alphabetic());
            if !erhua && !plain.contains(&s) {
                continue;
            }
            let vowel_start = matches!(s.chars().next(), Some('a' | 'o' | 'e'));
            if vowel_start && p > 0 && !after_mark {
                continue;
            }
            if erhua {
                if let Some(n) = out.len().checked_sub(1) {
                    out[n] = p + 1;
                    if go(w, p + 1, plain, out) {
                        return true;
                    }
                    out.truncate(n + 1);
                    out[n] = p;
                }
                continue;
            }
            out.push(p + len);
            if go(w, p + len, plain, out) {
                return true;
            }
            out.pop();
        }
        false
    }
    let mut out = Vec::new();
    go(word, 0, plain, &mut out).then_some(out)
}

/// Break `roman` into lines of at most `width` characters (R13). Words longer than a line are
/// broken between syllables with a trailing hyphen; a word that cannot be split stays whole.
pub(crate) fn break_lines(roman: &str, width: usize, plain: &FxHashSet<String>) -> Vec<String> {
    let width = width.max(2);
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut cur_len = 0usize;
    for word in roman.split(' ').filter(|w| !w.is_empty()) {
        let chars: Vec<char> = word.chars().collect();
        let sep = usize::from(cur_len > 0);
        if cur_len + sep + chars.len() <= width {
            if sep == 1 {
                cur.push(' ');
            }
            cur.push_str(word);
            cur_len += sep + chars.len();
            continue;
        }
        if cur_len > 0 && chars.len() <= width {
            lines.push(std::mem::take(&mut cur));
            cur.push_str(word);
            cur_len = chars.len();
            continue;
        }
        // The word must be broken: fill the current line syllable by syllable.
        let bounds = split_word(&chars, plain).unwrap_or_else(|| vec![chars.len()]);
        let mut start = 0;
        for (i, &end) in bounds.iter().enumerate() {
            let piece_len = end - start;
            let is_last = i + 1 == bounds.len();
            let sep = usize::from(cur_len > 0 && start == 0);
            let fits = cur_len + sep + piece_len + usize::from(!is_last) <= width;
            if !fits && cur_len > 0 {
                if start > 0 && !cur.ends_with('-') {
                    cur.push('-');
                }
                lines.push(std::mem::take(&mut cur));
                cur_len = 0;
            }
            if cur_len > 0 && start == 0 {
                cur.push(' ');
                cur_len += 1;
            }
            let mut piece: String = chars[start..end].iter().collect();
            if cur_len == 0 && start > 0 {
                piece = piece.trim_start_matches(['\'', '’']).to_string();
            }
            cur_len += piece.chars().count();
            cur.push_str(&piece);
            start = end;
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}
