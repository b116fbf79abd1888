//! S-5 (ERROR): the geometry matches the template's primary type and is valid: positions
//! finite, lines with ≥ 2 distinct vertices, rings closed with ≥ 4 positions and not
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
    checks: "geometry.kind() equals the template's geometry; coordinates finite; LineString ≥ 2 distinct vertices; polygon rings closed, ≥ 4 positions, valid per geo::Validation (no self-intersection).",
    file: "src/rules/s_5_geometry_kind.rs",
};

fn line_ok(l: &[LonLat]) -> bool {
    l.len() >= 2 && l.iter().any(|p| p != &l[0])
}

fn ring_ok(r: &[LonLat]) -> bool {
    r.len() >= 4 && r.first() == r.last()
}

fn problem(g: &Geometry) -> Option<(&'static str, &'static str)> {
    if g.positions()
        .any(|p| !p[0].is_finite() || !p[1].is_finite())
    {
        return Some(("坐标含非有限数值", "a coordinate is not a finite number"));
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
    if matches!(g, Geometry::Polygon(_) | Geometry::MultiPolygon(_)) && !g.to_geo().is_valid() {
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
