//! N-12 (WARNING): Latin letters inside a standard name are flagged, except route numbers
//! (G104, S222, X012) and code-like names whose letters are followed by digits.

use toponym_core::Severity;

use super::RuleInfo;
use crate::validate::{msg, Ctx, P};

pub(crate) static INFO: RuleInfo = RuleInfo {
    id: "N-12",
    severity: Severity::Warning,
    title_zh: "名称中含拉丁字母",
    title_en: "Latin letters in a name",
    checks: "A run of ASCII letters in a name is flagged unless it is 1–2 upper-case letters directly followed by a digit (route numbers such as G104). Lower-case pinyin runs are N-1, not N-12.",
    file: "src/rules/n_12_latin_letters.rs",
};

pub(crate) fn check(cx: &mut Ctx<'_>, s: &str, path: &P<'_>) {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_alphabetic() {
            let start = i;
            while i < b.len() && b[i].is_ascii_alphabetic() {
                i += 1;
            }
            let run = &s[start..i];
            let route = run.len() <= 2
                && run.bytes().all(|c| c.is_ascii_uppercase())
                && b.get(i).is_some_and(u8::is_ascii_digit);
            // Two or more lower-case letters next to Han text are pinyin stand-ins (N-1).
            let pinyin = run.len() >= 2 && run.bytes().all(|c| c.is_ascii_lowercase());
            if !route && !pinyin {
                cx.emit(
                    "N-12",
                    path,
                    msg(
                        "name.latin_letters",
                        format!("名称“{s}”含拉丁字母“{run}”"),
                        format!("name \"{s}\" contains Latin letters \"{run}\""),
                    )
                    .with("value", s)
                    .with("letters", run),
                );
                return;
            }
        } else {
            i += 1;
        }
    }
}
