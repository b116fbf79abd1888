//! Geometry of a record in CGCS2000 (EPSG:4490) longitude/latitude, longitude first.
//!
//! The serialised form is GeoJSON's `{ "type": …, "coordinates": … }` so records can be
//! read by other tools. Conversion to `geo` types is provided for exact predicates.

use serde::{Deserialize, Serialize};

/// A (longitude, latitude) pair in degrees, CGCS2000.
pub type LonLat = [f64; 2];

/// The primary geometry type of a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GeometryKind {
    /// A point feature.
    Point,
    /// A linear feature (river, road).
    Line,
    /// An areal feature (lake, township).
    Polygon,
}

impl GeometryKind {
    /// The lower-case name used in data files.
    pub fn as_str(self) -> &'static str {
        match self {
            GeometryKind::Point => "point",
            GeometryKind::Line => "line",
            GeometryKind::Polygon => "polygon",
        }
    }
}

/// A feature geometry (GeoJSON-shaped), CGCS2000 lon/lat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "coordinates")]
pub enum Geometry {
    /// One position.
    Point(LonLat),
    /// A line through two or more positions.
    LineString(Vec<LonLat>),
    /// An outer ring then holes; rings are closed.
    Polygon(Vec<Vec<LonLat>>),
    /// Several lines (a river in pieces).
    MultiLineString(Vec<Vec<LonLat>>),
    /// Several polygons (a county with exclaves).
    MultiPolygon(Vec<Vec<Vec<LonLat>>>),
}

impl Geometry {
    /// Which primary kind this geometry is.
    pub fn kind(&self) -> GeometryKind {
        match self {
            Geometry::Point(_) => GeometryKind::Point,
            Geometry::LineString(_) | Geometry::MultiLineString(_) => GeometryKind::Line,
            Geometry::Polygon(_) | Geometry::MultiPolygon(_) => GeometryKind::Polygon,
        }
    }

    /// Every position, in order.
    pub fn positions(&self) -> Box<dyn Iterator<Item = &LonLat> + '_> {
        match self {
            Geometry::Point(p) => Box::new(std::iter::once(p)),
            Geometry::LineString(l) => Box::new(l.iter()),
            Geometry::Polygon(rings) | Geometry::MultiLineString(rings) => {
                Box::new(rings.iter().flatten())
            }
            Geometry::MultiPolygon(polys) => Box::new(polys.iter().flatten().flatten()),
        }
    }

    /// Bounding box as (west, south, east, north), or `None` when empty.
    pub fn bbox(&self) -> Option<[f64; 4]> {
        let mut it = self.positions();
        let first = it.next()?;
        let mut b = [first[0], first[1], first[0], first[1]];
        for p in it {
            b[0] = b[0].min(p[0]);
            b[1] = b[1].min(p[1]);
            b[2] = b[2].max(p[0]);
            b[3] = b[3].max(p[1]);
        }
        Some(b)
    }

    /// Converts to a `geo` geometry for exact predicates and measures.
    pub fn to_geo(&self) -> geo::Geometry<f64> {
        use geo::{Coord, LineString, MultiLineString, MultiPolygon, Point, Polygon};
        fn ls(v: &[LonLat]) -> LineString<f64> {
            LineString(v.iter().map(|p| Coord { x: p[0], y: p[1] }).collect())
        }
        fn poly(rings: &[Vec<LonLat>]) -> Polygon<f64> {
            let mut it = rings.iter();
            let outer = it
                .next()
                .map(|r| ls(r))
                .unwrap_or_else(|| LineString(vec![]));
            Polygon::new(outer, it.map(|r| ls(r)).collect())
        }
        match self {
            Geometry::Point(p) => Point::new(p[0], p[1]).into(),
            Geometry::LineString(l) => ls(l).into(),
            Geometry::Polygon(r) => poly(r).into(),
            Geometry::MultiLineString(ls_) => {
                MultiLineString(ls_.iter().map(|l| ls(l)).collect()).into()
            }
            Geometry::MultiPolygon(ps) => MultiPolygon(ps.iter().map(|p| poly(p)).collect()).into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geojson_shape_round_trips() {
        let g: Geometry = serde_json::from_str(
            r#"{"type":"LineString","coordinates":[[117.1,36.2],[117.2,36.3]]}"#,
        )
        .unwrap();
        assert_eq!(g.kind(), GeometryKind::Line);
        assert_eq!(g.bbox(), Some([117.1, 36.2, 117.2, 36.3]));
        let s = serde_json::to_string(&g).unwrap();
        assert!(s.contains(r#""type":"LineString""#), "{s}");
    }

    #[test]
    fn polygon_converts_to_geo_with_area() {
        use geo::Area;
        let g = Geometry::Polygon(vec![vec![
            [0.0, 0.0],
            [1.0, 0.0],
            [1.0, 1.0],
            [0.0, 1.0],
            [0.0, 0.0],
        ]]);
        assert!((g.to_geo().unsigned_area() - 1.0).abs() < 1e-12);
    }
}
