//! S-9 (WARNING, record): the precision of the stored coordinates is plausible for the
//! 测量方法 (`survey_method`: 实测 or 图解).
//!
//! Decimals are counted on the shortest representation that reads back as the same
//! number (Rust's `Display` for `f64`, written into a stack buffer: no allocation).
//!
//! - 实测 (a GNSS fix, metre-level): a point stored with fewer than `measured_min_decimals`
//!   (5, ≈ 1 m) decimals of a degree in both coordinates, or fewer than
//!   `measured_floor_decimals` (3, ≈ 100 m) in either, is a WARNING ("GNSS fix typed as
//!   117.12, 36.65"). Ours: the catalogue says "fewer than 5"; applied to each coordinate
//!   alone it would flag about 2 % of sound 6-decimal fixes, because a number loses its
//!   trailing zeros on the way through JSON (36.650000 is stored as 36.65). Requiring both
//!   coordinates to be short (or one to be very short) keeps that below 1 in 10 000.
//! - 图解 (read from a map or image): a point stored with more than
//!   `graphic_max_decimals` (6, ≈ 0.1 m) decimals in either coordinate pretends
//!   sub-decimetre precision; the catalogue asks for a note, so that finding is INFO, not
//!   the rule's WARNING.
//!
//! Checked: 定位点 and, on lines, 起点坐标 and 止点坐标. Points outside China are S-1's.

use serde::Deserialize;
use toponym_core::Severity;

use crate::rules::s_6_extent_bbox::numbers;
use crate::{msg, parse_params, view, Check, Out, Prep, RecordCtx, Rule, Stage};

pub(crate) static RULE: Rule = Rule {
    id: "S-9",
    severity: Severity::Warning,
    stage: Stage::Record,
    basis: "ours",
    title_zh: "坐标精度与测量方法相符",
    title_en: "Coordinate precision fits the survey method",
    checks: "rep_point, start_point, end_point. survey_method 实测: both coordinates with < 5 decimals, or either with < 3 (WARNING). 图解: either coordinate with > 6 decimals (sub-decimetre pretended precision; INFO).",
    prepare: Some(parse_params::<Params>),
    check: Check::Record(check),
};

#[derive(Deserialize)]
struct Params {
    measured_method: String,
    graphic_method: String,
    measured_min_decimals: usize,
    measured_floor_decimals: usize,
    graphic_max_decimals: usize,
}

const POINTS: [(&str, &str, &str); 3] = [
    ("rep_point", "定位点", "representative point"),
    ("start_point", "起点坐标", "start point"),
    ("end_point", "止点坐标", "end point"),
];

/// A fixed buffer that `write!` fills without allocating.
struct Buf {
    b: [u8; 48],
    n: usize,
}

impl std::fmt::Write for Buf {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.n + s.len();
        if end > self.b.len() {
            return Err(std::fmt::Error);
        }
        self.b[self.n..end].copy_from_slice(s.as_bytes());
        self.n = end;
        Ok(())
    }
}

/// Decimals of the shortest representation of `x` that reads back as `x`.
pub(crate) fn decimals(x: f64) -> Option<usize> {
    use std::fmt::Write as _;
    let mut b = Buf { b: [0; 48], n: 0 };
    write!(b, "{x}").ok()?;
    let s = &b.b[..b.n];
    Some(match s.iter().position(|&c| c == b'.') {
        Some(i) => s.len() - i - 1,
        None => 0,
    })
}

fn check(cx: &RecordCtx<'_>, p: &Prep<'_>, out: &mut Out<'_>) {
    let Some(method) = cx.text("survey_method") else {
        return; // C-1 reports a missing method
    };
    let p: &Params = p.get();
    let measured = method == p.measured_method;
    if !measured && method != p.graphic_method {
        return; // another value is L-6's
    }
    for (key, zh, en) in POINTS {
        let Some(pt) = cx.get(key).and_then(numbers::<2>) else {
            continue;
        };
        if !view::in_china(pt) {
            continue; // S-1
        }
        let (Some(dx), Some(dy)) = (decimals(pt[0]), decimals(pt[1])) else {
            continue;
        };
        if measured {
            let short = (dx < p.measured_min_decimals && dy < p.measured_min_decimals)
                || dx.min(dy) < p.measured_floor_decimals;
            if short {
                let m = msg(
                    "precision.measured_short",
                    format!(
                        "实测{zh} ({}, {}) 只有 {}、{} 位小数（不足 1 米精度）：实测坐标应保留至少 {} 位小数，请按接收机读数完整录入",
                        pt[0], pt[1], dx, dy, p.measured_min_decimals
                    ),
                    format!(
                        "the measured {en} ({}, {}) has only {dx} and {dy} decimals (coarser than 1 m): a GNSS fix keeps at least {} decimals of a degree; enter the receiver's full reading",
                        pt[0], pt[1], p.measured_min_decimals
                    ),
                )
                .with("decimals", format!("{dx},{dy}"));
                out.emit(format!("fields.{key}"), m);
            }
        } else if dx.max(dy) > p.graphic_max_decimals {
            let m = msg(
                "precision.graphic_pretended",
                format!(
                    "图解{zh} ({}, {}) 有 {}、{} 位小数，精度虚高（优于 1 分米）：图上量取的坐标宜保留不超过 {} 位小数",
                    pt[0], pt[1], dx, dy, p.graphic_max_decimals
                ),
                format!(
                    "the {en} ({}, {}) read from a map has {dx} and {dy} decimals, pretending sub-decimetre precision: a graphic reading keeps at most {} decimals",
                    pt[0], pt[1], p.graphic_max_decimals
                ),
            )
            .with("decimals", format!("{dx},{dy}"));
            out.emit_note(format!("fields.{key}"), m);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::decimals;
    use crate::testkit::{findings, record};
    use serde_json::json;
    use toponym_core::Severity;

    #[test]
    fn decimals_of_the_shortest_representation() {
        assert_eq!(decimals(117.12), Some(2));
        assert_eq!(decimals(117.0), Some(0));
        assert_eq!(decimals(36.123456), Some(6));
        assert_eq!(decimals(117.123456789012), Some(12));
        assert_eq!(decimals(0.1 + 0.2), Some(17));
    }

    fn peak(method: &str, pt: [f64; 2]) -> toponym_core::Record {
        record("terrain.peak", json!({"standard_name": "玉皇顶", "survey_method": method, "rep_point": pt}), None)
    }

    #[test]
    fn a_measured_point_typed_short_is_flagged() {
        let f = findings("S-9", &peak("实测", [117.12, 36.65]));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].severity, Severity::Warning);
        // Lost trailing zeros in one coordinate: a sound fix (near miss).
        assert!(findings("S-9", &peak("实测", [117.123456, 36.654])).is_empty());
        assert!(findings("S-9", &peak("实测", [117.12345, 36.12346])).is_empty());
        // One coordinate cut to two decimals is too coarse even so.
        assert_eq!(findings("S-9", &peak("实测", [117.123456, 36.6])).len(), 1);
        // The same short point read from a map is fine.
        assert!(findings("S-9", &peak("图解", [117.12, 36.65])).is_empty());
    }

    #[test]
    fn a_graphic_point_with_pretended_precision_is_an_info_note() {
        let f = findings("S-9", &peak("图解", [117.123456789, 36.654321]));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].severity, Severity::Info);
        assert!(findings("S-9", &peak("图解", [117.123456, 36.654321])).is_empty());
        assert!(findings("S-9", &peak("实测", [117.123456789, 36.654321])).is_empty());
    }

    #[test]
    fn start_and_end_points_of_a_line_are_checked_and_foreign_points_skipped() {
        let r = record(
            "transport.street_lane",
            json!({"survey_method": "实测", "rep_point": [117.123456, 36.654321], "start_point": [117.1, 36.6], "end_point": [117.123457, 36.654322]}),
            None,
        );
        let f = findings("S-9", &r);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].path, "fields.start_point");
        // Swapped (outside China): S-1's finding, not S-9's.
        assert!(findings("S-9", &peak("实测", [36.65, 117.12])).is_empty());
    }
}
