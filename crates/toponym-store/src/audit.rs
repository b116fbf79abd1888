//! The audit log: one entry per changed field (who, when, field, old, new, reason), each
//! entry's hash covering its content and the previous entry's hash. Editing or deleting
//! an entry breaks the chain at that point; cutting entries off the end is caught by the
//! head (count and last hash) kept in `meta` and updated in the same transaction.
//!
//! A record is created with one `*` entry holding the SHA-256 of the record's canonical
//! JSON (`sha256:…`), not a second copy of it: that copy was almost half of every bulk
//! import's bytes. Later entries change one top-level path (`template`, `geometry`,
//! `fields.<key>`) and carry both the old and the new value, so the record as it was at
//! any time is the current record with the later entries undone; undoing all of them
//! must give back the creation hash, which [`verify`] checks for every record, so a
//! record edited outside the log is caught as well. Files written before this change
//! hold the whole record in their `*` entries; both forms are read and verified.
//!
//! Entries are stored under the record's rid (indexed with seq) and with their hash as 32
//! raw bytes (migration 0004); the previous entry's hash is not stored again, since the
//! verifier reads the entries in order. The hashed content, and so every hash written
//! before, is unchanged: the previous hash enters it as hex text.
//!
//! Entries whose field starts with `qa.` are annotations, not changes of the form: a
//! surveyor's acceptance of a QA warning (`qa.override`, see `overrides.rs`) is logged
//! and hash-chained like any change, but it changes no value of the record, so rebuilding
//! an earlier state and checking a record against its history skip it.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use toponym_core::{Record, RecordId};

use crate::{Result, StoreError};

/// The genesis `prev_hash`.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The field of an override entry: a QA warning accepted with a reason (the reason is the
/// entry's reason, the new value `{"rule": …, "path": …}`).
pub(crate) const OVERRIDE_FIELD: &str = "qa.override";

/// The field of a reviewer's acceptance: the new value holds the signed content hash and
/// the signature.
pub(crate) const ACCEPT_FIELD: &str = "review.accept";
/// The field of a reviewer's return: the new value holds the comments, the content hash
/// and the signature.
pub(crate) const RETURN_FIELD: &str = "review.return";

/// Whether an entry's field is an annotation (`qa.…`, `review.…`, `member.…`) rather than
/// a change of the record.
pub(crate) fn is_annotation(field: &str) -> bool {
    field.starts_with("qa.") || field.starts_with("review.") || field.starts_with("member.")
}

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
    /// The fingerprint of the member key that made the entry (absent in entries written
    /// before members existed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_key: Option<String>,
    /// `*` for creation, else `template`, `geometry` or `fields.<key>`; `qa.override` for
    /// a QA warning accepted with a reason (no change of the record).
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

/// One audit entry without its values: which record, when, by whom, what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeSummary {
    /// The record changed.
    pub record_id: String,
    /// When (from the store's clock), UTC.
    pub at: OffsetDateTime,
    /// Who.
    pub actor: String,
    /// `*` for creation, else `template`, `geometry` or `fields.<key>`; `qa.override` for
    /// a QA warning accepted with a reason (no change of the record).
    pub field: String,
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
    member_key: Option<&str>,
) -> [u8; 32] {
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
    // Added with members (schema 7): present only when the entry names a key, so every
    // hash written before is unchanged, and removing the key breaks the hash.
    if let Some(k) = member_key {
        h.update(b"member_key");
        h.update((k.len() as u64).to_le_bytes());
        h.update(k.as_bytes());
    }
    h.finalize().into()
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

/// A stored hash as bytes. Anything but a blob (a tampered row) is read as its raw bytes
/// or as nothing, so that it fails verification instead of the read.
fn hash_at(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Vec<u8>> {
    use rusqlite::types::ValueRef;
    Ok(match r.get_ref(i)? {
        ValueRef::Blob(b) | ValueRef::Text(b) => b.to_vec(),
        _ => Vec::new(),
    })
}

/// Reads the current head from the log itself.
pub(crate) fn read_head(conn: &Connection) -> Result<(i64, String)> {
    Ok(conn
        .prepare_cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, hex::encode(hash_at(r, 1)?))))
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

/// Appends `changes` for record `record_id` (key `rid` in this file); the caller holds
/// the transaction and the head.
#[allow(clippy::too_many_arguments)]
pub(crate) fn append(
    conn: &Connection,
    head: &mut Head,
    rid: i64,
    record_id: &str,
    at_us: i64,
    actor: &str,
    member_key: Option<&str>,
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
    // Without a key the column is left out: migrations before schema 7 (which adds it)
    // append entries too.
    let mut insert = conn.prepare_cached(if member_key.is_some() {
        "INSERT INTO audit_log (seq, rid, record_id, at_us, actor, field, old_value,
                                new_value, reason, hash, member_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
    } else {
        "INSERT INTO audit_log (seq, rid, record_id, at_us, actor, field, old_value,
                                new_value, reason, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
    })?;
    for c in changes {
        seq += 1;
        let old = c.old.as_deref();
        let new = c.new.as_deref();
        let hash = entry_hash(
            seq, record_id, at_us, actor, &c.field, old, new, reason, &prev, member_key,
        );
        match member_key {
            Some(k) => insert.execute(params![
                seq,
                rid,
                record_id,
                at_us,
                actor,
                c.field,
                old,
                new,
                reason,
                &hash[..],
                k
            ])?,
            None => insert.execute(params![
                seq,
                rid,
                record_id,
                at_us,
                actor,
                c.field,
                old,
                new,
                reason,
                &hash[..]
            ])?,
        };
        prev = hex::encode(hash);
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
        "SELECT seq, record_id, at_us, actor, field, old_value, new_value, reason, hash,
                member_key
         FROM audit_log WHERE rid = (SELECT rid FROM records WHERE record_id = ?1)
         ORDER BY seq",
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
            hex::encode(hash_at(r, 8)?),
            r.get::<_, Option<String>>(9)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, record_id, at_us, actor, field, old, new, reason, hash, member_key) = row?;
        let what = format!("audit entry {seq}");
        out.push(AuditEntry {
            seq,
            record_id,
            at: at_from_us(at_us),
            actor,
            member_key,
            field,
            old_value: parse_json(&what, old)?,
            new_value: parse_json(&what, new)?,
            reason,
            hash,
        });
    }
    Ok(out)
}

/// The hash a creation entry keeps: SHA-256 over the record's JSON with its fields in key
/// order (undoing changes may reorder them; nested values are kept verbatim).
pub(crate) fn content_hash(record: &Record) -> String {
    #[derive(Serialize)]
    struct Canonical<'a> {
        record_id: &'a RecordId,
        template: &'a toponym_core::TemplateRef,
        // Left out when draft, so a draft hashes as records did before the status moved
        // out of `fields` (schema 5).
        #[serde(skip_serializing_if = "toponym_core::WorkflowStatus::is_draft")]
        workflow_status: toponym_core::WorkflowStatus,
        fields: std::collections::BTreeMap<&'a String, &'a Value>,
        geometry: &'a Option<toponym_core::Geometry>,
    }
    let c = Canonical {
        record_id: &record.record_id,
        template: &record.template,
        workflow_status: record.workflow_status,
        fields: record.fields.iter().collect(),
        geometry: &record.geometry,
    };
    let json = serde_json::to_vec(&c).unwrap_or_default();
    format!("sha256:{}", hex::encode(Sha256::digest(&json)))
}

fn corrupt(seq: i64, detail: &str) -> StoreError {
    StoreError::Corrupt {
        what: format!("audit entry {seq}"),
        detail: detail.to_owned(),
    }
}

/// The value at an entry's path (`None` = absent).
fn value_at<'a>(obj: &'a Map<String, Value>, field: &str) -> Option<&'a Value> {
    match field.strip_prefix("fields.") {
        Some(k) => obj.get("fields").and_then(Value::as_object)?.get(k),
        None => obj.get(field),
    }
}

/// Undoes one change entry on a record (as JSON).
fn undo(obj: &mut Map<String, Value>, e: &AuditEntry) -> Result<()> {
    let (target, key) = match e.field.strip_prefix("fields.") {
        Some(k) => {
            let fields = obj
                .entry("fields")
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .ok_or_else(|| corrupt(e.seq, "record fields are not an object"))?;
            (fields, k)
        }
        None => (&mut *obj, e.field.as_str()),
    };
    match &e.old_value {
        Some(v) => {
            target.insert(key.to_owned(), v.clone());
        }
        None => {
            target.remove(key);
        }
    }
    Ok(())
}

fn to_record(obj: Map<String, Value>) -> Result<Record> {
    serde_json::from_value(Value::Object(obj)).map_err(|e| StoreError::Corrupt {
        what: "rebuilt record".into(),
        detail: e.to_string(),
    })
}

/// The record as it was at `at`: `current` with every later change undone; `None` if it
/// was created after `at` (or does not exist).
pub(crate) fn rebuild(
    current: Option<Record>,
    entries: &[AuditEntry],
    at: OffsetDateTime,
) -> Result<Option<Record>> {
    let Some(current) = current else {
        return Ok(None);
    };
    match entries.iter().find(|e| e.field == "*") {
        Some(created) if created.at <= at => {}
        _ => return Ok(None),
    }
    let mut obj = match serde_json::to_value(&current) {
        Ok(Value::Object(m)) => m,
        _ => {
            return Err(StoreError::Corrupt {
                what: format!("record {}", current.record_id),
                detail: "does not serialise to an object".into(),
            })
        }
    };
    for e in entries
        .iter()
        .rev()
        .filter(|e| e.at > at && e.field != "*" && !is_annotation(&e.field))
    {
        undo(&mut obj, e)?;
    }
    to_record(obj).map(Some)
}

/// Whether undoing every change of `current` gives back what its creation entry holds.
fn matches_creation(current: &Record, entries: &[AuditEntry]) -> Result<Option<String>> {
    let Some(created) = entries.iter().find(|e| e.field == "*") else {
        return Ok(Some("has no creation entry".into()));
    };
    let mut obj = match serde_json::to_value(current) {
        Ok(Value::Object(m)) => m,
        _ => return Ok(Some("does not serialise to an object".into())),
    };
    for e in entries
        .iter()
        .rev()
        .filter(|e| e.seq > created.seq && !is_annotation(&e.field))
    {
        // Each change must have left exactly the value it logged.
        if value_at(&obj, &e.field) != e.new_value.as_ref() {
            return Ok(Some(format!(
                "has a {} that is not the value entry {} logged: changed outside the audit log",
                e.field, e.seq
            )));
        }
        undo(&mut obj, e)?;
    }
    let original = to_record(obj)?;
    let same = match &created.new_value {
        Some(Value::String(h)) => *h == content_hash(&original),
        // Written by an earlier version: the whole record.
        Some(v @ Value::Object(_)) => {
            serde_json::from_value::<Record>(v.clone()).ok().as_ref() == Some(&original)
        }
        _ => false,
    };
    Ok((!same).then(|| {
        format!(
            "does not match its history (creation entry {}): changed outside the audit log",
            created.seq
        )
    }))
}

/// Checks every record against its history (see [`matches_creation`]).
pub(crate) fn verify_records(
    conn: &Connection,
    get: impl Fn(&RecordId) -> Result<Option<Record>>,
) -> Result<Option<(i64, String)>> {
    let ids: Vec<String> = conn
        .prepare("SELECT record_id FROM records ORDER BY rid")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for id in ids {
        let rid: RecordId = id.parse().map_err(|e: uuid::Error| StoreError::Corrupt {
            what: format!("record {id}"),
            detail: e.to_string(),
        })?;
        let entries = history(conn, &rid)?;
        let Some(current) = get(&rid)? else { continue };
        if let Some(problem) = matches_creation(&current, &entries)? {
            let seq = entries.first().map_or(0, |e| e.seq);
            return Ok(Some((seq, format!("record {id} {problem}"))));
        }
    }
    Ok(None)
}

/// Recomputes every hash and link, and compares the end with the recorded head.
pub(crate) fn verify(conn: &Connection) -> Result<AuditVerification> {
    let mut stmt = conn.prepare(
        "SELECT seq, record_id, at_us, actor, field, old_value, new_value, reason, hash,
                member_key
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
        let hash = hash_at(r, 8)?;
        if seq != expected_seq {
            return Ok(fail(
                entries,
                expected_seq,
                format!("entry {expected_seq} is missing"),
            ));
        }
        // Each hash covers the previous entry's, so this also checks the link.
        let again = entry_hash(
            seq,
            &r.get::<_, String>(1)?,
            r.get(2)?,
            &r.get::<_, String>(3)?,
            &r.get::<_, String>(4)?,
            r.get::<_, Option<String>>(5)?.as_deref(),
            r.get::<_, Option<String>>(6)?.as_deref(),
            r.get::<_, Option<String>>(7)?.as_deref(),
            &prev,
            r.get::<_, Option<String>>(9)?.as_deref(),
        );
        if again[..] != hash[..] {
            return Ok(fail(
                entries,
                seq,
                format!("entry {seq} was altered (hash mismatch)"),
            ));
        }
        prev = hex::encode(hash);
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

/// The creation entry (`field = '*'`) of every record: (record id, when, actor).
pub(crate) fn changes(conn: &Connection) -> Result<Vec<ChangeSummary>> {
    let mut stmt =
        conn.prepare("SELECT record_id, at_us, actor, field FROM audit_log ORDER BY seq")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (record_id, us, actor, field) = row?;
        out.push(ChangeSummary {
            record_id,
            at: at_from_us(us),
            actor,
            field,
        });
    }
    Ok(out)
}
