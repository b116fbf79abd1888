//! GeoJSON feature collections of reference geometries: the Tai'an county outlines
//! (published in GCJ-02, converted to CGCS2000 on load) and the Yellow River line (WGS84,
//! used as CGCS2000).
//!
//! The outlines back QA rules S-3 and S-4 (point in polygon with a buffer) and the map.

use serde::Deserialize;
use serde_json::{Map, Value};
use toponym_core::{Geometry, LonLat};
use toponym_geodesy::gcj02::gcj02_to_wgs84;

use crate::error::RefError;
use crate::provenance::Provenance;

/// One feature.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    /// Properties as published.
    pub properties: Map<String, Value>,
    /// Geometry in CGCS2000 lon/lat.
    pub geometry: Geometry,
}

#[derive(Deserialize)]
struct RawCollection {
    #[serde(rename = "type")]
    kind: String,
    features: Vec<RawFeature>,
}

#[derive(Deserialize)]
struct RawFeature {
    #[serde(default)]
    properties: Map<String, Value>,
    geometry: Geometry,
}

/// Which datum a file's coordinates are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Datum {
    /// GCJ-02: converted with the inverse formula.
    Gcj02,
    /// WGS84 or CGCS2000: used as is.
    Wgs84,
}

fn map_positions(g: &mut Geometry, f: impl Fn(LonLat) -> LonLat) {
    let f = &f;
    let conv = |v: &mut Vec<LonLat>| v.iter_mut().for_each(|p| *p = f(*p));
    match g {
        Geometry::Point(p) => *p = f(*p),
        Geometry::LineString(l) => conv(l),
        Geometry::Polygon(r) | Geometry::MultiLineString(r) => r.iter_mut().for_each(conv),
        Geometry::MultiPolygon(ps) => ps.iter_mut().flatten().for_each(conv),
    }
}

/// Reads a FeatureCollection and converts it to CGCS2000.
pub fn parse_features(
    provenance: &Provenance,
    text: &str,
    datum: Datum,
) -> Result<Vec<Feature>, RefError> {
    let file = &provenance.file;
    let raw: RawCollection = serde_json::from_str(text).map_err(|e| {
        let line = e.line() as u64;
        if e.is_eof() {
            RefError::Truncated {
                file: file.clone(),
                line,
                reason: format!("JSON ends early: {e}"),
            }
        } else {
            RefError::malformed(file, line, format!("not a GeoJSON FeatureCollection: {e}"))
        }
    })?;
    if raw.kind != "FeatureCollection" {
        return Err(RefError::malformed(
            file,
            1,
            format!("type is `{}`, expected FeatureCollection", raw.kind),
        ));
    }
    let mut out = Vec::with_capacity(raw.features.len());
    for (i, f) in raw.features.into_iter().enumerate() {
        let mut geometry = f.geometry;
        if let Some(bad) = geometry
            .positions()
            .find(|p| !p[0].is_finite() || !p[1].is_finite() || p[1].abs() > 90.0)
        {
            return Err(RefError::malformed(
                file,
                1,
                format!("feature {i} has an impossible position {bad:?}"),
            ));
        }
        if datum == Datum::Gcj02 {
            map_positions(&mut geometry, gcj02_to_wgs84);
        }
        out.push(Feature {
            properties: f.properties,
            geometry,
        });
    }
    Ok(out)
}
