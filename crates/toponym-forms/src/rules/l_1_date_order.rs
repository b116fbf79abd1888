//! L-1 (ERROR): dates are ordered: 命名时间 and 设立年份 are not after 废止年份, 废止年份 is not
//! in the future, and each former name's from_year is not after its to_year.

use serde_json::Value;
use toponym_core::Severity;

use super::RuleInfo;
use crate::validate::{msg, parse_date, Ctx, P};

pub(crate) static INFO: RuleInfo = RuleInfo {
    id: "L-1",
    severity: Severity::Error,
    title_zh: "时间先后合理",
    title_en: "Dates in order",
    checks: "year(named_date) and established_year ≤ abolished_year; none of them after the current year (when a clock is given); former_names[i].from_year ≤ to_year.",
    file: "src/rules/l_1_date_order.rs",
};

pub(crate) fn check(cx: &mut Ctx<'_>) {
    let abolished = cx.int("abolished_year");
    let named = cx
        .text("named_date")
        .and_then(|s| parse_date(s, true))
        .map(|d| i64::from(d.0));
    if let Some(a) = abolished {
        for (key, y) in [
            ("named_date", named),
            ("established_year", cx.int("established_year")),
        ] {
            if let Some(y) = y.filter(|y| *y > a) {
                cx.emit(
                    "L-1",
                    &P::Field(key),
                    msg(
                        "dates.order",
                        format!("{key} 的年份 {y} 晚于废止年份 {a}"),
                        format!("{key} year {y} is after the year abolished {a}"),
                    )
                    .with("key", key)
                    .with("year", y.to_string()),
                );
            }
        }
        if let Some(now) = cx.opts.now {
            if a > i64::from(now.year()) {
                cx.emit(
                    "L-1",
                    &P::Field("abolished_year"),
                    msg(
                        "dates.future",
                        format!("废止年份 {a} 在未来"),
                        format!("year abolished {a} is in the future"),
                    )
                    .with("key", "abolished_year"),
                );
            }
        }
    }
    if let Some(now) = cx.opts.now {
        let this_year = i64::from(now.year());
        for (key, y) in [
            ("named_date", named),
            ("established_year", cx.int("established_year")),
        ] {
            if let Some(y) = y.filter(|y| *y > this_year) {
                cx.emit(
                    "L-1",
                    &P::Field(key),
                    msg(
                        "dates.future",
                        format!("{key} 的年份 {y} 在未来"),
                        format!("{key} year {y} is in the future"),
                    )
                    .with("key", key),
                );
            }
        }
    }
    let Some(list) = cx.get("former_names").and_then(Value::as_array) else {
        return;
    };
    for (i, item) in list.iter().enumerate() {
        let from = item.get("from_year").and_then(Value::as_i64);
        let to = item.get("to_year").and_then(Value::as_i64);
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                let parent = P::Field("former_names");
                cx.emit(
                    "L-1",
                    &P::Key(&P::Index(&parent, i), "from_year"),
                    msg(
                        "dates.order",
                        format!("曾用名起始年份 {f} 晚于终止年份 {t}"),
                        format!("former name from_year {f} is after to_year {t}"),
                    ),
                );
            }
        }
    }
}
