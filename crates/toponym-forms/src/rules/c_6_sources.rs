//! C-6 (ERROR): 资料来源及出处 has at least one entry, and "实地调查" alone is not enough
//! for a record that claims former names (曾用名 need documentary evidence).
//!
//! Presence comes from the data (`sources` is required with `rule: C-6`); this file adds
//! the former-names part. The "沿革 older than 1949" part needs date extraction from free
//! text and is left to the QA engine.

use serde_json::Value;
use toponym_core::Severity;

use super::RuleInfo;
use crate::validate::{msg, Ctx, P};

pub(crate) static INFO: RuleInfo = RuleInfo {
    id: "C-6",
    severity: Severity::Error,
    title_zh: "资料来源充分",
    title_en: "Sources are sufficient",
    checks:
        "sources has ≥ 1 entry; when former_names is filled, at least one source is not 实地调查.",
    file: "src/rules/c_6_sources.rs",
};

pub(crate) fn check(cx: &mut Ctx<'_>) {
    if !cx.filled("former_names") {
        return;
    }
    let Some(sources) = cx.get("sources").and_then(Value::as_array) else {
        return;
    };
    if sources.is_empty() {
        return;
    }
    let only_field = sources
        .iter()
        .all(|s| s.get("kind").and_then(Value::as_str) == Some("实地调查"));
    if only_field {
        cx.emit(
            "C-6",
            &P::Field("sources"),
            msg(
                "sources.field_only",
                "有曾用名的记录不能只以“实地调查”为资料来源",
                "a record with former names needs a source other than 实地调查 (field survey)",
            ),
        );
    }
}
