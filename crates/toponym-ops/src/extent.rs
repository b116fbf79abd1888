//! The project extent for QA rule S-1 ("定位点 inside the project province's bounding box"):
//! a division code is resolved through the shipped reference tables (the 2023 division
//! table says what the code is; the shipped outlines give its extent), so that a county
//! office names its area by code instead of typing coordinates.
//!
//! The shipped outlines cover 泰安市 (370900) and its six counties only; for any other code
//! the error names the division and the codes that do have outlines, and the caller gives
//! the bounding box explicitly instead.

use serde::Serialize;
use toponym_reference::builtin;

use crate::{OpsError, Result};

/// How far the outline's bounding box is widened on every side, in degrees (≈ 1 km):
/// shipped outlines are generalised, and a point on the border must not become a BLOCKER.
pub const EXTENT_MARGIN_DEG: f64 = 0.01;

/// A project area resolved from the reference tables.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectExtent {
    /// The 6-digit code of the outline used.
    pub code: String,
    /// The division's full name (e.g. 泰山区).
    pub name: String,
    /// West, south, east, north in CGCS2000 degrees, widened by [`EXTENT_MARGIN_DEG`].
    pub bbox: [f64; 4],
}

/// The extent of the division `code` (2, 4, 6 or 12 digits: province, prefecture, county).
pub fn province_extent(code: &str) -> Result<ProjectExtent> {
    let code = code.trim();
    let divisions = builtin::divisions()?;
    // Through the 12-digit form, so that 370900 finds the prefecture 3709 as well.
    let division = toponym_reference::divisions::pad12(code)
        .and_then(|c| divisions.get(&c))
        .ok_or_else(|| OpsError::UnknownDivision {
            code: code.to_owned(),
        })?;
    let boundaries = builtin::taian_boundaries()?;
    let mut six = division.short_code.clone();
    while six.len() < 6 {
        six.push('0');
    }
    let bbox = boundaries
        .area(&six)
        .and_then(|a| a.geometry.bbox())
        .ok_or_else(|| OpsError::NoExtent {
            code: code.to_owned(),
            name: division.full_name.clone(),
            available: boundaries
                .areas
                .iter()
                .map(|a| format!("{} {}", a.code, a.name))
                .collect(),
        })?;
    let m = EXTENT_MARGIN_DEG;
    Ok(ProjectExtent {
        code: six,
        name: division.full_name.clone(),
        bbox: [bbox[0] - m, bbox[1] - m, bbox[2] + m, bbox[3] + m],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contains(outer: &[f64; 4], inner: &[f64; 4]) -> bool {
        outer[0] <= inner[0] && outer[1] <= inner[1] && outer[2] >= inner[2] && outer[3] >= inner[3]
    }

    #[test]
    fn a_county_lies_inside_its_prefecture_and_codes_of_any_length_agree() {
        let city = province_extent("3709").unwrap_or_else(|e| panic!("{e}"));
        let county = province_extent("370902").unwrap_or_else(|e| panic!("{e}"));
        let county12 = province_extent("370902000000").unwrap_or_else(|e| panic!("{e}"));
        let city6 = province_extent("370900").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(city, city6);
        assert_eq!(city.code, "370900");
        assert_eq!(county.name, "泰山区");
        assert_eq!(county, county12);
        assert!(contains(&city.bbox, &county.bbox), "{city:?} {county:?}");
        assert!(city.bbox != county.bbox);
        // Real-world sanity: 泰安市 spans about 116.0–118.0 E, 35.6–36.5 N.
        assert!(city.bbox[0] > 115.9 && city.bbox[2] < 118.1, "{city:?}");
        assert!(city.bbox[1] > 35.5 && city.bbox[3] < 36.6, "{city:?}");
    }

    #[test]
    fn a_code_without_an_outline_or_unknown_is_an_error_naming_it() {
        match province_extent("37") {
            Err(OpsError::NoExtent {
                name, available, ..
            }) => {
                assert_eq!(name, "山东省");
                assert!(available.iter().any(|a| a.starts_with("370902")));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            province_extent("99"),
            Err(OpsError::UnknownDivision { .. })
        ));
        assert!(matches!(
            province_extent("泰山区"),
            Err(OpsError::UnknownDivision { .. })
        ));
    }
}
