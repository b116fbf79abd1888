//! Review (专人审核): a reviewer, unlocked as themselves, accepts a complete record or
//! returns it with comments. Either verdict is a signature by the reviewer's key over the
//! record's id, the verdict, the record's content hash (its content without the workflow
//! status, [`review_digest`]), the reviewer's key fingerprint, the time and the comments:
//! moved to another record, or kept after the record changed, it no longer verifies.
//!
//! A verdict is one change of the record's status (`workflow_status`) and one annotation
//! entry of the audit log (`review.accept` or `review.return`) that carries the signed
//! content hash, the comments and the signature, both in one transaction, both made by
//! the reviewer's key. Only these two calls set a record reviewed or returned; a record
//! edited after its acceptance must go back to complete (W-2: the save path does that),
//! and a reviewer may not judge a record whose content their own key wrote (W-1: checked
//! on keys, not names). [`Store::verify_audit_chain`] checks every verdict's signature and
//! that every reviewed record's content is what its last acceptance signed.

use std::collections::HashSet;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;
use toponym_core::{Record, RecordId, WorkflowStatus};

use crate::audit::{self, Change, ACCEPT_FIELD, RETURN_FIELD};
use crate::members::Role;
use crate::{Result, Store, StoreError};

/// The most comments one return carries, and the longest comment in characters.
pub const MAX_COMMENTS: usize = 200;
/// See [`MAX_COMMENTS`].
pub const MAX_COMMENT_CHARS: usize = 2000;

/// A reviewer's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Accepted (审核通过).
    Accept,
    /// Returned for correction (退回修改).
    Return,
}

impl Verdict {
    fn as_str(self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::Return => "return",
        }
    }
}

/// A reviewer's comment: on the record (`path` absent) or on one field
/// (`fields.standard_name`, `geometry`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewComment {
    /// The field, or `None` for the record as a whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The comment.
    pub text: String,
}

/// One verdict, as the audit log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Review {
    /// The audit entry.
    pub seq: i64,
    /// The record.
    pub record_id: String,
    /// Accept or return.
    pub verdict: Verdict,
    /// The reviewer's name.
    pub reviewer: String,
    /// The reviewer's key fingerprint.
    pub reviewer_key: String,
    /// When, UTC.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The content hash signed.
    pub content_hash: String,
    /// The comments (a return has at least one).
    pub comments: Vec<ReviewComment>,
    /// The signature's algorithm.
    pub algorithm: String,
    /// The signature, hex.
    pub signature: String,
}

/// The hash a verdict signs: the record's content hash with the workflow status left out,
/// so that the acceptance of a record stays valid while its status moves, and breaks when
/// anything else changes.
pub fn review_digest(record: &Record) -> String {
    let mut r = record.clone();
    r.workflow_status = WorkflowStatus::Draft;
    audit::content_hash(&r)
}

/// The bytes a verdict signs.
fn message(
    record_id: &str,
    verdict: Verdict,
    content_hash: &str,
    fingerprint: &str,
    at_us: i64,
    comments: &[ReviewComment],
) -> Vec<u8> {
    let comments = serde_json::to_string(comments).unwrap_or_default();
    toponym_crypto::frame(
        "toponym/review/v1",
        &[
            record_id.as_bytes(),
            verdict.as_str().as_bytes(),
            content_hash.as_bytes(),
            fingerprint.as_bytes(),
            at_us.to_string().as_bytes(),
            comments.as_bytes(),
        ],
    )
}

/// What a verdict entry's new value holds.
#[derive(Serialize, Deserialize)]
struct Logged {
    verdict: Verdict,
    content_hash: String,
    #[serde(default)]
    comments: Vec<ReviewComment>,
    algorithm: String,
    signature: String,
}

fn refused(code: &'static str, detail: String) -> StoreError {
    StoreError::Refused { code, detail }
}

/// The member ids whose keys wrote the content of record `rid` (creation and field
/// changes; not status changes, verdicts or annotations).
fn content_authors(conn: &Connection, rid: i64) -> Result<HashSet<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT k.member_id FROM audit_log a JOIN member_keys k ON k.fingerprint = a.member_key
         WHERE a.rid = ?1 AND a.field <> 'workflow_status' AND a.field NOT LIKE 'review.%'
           AND a.field NOT LIKE 'qa.%' AND a.field NOT LIKE 'member.%'",
    )?;
    let rows = stmt.query_map([rid], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// The reviewer accepts `ids` (审核通过): all or none. Each must be complete (待审核),
    /// and none may have content written by the reviewer's own key. Returns the verdicts.
    pub fn accept(&mut self, ids: &[RecordId], note: Option<&str>) -> Result<Vec<Review>> {
        let comments: Vec<ReviewComment> = note
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|n| ReviewComment {
                path: None,
                text: n.to_owned(),
            })
            .into_iter()
            .collect();
        self.judge(ids, Verdict::Accept, &comments)
    }

    /// The reviewer returns a complete record for correction (退回修改) with at least one
    /// comment, on the record or on named fields.
    pub fn return_record(&mut self, id: &RecordId, comments: &[ReviewComment]) -> Result<Review> {
        if comments.iter().all(|c| c.text.trim().is_empty()) {
            return Err(refused(
                "review.comment_required",
                format!("returning record {id} needs a comment saying what to correct"),
            ));
        }
        let mut out = self.judge(std::slice::from_ref(id), Verdict::Return, comments)?;
        out.pop()
            .ok_or_else(|| StoreError::Kdf("no verdict written".into()))
    }

    fn judge(
        &mut self,
        ids: &[RecordId],
        verdict: Verdict,
        comments: &[ReviewComment],
    ) -> Result<Vec<Review>> {
        if comments.len() > MAX_COMMENTS
            || comments
                .iter()
                .any(|c| c.text.chars().count() > MAX_COMMENT_CHARS)
        {
            return Err(refused(
                "review.comment_too_long",
                format!(
                    "at most {MAX_COMMENTS} comments of at most {MAX_COMMENT_CHARS} characters each"
                ),
            ));
        }
        let comments: Vec<ReviewComment> = comments
            .iter()
            .filter(|c| !c.text.trim().is_empty())
            .map(|c| ReviewComment {
                path: c.path.clone().filter(|p| !p.trim().is_empty()),
                text: c.text.trim().to_owned(),
            })
            .collect();
        let me = self.require_member()?;
        let (my_id, my_name, my_role) = (
            me.member.member_id.clone(),
            me.member.name.clone(),
            me.member.role,
        );
        if my_role != Role::Reviewer {
            return Err(refused(
                "review.not_reviewer",
                format!(
                    "{my_name} is a registrar (登记人); only a reviewer (审核人) accepts or \
                     returns records"
                ),
            ));
        }
        let at_us = self.now_us();
        let actor = self.actor_or(&crate::Actor::new(""));
        let fingerprint = actor.key.clone().unwrap_or_default();
        // Sign first, outside the transaction (reads only).
        let mut planned = Vec::with_capacity(ids.len());
        {
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT {}, rid FROM records WHERE record_id = ?1",
                crate::store::RECORD_COLS
            ))?;
            let mut seen = HashSet::new();
            for id in ids {
                if !seen.insert(*id) {
                    continue;
                }
                let row = stmt
                    .query_row([id.to_string()], |r| {
                        Ok((crate::store::record_from_row(r), r.get::<_, i64>(7)?))
                    })
                    .optional()?;
                let Some((record, rid)) = row else {
                    return Err(StoreError::InvalidRecord {
                        record_id: id.to_string(),
                        field: "record_id".into(),
                        detail: "no such record in this survey".into(),
                    });
                };
                let record = record?;
                if record.workflow_status != WorkflowStatus::Complete {
                    return Err(refused(
                        "review.not_complete",
                        format!(
                            "record {id} is {} ({}); only a complete record (待审核) is reviewed",
                            record.workflow_status.as_zh(),
                            record.workflow_status
                        ),
                    ));
                }
                if content_authors(&self.conn, rid)?.contains(&my_id) {
                    return Err(refused(
                        "review.own_record",
                        format!(
                            "record {id}: {my_name} wrote this record and cannot review it \
                             (专人填写、专人审核, W-1); another reviewer must"
                        ),
                    ));
                }
                let hash = review_digest(&record);
                let msg = message(
                    &id.to_string(),
                    verdict,
                    &hash,
                    &fingerprint,
                    at_us,
                    &comments,
                );
                let (_, algorithm, sig) = self.sign_as_me(&msg)?;
                planned.push((id.to_string(), rid, hash, algorithm, hex::encode(sig)));
            }
        }
        let new_status = match verdict {
            Verdict::Accept => WorkflowStatus::Reviewed,
            Verdict::Return => WorkflowStatus::Returned,
        };
        let field = match verdict {
            Verdict::Accept => ACCEPT_FIELD,
            Verdict::Return => RETURN_FIELD,
        };
        let old_status = Value::String(WorkflowStatus::Complete.as_str().into()).to_string();
        let new_value = Value::String(new_status.as_str().into()).to_string();
        let conn = self.conn_mut()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut head: audit::Head = None;
        let mut out = Vec::with_capacity(planned.len());
        {
            let mut set = tx.prepare_cached(
                "UPDATE records SET workflow_status = ?2, revision = revision + 1,
                        updated_at_us = ?3 WHERE rid = ?1",
            )?;
            let mut set_box = tx.prepare_cached(
                "UPDATE record_boxes SET workflow_status = ?2
                 WHERE id = (SELECT loc_key FROM records WHERE rid = ?1)",
            )?;
            for (id, rid, hash, algorithm, signature) in planned {
                set.execute(params![rid, new_status.as_str(), at_us])?;
                set_box.execute(params![rid, new_status.as_str()])?;
                let logged = Logged {
                    verdict,
                    content_hash: hash.clone(),
                    comments: comments.clone(),
                    algorithm: algorithm.clone(),
                    signature: signature.clone(),
                };
                let value = serde_json::to_string(&logged)
                    .map_err(|e| StoreError::Kdf(format!("cannot serialise a verdict: {e}")))?;
                audit::append(
                    &tx,
                    &mut head,
                    rid,
                    &id,
                    at_us,
                    &actor.name,
                    actor.key.as_deref(),
                    None,
                    &[
                        Change {
                            field: "workflow_status".into(),
                            old: Some(old_status.clone()),
                            new: Some(new_value.clone()),
                        },
                        Change {
                            field: field.into(),
                            old: None,
                            new: Some(value),
                        },
                    ],
                )?;
                out.push(Review {
                    seq: head.as_ref().map_or(0, |h| h.0),
                    record_id: id,
                    verdict,
                    reviewer: actor.name.clone(),
                    reviewer_key: fingerprint.clone(),
                    at: crate::members::at_from_us(at_us),
                    content_hash: hash,
                    comments: comments.clone(),
                    algorithm,
                    signature,
                });
            }
        }
        if let Some(h) = &head {
            audit::write_head(&tx, h)?;
        }
        tx.commit()?;
        Ok(out)
    }

    /// Every verdict on a record, oldest first.
    pub fn reviews(&self, id: &RecordId) -> Result<Vec<Review>> {
        Ok(audit::history(&self.conn, id)?
            .into_iter()
            .filter_map(|e| review_of(&e))
            .collect())
    }

    /// The last verdict on a record, if any.
    pub fn last_review(&self, id: &RecordId) -> Result<Option<Review>> {
        Ok(self.reviews(id)?.pop())
    }
}

fn review_of(e: &audit::AuditEntry) -> Option<Review> {
    if e.field != ACCEPT_FIELD && e.field != RETURN_FIELD {
        return None;
    }
    let logged: Logged = serde_json::from_value(e.new_value.clone()?).ok()?;
    Some(Review {
        seq: e.seq,
        record_id: e.record_id.clone(),
        verdict: logged.verdict,
        reviewer: e.actor.clone(),
        reviewer_key: e.member_key.clone().unwrap_or_default(),
        at: e.at,
        content_hash: logged.content_hash,
        comments: logged.comments,
        algorithm: logged.algorithm,
        signature: logged.signature,
    })
}

/// Checks every verdict: its signature by the key it names over what it says, its
/// verdict matching its field, and that every reviewed record's current content is what
/// its last acceptance signed. Returns the first problem (entry and sentence).
pub(crate) fn verify(
    conn: &Connection,
    get: impl Fn(&RecordId) -> Result<Option<Record>>,
) -> Result<Option<(i64, String)>> {
    let mut stmt = conn.prepare(
        "SELECT seq, record_id, at_us, field, new_value, member_key FROM audit_log
         WHERE field IN ('review.accept', 'review.return') ORDER BY seq",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, Option<String>>(5)?,
        ))
    })?;
    let mut last_accept: std::collections::HashMap<String, (i64, String)> = Default::default();
    for row in rows {
        let (seq, record_id, at_us, field, value, key) = row?;
        let bad = |what: &str| {
            Ok(Some((
                seq,
                format!("record {record_id}: review entry {seq} {what}"),
            )))
        };
        let Some(logged) = value.and_then(|v| serde_json::from_str::<Logged>(&v).ok()) else {
            return bad("is unreadable");
        };
        let expected = if field == ACCEPT_FIELD {
            Verdict::Accept
        } else {
            Verdict::Return
        };
        if logged.verdict != expected {
            return bad("says another verdict than its field");
        }
        let Some(key) = key else {
            return bad("names no reviewer key");
        };
        let Some((algorithm, public, _member)) = Store::public_key(conn, &key)? else {
            return bad(&format!("is signed by key {key}, which is no member's"));
        };
        if algorithm != logged.algorithm {
            return bad("names another algorithm than its key's");
        }
        let Ok(scheme) = toponym_crypto::sign::scheme(&algorithm) else {
            return bad(&format!("uses the unknown algorithm {algorithm}"));
        };
        let msg = message(
            &record_id,
            logged.verdict,
            &logged.content_hash,
            &key,
            at_us,
            &logged.comments,
        );
        let sig = hex::decode(&logged.signature).unwrap_or_default();
        if !scheme.verify(&public, &msg, &sig) {
            return bad("has a signature that does not verify: forged, or moved from another record or version");
        }
        if expected == Verdict::Accept {
            last_accept.insert(record_id, (seq, logged.content_hash));
        }
    }
    let reviewed: Vec<String> = conn
        .prepare("SELECT record_id FROM records WHERE workflow_status = 'reviewed' ORDER BY rid")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in reviewed {
        let Ok(rid) = id.parse::<RecordId>() else {
            continue;
        };
        let Some(record) = get(&rid)? else { continue };
        match last_accept.get(&id) {
            None => {
                return Ok(Some((
                    0,
                    format!(
                        "record {id} is marked reviewed but no reviewer's signature accepts it"
                    ),
                )))
            }
            Some((seq, hash)) if *hash != review_digest(&record) => {
                return Ok(Some((
                    *seq,
                    format!(
                        "record {id} is marked reviewed but its content is not what the \
                         acceptance in entry {seq} signed (changed after review)"
                    ),
                )))
            }
            Some(_) => {}
        }
    }
    Ok(None)
}
