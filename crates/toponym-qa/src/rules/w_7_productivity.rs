//! W-7 (INFO, bundle): productivity anomalies — more than `max_per_hour` records registered
//! by one registrar within any hour (by 登记时间). Reported once per registrar and burst,
//! on the survey, with the hour it started. Verbatim narrative runs are C-3's.

use std::collections::BTreeMap;

use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use toponym_core::Severity;

use crate::{msg, parse_params, view, Check, Out, Prep, Rule, Stage, SurveyCtx};

pub(crate) static RULE: Rule = Rule {
    id: "W-7",
    severity: Severity::Info,
    stage: Stage::Bundle,
    basis: "ours",
    title_zh: "登记效率异常",
    title_en: "Productivity anomaly",
    checks: "Per registrar: more than max_per_hour (60) records with fields.registered_at inside one sliding hour.",
    prepare: Some(parse_params::<Params>),
    check: Check::Survey(check),
};

#[derive(Deserialize)]
struct Params {
    max_per_hour: usize,
}

fn check(cx: &SurveyCtx<'_>, p: &Prep<'_>, out: &mut Out<'_>) {
    let p: &Params = p.get();
    let mut by: BTreeMap<&str, Vec<OffsetDateTime>> = BTreeMap::new();
    for r in cx.records {
        let (Some(who), Some(at)) = (view::person(r, "registrar"), view::text(r, "registered_at")) else {
            continue;
        };
        if let Ok(t) = OffsetDateTime::parse(at, &Rfc3339) {
            by.entry(who).or_default().push(t);
        }
    }
    for (who, mut times) in by {
        times.sort();
        let mut start = 0;
        let mut i = 0;
        while i < times.len() {
            while times[i] - times[start] >= time::Duration::HOUR {
                start += 1;
            }
            let n = i - start + 1;
            if n > p.max_per_hour {
                // Extend the burst to its end, report once, and continue after it.
                let mut end = i;
                while end + 1 < times.len() && times[end + 1] - times[start] < time::Duration::HOUR {
                    end += 1;
                }
                let n = end - start + 1;
                let from = times[start];
                out.emit_survey(
                    format!("registrar:{who}"),
                    msg(
                        "productivity.burst",
                        format!("登记人“{who}”自 {from} 起一小时内登记 {n} 条记录（超过 {} 条）", p.max_per_hour),
                        format!("registrar \"{who}\" registered {n} records within one hour from {from} (more than {})", p.max_per_hour),
                    )
                    .with("registrar", who)
                    .with("count", n.to_string()),
                );
                i = end + 1;
                start = i;
                continue;
            }
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::{record, survey};
    use serde_json::json;

    #[test]
    fn a_burst_is_reported_once() {
        let r = |who: &str, min: u32| {
            record("settlement.village", json!({"standard_name": format!("{who}{min}庄"), "registrar": who,
                "registered_at": format!("2026-04-08T{:02}:{:02}:00+08:00", 9 + min / 60, min % 60)}), None)
        };
        // 70 records in 35 minutes by one registrar, 70 over 140 minutes by another.
        let mut recs: Vec<_> = (0..70).map(|i| r("李秀英", i / 2)).collect();
        recs.extend((0..70).map(|i| r("张建国", i * 2)));
        let rep = survey(&recs);
        let f: Vec<_> = rep.of_rule("W-7").collect();
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].message.params["registrar"], "李秀英");
        assert_eq!(f[0].message.params["count"], "70");
    }
}
