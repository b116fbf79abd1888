//! C-9 (WARNING, bundle): hierarchy coverage. Every 村民委员会 has at least one natural
//! village: its 所辖自然村 list names one, or a `settlement.village` record names it as
//! its committee. Every township of the survey's counties has an `admin.township` record:
//! the townships expected are those of the loaded division table (`Refs::current_units`)
//! under each county the survey's committees and townships lie in, plus the townships of
//! the investigation list. Without either source the township half is "not checked".

use std::collections::BTreeSet;

use rustc_hash::FxHashSet;
use serde_json::Value;
use toponym_core::Severity;

use crate::{msg, view, Check, Out, Prep, Rule, Stage, SurveyCtx};

pub(crate) static RULE: Rule = Rule {
    id: "C-9",
    severity: Severity::Warning,
    stage: Stage::Bundle,
    basis: "ours",
    title_zh: "层级覆盖完整",
    title_en: "Hierarchy coverage",
    checks: "selfgov.village_committee: fields.natural_villages non-empty or a settlement.village with fields.committee = its id; every township (9-digit code) of the division table under the survey's counties, and every admin.township entry of the investigation list, has an admin.township record (by fields.division_code or admin_areas).",
    prepare: None,
    check: Check::Survey(check),
};

/// A reference field's record id (a string, or an object with `record_id`/`id`).
fn ref_id(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s.trim()),
        Value::Object(o) => o
            .get("record_id")
            .or_else(|| o.get("id"))
            .and_then(Value::as_str)
            .map(str::trim),
        _ => None,
    }
}

/// The township a township record stands for (9 digits).
fn township_code(r: &toponym_core::Record) -> Option<String> {
    view::text(r, "division_code")
        .and_then(crate::rules::k_4_current_admin_codes::significant)
        .filter(|c| c.len() == 9)
        .map(str::to_owned)
        .or_else(|| view::township(r))
}

fn check(cx: &SurveyCtx<'_>, _: &Prep<'_>, out: &mut Out<'_>) {
    // 1. Committees without a natural village.
    let named: FxHashSet<&str> = cx
        .records
        .iter()
        .filter(|r| r.template.id == "settlement.village")
        .filter_map(|r| r.fields.get("committee").and_then(ref_id))
        .collect();
    for r in cx.records.iter().filter(|r| r.template.id == "selfgov.village_committee") {
        let listed = r
            .fields
            .get("natural_villages")
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|v| ref_id(v).is_some_and(|s| !s.is_empty())));
        if listed || named.contains(r.record_id.to_string().as_str()) {
            continue;
        }
        let name = view::text(r, "standard_name").unwrap_or("");
        out.emit_for(
            r.record_id,
            "fields.natural_villages",
            msg(
                "hierarchy.committee_without_village",
                format!("村民委员会“{name}”没有任何自然村（所辖自然村为空，也没有自然村登记表以其为所属村委会）"),
                format!("villagers' committee \"{name}\" has no natural village (none listed, and no natural-village form names it)"),
            ),
        );
    }
    // 2. Townships without a township record.
    let have: FxHashSet<String> = cx
        .records
        .iter()
        .filter(|r| r.template.id == "admin.township")
        .filter_map(township_code)
        .collect();
    let mut expected: BTreeSet<String> = cx
        .list
        .iter()
        .filter(|e| e.template_id == "admin.township")
        .filter_map(|e| crate::rules::k_4_current_admin_codes::significant(&e.code))
        .filter(|c| c.len() == 9)
        .map(str::to_owned)
        .collect();
    let from_list = !expected.is_empty();
    let mut from_table = false;
    if let Some(units) = &cx.refs.current_units {
        let counties: BTreeSet<String> = cx
            .records
            .iter()
            .filter(|r| {
                r.template.id == "admin.township" || r.template.id.starts_with("selfgov.")
            })
            .filter_map(view::county)
            .collect();
        for c in &counties {
            let under: Vec<&String> = units
                .iter()
                .filter(|u| u.len() == 9 && u.starts_with(c.as_str()))
                .collect();
            from_table |= !under.is_empty();
            expected.extend(under.into_iter().cloned());
        }
    }
    if !from_list && !from_table {
        out.not_checked(msg(
            "hierarchy.no_township_list",
            "既无区划代码表也无调查目录中的乡级条目，未检查乡镇覆盖",
            "neither a division table nor township entries of the investigation list: township coverage not checked",
        ));
        return;
    }
    for t in expected.iter().filter(|t| !have.contains(t.as_str())) {
        let name = cx.refs.unit_name(t);
        out.emit_survey(
            format!("township:{t}"),
            msg(
                "hierarchy.township_missing",
                format!("乡级政区 {t}“{name}”没有 admin.township 登记表"),
                format!("township {t} \"{name}\" has no admin.township form"),
            )
            .with("code", t.clone()),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::{record, survey, survey_refs};
    use crate::Refs;
    use serde_json::json;

    #[test]
    fn a_committee_without_natural_villages_is_flagged() {
        let c1 = record("selfgov.village_committee", json!({"standard_name": "东王村民委员会"}), None);
        let c2 = record("selfgov.village_committee", json!({"standard_name": "西王村民委员会"}), None);
        let c3 = record("selfgov.village_committee", json!({"standard_name": "南王村民委员会",
            "natural_villages": ["0190f0f0-0000-7000-8000-000000000001"]}), None);
        let v = record("settlement.village", json!({"standard_name": "东王庄", "committee": c1.record_id.to_string()}), None);
        let rep = survey(&[c1, c2.clone(), c3, v]);
        let f: Vec<_> = rep.of_rule("C-9").collect();
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].record_id, Some(c2.record_id.to_string()));
    }

    #[test]
    fn a_township_of_the_table_without_a_form_is_flagged() {
        let refs = Refs {
            current_units: Some(
                ["370902", "370902001", "370902002", "370911001"].into_iter().map(String::from).collect(),
            ),
            ..Refs::default()
        };
        let t = record("admin.township", json!({"standard_name": "岱庙街道", "division_code": "370902001",
            "admin_areas": ["370902"]}), None);
        let rep = survey_refs(std::slice::from_ref(&t), &refs);
        let f: Vec<_> = rep.of_rule("C-9").collect();
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].path, "township:370902002");
        // Without a table or a list the township half is not checked.
        let rep = survey(&[t]);
        let row = rep.coverage.iter().find(|c| c.rule == "C-9").expect("row");
        assert_eq!(row.skipped.len(), 1, "{row:?}");
    }
}
