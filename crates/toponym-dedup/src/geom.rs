//! Geometry for the distance, line-overlap and polygon-overlap signals, on CGCS2000 lon/lat
//! degrees. Distances are metres by a local equirectangular approximation (error well under
//! 1 % at the few-kilometre scale of every radius here), and the GCJ-02 offset comes from the
//! public WGS84 → GCJ-02 formula, so a copied web-map point can be recognised (dedup.md §2.8,
//! §8 #17) without knowing who registered it.

/// Metres per degree of latitude.
pub const M_PER_DEG_LAT: f64 = 110_574.0;
/// Metres per degree of longitude at the equator.
pub const M_PER_DEG_LON: f64 = 111_320.0;

/// (east, north) displacement in metres from `a` to `b`.
pub fn delta_m(a: [f64; 2], b: [f64; 2]) -> (f64, f64) {
    let lat = ((a[1] + b[1]) * 0.5).to_radians();
    (
        (b[0] - a[0]) * M_PER_DEG_LON * lat.cos(),
        (b[1] - a[1]) * M_PER_DEG_LAT,
    )
}

/// Distance in metres.
pub fn distance_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (x, y) = delta_m(a, b);
    // Not `hypot`: no overflow is possible at these magnitudes and the square root is
    // several times faster.
    (x * x + y * y).sqrt()
}

/// Plane coordinates (metres) for the spatial index: x scaled by cos(lat) of the point.
pub fn plane(p: [f64; 2]) -> [f64; 2] {
    [
        p[0] * M_PER_DEG_LON * p[1].to_radians().cos(),
        p[1] * M_PER_DEG_LAT,
    ]
}

fn gcj_transform_lat(x: f64, y: f64) -> f64 {
    use std::f64::consts::PI;
    let mut r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    r
}

fn gcj_transform_lon(x: f64, y: f64) -> f64 {
    use std::f64::consts::PI;
    let mut r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    r
}

/// The GCJ-02 offset (degrees lon, lat) at a point inside China; (0, 0) outside.
pub fn gcj_offset(p: [f64; 2]) -> (f64, f64) {
    use std::f64::consts::PI;
    let (lon, lat) = (p[0], p[1]);
    if !(72.004..=137.8347).contains(&lon) || !(0.8293..=55.8271).contains(&lat) {
        return (0.0, 0.0);
    }
    const A: f64 = 6_378_245.0;
    const EE: f64 = 0.006_693_421_622_965_943;
    let mut dlat = gcj_transform_lat(lon - 105.0, lat - 35.0);
    let mut dlon = gcj_transform_lon(lon - 105.0, lat - 35.0);
    let radlat = lat / 180.0 * PI;
    let mut magic = radlat.sin();
    magic = 1.0 - EE * magic * magic;
    let sqrtmagic = magic.sqrt();
    dlat = (dlat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrtmagic) * PI);
    dlon = (dlon * 180.0) / (A / sqrtmagic * radlat.cos() * PI);
    (dlon, dlat)
}

/// Distance after undoing a GCJ-02 copy on either side: the smaller of the residuals
/// `b − a ∓ offset` (metres).
pub fn gcj_residual_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (ox, oy) = gcj_offset(a);
    let shifted_b = [b[0] - ox, b[1] - oy];
    let shifted_a = [a[0] - ox, a[1] - oy];
    distance_m(a, shifted_b).min(distance_m(shifted_a, b))
}

fn point_segment_m(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let (bx, by) = delta_m(a, b);
    let (px, py) = delta_m(a, p);
    let len2 = bx * bx + by * by;
    let t = if len2 > 0.0 {
        ((px * bx + py * by) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (px - t * bx).hypot(py - t * by)
}

fn point_line_m(p: [f64; 2], line: &[[f64; 2]]) -> f64 {
    match line {
        [] => f64::INFINITY,
        [a] => distance_m(p, *a),
        _ => line
            .windows(2)
            .map(|w| point_segment_m(p, w[0], w[1]))
            .fold(f64::INFINITY, f64::min),
    }
}

fn line_length_m(line: &[[f64; 2]]) -> f64 {
    line.windows(2).map(|w| distance_m(w[0], w[1])).sum()
}

/// Points along a line every `step_m` metres (vertices included).
fn densify(line: &[[f64; 2]], step_m: f64) -> Vec<[f64; 2]> {
    let mut out = Vec::new();
    for w in line.windows(2) {
        let d = distance_m(w[0], w[1]);
        let n = ((d / step_m).ceil() as usize).clamp(1, 10_000);
        for k in 0..n {
            let t = k as f64 / n as f64;
            out.push([
                w[0][0] + t * (w[1][0] - w[0][0]),
                w[0][1] + t * (w[1][1] - w[0][1]),
            ]);
        }
    }
    if let Some(&last) = line.last() {
        out.push(last);
    }
    out
}

/// Share of the shorter line within `buffer_m` of the other (dedup.md §5 line overlap).
pub fn line_overlap_share(a: &[[f64; 2]], b: &[[f64; 2]], buffer_m: f64) -> f64 {
    if a.len() < 2 || b.len() < 2 {
        return 0.0;
    }
    let (short, long) = if line_length_m(a) <= line_length_m(b) {
        (a, b)
    } else {
        (b, a)
    };
    let pts = densify(short, (buffer_m / 2.0).max(1.0));
    let inside = pts
        .iter()
        .filter(|&&p| point_line_m(p, long) <= buffer_m)
        .count();
    inside as f64 / pts.len() as f64
}

/// Smallest distance between an endpoint of `a` and an endpoint of `b`, metres.
pub fn endpoint_gap_m(a: &[[f64; 2]], b: &[[f64; 2]]) -> f64 {
    let ends = |l: &[[f64; 2]]| -> Vec<[f64; 2]> {
        match (l.first(), l.last()) {
            (Some(&f), Some(&e)) => vec![f, e],
            _ => Vec::new(),
        }
    };
    let mut best = f64::INFINITY;
    for p in ends(a) {
        for q in ends(b) {
            best = best.min(distance_m(p, q));
        }
    }
    best
}

fn in_ring(p: [f64; 2], ring: &[[f64; 2]]) -> bool {
    let mut inside = false;
    let n = ring.len();
    let mut j = n.wrapping_sub(1);
    for i in 0..n {
        let (xi, yi) = (ring[i][0], ring[i][1]);
        let (xj, yj) = (ring[j][0], ring[j][1]);
        if (yi > p[1]) != (yj > p[1]) && p[0] < (xj - xi) * (p[1] - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

fn bbox(ring: &[[f64; 2]]) -> [f64; 4] {
    ring.iter().fold(
        [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ],
        |b, p| {
            [
                b[0].min(p[0]),
                b[1].min(p[1]),
                b[2].max(p[0]),
                b[3].max(p[1]),
            ]
        },
    )
}

/// (IoU, containment of the smaller in the larger) of two simple polygons (outer rings),
/// estimated on a 96 × 96 sample grid over their joint bounding box: deterministic and
/// within about 1 % for the compact shapes of lakes, parks and reservoirs.
pub fn polygon_overlap(a: &[[f64; 2]], b: &[[f64; 2]]) -> (f64, f64) {
    if a.len() < 3 || b.len() < 3 {
        return (0.0, 0.0);
    }
    let (ba, bb) = (bbox(a), bbox(b));
    let bx = [
        ba[0].min(bb[0]),
        ba[1].min(bb[1]),
        ba[2].max(bb[2]),
        ba[3].max(bb[3]),
    ];
    const N: usize = 96;
    let (mut ia, mut ib, mut both) = (0usize, 0usize, 0usize);
    for i in 0..N {
        for j in 0..N {
            let p = [
                bx[0] + (i as f64 + 0.5) / N as f64 * (bx[2] - bx[0]),
                bx[1] + (j as f64 + 0.5) / N as f64 * (bx[3] - bx[1]),
            ];
            let (x, y) = (in_ring(p, a), in_ring(p, b));
            ia += x as usize;
            ib += y as usize;
            both += (x && y) as usize;
        }
    }
    let union = ia + ib - both;
    if union == 0 {
        return (0.0, 0.0);
    }
    let smaller = ia.min(ib).max(1);
    (both as f64 / union as f64, both as f64 / smaller as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_is_metres() {
        let d = distance_m([117.0, 36.0], [117.0, 36.01]);
        assert!((d - 1105.74).abs() < 1.0, "{d}");
        let e = distance_m([117.0, 36.0], [117.01, 36.0]);
        assert!((e - 900.6).abs() < 2.0, "{e}");
    }

    #[test]
    fn gcj_offset_near_taian_is_about_520_m_east() {
        let (dx, dy) = gcj_offset([117.1, 36.2]);
        assert!((0.0055..0.0062).contains(&dx), "{dx}");
        assert!(dy.abs() < 0.0005, "{dy}");
        let p = [117.1, 36.2];
        let q = [117.1 + dx, 36.2 + dy];
        assert!(distance_m(p, q) > 450.0);
        assert!(gcj_residual_m(p, q) < 1.0);
        assert!(gcj_residual_m(q, p) < 1.0);
    }

    #[test]
    fn line_overlap_and_endpoints() {
        let a = [[117.0, 36.0], [117.02, 36.0]];
        let b = [[117.01, 36.0001], [117.03, 36.0001]];
        let s = line_overlap_share(&a, &b, 50.0);
        assert!((0.4..0.6).contains(&s), "{s}");
        let c = [[117.0, 36.1], [117.02, 36.1]];
        assert_eq!(line_overlap_share(&a, &c, 50.0), 0.0);
        let d = [[117.02, 36.0002], [117.05, 36.0]];
        assert!(endpoint_gap_m(&a, &d) < 50.0);
    }

    #[test]
    fn polygon_iou() {
        let sq = |x: f64, y: f64, s: f64| vec![[x, y], [x + s, y], [x + s, y + s], [x, y + s]];
        let (iou, _) = polygon_overlap(&sq(0.0, 0.0, 1.0), &sq(0.0, 0.0, 1.0));
        assert!(iou > 0.99);
        let (iou, cont) = polygon_overlap(&sq(0.0, 0.0, 1.0), &sq(0.25, 0.25, 0.5));
        assert!((0.2..0.3).contains(&iou), "{iou}");
        assert!(cont > 0.95);
        let (iou, _) = polygon_overlap(&sq(0.0, 0.0, 1.0), &sq(2.0, 2.0, 1.0));
        assert_eq!(iou, 0.0);
    }
}
