//! S-6 (ERROR, record): the stored extent (东经/至东经, 北纬/至北纬: `fields.extent`,
//! `[west, south, east, north]`) is the geometry's bounding box within the positional
//! tolerance *t*, and each "from" value lies west/south of its "to" value.
//!
//! *t* follows quality-rules.md §6 (parameters in schemas/qa/params/S-6.json): by
//! 测量方法, and for 图解 by the map scale read from. Ours, beyond the catalogue:
//! - an extent that matches the box only with longitude and latitude exchanged is named
//!   as such (the common slip);
//! - a record without a line or polygon geometry cannot be compared with a box, so its
//!   定位点 must lie within the stored extent (+ *t*): a point outside its own extent
//!   means one of the two is wrong.
//!
//! The helpers [`Tolerance`] and [`metres_per_degree`] are shared by the other spatial
//! rules (S-4, S-7, S-11).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;
use toponym_core::{GeometryKind, Severity};

use crate::{msg, parse_params, view, Check, Out, Prep, RecordCtx, Rule, Stage};

pub(crate) static RULE: Rule = Rule {
    id: "S-6",
    severity: Severity::Error,
    stage: Stage::Record,
    basis: "census fields",
    title_zh: "范围坐标与几何外包框一致",
    title_en: "Stored extent equals the geometry's bounding box",
    checks: "fields.extent [west, south, east, north]: west ≤ east and south ≤ north; with a line or polygon geometry each side within max(t, 10 m) of the geometry's bounding box (t by survey_method / map_scale; a lon/lat swap is named); without one, the rep_point lies inside the extent + t.",
    prepare: Some(parse_params::<Params>),
    check: Check::Record(check),
};

/// Positional tolerance *t* of quality-rules.md §6, read from a rule's parameters.
#[derive(Deserialize)]
pub(crate) struct Tolerance {
    /// By 测量方法 (`实测`, `图解`).
    by_method: BTreeMap<String, f64>,
    /// For 图解 points, by the 比例尺 they were read at (`1:10000`, `1:50000`).
    by_map_scale: BTreeMap<String, f64>,
    /// When neither says.
    default_m: f64,
    /// Boundary tests use max(t, this).
    min_buffer_m: f64,
}

impl Tolerance {
    /// *t* for this record, in metres.
    pub(crate) fn t(&self, cx: &RecordCtx<'_>) -> f64 {
        let method = cx.text("survey_method");
        if method == Some("图解") {
            if let Some(t) = cx.text("map_scale").and_then(|s| self.by_map_scale.get(s)) {
                return *t;
            }
        }
        method
            .and_then(|m| self.by_method.get(m))
            .copied()
            .unwrap_or(self.default_m)
    }

    /// The buffer max(t, min_buffer_m) for boundary and distance tests, in metres.
    pub(crate) fn buffer(&self, cx: &RecordCtx<'_>) -> f64 {
        self.t(cx).max(self.min_buffer_m)
    }
}

/// Metres per degree of longitude and of latitude at `lat` (GRS80; enough for offsets of
/// up to a few tens of kilometres).
pub(crate) fn metres_per_degree(lat: f64) -> (f64, f64) {
    let r = lat.to_radians();
    let m_lat = 111_132.954 - 559.822 * (2.0 * r).cos() + 1.175 * (4.0 * r).cos();
    let m_lon = 111_412.84 * r.cos() - 93.5 * (3.0 * r).cos();
    (m_lon, m_lat)
}

/// A `[a, b, …]` array of numbers (or numeric strings) of length `N`.
pub(crate) fn numbers<const N: usize>(v: &Value) -> Option<[f64; N]> {
    let a = v.as_array()?;
    if a.len() != N {
        return None;
    }
    let mut out = [0.0; N];
    for (o, x) in out.iter_mut().zip(a) {
        *o = match x {
            Value::Number(n) => n.as_f64()?,
            Value::String(s) => s.trim().parse().ok()?,
            _ => return None,
        };
        if !o.is_finite() {
            return None;
        }
    }
    Some(out)
}

#[derive(Deserialize)]
struct Params {
    tolerance: Tolerance,
}

const SIDES: [(&str, &str); 4] = [
    ("东经", "west"),
    ("北纬", "south"),
    ("至东经", "east"),
    ("至北纬", "north"),
];

fn check(cx: &RecordCtx<'_>, p: &Prep<'_>, out: &mut Out<'_>) {
    let Some(v) = cx.get("extent") else {
        return;
    };
    let Some(x) = numbers::<4>(v) else {
        return; // form validation reports the shape
    };
    let p: &Params = p.get();
    let [w, s, e, n] = x;
    if w > e || s > n {
        let mut zh = Vec::new();
        let mut en = Vec::new();
        if w > e {
            zh.push(format!("东经 {w} 在至东经 {e} 之东"));
            en.push(format!("the west longitude {w} lies east of the east longitude {e}"));
        }
        if s > n {
            zh.push(format!("北纬 {s} 在至北纬 {n} 之北"));
            en.push(format!("the south latitude {s} lies north of the north latitude {n}"));
        }
        out.emit(
            "fields.extent",
            msg(
                "extent.order",
                format!("范围坐标颠倒：{}；“起”值应在“至”值之西、之南", zh.join("；")),
                format!("extent reversed: {}; each \"from\" value must be west/south of its \"to\" value", en.join("; ")),
            )
            .with("extent", format!("{w},{s},{e},{n}")),
        );
        return;
    }
    let t = p.tolerance.buffer(cx);
    let bbox = cx
        .record
        .geometry
        .as_ref()
        .filter(|g| g.kind() != GeometryKind::Point)
        .and_then(|g| g.bbox())
        .filter(|b| b.iter().all(|x| x.is_finite()));
    match bbox {
        Some(b) => compare_with_box(x, b, t, out),
        None => point_in_extent(cx, x, t, out),
    }
}

fn side_offsets_m(x: [f64; 4], b: [f64; 4]) -> [f64; 4] {
    let (mx, my) = metres_per_degree((b[1] + b[3]) / 2.0);
    [
        (x[0] - b[0]).abs() * mx,
        (x[1] - b[1]).abs() * my,
        (x[2] - b[2]).abs() * mx,
        (x[3] - b[3]).abs() * my,
    ]
}

fn compare_with_box(x: [f64; 4], b: [f64; 4], t: f64, out: &mut Out<'_>) {
    let d = side_offsets_m(x, b);
    if d.iter().all(|d| *d <= t) {
        return;
    }
    let stored = format!("{},{},{},{}", x[0], x[1], x[2], x[3]);
    let computed = format!("{},{},{},{}", b[0], b[1], b[2], b[3]);
    let swapped = [x[1], x[0], x[3], x[2]];
    if side_offsets_m(swapped, b).iter().all(|d| *d <= t) {
        out.emit(
            "fields.extent",
            msg(
                "extent.swapped",
                format!("范围坐标经纬度颠倒：存为 {stored}，几何外包框为 {computed}（西、南、东、北）"),
                format!("the extent has longitude and latitude exchanged: stored {stored}, the geometry's bounding box is {computed} (west, south, east, north)"),
            )
            .with("extent", stored)
            .with("bbox", computed),
        );
        return;
    }
    let mut zh = Vec::new();
    let mut en = Vec::new();
    for (i, (label, side)) in SIDES.iter().enumerate() {
        if d[i] > t {
            zh.push(format!("{label} {} 与几何的 {} 相差 {:.0} 米", x[i], b[i], d[i]));
            en.push(format!("{side} {} is {:.0} m from the geometry's {}", x[i], d[i], b[i]));
        }
    }
    out.emit(
        "fields.extent",
        msg(
            "extent.bbox",
            format!("范围坐标与几何外包框不符（容差 {t} 米）：{}", zh.join("；")),
            format!("the extent differs from the geometry's bounding box (tolerance {t} m): {}", en.join("; ")),
        )
        .with("extent", stored)
        .with("bbox", computed)
        .with("tolerance_m", t.to_string()),
    );
}

fn point_in_extent(cx: &RecordCtx<'_>, x: [f64; 4], t: f64, out: &mut Out<'_>) {
    let Some(pt) = view::point(cx.record).filter(|p| view::in_china(*p)) else {
        return; // S-1 reports a missing or misplaced point
    };
    let (mx, my) = metres_per_degree(pt[1]);
    let dx = (x[0] - pt[0]).max(pt[0] - x[2]).max(0.0) * mx;
    let dy = (x[1] - pt[1]).max(pt[1] - x[3]).max(0.0) * my;
    let d = dx.hypot(dy);
    if d <= t {
        return;
    }
    let extent = format!("{},{},{},{}", x[0], x[1], x[2], x[3]);
    out.emit(
        "fields.extent",
        msg(
            "extent.point_outside",
            format!("定位点 ({}, {}) 在范围坐标 {extent} 之外 {d:.0} 米：定位点或范围有误", pt[0], pt[1]),
            format!("the representative point ({}, {}) lies {d:.0} m outside the extent {extent}: the point or the extent is wrong", pt[0], pt[1]),
        )
        .with("extent", extent)
        .with("distance_m", format!("{d:.0}")),
    );
}

#[cfg(test)]
mod tests {
    use crate::testkit::{findings, record};
    use serde_json::{json, Value};

    fn road(extent: Value, method: &str) -> toponym_core::Record {
        record(
            "transport.urban_road",
            json!({"standard_name": "岱宗大街", "extent": extent, "survey_method": method, "rep_point": [117.1, 36.2]}),
            Some(json!({"type": "LineString", "coordinates": [[117.05, 36.19], [117.1, 36.2], [117.15, 36.21]]})),
        )
    }

    #[test]
    fn extent_equal_to_the_box_passes_and_a_wrong_side_fails() {
        assert!(findings("S-6", &road(json!([117.05, 36.19, 117.15, 36.21]), "实测")).is_empty());
        // 0.00005° of longitude ≈ 4.5 m: within t = 10 m (near miss).
        assert!(findings("S-6", &road(json!([117.05005, 36.19, 117.15, 36.21]), "实测")).is_empty());
        // 0.0005° ≈ 45 m: outside.
        let f = findings("S-6", &road(json!([117.05, 36.19, 117.1505, 36.21]), "实测"));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].message.code, "extent.bbox");
        assert!(f[0].message.en.contains("east"), "{}", f[0].message.en);
    }

    #[test]
    fn the_tolerance_follows_the_map_scale_of_a_graphic_point() {
        // 0.0002° of latitude ≈ 22 m: too far for 实测 (10 m), within 1:50 000 (25 m).
        let r = |method: &str, scale: &str| {
            record(
                "transport.urban_road",
                json!({"extent": [117.05, 36.19, 117.15, 36.2102], "survey_method": method, "map_scale": scale}),
                Some(json!({"type": "LineString", "coordinates": [[117.05, 36.19], [117.15, 36.21]]})),
            )
        };
        assert_eq!(findings("S-6", &r("实测", "1:50000")).len(), 1);
        assert!(findings("S-6", &r("图解", "1:50000")).is_empty());
        assert_eq!(findings("S-6", &r("图解", "1:10000")).len(), 1);
    }

    #[test]
    fn reversed_and_swapped_extents_are_named() {
        let f = findings("S-6", &road(json!([117.15, 36.19, 117.05, 36.21]), "实测"));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].message.code, "extent.order");
        let f = findings("S-6", &road(json!([36.19, 117.05, 36.21, 117.15]), "实测"));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].message.code, "extent.swapped");
    }

    #[test]
    fn without_a_geometry_the_point_must_lie_in_the_extent() {
        let r = |pt: [f64; 2]| {
            record(
                "terrain.peak",
                json!({"standard_name": "玉皇顶", "extent": [117.09, 36.24, 117.11, 36.26], "rep_point": pt, "survey_method": "实测"}),
                None,
            )
        };
        assert!(findings("S-6", &r([117.1, 36.25])).is_empty());
        assert!(findings("S-6", &r([117.11005, 36.25])).is_empty(), "4.5 m outside is within t");
        let f = findings("S-6", &r([117.12, 36.25]));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].message.code, "extent.point_outside");
        // A record without an extent is not S-6's business.
        let none = record("terrain.peak", json!({"rep_point": [117.12, 36.25]}), None);
        assert!(findings("S-6", &none).is_empty());
    }
}
