//! The investigation list (地名调查目录): the places a county expects a form for, each
//! with its template, pre-filled fields and suggested 地名普查状态. An entry is closed by a
//! filled form or explicitly as 注销/查无此地 with a reason (QA rule C-8); the table's CHECK
//! constraint makes an unexplained closure impossible even for other tools.

use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;
use serde_json::{Map, Value};
use toponym_core::RecordId;

use crate::{Actor, Result, Store, StoreError};

/// An entry to create.
#[derive(Debug, Clone, PartialEq)]
pub struct NewInvestigationEntry {
    /// 6-digit county.
    pub county: String,
    /// Source key, usually the 12-digit statistical code.
    pub code: String,
    /// Template id.
    pub template_id: String,
    /// 新增, 修改, 不变 or 注销.
    pub suggested_status: String,
    /// 标准名称 as in the source.
    pub standard_name: String,
    /// Earlier name, when it differs.
    pub old_name: Option<String>,
    /// A related entry's code (re-coded place).
    pub related_code: Option<String>,
    /// Pre-filled fields.
    pub prefill: Map<String, Value>,
    /// Where the entry came from.
    pub source: String,
}

/// How an entry was closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind")]
pub enum Closure {
    /// By a filled form.
    #[serde(rename = "form")]
    Form {
        /// The record.
        record_id: String,
    },
    /// 注销: the place no longer exists or was merged.
    #[serde(rename = "注销")]
    Abolished {
        /// Why.
        reason: String,
    },
    /// 查无此地: the place could not be found.
    #[serde(rename = "查无此地")]
    NotFound {
        /// Why.
        reason: String,
    },
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InvestigationEntry {
    /// Local id.
    pub entry_id: i64,
    /// County.
    pub county: String,
    /// Source key.
    pub code: String,
    /// Template id.
    pub template_id: String,
    /// Suggested status.
    pub suggested_status: String,
    /// Name.
    pub standard_name: String,
    /// Earlier name.
    pub old_name: Option<String>,
    /// Related code.
    pub related_code: Option<String>,
    /// Pre-filled fields.
    pub prefill: Map<String, Value>,
    /// Source.
    pub source: String,
    /// Closure, if closed.
    pub closure: Option<Closure>,
    /// Who closed it.
    pub closed_by: Option<String>,
}

const COLS: &str =
    "entry_id, county, code, template_id, suggested_status, standard_name, old_name, \
     related_code, prefill, source, closed_kind, closed_record_id, closed_reason, closed_by";

fn entry_from_row(r: &Row<'_>) -> rusqlite::Result<(InvestigationEntry, String)> {
    let kind: Option<String> = r.get(10)?;
    let rec: Option<String> = r.get(11)?;
    let reason: Option<String> = r.get(12)?;
    let closure = match kind.as_deref() {
        Some("form") => Some(Closure::Form {
            record_id: rec.unwrap_or_default(),
        }),
        Some("注销") => Some(Closure::Abolished {
            reason: reason.unwrap_or_default(),
        }),
        Some("查无此地") => Some(Closure::NotFound {
            reason: reason.unwrap_or_default(),
        }),
        _ => None,
    };
    Ok((
        InvestigationEntry {
            entry_id: r.get(0)?,
            county: r.get(1)?,
            code: r.get(2)?,
            template_id: r.get(3)?,
            suggested_status: r.get(4)?,
            standard_name: r.get(5)?,
            old_name: r.get(6)?,
            related_code: r.get(7)?,
            prefill: Map::new(),
            source: r.get(9)?,
            closure,
            closed_by: r.get(13)?,
        },
        r.get(8)?,
    ))
}

fn decode(pair: (InvestigationEntry, String)) -> Result<InvestigationEntry> {
    let (mut e, json) = pair;
    e.prefill = serde_json::from_str(&json).map_err(|err| StoreError::Corrupt {
        what: format!("prefill of investigation entry {}", e.code),
        detail: err.to_string(),
    })?;
    Ok(e)
}

impl Store {
    /// Adds entries in one transaction: all or none. An entry whose (code, template) is
    /// already listed is left as it is (re-import is harmless). Returns how many were new.
    pub fn add_investigation_entries(
        &mut self,
        entries: &[NewInvestigationEntry],
    ) -> Result<usize> {
        let now = self.now_us();
        let tx = self.conn_mut()?.transaction()?;
        let mut added = 0;
        {
            let mut ins = tx.prepare_cached(
                "INSERT INTO investigation_entries (county, code, template_id, suggested_status, \
                 standard_name, old_name, related_code, prefill, source, created_at_us) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
                 ON CONFLICT (code, template_id) DO NOTHING",
            )?;
            for e in entries {
                added += ins
                    .execute(params![
                        e.county,
                        e.code,
                        e.template_id,
                        e.suggested_status,
                        e.standard_name,
                        e.old_name,
                        e.related_code,
                        Value::Object(e.prefill.clone()).to_string(),
                        e.source,
                        now
                    ])
                    .map_err(|err| StoreError::InvalidRecord {
                        record_id: format!("investigation entry {}", e.code),
                        field: "suggested_status".into(),
                        detail: err.to_string(),
                    })?;
            }
        }
        tx.commit()?;
        Ok(added)
    }

    /// The list, optionally for one county, in code order.
    pub fn investigation_list(&self, county: Option<&str>) -> Result<Vec<InvestigationEntry>> {
        let sql = format!(
            "SELECT {COLS} FROM investigation_entries WHERE (?1 IS NULL OR county = ?1) ORDER BY code, template_id"
        );
        let mut stmt = self.conn_ref().prepare(&sql)?;
        let rows = stmt.query_map(params![county], entry_from_row)?;
        let mut out = Vec::new();
        for r in rows {
            out.push(decode(r?)?);
        }
        Ok(out)
    }

    /// One entry by source code (the first template if several).
    pub fn investigation_entry(&self, code: &str) -> Result<Option<InvestigationEntry>> {
        let sql = format!(
            "SELECT {COLS} FROM investigation_entries WHERE code = ?1 ORDER BY template_id LIMIT 1"
        );
        let pair = self
            .conn_ref()
            .query_row(&sql, [code], entry_from_row)
            .optional()?;
        pair.map(decode).transpose()
    }

    /// Entries neither filled nor explicitly closed (what C-8 reports).
    pub fn open_investigation_entries(
        &self,
        county: Option<&str>,
    ) -> Result<Vec<InvestigationEntry>> {
        Ok(self
            .investigation_list(county)?
            .into_iter()
            .filter(|e| e.closure.is_none())
            .collect())
    }

    /// Closes an entry. A form closure needs the record to exist; 注销/查无此地 need a reason.
    pub fn close_investigation_entry(
        &mut self,
        code: &str,
        closure: &Closure,
        actor: &Actor,
    ) -> Result<()> {
        let actor = &self.actor_or(actor);
        let (kind, record, reason) = match closure {
            Closure::Form { record_id } => {
                let id: RecordId = record_id.parse().map_err(|_| StoreError::InvalidRecord {
                    record_id: record_id.clone(),
                    field: "record_id".into(),
                    detail: "not a UUID".into(),
                })?;
                if self.get_record(&id)?.is_none() {
                    return Err(StoreError::InvalidRecord {
                        record_id: record_id.clone(),
                        field: "record_id".into(),
                        detail: format!("no such record to close investigation entry {code}"),
                    });
                }
                ("form", Some(record_id.as_str()), None)
            }
            Closure::Abolished { reason } => ("注销", None, Some(reason.as_str())),
            Closure::NotFound { reason } => ("查无此地", None, Some(reason.as_str())),
        };
        if reason.is_some_and(|r| r.trim().is_empty()) {
            return Err(StoreError::InvalidRecord {
                record_id: format!("investigation entry {code}"),
                field: "closed_reason".into(),
                detail: format!("closing as {kind} needs a reason (QA rule C-8)"),
            });
        }
        let now = self.now_us();
        let n = self.conn_mut()?.execute(
            "UPDATE investigation_entries SET closed_kind = ?2, closed_record_id = ?3, closed_reason = ?4, \
             closed_by = ?5, closed_at_us = ?6 WHERE code = ?1",
            params![code, kind, record, reason, actor.name, now],
        )?;
        if n == 0 {
            return Err(StoreError::InvalidRecord {
                record_id: format!("investigation entry {code}"),
                field: "code".into(),
                detail: "not in the investigation list".into(),
            });
        }
        Ok(())
    }
}
