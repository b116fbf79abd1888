//! A raster index over an administrative outline, so that the common case of S-3 (a point
//! well inside its county) costs a lookup instead of a point-in-polygon test over
//! thousands of vertices. Cells crossed by an edge are "edge" cells; the others are
//! classified once by their centre. Only points in edge cells (or outside) fall back to
//! the exact test.

use geo::{BoundingRect, Contains, MultiPolygon, Point};

const N: usize = 128;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Cell {
    Out,
    In,
    Edge,
}

/// The index of one outline.
pub struct Grid {
    x0: f64,
    y0: f64,
    w: f64,
    h: f64,
    cells: Vec<Cell>,
}

impl Grid {
    /// Builds the index of an outline.
    pub fn new(shape: &MultiPolygon<f64>) -> Option<Grid> {
        let r = shape.bounding_rect()?;
        let (x0, y0) = (r.min().x, r.min().y);
        let w = (r.width() / N as f64).max(1e-12);
        let h = (r.height() / N as f64).max(1e-12);
        let mut cells = vec![Cell::Out; N * N];
        let clamp = |v: f64| (v.max(0.0) as usize).min(N - 1);
        let mut mark_ring = |ring: &geo::LineString<f64>| {
            for l in ring.lines() {
                let (ax, bx) = ((l.start.x - x0) / w, (l.end.x - x0) / w);
                let (ay, by) = ((l.start.y - y0) / h, (l.end.y - y0) / h);
                // Conservative: every cell of the segment's bounding box, widened by one.
                let (cx0, cx1) = (clamp(ax.min(bx) - 1.0), clamp(ax.max(bx) + 1.0));
                let (cy0, cy1) = (clamp(ay.min(by) - 1.0), clamp(ay.max(by) + 1.0));
                for cy in cy0..=cy1 {
                    for cx in cx0..=cx1 {
                        cells[cy * N + cx] = Cell::Edge;
                    }
                }
            }
        };
        for poly in &shape.0 {
            mark_ring(poly.exterior());
            for i in poly.interiors() {
                mark_ring(i);
            }
        }
        for cy in 0..N {
            for cx in 0..N {
                let c = &mut cells[cy * N + cx];
                if *c == Cell::Edge {
                    continue;
                }
                let centre = Point::new(x0 + (cx as f64 + 0.5) * w, y0 + (cy as f64 + 0.5) * h);
                *c = if shape.contains(&centre) {
                    Cell::In
                } else {
                    Cell::Out
                };
            }
        }
        Some(Grid {
            x0,
            y0,
            w,
            h,
            cells,
        })
    }

    /// `Some(true)` when the point is certainly inside, `Some(false)` when certainly
    /// outside by more than a cell, `None` when only the exact test can tell.
    pub fn lookup(&self, p: [f64; 2]) -> Option<bool> {
        let fx = (p[0] - self.x0) / self.w;
        let fy = (p[1] - self.y0) / self.h;
        if !(0.0..N as f64).contains(&fx) || !(0.0..N as f64).contains(&fy) {
            return None; // outside the box: the exact distance decides the buffer
        }
        match self.cells[fy as usize * N + fx as usize] {
            Cell::In => Some(true),
            Cell::Out => Some(false),
            Cell::Edge => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, Contains};

    #[test]
    fn agrees_with_the_exact_test() {
        let square = MultiPolygon(vec![polygon![
            (x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 5.0, y: 4.0), (x: 0.0, y: 10.0), (x: 0.0, y: 0.0)
        ]]);
        let g = Grid::new(&square).expect("grid");
        for i in 0..100 {
            for j in 0..100 {
                let p = [i as f64 * 0.1 + 0.05, j as f64 * 0.1 + 0.05];
                if let Some(v) = g.lookup(p) {
                    assert_eq!(v, square.contains(&Point::new(p[0], p[1])), "{p:?}");
                }
            }
        }
        assert_eq!(g.lookup([1.0, 1.0]), Some(true));
    }
}
