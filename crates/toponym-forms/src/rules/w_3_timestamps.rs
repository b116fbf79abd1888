//! W-3 (ERROR): timestamps are plausible: RFC 3339; 登记时间 not in the future and inside
//! the project window when one is configured; 审核时间 not before 登记时间.

use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use toponym_core::Severity;

use super::RuleInfo;
use crate::model::FieldDef;
use crate::validate::{msg, Ctx, P};

pub(crate) static INFO: RuleInfo = RuleInfo {
    id: "W-3",
    severity: Severity::Error,
    title_zh: "时间戳合理",
    title_en: "Timestamps plausible",
    checks: "datetime fields parse as RFC 3339; registered_at ≤ now (when a clock is given) and inside project_window when set; reviewed_at ≥ registered_at.",
    file: "src/rules/w_3_timestamps.rs",
};

fn ts(v: Option<&Value>) -> Option<OffsetDateTime> {
    v.and_then(Value::as_str)
        .and_then(|s| OffsetDateTime::parse(s, &Rfc3339).ok())
}

pub(crate) fn check_format(cx: &mut Ctx<'_>, def: &FieldDef, v: &Value, path: &P<'_>) {
    if ts(Some(v)).is_none() {
        cx.emit(
            "W-3",
            path,
            msg(
                "timestamp.format",
                format!(
                    "“{}”应为 RFC 3339 时间，如 2026-05-01T09:30:00+08:00",
                    def.label_zh
                ),
                format!(
                    "'{}' must be an RFC 3339 timestamp such as 2026-05-01T09:30:00+08:00",
                    def.label_en
                ),
            )
            .with("key", def.key.clone()),
        );
    }
}

pub(crate) fn check(cx: &mut Ctx<'_>) {
    let Some(reg) = ts(cx.get("registered_at")) else {
        return;
    };
    let shown = |t: OffsetDateTime| t.format(&Rfc3339).unwrap_or_default();
    if let Some(now) = cx.opts.now {
        if reg > now {
            cx.emit(
                "W-3",
                &P::Field("registered_at"),
                msg(
                    "timestamp.future",
                    format!("登记时间 {} 在未来", shown(reg)),
                    format!("registered_at {} is in the future", shown(reg)),
                ),
            );
        }
    }
    if let Some((from, to)) = cx.opts.project_window {
        if reg < from || reg > to {
            cx.emit(
                "W-3",
                &P::Field("registered_at"),
                msg(
                    "timestamp.outside_window",
                    format!("登记时间 {} 不在普查时段内", shown(reg)),
                    format!("registered_at {} is outside the project window", shown(reg)),
                ),
            );
        }
    }
    if let Some(rev) = ts(cx.get("reviewed_at")) {
        if rev < reg {
            cx.emit(
                "W-3",
                &P::Field("reviewed_at"),
                msg(
                    "timestamp.review_before_registration",
                    format!("审核时间 {} 早于登记时间 {}", shown(rev), shown(reg)),
                    format!(
                        "reviewed_at {} is earlier than registered_at {}",
                        shown(rev),
                        shown(reg)
                    ),
                ),
            );
        }
    }
}
