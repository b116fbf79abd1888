//! QA overrides: a WARNING the surveyor accepted with a written reason, attached to
//! (record, rule, finding path). Each override is one row of `qa_overrides` and one
//! `qa.override` entry of the audit log, written in one transaction, so the override is
//! hash-chained, shows in the record's history and cannot be removed or reworded without
//! [`Store::verify_audit_chain`] noticing: the rows and the log entries must agree both
//! ways (every row has its entry with the same record, rule, path, reason, actor and
//! time; every override entry has its row).
//!
//! An override is an annotation, not an edit: it changes no value of the record (the
//! record's content hash stays what a reviewer signed), so rebuilding a record's past and
//! QA rule W-2 (no edit after review) skip it. Whether a finding may be overridden (open
//! right now, a WARNING, a long enough reason) is the use case's decision
//! (`toponym-ops::overrides`); the store only refuses what can never be right: an unknown
//! record, an empty reason, a second override of the same (record, rule, path).

use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};
use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;
use toponym_core::RecordId;

use crate::audit::{self, Change, OVERRIDE_FIELD};
use crate::{Actor, Result, Store, StoreError};

/// The longest reason the store keeps, in characters.
pub const MAX_OVERRIDE_REASON_CHARS: usize = 2000;

/// A QA warning accepted with a reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Override {
    /// The audit-log entry that records it.
    pub seq: i64,
    /// The record.
    pub record_id: String,
    /// The rule (`R-4`).
    pub rule: String,
    /// The finding's path (`fields.standard_name`).
    pub path: String,
    /// Why the surveyor accepts the warning.
    pub reason: String,
    /// Who accepted it.
    pub actor: String,
    /// When (the store's clock), UTC.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

const COLS: &str = "seq, record_id, rule, path, reason, actor, at_us";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Override> {
    Ok(Override {
        seq: r.get(0)?,
        record_id: r.get(1)?,
        rule: r.get(2)?,
        path: r.get(3)?,
        reason: r.get(4)?,
        actor: r.get(5)?,
        at: at_from_us(r.get(6)?),
    })
}

fn at_from_us(us: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(us) * 1000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// The value an override entry logs: which finding it accepts.
fn entry_value(rule: &str, path: &str) -> String {
    serde_json::json!({ "rule": rule, "path": path }).to_string()
}

impl Store {
    /// Records that `actor` accepts the `rule` warning at `path` of record `record_id`
    /// for `reason`: one row and one audit entry, in one transaction. Refuses an unknown
    /// record, an empty (or over-long) reason, and a (record, rule, path) that already has
    /// an override.
    pub fn add_override(
        &mut self,
        record_id: &RecordId,
        rule: &str,
        path: &str,
        reason: &str,
        actor: &Actor,
    ) -> Result<Override> {
        let id = record_id.to_string();
        let reason = reason.trim();
        let invalid = |detail: String| StoreError::InvalidRecord {
            record_id: id.clone(),
            field: path.to_owned(),
            detail,
        };
        if rule.trim().is_empty() {
            return Err(invalid("an override names the rule of the warning".into()));
        }
        if reason.is_empty() {
            return Err(invalid(format!(
                "accepting the {rule} warning needs a written reason"
            )));
        }
        let chars = reason.chars().count();
        if chars > MAX_OVERRIDE_REASON_CHARS {
            return Err(invalid(format!(
                "the reason for accepting the {rule} warning has {chars} characters; at most \
                 {MAX_OVERRIDE_REASON_CHARS} are kept"
            )));
        }
        let at_us = self.now_us();
        let actor = &self.actor_or(actor);
        let conn = self.conn_mut()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let rid: Option<i64> = tx
            .query_row("SELECT rid FROM records WHERE record_id = ?1", [&id], |r| {
                r.get(0)
            })
            .optional()?;
        let Some(rid) = rid else {
            return Err(invalid("no such record in this survey".into()));
        };
        if let Some(old) = tx
            .query_row(
                &format!(
                    "SELECT {COLS} FROM qa_overrides WHERE record_id = ?1 AND rule = ?2 AND path = ?3"
                ),
                params![id, rule, path],
                from_row,
            )
            .optional()?
        {
            return Err(StoreError::DuplicateOverride(Box::new(old)));
        }
        let mut head: audit::Head = None;
        audit::append(
            &tx,
            &mut head,
            rid,
            &id,
            at_us,
            &actor.name,
            actor.key.as_deref(),
            Some(reason),
            &[Change {
                field: OVERRIDE_FIELD.to_owned(),
                old: None,
                new: Some(entry_value(rule, path)),
            }],
        )?;
        let Some(head) = head else {
            return Err(StoreError::Corrupt {
                what: "audit log".into(),
                detail: "appending the override entry left no head".into(),
            });
        };
        audit::write_head(&tx, &head)?;
        tx.execute(
            "INSERT INTO qa_overrides (seq, rid, record_id, rule, path, reason, actor, at_us)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![head.0, rid, id, rule, path, reason, actor.name, at_us],
        )?;
        tx.commit()?;
        Ok(Override {
            seq: head.0,
            record_id: id,
            rule: rule.to_owned(),
            path: path.to_owned(),
            reason: reason.to_owned(),
            actor: actor.name.clone(),
            at: at_from_us(at_us),
        })
    }

    /// Every override of the survey, oldest first.
    pub fn overrides(&self) -> Result<Vec<Override>> {
        let mut stmt = self
            .conn_ref()
            .prepare_cached(&format!("SELECT {COLS} FROM qa_overrides ORDER BY seq"))?;
        let rows = stmt.query_map([], from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The overrides of one record, oldest first.
    pub fn overrides_of(&self, record_id: &RecordId) -> Result<Vec<Override>> {
        let mut stmt = self.conn_ref().prepare_cached(&format!(
            "SELECT {COLS} FROM qa_overrides WHERE record_id = ?1 ORDER BY seq"
        ))?;
        let rows = stmt.query_map([record_id.to_string()], from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// An override entry of the audit log, as verification reads it.
struct Logged {
    seq: i64,
    record_id: String,
    at_us: i64,
    actor: String,
    value: Option<String>,
    reason: Option<String>,
}

impl Logged {
    /// Whether it records exactly `o`.
    fn records(&self, o: &Override) -> bool {
        let value: Option<Value> = self
            .value
            .as_deref()
            .and_then(|t| serde_json::from_str(t).ok());
        let part = |k: &str| {
            value
                .as_ref()
                .and_then(|v| v.get(k))
                .and_then(Value::as_str)
        };
        self.record_id == o.record_id
            && at_from_us(self.at_us) == o.at
            && self.actor == o.actor
            && self.reason.as_deref() == Some(o.reason.as_str())
            && part("rule") == Some(o.rule.as_str())
            && part("path") == Some(o.path.as_str())
    }

    fn orphan(&self) -> (i64, String) {
        (
            self.seq,
            format!(
                "override entry {} of record {} has no override row: removed outside the audit log",
                self.seq, self.record_id
            ),
        )
    }
}

/// Checks that the override rows and the log's override entries agree both ways; the
/// first disagreement as (seq, sentence).
pub(crate) fn verify(conn: &Connection) -> Result<Option<(i64, String)>> {
    let mut rows = conn.prepare(&format!("SELECT {COLS} FROM qa_overrides ORDER BY seq"))?;
    let rows: Vec<Override> = rows.query_map([], from_row)?.collect::<Result<_, _>>()?;
    let mut entries = conn.prepare(
        "SELECT seq, record_id, at_us, actor, new_value, reason FROM audit_log
         WHERE field = ?1 ORDER BY seq",
    )?;
    let entries: Vec<Logged> = entries
        .query_map([OVERRIDE_FIELD], |r| {
            Ok(Logged {
                seq: r.get(0)?,
                record_id: r.get(1)?,
                at_us: r.get(2)?,
                actor: r.get(3)?,
                value: r.get(4)?,
                reason: r.get(5)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut logged = entries.iter().peekable();
    for o in &rows {
        // An entry without a row, before this row's entry.
        if let Some(e) = logged.next_if(|e| e.seq < o.seq) {
            return Ok(Some(e.orphan()));
        }
        let Some(e) = logged.next_if(|e| e.seq == o.seq) else {
            return Ok(Some((
                o.seq,
                format!(
                    "the override of {} at {} on record {} has no audit entry {}: written outside the audit log",
                    o.rule, o.path, o.record_id, o.seq
                ),
            )));
        };
        if !e.records(o) {
            return Ok(Some((
                o.seq,
                format!(
                    "the override of {} at {} on record {} differs from its audit entry {}: changed outside the audit log",
                    o.rule, o.path, o.record_id, o.seq
                ),
            )));
        }
    }
    Ok(logged.next().map(Logged::orphan))
}
