//! S-10 (WARNING, record): a mountain's 高程 is plausible: within `max_difference_m`
//! (50 m) of the DEM at its representative point, when a DEM is loaded
//! (`Refs::dem`, any [`crate::ctx::Elevation`]); without one, or where the DEM has no
//! value, the record is reported as not checked. Which template fields are mountain
//! elevations is data (schemas/qa/params/S-10.json: terrain.peak and terrain.pass
//! `elevation_m`, the two templates where the census requires 高程).
//!
//! Height datum: census elevations refer to the 1985 national height datum
//! (1985国家高程基准). No template has a datum field today; when a record carries one of
//! `datum_fields`, a value other than the accepted spellings of that datum is flagged
//! (e.g. a GNSS ellipsoidal height, which differs from normal heights by the geoid
//! undulation, tens of metres in China).

use serde::Deserialize;
use toponym_core::Severity;

use crate::{msg, parse_params, view, Check, Out, Prep, RecordCtx, Rule, Stage};

pub(crate) static RULE: Rule = Rule {
    id: "S-10",
    severity: Severity::Warning,
    stage: Stage::Record,
    basis: "std (height datum) + ours",
    title_zh: "高程合理（与 DEM 一致）",
    title_en: "Elevation agrees with the DEM",
    checks: "terrain.peak / terrain.pass elevation_m within 50 m of Refs::dem at the rep_point (not checked without a DEM or where it has no value); a height-datum field, when present, names the 1985 national height datum.",
    prepare: Some(parse_params::<Params>),
    check: Check::Record(check),
};

#[derive(Deserialize)]
struct Target {
    template: String,
    field: String,
}

#[derive(Deserialize)]
struct Params {
    targets: Vec<Target>,
    max_difference_m: f64,
    datum_fields: Vec<String>,
    accepted_datums: Vec<String>,
}

fn check(cx: &RecordCtx<'_>, p: &Prep<'_>, out: &mut Out<'_>) {
    let p: &Params = p.get();
    for key in &p.datum_fields {
        if let Some(d) = cx.text(key) {
            if !p.accepted_datums.iter().any(|a| a == d) {
                out.emit(
                    format!("fields.{key}"),
                    msg(
                        "elevation.datum",
                        format!("高程基准为“{d}”：普查高程应采用 1985国家高程基准（正常高），请换算后填写"),
                        format!("the height datum is \"{d}\": census elevations refer to the 1985 national height datum (normal heights); convert the value"),
                    )
                    .with("datum", d),
                );
            }
        }
    }
    let Some(target) = p.targets.iter().find(|t| t.template == cx.template.id) else {
        return;
    };
    let Some(h) = cx.num(&target.field) else {
        return; // C-4 reports a missing required elevation
    };
    let Some(pt) = view::point(cx.record).filter(|p| view::in_china(*p)) else {
        return; // S-1
    };
    let Some(dem) = cx.refs.dem.as_deref() else {
        out.not_checked(msg(
            "qa.no_dem",
            "未载入数字高程模型（DEM），未核对高程",
            "no DEM loaded: the elevation was not compared",
        ));
        return;
    };
    let Some(g) = dem.elevation_m(pt[0], pt[1]).filter(|g| g.is_finite()) else {
        out.not_checked(msg(
            "qa.dem_no_value",
            "数字高程模型在该点无值（范围外或空洞），未核对高程",
            "the DEM has no value at the point (outside it or a void): the elevation was not compared",
        ));
        return;
    };
    let diff = h - g;
    if diff.abs() <= p.max_difference_m {
        return;
    }
    out.emit(
        format!("fields.{}", target.field),
        msg(
            "elevation.dem",
            format!(
                "高程 {h} 米与 {} 在定位点的 {g:.0} 米相差 {:.0} 米，超过 {} 米：请核对高程或定位点",
                dem.describe(),
                diff.abs(),
                p.max_difference_m
            ),
            format!(
                "the elevation {h} m differs from the {} value {g:.0} m at the point by {:.0} m, more than {} m: check the elevation or the point",
                dem.describe(),
                diff.abs(),
                p.max_difference_m
            ),
        )
        .with("elevation_m", h.to_string())
        .with("dem_m", format!("{g:.0}"))
        .with("difference_m", format!("{diff:.0}")),
    );
}

#[cfg(test)]
mod tests {
    use crate::ctx::Elevation;
    use crate::testkit::{findings_with, record, survey};
    use crate::Refs;
    use serde_json::json;

    /// A tilted plane: 500 m at (117.0, 36.0), rising 1 000 m per degree eastward, with
    /// no value west of 116.
    struct Plane;

    impl Elevation for Plane {
        fn elevation_m(&self, lon: f64, _lat: f64) -> Option<f64> {
            (lon >= 116.0).then_some(500.0 + (lon - 117.0) * 1000.0)
        }
        fn describe(&self) -> &str {
            "test plane"
        }
    }

    fn peak(lon: f64, h: f64) -> toponym_core::Record {
        record("terrain.peak", json!({"standard_name": "傲徕峰", "elevation_m": h, "rep_point": [lon, 36.25]}), None)
    }

    fn dem() -> Refs {
        Refs {
            dem: Some(Box::new(Plane)),
            ..Refs::default()
        }
    }

    #[test]
    fn an_elevation_far_from_the_dem_is_flagged() {
        let refs = dem();
        // DEM at 117.032 is 532 m.
        let f = findings_with("S-10", &peak(117.032, 1532.0), &refs);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].message.params["dem_m"], "532");
        assert!(findings_with("S-10", &peak(117.032, 580.0), &refs).is_empty(), "48 m: near miss");
        assert_eq!(findings_with("S-10", &peak(117.032, 583.0), &refs).len(), 1);
    }

    #[test]
    fn without_a_dem_or_its_value_it_is_not_checked() {
        let rep = survey(&[peak(117.032, 1532.0)]);
        assert_eq!(rep.of_rule("S-10").count(), 0);
        let cov = rep.coverage.iter().find(|c| c.rule == "S-10").expect("row");
        assert_eq!(cov.status, crate::CoverageStatus::NotChecked);
        assert_eq!(cov.skipped[0].reason.code, "qa.no_dem");
        let r = peak(115.5, 1532.0);
        assert!(findings_with("S-10", &r, &dem()).is_empty());
    }

    #[test]
    fn a_foreign_height_datum_is_flagged() {
        let r = |d: &str| {
            record("terrain.peak", json!({"elevation_m": 532.0, "rep_point": [117.032, 36.25], "height_datum": d}), None)
        };
        assert!(findings_with("S-10", &r("1985国家高程基准"), &dem()).is_empty());
        let f = findings_with("S-10", &r("WGS84椭球高"), &dem());
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].message.code, "elevation.datum");
    }
}
