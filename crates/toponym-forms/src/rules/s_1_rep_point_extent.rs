//! S-1 (BLOCKER): the 定位点 is finite and inside China's extent (lon 73.4–135.1 E,
//! lat 3.8–53.6 N) and, when the project sets one, the province's bounding box. When the
//! swapped pair would be inside, the message says the coordinates look swapped.

use toponym_core::Severity;

use super::RuleInfo;
use crate::validate::{msg, Ctx, P};

pub(crate) static INFO: RuleInfo = RuleInfo {
    id: "S-1",
    severity: Severity::Blocker,
    title_zh: "定位点在中国范围内",
    title_en: "Representative point inside China",
    checks: "rep_point (numeric [lon, lat]) lies in lon 73.4–135.1, lat 3.8–53.6 and in ValidateOptions::province_bbox when set; swapped lat/lon is named in the message.",
    file: "src/rules/s_1_rep_point_extent.rs",
};

/// China's extent (west, south, east, north).
pub const CHINA_BBOX: [f64; 4] = [73.4, 3.8, 135.1, 53.6];

fn inside(b: &[f64; 4], lon: f64, lat: f64) -> bool {
    lon >= b[0] && lon <= b[2] && lat >= b[1] && lat <= b[3]
}

pub(crate) fn check(cx: &mut Ctx<'_>) {
    let Some(a) = cx.get("rep_point").and_then(|v| v.as_array()) else {
        return;
    };
    let [lon, lat] = a.as_slice() else { return };
    let (Some(lon), Some(lat)) = (lon.as_f64(), lat.as_f64()) else {
        return;
    };
    let path = P::Field("rep_point");
    let (lo, la) = (lon.to_string(), lat.to_string());
    if !inside(&CHINA_BBOX, lon, lat) {
        let swapped = inside(&CHINA_BBOX, lat, lon);
        let (zh, en) = if swapped {
            (format!("定位点 ({lo}, {la}) 不在中国范围内；经纬度似乎颠倒，应为 ({la}, {lo})"),
             format!("rep_point ({lo}, {la}) is outside China; longitude and latitude look swapped, expected ({la}, {lo})"))
        } else {
            (
                format!("定位点 ({lo}, {la}) 不在中国范围内（经度73.4–135.1，纬度3.8–53.6）"),
                format!("rep_point ({lo}, {la}) is outside China (lon 73.4–135.1, lat 3.8–53.6)"),
            )
        };
        let code = if swapped {
            "point.swapped"
        } else {
            "point.outside_china"
        };
        cx.emit(
            "S-1",
            &path,
            msg(code, zh, en).with("lon", lo).with("lat", la),
        );
        return;
    }
    if let Some(b) = cx.opts.province_bbox {
        if !inside(&b, lon, lat) {
            cx.emit(
                "S-1",
                &path,
                msg(
                    "point.outside_province",
                    format!("定位点 ({lo}, {la}) 不在本省范围内"),
                    format!("rep_point ({lo}, {la}) is outside the project province"),
                )
                .with("lon", lo)
                .with("lat", la),
            );
        }
    }
}
