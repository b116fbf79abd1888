//! The survey area's reference data for the app: townships for the list filter and the
//! map's reference layers (county outlines, the Yellow River), from the built-in tables of
//! toponym-reference (already converted to CGCS2000 there).

use std::collections::HashSet;

use serde_json::{json, Value};

use super::dto::*;
use super::AppError;

/// The national division table, parsed once per process (tens of milliseconds in a
/// release build, far more in a debug build).
fn divisions() -> Option<&'static toponym_reference::DivisionTable> {
    static TABLE: std::sync::OnceLock<Option<toponym_reference::DivisionTable>> =
        std::sync::OnceLock::new();
    TABLE
        .get_or_init(|| toponym_reference::builtin::divisions().ok())
        .as_ref()
}

/// Starts parsing the division table on another thread, so that it overlaps the key
/// derivation of an unlock instead of following it.
pub fn warm_up() {
    std::thread::spawn(|| {
        divisions();
    });
}

/// Townships (乡级) of the given 6-digit counties, from the built-in division table.
pub fn townships_of(counties: &HashSet<String>) -> Vec<TownshipDto> {
    let Some(table) = divisions() else {
        return Vec::new();
    };
    let mut out: Vec<TownshipDto> = table
        .iter()
        .filter(|d| d.level == toponym_reference::DivisionLevel::Township)
        .filter(|d| d.short_code.len() == 9 && counties.contains(&d.short_code[..6]))
        .map(|d| TownshipDto {
            code: d.short_code.clone(),
            name: d.full_name.clone(),
        })
        .collect();
    out.sort_by(|a, b| a.code.cmp(&b.code));
    out.dedup_by(|a, b| a.code == b.code);
    out
}

/// County outlines of 泰安 and the Yellow River, as GeoJSON for the map.
pub fn map_layers() -> Result<MapLayers, AppError> {
    let bad = |e: toponym_reference::RefError| AppError::Store {
        code: "reference.invalid",
        detail: format!("reference data: {e}"),
    };
    let b = toponym_reference::builtin::taian_boundaries().map_err(bad)?;
    let mut bbox: Option<[f64; 4]> = None;
    let boundaries: Vec<Value> = b
        .areas
        .iter()
        .map(|a| {
            let level = if a.code.ends_with("00") {
                "prefecture"
            } else {
                "county"
            };
            if level == "county" {
                if let Some(x) = a.geometry.bbox() {
                    bbox = Some(match bbox {
                        None => x,
                        Some(o) => [
                            o[0].min(x[0]),
                            o[1].min(x[1]),
                            o[2].max(x[2]),
                            o[3].max(x[3]),
                        ],
                    });
                }
            }
            json!({
                "type": "Feature",
                "properties": { "code": a.code, "name": a.name, "level": level },
                "geometry": a.geometry,
            })
        })
        .collect();
    let (_, river) = toponym_reference::builtin::yellow_river().map_err(bad)?;
    let rivers = vec![json!({
        "type": "Feature",
        "properties": { "name": "黄河", "name_en": "Yellow River" },
        "geometry": river.geometry,
    })];
    Ok(MapLayers {
        boundaries: json!({ "type": "FeatureCollection", "features": boundaries }),
        rivers: json!({ "type": "FeatureCollection", "features": rivers }),
        bbox,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_map_gets_county_outlines_and_the_yellow_river_around_taian() {
        let l = map_layers().unwrap();
        let feats = l.boundaries["features"].as_array().unwrap();
        assert!(feats
            .iter()
            .any(|f| f["properties"]["code"] == "370902" && f["properties"]["level"] == "county"));
        let [w, s, e, n] = l.bbox.unwrap();
        // 泰山区 (117.1 E, 36.2 N) lies inside the counties' box.
        assert!(
            w < 117.1 && e > 117.1 && s < 36.2 && n > 36.2,
            "{:?}",
            l.bbox
        );
        assert_eq!(
            l.rivers["features"][0]["geometry"]["type"],
            "MultiLineString"
        );
    }

    #[test]
    fn townships_of_the_survey_counties_only() {
        let t = townships_of(&HashSet::from(["370902".to_owned()]));
        assert!(!t.is_empty());
        assert!(
            t.iter()
                .all(|x| x.code.len() == 9 && x.code.starts_with("370902")),
            "{t:?}"
        );
        assert!(townships_of(&HashSet::new()).is_empty());
    }
}
