//! Yearly editions of the statistical division table (统计用区划代码) for one prefecture,
//! down to villagers' and residents' committees: the 2016 Vonng/adcode snapshot (with
//! 城乡分类代码 and GCJ-02 centres) and the 2021 NBS edition.
//!
//! These are the baseline of the investigation list (地名调查目录). GCJ-02 centres are
//! converted to CGCS2000 on load; the conversion is recorded in the table's provenance.

use std::collections::BTreeMap;

use serde::Serialize;
use toponym_core::LonLat;
use toponym_geodesy::gcj02::gcj02_to_wgs84;

use crate::csvread::{self, is_digits};
use crate::error::RefError;
use crate::provenance::Provenance;

/// Level of a statistical unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UnitLevel {
    /// 地级.
    City,
    /// 县级 (including the placeholder 市辖区).
    County,
    /// 乡级.
    Town,
    /// 村级 (村委会、居委会).
    Village,
}

/// One row of an edition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatUnit {
    /// 12-digit code.
    pub code: String,
    /// Name as published.
    pub name: String,
    /// Level.
    pub level: UnitLevel,
    /// Parent 12-digit code.
    pub parent: Option<String>,
    /// 城乡分类代码 (111…220), when the edition has it.
    pub urban_rural_code: Option<String>,
    /// Centre in CGCS2000, converted from the source's CRS, when the edition has one.
    pub point: Option<LonLat>,
    /// Line in the source.
    pub line: u64,
}

/// One edition.
#[derive(Debug, Clone)]
pub struct Edition {
    /// Where it came from.
    pub provenance: Provenance,
    /// Edition year.
    pub year: i32,
    /// Rows by code.
    pub units: BTreeMap<String, StatUnit>,
}

const VONNG: &[&str] = &[
    "code",
    "parent",
    "name",
    "level",
    "rank",
    "adcode",
    "post_code",
    "area_code",
    "ur_code",
    "municipality",
    "virtual",
    "dummy",
    "longitude_gcj02",
    "latitude_gcj02",
    "province",
    "city",
    "county",
    "town",
    "village",
];
const NBS: &[&str] = &["code", "name", "parent_code", "level"];
const UR_CODES: &[&str] = &["111", "112", "121", "122", "123", "210", "220"];

fn level(file: &str, line: u64, s: &str) -> Result<UnitLevel, RefError> {
    Ok(match s {
        "city" => UnitLevel::City,
        "county" => UnitLevel::County,
        "town" => UnitLevel::Town,
        "village" => UnitLevel::Village,
        other => {
            return Err(RefError::malformed(
                file,
                line,
                format!("level `{other}` is not city/county/town/village"),
            ))
        }
    })
}

fn code12(file: &str, line: u64, col: &str, s: &str) -> Result<String, RefError> {
    if is_digits(s, 12) {
        Ok(s.to_owned())
    } else {
        Err(RefError::malformed(
            file,
            line,
            format!("{col} `{s}` is not a 12-digit code"),
        ))
    }
}

fn insert(file: &str, units: &mut BTreeMap<String, StatUnit>, u: StatUnit) -> Result<(), RefError> {
    let line = u.line;
    let code = u.code.clone();
    if units.insert(code.clone(), u).is_some() {
        return Err(RefError::malformed(
            file,
            line,
            format!("code {code} appears twice"),
        ));
    }
    Ok(())
}

impl Edition {
    /// Parses the 2016 Vonng/adcode layout (GCJ-02 centres, converted on load).
    pub fn parse_vonng(provenance: Provenance, year: i32, text: &str) -> Result<Self, RefError> {
        let file = provenance.file.clone();
        let mut units = BTreeMap::new();
        for r in csvread::read(&file, text, VONNG, b',')? {
            let code = code12(&file, r.line, "code", r.get(0))?;
            let parent = match r.get(1) {
                "" => None,
                p => Some(code12(&file, r.line, "parent", p)?),
            };
            let ur = r.get(8);
            if !ur.is_empty() && !UR_CODES.contains(&ur) {
                return Err(RefError::malformed(
                    &file,
                    r.line,
                    format!("ur_code `{ur}` is not a 城乡分类代码"),
                ));
            }
            let point = match (r.get(12), r.get(13)) {
                ("", "") => None,
                (x, y) => {
                    let lon: f64 = x.parse().map_err(|_| {
                        RefError::malformed(
                            &file,
                            r.line,
                            format!("longitude_gcj02 `{x}` is not a number"),
                        )
                    })?;
                    let lat: f64 = y.parse().map_err(|_| {
                        RefError::malformed(
                            &file,
                            r.line,
                            format!("latitude_gcj02 `{y}` is not a number"),
                        )
                    })?;
                    if !(73.0..=136.0).contains(&lon) || !(3.0..=54.0).contains(&lat) {
                        return Err(RefError::malformed(
                            &file,
                            r.line,
                            format!("({lon}, {lat}) is outside China"),
                        ));
                    }
                    Some(gcj02_to_wgs84([lon, lat]))
                }
            };
            if r.get(2).is_empty() {
                return Err(RefError::malformed(&file, r.line, "name is empty"));
            }
            let u = StatUnit {
                code,
                name: r.get(2).to_owned(),
                level: level(&file, r.line, r.get(3))?,
                parent,
                urban_rural_code: (!ur.is_empty()).then(|| ur.to_owned()),
                point,
                line: r.line,
            };
            insert(&file, &mut units, u)?;
        }
        Ok(Edition {
            provenance,
            year,
            units,
        })
    }

    /// Parses the NBS layout derived from liyanjie2048/AdministrativeDivisionCn.
    pub fn parse_nbs(provenance: Provenance, year: i32, text: &str) -> Result<Self, RefError> {
        let file = provenance.file.clone();
        let mut units = BTreeMap::new();
        for r in csvread::read(&file, text, NBS, b',')? {
            let code = code12(&file, r.line, "code", r.get(0))?;
            let parent = match r.get(2) {
                "" => None,
                p => Some(code12(&file, r.line, "parent_code", p)?),
            };
            if r.get(1).is_empty() {
                return Err(RefError::malformed(&file, r.line, "name is empty"));
            }
            let u = StatUnit {
                code,
                name: r.get(1).to_owned(),
                level: level(&file, r.line, r.get(3))?,
                parent,
                urban_rural_code: None,
                point: None,
                line: r.line,
            };
            insert(&file, &mut units, u)?;
        }
        Ok(Edition {
            provenance,
            year,
            units,
        })
    }

    /// Rows inside a county (6-digit prefix), county row excluded.
    pub fn in_county<'a>(&'a self, county: &'a str) -> impl Iterator<Item = &'a StatUnit> + 'a {
        self.units.values().filter(move |u| {
            u.code.starts_with(county) && matches!(u.level, UnitLevel::Town | UnitLevel::Village)
        })
    }
}
