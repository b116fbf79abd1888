//! L-5 (ERROR, record): hierarchy consistency, by the codes a record holds.
//!
//! - A committee (selfgov.village_committee, selfgov.community): its township, the first 9
//!   digits of its 12-digit 统计用区划代码, is the township of every 9- or 12-digit code in
//!   所在(跨)行政区, and its county (first 6 digits) is every county listed there. A
//!   committee belongs to one township, so a second township is an error too. (K-5, in
//!   the form pass, asks only that one listed code share the township; where no listed
//!   code does, both rules speak.)
//! - A villager group (selfgov.villager_group) or natural village (settlement.village):
//!   its link to the committee (所属村委会) is a record reference that one record cannot
//!   follow, so the committee is seen through the 12-digit committee codes of its
//!   所在(跨)行政区: each such committee's township must be among the listed townships,
//!   and its county among the listed counties, when any are listed ("自然村 in 甲镇 linked
//!   to a 村委会 of 乙镇"). Following the reference to the committee record itself needs
//!   the survey; that part is reported as not checked when the link is filled but the
//!   record lists no committee code.

use toponym_core::Severity;

use crate::{msg, view, Check, Out, Prep, RecordCtx, Rule, Stage};

pub(crate) static RULE: Rule = Rule {
    id: "L-5",
    severity: Severity::Error,
    stage: Stage::Record,
    basis: "ours",
    title_zh: "层级关系一致",
    title_en: "Hierarchy consistency",
    checks: "Committees: stats_code[..9] equals the township of every 9/12-digit code in admin_areas and stats_code[..6] every listed county. Villager groups and natural villages: each 12-digit committee code in admin_areas lies in a listed township and county (when listed); a committee link with no committee code listed is not checked (needs the survey).",
    prepare: None,
    check: Check::Record(check),
};

fn digits(c: &str) -> bool {
    c.bytes().all(|b| b.is_ascii_digit())
}

fn check(cx: &RecordCtx<'_>, _: &Prep<'_>, out: &mut Out<'_>) {
    let link = match cx.template.id.as_str() {
        "selfgov.village_committee" | "selfgov.community" => return committee(cx, out),
        "selfgov.villager_group" => "parent_committee",
        "settlement.village" => "committee",
        _ => return,
    };
    member(cx, link, out);
}

fn committee(cx: &RecordCtx<'_>, out: &mut Out<'_>) {
    let Some(code) = cx.text("stats_code").filter(|c| c.len() == 12 && digits(c)) else {
        return; // L-6 / K-5 report the format
    };
    let (town, county) = (&code[..9], &code[..6]);
    let listed = view::admin_areas(cx.record);
    let mut other_towns: Vec<&str> = Vec::new();
    let mut other_counties: Vec<&str> = Vec::new();
    for c in &listed {
        if !digits(c) {
            continue;
        }
        match c.len() {
            9 | 12 if &c[..9] != town => other_towns.push(&c[..9]),
            6 if *c != county => other_counties.push(c),
            _ => {}
        }
    }
    if other_towns.is_empty() && other_counties.is_empty() {
        return;
    }
    other_towns.sort_unstable();
    other_towns.dedup();
    let others: Vec<&str> = other_towns.iter().chain(&other_counties).copied().collect();
    let names: Vec<String> = others
        .iter()
        .map(|c| format!("{}({c})", cx.refs.unit_name(c)))
        .collect();
    out.emit(
        "fields.admin_areas",
        msg(
            "hierarchy.committee_township",
            format!(
                "统计用区划代码 {code} 属乡级 {}({town})，但所在行政区列有 {}：村（居）委会只属于一个乡级行政区，二者应一致",
                cx.refs.unit_name(town),
                names.join("、")
            ),
            format!(
                "statistical code {code} belongs to township {} ({town}), but the administrative areas list {}: a committee belongs to one township and the two must agree",
                cx.refs.unit_name(town),
                names.join(", ")
            ),
        )
        .with("township", town)
        .with("listed", others.join(",")),
    );
}

fn member(cx: &RecordCtx<'_>, link: &str, out: &mut Out<'_>) {
    let listed = view::admin_areas(cx.record);
    let committees = listed.iter().filter(|c| c.len() == 12 && digits(c));
    let towns: Vec<&str> = listed
        .iter()
        .filter(|c| c.len() == 9 && digits(c))
        .copied()
        .collect();
    let counties: Vec<&str> = listed
        .iter()
        .filter(|c| c.len() == 6 && digits(c))
        .copied()
        .collect();
    let mut any_committee = false;
    for c in committees {
        any_committee = true;
        let town_ok = towns.is_empty() || towns.contains(&&c[..9]);
        let county_ok = counties.is_empty() || counties.contains(&&c[..6]);
        if town_ok && county_ok {
            continue;
        }
        let (zh_where, en_where) = if !town_ok {
            let t: Vec<String> = towns
                .iter()
                .map(|t| format!("{}({t})", cx.refs.unit_name(t)))
                .collect();
            (
                format!("乡级 {}({})，不在所列乡级 {} 内", cx.refs.unit_name(&c[..9]), &c[..9], t.join("、")),
                format!("township {} ({}), not among the listed townships {}", cx.refs.unit_name(&c[..9]), &c[..9], t.join(", ")),
            )
        } else {
            (
                format!("县级 {}({})，不在所列县级 {} 内", cx.refs.unit_name(&c[..6]), &c[..6], counties.join("、")),
                format!("county {} ({}), not among the listed counties {}", cx.refs.unit_name(&c[..6]), &c[..6], counties.join(", ")),
            )
        };
        out.emit(
            "fields.admin_areas",
            msg(
                "hierarchy.member_township",
                format!(
                    "所在行政区中的村（居）委会 {}({c}) 属{zh_where}：{}与其村委会应在同一乡级行政区",
                    cx.refs.unit_name(c),
                    cx.template.name_zh
                ),
                format!(
                    "the committee {} ({c}) listed in the administrative areas belongs to {en_where}: a {} lies in the same township as its committee",
                    cx.refs.unit_name(c),
                    cx.template.name_en
                ),
            )
            .with("committee", *c)
            .with("listed", listed.join(",")),
        );
    }
    if !any_committee && cx.text(link).is_some() {
        out.not_checked(msg(
            "qa.needs_survey",
            "所属村委会是对另一条记录的引用，单条记录保存时无法比对其乡级行政区（需在成果包中检查）",
            "the committee link refers to another record: its township cannot be compared on saving one record (it needs the survey)",
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::{findings, record, survey};
    use serde_json::json;

    #[test]
    fn a_committee_whose_code_names_another_township_is_flagged() {
        let c = |areas: &[&str]| {
            record("selfgov.village_committee", json!({"standard_name": "东羊楼村委会", "stats_code": "370902101201", "admin_areas": areas}), None)
        };
        assert!(findings("L-5", &c(&["370902101"])).is_empty());
        assert!(findings("L-5", &c(&["370902", "370902101"])).is_empty());
        let f = findings("L-5", &c(&["370902102"]));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].message.params["township"], "370902101");
        assert_eq!(findings("L-5", &c(&["370902101", "370911102"])).len(), 1, "a second township");
        assert_eq!(findings("L-5", &c(&["370911"])).len(), 1, "another county");
    }

    #[test]
    fn a_natural_village_linked_to_a_committee_of_another_township_is_flagged() {
        let v = |areas: &[&str]| {
            record("settlement.village", json!({"standard_name": "西羊楼", "committee": "0195f4a2-8d3c-7000-8000-000000000001", "admin_areas": areas}), None)
        };
        assert!(findings("L-5", &v(&["370902101", "370902101201"])).is_empty());
        let f = findings("L-5", &v(&["370902101", "370902102201"]));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].message.params["committee"], "370902102201");
        let g = record("selfgov.villager_group", json!({"admin_areas": ["370911", "370902101201"]}), None);
        assert_eq!(findings("L-5", &g).len(), 1, "the committee's county is not listed");
        // Only a township listed: the reference cannot be followed here.
        let r = v(&["370902101"]);
        assert!(findings("L-5", &r).is_empty());
        let rep = survey(&[r]);
        let cov = rep.coverage.iter().find(|c| c.rule == "L-5").expect("row");
        assert_eq!(cov.skipped[0].reason.code, "qa.needs_survey");
    }
}
