//! GCJ-02 ("火星坐标", the obfuscated datum of Chinese consumer web maps) to and from
//! WGS84, by the public formula.
//!
//! Why this exists: much real third-party data for Chinese places (AMap, Tencent, DataV, the
//! Vonng/adcode tables) is in GCJ-02, shifted by hundreds of metres against CGCS2000
//! imagery. The census stores CGCS2000 (EPSG:4490). CGCS2000 and WGS84 agree to the
//! centimetre-to-decimetre level, far below the accuracy of these formulas and of a
//! 1:50 000 census, so the results of [`gcj02_to_wgs84`] are used as CGCS2000 directly (the
//! conversion is recorded in the provenance of whatever was converted).
//!
//! The forward formula is exact by definition (it *is* the obfuscation). The inverse has no
//! closed form; [`gcj02_to_wgs84`] iterates a fixed-point correction until the forward image
//! of the answer is within 1e-9° (≈ 0.1 mm) of the input, which is far inside the required
//! 0.5 m.

/// Semi-major axis of the Krasovsky 1940 ellipsoid used by the formula, metres.
const A: f64 = 6_378_245.0;
/// First eccentricity squared of that ellipsoid.
const EE: f64 = 0.006_693_421_622_965_943;

/// Whether a (lon, lat) lies outside the rough rectangle where GCJ-02 is applied.
/// Outside it the public formula leaves coordinates unchanged.
pub fn outside_china(lon: f64, lat: f64) -> bool {
    !(72.004..=137.8347).contains(&lon) || !(0.8293..=55.8271).contains(&lat)
}

fn transform_lat(x: f64, y: f64) -> f64 {
    use std::f64::consts::PI;
    let mut ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    ret += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    ret += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    ret += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    ret
}

fn transform_lon(x: f64, y: f64) -> f64 {
    use std::f64::consts::PI;
    let mut ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    ret += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    ret += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    ret += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    ret
}

/// The GCJ-02 offset (dlon, dlat) in degrees at a WGS84 position.
fn delta(lon: f64, lat: f64) -> (f64, f64) {
    use std::f64::consts::PI;
    let dlat = transform_lat(lon - 105.0, lat - 35.0);
    let dlon = transform_lon(lon - 105.0, lat - 35.0);
    let radlat = lat / 180.0 * PI;
    let magic = 1.0 - EE * radlat.sin() * radlat.sin();
    let sqrt_magic = magic.sqrt();
    let dlat = (dlat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrt_magic) * PI);
    let dlon = (dlon * 180.0) / (A / sqrt_magic * radlat.cos() * PI);
    (dlon, dlat)
}

/// WGS84 (≈ CGCS2000) → GCJ-02, `[lon, lat]` in degrees. Unchanged outside China.
pub fn wgs84_to_gcj02(p: [f64; 2]) -> [f64; 2] {
    let [lon, lat] = p;
    if !lon.is_finite() || !lat.is_finite() || outside_china(lon, lat) {
        return p;
    }
    let (dlon, dlat) = delta(lon, lat);
    [lon + dlon, lat + dlat]
}

/// GCJ-02 → WGS84 (≈ CGCS2000), `[lon, lat]` in degrees, by fixed-point iteration.
///
/// Converges in a handful of steps because the offset varies slowly (its gradient is of
/// the order 1e-3 per degree); the loop stops when the forward image is within 1e-9°.
pub fn gcj02_to_wgs84(p: [f64; 2]) -> [f64; 2] {
    let [lon, lat] = p;
    if !lon.is_finite() || !lat.is_finite() || outside_china(lon, lat) {
        return p;
    }
    let mut guess = [lon, lat];
    for _ in 0..30 {
        let fwd = wgs84_to_gcj02(guess);
        let ex = fwd[0] - lon;
        let ey = fwd[1] - lat;
        guess = [guess[0] - ex, guess[1] - ey];
        if ex.abs() < 1e-9 && ey.abs() < 1e-9 {
            break;
        }
    }
    guess
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Metres between two nearby lon/lat points (equirectangular, fine at < 1 km).
    fn metres(a: [f64; 2], b: [f64; 2]) -> f64 {
        let r = 6_371_008.8_f64;
        let lat = ((a[1] + b[1]) / 2.0).to_radians();
        let dx = (a[0] - b[0]).to_radians() * lat.cos() * r;
        let dy = (a[1] - b[1]).to_radians() * r;
        (dx * dx + dy * dy).sqrt()
    }

    #[test]
    fn shift_near_taian_matches_the_documented_size() {
        // SOURCES.md: near 泰安 the shift is about +0.0056…+0.0061° lon, ≈0° lat (505–550 m)
        // at its sample points; between them it dips slightly (0.00549° at 116.9 E, 36.05 N).
        for &p in &[[116.3, 35.9], [117.1, 36.2], [117.7, 36.2], [116.9, 36.05]] {
            let g = wgs84_to_gcj02(p);
            let dlon = g[0] - p[0];
            assert!((0.0054..=0.0062).contains(&dlon), "{p:?}: dlon {dlon}");
            let m = metres(p, g);
            assert!((480.0..=580.0).contains(&m), "{p:?}: {m} m");
        }
    }

    #[test]
    fn inverse_recovers_the_original_within_half_a_metre_over_china() {
        // A grid over mainland China, including its edges, with a named step.
        let mut worst: f64 = 0.0;
        let mut lon = 74.0;
        while lon < 135.0 {
            let mut lat = 18.5;
            while lat < 53.5 {
                let wgs = [lon, lat];
                let back = gcj02_to_wgs84(wgs84_to_gcj02(wgs));
                worst = worst.max(metres(wgs, back));
                lat += 0.77;
            }
            lon += 0.93;
        }
        assert!(worst < 0.5, "worst round trip error {worst} m");
        assert!(
            worst < 0.01,
            "iteration should reach millimetres, got {worst} m"
        );
    }

    #[test]
    fn outside_china_and_non_finite_values_pass_through() {
        assert_eq!(wgs84_to_gcj02([2.35, 48.85]), [2.35, 48.85]);
        assert_eq!(gcj02_to_wgs84([2.35, 48.85]), [2.35, 48.85]);
        let nan = gcj02_to_wgs84([f64::NAN, 36.0]);
        assert!(nan[0].is_nan());
    }

    #[test]
    fn converting_a_gcj02_point_moves_it_back_west() {
        // 泰山区 centre as published in GCJ-02 by Vonng/adcode (2016).
        let w = gcj02_to_wgs84([117.135354, 36.192083]);
        assert!(
            w[0] < 117.135354 - 0.005 && w[0] > 117.135354 - 0.0065,
            "{w:?}"
        );
        assert!((w[1] - 36.192083).abs() < 0.001, "{w:?}");
    }
}
