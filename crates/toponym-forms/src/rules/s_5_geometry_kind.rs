//! S-5 (ERROR): the geometry matches the template's primary type and is valid: positions
//! finite degree values (within ±180°), at most 200 000 vertices, lines with ≥ 2 distinct vertices, rings closed with ≥ 4 positions and not
//! self-intersecting (checked with `geo`'s validation).

use geo::Validation;
use toponym_core::{Geometry, LonLat, Severity};

use super::RuleInfo;
use crate::validate::{msg, Ctx, P};

pub(crate) static INFO: RuleInfo = RuleInfo {
    id: "S-5",
    severity: Severity::Error,
    title_zh: "几何类型与有效性",
    title_en: "Geometry type and validity",
    checks: "geometry.kind() equals the template's geometry; coordinates finite and within ±180; at most 200 000 vertices; LineString ≥ 2 distinct vertices; polygon rings closed, ≥ 4 positions, valid per geo::Validation (no self-intersection).",
    file: "src/rules/s_5_geometry_kind.rs",
};

fn line_ok(l: &[LonLat]) -> bool {
    l.len() >= 2 && l.iter().any(|p| p != &l[0])
}

fn ring_ok(r: &[LonLat]) -> bool {
    r.len() >= 4 && r.first() == r.last()
}

/// Rings up to this many positions are checked for self-intersection here, without
/// allocating; larger ones go through `geo`'s full validation.
const SMALL_RING: usize = 64;

fn finite(r: &[LonLat]) -> bool {
    r.iter().all(|p| p[0].is_finite() && p[1].is_finite())
}

fn orient(a: LonLat, b: LonLat, c: LonLat) -> f64 {
    (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
}

/// Proper or touching intersection of segments ab and cd.
fn segments_meet(a: LonLat, b: LonLat, c: LonLat, d: LonLat) -> bool {
    let (d1, d2, d3, d4) = (
        orient(c, d, a),
        orient(c, d, b),
        orient(a, b, c),
        orient(a, b, d),
    );
    if ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0))
        && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0))
    {
        return true;
    }
    let on = |p: LonLat, q: LonLat, r: LonLat| {
        r[0] >= p[0].min(q[0])
            && r[0] <= p[0].max(q[0])
            && r[1] >= p[1].min(q[1])
            && r[1] <= p[1].max(q[1])
    };
    (d1 == 0.0 && on(c, d, a))
        || (d2 == 0.0 && on(c, d, b))
        || (d3 == 0.0 && on(a, b, c))
        || (d4 == 0.0 && on(a, b, d))
}

/// A closed ring whose non-adjacent edges never meet (O(n²), for small rings).
fn simple_ring(r: &[LonLat]) -> bool {
    let n = r.len() - 1; // edges; the last position repeats the first
    for i in 0..n {
        for j in i + 1..n {
            let adjacent = j == i + 1 || (i == 0 && j == n - 1);
            if !adjacent && segments_meet(r[i], r[i + 1], r[j], r[j + 1]) {
                return false;
            }
        }
    }
    true
}

fn problem(g: &Geometry) -> Option<(&'static str, &'static str)> {
    let ok_finite = match g {
        Geometry::Point(p) => finite(std::slice::from_ref(p)),
        Geometry::LineString(l) => finite(l),
        Geometry::MultiLineString(ls) | Geometry::Polygon(ls) => ls.iter().all(|l| finite(l)),
        Geometry::MultiPolygon(ps) => ps.iter().flatten().all(|l| finite(l)),
    };
    if !ok_finite {
        return Some(("坐标含非有限数值", "a coordinate is not a finite number"));
    }
    if g.positions()
        .nth(toponym_core::limits::GEOMETRY_MAX_VERTICES)
        .is_some()
    {
        return Some((
            "顶点过多（每条记录最多 200000 个）",
            "too many vertices (at most 200 000 per record)",
        ));
    }
    if !g
        .positions()
        .all(|p| toponym_core::limits::is_degree_pair(*p))
    {
        return Some((
            "坐标不是度数值（须为有限数，绝对值不超过180°）",
            "a coordinate is not a degree value (finite, within ±180°)",
        ));
    }
    let ok = match g {
        Geometry::Point(_) => true,
        Geometry::LineString(l) => line_ok(l),
        Geometry::MultiLineString(ls) => !ls.is_empty() && ls.iter().all(|l| line_ok(l)),
        Geometry::Polygon(rs) => !rs.is_empty() && rs.iter().all(|r| ring_ok(r)),
        Geometry::MultiPolygon(ps) => {
            !ps.is_empty()
                && ps
                    .iter()
                    .all(|rs| !rs.is_empty() && rs.iter().all(|r| ring_ok(r)))
        }
    };
    if !ok {
        return Some((
            "线至少两个不同顶点、面环须闭合且至少4个点",
            "lines need 2 distinct vertices; rings must be closed with at least 4 positions",
        ));
    }
    let rings: &[Vec<LonLat>] = match g {
        Geometry::Polygon(rs) => rs,
        Geometry::MultiPolygon(_) => &[],
        _ => return None,
    };
    // A single small ring is settled here; holes and multipolygons need geo's checks of
    // ring-to-ring relations.
    let valid = if rings.len() == 1 && rings[0].len() <= SMALL_RING {
        simple_ring(&rings[0])
    } else {
        g.to_geo().is_valid()
    };
    if !valid {
        return Some((
            "面自相交或环无效",
            "the polygon self-intersects or has an invalid ring",
        ));
    }
    None
}

pub(crate) fn check(cx: &mut Ctx<'_>) {
    let Some(g) = cx.geometry else { return };
    let want = cx.template.geometry;
    if g.kind() != want {
        cx.emit(
            "S-5",
            &P::Top("geometry"),
            msg(
                "geometry.kind",
                format!(
                    "样表“{}”的空间位置应为{}，实际为{}",
                    cx.template.name_zh,
                    want.as_str(),
                    g.kind().as_str()
                ),
                format!(
                    "template `{}` needs a {} geometry, got {}",
                    cx.template.id,
                    want.as_str(),
                    g.kind().as_str()
                ),
            )
            .with("expected", want.as_str())
            .with("actual", g.kind().as_str()),
        );
    }
    if let Some((zh, en)) = problem(g) {
        cx.emit(
            "S-5",
            &P::Top("geometry"),
            msg(
                "geometry.invalid",
                format!("空间位置无效：{zh}"),
                format!("invalid geometry: {en}"),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bowtie_is_invalid_and_square_is_valid_small_and_large() {
        let square = vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]];
        let bowtie = vec![[0.0, 0.0], [1.0, 1.0], [1.0, 0.0], [0.0, 1.0], [0.0, 0.0]];
        assert!(problem(&Geometry::Polygon(vec![square.clone()])).is_none());
        assert!(problem(&Geometry::Polygon(vec![bowtie.clone()])).is_some());
        // The same verdicts through geo for rings above the small-ring limit.
        let big = |r: &[LonLat]| {
            let mut out = Vec::new();
            for w in r.windows(2) {
                for k in 0..20 {
                    let t = f64::from(k) / 20.0;
                    out.push([
                        w[0][0] + (w[1][0] - w[0][0]) * t,
                        w[0][1] + (w[1][1] - w[0][1]) * t,
                    ]);
                }
            }
            out.push(r[0]);
            out
        };
        assert!(big(&square).len() > SMALL_RING);
        assert!(problem(&Geometry::Polygon(vec![big(&square)])).is_none());
        assert!(problem(&Geometry::Polygon(vec![big(&bowtie)])).is_some());
        assert!(problem(&Geometry::LineString(vec![[1.0, 1.0], [1.0, 1.0]])).is_some());
        assert!(problem(&Geometry::Point([f64::NAN, 1.0])).is_some());
    }
}
