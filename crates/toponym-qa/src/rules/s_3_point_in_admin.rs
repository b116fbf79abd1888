//! S-3 (ERROR, record): the 定位点 lies within one of the units listed in 所在(跨)行政区.
//!
//! Checked against the county outlines the machine has (`Refs::boundaries`), with the
//! buffer max(t, 10 m) of the catalogue. Township outlines are not shipped, so below county
//! level the report says "not checked" for that part; a record whose counties have no
//! outline here is "not checked" too, never passed.

use serde::Deserialize;
use std::collections::BTreeMap;
use toponym_core::Severity;

use crate::{msg, parse_params, view, Check, Out, Prep, RecordCtx, Rule, Stage};

pub(crate) static RULE: Rule = Rule {
    id: "S-3",
    severity: Severity::Error,
    stage: Stage::Record,
    basis: "census field + ours",
    title_zh: "定位点位于所在行政区内",
    title_en: "Point lies in a listed unit",
    checks: "The representative point lies within max(t, 10 m) of one of the counties of fields.admin_areas (county outlines of the reference data; township level is reported as not checked).",
    prepare: Some(parse_params::<Params>),
    check: Check::Record(check),
};

#[derive(Deserialize)]
struct Params {
    tolerance_m: BTreeMap<String, f64>,
    default_tolerance_m: f64,
    min_buffer_m: f64,
}

fn check(cx: &RecordCtx<'_>, p: &Prep<'_>, out: &mut Out<'_>) {
    let p: &Params = p.get();
    let Some(pt) = view::point(cx.record).filter(|p| view::in_china(*p)) else {
        return; // S-1 reports a missing, swapped or out-of-range point
    };
    let listed = view::admin_areas(cx.record);
    let mut counties: Vec<&str> = listed
        .iter()
        .filter(|c| c.len() >= 6 && c.bytes().all(|b| b.is_ascii_digit()))
        .map(|c| &c[..6])
        .collect();
    counties.sort_unstable();
    counties.dedup();
    if counties.is_empty() {
        return; // C-1 reports missing 所在行政区
    }
    let t = cx
        .text("survey_method")
        .and_then(|m| p.tolerance_m.get(m))
        .copied()
        .unwrap_or(p.default_tolerance_m);
    let buffer = t.max(p.min_buffer_m);
    let results: Vec<(&str, Option<bool>)> = counties
        .iter()
        .map(|c| (*c, cx.refs.within(c, pt, buffer)))
        .collect();
    if results.iter().any(|(_, r)| *r == Some(true)) {
        return;
    }
    if results.iter().any(|(_, r)| r.is_none()) {
        out.not_checked(msg(
            "qa.no_outline",
            "缺少所列县级行政区的边界数据",
            "no outline of the listed county is loaded",
        ));
        return;
    }
    let inside: Vec<String> = cx
        .refs
        .boundaries
        .iter()
        .flat_map(|b| b.containing(pt))
        .map(|a| format!("{}({})", a.name, a.code))
        .collect();
    let listed_names: Vec<String> = counties
        .iter()
        .map(|c| format!("{}({c})", cx.refs.unit_name(c)))
        .collect();
    let where_zh = if inside.is_empty() {
        "不在任何已载入的县级行政区内".to_owned()
    } else {
        format!("位于{}", inside.join("、"))
    };
    out.emit(
        "fields.rep_point",
        msg(
            "spatial.outside_admin",
            format!("定位点{where_zh}，超出所在行政区 {} 的 {buffer} 米容差", listed_names.join("、")),
            format!(
                "the point lies {} — more than {buffer} m outside the listed {}",
                if inside.is_empty() { "in no loaded county".to_owned() } else { format!("in {}", inside.join(", ")) },
                listed_names.join(", ")
            ),
        )
        .with("listed", counties.join(","))
        .with("found", inside.join(",")),
    );
}

#[cfg(test)]
mod tests {
    use crate::testkit::{findings_with, record};
    use crate::Refs;
    use serde_json::json;

    fn refs() -> Refs {
        crate::testkit::taian_outlines()
    }

    fn school(lon: f64, lat: f64, areas: &[&str]) -> toponym_core::Record {
        record(
            "unit.school",
            json!({"standard_name": "泰山学校", "admin_areas": areas, "rep_point": [lon, lat], "survey_method": "实测"}),
            Some(json!({"type": "Point", "coordinates": [lon, lat]})),
        )
    }

    #[test]
    fn a_point_in_the_listed_county_passes_and_one_in_the_next_county_fails() {
        let refs = refs();
        let taishan = refs.outline("370902").expect("泰山区");
        let daiyue = refs.outline("370911").expect("岱岳区");
        let inside = |a: &toponym_reference::AdminArea| {
            use geo::InteriorPoint;
            let g = a.geometry.to_geo();
            let p = g.interior_point().expect("interior point");
            (p.x(), p.y())
        };
        let (x, y) = inside(taishan);
        assert!(findings_with("S-3", &school(x, y, &["370902"]), &refs).is_empty());
        let (x, y) = inside(daiyue);
        let f = findings_with("S-3", &school(x, y, &["370902"]), &refs);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].message.params["found"].contains("370911"));
        assert!(findings_with("S-3", &school(x, y, &["370902", "370911"]), &refs).is_empty());
    }

    #[test]
    fn without_outlines_it_is_not_checked_and_raises_nothing() {
        let r = school(117.1, 36.2, &["370902"]);
        assert!(findings_with("S-3", &r, &Refs::default()).is_empty());
        let rep = crate::testkit::survey(&[r]);
        let cov = rep.coverage.iter().find(|c| c.rule == "S-3").expect("row");
        assert_eq!(cov.status, crate::CoverageStatus::NotChecked);
        assert_eq!(cov.skipped[0].reason.code, "qa.no_outline");
    }
}
