//! W-2 (BLOCKER, bundle): no edit after review. A reviewed record (审核人 filled) whose
//! content changed after its review must go back to 待审核.
//!
//! Until review signatures exist (the people-and-review issue stores the content hash a
//! reviewer signed), the evidence is the survey's hash-chained audit log: the review is
//! the latest entry that set the record's review fields (审核人, 审核时间, 审核结果, 审核
//! 说明, or the creation of a record that arrived already reviewed); any later entry that
//! changes anything else (a field, the geometry, the template) is an edit after review.
//! Changes made in the same write as the review (the same store time) count as reviewed.
//! Record files without a store have no log: "not checked".
//!
//! Only changes of the form are edits: `template`, `geometry` and `fields.<key>`. The log
//! also holds annotations that change no value, such as a QA warning the surveyor accepted
//! with a reason (`qa.override`); the record's content is still what the reviewer signed,
//! so an override after the review is allowed and does not send the record back. The
//! reviewer sees it anyway: the QA report lists the overridden warning with its reason,
//! who and when, and the record's history shows the entry.

use rustc_hash::FxHashMap;
use toponym_core::Severity;

use crate::{msg, view, Change, Check, Out, Prep, Rule, Stage, SurveyCtx};

pub(crate) static RULE: Rule = Rule {
    id: "W-2",
    severity: Severity::Blocker,
    stage: Stage::Bundle,
    basis: "ours",
    title_zh: "审核后不得修改",
    title_en: "No edit after review",
    checks: "Records with fields.reviewer: no audit-log entry changing the form (template, geometry, a field) other than the review fields (reviewer, reviewed_at, review_result, review_note, the envelope's workflow_status) later than the latest entry that set a review field or created the record; annotations such as accepted warnings (qa.override) are not edits. Not checked without an audit log (record files).",
    prepare: None,
    check: Check::Survey(check),
};

/// Whether a log entry changes the form (rather than annotating it, like `qa.override`).
fn is_form_change(field: &str) -> bool {
    field == "template" || field == "geometry" || field.starts_with("fields.")
}

/// Fields that record the review itself (or the workflow state it moves).
fn is_review_field(field: &str) -> bool {
    matches!(
        field,
        "fields.reviewer"
            | "fields.reviewed_at"
            | "fields.review_result"
            | "fields.review_note"
            | "workflow_status"
            // Before schema 5 the status was a form field.
            | "fields.workflow_status"
    )
}

fn check(cx: &SurveyCtx<'_>, _: &Prep<'_>, out: &mut Out<'_>) {
    if !cx.has_store {
        out.not_checked(msg(
            "qa.no_audit_log",
            "未提供审计日志（仅有记录文件）",
            "no audit log was given (record files only)",
        ));
        return;
    }
    let mut by: FxHashMap<&str, Vec<&Change>> = FxHashMap::default();
    for c in cx.changes {
        by.entry(c.record_id.as_str()).or_default().push(c);
    }
    for r in cx.records {
        let Some(reviewer) = view::person(r, "reviewer") else {
            continue;
        };
        let id = r.record_id.to_string();
        let Some(log) = by.get(id.as_str()) else {
            continue;
        };
        let Some(reviewed) = log
            .iter()
            .filter(|c| c.is_creation() || is_review_field(&c.field))
            .map(|c| c.at)
            .max()
        else {
            continue;
        };
        let after: Vec<&&Change> = log
            .iter()
            .filter(|c| c.at > reviewed && is_form_change(&c.field) && !is_review_field(&c.field))
            .collect();
        let Some(first) = after.iter().min_by_key(|c| c.at) else {
            continue;
        };
        let fields: Vec<&str> = {
            let mut f: Vec<&str> = after.iter().map(|c| c.field.as_str()).collect();
            f.sort_unstable();
            f.dedup();
            f
        };
        let list = fields.join(", ");
        out.emit(
            first.field.clone(),
            msg(
                "review.edited_after",
                format!(
                    "记录经“{reviewer}”审核后于 {} 被“{}”修改（{list}），须退回“待审核”重新审核",
                    first.at, first.actor
                ),
                format!(
                    "the record was changed on {} by \"{}\" after \"{reviewer}\" reviewed it ({list}); it must go back to 待审核 for a new review",
                    first.at, first.actor
                ),
            )
            .with("reviewer", reviewer)
            .with("changed_by", first.actor.clone())
            .with("fields", list),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::{record, survey_full};
    use crate::Change;
    use serde_json::json;
    use time::macros::datetime;

    fn change(id: &str, minute: u8, field: &str) -> Change {
        Change {
            record_id: id.into(),
            at: datetime!(2026-04-08 09:00 UTC) + time::Duration::minutes(minute.into()),
            actor: "王强".into(),
            field: field.into(),
        }
    }

    #[test]
    fn an_edit_after_the_review_is_a_blocker_and_a_re_review_clears_it() {
        let r = record(
            "settlement.village",
            json!({"standard_name": "东王庄", "registrar": "李秀英", "reviewer": "王强"}),
            None,
        );
        let id = r.record_id.to_string();
        let recs = [r];
        // Arrived reviewed, then the name changed: blocked.
        let log = [change(&id, 0, "*"), change(&id, 5, "fields.standard_name")];
        let rep = survey_full(&recs, &[], &[], &log, true);
        let f: Vec<_> = rep.of_rule("W-2").collect();
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].path, "fields.standard_name");
        assert_eq!(f[0].message.params["fields"], "fields.standard_name");
        // Reviewed again after the edit: clean.
        let log = [
            change(&id, 0, "*"),
            change(&id, 5, "fields.standard_name"),
            change(&id, 9, "fields.reviewed_at"),
        ];
        assert_eq!(survey_full(&recs, &[], &[], &log, true).of_rule("W-2").count(), 0);
        // Only the review note changed after the review: not an edit.
        let log = [change(&id, 0, "*"), change(&id, 5, "fields.review_note")];
        assert_eq!(survey_full(&recs, &[], &[], &log, true).of_rule("W-2").count(), 0);
    }

    #[test]
    fn an_accepted_warning_after_the_review_is_not_an_edit() {
        let r = record(
            "settlement.village",
            json!({"standard_name": "东王庄", "registrar": "李秀英", "reviewer": "王强"}),
            None,
        );
        let id = r.record_id.to_string();
        let recs = [r];
        let log = [change(&id, 0, "*"), change(&id, 5, "qa.override")];
        assert_eq!(survey_full(&recs, &[], &[], &log, true).of_rule("W-2").count(), 0);
        // An edit after the override still is one, and is the one named.
        let log = [
            change(&id, 0, "*"),
            change(&id, 5, "qa.override"),
            change(&id, 7, "geometry"),
        ];
        let rep = survey_full(&recs, &[], &[], &log, true);
        let f: Vec<_> = rep.of_rule("W-2").collect();
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].path, "geometry");
        assert_eq!(f[0].message.params["fields"], "geometry");
    }

    #[test]
    fn unreviewed_records_may_change_and_record_files_are_not_checked() {
        let r = record("settlement.village", json!({"standard_name": "东王庄"}), None);
        let id = r.record_id.to_string();
        let log = [change(&id, 0, "*"), change(&id, 5, "geometry")];
        let recs = [r];
        assert_eq!(survey_full(&recs, &[], &[], &log, true).of_rule("W-2").count(), 0);
        let rep = survey_full(&recs, &[], &[], &[], false);
        let row = rep.coverage.iter().find(|c| c.rule == "W-2").expect("W-2 row");
        assert_eq!(row.status, crate::CoverageStatus::NotChecked, "{row:?}");
    }
}
