//! The national division table down to township level (2023), keyed by the 12-digit
//! statistical code and reachable by its 6- and 9-digit prefixes.
//!
//! Used to resolve `admin_areas` codes to names, to check that a township code belongs to
//! its county, and to attach aliases (简称) to codes.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::csvread::{self, is_digits};
use crate::error::RefError;
use crate::provenance::Provenance;

/// Level of a division in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DivisionLevel {
    /// 省级.
    Province,
    /// 地级.
    Prefecture,
    /// 县级.
    County,
    /// 乡级 (乡、镇、街道).
    Township,
}

/// One division.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Division {
    /// The significant prefix padded to 12 digits with zeros (the lookup key shape).
    pub code: String,
    /// The 12-digit code as published (`ext_id`); `None` where the source has none (国外).
    /// 389 townships of the source carry a 000 township segment (ids taken from map data),
    /// so this is not unique: look townships up by their 9-digit id.
    pub stats_code: Option<String>,
    /// The significant prefix: 2 (province), 4 (prefecture), 6 (county) or 9 (township) digits.
    pub short_code: String,
    /// Parent's short id (none for provinces).
    pub parent: Option<String>,
    /// Level.
    pub level: DivisionLevel,
    /// Name without generic, as the source gives it (e.g. 东华门).
    pub name: String,
    /// Full name (e.g. 东华门街道).
    pub full_name: String,
    /// The source's machine pinyin (dirty: keep for comparison only).
    pub pinyin: String,
    /// Line in the source file.
    pub line: u64,
}

/// The division table.
#[derive(Debug, Clone)]
pub struct DivisionTable {
    /// Where it came from.
    pub provenance: Provenance,
    /// Keyed by the source's short id (2, 4, 6 or 9 digits), which is unique.
    by_code: BTreeMap<String, Division>,
}

const HEADER: &[&str] = &[
    "id",
    "pid",
    "deep",
    "name",
    "pinyin_prefix",
    "pinyin",
    "ext_id",
    "ext_name",
];

/// Pads a 2/4/6/9/12-digit division code to 12 digits; `None` for other shapes.
pub fn pad12(code: &str) -> Option<String> {
    let n = code.len();
    if !code.bytes().all(|b| b.is_ascii_digit()) || !matches!(n, 2 | 4 | 6 | 9 | 12) {
        return None;
    }
    Some(format!("{code:0<12}"))
}

impl DivisionTable {
    /// Parses the xiangyuecn `ok_data_level4.csv` layout.
    pub fn parse(provenance: Provenance, text: &str) -> Result<Self, RefError> {
        let file = provenance.file.clone();
        let rows = csvread::read(&file, text, HEADER, b',')?;
        let mut by_code = BTreeMap::new();
        for r in rows {
            let (id, pid, deep, ext_id) = (r.get(0), r.get(1), r.get(2), r.get(6));
            // The level follows the id's length, not `deep`: county-level units directly
            // under a province (济源 419001) sit at deep 1 and their townships at deep 2.
            let level = match (deep, id.len()) {
                ("0" | "1" | "2" | "3", 2) => DivisionLevel::Province,
                ("1" | "2" | "3", 4) => DivisionLevel::Prefecture,
                ("1" | "2" | "3", 6) => DivisionLevel::County,
                ("2" | "3", 9) => DivisionLevel::Township,
                _ => {
                    return Err(RefError::malformed(
                        &file,
                        r.line,
                        format!("id `{id}` at deep `{deep}` is not a 2/4/6/9-digit division id"),
                    ))
                }
            };
            if !id.bytes().all(|b| b.is_ascii_digit()) {
                return Err(RefError::malformed(
                    &file,
                    r.line,
                    format!("id `{id}` is not all digits"),
                ));
            }
            let stats_code = if is_digits(ext_id, 12) {
                Some(ext_id.to_owned())
            } else if ext_id.bytes().all(|b| b.is_ascii_digit()) && !ext_id.is_empty() {
                None // "0" for the 国外 placeholder rows
            } else {
                return Err(RefError::malformed(
                    &file,
                    r.line,
                    format!("ext_id `{ext_id}` is not a code"),
                ));
            };
            if r.get(3).is_empty() || r.get(7).is_empty() {
                return Err(RefError::malformed(
                    &file,
                    r.line,
                    "name or ext_name is empty",
                ));
            }
            let parent = if pid == "0" {
                None
            } else {
                pad12(pid).ok_or_else(|| {
                    RefError::malformed(
                        &file,
                        r.line,
                        format!("pid `{pid}` is not a division code"),
                    )
                })?;
                Some(pid.to_owned())
            };
            let code = pad12(id).unwrap_or_default();
            let d = Division {
                code,
                stats_code,
                short_code: id.to_owned(),
                parent,
                level,
                name: r.get(3).to_owned(),
                full_name: r.get(7).to_owned(),
                pinyin: r.get(5).to_owned(),
                line: r.line,
            };
            if by_code.insert(id.to_owned(), d).is_some() {
                return Err(RefError::malformed(
                    &file,
                    r.line,
                    format!("code {id} appears twice"),
                ));
            }
        }
        Ok(DivisionTable {
            provenance,
            by_code,
        })
    }

    /// Looks a code up by 2, 4, 6, 9 or 12 digits.
    pub fn get(&self, code: &str) -> Option<&Division> {
        if !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        match code.len() {
            2 | 4 | 6 | 9 => self.by_code.get(code),
            12 => {
                let zeros = |r: std::ops::Range<usize>| code[r].bytes().all(|b| b == b'0');
                if !zeros(9..12) {
                    None // village level is not in this table
                } else if !zeros(6..9) {
                    self.by_code.get(&code[..9])
                } else if !zeros(4..6) {
                    self.by_code.get(&code[..6])
                } else if !zeros(2..4) {
                    self.by_code.get(&code[..4])
                } else {
                    self.by_code.get(&code[..2])
                }
            }
            _ => None,
        }
    }

    /// Direct children of a code, in code order.
    pub fn children<'a>(&'a self, code: &str) -> impl Iterator<Item = &'a Division> + 'a {
        let key = self.get(code).map(|d| d.short_code.clone());
        self.by_code
            .values()
            .filter(move |d| d.parent.is_some() && d.parent == key)
    }

    /// Every division, in id order.
    pub fn iter(&self) -> impl Iterator<Item = &Division> {
        self.by_code.values()
    }

    /// Number of divisions.
    pub fn len(&self) -> usize {
        self.by_code.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.by_code.is_empty()
    }

    /// Finds a county-level division by its full name under a prefecture's full name.
    pub fn find_county(&self, prefecture_full: &str, county_full: &str) -> Option<&Division> {
        self.by_code.values().find(|d| {
            d.level == DivisionLevel::County
                && d.full_name == county_full
                && d.parent
                    .as_deref()
                    .and_then(|p| self.by_code.get(p))
                    .map(|p| p.full_name.as_str())
                    == Some(prefecture_full)
        })
    }
}
