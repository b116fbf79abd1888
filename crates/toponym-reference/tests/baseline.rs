//! The investigation-list baseline of 泰山区 and 岱岳区 from the real 2016 and 2021 tables.
//! Expected counts were counted independently from the CSV files (a union of the codes of
//! towns and villages in each county) and are stated here with how they arise.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns

use toponym_reference::baseline::{comparable_name, template_for_code};
use toponym_reference::{builtin, plan_baseline, CensusStatus, UnitLevel};

#[test]
fn taishan_entry_counts_match_the_source_tables() {
    let (old, new) = (
        builtin::taian_2016().unwrap(),
        builtin::taian_2021().unwrap(),
    );
    let plan = plan_baseline("370902", &old, &new).unwrap();
    // 2016: 8 towns + 209 villages = 217 rows; 2021: 8 + 213 = 221; all 217 old codes recur.
    assert_eq!((plan.counts.old_rows, plan.counts.new_rows), (217, 221));
    assert_eq!(plan.entries.len(), 221);
    assert!(plan.skipped.is_empty(), "{:?}", plan.skipped);
    assert_eq!(plan.county_name, "泰山区");
    // The only name differences are 街道办事处 → 街道, which is the same name.
    assert_eq!(plan.counts.by_status.get("修改"), None);
    assert_eq!(plan.counts.by_status.get("新增"), Some(&4));
    assert_eq!(plan.counts.by_status.get("不变"), Some(&217));
    assert_eq!(plan.counts.by_template.get("admin.township"), Some(&8));
    let dongjun = plan
        .entries
        .iter()
        .find(|e| e.code == "370902001022")
        .unwrap();
    assert_eq!(
        (dongjun.status, dongjun.template_id.as_str()),
        (CensusStatus::Added, "selfgov.community")
    );
}

#[test]
fn daiyue_reports_renamed_new_and_abolished_committees() {
    let (old, new) = (
        builtin::taian_2016().unwrap(),
        builtin::taian_2021().unwrap(),
    );
    let plan = plan_baseline("370911", &old, &new).unwrap();
    // 728 codes in each edition, 724 shared, 4 gone, 4 new: 732 entries.
    assert_eq!(
        (
            plan.counts.old_rows,
            plan.counts.new_rows,
            plan.entries.len()
        ),
        (728, 728, 732)
    );
    assert_eq!(plan.counts.by_status.get("修改"), Some(&10));
    assert_eq!(plan.counts.by_status.get("注销"), Some(&4));
    assert_eq!(plan.counts.by_status.get("新增"), Some(&4));
    let laogong = plan
        .entries
        .iter()
        .find(|e| e.code == "370911111212")
        .unwrap();
    assert_eq!(laogong.status, CensusStatus::Modified);
    assert_eq!(laogong.standard_name, "老宫官庄村委会");
    assert_eq!(laogong.prefill["former_names"][0]["name"], "老宫村委会");
    // 堰西村委会 (…001214) disappeared and 堰西社区居委会 (…001017) appeared in the same 街道.
    let yanxi = plan
        .entries
        .iter()
        .find(|e| e.code == "370911001214")
        .unwrap();
    assert_eq!(yanxi.status, CensusStatus::Removed);
    assert_eq!(yanxi.related_code.as_deref(), Some("370911001017"));
    assert_eq!(yanxi.template_id, "selfgov.village_committee");
}

#[test]
fn prefill_carries_codes_urban_rural_class_and_converted_points_with_their_source() {
    let (old, new) = (
        builtin::taian_2016().unwrap(),
        builtin::taian_2021().unwrap(),
    );
    let plan = plan_baseline("370911", &old, &new).unwrap();
    let with_point: Vec<_> = plan
        .entries
        .iter()
        .filter(|e| e.prefill.contains_key("rep_point"))
        .collect();
    assert!(!with_point.is_empty());
    for e in &with_point {
        let raw = &old.units[&e.code];
        assert!(raw.point.is_some());
        assert_eq!(e.prefill["position_source"], "资料");
        let src = e.prefill["sources"].to_string();
        assert!(src.contains("GCJ-02"), "{src}");
    }
    // The converted point lies ~500 m west of the published GCJ-02 one.
    let text = builtin::table("taian_2016").unwrap().1;
    let line = text
        .lines()
        .find(|l| l.starts_with(&with_point[0].code))
        .unwrap();
    let cols: Vec<&str> = line.split(',').collect();
    let gcj_lon: f64 = cols[12].parse().unwrap();
    let lon = with_point[0].prefill["rep_point"][0].as_f64().unwrap();
    assert!(
        (gcj_lon - lon) > 0.005 && (gcj_lon - lon) < 0.0065,
        "{gcj_lon} vs {lon}"
    );
    let town = plan
        .entries
        .iter()
        .find(|e| e.code == "370911001000")
        .unwrap();
    assert_eq!(town.prefill["division_code"], "370911001");
    assert_eq!(town.prefill["division_type"], "街道");
    let vc = plan
        .entries
        .iter()
        .find(|e| e.template_id == "selfgov.village_committee")
        .unwrap();
    assert_eq!(vc.prefill["stats_code"], vc.code.as_str());
    assert_eq!(vc.prefill["admin_areas"][1], &vc.code[..9]);
    assert!(vc.prefill.contains_key("urban_rural_code"));
}

#[test]
fn templates_follow_the_code_ranges() {
    assert_eq!(
        template_for_code("370902001000", UnitLevel::Town)
            .unwrap()
            .0,
        "admin.township"
    );
    assert_eq!(
        template_for_code("370902100000", UnitLevel::Town)
            .unwrap()
            .1,
        Some("镇")
    );
    assert_eq!(
        template_for_code("370902202000", UnitLevel::Town)
            .unwrap()
            .1,
        Some("乡")
    );
    assert_eq!(
        template_for_code("370902001005", UnitLevel::Village)
            .unwrap()
            .0,
        "selfgov.community"
    );
    assert_eq!(
        template_for_code("370902202205", UnitLevel::Village)
            .unwrap()
            .0,
        "selfgov.village_committee"
    );
    assert!(template_for_code("370902400000", UnitLevel::Town)
        .unwrap_err()
        .contains("政企合一"));
    assert!(template_for_code("370902202405", UnitLevel::Village)
        .unwrap_err()
        .contains("400–599"));
    assert_eq!(
        comparable_name("泰前街道办事处"),
        comparable_name("泰前街道")
    );
    assert_ne!(
        comparable_name("老宫村委会"),
        comparable_name("老宫官庄村委会")
    );
}

#[test]
fn an_unknown_county_is_an_error_naming_both_tables() {
    let (old, new) = (
        builtin::taian_2016().unwrap(),
        builtin::taian_2021().unwrap(),
    );
    let e = plan_baseline("370999", &old, &new).unwrap_err().to_string();
    assert!(
        e.contains("370999") && e.contains("taian_admin_2021"),
        "{e}"
    );
}

#[test]
fn rows_that_fit_no_template_are_reported_with_file_line_and_reason() {
    use toponym_reference::{Edition, Provenance};
    let old = builtin::taian_2016().unwrap();
    // A statistics-only farm unit (village segment 401) appended to the real 2021 table.
    let mut text = builtin::table("taian_2021").unwrap().1.to_owned();
    text.push_str("370902100401,省庄林场管理区,370902100000,village\n");
    let lines = text.lines().count() as u64;
    let new = Edition::parse_nbs(
        Provenance::ad_hoc("t", "taian_2021_plus.csv", "none"),
        2021,
        &text,
    )
    .unwrap();
    let plan = plan_baseline("370902", &old, &new).unwrap();
    assert_eq!(plan.entries.len(), 221, "the farm unit is not an entry");
    assert_eq!(plan.skipped.len(), 1);
    let s = &plan.skipped[0];
    assert_eq!(
        (s.file.as_str(), s.line, s.code.as_str()),
        ("taian_2021_plus.csv", lines, "370902100401")
    );
    assert!(s.reason.contains("400–599"), "{}", s.reason);
}
