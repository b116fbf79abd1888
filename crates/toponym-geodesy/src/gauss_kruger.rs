//! CGCS2000 Gauss-Krüger grids (EPSG:4491–4554) through PROJ.
//!
//! The four EPSG series differ in zone width (6° or 3°) and in whether the false easting
//! carries the zone number as a prefix (zone 39 → 39 500 000 m) or not (500 000 m). The
//! EPSG definitions declare northing first; we normalise to (easting, northing) so that
//! callers, like the rest of Toponym, always see x before y.

use std::fmt;

use proj::Proj;
use toponym_core::LonLat;

use crate::GeodesyError;

/// Zone width of a Gauss-Krüger series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ZoneWidth {
    /// 6° zones 13–23 (central meridians 75°E … 135°E), medium-scale mapping.
    Six,
    /// 3° zones 25–45 (central meridians 75°E … 135°E), large-scale mapping and cadastre.
    Three,
}

impl fmt::Display for ZoneWidth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ZoneWidth::Six => "6°",
            ZoneWidth::Three => "3°",
        })
    }
}

/// One zone of one CGCS2000 Gauss-Krüger series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GkZone {
    /// 6° or 3°.
    pub width: ZoneWidth,
    /// Zone number (6°: 13–23, 3°: 25–45).
    pub zone: u32,
    /// Whether the false easting carries the zone number (EPSG:4491–4501, 4513–4533).
    pub prefixed: bool,
}

impl GkZone {
    /// A zone, checked against the CGCS2000 series.
    pub fn new(width: ZoneWidth, zone: u32, prefixed: bool) -> Result<Self, GeodesyError> {
        let ok = match width {
            ZoneWidth::Six => (13..=23).contains(&zone),
            ZoneWidth::Three => (25..=45).contains(&zone),
        };
        if ok {
            Ok(Self {
                width,
                zone,
                prefixed,
            })
        } else {
            Err(GeodesyError::NoSuchZone { width, zone })
        }
    }

    /// The zone a longitude falls in: 6° n = floor(lon / 6) + 1; 3° n = round(lon / 3).
    pub fn for_lon(lon: f64, width: ZoneWidth, prefixed: bool) -> Result<Self, GeodesyError> {
        let n = match width {
            ZoneWidth::Six => (lon / 6.0).floor() + 1.0,
            ZoneWidth::Three => (lon / 3.0).round(),
        };
        // Out-of-range or non-finite longitudes become zone 0, which `new` rejects.
        let zone = if n.is_finite() && (0.0..=100.0).contains(&n) {
            n as u32
        } else {
            0
        };
        Self::new(width, zone, prefixed)
    }

    /// The zone an EPSG code names, if it is one of EPSG:4491–4554.
    pub fn from_epsg(code: u32) -> Option<Self> {
        let (width, first_zone, prefixed, base) = match code {
            4491..=4501 => (ZoneWidth::Six, 13, true, 4491),
            4502..=4512 => (ZoneWidth::Six, 13, false, 4502),
            4513..=4533 => (ZoneWidth::Three, 25, true, 4513),
            4534..=4554 => (ZoneWidth::Three, 25, false, 4534),
            _ => return None,
        };
        Some(Self {
            width,
            zone: first_zone + (code - base),
            prefixed,
        })
    }

    /// The EPSG code of this zone's projected CRS.
    pub fn epsg(&self) -> u32 {
        match (self.width, self.prefixed) {
            (ZoneWidth::Six, true) => 4491 + (self.zone - 13),
            (ZoneWidth::Six, false) => 4502 + (self.zone - 13),
            (ZoneWidth::Three, true) => 4513 + (self.zone - 25),
            (ZoneWidth::Three, false) => 4534 + (self.zone - 25),
        }
    }

    /// Central meridian in degrees east.
    pub fn central_meridian(&self) -> f64 {
        match self.width {
            ZoneWidth::Six => f64::from(6 * self.zone) - 3.0,
            ZoneWidth::Three => f64::from(3 * self.zone),
        }
    }
}

/// A ready transformation between CGCS2000 lon/lat and one Gauss-Krüger zone.
pub struct GaussKruger {
    zone: GkZone,
    forward: Proj,
    inverse: Proj,
}

impl fmt::Debug for GaussKruger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GaussKruger")
            .field("zone", &self.zone)
            .finish()
    }
}

impl GaussKruger {
    /// Builds both directions for `zone` from PROJ's embedded EPSG database.
    pub fn new(zone: GkZone) -> Result<Self, GeodesyError> {
        let grid = format!("EPSG:{}", zone.epsg());
        let make = |from: &str, to: &str| {
            Proj::new_known_crs(from, to, None).map_err(|e| GeodesyError::Proj {
                from: from.to_owned(),
                to: to.to_owned(),
                detail: e.to_string(),
            })
        };
        Ok(Self {
            zone,
            forward: make("EPSG:4490", &grid)?,
            inverse: make(&grid, "EPSG:4490")?,
        })
    }

    /// The zone this transformation serves.
    pub fn zone(&self) -> GkZone {
        self.zone
    }

    /// CGCS2000 (lon, lat) → grid (easting, northing) in metres.
    pub fn to_grid(&self, p: LonLat) -> Result<[f64; 2], GeodesyError> {
        let (e, n) = self
            .forward
            .convert((p[0], p[1]))
            .map_err(|err| GeodesyError::Transform {
                x: p[0],
                y: p[1],
                crs: format!("EPSG:{}", self.zone.epsg()),
                detail: err.to_string(),
            })?;
        Ok([e, n])
    }

    /// Grid (easting, northing) in metres → CGCS2000 (lon, lat).
    pub fn to_lonlat(&self, en: [f64; 2]) -> Result<LonLat, GeodesyError> {
        let (lon, lat) =
            self.inverse
                .convert((en[0], en[1]))
                .map_err(|err| GeodesyError::Transform {
                    x: en[0],
                    y: en[1],
                    crs: format!("EPSG:{}", self.zone.epsg()),
                    detail: err.to_string(),
                })?;
        Ok([lon, lat])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_numbers_follow_census_standards_section_7() {
        let six = GkZone::for_lon(117.0, ZoneWidth::Six, true).unwrap();
        assert_eq!(
            (six.zone, six.epsg(), six.central_meridian()),
            (20, 4498, 117.0)
        );
        let three = GkZone::for_lon(117.1, ZoneWidth::Three, true).unwrap();
        assert_eq!(
            (three.zone, three.epsg(), three.central_meridian()),
            (39, 4527, 117.0)
        );
        assert_eq!(
            GkZone::for_lon(117.1, ZoneWidth::Three, false)
                .unwrap()
                .epsg(),
            4548
        );
        assert_eq!(
            GkZone::for_lon(102.0, ZoneWidth::Three, true).unwrap().zone,
            34
        );
        assert!(GkZone::for_lon(10.0, ZoneWidth::Six, true).is_err());
        assert!(GkZone::for_lon(f64::NAN, ZoneWidth::Three, true).is_err());
    }

    #[test]
    fn every_epsg_code_round_trips_through_its_zone() {
        for code in 4491..=4554 {
            let z = GkZone::from_epsg(code).unwrap();
            assert_eq!(z.epsg(), code);
            assert!((75.0..=135.0).contains(&z.central_meridian()), "{code}");
        }
        assert_eq!(GkZone::from_epsg(4490), None);
        assert_eq!(GkZone::from_epsg(4555), None);
    }

    #[test]
    fn shandong_point_matches_pyproj_in_zone_39() {
        // Reference values from STACK-NOTES (pyproj agrees): EPSG:4490 → EPSG:4527.
        let gk = GaussKruger::new(GkZone::from_epsg(4527).unwrap()).unwrap();
        let [e, n] = gk.to_grid([117.1, 36.2]).unwrap();
        assert!((e - 39_508_993.549).abs() < 0.002, "easting {e}");
        assert!((n - 4_007_739.477).abs() < 0.002, "northing {n}");
        let back = gk.to_lonlat([e, n]).unwrap();
        assert!(
            (back[0] - 117.1).abs() < 1e-9 && (back[1] - 36.2).abs() < 1e-9,
            "{back:?}"
        );
    }

    #[test]
    fn truncated_series_differs_only_by_the_zone_prefix() {
        let pre = GaussKruger::new(GkZone::new(ZoneWidth::Six, 20, true).unwrap()).unwrap();
        let bare = GaussKruger::new(GkZone::new(ZoneWidth::Six, 20, false).unwrap()).unwrap();
        let a = pre.to_grid([117.3, 36.6]).unwrap();
        let b = bare.to_grid([117.3, 36.6]).unwrap();
        assert!((a[0] - b[0] - 20_000_000.0).abs() < 1e-6);
        assert!((a[1] - b[1]).abs() < 1e-6);
        // On the central meridian the easting is exactly the false easting.
        assert!((bare.to_grid([117.0, 36.6]).unwrap()[0] - 500_000.0).abs() < 1e-6);
    }
}
