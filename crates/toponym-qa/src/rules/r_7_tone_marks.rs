//! R-7 (ERROR, record): tone marks (romanization.md R9).
//!
//! 1. Valid: at most one mark a syllable, placed by R9: on a or e when present, on the o of
//!    ou, otherwise on the last vowel (iu → u, ui → i). A word passes when some split of it
//!    into pinyin syllables places every mark right ("Beǐjīng" has none: the mark belongs
//!    on e).
//! 2. Consistent across the record: 罗马字母拼写 and 通名罗马字母拼写 are both toned or both
//!    toneless (toneless is allowed in special settings, R9; all-capital sign forms count
//!    as either). In a toned form every syllable carries a mark except a neutral-tone one
//!    (the list of schemas/qa/params/R-7.json: 胡同 Hútong, 堡子 bǎozi), so "Běijing Shì"
//!    (half-toned) is reported; a word the romanisation engine itself writes that way (a
//!    transliterated specific such as Bayannur) is accepted.
//!
//! The catalogue's "toneless form only in roman_key": no template has a roman_key field
//! (the store derives the search key), so there is nothing more to check. Words that are not
//! pinyin (digits, codes, transliterations such as Ürümqi) are skipped, as are
//! minority-language names.

use rustc_hash::FxHashSet;
use serde::Deserialize;
use toponym_core::Severity;
use toponym_romanise::Outcome;

use crate::romanised::{fold, with_default};
use crate::rule::Prepared;
use crate::syllables::{cover, tone_marks, Cand};
use crate::text::roman_words;
use crate::{msg, Check, Out, Prep, RecordCtx, Rule, Stage};

pub(crate) static RULE: Rule = Rule {
    id: "R-7",
    severity: Severity::Error,
    stage: Stage::Record,
    basis: "std (R9)",
    title_zh: "声调符号",
    title_en: "Tone marks",
    checks: "fields.roman and fields.roman_generic: every pinyin word splits into syllables with at most one tone mark each, placed by R9 (a/e, the o of ou, else the last vowel); both fields toned or both toneless; in a toned field every syllable is marked except the neutral-tone syllables of the parameter file, or a word the romanisation engine writes the same way. Minority-language names and non-pinyin words are skipped.",
    prepare: Some(prepare),
    check: Check::Record(check),
};

#[derive(Deserialize)]
struct Params {
    neutral_syllables: Vec<String>,
}

struct Neutral(FxHashSet<String>);

fn prepare(v: &serde_json::Value) -> Result<Prepared, String> {
    let p = Params::deserialize(v).map_err(|e| e.to_string())?;
    Ok(Box::new(Neutral(p.neutral_syllables.into_iter().collect())))
}

/// Whether the syllable's tone mark (if any) sits where R9 puts it.
pub(crate) fn placement_ok(c: &Cand<'_>) -> bool {
    let Some(at) = c.mark_at else { return true };
    if c.marks > 1 {
        return false;
    }
    let base = if c.erhua {
        &c.plain[..c.plain.len() - 1]
    } else {
        c.plain
    };
    // `plain` is ASCII (ü written v): byte offsets are letter indexes.
    let idx = |b: usize| b;
    let expected = if let Some(b) = base.find('a') {
        Some(idx(b))
    } else if let Some(b) = base.find('e') {
        Some(idx(b))
    } else if let Some(b) = base.find("ou") {
        Some(idx(b))
    } else {
        base.char_indices()
            .rev()
            .find(|(_, ch)| matches!(ch, 'i' | 'o' | 'u' | 'v'))
            .map(|(b, _)| idx(b))
    };
    // A syllable without a vowel (m, n, ng, hm) carries its mark on the consonant.
    expected.is_none_or(|e| e == at)
}

enum Problem {
    Invalid(String),
    HalfToned(String),
}

fn word_problem(w: &str, toned: bool, neutral: &Neutral) -> Option<Problem> {
    let neutral_ok = |c: &Cand<'_>| {
        c.marks == 1 || {
            let b = if c.erhua { &c.plain[..c.plain.len() - 1] } else { c.plain };
            neutral.0.contains(b)
        }
    };
    // The common case first: one pass accepts a well-toned (or toneless) word.
    if cover(w, |c| c.marks <= 1 && placement_ok(c) && (!toned || neutral_ok(c))).is_some() {
        return None;
    }
    // Not a pinyin word at all: not ours.
    cover(w, |c| c.marks <= 1)?;
    if cover(w, |c| c.marks <= 1 && placement_ok(c)).is_none() {
        return Some(Problem::Invalid(w.to_owned()));
    }
    toned.then(|| Problem::HalfToned(w.to_owned()))
}

fn check(cx: &RecordCtx<'_>, p: &Prep<'_>, out: &mut Out<'_>) {
    if crate::romanised::minority_language(cx).is_some() {
        return;
    }
    let neutral = p.get::<Neutral>();
    let fields = [("roman", cx.text("roman")), ("roman_generic", cx.text("roman_generic"))];
    let mut toned = [false; 2];
    let letters = |s: Option<&str>| s.is_some_and(|s| s.chars().any(|c| c.is_alphabetic()));
    for (k, (key, s)) in fields.into_iter().enumerate() {
        let Some(s) = s else { continue };
        let t = tone_marks(s) > 0;
        toned[k] = t;
        for w in roman_words(s) {
            match word_problem(w, t, neutral) {
                None => {}
                Some(Problem::Invalid(w)) => {
                    out.emit(
                        format!("fields.{key}"),
                        msg(
                            "roman.tone_placement",
                            format!("“{s}”中“{w}”的声调符号位置不对：每个音节至多一个调号，标在 a 或 e 上，ou 标在 o 上，其余标在最后一个元音上（R9）"),
                            format!("\"{s}\": the tone marks of \"{w}\" are misplaced: at most one a syllable, on a or e, on the o of ou, otherwise on the last vowel (R9)"),
                        )
                        .with("value", s)
                        .with("word", w.as_str()),
                    );
                    break;
                }
                Some(Problem::HalfToned(w)) => {
                    if generator_writes(cx, &w) {
                        continue;
                    }
                    out.emit(
                        format!("fields.{key}"),
                        msg(
                            "roman.tone_partial",
                            format!("“{s}”中“{w}”有音节未标调：带调拼写中每个音节都标调（轻声除外），或整体不标调（R9）"),
                            format!("\"{s}\": \"{w}\" has a syllable without a tone mark: in a toned romanisation every syllable is marked (except neutral tone), or none is (R9)"),
                        )
                        .with("value", s)
                        .with("word", w.as_str()),
                    );
                    break;
                }
            }
        }
    }
    let (r, g) = (fields[0].1, fields[1].1);
    if toned[0] != toned[1] && letters(r) && letters(g) {
        let (r, g) = (r.unwrap_or(""), g.unwrap_or(""));
        out.emit(
            "fields.roman_generic",
            msg(
                "roman.tone_inconsistent",
                format!("罗马字母拼写“{r}”与通名罗马字母拼写“{g}”应同样带调或同样不带调"),
                format!("romanisation \"{r}\" and romanised generic \"{g}\" must both carry tone marks or both not"),
            )
            .with("value", g)
            .with("roman", r),
        );
    }
}

/// Whether the generator writes this word in the same way (tones included).
fn generator_writes(cx: &RecordCtx<'_>, w: &str) -> bool {
    with_default(cx, |_, o| match o {
        Outcome::Romanised { roman, .. } => {
            roman_words(roman).any(|e| fold(e, true).eq(fold(w, true)))
        }
        _ => false,
    })
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use crate::testkit::{findings, record};
    use serde_json::json;

    fn codes(template: &str, fields: serde_json::Value) -> Vec<String> {
        findings("R-7", &record(template, fields, None))
            .into_iter()
            .map(|f| f.message.code)
            .collect()
    }

    fn roman(name: &str, roman: &str) -> Vec<String> {
        codes("admin.prefecture", json!({"standard_name": name, "roman": roman}))
    }

    #[test]
    fn placement() {
        assert_eq!(roman("北京市", "Beǐjīng Shì"), ["roman.tone_placement"]);
        assert!(roman("北京市", "Běijīng Shì").is_empty());
        assert_eq!(roman("六盘水市", "Lìupánshuǐ Shì"), ["roman.tone_placement"]);
        assert!(roman("六盘水市", "Liùpánshuǐ Shì").is_empty());
        assert!(roman("贵阳市", "Guìyáng Shì").is_empty());
        assert!(roman("北京市", "BĚIJĪNG SHÌ").is_empty());
    }

    #[test]
    fn consistency() {
        assert_eq!(roman("北京市", "Běijing Shì"), ["roman.tone_partial"]);
        assert!(roman("北京市", "Beijing Shi").is_empty());
        // Near miss: a neutral-tone syllable (1984 example 胡同 Hútong).
        let f = json!({"standard_name": "门框胡同", "roman": "Ménkuàng Hútong", "roman_generic": "Hútong"});
        assert!(codes("transport.street_lane", f).is_empty());
        let f = json!({"standard_name": "南京路", "roman": "Nánjīng Lù", "roman_generic": "Lu"});
        assert_eq!(codes("transport.urban_road", f), ["roman.tone_inconsistent"]);
        // The generator's own transliterated specific is toneless.
        assert!(roman("巴彦淖尔市", "Bayannur Shì").is_empty());
    }
}
