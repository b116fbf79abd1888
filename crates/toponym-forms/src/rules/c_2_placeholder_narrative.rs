//! C-2 (ERROR): narrative fields (来历, 含义, 沿革, 概况) are real text, not placeholders.
//!
//! Rejects "无", "不详", "暂无", "-", "/", "同上" and anything shorter than 8 characters,
//! unless `reason_unknown` explains why the information cannot be given.

use toponym_core::Severity;

use super::RuleInfo;
use crate::model::FieldDef;
use crate::validate::{msg, Ctx, P};

pub(crate) static INFO: RuleInfo = RuleInfo {
    id: "C-2",
    severity: Severity::Error,
    title_zh: "叙述字段不得为占位内容",
    title_en: "Narrative fields are not placeholders",
    checks: "Fields with `checks: [narrative]` are not 无/不详/暂无/-/\"/\"/同上 and have ≥ 8 characters, unless reason_unknown is filled.",
    file: "src/rules/c_2_placeholder_narrative.rs",
};

const PLACEHOLDERS: &[&str] = &[
    "无",
    "不详",
    "暂无",
    "-",
    "/",
    "同上",
    "—",
    "／",
    "含义不详",
    "来历不详",
];
const MIN_CHARS: usize = 8;

pub(crate) fn check(cx: &mut Ctx<'_>, def: &FieldDef, s: &str, path: &P<'_>) {
    let t = s.trim();
    let placeholder = PLACEHOLDERS.contains(&t);
    let short = t.chars().count() < MIN_CHARS;
    if !(placeholder || short) || cx.filled("reason_unknown") {
        return;
    }
    let (zh, en) = if placeholder {
        (
            format!(
                "“{}”不能填占位内容“{t}”；请写明实际情况，或在“不详原因”中说明",
                def.label_zh
            ),
            format!(
                "'{}' holds the placeholder \"{t}\"; write the facts or explain in reason_unknown",
                def.label_en
            ),
        )
    } else {
        (
            format!("“{}”少于{MIN_CHARS}个字；请充实内容，或在“不详原因”中说明", def.label_zh),
            format!("'{}' is shorter than {MIN_CHARS} characters; expand it or explain in reason_unknown", def.label_en),
        )
    };
    cx.emit(
        "C-2",
        path,
        msg("narrative.placeholder", zh, en)
            .with("key", def.key.clone())
            .with("value", t),
    );
}
