//! R-9 (ERROR, record): numerals (romanization.md R6, R7). An ordinal number in a street
//! name (二马路 2 Mǎlù, 经五路 Jīng 5 Lù, 东四十二条 Dōngsì 12 Tiáo, 第九弄 Dì-9 Lòng) and a
//! code (1203高地) are written in Arabic digits; every other numeral written in characters
//! is spelled in pinyin (五指山 Wǔzhǐ Shān, 三八路 Sānbā Lù, 五一广场 Wǔyī Guǎngchǎng).
//!
//! Which numerals are ordinals is decided by the romanisation engine, the generator the
//! form uses (`ordinal_digits` templates of schemas/romanisation/templates.json: a
//! canonical numeral right before a street generic or after 第; digit-by-digit runs such as
//! 五一 are commemorative names and stay spelled). The record's digit runs are compared with
//! the generator's, leaving out the digits and codes the name itself contains. Also: 第 and
//! the digits are joined by a hyphen (Dì-9, the app rule of R7).

use toponym_core::Severity;
use toponym_romanise::Outcome;

use crate::romanised::{name_has_literal, with_default};
use crate::rules::r_6_syllable_count::is_numeral_char;
use crate::{msg, Check, Out, Prep, RecordCtx, Rule, Stage};

pub(crate) static RULE: Rule = Rule {
    id: "R-9",
    severity: Severity::Error,
    stage: Stage::Record,
    basis: "std (R6, R7)",
    title_zh: "数字的拼写",
    title_en: "Numerals",
    checks: "fields.roman: the Arabic digit runs (other than digits and codes the name itself contains) are exactly the ordinals the romanisation engine writes in digits for the record's template (street ordinals, 第 + numeral); a Chinese numeral it spells must be spelled, one it writes in digits must not be spelled; 第 and the digits are joined by a hyphen (Dì-9). Minority-language names are not judged.",
    prepare: None,
    check: Check::Record(check),
};

/// Digit runs of a romanisation that the name does not contain literally, with whether a
/// hyphen stands right before the run.
fn tokens<'a>(roman: &'a str, name: &str) -> Vec<(&'a str, bool)> {
    let mut out = Vec::new();
    for w in roman.split(' ').filter(|w| !w.is_empty()) {
        if !w.bytes().any(|b| b.is_ascii_digit()) || name_has_literal(name, w.trim_matches('-')) {
            continue;
        }
        for part in w.split('-').filter(|p| !p.is_empty()) {
            if name_has_literal(name, part) {
                continue;
            }
            let base = part.as_ptr() as usize - w.as_ptr() as usize;
            let mut start = None;
            for (i, b) in part.bytes().chain(std::iter::once(b' ')).enumerate() {
                match (b.is_ascii_digit(), start) {
                    (true, None) => start = Some(i),
                    (false, Some(s)) => {
                        let at = base + s;
                        let hyphen = at > 0 && w.as_bytes()[at - 1] == b'-';
                        out.push((&part[s..i], hyphen));
                        start = None;
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

fn join(ts: &[&str]) -> String {
    ts.join("、")
}

fn check(cx: &RecordCtx<'_>, _: &Prep<'_>, out: &mut Out<'_>) {
    let (Some(roman), Some(name)) = (cx.text("roman"), cx.text("standard_name")) else {
        return;
    };
    let digits = roman.bytes().any(|b| b.is_ascii_digit());
    if !digits && !name.chars().any(is_numeral_char) {
        return;
    }
    if crate::romanised::minority_language(cx).is_some() {
        return;
    }
    let Some(eng) = with_default(cx, |_, o| match o {
        Outcome::Romanised { roman, .. } => Some(roman.clone()),
        _ => None,
    })
    .flatten() else {
        return;
    };
    let rec_t = tokens(roman, name);
    let eng_t = tokens(&eng, name);
    if rec_t.is_empty() && eng_t.is_empty() {
        return;
    }
    // Match one for one, in order.
    let mut rec_left: Vec<Option<(&str, bool)>> = rec_t.iter().copied().map(Some).collect();
    let mut missing: Vec<&str> = Vec::new();
    let mut hyphen_missing = false;
    for &(e, eh) in &eng_t {
        match rec_left.iter_mut().find(|r| r.is_some_and(|(t, _)| t == e)) {
            Some(slot) => {
                if eh && slot.is_some_and(|(_, h)| !h) {
                    hyphen_missing = true;
                }
                *slot = None;
            }
            None => missing.push(e),
        }
    }
    let extra: Vec<&str> = rec_left.into_iter().flatten().map(|(t, _)| t).collect();
    let m = if !missing.is_empty() && missing.len() == extra.len() {
        let (x, y) = (join(&extra), join(&missing));
        msg(
            "roman.ordinal_value",
            format!("罗马字母拼写“{roman}”中的数字 {x} 与名称“{name}”中的序数不符，应为 {y}（如“{eng}”）"),
            format!("romanisation \"{roman}\": the digits {x} do not match the ordinal of the name \"{name}\"; expected {y} (as in \"{eng}\")"),
        )
    } else if !missing.is_empty() {
        let y = join(&missing);
        msg(
            "roman.ordinal_digits",
            format!("街巷名称中的序数和代码用阿拉伯数字书写（R7）：“{name}”应拼作“{eng}”（序数 {y}），而不是“{roman}”"),
            format!("ordinals in street names and codes are written in Arabic digits (R7): \"{name}\" is \"{eng}\" (ordinal {y}), not \"{roman}\""),
        )
    } else if !extra.is_empty() {
        let x = join(&extra);
        msg(
            "roman.numeral_spelled",
            format!("罗马字母拼写“{roman}”中的数字 {x} 不是街巷序数或代码：用汉字书写的数字按汉语拼音拼写（R6，如 五指山 Wǔzhǐ Shān），应如“{eng}”"),
            format!("romanisation \"{roman}\": the digits {x} are no street ordinal or code; numerals written in characters are spelled in pinyin (R6, 五指山 Wǔzhǐ Shān); expected like \"{eng}\""),
        )
    } else if hyphen_missing {
        msg(
            "roman.ordinal_hyphen",
            format!("“第”与阿拉伯数字之间加连字符（如 第九弄 Dì-9 Lòng）：“{roman}”应写作“{eng}”"),
            format!("第 and the Arabic digits are joined by a hyphen (第九弄 Dì-9 Lòng): \"{roman}\" should be \"{eng}\""),
        )
    } else {
        return;
    };
    out.emit("fields.roman", m.with("value", roman).with("expected", eng.as_str()));
}

#[cfg(test)]
mod tests {
    use super::tokens;
    use crate::testkit::{findings, record};
    use serde_json::json;

    fn codes(template: &str, name: &str, roman: &str) -> Vec<String> {
        let r = record(template, json!({"standard_name": name, "roman": roman}), None);
        findings("R-9", &r).into_iter().map(|f| f.message.code).collect()
    }

    #[test]
    fn token_list() {
        assert_eq!(tokens("Dì-9 Lòng", "第九弄"), vec![("9", true)]);
        assert_eq!(tokens("1203 Gāodì", "1203高地"), vec![]);
        assert_eq!(tokens("G104 Guódào", "G104国道"), vec![]);
        assert_eq!(tokens("Dōngsì 12 Tiáo", "东四十二条"), vec![("12", false)]);
    }

    #[test]
    fn ordinals_in_digits() {
        assert!(codes("transport.urban_road", "二马路", "2 Mǎlù").is_empty());
        assert_eq!(codes("transport.urban_road", "二马路", "Èr Mǎlù"), ["roman.ordinal_digits"]);
        assert_eq!(codes("transport.urban_road", "二马路", "3 Mǎlù"), ["roman.ordinal_value"]);
        assert!(codes("transport.street_lane", "东四十二条", "Dōngsì 12 Tiáo").is_empty());
        assert!(codes("transport.urban_road", "经五路", "Jīng 5 Lù").is_empty());
        assert_eq!(codes("transport.street_lane", "第九弄", "Dì 9 Lòng"), ["roman.ordinal_hyphen"]);
        assert!(codes("transport.street_lane", "第九弄", "Dì-9 Lòng").is_empty());
    }

    #[test]
    fn other_numerals_spelled() {
        assert_eq!(codes("terrain.peak", "五指山", "5 Zhǐ Shān"), ["roman.numeral_spelled"]);
        assert!(codes("terrain.peak", "五指山", "Wǔzhǐ Shān").is_empty());
        // Near misses: a commemorative digit-by-digit name on a road, a code of the name.
        assert!(codes("transport.urban_road", "三八路", "Sānbā Lù").is_empty());
        assert!(codes("building.square", "五一广场", "Wǔyī Guǎngchǎng").is_empty());
        assert!(codes("terrain.peak", "1203高地", "1203 Gāodì").is_empty());
    }
}
