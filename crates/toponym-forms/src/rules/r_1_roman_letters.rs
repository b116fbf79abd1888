//! R-1 (ERROR): 罗马字母拼写 is present (data: `roman` is required with `rule: R-1`) and uses
//! only pinyin letters: a–z without v, ü, tone-marked vowels, apostrophe, space, hyphen and
//! digits. "Beijing-shi." (full stop) and "Lv Liang" (v for ü) fail.

use toponym_core::Severity;

use super::RuleInfo;
use crate::validate::{msg, Ctx, P};

pub(crate) static INFO: RuleInfo = RuleInfo {
    id: "R-1",
    severity: Severity::Error,
    title_zh: "罗马字母拼写字符合规",
    title_en: "Romanisation uses pinyin letters only",
    checks: "roman is filled and every character is a Latin letter other than v/V, ü/Ü, a tone-marked vowel, ' (or ’), space, hyphen or digit.",
    file: "src/rules/r_1_roman_letters.rs",
};

const TONED: &str = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüĀÁǍÀĒÉĚÈĪÍǏÌŌÓǑÒŪÚǓÙǕǗǙǛÜńňǹḿ";

pub(crate) fn bad_char(s: &str) -> Option<char> {
    s.chars().find(|&c| {
        let ok = (c.is_ascii_alphabetic() && c != 'v' && c != 'V')
            || c.is_ascii_digit()
            || matches!(c, '\'' | '’' | ' ' | '-')
            || TONED.contains(c);
        !ok
    })
}

pub(crate) fn check(cx: &mut Ctx<'_>) {
    for key in ["roman", "roman_generic"] {
        let Some(s) = cx.text(key) else { continue };
        if let Some(c) = bad_char(s) {
            let hint_zh = if c == 'v' || c == 'V' {
                "（ü 不能写作 v）"
            } else {
                ""
            };
            let hint_en = if c == 'v' || c == 'V' {
                " (write ü, not v)"
            } else {
                ""
            };
            cx.emit(
                "R-1",
                &P::Field(key),
                msg(
                    "roman.bad_char",
                    format!("罗马字母拼写“{s}”含不允许的字符“{c}”{hint_zh}"),
                    format!("romanisation \"{s}\" contains the character \"{c}\", which is not allowed{hint_en}"),
                )
                .with("value", s)
                .with("char", c.to_string()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::bad_char;

    #[test]
    fn pinyin_passes_and_punctuation_or_v_fails() {
        assert_eq!(bad_char("Tài Shān"), None);
        assert_eq!(bad_char("Xī'ān Shì"), None);
        assert_eq!(bad_char("Lǚliáng Shān"), None);
        assert_eq!(bad_char("G104"), None);
        assert_eq!(bad_char("Beijing-shi."), Some('.'));
        assert_eq!(bad_char("Lv Liang"), Some('v'));
    }
}
