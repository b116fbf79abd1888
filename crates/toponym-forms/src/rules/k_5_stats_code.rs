//! K-5 (ERROR): the 12-digit 统计用区划代码 of a committee fits its type and township:
//! 社区/居委会 001–199 (or 400–499 for similar units), 村委会 200–399 (or 500–599 for
//! farm-style units), and its first 9 digits equal a township code in 所在(跨)行政区.

use serde_json::Value;
use toponym_core::Severity;

use super::RuleInfo;
use crate::validate::{msg, Ctx, P};

pub(crate) static INFO: RuleInfo = RuleInfo {
    id: "K-5",
    severity: Severity::Error,
    title_zh: "统计用区划代码与类型、乡镇一致",
    title_en: "Statistical code matches committee type and township",
    checks: "selfgov.community: last 3 digits in 001–199 or 400–499; selfgov.village_committee: 200–399 or 500–599; when admin_areas holds 9- or 12-digit codes, one shares the first 9 digits.",
    file: "src/rules/k_5_stats_code.rs",
};

pub(crate) fn check(cx: &mut Ctx<'_>) {
    let ranges: &[(u32, u32)] = match cx.template.id.as_str() {
        "selfgov.community" => &[(1, 199), (400, 499)],
        "selfgov.village_committee" => &[(200, 399), (500, 599)],
        _ => return,
    };
    let Some(code) = cx.text("stats_code") else {
        return;
    };
    if code.len() != 12 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return; // L-6 reports the format
    }
    let tail: u32 = code[9..].parse().unwrap_or(0);
    if !ranges.iter().any(|(a, b)| (*a..=*b).contains(&tail)) {
        let allowed = ranges
            .iter()
            .map(|(a, b)| format!("{a:03}–{b:03}"))
            .collect::<Vec<_>>()
            .join(", ");
        cx.emit(
            "K-5",
            &P::Field("stats_code"),
            msg(
                "stats_code.range",
                format!(
                    "统计用区划代码 {code} 末三位 {tail:03} 不符合“{}”的范围 {allowed}",
                    cx.template.name_zh
                ),
                format!(
                    "statistical code {code} ends in {tail:03}, outside {allowed} for {}",
                    cx.template.id
                ),
            )
            .with("value", code)
            .with("allowed", allowed),
        );
    }
    let townships: Vec<&str> = cx
        .fields
        .get("admin_areas")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                // `get` rather than slicing: a non-ASCII entry must not panic.
                .filter_map(|s| s.get(..9))
                .collect()
        })
        .unwrap_or_default();
    if !townships.is_empty() && !townships.contains(&&code[..9]) {
        cx.emit(
            "K-5",
            &P::Field("stats_code"),
            msg(
                "stats_code.township",
                format!("统计用区划代码 {code} 的前9位与所在乡镇代码不符"),
                format!("statistical code {code} does not start with the township code listed in admin_areas"),
            )
            .with("value", code),
        );
    }
}
