//! County-level code history 1981–2024: which name a GB/T 2260 code had in which years,
//! when it was abolished and which code(s) took over.
//!
//! This is the "valid on date D" lookup behind QA rule K-4 (admin codes in 所在(跨)行政区
//! must be current on the bundle's reference date) and the source of county-level 曾用名.
//! The source has calendar-year granularity, so a date inside the year of a change is
//! reported as [`Validity::ChangedDuringYear`] rather than guessed.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use time::Date;

use crate::csvread::{self, is_digits};
use crate::error::RefError;
use crate::provenance::Provenance;

/// 状态 of one span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SpanStatus {
    /// 在用: still in use.
    InUse,
    /// 变更: this name/level of the code ended; the code usually lives on under a new name.
    Changed,
    /// 弃用: the code was abolished.
    Abolished,
}

/// A code that received (part of) an abolished or changed unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Successor {
    /// The receiving code.
    pub code: String,
    /// Year of a partial transfer (`[year]` in the source); `None` for the successor at the end.
    pub transfer_year: Option<i32>,
}

/// One row: a code with one name over a span of years.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeSpan {
    /// 6-digit code.
    pub code: String,
    /// 一级行政区.
    pub province: String,
    /// 二级行政区.
    pub prefecture: String,
    /// 名称.
    pub name: String,
    /// 级别 (省级, 地级, 县级).
    pub level: String,
    /// 状态.
    pub status: SpanStatus,
    /// 启用时间 (year).
    pub start_year: i32,
    /// 变更/弃用时间 (year), exclusive: the span covers `start_year..end_year`.
    pub end_year: Option<i32>,
    /// 新代码.
    pub successors: Vec<Successor>,
    /// Line in the source.
    pub line: u64,
}

/// The answer of [`CodeHistory::valid_on`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Validity {
    /// In use for the whole year of the date, under `name`.
    Valid {
        /// Name on that date.
        name: String,
    },
    /// Created, renamed or abolished during the year of the date; the table cannot say on
    /// which side of the change the date falls.
    ChangedDuringYear {
        /// The year of the change.
        year: i32,
        /// Whether the code is in use at the end of that year.
        in_use_after: bool,
    },
    /// Not yet created on the date.
    NotYetCreated {
        /// First year of use.
        first_year: i32,
    },
    /// Abolished before the date.
    Abolished {
        /// Last name.
        name: String,
        /// Year of abolition.
        year: i32,
        /// Codes that took over at abolition.
        successors: Vec<String>,
    },
    /// The code is not in the history at all.
    Unknown,
}

impl Validity {
    /// Whether the code is certainly valid on the date.
    pub fn is_valid(&self) -> bool {
        matches!(self, Validity::Valid { .. })
    }
}

/// The first year of the table; codes starting then may be older.
pub const FIRST_YEAR: i32 = 1981;

/// The code history.
#[derive(Debug, Clone)]
pub struct CodeHistory {
    /// Where it came from.
    pub provenance: Provenance,
    by_code: BTreeMap<String, Vec<CodeSpan>>,
}

const HEADER: &[&str] = &[
    "代码",
    "一级行政区",
    "二级行政区",
    "名称",
    "级别",
    "状态",
    "启用时间",
    "变更/弃用时间",
    "新代码",
];

fn parse_successors(file: &str, line: u64, s: &str) -> Result<Vec<Successor>, RefError> {
    let mut out = Vec::new();
    for part in s.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (code, year) = match part.split_once('[') {
            Some((c, rest)) => {
                let y = rest.strip_suffix(']').ok_or_else(|| {
                    RefError::malformed(
                        file,
                        line,
                        format!("新代码 part `{part}` has an unclosed `[`"),
                    )
                })?;
                (c, Some(csvread::year(file, line, "新代码 year", y)?))
            }
            None => (part, None),
        };
        if !is_digits(code, 6) {
            return Err(RefError::malformed(
                file,
                line,
                format!("新代码 `{code}` is not a 6-digit code"),
            ));
        }
        out.push(Successor {
            code: code.to_owned(),
            transfer_year: year,
        });
    }
    Ok(out)
}

impl CodeHistory {
    /// Parses the yescallop/areacodes `result.csv` layout.
    pub fn parse(provenance: Provenance, text: &str) -> Result<Self, RefError> {
        let file = provenance.file.clone();
        let rows = csvread::read(&file, text, HEADER, b',')?;
        let mut by_code: BTreeMap<String, Vec<CodeSpan>> = BTreeMap::new();
        for r in rows {
            let code = r.get(0);
            if !is_digits(code, 6) {
                return Err(RefError::malformed(
                    &file,
                    r.line,
                    format!("代码 `{code}` is not a 6-digit code"),
                ));
            }
            let status = match r.get(5) {
                "在用" => SpanStatus::InUse,
                "变更" => SpanStatus::Changed,
                "弃用" => SpanStatus::Abolished,
                other => {
                    return Err(RefError::malformed(
                        &file,
                        r.line,
                        format!("状态 `{other}` is not 在用/变更/弃用"),
                    ))
                }
            };
            let start_year = csvread::year(&file, r.line, "启用时间", r.get(6))?;
            let end_year = match r.get(7) {
                "" => None,
                y => Some(csvread::year(&file, r.line, "变更/弃用时间", y)?),
            };
            if (status == SpanStatus::InUse) != end_year.is_none() {
                return Err(RefError::malformed(
                    &file,
                    r.line,
                    "状态 and 变更/弃用时间 disagree (在用 must have no end year, the others must have one)",
                ));
            }
            if let Some(e) = end_year {
                if e < start_year {
                    return Err(RefError::malformed(
                        &file,
                        r.line,
                        format!("ends in {e}, before it starts in {start_year}"),
                    ));
                }
            }
            if r.get(3).is_empty() {
                return Err(RefError::malformed(&file, r.line, "名称 is empty"));
            }
            let span = CodeSpan {
                code: code.to_owned(),
                province: r.get(1).to_owned(),
                prefecture: r.get(2).to_owned(),
                name: r.get(3).to_owned(),
                level: r.get(4).to_owned(),
                status,
                start_year,
                end_year,
                successors: parse_successors(&file, r.line, r.get(8))?,
                line: r.line,
            };
            by_code.entry(code.to_owned()).or_default().push(span);
        }
        for spans in by_code.values_mut() {
            spans.sort_by_key(|s| (s.start_year, s.end_year.unwrap_or(i32::MAX)));
        }
        Ok(CodeHistory {
            provenance,
            by_code,
        })
    }

    /// Every span of a code, oldest first.
    pub fn spans(&self, code: &str) -> &[CodeSpan] {
        self.by_code.get(code).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Number of distinct codes.
    pub fn len(&self) -> usize {
        self.by_code.len()
    }

    /// Whether the history is empty.
    pub fn is_empty(&self) -> bool {
        self.by_code.is_empty()
    }

    /// Every span, by code then time.
    pub fn iter(&self) -> impl Iterator<Item = &CodeSpan> {
        self.by_code.values().flatten()
    }

    /// Whether `code` (6 digits; longer codes are cut to their county part) is valid on `date`.
    pub fn valid_on(&self, code: &str, date: Date) -> Validity {
        let code = code.get(..6).unwrap_or(code);
        let spans = self.spans(code);
        if spans.is_empty() {
            return Validity::Unknown;
        }
        let y = date.year();
        // In use at the start of year y (strictly before it, or since the table began).
        let before = spans.iter().any(|s| {
            (s.start_year < y || (s.start_year == FIRST_YEAR && y >= FIRST_YEAR))
                && s.end_year.is_none_or(|e| y <= e)
                && s.start_year <= y
        });
        // In use at the end of year y.
        let after = spans
            .iter()
            .find(|s| s.start_year <= y && s.end_year.is_none_or(|e| y < e));
        match (before, after) {
            (true, Some(s)) => {
                // A rename inside the year also counts as a change of name, not of validity.
                Validity::Valid {
                    name: s.name.clone(),
                }
            }
            (false, Some(_)) => Validity::ChangedDuringYear {
                year: y,
                in_use_after: true,
            },
            (true, None) => Validity::ChangedDuringYear {
                year: y,
                in_use_after: false,
            },
            (false, None) => {
                let first = spans
                    .iter()
                    .map(|s| s.start_year)
                    .min()
                    .unwrap_or(FIRST_YEAR);
                if y < first {
                    return Validity::NotYetCreated { first_year: first };
                }
                let last = spans.iter().max_by_key(|s| s.end_year.unwrap_or(i32::MAX));
                match last {
                    Some(s) => Validity::Abolished {
                        name: s.name.clone(),
                        year: s.end_year.unwrap_or(y),
                        successors: s
                            .successors
                            .iter()
                            .filter(|x| x.transfer_year.is_none())
                            .map(|x| x.code.clone())
                            .collect(),
                    },
                    None => Validity::Unknown,
                }
            }
        }
    }

    /// The direct successor(s) of an abolished or changed code (empty while it is in use
    /// or when the source names none). A changed code usually names itself.
    pub fn successor(&self, code: &str) -> Vec<String> {
        let spans = self.spans(code);
        if spans.iter().any(|s| s.status == SpanStatus::InUse) {
            return Vec::new();
        }
        spans
            .iter()
            .max_by_key(|s| s.end_year.unwrap_or(i32::MAX))
            .map(|s| {
                s.successors
                    .iter()
                    .filter(|x| x.transfer_year.is_none())
                    .map(|x| x.code.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Follows successors until codes that are valid on `date` (cycle-safe).
    pub fn current_successors(&self, code: &str, date: Date) -> Vec<String> {
        let mut out = BTreeSet::new();
        let mut seen = BTreeSet::new();
        let mut todo = vec![code.to_owned()];
        while let Some(c) = todo.pop() {
            if !seen.insert(c.clone()) {
                continue;
            }
            if self.valid_on(&c, date).is_valid() {
                out.insert(c);
                continue;
            }
            todo.extend(self.successor(&c));
        }
        out.into_iter().collect()
    }

    /// Former names of a code: names of spans that ended, with their years, oldest first.
    pub fn former_names(&self, code: &str) -> Vec<(String, i32, i32)> {
        let spans = self.spans(code);
        let current = spans
            .iter()
            .find(|s| s.status == SpanStatus::InUse)
            .map(|s| s.name.as_str());
        spans
            .iter()
            .filter(|s| s.status != SpanStatus::InUse && Some(s.name.as_str()) != current)
            .filter_map(|s| s.end_year.map(|e| (s.name.clone(), s.start_year, e)))
            .collect()
    }
}
