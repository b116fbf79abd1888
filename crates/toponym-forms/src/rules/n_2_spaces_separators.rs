//! N-2 (ERROR): no leading, trailing or internal spaces (ASCII, U+3000 or no-break) in a
//! name, and the name-internal separator is U+00B7 "·", never "." / "．" / "•" / "・".

use toponym_core::Severity;

use super::RuleInfo;
use crate::validate::{msg, Ctx, P};

pub(crate) static INFO: RuleInfo = RuleInfo {
    id: "N-2",
    severity: Severity::Error,
    title_zh: "名称不得含空格或错误分隔符",
    title_en: "No spaces or wrong separators in names",
    checks: "Names contain no whitespace (ASCII, U+3000, U+00A0 …) and no . ． • ・ ‧ as separator (use U+00B7).",
    file: "src/rules/n_2_spaces_separators.rs",
};

pub(crate) fn check(cx: &mut Ctx<'_>, s: &str, path: &P<'_>) {
    let space = s
        .chars()
        .find(|c| c.is_whitespace() || *c == '\u{3000}' || *c == '\u{00A0}');
    let sep = s
        .chars()
        .find(|c| matches!(c, '.' | '．' | '•' | '・' | '‧' | '∙'));
    let (zh, en, ch) = match (space, sep) {
        (Some(c), _) => ("空格", "a space", c),
        (None, Some(c)) => (
            "错误的分隔符（应为“·”）",
            "a wrong separator (use U+00B7 \"·\")",
            c,
        ),
        _ => return,
    };
    cx.emit(
        "N-2",
        path,
        msg(
            "name.space_or_separator",
            format!("名称“{s}”含{zh}"),
            format!("name \"{s}\" contains {en}"),
        )
        .with("value", s)
        .with("char", format!("U+{:04X}", ch as u32)),
    );
}
