//! L-2 (ERROR): numeric fields are typed and in range: integers are whole numbers, counts
//! are non-negative, lengths and areas are > 0 (a zero area means "unknown" and must be
//! left empty instead), years are plausible.

use serde_json::Value;
use toponym_core::Severity;

use super::RuleInfo;
use crate::model::{FieldDef, FieldKind};
use crate::validate::{msg, Ctx, P};

pub(crate) static INFO: RuleInfo = RuleInfo {
    id: "L-2",
    severity: Severity::Error,
    title_zh: "数值字段类型与范围正确",
    title_en: "Numeric fields typed and in range",
    checks: "int/year are JSON integers, dec is a finite number; values respect the field's min (min_exclusive for lengths and areas, so 0 is rejected); years lie in −3000…9999.",
    file: "src/rules/l_2_numeric_range.rs",
};

pub(crate) fn check(cx: &mut Ctx<'_>, def: &FieldDef, v: &Value, path: &P<'_>) {
    let n = match def.kind {
        FieldKind::Int | FieldKind::Year => match v.as_i64() {
            Some(i) => i as f64,
            None => return bad(cx, def, path, v, "整数", "a whole number"),
        },
        _ => match v.as_f64() {
            Some(x) if x.is_finite() => x,
            _ => return bad(cx, def, path, v, "数值", "a number"),
        },
    };
    if def.kind == FieldKind::Year && !(-3000.0..=9999.0).contains(&n) {
        return bad(
            cx,
            def,
            path,
            v,
            "−3000至9999之间的年份",
            "a year between -3000 and 9999",
        );
    }
    if let Some(min) = def.min {
        let below = if def.min_exclusive { n <= min } else { n < min };
        if below {
            if def.min_exclusive && n == 0.0 {
                return bad(
                    cx,
                    def,
                    path,
                    v,
                    "大于0的数（未知请留空，不要填0）",
                    "greater than 0 (leave it empty when unknown; do not enter 0)",
                );
            }
            let (zh, en) = if def.min_exclusive {
                (format!("大于{min}的数"), format!("greater than {min}"))
            } else {
                (format!("不小于{min}的数"), format!("at least {min}"))
            };
            bad(cx, def, path, v, &zh, &en);
        }
    }
}

fn bad(cx: &mut Ctx<'_>, def: &FieldDef, path: &P<'_>, v: &Value, zh: &str, en: &str) {
    cx.emit(
        "L-2",
        path,
        msg(
            "field.number_range",
            format!("“{}”应为{zh}，实际为 {v}", def.label_zh),
            format!("'{}' must be {en}, got {v}", def.label_en),
        )
        .with("key", def.key.clone())
        .with("value", v.to_string()),
    );
}
