//! R-5 (ERROR, record): the apostrophe rule of romanization.md R11.
//!
//! Inside a word, a syllable that starts with a, o or e after another syllable needs an
//! apostrophe (Xī'ān, Tài'ān); an apostrophe never stands at the edge of a word or before
//! another letter. The syllables of a toned word are read from its tone marks (one per
//! syllable): "Tàiān" has two marks, so it must be tài|ān, and the boundary before ā is
//! missing its apostrophe. A toneless word is judged only when every split into syllables
//! puts a boundary before the same a/o/e.

use toponym_core::Severity;

use crate::syllables::{splits, tone_marks, toneless};
use crate::{msg, Check, Out, Prep, RecordCtx, Rule, Stage};

pub(crate) static RULE: Rule = Rule {
    id: "R-5",
    severity: Severity::Error,
    stage: Stage::Record,
    basis: "std (R11)",
    title_zh: "隔音符号",
    title_en: "Apostrophe rule",
    checks: "fields.roman: no apostrophe at a word's edge or before a letter other than a/o/e; a word whose syllables (from its tone marks, or from every possible split when toneless) put a/o/e after another syllable without an apostrophe.",
    prepare: None,
    check: Check::Record(check),
};

/// What is wrong with a word, if anything: (Chinese, English).
pub(crate) fn problem(word: &str) -> Option<(String, String)> {
    if word.starts_with('\'') || word.ends_with('\'') {
        return Some((
            format!("“{word}”的隔音符号位于词首或词尾"),
            format!("\"{word}\" has an apostrophe at the edge of the word"),
        ));
    }
    for (i, _) in word.match_indices('\'') {
        let next = word[i + 1..].chars().next().map(toponym_romanise::syllable::base_letter);
        if !matches!(next, Some('a' | 'o' | 'e' | 'A' | 'O' | 'E')) {
            return Some((
                format!("“{word}”的隔音符号只能用在 a、o、e 开头的音节前"),
                format!("\"{word}\": an apostrophe is used only before a syllable starting with a, o or e"),
            ));
        }
    }
    for part in word.split('\'') {
        let t = toneless(part);
        if t.chars().any(|c| !c.is_ascii_lowercase() && c != 'ü') {
            continue; // digits, letters outside pinyin: R-1's business
        }
        let marks = tone_marks(part);
        // Byte offsets (in `t`) of the tone-marked letters.
        let mut marked = Vec::new();
        let mut at = 0;
        for c in part.chars() {
            let b = toponym_romanise::syllable::base_letter(c);
            if b != c && c.is_alphabetic() {
                marked.push(at);
            }
            at += b.to_lowercase().map(char::len_utf8).sum::<usize>();
        }
        let one_mark_each = |s: &Vec<usize>| {
            let mut edges = vec![0];
            edges.extend(s.iter().copied());
            edges.push(t.len());
            edges
                .windows(2)
                .all(|w| marked.iter().filter(|&&m| m >= w[0] && m < w[1]).count() == 1)
        };
        let all = splits(&t, 64);
        let fitting: Vec<&Vec<usize>> = if marks > 1 {
            all.iter().filter(|s| s.len() + 1 == marks && one_mark_each(s)).collect()
        } else if marks == 1 {
            continue; // one toned syllable (or toned + neutral): no inner boundary known
        } else {
            all.iter().collect()
        };
        if fitting.is_empty() {
            continue;
        }
        let needs = |s: &Vec<usize>| -> Option<usize> {
            s.iter().copied().find(|&b| matches!(t.as_bytes()[b], b'a' | b'o' | b'e'))
        };
        if let Some(b) = fitting.iter().map(|s| needs(s)).reduce(|a, b| if a == b { a } else { None }).flatten() {
            // Letters map one to one onto the toneless form, so the boundary's character
            // index in `t` is its index in the written part.
            let n = t[..b].chars().count();
            let head: String = part.chars().take(n).collect();
            let tail: String = part.chars().skip(n).collect();
            return Some((
                format!("“{word}”缺少隔音符号：应写作 {head}'{tail}"),
                format!("\"{word}\" lacks an apostrophe: {head}'{tail}"),
            ));
        }
    }
    None
}

fn check(cx: &RecordCtx<'_>, _: &Prep<'_>, out: &mut Out<'_>) {
    for key in ["roman", "roman_generic"] {
        let Some(s) = cx.text(key) else { continue };
        for w in crate::text::roman_words(s) {
            if let Some((zh, en)) = problem(w) {
                out.emit(
                    format!("fields.{key}"),
                    msg("roman.apostrophe", zh, en).with("value", s).with("word", w),
                );
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::problem;
    use crate::testkit::{findings, record};
    use serde_json::json;

    #[test]
    fn words() {
        assert!(problem("Tàiān").is_some());
        assert!(problem("Xīān").is_some());
        assert!(problem("Dōngē").is_some());
        assert!(problem("Tài'ān").is_none());
        assert!(problem("Xiān").is_none());
        assert!(problem("Xī'").is_some());
        assert!(problem("Xī'níng").is_some());
        assert!(problem("Tàishān").is_none());
        assert!(problem("Běijīng").is_none());
    }

    #[test]
    fn on_a_record() {
        let bad = record("transport.urban_road", json!({"standard_name": "泰安路", "roman": "Tàiān Lù"}), None);
        assert_eq!(findings("R-5", &bad).len(), 1);
        let good = record("transport.urban_road", json!({"standard_name": "泰安路", "roman": "Tài'ān Lù"}), None);
        assert!(findings("R-5", &good).is_empty());
    }
}
