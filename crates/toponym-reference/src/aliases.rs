//! Short names (简称) and documented county-level renamings (曾用名).
//!
//! The renaming list names places by their hierarchy of names, not by code; [`Aliases::resolve`]
//! joins it to the division table so each renaming lands on a code, and reports the ones
//! that do not resolve (the source has a real typo, 云岗区 for 云冈区, which must surface
//! rather than be silently dropped).

use serde::Serialize;
use time::Date;

use crate::csvread::{self, is_digits};
use crate::divisions::DivisionTable;
use crate::error::RefError;
use crate::provenance::Provenance;

/// One 简称.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShortName {
    /// province, prefecture or county.
    pub level: String,
    /// Full name.
    pub name: String,
    /// 6-digit code.
    pub code: String,
    /// 简称.
    pub short_name: String,
}

/// One documented renaming or re-subordination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Renaming {
    /// Approval date.
    pub date: Date,
    /// 国批 (State Council) or 民批 (Ministry of Civil Affairs).
    pub approver: String,
    /// Old hierarchy: (full name, short name), province first.
    pub old_path: Vec<(String, String)>,
    /// New hierarchy of full names, province first.
    pub new_path: Vec<String>,
    /// Line in the source.
    pub line: u64,
}

impl Renaming {
    /// The old name of the lowest level.
    pub fn old_name(&self) -> &str {
        self.old_path.last().map(|p| p.0.as_str()).unwrap_or("")
    }
    /// The new name of the lowest level.
    pub fn new_name(&self) -> &str {
        self.new_path.last().map(String::as_str).unwrap_or("")
    }
}

/// A renaming attached to the current code of the renamed unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormerName {
    /// Current 6-digit code.
    pub code: String,
    /// Current full name.
    pub name: String,
    /// 曾用名.
    pub former_name: String,
    /// Date the new name took effect.
    pub until: Date,
}

/// A renaming whose new unit is not in the division table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unresolved {
    /// Line in the renaming list.
    pub line: u64,
    /// Why it did not resolve.
    pub reason: String,
}

/// Short names plus renamings.
#[derive(Debug, Clone)]
pub struct Aliases {
    /// Provenance of the short-name list.
    pub short_names_provenance: Provenance,
    /// Provenance of the renaming list.
    pub renamings_provenance: Provenance,
    /// Every short name.
    pub short_names: Vec<ShortName>,
    /// Every renaming.
    pub renamings: Vec<Renaming>,
}

const SHORT_HEADER: &[&str] = &["level", "name", "code", "short_name"];

impl Aliases {
    /// Parses the short-name CSV and the renaming TSV.
    pub fn parse(
        short_prov: Provenance,
        short_text: &str,
        renaming_prov: Provenance,
        renaming_text: &str,
    ) -> Result<Self, RefError> {
        let file = short_prov.file.clone();
        let mut short_names = Vec::new();
        for r in csvread::read(&file, short_text, SHORT_HEADER, b',')? {
            if !matches!(r.get(0), "province" | "prefecture" | "county") {
                return Err(RefError::malformed(
                    &file,
                    r.line,
                    format!("level `{}` is unknown", r.get(0)),
                ));
            }
            if !is_digits(r.get(2), 6) {
                return Err(RefError::malformed(
                    &file,
                    r.line,
                    format!("code `{}` is not 6 digits", r.get(2)),
                ));
            }
            if r.get(1).is_empty() || r.get(3).is_empty() {
                return Err(RefError::malformed(
                    &file,
                    r.line,
                    "name or short_name is empty",
                ));
            }
            short_names.push(ShortName {
                level: r.get(0).to_owned(),
                name: r.get(1).to_owned(),
                code: r.get(2).to_owned(),
                short_name: r.get(3).to_owned(),
            });
        }
        let renamings = parse_renamings(&renaming_prov.file, renaming_text)?;
        Ok(Aliases {
            short_names_provenance: short_prov,
            renamings_provenance: renaming_prov,
            short_names,
            renamings,
        })
    }

    /// The 简称 of a 6-digit code at the given level (a city and its prefecture share codes).
    pub fn short_name_of(&self, code: &str) -> Option<&str> {
        self.short_names
            .iter()
            .find(|s| s.code == code)
            .map(|s| s.short_name.as_str())
    }

    /// Attaches each renaming to the current code of its new unit.
    pub fn resolve(&self, divisions: &DivisionTable) -> (Vec<FormerName>, Vec<Unresolved>) {
        let mut ok = Vec::new();
        let mut bad = Vec::new();
        for r in &self.renamings {
            if r.old_name() == r.new_name() {
                continue; // re-subordination only, no new name
            }
            let found = match r.new_path.as_slice() {
                [prov, pref] => divisions.iter().find(|d| {
                    d.full_name == *pref
                        && d.parent
                            .as_ref()
                            .and_then(|p| divisions.get(p))
                            .map(|p| &p.full_name)
                            == Some(prov)
                }),
                [.., pref, county] => divisions.find_county(pref, county),
                _ => None,
            };
            match found {
                Some(d) => ok.push(FormerName {
                    code: d.code.get(..6).unwrap_or(&d.code).to_owned(),
                    name: d.full_name.clone(),
                    former_name: r.old_name().to_owned(),
                    until: r.date,
                }),
                None => bad.push(Unresolved {
                    line: r.line,
                    reason: format!("{} is not in the division table", r.new_path.join(" ")),
                }),
            }
        }
        (ok, bad)
    }
}

fn parse_renamings(file: &str, text: &str) -> Result<Vec<Renaming>, RefError> {
    let date_fmt = time::macros::format_description!("[year]-[month]-[day]");
    let mut out = Vec::new();
    if text.trim().is_empty() {
        return Err(RefError::Truncated {
            file: file.to_owned(),
            line: 1,
            reason: "the file is empty".into(),
        });
    }
    for (i, raw) in text.lines().enumerate() {
        let line = i as u64 + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let (left, right) = raw.split_once("=>").ok_or_else(|| {
            RefError::malformed(file, line, "no `=>` between the old and the new hierarchy")
        })?;
        let l: Vec<&str> = left.split('\t').collect();
        let new_path: Vec<String> = right.split('\t').map(|s| s.trim().to_owned()).collect();
        if l.len() < 4 || l.len() & 1 == 1 {
            return Err(RefError::malformed(
                file,
                line,
                format!(
                    "old hierarchy has {} fields, expected date, approver and name pairs",
                    l.len()
                ),
            ));
        }
        let date = Date::parse(l[0].trim(), &date_fmt).map_err(|e| {
            RefError::malformed(
                file,
                line,
                format!("date `{}` is not YYYY-MM-DD: {e}", l[0]),
            )
        })?;
        let old_path: Vec<(String, String)> = l[2..]
            .chunks(2)
            .map(|c| (c[0].trim().to_owned(), c[1].trim().to_owned()))
            .collect();
        if new_path.len() != old_path.len() || new_path.iter().any(String::is_empty) {
            return Err(RefError::malformed(
                file,
                line,
                format!(
                    "new hierarchy has {} names, the old one {}",
                    new_path.len(),
                    old_path.len()
                ),
            ));
        }
        if !matches!(l[1], "国批" | "民批") {
            return Err(RefError::malformed(
                file,
                line,
                format!("approver `{}` is not 国批/民批", l[1]),
            ));
        }
        out.push(Renaming {
            date,
            approver: l[1].to_owned(),
            old_path,
            new_path,
            line,
        });
    }
    Ok(out)
}
