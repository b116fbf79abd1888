//! K-4 (ERROR, bundle): the administrative codes a record lists in 所在(跨)行政区 are valid
//! on the reference date of the division table the caller loaded (`Refs::current_units`).
//!
//! Codes are compared by their significant prefix: `370000` and `370000000000` are the
//! province 37, `370902001000` is the township 370902001. A province, prefecture, county
//! or township code is judged against the table; a 12-digit village-level code only where
//! the table holds village-level codes for that county (elsewhere it is counted as not
//! checked, with the reason). A code that is not 2, 4, 6, 9 or 12 digits is reported as
//! malformed. Without a table the rule says "not checked".

use rustc_hash::FxHashSet;
use toponym_core::Severity;

use crate::{msg, view, Check, Out, Prep, Rule, Stage, SurveyCtx};

pub(crate) static RULE: Rule = Rule {
    id: "K-4",
    severity: Severity::Error,
    stage: Stage::Bundle,
    basis: "ours",
    title_zh: "行政区划代码现行有效",
    title_en: "Admin codes current on the reference date",
    checks: "Each code in fields.admin_areas, by its significant prefix (2/4/6/9/12 digits): present in the loaded division table of the reference date; 12-digit codes only where the table has village-level codes for that county; other shapes are malformed. Not checked without a table.",
    prepare: None,
    check: Check::Survey(check),
};

/// The significant prefix of a division code (`370900` → `3709`, `370902001000` →
/// `370902001`), or `None` if it is not a 2/4/6/9/12-digit code.
pub(crate) fn significant(code: &str) -> Option<&str> {
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut s = match code.len() {
        2 | 4 | 6 | 9 | 12 => code,
        _ => return None,
    };
    // Strip trailing all-zero segments (village 3, township 3, county 2, prefecture 2).
    for (len, seg) in [(12, 3), (9, 3), (6, 2), (4, 2)] {
        if s.len() == len && s[len - seg..].bytes().all(|b| b == b'0') {
            s = &s[..len - seg];
        }
    }
    if s.len() < 2 || s.bytes().all(|b| b == b'0') {
        return None;
    }
    Some(s)
}

fn check(cx: &SurveyCtx<'_>, _: &Prep<'_>, out: &mut Out<'_>) {
    let Some(units) = cx.refs.current_units.as_ref() else {
        out.not_checked(msg(
            "qa.no_division_table",
            "未加载现行行政区划代码表",
            "no current division table is loaded",
        ));
        return;
    };
    let date = cx.refs.reference_date.as_deref().unwrap_or("?");
    // Counties whose village-level codes the table holds.
    let village_counties: FxHashSet<&str> = units
        .iter()
        .filter(|c| c.len() == 12)
        .map(|c| &c[..6])
        .collect();
    let mut unjudged = 0u64;
    for r in cx.records {
        for (i, code) in view::admin_areas(r).into_iter().enumerate() {
            let path = format!("fields.admin_areas[{i}]");
            let Some(sig) = significant(code) else {
                out.emit_for(
                    r.record_id,
                    path,
                    msg(
                        "admin.code_malformed",
                        format!("行政区划代码“{code}”不是 2、4、6、9 或 12 位数字代码"),
                        format!("admin code \"{code}\" is not a 2, 4, 6, 9 or 12-digit code"),
                    )
                    .with("code", code),
                );
                continue;
            };
            if sig.len() == 12 && !village_counties.contains(&sig[..6]) {
                unjudged += 1;
                continue;
            }
            if !units.contains(sig) {
                out.emit_for(
                    r.record_id,
                    path,
                    msg(
                        "admin.code_not_current",
                        format!("行政区划代码“{code}”在 {date} 的区划代码表中不存在（已撤销、调整或有误）"),
                        format!("admin code \"{code}\" is not in the division table of {date} (abolished, changed or mistyped)"),
                    )
                    .with("code", code)
                    .with("reference_date", date),
                );
            }
        }
    }
    if unjudged > 0 {
        out.not_checked(msg(
            "admin.no_village_table",
            format!("{unjudged} 个村级代码所在县无村级区划代码表，未检查"),
            format!("{unjudged} village-level codes lie in counties without a village-level table and were not checked"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::significant;
    use crate::testkit::{record, survey_refs};
    use crate::Refs;
    use serde_json::json;

    #[test]
    fn significant_prefixes() {
        assert_eq!(significant("370000"), Some("37"));
        assert_eq!(significant("370900"), Some("3709"));
        assert_eq!(significant("370902"), Some("370902"));
        assert_eq!(significant("370902001000"), Some("370902001"));
        assert_eq!(significant("370902001201"), Some("370902001201"));
        assert_eq!(significant("370902000000"), Some("370902"));
        assert_eq!(significant("37090"), None);
        assert_eq!(significant("000000"), None);
        assert_eq!(significant("37A902"), None);
    }

    fn refs() -> Refs {
        Refs {
            current_units: Some(
                ["37", "3709", "370902", "370902001", "370902001201"]
                    .into_iter()
                    .map(String::from)
                    .collect(),
            ),
            reference_date: Some("2023".into()),
            ..Refs::default()
        }
    }

    fn village(admin: serde_json::Value) -> toponym_core::Record {
        record("settlement.village", json!({"standard_name": "东王庄", "admin_areas": admin}), None)
    }

    #[test]
    fn abolished_and_malformed_codes_are_errors_current_ones_pass() {
        let recs = [
            village(json!(["370902", "370902001"])),
            village(json!(["370902", "370902009"])),
            village(json!(["37090"])),
            village(json!(["370902001201000"])),
            village(json!([{"code": "370902001201"}])),
        ];
        let rep = survey_refs(&recs, &refs());
        let f: Vec<_> = rep.of_rule("K-4").collect();
        assert_eq!(f.len(), 3, "{f:?}");
        let on = |i: usize| -> Vec<_> {
            let id = Some(recs[i].record_id.to_string());
            f.iter().filter(|x| x.record_id == id).collect()
        };
        assert!(on(0).is_empty() && on(4).is_empty(), "{f:?}");
        assert_eq!(on(1).len(), 1);
        assert_eq!(on(1)[0].path, "fields.admin_areas[1]");
        assert_eq!(on(1)[0].message.code, "admin.code_not_current");
        assert_eq!(on(2)[0].message.code, "admin.code_malformed");
        assert_eq!(on(3)[0].message.code, "admin.code_malformed");
    }

    #[test]
    fn villages_of_uncovered_counties_and_a_missing_table_are_not_checked() {
        let rep = survey_refs(&[village(json!(["370911", "370911001201"]))], &refs());
        // 370911 is not in the table: the county code is reported, the village one not judged.
        let f: Vec<_> = rep.of_rule("K-4").collect();
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].message.params["code"], "370911");
        let row = rep.coverage.iter().find(|c| c.rule == "K-4").expect("row");
        assert_eq!(row.skipped.len(), 1, "{row:?}");
        let none = survey_refs(&[village(json!(["370902"]))], &Refs::default());
        let row = none.coverage.iter().find(|c| c.rule == "K-4").expect("row");
        assert_eq!(row.status, crate::CoverageStatus::NotChecked);
    }
}
