//! Administrative-area outlines for point-in-polygon checks (QA rules S-3 and S-4) and the
//! map: which county contains a point, and how far outside a named county a point lies.

use geo::{
    Contains, Coord, Distance, Euclidean, Intersects, LineString, MultiPolygon, Point, Polygon,
};
use serde::Serialize;
use toponym_core::{Geometry, LonLat};

use crate::error::RefError;
use crate::geojson::{parse_features, Datum, Feature};
use crate::provenance::Provenance;

/// One administrative area with its outline.
#[derive(Debug, Clone, Serialize)]
pub struct AdminArea {
    /// 6-digit code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Outline in CGCS2000 lon/lat.
    pub geometry: Geometry,
    #[serde(skip)]
    shape: MultiPolygon<f64>,
}

/// The outlines of one region's administrative areas.
#[derive(Debug, Clone)]
pub struct Boundaries {
    /// Where they came from, including the GCJ-02 conversion.
    pub provenance: Provenance,
    /// Every area.
    pub areas: Vec<AdminArea>,
}

fn to_multi(g: &Geometry) -> Option<MultiPolygon<f64>> {
    match g.to_geo() {
        geo::Geometry::Polygon(p) => Some(MultiPolygon(vec![p])),
        geo::Geometry::MultiPolygon(m) => Some(m),
        _ => None,
    }
}

/// Metres per degree of latitude and (at `lat`) of longitude, on the GRS80 sphere of equal area
/// — enough for buffers of tens of metres.
fn metres_per_degree(lat: f64) -> (f64, f64) {
    let m_lat = 111_132.954 - 559.822 * (2.0 * lat.to_radians()).cos();
    let m_lon = 111_412.84 * lat.to_radians().cos();
    (m_lon, m_lat)
}

impl Boundaries {
    /// Reads a FeatureCollection whose features carry `adcode` and `name`.
    pub fn parse(provenance: Provenance, text: &str, datum: Datum) -> Result<Self, RefError> {
        let features = parse_features(&provenance, text, datum)?;
        let mut areas = Vec::new();
        for (
            i,
            Feature {
                properties,
                geometry,
            },
        ) in features.into_iter().enumerate()
        {
            let code = properties
                .get("adcode")
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_owned();
            if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
                return Err(RefError::malformed(
                    &provenance.file,
                    1,
                    format!("feature {i} has no 6-digit adcode"),
                ));
            }
            let name = properties
                .get("name")
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_owned();
            let shape = to_multi(&geometry).ok_or_else(|| {
                RefError::malformed(
                    &provenance.file,
                    1,
                    format!("feature {i} ({code}) is not a polygon"),
                )
            })?;
            areas.push(AdminArea {
                code,
                name,
                geometry,
                shape,
            });
        }
        Ok(Boundaries { provenance, areas })
    }

    /// The outline of a 6-digit code.
    pub fn area(&self, code: &str) -> Option<&AdminArea> {
        self.areas.iter().find(|a| a.code == code)
    }

    /// Codes whose outline contains the point, most specific (county) first.
    pub fn containing(&self, p: LonLat) -> Vec<&AdminArea> {
        let pt = Point::new(p[0], p[1]);
        let mut v: Vec<&AdminArea> = self
            .areas
            .iter()
            .filter(|a| a.shape.contains(&pt))
            .collect();
        // County codes (not ending in 00) before prefecture codes.
        v.sort_by_key(|a| a.code.ends_with("00"));
        v
    }

    /// Distance in metres from the point to the area (0 inside); `None` for an unknown code.
    pub fn distance_m(&self, code: &str, p: LonLat) -> Option<f64> {
        let area = self.area(code)?;
        let pt = Point::new(p[0], p[1]);
        if area.shape.contains(&pt) {
            return Some(0.0);
        }
        // Project locally around the point so that Euclidean distance is in metres.
        let (mx, my) = metres_per_degree(p[1]);
        let proj = |c: &Coord<f64>| Coord {
            x: (c.x - p[0]) * mx,
            y: (c.y - p[1]) * my,
        };
        let local = MultiPolygon(
            area.shape
                .0
                .iter()
                .map(|poly| {
                    let ring = |ls: &LineString<f64>| LineString(ls.0.iter().map(proj).collect());
                    Polygon::new(
                        ring(poly.exterior()),
                        poly.interiors().iter().map(ring).collect(),
                    )
                })
                .collect(),
        );
        Some(Euclidean.distance(&Point::new(0.0, 0.0), &local))
    }

    /// The areas a line or polygon touches, county codes first (QA rule S-4: a feature that
    /// crosses unit boundaries must list every unit it crosses in 所在(跨)行政区).
    pub fn crossed(&self, g: &Geometry) -> Vec<&AdminArea> {
        let shape = g.to_geo();
        let mut v: Vec<&AdminArea> = self
            .areas
            .iter()
            .filter(|a| a.shape.intersects(&shape))
            .collect();
        v.sort_by_key(|a| (a.code.ends_with("00"), a.code.clone()));
        v
    }

    /// Whether the point lies in the area or within `buffer_m` of it (S-3); `None` for an unknown code.
    pub fn within(&self, code: &str, p: LonLat, buffer_m: f64) -> Option<bool> {
        self.distance_m(code, p).map(|d| d <= buffer_m)
    }
}
