//! L-6 (ERROR): enumerations and coded values are valid: an enum holds one of the
//! template's values; fixed-length codes (行政区划代码, 统计用区划代码, 邮政编码) have the right
//! length and digits; 所在(跨)行政区 holds 6/9/12-digit codes.

use serde_json::Value;
use toponym_core::Severity;

use super::RuleInfo;
use crate::model::FieldDef;
use crate::validate::{msg, Ctx, P};

pub(crate) static INFO: RuleInfo = RuleInfo {
    id: "L-6",
    severity: Severity::Error,
    title_zh: "枚举值与代码格式正确",
    title_en: "Enumerations and code formats valid",
    checks: "Enum values are in the field's list (exact text); text fields with length/digits_only match; admin_codes entries are 6, 9 or 12 ASCII digits.",
    file: "src/rules/l_6_enum_values.rs",
};

pub(crate) fn check(cx: &mut Ctx<'_>, def: &FieldDef, v: &Value, path: &P<'_>) {
    if v.as_str()
        .is_some_and(|s| def.values.iter().any(|x| x == s))
    {
        return;
    }
    let shown = v
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| v.to_string());
    cx.emit(
        "L-6",
        path,
        msg(
            "field.enum",
            format!(
                "“{}”的值“{shown}”不在可选值中：{}",
                def.label_zh,
                def.values.join("、")
            ),
            format!(
                "'{}' value \"{shown}\" is not one of: {}",
                def.label_en,
                def.values.join(", ")
            ),
        )
        .with("key", def.key.clone())
        .with("value", shown)
        .with("allowed", def.values.join("|")),
    );
}

pub(crate) fn check_code_text(cx: &mut Ctx<'_>, def: &FieldDef, s: &str, path: &P<'_>) {
    let len_ok = def.length.is_none_or(|n| s.chars().count() == n as usize);
    let digits_ok = !def.digits_only || s.bytes().all(|b| b.is_ascii_digit());
    if len_ok && digits_ok {
        return;
    }
    let n = def.length.map(|n| n.to_string()).unwrap_or_default();
    let (zh, en) = if def.digits_only {
        (format!("{n}位数字"), format!("{n} ASCII digits"))
    } else {
        (format!("{n}个字符"), format!("{n} characters"))
    };
    cx.emit(
        "L-6",
        path,
        msg(
            "field.code_format",
            format!("“{}”的值“{s}”应为{zh}", def.label_zh),
            format!("'{}' value \"{s}\" must be {en}", def.label_en),
        )
        .with("key", def.key.clone())
        .with("value", s),
    );
}

pub(crate) fn check_admin_codes(cx: &mut Ctx<'_>, def: &FieldDef, v: &Value, path: &P<'_>) {
    let Some(a) = v.as_array() else {
        cx.emit(
            "L-6",
            path,
            msg(
                "field.admin_codes",
                format!("“{}”应为行政区划代码列表", def.label_zh),
                format!("'{}' must be a list of division codes", def.label_en),
            )
            .with("key", def.key.clone()),
        );
        return;
    };
    for (i, c) in a.iter().enumerate() {
        let ok = c.as_str().is_some_and(|s| {
            matches!(s.len(), 6 | 9 | 12) && s.bytes().all(|b| b.is_ascii_digit())
        });
        if !ok {
            let shown = c
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| c.to_string());
            cx.emit(
                "L-6",
                &P::Index(path, i),
                msg(
                    "field.admin_codes",
                    format!("“{shown}”不是6、9或12位行政区划代码"),
                    format!("\"{shown}\" is not a 6-, 9- or 12-digit division code"),
                )
                .with("key", def.key.clone())
                .with("value", shown),
            );
        }
    }
}
