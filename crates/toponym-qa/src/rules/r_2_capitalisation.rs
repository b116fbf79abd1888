//! R-2 (ERROR, record): capitalisation of 罗马字母拼写 (romanization.md R10).
//!
//! Every word starts with a capital and continues in lower case (a hyphenated part may
//! start with a capital too), or the whole spelling is in capitals (sign mode). A word that
//! starts with a digit (2 Mǎlù, G104) is allowed.

use toponym_core::Severity;

use crate::{msg, Check, Out, Prep, RecordCtx, Rule, Stage};

pub(crate) static RULE: Rule = Rule {
    id: "R-2",
    severity: Severity::Error,
    stage: Stage::Record,
    basis: "std (R10) + data",
    title_zh: "罗马字母拼写大小写",
    title_en: "Capitalisation of the romanisation",
    checks: "fields.roman and fields.roman_generic: each space-separated word starts with an upper-case letter (or a digit) and has no other capitals except at the start of a hyphenated part; or the whole text is in capitals.",
    prepare: None,
    check: Check::Record(check),
};

/// The first word that breaks the rule, if any.
pub(crate) fn bad_word(s: &str) -> Option<&str> {
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    if !letters.is_empty() && letters.iter().all(|c| !c.is_lowercase()) {
        return None; // sign mode
    }
    for w in s.split(' ').filter(|w| !w.is_empty()) {
        for (i, part) in w.split('-').enumerate() {
            let mut cs = part.chars();
            let Some(first) = cs.next() else { continue };
            if i == 0 && first.is_lowercase() {
                return Some(w);
            }
            if cs.any(|c| c.is_uppercase()) {
                return Some(w);
            }
        }
    }
    None
}

fn check(cx: &RecordCtx<'_>, _: &Prep<'_>, out: &mut Out<'_>) {
    for key in ["roman", "roman_generic"] {
        let Some(s) = cx.text(key) else { continue };
        if let Some(w) = bad_word(s) {
            out.emit(
                format!("fields.{key}"),
                msg(
                    "roman.capitalisation",
                    format!("罗马字母拼写“{s}”大小写不规范：“{w}”应首字母大写、其余小写（或全部大写）"),
                    format!("romanisation \"{s}\": the word \"{w}\" must start with a capital and continue in lower case (or all capitals)"),
                )
                .with("value", s)
                .with("word", w),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::bad_word;
    use crate::testkit::{findings, record};
    use serde_json::json;

    #[test]
    fn words() {
        assert_eq!(bad_word("ānjū Lèyuán"), Some("ānjū"));
        assert_eq!(bad_word("Ānjū LèYuán"), Some("LèYuán"));
        assert_eq!(bad_word("Ānjū Lèyuán"), None);
        assert_eq!(bad_word("TÀISHĀN"), None);
        assert_eq!(bad_word("2 Mǎlù"), None);
        assert_eq!(bad_word("G104 Guódào"), None);
        assert_eq!(bad_word("Xī'ān Lù"), None);
    }

    #[test]
    fn on_a_record() {
        let bad = record("transport.street_lane", json!({"standard_name": "安居巷", "roman": "ānjū Xiàng"}), None);
        let f = findings("R-2", &bad);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].path, "fields.roman");
        let good = record("transport.street_lane", json!({"standard_name": "安居巷", "roman": "Ānjū Xiàng"}), None);
        assert!(findings("R-2", &good).is_empty());
    }
}
