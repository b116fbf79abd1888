//! Township-level changes 2014–2023 published by the Ministry of Civil Affairs (民政部
//! 县以下行政区划变更情况): old code and name → new code and name, reason, approval document.
//!
//! Used to explain why a baseline township vanished or appeared, and to give 曾用名 to
//! townships renamed by 撤乡设镇 or 撤镇设街道. Blank province and reason cells are merged
//! cells in the source workbook and are filled from the row above, within the same year.

use serde::Serialize;

use crate::csvread::{self, is_digits};
use crate::error::RefError;
use crate::provenance::Provenance;

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TownshipChange {
    /// Year of the change list.
    pub year: i32,
    /// Sequence number in that year's list.
    pub seq: u32,
    /// Province short name (filled down over merged cells).
    pub province: String,
    /// 2-digit province code.
    pub province_code: String,
    /// Old 9-digit code (none for 新设).
    pub old_code: Option<String>,
    /// Old name.
    pub old_name: Option<String>,
    /// Reason (filled down over merged cells; none if the year's first row is blank).
    pub reason: Option<String>,
    /// New 9-digit code (none when abolished).
    pub new_code: Option<String>,
    /// New name.
    pub new_name: Option<String>,
    /// Free text the source put in the new-code column (e.g. "并入拉马乡").
    pub note: Option<String>,
    /// 批准文号.
    pub approval_doc: Option<String>,
    /// Line in the source.
    pub line: u64,
}

/// The change list.
#[derive(Debug, Clone)]
pub struct TownshipChanges {
    /// Where it came from.
    pub provenance: Provenance,
    /// Every change, in file order.
    pub changes: Vec<TownshipChange>,
}

const HEADER: &[&str] = &[
    "year",
    "seq",
    "province",
    "province_code",
    "old_code",
    "old_name",
    "reason",
    "new_code",
    "new_name",
    "approval_doc",
];

fn opt(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

impl TownshipChanges {
    /// Parses the derived CSV of `sub-county-diff.xlsx`.
    pub fn parse(provenance: Provenance, text: &str) -> Result<Self, RefError> {
        let file = provenance.file.clone();
        let rows = csvread::read(&file, text, HEADER, b',')?;
        let mut changes = Vec::with_capacity(rows.len());
        let (mut last_year, mut last_province, mut last_reason) =
            (0, String::new(), None::<String>);
        for r in rows {
            let year = csvread::year(&file, r.line, "year", r.get(0))?;
            let seq: u32 = r.get(1).parse().map_err(|_| {
                RefError::malformed(&file, r.line, format!("seq `{}` is not a number", r.get(1)))
            })?;
            if year != last_year {
                last_year = year;
                last_province.clear();
                last_reason = None;
            }
            if !r.get(2).is_empty() {
                last_province = r.get(2).to_owned();
            }
            if !r.get(6).is_empty() {
                last_reason = Some(r.get(6).to_owned());
            }
            let pc = r.get(3);
            if !is_digits(pc, 2) {
                return Err(RefError::malformed(
                    &file,
                    r.line,
                    format!("province_code `{pc}` is not 2 digits"),
                ));
            }
            let old_code = opt(r.get(4));
            if let Some(c) = &old_code {
                if !is_digits(c, 9) {
                    return Err(RefError::malformed(
                        &file,
                        r.line,
                        format!("old_code `{c}` is not a 9-digit code"),
                    ));
                }
            }
            let raw_new = r.get(7);
            let (new_code, note) = if raw_new.is_empty() {
                (None, None)
            } else if raw_new.bytes().all(|b| b.is_ascii_digit()) {
                if raw_new.len() != 9 {
                    return Err(RefError::malformed(
                        &file,
                        r.line,
                        format!("new_code `{raw_new}` is not a 9-digit code"),
                    ));
                }
                (Some(raw_new.to_owned()), None)
            } else {
                (None, Some(raw_new.to_owned()))
            };
            if old_code.is_none() && new_code.is_none() {
                return Err(RefError::malformed(
                    &file,
                    r.line,
                    "neither old_code nor new_code is given",
                ));
            }
            changes.push(TownshipChange {
                year,
                seq,
                province: last_province.clone(),
                province_code: pc.to_owned(),
                old_code,
                old_name: opt(r.get(5)),
                reason: last_reason.clone(),
                new_code,
                new_name: opt(r.get(8)),
                note,
                approval_doc: opt(r.get(9)),
                line: r.line,
            });
        }
        Ok(TownshipChanges {
            provenance,
            changes,
        })
    }

    /// Changes whose old or new code lies in a county (6 digits) or township (9 digits).
    pub fn touching<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = &'a TownshipChange> + 'a {
        self.changes.iter().filter(move |c| {
            c.old_code.as_deref().is_some_and(|o| o.starts_with(prefix))
                || c.new_code.as_deref().is_some_and(|n| n.starts_with(prefix))
        })
    }

    /// Changes that ended the 9-digit code `code`.
    pub fn by_old_code<'a>(
        &'a self,
        code: &'a str,
    ) -> impl Iterator<Item = &'a TownshipChange> + 'a {
        self.changes
            .iter()
            .filter(move |c| c.old_code.as_deref() == Some(code))
    }

    /// Changes that created the 9-digit code `code`.
    pub fn by_new_code<'a>(
        &'a self,
        code: &'a str,
    ) -> impl Iterator<Item = &'a TownshipChange> + 'a {
        self.changes
            .iter()
            .filter(move |c| c.new_code.as_deref() == Some(code))
    }
}
