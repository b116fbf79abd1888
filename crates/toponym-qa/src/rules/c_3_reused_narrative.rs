//! C-3 (WARNING, bundle): the same narrative (来历, 含义, 沿革 or 概况) reused verbatim in
//! more than `max_reuse` records of the survey. Texts are compared after trimming and
//! collapsing white space; every record of an over-used text is named.

use std::borrow::Cow;

use rustc_hash::FxHashMap;

use serde::Deserialize;
use toponym_core::Severity;

use crate::{msg, parse_params, view, Check, Out, Prep, Rule, Stage, SurveyCtx};

pub(crate) static RULE: Rule = Rule {
    id: "C-3",
    severity: Severity::Warning,
    stage: Stage::Bundle,
    basis: "ours",
    title_zh: "叙述文字重复使用",
    title_en: "Narrative reused verbatim",
    checks: "fields.origin/meaning/history/description: the same text (white space collapsed) in more than max_reuse records (default 3).",
    prepare: Some(parse_params::<Params>),
    check: Check::Survey(check),
};

#[derive(Deserialize)]
struct Params {
    fields: Vec<String>,
    max_reuse: usize,
}

fn check(cx: &SurveyCtx<'_>, p: &Prep<'_>, out: &mut Out<'_>) {
    let p: &Params = p.get();
    for key in &p.fields {
        let mut by_text: FxHashMap<Cow<'_, str>, Vec<usize>> = FxHashMap::default();
        for (i, r) in cx.records.iter().enumerate() {
            if let Some(t) = view::text(r, key) {
                by_text.entry(collapsed(t)).or_default().push(i);
            }
        }
        let mut groups: Vec<(&Cow<'_, str>, &Vec<usize>)> =
            by_text.iter().filter(|(_, v)| v.len() > p.max_reuse).collect();
        groups.sort();
        for (text, idx) in groups {
            let short: String = text.chars().take(30).collect();
            for &i in idx {
                out.emit_for(
                    cx.records[i].record_id,
                    format!("fields.{key}"),
                    msg(
                        "narrative.reused",
                        format!("同一段文字“{short}…”在 {} 条记录中重复出现（上限 {}）", idx.len(), p.max_reuse),
                        format!("the text \"{short}…\" is used verbatim in {} records (at most {})", idx.len(), p.max_reuse),
                    )
                    .with("count", idx.len().to_string()),
                );
            }
        }
    }
}

/// The text with white space collapsed (runs to one space, none at the edges); borrowed
/// when it already is (most narratives), so that the common case allocates nothing.
fn collapsed(t: &str) -> Cow<'_, str> {
    let mut prev_space = true;
    let normal = t.chars().all(|c| {
        let ok = if c.is_whitespace() {
            c == ' ' && !prev_space
        } else {
            true
        };
        prev_space = c.is_whitespace();
        ok
    }) && !prev_space;
    if normal || t.is_empty() {
        Cow::Borrowed(t)
    } else {
        Cow::Owned(t.split_whitespace().collect::<Vec<_>>().join(" "))
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::{record, survey};
    use serde_json::json;

    #[test]
    fn four_copies_are_flagged_three_are_not() {
        let v = |n: usize, h: &str| record("settlement.village", json!({"standard_name": format!("{n}庄"), "history": h}), None);
        let text = "清朝建村，沿用至今。";
        let mut recs: Vec<_> = (0..3).map(|i| v(i, text)).collect();
        recs.push(v(9, "明代洪武年间自山西迁来建村。"));
        assert_eq!(survey(&recs).of_rule("C-3").count(), 0);
        recs.push(v(4, &format!(" {text} ")));
        let rep = survey(&recs);
        assert_eq!(rep.of_rule("C-3").count(), 4);
    }

    #[test]
    fn collapsing_matches_split_and_join() {
        for t in ["", " ", "a", "a b", " a", "a ", "a  b", "a\tb", "清朝 建村\u{3000}至今", "x\n"] {
            let want = t.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(super::collapsed(t), want, "{t:?}");
        }
    }
}
