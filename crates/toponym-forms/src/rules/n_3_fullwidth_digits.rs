//! N-3 (ERROR): no full-width digits (０–９), and a Chinese-numeral name uses 〇 (U+3007),
//! not a zero digit or a letter O: "八五一０农场" must be "八五一〇农场".

use toponym_core::Severity;

use super::RuleInfo;
use crate::validate::{msg, Ctx, P};

pub(crate) static INFO: RuleInfo = RuleInfo {
    id: "N-3",
    severity: Severity::Error,
    title_zh: "不得使用全角数字或以0/O代替〇",
    title_en: "No full-width digits; 〇 in Chinese numerals",
    checks: "Names contain no U+FF10–U+FF19; a 0/O/０ adjacent to a Chinese numeral (一二三四五六七八九十〇) is flagged.",
    file: "src/rules/n_3_fullwidth_digits.rs",
};

fn is_cn_numeral(c: char) -> bool {
    "一二三四五六七八九十〇".contains(c)
}

pub(crate) fn check(cx: &mut Ctx<'_>, s: &str, path: &P<'_>) {
    // One pass with a one-character look-behind and look-ahead; no allocation.
    let mut bad = None;
    let mut prev: Option<char> = None;
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if ('０'..='９').contains(&c) {
            bad = Some(c);
            break;
        }
        if matches!(c, '0' | 'O' | 'o') {
            let next = it.peek().copied();
            if prev.is_some_and(is_cn_numeral) || next.is_some_and(is_cn_numeral) {
                bad = Some(c);
                break;
            }
        }
        prev = Some(c);
    }
    if let Some(c) = bad {
        cx.emit(
            "N-3",
            path,
            msg(
                "name.fullwidth_digit",
                format!("名称“{s}”含“{c}”；全角数字不可用，汉字数字中的零写作“〇”"),
                format!("name \"{s}\" contains \"{c}\"; no full-width digits, and zero among Chinese numerals is 〇"),
            )
            .with("value", s)
            .with("char", c.to_string()),
        );
    }
}
