//! S-4 (ERROR, record): a line or polygon that crosses unit boundaries lists every unit
//! it crosses in 所在(跨)行政区.
//!
//! Against the outlines of `Refs::boundaries`: a unit whose outline the geometry
//! intersects but which is not listed (a county is listed by its 6-digit code or by any
//! 9/12-digit code inside it) is missing — unless the geometry only grazes it: every
//! sampled point of the part inside it (the clipped line's vertices and segment
//! midpoints; the overlap polygon's vertices and interior point) lies within
//! max(t, 10 m) of a listed unit, i.e. digitising noise along a shared border.
//!
//! Counties are checked always. Townships are checked the same way when 9-digit
//! outlines are loaded; none are shipped (the outline tables are county-level), so the
//! township level is reported as not checked for every line and polygon. Without any
//! outlines, or when a listed county has none, the record is not checked.

use geo::{BooleanOps, InteriorPoint, MultiLineString, MultiPolygon};
use serde::Deserialize;
use toponym_core::{GeometryKind, Severity};
use toponym_reference::AdminArea;

use crate::rules::s_6_extent_bbox::Tolerance;
use crate::{msg, parse_params, view, Check, Out, Prep, RecordCtx, Refs, Rule, Stage};

pub(crate) static RULE: Rule = Rule {
    id: "S-4",
    severity: Severity::Error,
    stage: Stage::Record,
    basis: "census (\"所在(跨)行政区\")",
    title_zh: "跨界要素列全所跨行政区",
    title_en: "Crossing features list every unit crossed",
    checks: "Line and polygon geometries: every county (and township, when 9-digit outlines are loaded) of Refs::boundaries that the geometry enters by more than max(t, 10 m) from the listed units is listed in fields.admin_areas (by its code or a code inside it). Township level without township outlines, and records whose listed counties have no outline, are not checked.",
    prepare: Some(parse_params::<Params>),
    check: Check::Record(check),
};

#[derive(Deserialize)]
struct Params {
    tolerance: Tolerance,
    max_samples: usize,
}

enum Shape {
    Lines(MultiLineString<f64>),
    Areas(MultiPolygon<f64>),
}

fn check(cx: &RecordCtx<'_>, p: &Prep<'_>, out: &mut Out<'_>) {
    let Some(g) = cx
        .record
        .geometry
        .as_ref()
        .filter(|g| g.kind() != GeometryKind::Point)
    else {
        return;
    };
    let Some(b) = g.bbox() else { return };
    if !view::in_china([b[0], b[1]]) || !view::in_china([b[2], b[3]]) {
        return; // S-1 / S-5
    }
    let listed = view::admin_areas(cx.record);
    if listed.is_empty() {
        return; // C-1
    }
    let refs = cx.refs;
    if refs.boundaries.is_empty() {
        out.not_checked(msg(
            "qa.no_outline",
            "未载入行政区边界数据，未检查所跨行政区",
            "no administrative outlines are loaded: the units crossed were not checked",
        ));
        return;
    }
    let p: &Params = p.get();
    let buffer = p.tolerance.buffer(cx);
    let shape = match g.to_geo() {
        geo::Geometry::LineString(l) => Shape::Lines(MultiLineString(vec![l])),
        geo::Geometry::MultiLineString(m) => Shape::Lines(m),
        geo::Geometry::Polygon(pg) => Shape::Areas(MultiPolygon(vec![pg])),
        geo::Geometry::MultiPolygon(m) => Shape::Areas(m),
        _ => return,
    };
    let has_towns = refs
        .boundaries
        .iter()
        .any(|b| b.areas.iter().any(|a| a.code.len() == 9));
    let mut missing: Vec<&AdminArea> = Vec::new();
    let mut unknown = false;
    for level in [6usize, 9] {
        if level == 9 && !has_towns {
            out.not_checked(msg(
                "qa.no_township_outline",
                "未载入乡级边界数据：只检查了所跨县级行政区，乡级未检查",
                "no township outlines are loaded: only the counties crossed were checked, not the townships",
            ));
            continue;
        }
        let mut at_level: Vec<&str> = listed
            .iter()
            .filter(|c| c.len() >= level && c.bytes().all(|b| b.is_ascii_digit()))
            .map(|c| &c[..level])
            .collect();
        at_level.sort_unstable();
        at_level.dedup();
        if at_level.is_empty() {
            continue; // the record lists nothing at this level to compare with
        }
        let outlines = refs.outlines();
        for (t, bnd) in refs.boundaries.iter().enumerate() {
            // The areas of `Boundaries::crossed`, in its order; only the ones that could
            // be missing are tested against the geometry.
            for (a, outline) in outlines.in_order(t, bnd) {
                let code = a.code.as_str();
                if code.len() != level
                    || (level == 6 && code.ends_with("00"))
                    || at_level.contains(&code)
                    || missing.iter().any(|m| m.code == code)
                {
                    continue;
                }
                let crosses = match &shape {
                    Shape::Lines(m) => outline.meets_lines(m),
                    Shape::Areas(m) => outline.meets_polygons(m),
                };
                if !crosses {
                    continue;
                }
                match enters(refs, &outline.shape, &shape, &at_level, buffer, p.max_samples) {
                    Some(true) => missing.push(a),
                    Some(false) => {}
                    None => unknown = true,
                }
            }
        }
    }
    if missing.is_empty() {
        if unknown {
            out.not_checked(msg(
                "qa.no_outline",
                "缺少所列行政区的边界数据，无法判断所跨行政区",
                "no outline of a listed unit is loaded: the units crossed could not be judged",
            ));
        }
        return;
    }
    let names: Vec<String> = missing
        .iter()
        .map(|a| format!("{}({})", a.name, a.code))
        .collect();
    let codes: Vec<&str> = missing.iter().map(|a| a.code.as_str()).collect();
    out.emit(
        "fields.admin_areas",
        msg(
            "spatial.crossed_unlisted",
            format!(
                "几何跨入 {}（超出容差 {buffer} 米），但所在(跨)行政区未列出：跨界要素应列全所跨行政区",
                names.join("、")
            ),
            format!(
                "the geometry enters {} (beyond the {buffer} m tolerance), which the administrative areas do not list: a crossing feature lists every unit it crosses",
                names.join(", ")
            ),
        )
        .with("missing", codes.join(","))
        .with("listed", listed.join(",")),
    );
}

/// Whether the geometry enters `a` farther than `buffer` from every listed unit:
/// `Some(true)` yes, `Some(false)` only a graze, `None` when a listed unit has no outline.
fn enters(
    refs: &Refs,
    unit: &MultiPolygon<f64>,
    shape: &Shape,
    listed: &[&str],
    buffer: f64,
    max_samples: usize,
) -> Option<bool> {
    if unit.0.is_empty() {
        return Some(false);
    }
    let mut samples: Vec<[f64; 2]> = Vec::new();
    match shape {
        Shape::Lines(m) => {
            for piece in unit.clip(m, false).0 {
                for w in piece.0.windows(2) {
                    samples.push([w[0].x, w[0].y]);
                    samples.push([(w[0].x + w[1].x) / 2.0, (w[0].y + w[1].y) / 2.0]);
                }
                if let Some(c) = piece.0.last() {
                    samples.push([c.x, c.y]);
                }
            }
        }
        Shape::Areas(m) => {
            for piece in unit.intersection(m).0 {
                if let Some(ip) = piece.interior_point() {
                    samples.push([ip.x(), ip.y()]);
                }
                samples.extend(piece.exterior().0.iter().map(|c| [c.x, c.y]));
            }
        }
    }
    let mut unknown = false;
    for s in samples.into_iter().take(max_samples) {
        let mut near = false;
        for l in listed {
            match refs.within(l, s, buffer) {
                Some(true) => {
                    near = true;
                    break;
                }
                Some(false) => {}
                None => unknown = true,
            }
        }
        if !near {
            return if unknown { None } else { Some(true) };
        }
    }
    Some(false)
}

#[cfg(test)]
mod tests {
    use crate::testkit::{findings_with, record, survey};
    use crate::Refs;
    use geo::InteriorPoint;
    use serde_json::json;

    fn refs() -> Refs {
        crate::testkit::taian_outlines()
    }

    fn inside(refs: &Refs, code: &str) -> [f64; 2] {
        let p = refs
            .outline(code)
            .expect("outline")
            .geometry
            .to_geo()
            .interior_point()
            .expect("interior point");
        [p.x(), p.y()]
    }

    fn river(line: &[[f64; 2]], areas: &[&str]) -> toponym_core::Record {
        record(
            "water.river",
            json!({"standard_name": "梳洗河", "admin_areas": areas, "survey_method": "实测", "rep_point": line[0]}),
            Some(json!({"type": "LineString", "coordinates": line})),
        )
    }

    #[test]
    fn a_river_through_two_counties_that_lists_one_is_flagged() {
        let refs = refs();
        let line = [inside(&refs, "370902"), inside(&refs, "370911")];
        let f = findings_with("S-4", &river(&line, &["370902"]), &refs);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].message.params["missing"].contains("370911"), "{f:?}");
        // Listing every county crossed (townships count for their county) passes.
        let all: Vec<String> = refs.boundaries[0]
            .crossed(&toponym_core::Geometry::LineString(line.to_vec()))
            .iter()
            .map(|a| a.code.clone())
            .filter(|c| !c.ends_with("00"))
            .collect();
        let mut areas: Vec<String> = all.iter().map(|c| format!("{c}101")).collect();
        areas.push("370902".into());
        let areas: Vec<&str> = areas.iter().map(String::as_str).collect();
        assert!(findings_with("S-4", &river(&line, &areas), &refs).is_empty());
    }

    #[test]
    fn a_line_that_grazes_the_border_passes_and_one_that_enters_fails() {
        let refs = refs();
        let centre = inside(&refs, "370902");
        let ring: Vec<[f64; 2]> = match &refs.outline("370902").expect("泰山区").geometry {
            toponym_core::Geometry::Polygon(r) => r[0].clone(),
            toponym_core::Geometry::MultiPolygon(p) => p[0][0].clone(),
            _ => unreachable!(),
        };
        // Metres to degrees, roughly, at 36° N.
        let (mx, my) = crate::rules::s_6_extent_bbox::metres_per_degree(36.2);
        let along = |v: [f64; 2], m: f64| {
            let (dx, dy) = ((v[0] - centre[0]) * mx, (v[1] - centre[1]) * my);
            let n = dx.hypot(dy);
            [v[0] + dx / n * m / mx, v[1] + dy / n * m / my]
        };
        let mut tested = 0;
        for v in ring.iter().step_by(7) {
            let (start, graze, deep) = (along(*v, -40.0), along(*v, 3.0), along(*v, 400.0));
            let g = toponym_core::Geometry::LineString(vec![start, deep]);
            let crossed = refs.boundaries[0].crossed(&g);
            let neighbour = crossed.iter().any(|a| a.code != "370902" && !a.code.ends_with("00"));
            if !neighbour || refs.within("370902", start, 0.0) != Some(true) {
                continue;
            }
            if refs.boundaries[0].containing(deep).iter().all(|a| a.code == "370902" || a.code.ends_with("00")) {
                continue; // concave outline: the 400 m point is back inside
            }
            assert!(findings_with("S-4", &river(&[start, graze], &["370902"]), &refs).is_empty(), "graze at {v:?}");
            assert_eq!(findings_with("S-4", &river(&[start, deep], &["370902"]), &refs).len(), 1, "enters at {v:?}");
            tested += 1;
            if tested == 3 {
                break;
            }
        }
        assert!(tested > 0, "no border vertex tested");
    }

    #[test]
    fn townships_and_missing_outlines_are_reported_as_not_checked() {
        let refs = refs();
        let line = [inside(&refs, "370902"), inside(&refs, "370911")];
        let r = river(&line, &["370902", "370911"]);
        let rep = crate::testkit::survey_refs(std::slice::from_ref(&r), &refs);
        let cov = rep.coverage.iter().find(|c| c.rule == "S-4").expect("row");
        assert!(cov.skipped.iter().any(|s| s.reason.code == "qa.no_township_outline"), "{cov:?}");
        let rep = survey(&[r]);
        let cov = rep.coverage.iter().find(|c| c.rule == "S-4").expect("row");
        assert_eq!(cov.skipped[0].reason.code, "qa.no_outline");
        // A point feature is not S-4's.
        let pt = record("terrain.peak", json!({"admin_areas": ["370902"]}), Some(json!({"type": "Point", "coordinates": line[1]})));
        assert!(findings_with("S-4", &pt, &refs).is_empty());
    }
}
