//! Prepared outlines of `Refs::boundaries`, built once per `Refs` at the first spatial
//! test: each area's shape, its raster index (`grid`) and an R-tree of its ring edges.
//! They answer the same questions as `toponym_reference::Boundaries::within` and
//! `Boundaries::crossed` with the same results, but visit only the edges near the point
//! or the geometry instead of every vertex of the county (and allocate nothing).

use geo::coordinate_position::CoordPos;
use geo::{
    BoundingRect, Coord, CoordinatePosition, Distance, Euclidean, Intersects, Line, LineString,
    MultiLineString, MultiPolygon, Point, Polygon, Rect,
};
use rstar::primitives::GeomWithData;
use rstar::{RTree, AABB};
use rustc_hash::FxHashMap;
use toponym_reference::{AdminArea, Boundaries};

use crate::grid::Grid;

/// An edge of an outline ring; the flag says whether the ring is an exterior one.
type Edge = GeomWithData<Line<f64>, bool>;

/// One area's outline, prepared.
pub(crate) struct Outline {
    /// The outline as `geo` sees it (what `Boundaries` tests against).
    pub(crate) shape: MultiPolygon<f64>,
    grid: Option<Grid>,
    bbox: Option<Rect<f64>>,
    edges: RTree<Edge>,
    /// A polygon with an empty exterior ring: `geo` puts every point at distance 0.
    empty_ring: bool,
}

/// Every table's outlines, prepared, with the county-first order of `Boundaries::crossed`.
pub(crate) struct Outlines {
    /// Per table of `Refs::boundaries`, per area (same positions).
    tables: Vec<Vec<Outline>>,
    /// Per table: area positions sorted as `Boundaries::crossed` sorts them.
    order: Vec<Vec<usize>>,
    /// The first (table, area) of each code, as `Refs::outline` finds it.
    by_code: FxHashMap<String, (usize, usize)>,
}

/// Metres per degree of longitude and latitude at `lat`, as `toponym_reference` computes
/// them for `Boundaries::distance_m` (its buffer test must give the same answer here).
fn metres_per_degree(lat: f64) -> (f64, f64) {
    let m_lat = 111_132.954 - 559.822 * (2.0 * lat.to_radians()).cos();
    let m_lon = 111_412.84 * lat.to_radians().cos();
    (m_lon, m_lat)
}

impl Outline {
    fn new(area: &AdminArea) -> Outline {
        let shape = match area.geometry.to_geo() {
            geo::Geometry::Polygon(p) => MultiPolygon(vec![p]),
            geo::Geometry::MultiPolygon(m) => m,
            _ => MultiPolygon(Vec::new()),
        };
        let mut edges = Vec::new();
        let mut empty_ring = false;
        for poly in &shape.0 {
            empty_ring |= poly.exterior().0.is_empty();
            edges.extend(poly.exterior().lines().map(|l| Edge::new(l, true)));
            for ring in poly.interiors() {
                edges.extend(ring.lines().map(|l| Edge::new(l, false)));
            }
        }
        Outline {
            grid: Grid::new(&shape),
            bbox: shape.bounding_rect(),
            edges: RTree::bulk_load(edges),
            empty_ring,
            shape,
        }
    }

    /// Whether the point lies in the outline (boundary included), answered from the
    /// raster index where it can be.
    fn touches_coord(&self, c: Coord<f64>) -> bool {
        match self.grid.as_ref().and_then(|g| g.lookup([c.x, c.y])) {
            Some(v) => v,
            // Per polygon, as `geo`'s `intersects` asks (a multipolygon's own position
            // counts a vertex shared by two parts as outside).
            None => self
                .shape
                .0
                .iter()
                .any(|p| p.coordinate_position(&c) != CoordPos::Outside),
        }
    }

    /// `Boundaries::within` for this area: inside, or within `buffer_m` metres of it in
    /// the same local projection around the point.
    pub(crate) fn within(&self, p: [f64; 2], buffer_m: f64) -> bool {
        if self.grid.as_ref().and_then(|g| g.lookup(p)) == Some(true) {
            return true;
        }
        let pt = Point::new(p[0], p[1]);
        if geo::Contains::contains(&self.shape, &pt) || self.empty_ring {
            return true;
        }
        if buffer_m.is_nan() || buffer_m < 0.0 {
            return false;
        }
        if buffer_m == f64::INFINITY {
            return self.edges.size() > 0;
        }
        let (mx, my) = metres_per_degree(p[1]);
        // Every edge closer than the buffer has a point inside this box (widened a little
        // against rounding); edges outside it cannot change the answer.
        let (rx, ry) = (
            (buffer_m / mx).abs() * 1.01 + 1e-9,
            (buffer_m / my).abs() * 1.01 + 1e-9,
        );
        let env = AABB::from_corners(
            Point::new(p[0] - rx, p[1] - ry),
            Point::new(p[0] + rx, p[1] + ry),
        );
        let proj = |c: Coord<f64>| Coord {
            x: (c.x - p[0]) * mx,
            y: (c.y - p[1]) * my,
        };
        let origin = Point::new(0.0, 0.0);
        self.edges.locate_in_envelope_intersecting(&env).any(|e| {
            let l = e.geom();
            Euclidean.distance(&origin, &Line::new(proj(l.start), proj(l.end))) <= buffer_m
        })
    }

    /// Whether an edge of this outline meets the segment (exterior rings only, or all).
    fn edge_meets(&self, l: &Line<f64>, exterior_only: bool) -> bool {
        let r = l.bounding_rect();
        let env = AABB::from_corners(Point::from(r.min()), Point::from(r.max()));
        self.edges
            .locate_in_envelope_intersecting(&env)
            .any(|e| (!exterior_only || e.data) && e.geom().intersects(l))
    }

    fn bbox_overlaps(&self, r: Option<Rect<f64>>) -> bool {
        match (self.bbox, r) {
            (Some(a), Some(b)) => a.intersects(&b),
            _ => true,
        }
    }

    /// `outline.intersects(line)` as `geo` decides it: the first vertex lies in the
    /// outline, or a segment of the line meets an edge of it.
    fn meets_line(&self, ls: &LineString<f64>) -> bool {
        let Some(first) = ls.0.first() else {
            return false;
        };
        if !self.bbox_overlaps(ls.bounding_rect()) {
            return false;
        }
        self.touches_coord(*first) || ls.lines().any(|l| self.edge_meets(&l, false))
    }

    /// `outline.intersects(polygon)` as `geo` decides it per pair of polygons: a first
    /// exterior vertex of one lies in the other, exteriors meet, or an interior ring of
    /// one meets the exterior of the other.
    fn meets_polygon(&self, g: &Polygon<f64>) -> bool {
        if !self.bbox_overlaps(g.bounding_rect()) {
            return false;
        }
        let ext = g.exterior();
        if ext.0.first().is_some_and(|c| self.touches_coord(*c)) {
            return true;
        }
        let own_first_inside = self.shape.0.iter().any(|p| {
            p.exterior()
                .0
                .first()
                .is_some_and(|c| g.intersects(c) && bbox_pair(p, g))
        });
        if own_first_inside {
            return true;
        }
        // The exterior against every ring of the outline (exterior–exterior and the
        // outline's holes against the exterior) ...
        if ext.lines().any(|l| self.edge_meets(&l, false)) {
            return true;
        }
        // ... and the polygon's holes against the outline's exteriors.
        g.interiors()
            .iter()
            .any(|ring| ring.lines().any(|l| self.edge_meets(&l, true)))
    }

    /// Whether the lines share a point with the outline (`Boundaries::crossed`'s test).
    pub(crate) fn meets_lines(&self, m: &MultiLineString<f64>) -> bool {
        self.bbox_overlaps(m.bounding_rect()) && m.0.iter().any(|ls| self.meets_line(ls))
    }

    /// Whether the polygons share a point with the outline (`Boundaries::crossed`'s test).
    pub(crate) fn meets_polygons(&self, m: &MultiPolygon<f64>) -> bool {
        self.bbox_overlaps(m.bounding_rect()) && m.0.iter().any(|pg| self.meets_polygon(pg))
    }
}

/// Whether two polygons' boxes overlap (geo's shortcut before the pair's tests).
fn bbox_pair(a: &Polygon<f64>, b: &Polygon<f64>) -> bool {
    match (a.bounding_rect(), b.bounding_rect()) {
        (Some(x), Some(y)) => x.intersects(&y),
        _ => true,
    }
}

impl Outlines {
    pub(crate) fn new(boundaries: &[Boundaries]) -> Outlines {
        let mut by_code = FxHashMap::default();
        let mut tables = Vec::new();
        let mut order = Vec::new();
        for (t, b) in boundaries.iter().enumerate() {
            tables.push(b.areas.iter().map(Outline::new).collect());
            for (i, a) in b.areas.iter().enumerate() {
                by_code.entry(a.code.clone()).or_insert((t, i));
            }
            let mut o: Vec<usize> = (0..b.areas.len()).collect();
            o.sort_by_key(|&i| (b.areas[i].code.ends_with("00"), b.areas[i].code.clone()));
            order.push(o);
        }
        Outlines {
            tables,
            order,
            by_code,
        }
    }

    /// The prepared outline of a code (its first table).
    pub(crate) fn get(&self, code: &str) -> Option<&Outline> {
        let &(t, i) = self.by_code.get(code)?;
        self.tables.get(t)?.get(i)
    }

    /// Table `t`'s areas in `Boundaries::crossed` order, with their prepared outlines.
    pub(crate) fn in_order<'a>(
        &'a self,
        t: usize,
        b: &'a Boundaries,
    ) -> impl Iterator<Item = (&'a AdminArea, &'a Outline)> + 'a {
        self.order
            .get(t)
            .into_iter()
            .flatten()
            .filter_map(move |&i| Some((b.areas.get(i)?, self.tables.get(t)?.get(i)?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;
    use toponym_core::Geometry;

    /// Named seed of the comparisons below.
    const SEED_OUTLINE_TEST: u64 = 0x6f75_746c_696e_6573;

    /// Vertices of every outline ring, where the hard cases are.
    fn border_points(b: &Boundaries) -> Vec<[f64; 2]> {
        let mut v = Vec::new();
        for a in &b.areas {
            for p in a.geometry.positions().step_by(5) {
                v.push(*p);
            }
        }
        v
    }

    #[test]
    fn within_agrees_with_the_reference_distance_test() {
        let refs = crate::testkit::taian_outlines();
        let b = &refs.boundaries[0];
        let outlines = Outlines::new(&refs.boundaries);
        let border = border_points(b);
        let mut rng = ChaCha8Rng::seed_from_u64(SEED_OUTLINE_TEST);
        let mut near = 0;
        for k in 0..4000 {
            let base = border[rng.gen_range(0..border.len())];
            let d = if k % 2 == 0 { 0.0005 } else { 0.01 };
            let p = [
                base[0] + rng.gen_range(-d..d),
                base[1] + rng.gen_range(-d..d),
            ];
            let buffer = [0.0, 10.0, 30.0, 100.0, 500.0][k % 5];
            for a in &b.areas {
                let want = b.within(&a.code, p, buffer).expect("known code");
                let got = outlines.get(&a.code).expect("prepared").within(p, buffer);
                assert_eq!(got, want, "{} {p:?} {buffer}", a.code);
                if want && b.distance_m(&a.code, p) != Some(0.0) {
                    near += 1;
                }
            }
        }
        assert!(near > 50, "too few points in the buffer band: {near}");
    }

    #[test]
    fn crossing_agrees_with_the_reference_intersection_test() {
        let refs = crate::testkit::taian_outlines();
        let b = &refs.boundaries[0];
        let outlines = Outlines::new(&refs.boundaries);
        let border = border_points(b);
        let mut rng = ChaCha8Rng::seed_from_u64(SEED_OUTLINE_TEST + 1);
        let (mut hits, mut misses) = (0, 0);
        for k in 0..1500 {
            let base = border[rng.gen_range(0..border.len())];
            let d = [0.0003, 0.003, 0.03][k % 3];
            let mut pt = || {
                [
                    base[0] + rng.gen_range(-d..d),
                    base[1] + rng.gen_range(-d..d),
                ]
            };
            let g = match k % 4 {
                0 => Geometry::LineString((0..2 + k % 7).map(|_| pt()).collect()),
                1 => Geometry::MultiLineString(vec![vec![pt(), pt()], vec![pt(), pt(), pt()]]),
                2 => {
                    let (c, r) = (pt(), d * 0.6);
                    let n = 3 + k % 9;
                    let mut ring: Vec<[f64; 2]> = (0..n)
                        .map(|i| {
                            let t = i as f64 / n as f64 * std::f64::consts::TAU;
                            [c[0] + r * t.cos(), c[1] + r * t.sin()]
                        })
                        .collect();
                    ring.push(ring[0]);
                    let hole: Vec<[f64; 2]> = ring
                        .iter()
                        .map(|q| [c[0] + (q[0] - c[0]) * 0.4, c[1] + (q[1] - c[1]) * 0.4])
                        .collect();
                    Geometry::Polygon(vec![ring, hole])
                }
                _ => {
                    let sq = |c: [f64; 2], r: f64| {
                        vec![
                            [c[0] - r, c[1] - r],
                            [c[0] + r, c[1] - r],
                            [c[0] + r, c[1] + r],
                            [c[0] - r, c[1] + r],
                            [c[0] - r, c[1] - r],
                        ]
                    };
                    Geometry::MultiPolygon(vec![vec![sq(pt(), d * 0.3)], vec![sq(pt(), d)]])
                }
            };
            let want: Vec<&str> = b.crossed(&g).iter().map(|a| a.code.as_str()).collect();
            let got: Vec<&str> = outlines
                .in_order(0, b)
                .filter(|(_, o)| match g.to_geo() {
                    geo::Geometry::LineString(l) => o.meets_lines(&MultiLineString(vec![l])),
                    geo::Geometry::MultiLineString(m) => o.meets_lines(&m),
                    geo::Geometry::Polygon(p) => o.meets_polygons(&MultiPolygon(vec![p])),
                    geo::Geometry::MultiPolygon(m) => o.meets_polygons(&m),
                    _ => unreachable!(),
                })
                .map(|(a, _)| a.code.as_str())
                .collect();
            assert_eq!(got, want, "{g:?}");
            hits += want.len();
            misses += b.areas.len() - want.len();
        }
        assert!(hits > 500 && misses > 500, "{hits} {misses}");
    }

    #[test]
    fn a_county_inside_a_large_polygon_is_crossed() {
        let refs = crate::testkit::taian_outlines();
        let b = &refs.boundaries[0];
        let outlines = Outlines::new(&refs.boundaries);
        let big = Geometry::Polygon(vec![vec![
            [110.0, 30.0],
            [125.0, 30.0],
            [125.0, 42.0],
            [110.0, 42.0],
            [110.0, 30.0],
        ]]);
        let want = b.crossed(&big).len();
        assert_eq!(want, b.areas.len());
        let geo::Geometry::Polygon(p) = big.to_geo() else {
            unreachable!()
        };
        let m = MultiPolygon(vec![p]);
        assert_eq!(
            outlines
                .in_order(0, b)
                .filter(|(_, o)| o.meets_polygons(&m))
                .count(),
            want
        );
    }
}
