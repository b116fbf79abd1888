//! S-7 (WARNING, record): the representative point (定位点) is representative of its
//! geometry.
//!
//! - Polygon: the point lies inside it (holes excluded), or within max(t, 10 m) of its
//!   outline ("township point placed at the polygon centroid, which falls in a lake" —
//!   the lake being a hole, or a concave outline's outside).
//! - Line: the point lies within max(t, 10 m) of the line.
//! - Point geometry: the point and the geometry are the same place, within max(t, 10 m)
//!   (ours: the catalogue does not name this case).
//! - Administrative areas (admin.*) and, ours, committees (selfgov.village_committee,
//!   selfgov.community, whose point is the office seat by categories-and-templates.md §1):
//!   within `seat_max_m` (500 m) of the seat's point. No template stores the seat's
//!   coordinates, so the seat is taken from the reference base points
//!   (`Refs::base_points`, the statistical edition's seat points by 12-digit code: the
//!   division code padded with zeros, or the committee's statistical code); a unit
//!   without one is reported as not checked.
//!
//! The geometry helpers here (point in rings, distance to a polyline in metres, without
//! allocating) are shared with S-11.

use serde::Deserialize;
use toponym_core::{Geometry, LonLat, Severity};

use crate::rules::d_1_exact_duplicate::distance_m;
use crate::rules::s_6_extent_bbox::{metres_per_degree, Tolerance};
use crate::{msg, parse_params, view, Check, Out, Prep, RecordCtx, Rule, Stage};

pub(crate) static RULE: Rule = Rule {
    id: "S-7",
    severity: Severity::Warning,
    stage: Stage::Record,
    basis: "ours",
    title_zh: "定位点具有代表性",
    title_en: "Representative point is representative",
    checks: "rep_point inside its polygon (or within max(t, 10 m) of the outline), within max(t, 10 m) of its line or equal to its point geometry; admin.* and committees: within 500 m of the seat point of Refs::base_points (by division code padded to 12 digits, or stats_code), else not checked.",
    prepare: Some(parse_params::<Params>),
    check: Check::Record(check),
};

#[derive(Deserialize)]
struct Params {
    tolerance: Tolerance,
    seat_templates: Vec<String>,
    seat_max_m: f64,
}

/// Whether `p` lies inside the rings (outer ring then holes) by the even-odd rule.
pub(crate) fn in_rings(p: LonLat, rings: &[Vec<LonLat>]) -> bool {
    let mut inside = false;
    for r in rings {
        for w in r.windows(2) {
            let (a, b) = (w[0], w[1]);
            if (a[1] > p[1]) != (b[1] > p[1]) {
                let x = a[0] + (p[1] - a[1]) / (b[1] - a[1]) * (b[0] - a[0]);
                if p[0] < x {
                    inside = !inside;
                }
            }
        }
    }
    inside
}

/// Distance in metres from `p` to the polyline `l` (local projection around `p`).
pub(crate) fn to_polyline_m(p: LonLat, l: &[LonLat]) -> f64 {
    let (mx, my) = metres_per_degree(p[1]);
    let xy = |q: &LonLat| ((q[0] - p[0]) * mx, (q[1] - p[1]) * my);
    let mut best = f64::INFINITY;
    if let [only] = l {
        let (x, y) = xy(only);
        return x.hypot(y);
    }
    for w in l.windows(2) {
        let (ax, ay) = xy(&w[0]);
        let (bx, by) = xy(&w[1]);
        let (dx, dy) = (bx - ax, by - ay);
        let len2 = dx * dx + dy * dy;
        let t = if len2 > 0.0 {
            (-(ax * dx + ay * dy) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        best = best.min((ax + t * dx).hypot(ay + t * dy));
    }
    best
}

/// Distance in metres from `p` to a geometry (0 inside a polygon).
pub(crate) fn to_geometry_m(p: LonLat, g: &Geometry) -> f64 {
    let rings_d = |rings: &[Vec<LonLat>]| -> f64 {
        if in_rings(p, rings) {
            0.0
        } else {
            rings
                .iter()
                .map(|r| to_polyline_m(p, r))
                .fold(f64::INFINITY, f64::min)
        }
    };
    match g {
        Geometry::Point(q) => to_polyline_m(p, std::slice::from_ref(q)),
        Geometry::LineString(l) => to_polyline_m(p, l),
        Geometry::MultiLineString(ls) => ls
            .iter()
            .map(|l| to_polyline_m(p, l))
            .fold(f64::INFINITY, f64::min),
        Geometry::Polygon(r) => rings_d(r),
        Geometry::MultiPolygon(ps) => ps.iter().map(|r| rings_d(r)).fold(f64::INFINITY, f64::min),
    }
}

fn check(cx: &RecordCtx<'_>, p: &Prep<'_>, out: &mut Out<'_>) {
    let Some(pt) = cx.record.rep_point().filter(|p| view::in_china(*p)) else {
        return; // S-1 reports a missing or misplaced point
    };
    let p: &Params = p.get();
    if let Some(g) = &cx.record.geometry {
        let buffer = p.tolerance.buffer(cx);
        let d = to_geometry_m(pt, g);
        if d.is_finite() && d > buffer {
            let (zh, en) = match g {
                Geometry::Polygon(_) | Geometry::MultiPolygon(_) => ("在其面状范围之外", "outside its own polygon"),
                Geometry::Point(_) => ("与其点位不一致", "away from its point geometry"),
                _ => ("偏离其线状几何", "off its line"),
            };
            out.emit(
                "fields.rep_point",
                msg(
                    "spatial.rep_point_off",
                    format!("定位点 ({}, {}) {zh}，相距 {d:.0} 米（容差 {buffer} 米）：定位点应取面内一点、线上一点或点位本身", pt[0], pt[1]),
                    format!("the representative point ({}, {}) is {en}, {d:.0} m away (tolerance {buffer} m): it should be a point inside the polygon, on the line or the point itself", pt[0], pt[1]),
                )
                .with("distance_m", format!("{d:.0}"))
                .with("tolerance_m", buffer.to_string()),
            );
        }
    }
    if p.seat_templates.contains(&cx.template.id) {
        seat(cx, p, pt, out);
    }
}

fn seat(cx: &RecordCtx<'_>, p: &Params, pt: LonLat, out: &mut Out<'_>) {
    let code = cx
        .text("stats_code")
        .or_else(|| cx.text("division_code"))
        .filter(|c| matches!(c.len(), 2 | 4 | 6 | 9 | 12) && c.bytes().all(|b| b.is_ascii_digit()));
    let Some(code) = code else {
        return; // C-4 / L-6 report a missing or malformed code
    };
    let base = if code.len() == 12 {
        cx.refs.base_points.get(code)
    } else {
        let mut key = [b'0'; 12];
        key[..code.len()].copy_from_slice(code.as_bytes());
        std::str::from_utf8(&key)
            .ok()
            .and_then(|k| cx.refs.base_points.get(k))
    };
    let Some(seat) = base.copied() else {
        out.not_checked(msg(
            "qa.no_seat_point",
            "缺少该单位驻地的参考点，未检查定位点与驻地的距离",
            "no reference point of the unit's seat is loaded: the distance to the seat was not checked",
        ));
        return;
    };
    let d = distance_m(pt, seat);
    if d <= p.seat_max_m {
        return;
    }
    out.emit(
        "fields.rep_point",
        msg(
            "spatial.rep_point_seat",
            format!(
                "定位点距驻地参考点 ({}, {}) {d:.0} 米，超过 {} 米：行政区域和村（居）委会的定位点应取驻地",
                seat[0], seat[1], p.seat_max_m
            ),
            format!(
                "the representative point is {d:.0} m from the seat's reference point ({}, {}), more than {} m: the point of an administrative area or committee is its seat",
                seat[0], seat[1], p.seat_max_m
            ),
        )
        .with("distance_m", format!("{d:.0}"))
        .with("code", code),
    );
}

#[cfg(test)]
mod tests {
    use crate::testkit::{findings, findings_with, record, survey};
    use crate::Refs;
    use serde_json::{json, Value};

    /// A township outline with a lake (hole) in the middle.
    fn township(pt: [f64; 2], code: &str) -> toponym_core::Record {
        record(
            "admin.township",
            json!({"standard_name": "省庄镇", "division_code": code, "rep_point": pt, "survey_method": "图解"}),
            Some(json!({"type": "Polygon", "coordinates": [
                [[117.0, 36.0], [117.1, 36.0], [117.1, 36.1], [117.0, 36.1], [117.0, 36.0]],
                [[117.04, 36.04], [117.06, 36.04], [117.06, 36.06], [117.04, 36.06], [117.04, 36.04]]
            ]})),
        )
    }

    #[test]
    fn a_point_in_the_hole_or_outside_is_flagged() {
        let f = findings("S-7", &township([117.05, 36.05], "370902101"));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].message.code, "spatial.rep_point_off");
        assert!(findings("S-7", &township([117.02, 36.02], "370902101")).is_empty());
        // 0.00005° outside the outer ring (≈ 4.5 m): on the outline within t.
        assert!(findings("S-7", &township([117.10005, 36.02], "370902101")).is_empty());
        assert_eq!(findings("S-7", &township([117.11, 36.02], "370902101")).len(), 1);
    }

    fn lane(pt: [f64; 2], geometry: Value) -> toponym_core::Record {
        record("transport.street_lane", json!({"standard_name": "后营坊街", "rep_point": pt, "survey_method": "实测"}), Some(geometry))
    }

    #[test]
    fn a_point_off_its_line_is_flagged() {
        let line = json!({"type": "LineString", "coordinates": [[117.10, 36.20], [117.12, 36.20]]});
        assert!(findings("S-7", &lane([117.11, 36.20005], line.clone())).is_empty(), "≈ 5.5 m off");
        let f = findings("S-7", &lane([117.11, 36.2005], line));
        assert_eq!(f.len(), 1, "{f:?}");
        let pt = json!({"type": "Point", "coordinates": [117.11, 36.2]});
        assert!(findings("S-7", &lane([117.11, 36.2], pt.clone())).is_empty());
        assert_eq!(findings("S-7", &lane([117.111, 36.2], pt)).len(), 1);
    }

    #[test]
    fn an_administrative_point_far_from_the_seat_is_flagged_and_without_a_seat_not_checked() {
        let mut refs = Refs::default();
        refs.base_points.insert("370902101000".into(), [117.02, 36.02]);
        assert!(findings_with("S-7", &township([117.022, 36.022], "370902101"), &refs).is_empty(), "≈ 290 m");
        let f = findings_with("S-7", &township([117.03, 36.03], "370902101"), &refs);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].message.code, "spatial.rep_point_seat");
        let rep = survey(&[township([117.02, 36.02], "370902101")]);
        let cov = rep.coverage.iter().find(|c| c.rule == "S-7").expect("row");
        assert_eq!(cov.skipped[0].reason.code, "qa.no_seat_point");
        // A non-administrative record has no seat to compare.
        let r = lane([117.11, 36.2], json!({"type": "Point", "coordinates": [117.11, 36.2]}));
        let rep = survey(&[r]);
        let cov = rep.coverage.iter().find(|c| c.rule == "S-7").expect("row");
        assert!(cov.skipped.is_empty(), "{cov:?}");
    }
}
