//! R-8 (ERROR, record): 通名罗马字母拼写 (`roman_generic`) is the romanised 通名.
//!
//! Two checks, the first that fails is reported:
//! 1. It spells the generic the romanisation engine finds for the record (the record's own
//!    通名 when 专名 + 通名 spell the name, else the template's generic dictionary): 通名 街
//!    with 通名拼写 "Lù" is wrong. Tones, case and apostrophes aside (R-2, R-7 judge those). A
//!    generic with a watch-list polyphone (堡 bǎo/bǔ/pù) may be read otherwise by hand, and is
//!    then left to R-4.
//! 2. It is the generic part of the record's own 罗马字母拼写: the same trailing words
//!    ("Nánjīng Lù" → "Lù"), or for a natural village written as one word (R3) the end of
//!    that word ("Zhāngzhuāng" → "Zhuāng"). Compared with tones only when both are toned.
//!
//! An empty 通名罗马字母拼写 is not reported (the field is optional in the templates).

use toponym_core::Severity;
use toponym_romanise::Outcome;

use crate::romanised::{fold, fold_rev, join_all, on_watch_list, with_default};
use crate::syllables::{cover_plain, tone_marks};
use crate::text::{is_han, roman_words};
use crate::{msg, Check, Out, Prep, RecordCtx, Rule, Stage};

pub(crate) static RULE: Rule = Rule {
    id: "R-8",
    severity: Severity::Error,
    stage: Stage::Record,
    basis: "census field",
    title_zh: "通名罗马字母拼写",
    title_en: "Romanised generic",
    checks: "fields.roman_generic, when filled: (1) spells the generic the romanisation engine finds for the record (its 通名, else the template's generic dictionary), tones, case and apostrophes aside, unless that generic holds a watch-list polyphone; (2) equals the trailing words of fields.roman (for a natural village joined by R3, the end of its one word).",
    prepare: None,
    check: Check::Record(check),
};

/// The engine's generic, when the record's differs from it.
fn engine_mismatch(cx: &RecordCtx<'_>, g: &str) -> Option<String> {
    with_default(cx, |req, o| {
        let Outcome::Romanised { roman_generic: eg, .. } = o else {
            return None;
        };
        if eg.is_empty() || fold(g, false).eq(fold(eg, false)) {
            return None;
        }
        // The generic's characters: the last as many Han characters as the engine's generic
        // stands for.
        let k: usize = roman_words(eg)
            .map(|w| cover_plain(w).map_or(0, |(lo, _)| usize::from(lo)))
            .sum();
        let hans = req.name.chars().filter(|&c| is_han(c));
        let total = hans.clone().count();
        if hans.skip(total.saturating_sub(k)).any(on_watch_list) {
            return None;
        }
        Some(eg.clone())
    })
    .flatten()
}

/// Whether `g` is the generic part at the end of `r`.
fn is_tail(g: &str, r: &str, inside_word: bool) -> bool {
    let tones = tone_marks(g) > 0 && tone_marks(r) > 0;
    let mut gi = fold_rev(g, tones);
    let mut ri = fold_rev(r, tones);
    for c in gi.by_ref() {
        if ri.next() != Some(c) {
            return false;
        }
    }
    inside_word || matches!(ri.next(), None | Some(' '))
}

fn check(cx: &RecordCtx<'_>, _: &Prep<'_>, out: &mut Out<'_>) {
    let Some(g) = cx.text("roman_generic") else { return };
    let generic = cx.text("generic_part").unwrap_or("");
    if crate::romanised::minority_language(cx).is_none() {
        if let Some(eg) = engine_mismatch(cx, g) {
            out.emit(
                "fields.roman_generic",
                msg(
                    "roman.generic_mismatch",
                    format!("通名罗马字母拼写“{g}”与通名{generic}的拼写“{eg}”不符"),
                    format!("romanised generic \"{g}\" does not spell the generic {generic} (\"{eg}\")"),
                )
                .with("value", g)
                .with("expected", eg),
            );
            return;
        }
    }
    let Some(r) = cx.text("roman") else { return };
    if !is_tail(g, r, join_all(&cx.template.id)) {
        out.emit(
            "fields.roman_generic",
            msg(
                "roman.generic_not_in_roman",
                format!("通名罗马字母拼写“{g}”不是罗马字母拼写“{r}”的通名部分"),
                format!("romanised generic \"{g}\" is not the generic part of the romanisation \"{r}\""),
            )
            .with("value", g)
            .with("roman", r),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::is_tail;
    use crate::testkit::{findings, record};
    use serde_json::json;

    fn codes(template: &str, fields: serde_json::Value) -> Vec<String> {
        findings("R-8", &record(template, fields, None))
            .into_iter()
            .map(|f| f.message.code)
            .collect()
    }

    #[test]
    fn tails() {
        assert!(is_tail("Lù", "Nánjīng Lù", false));
        assert!(is_tail("Lu", "Nánjīng Lù", false));
        assert!(!is_tail("Jiē", "Nánjīng Lù", false));
        assert!(!is_tail("Jiē", "Cháoyángménnèi Dàjiē", false));
        assert!(is_tail("Dàjiē", "Cháoyángménnèi Dàjiē", false));
        assert!(is_tail("Zhuāng", "Zhāngzhuāng", true));
        assert!(!is_tail("Zhuāng", "Zhāngzhuāng", false));
    }

    #[test]
    fn generic_of_the_name() {
        let f = json!({"standard_name": "南京街", "specific_part": "南京", "generic_part": "街", "roman": "Nánjīng Lù", "roman_generic": "Lù"});
        assert_eq!(codes("transport.urban_road", f), ["roman.generic_mismatch"]);
        let f = json!({"standard_name": "南京路", "specific_part": "南京", "generic_part": "路", "roman": "Nánjīng Lù", "roman_generic": "Lù"});
        assert!(codes("transport.urban_road", f).is_empty());
        let f = json!({"standard_name": "密云水库", "roman": "Mìyún Shuǐkù", "roman_generic": "SHUIKU"});
        assert!(codes("infra.reservoir", f).is_empty());
    }

    #[test]
    fn generic_of_the_roman() {
        let f = json!({"standard_name": "南京路", "specific_part": "南京", "generic_part": "路", "roman": "Nánjīng Jiē", "roman_generic": "Lù"});
        assert_eq!(codes("transport.urban_road", f), ["roman.generic_not_in_roman"]);
        // A village written as one word still has its generic at the end.
        let f = json!({"standard_name": "张庄", "specific_part": "张", "generic_part": "庄", "roman": "Zhāngzhuāng", "roman_generic": "Zhuāng"});
        assert!(codes("settlement.village", f).is_empty());
    }

    #[test]
    fn polyphone_generic_left_to_r4() {
        // 堡 read pù by hand (十里堡): not the engine's default, not an R-8 error.
        let f = json!({"standard_name": "十里堡", "specific_part": "十里", "generic_part": "堡", "roman": "Shílǐpù", "roman_generic": "Pù"});
        assert!(codes("settlement.village", f).is_empty());
    }
}
