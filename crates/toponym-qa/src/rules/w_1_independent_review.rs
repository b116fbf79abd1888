//! W-1 (BLOCKER, bundle): every reviewed record has a reviewer different from its
//! registrar (专人填写、专人审核).
//!
//! Until members have keys (the people-and-review issue), the check compares the 登记人 and
//! 审核人 fields after trimming; a record with a review result but no reviewer is flagged
//! too. Records not yet reviewed are left to the workflow.

use toponym_core::Severity;

use crate::{msg, view, Check, Out, Prep, Rule, Stage, SurveyCtx};

pub(crate) static RULE: Rule = Rule {
    id: "W-1",
    severity: Severity::Blocker,
    stage: Stage::Bundle,
    basis: "census practice + ours",
    title_zh: "专人填写、专人审核",
    title_en: "Reviewer differs from registrar",
    checks: "Every record with fields.reviewer or fields.review_result: the reviewer is named and is not the registrar (names compared after trimming; keys once members have them).",
    prepare: None,
    check: Check::Survey(check),
};

fn check(cx: &SurveyCtx<'_>, _: &Prep<'_>, out: &mut Out<'_>) {
    for r in cx.records {
        let registrar = view::person(r, "registrar");
        let reviewer = view::person(r, "reviewer");
        let reviewed = view::text(r, "review_result").is_some();
        match (registrar, reviewer) {
            (Some(a), Some(b)) if a == b => out.emit_for(
                r.record_id,
                "fields.reviewer",
                msg(
                    "review.self",
                    format!("审核人“{b}”与登记人相同：登记与审核须由不同人员完成"),
                    format!("reviewer \"{b}\" is the registrar: a record must be reviewed by someone else"),
                )
                .with("person", b),
            ),
            (_, None) if reviewed => out.emit_for(
                r.record_id,
                "fields.reviewer",
                msg(
                    "review.no_reviewer",
                    "有审核结论但未填写审核人",
                    "a review result is given but no reviewer",
                ),
            ),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::{record, survey};
    use serde_json::json;

    #[test]
    fn self_review_is_a_blocker() {
        let same = record("unit.hospital", json!({"standard_name": "甲医院", "registrar": "张建国", "reviewer": " 张建国", "review_result": "通过"}), None);
        let other = record("unit.hospital", json!({"standard_name": "乙医院", "registrar": "张建国", "reviewer": "刘玉兰", "review_result": "通过"}), None);
        let unreviewed = record("unit.hospital", json!({"standard_name": "丙医院", "registrar": "张建国"}), None);
        let rep = survey(&[same.clone(), other, unreviewed]);
        let f: Vec<_> = rep.of_rule("W-1").collect();
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].record_id.as_deref(), Some(same.record_id.to_string().as_str()));
        assert_eq!(f[0].severity, toponym_core::Severity::Blocker);
    }
}
