//! The audit log: one entry per changed field (who, when, field, old, new, reason), each
//! entry's hash covering its content and the previous entry's hash. Editing or deleting
//! an entry breaks the chain at that point; cutting entries off the end is caught by the
//! head (count and last hash) kept in `meta` and updated in the same transaction.
//!
//! A record is created with one `*` entry holding the whole record; later entries change
//! one top-level path (`template`, `geometry`, `fields.<key>`). Replaying the entries up
//! to a time rebuilds the record as it was then.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use toponym_core::{Record, RecordId};

use crate::{Result, StoreError};

/// The genesis `prev_hash`.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One change to one field of one record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    /// Position in the log (1, 2, …).
    pub seq: i64,
    /// The record changed.
    pub record_id: String,
    /// When (from the store's clock), UTC.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Who.
    pub actor: String,
    /// `*` for creation, else `template`, `geometry` or `fields.<key>`.
    pub field: String,
    /// Value before (absent = `None`).
    pub old_value: Option<Value>,
    /// Value after (removed = `None`).
    pub new_value: Option<Value>,
    /// Why, if given.
    pub reason: Option<String>,
    /// Hash of this entry (hex SHA-256).
    pub hash: String,
}

/// The outcome of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditVerification {
    /// Entries read.
    pub entries: i64,
    /// The first entry whose hash or link is wrong, if any.
    pub first_bad_seq: Option<i64>,
    /// A sentence for people, empty when the chain is intact.
    pub problem: Option<String>,
}

impl AuditVerification {
    /// True when nothing was altered, removed or cut off.
    pub fn is_intact(&self) -> bool {
        self.problem.is_none()
    }
}

/// SHA-256 over length-prefixed fields, so no two different entries share an encoding.
#[allow(clippy::too_many_arguments)]
fn entry_hash(
    seq: i64,
    record_id: &str,
    at_us: i64,
    actor: &str,
    field: &str,
    old: Option<&str>,
    new: Option<&str>,
    reason: Option<&str>,
    prev_hash: &str,
) -> String {
    let mut h = Sha256::new();
    h.update(b"toponym-audit-v1");
    h.update(seq.to_le_bytes());
    h.update(at_us.to_le_bytes());
    for part in [
        Some(record_id),
        Some(actor),
        Some(field),
        old,
        new,
        reason,
        Some(prev_hash),
    ] {
        match part {
            Some(s) => {
                h.update((s.len() as u64).to_le_bytes());
                h.update(s.as_bytes());
            }
            None => h.update(u64::MAX.to_le_bytes()),
        }
    }
    hex::encode(h.finalize())
}

/// A change waiting to be appended; values are JSON text, serialised once by the caller.
pub(crate) struct Change {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// The last entry's (seq, hash) as a transaction sees it; kept in memory during a
/// transaction so a bulk import does not re-read it for every record.
pub(crate) type Head = Option<(i64, String)>;

/// Reads the current head from the log itself.
pub(crate) fn read_head(conn: &Connection) -> Result<(i64, String)> {
    Ok(conn
        .prepare_cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((0, GENESIS.to_owned())))
}

/// Records the head in `meta`, once per transaction, so that cutting entries off the end
/// of the log is detectable.
pub(crate) fn write_head(conn: &Connection, head: &(i64, String)) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES ('audit_head', ?1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute([format!("{}:{}", head.0, head.1)])?;
    Ok(())
}

/// Appends `changes` for `record_id`; the caller holds the transaction and the head.
#[allow(clippy::too_many_arguments)]
pub(crate) fn append(
    conn: &Connection,
    head: &mut Head,
    record_id: &str,
    at_us: i64,
    actor: &str,
    reason: Option<&str>,
    changes: &[Change],
) -> Result<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let (mut seq, mut prev) = match head.take() {
        Some(h) => h,
        None => read_head(conn)?,
    };
    let mut insert = conn.prepare_cached(
        "INSERT INTO audit_log (seq, record_id, at_us, actor, field, old_value, new_value,
                                reason, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for c in changes {
        seq += 1;
        let old = c.old.as_deref();
        let new = c.new.as_deref();
        let hash = entry_hash(
            seq, record_id, at_us, actor, &c.field, old, new, reason, &prev,
        );
        insert.execute(params![
            seq, record_id, at_us, actor, c.field, old, new, reason, prev, hash
        ])?;
        prev = hash;
    }
    *head = Some((seq, prev));
    Ok(())
}

fn parse_json(what: &str, text: Option<String>) -> Result<Option<Value>> {
    text.map(|t| {
        serde_json::from_str(&t).map_err(|e| StoreError::Corrupt {
            what: what.to_owned(),
            detail: e.to_string(),
        })
    })
    .transpose()
}

fn at_from_us(us: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(us) * 1000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// Every entry of one record, oldest first.
pub(crate) fn history(conn: &Connection, id: &RecordId) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, record_id, at_us, actor, field, old_value, new_value, reason, hash
         FROM audit_log WHERE record_id = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([id.to_string()], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, Option<String>>(6)?,
            r.get::<_, Option<String>>(7)?,
            r.get::<_, String>(8)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, record_id, at_us, actor, field, old, new, reason, hash) = row?;
        let what = format!("audit entry {seq}");
        out.push(AuditEntry {
            seq,
            record_id,
            at: at_from_us(at_us),
            actor,
            field,
            old_value: parse_json(&what, old)?,
            new_value: parse_json(&what, new)?,
            reason,
            hash,
        });
    }
    Ok(out)
}

/// Rebuilds a record from its entries up to and including `at`.
pub(crate) fn rebuild(entries: &[AuditEntry], at: OffsetDateTime) -> Result<Option<Record>> {
    let mut state: Option<Map<String, Value>> = None;
    for e in entries.iter().filter(|e| e.at <= at) {
        let corrupt = |detail: &str| StoreError::Corrupt {
            what: format!("audit entry {}", e.seq),
            detail: detail.to_owned(),
        };
        if e.field == "*" {
            match &e.new_value {
                Some(Value::Object(m)) => state = Some(m.clone()),
                _ => return Err(corrupt("creation entry does not hold a record object")),
            }
            continue;
        }
        let Some(obj) = state.as_mut() else {
            return Err(corrupt("change before the record's creation"));
        };
        let (target, key) = match e.field.strip_prefix("fields.") {
            Some(k) => {
                let fields = obj
                    .entry("fields")
                    .or_insert_with(|| Value::Object(Map::new()))
                    .as_object_mut()
                    .ok_or_else(|| corrupt("record fields are not an object"))?;
                (fields, k)
            }
            None => (&mut *obj, e.field.as_str()),
        };
        match &e.new_value {
            Some(v) => {
                target.insert(key.to_owned(), v.clone());
            }
            None => {
                target.remove(key);
            }
        }
    }
    state
        .map(|m| {
            serde_json::from_value(Value::Object(m)).map_err(|e| StoreError::Corrupt {
                what: "rebuilt record".into(),
                detail: e.to_string(),
            })
        })
        .transpose()
}

/// Recomputes every hash and link, and compares the end with the recorded head.
pub(crate) fn verify(conn: &Connection) -> Result<AuditVerification> {
    let mut stmt = conn.prepare(
        "SELECT seq, record_id, at_us, actor, field, old_value, new_value, reason, prev_hash, hash
         FROM audit_log ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut prev = GENESIS.to_owned();
    let mut expected_seq = 1i64;
    let mut entries = 0i64;
    let fail = |entries, seq, problem: String| AuditVerification {
        entries,
        first_bad_seq: Some(seq),
        problem: Some(problem),
    };
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        entries += 1;
        let prev_hash: String = r.get(8)?;
        let hash: String = r.get(9)?;
        if seq != expected_seq {
            return Ok(fail(
                entries,
                expected_seq,
                format!("entry {expected_seq} is missing"),
            ));
        }
        if prev_hash != prev {
            return Ok(fail(
                entries,
                seq,
                format!("entry {seq} does not link to entry {}", seq - 1),
            ));
        }
        let again = entry_hash(
            seq,
            &r.get::<_, String>(1)?,
            r.get(2)?,
            &r.get::<_, String>(3)?,
            &r.get::<_, String>(4)?,
            r.get::<_, Option<String>>(5)?.as_deref(),
            r.get::<_, Option<String>>(6)?.as_deref(),
            r.get::<_, Option<String>>(7)?.as_deref(),
            &prev_hash,
        );
        if again != hash {
            return Ok(fail(
                entries,
                seq,
                format!("entry {seq} was altered (hash mismatch)"),
            ));
        }
        prev = hash;
        expected_seq += 1;
    }
    let head: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'audit_head'", [], |r| {
            r.get(0)
        })
        .optional()?;
    let last = entries;
    let ok_head = match &head {
        None => last == 0,
        Some(h) => *h == format!("{last}:{prev}"),
    };
    if !ok_head {
        return Ok(fail(
            entries,
            last + 1,
            format!(
                "the log ends at entry {last} but the recorded head is {}; entries were cut off",
                head.unwrap_or_default()
            ),
        ));
    }
    Ok(AuditVerification {
        entries,
        first_bad_seq: None,
        problem: None,
    })
}
