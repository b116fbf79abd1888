//! S-11 (WARNING, record): relations hold spatially.
//!
//! The catalogue's relations (a bridge intersects what it crosses; a tunnel or bridge
//! lies on its route within 20 m; a reservoir intersects its river; a ferry's ends are on
//! opposite banks; a natural village lies inside its committee's area) join two records.
//! At the record stage only one record is visible, so this rule checks what one record
//! holds and reports the rest as not checked (they need the survey):
//! - ours: on a line, 起点坐标 and 止点坐标 are the ends of its geometry (within
//!   max(t, 10 m), in either direction);
//! - a ferry's two ends (起点/止点坐标) are distinct places (not within max(t, 10 m) of
//!   each other: one bank cannot be both), and its 航程 is not shorter than the straight
//!   distance between them;
//! - the cross-record relations named in schemas/qa/params/S-11.json: when the record
//!   fills the relation field, "not checked (needs the survey)".

use serde::Deserialize;
use toponym_core::{Geometry, LonLat, Severity};

use crate::rules::d_1_exact_duplicate::distance_m;
use crate::rules::s_6_extent_bbox::{numbers, Tolerance};
use crate::{msg, parse_params, view, Check, Out, Prep, RecordCtx, Rule, Stage};

pub(crate) static RULE: Rule = Rule {
    id: "S-11",
    severity: Severity::Warning,
    stage: Stage::Record,
    basis: "ours",
    title_zh: "空间关系成立",
    title_en: "Spatial relations hold",
    checks: "Lines: start_point / end_point within max(t, 10 m) of the geometry's ends. transport.ferry: start and end points farther apart than max(t, 10 m), route_length_m ≥ their distance − max(t, 10 m). Relations to other records (bridge crosses/on_route, tunnel on_route, reservoir river, ferry crosses, natural village committee): not checked at the record stage (need the survey).",
    prepare: Some(parse_params::<Params>),
    check: Check::Record(check),
};

#[derive(Deserialize)]
struct Relation {
    template: String,
    field: String,
}

#[derive(Deserialize)]
struct Params {
    tolerance: Tolerance,
    ferry_template: String,
    cross_record: Vec<Relation>,
}

fn point(cx: &RecordCtx<'_>, key: &str) -> Option<LonLat> {
    cx.get(key)
        .and_then(numbers::<2>)
        .filter(|p| view::in_china(*p))
}

fn check(cx: &RecordCtx<'_>, p: &Prep<'_>, out: &mut Out<'_>) {
    let p: &Params = p.get();
    let (start, end) = (point(cx, "start_point"), point(cx, "end_point"));
    if start.is_some() || end.is_some() {
        let buffer = p.tolerance.buffer(cx);
        if let Some(g) = &cx.record.geometry {
            line_ends(g, start, end, buffer, out);
        }
        if cx.template.id == p.ferry_template {
            if let (Some(a), Some(b)) = (start, end) {
                ferry(cx, a, b, buffer, out);
            }
        }
    }
    for r in &p.cross_record {
        if r.template == cx.template.id && cx.get(&r.field).is_some() {
            out.not_checked(msg(
                "qa.needs_survey",
                "该空间关系涉及另一条记录（跨越对象、所在线路、所在河流或所属村委会），单条记录保存时无法检查，需在成果包中检查",
                "this spatial relation involves another record (what it crosses, its route, its river or its committee): it cannot be checked on saving one record and needs the survey",
            ));
            return;
        }
    }
}

fn ends(g: &Geometry) -> Vec<LonLat> {
    match g {
        Geometry::LineString(l) => l.first().into_iter().chain(l.last()).copied().collect(),
        Geometry::MultiLineString(ls) => ls
            .iter()
            .flat_map(|l| l.first().into_iter().chain(l.last()))
            .copied()
            .collect(),
        _ => Vec::new(),
    }
}

fn line_ends(
    g: &Geometry,
    start: Option<LonLat>,
    end: Option<LonLat>,
    buffer: f64,
    out: &mut Out<'_>,
) {
    let e = ends(g);
    if e.is_empty() {
        return;
    }
    for (key, zh, en, pt) in [
        ("start_point", "起点坐标", "start point", start),
        ("end_point", "止点坐标", "end point", end),
    ] {
        let Some(pt) = pt else { continue };
        let d = e
            .iter()
            .map(|q| distance_m(pt, *q))
            .fold(f64::INFINITY, f64::min);
        if d > buffer {
            out.emit(
                format!("fields.{key}"),
                msg(
                    "relation.line_end",
                    format!("{zh} ({}, {}) 距线状几何最近的端点 {d:.0} 米，超过容差 {buffer} 米：起止点应为线的两端", pt[0], pt[1]),
                    format!("the {en} ({}, {}) is {d:.0} m from the nearest end of the line geometry, more than {buffer} m: start and end points are the line's ends", pt[0], pt[1]),
                )
                .with("distance_m", format!("{d:.0}")),
            );
        }
    }
}

fn ferry(cx: &RecordCtx<'_>, a: LonLat, b: LonLat, buffer: f64, out: &mut Out<'_>) {
    let d = distance_m(a, b);
    if d <= buffer {
        out.emit(
            "fields.end_point",
            msg(
                "relation.ferry_one_bank",
                format!("渡口两端相距仅 {d:.0} 米：起点与止点应分处两岸"),
                format!("the ferry's two ends are only {d:.0} m apart: they lie on opposite banks"),
            )
            .with("distance_m", format!("{d:.0}")),
        );
        return;
    }
    if let Some(len) = cx.num("route_length_m") {
        if len > 0.0 && len + buffer < d {
            out.emit(
                "fields.route_length_m",
                msg(
                    "relation.ferry_route_short",
                    format!("航程 {len} 米短于两岸渡口间的直线距离 {d:.0} 米：航程或起止点有误"),
                    format!("the route length {len} m is shorter than the straight distance {d:.0} m between the ends: the length or the ends are wrong"),
                )
                .with("route_length_m", len.to_string())
                .with("distance_m", format!("{d:.0}")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::{findings, record, survey};
    use serde_json::json;

    fn lane(start: [f64; 2], end: [f64; 2]) -> toponym_core::Record {
        record(
            "transport.street_lane",
            json!({"standard_name": "仓库街", "survey_method": "实测", "start_point": start, "end_point": end}),
            Some(json!({"type": "LineString", "coordinates": [[117.10, 36.20], [117.11, 36.20], [117.12, 36.21]]})),
        )
    }

    #[test]
    fn start_and_end_points_are_the_line_ends() {
        assert!(findings("S-11", &lane([117.10, 36.20], [117.12, 36.21])).is_empty());
        assert!(findings("S-11", &lane([117.12, 36.21], [117.10005, 36.20])).is_empty(), "reversed, 4.5 m off");
        let f = findings("S-11", &lane([117.11, 36.20], [117.12, 36.21]));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].path, "fields.start_point");
    }

    #[test]
    fn a_ferry_has_two_banks_and_a_route_at_least_as_long() {
        let ferry = |end: [f64; 2], len: f64| {
            record("transport.ferry", json!({"standard_name": "大汶口渡", "start_point": [117.10, 36.20], "end_point": end, "route_length_m": len}), None)
        };
        assert!(findings("S-11", &ferry([117.10, 36.203], 340.0)).is_empty(), "≈ 333 m");
        let f = findings("S-11", &ferry([117.10, 36.203], 200.0));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].message.code, "relation.ferry_route_short");
        let f = findings("S-11", &ferry([117.10, 36.20003], 200.0));
        assert_eq!(f[0].message.code, "relation.ferry_one_bank");
    }

    #[test]
    fn relations_to_other_records_are_not_checked() {
        let b = record("transport.bridge", json!({"standard_name": "大汶河大桥", "crosses": "大汶河"}), None);
        let rep = survey(&[b]);
        let cov = rep.coverage.iter().find(|c| c.rule == "S-11").expect("row");
        assert_eq!(cov.skipped[0].reason.code, "qa.needs_survey");
        let plain = record("transport.bridge", json!({"standard_name": "大汶河大桥"}), None);
        let rep = survey(&[plain]);
        let cov = rep.coverage.iter().find(|c| c.rule == "S-11").expect("row");
        assert!(cov.skipped.is_empty());
    }
}
