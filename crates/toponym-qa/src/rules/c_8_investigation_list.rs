//! C-8 (ERROR, bundle): every entry of the 地名调查目录 has a form, or is closed as
//! 注销/查无此地 with a reason. An entry closed by a form whose record is not in the
//! survey is reported too (the form was deleted or never arrived).

use std::collections::HashSet;

use toponym_core::Severity;

use crate::{msg, Check, ListClosure, Out, Prep, Rule, Stage, SurveyCtx};

pub(crate) static RULE: Rule = Rule {
    id: "C-8",
    severity: Severity::Error,
    stage: Stage::Bundle,
    basis: "census (目录 + 一个地名一张表)",
    title_zh: "调查目录逐条有表或注销",
    title_en: "Investigation list fully closed",
    checks: "Each investigation-list entry: closed by a form whose record is in the survey, or closed as 注销/查无此地 with a non-blank reason. Not checked when the input has no list (record files).",
    prepare: None,
    check: Check::Survey(check),
};

fn check(cx: &SurveyCtx<'_>, _: &Prep<'_>, out: &mut Out<'_>) {
    if cx.list.is_empty() {
        out.not_checked(msg(
            "qa.no_list",
            "未提供地名调查目录",
            "no investigation list was given",
        ));
        return;
    }
    let ids: HashSet<String> = cx.records.iter().map(|r| r.record_id.to_string()).collect();
    for e in cx.list {
        let what = format!("investigation:{}", e.code);
        match &e.closure {
            None => out.emit_survey(
                what,
                msg(
                    "list.open",
                    format!("调查目录条目 {}“{}”（{}）既无登记表也未注销", e.code, e.standard_name, e.template_id),
                    format!("investigation entry {} \"{}\" ({}) has no form and is not closed", e.code, e.standard_name, e.template_id),
                )
                .with("code", e.code.clone()),
            ),
            Some(ListClosure::Form(id)) if !ids.contains(id) => out.emit_survey(
                what,
                msg(
                    "list.form_missing",
                    format!("调查目录条目 {}“{}”登记的表 {id} 不在本调查中", e.code, e.standard_name),
                    format!("investigation entry {} \"{}\" is closed by record {id}, which is not in the survey", e.code, e.standard_name),
                )
                .with("code", e.code.clone())
                .with("record", id.clone()),
            ),
            Some(ListClosure::Without { kind, reason }) if reason.trim().is_empty() => out.emit_survey(
                what,
                msg(
                    "list.no_reason",
                    format!("调查目录条目 {}“{}”以“{kind}”关闭但未说明原因", e.code, e.standard_name),
                    format!("investigation entry {} \"{}\" is closed as {kind} without a reason", e.code, e.standard_name),
                )
                .with("code", e.code.clone()),
            ),
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::{record, survey, survey_full};
    use crate::{ListClosure, ListEntry};
    use serde_json::json;

    fn entry(code: &str, closure: Option<ListClosure>) -> ListEntry {
        ListEntry { code: code.into(), template_id: "transport.bridge".into(), standard_name: format!("{code}桥"), closure }
    }

    #[test]
    fn open_unreasoned_and_dangling_entries() {
        let r = record("transport.bridge", json!({"standard_name": "A桥"}), None);
        let list = vec![
            entry("A", Some(ListClosure::Form(r.record_id.to_string()))),
            entry("B", None),
            entry("C", Some(ListClosure::Without { kind: "查无此地".into(), reason: " ".into() })),
            entry("D", Some(ListClosure::Without { kind: "注销".into(), reason: "2019年拆除".into() })),
            entry("E", Some(ListClosure::Form("019e7044-8800-7000-8000-000000000000".into()))),
        ];
        let rep = survey_full(std::slice::from_ref(&r), &list, &[], &[], true);
        let paths: Vec<_> = rep.of_rule("C-8").map(|f| f.path.as_str()).collect();
        assert_eq!(paths.len(), 3, "{paths:?}");
        for code in ["B", "C", "E"] {
            assert!(paths.contains(&format!("investigation:{code}").as_str()), "{code}: {paths:?}");
        }
        let none = survey(&[r]);
        assert_eq!(none.of_rule("C-8").count(), 0);
        let cov = none.coverage.iter().find(|c| c.rule == "C-8").expect("row");
        assert_eq!(cov.status, crate::CoverageStatus::NotChecked);
    }
}
