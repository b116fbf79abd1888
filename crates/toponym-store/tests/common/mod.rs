//! Shared helpers for the store's integration tests: real survey files in temporary
//! directories, cheap (but real) Argon2id parameters, a fixed clock, and records made
//! from a named seed.

// Tests may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used)]
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::json;
use time::macros::datetime;
use time::OffsetDateTime;
use toponym_core::{FixedClock, Geometry, IdGenerator, Record, SeededIdGenerator, TemplateRef};
use toponym_store::{KdfParams, Passphrase, Store};

pub const PASS: &str = "岱宗夫如何 齐鲁青未了";
pub const T0: OffsetDateTime = datetime!(2024-05-01 08:00:00 UTC);

pub fn pass() -> Passphrase {
    Passphrase::new(PASS)
}

pub struct Survey {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

pub fn new_survey() -> (Survey, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("taian.toponym");
    let mut store = Store::create(&path, &pass(), KdfParams::insecure_for_tests()).expect("create");
    store.set_clock(Arc::new(FixedClock(T0)));
    (Survey { dir, path }, store)
}

pub fn template(id: &str) -> TemplateRef {
    TemplateRef {
        id: id.into(),
        version: "1.0.0".into(),
        hash: "sha256:00".into(),
    }
}

pub fn point_record(ids: &SeededIdGenerator, name: &str, lon: f64, lat: f64) -> Record {
    let fields = json!({
        "standard_name": name,
        "rep_point": [lon, lat],
        "secrecy": "公开",
        "census_status": "新增",
    });
    Record {
        record_id: ids.next_id(),
        workflow_status: Default::default(),
        template: template("terrain.mountain"),
        fields: fields.as_object().cloned().unwrap_or_default(),
        geometry: Some(Geometry::Point([lon, lat])),
    }
}

/// The entry hash as documented in `audit.rs` (SHA-256 over "toponym-audit-v1", seq and
/// time as little-endian i64, then length-prefixed record id, actor, field, old, new,
/// reason and the previous hash as hex; u64::MAX for an absent part; then, if the entry
/// names a member key, "member_key" and the length-prefixed fingerprint).
pub fn entry_hash(conn: &rusqlite::Connection, seq: i64, prev: &str) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    conn.query_row(
        "SELECT record_id, at_us, actor, field, old_value, new_value, reason, member_key
         FROM audit_log WHERE seq = ?1",
        [seq],
        |r| {
            let mut h = Sha256::new();
            h.update(b"toponym-audit-v1");
            h.update(seq.to_le_bytes());
            h.update(r.get::<_, i64>(1)?.to_le_bytes());
            for i in [0, 2, 3, 4, 5, 6] {
                match r.get::<_, Option<String>>(i)? {
                    Some(s) => {
                        h.update((s.len() as u64).to_le_bytes());
                        h.update(s.as_bytes());
                    }
                    None => h.update(u64::MAX.to_le_bytes()),
                }
            }
            h.update((prev.len() as u64).to_le_bytes());
            h.update(prev.as_bytes());
            // The member key (schema 7), only when the entry names one.
            if let Some(k) = r.get::<_, Option<String>>(7)? {
                h.update(b"member_key");
                h.update((k.len() as u64).to_le_bytes());
                h.update(k.as_bytes());
            }
            Ok(h.finalize().to_vec())
        },
    )
    .unwrap()
}

/// Recomputes every hash of the log and the recorded head, as a forger holding the data
/// key can (the chain has no key): what is left to catch a forgery is the signatures.
pub fn rechain(conn: &rusqlite::Connection) {
    let seqs: Vec<i64> = conn
        .prepare("SELECT seq FROM audit_log ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut prev = "0".repeat(64);
    for seq in &seqs {
        let h = entry_hash(conn, *seq, &prev);
        conn.execute(
            "UPDATE audit_log SET hash = ?1 WHERE seq = ?2",
            rusqlite::params![h, seq],
        )
        .unwrap();
        prev = hex::encode(h);
    }
    conn.execute(
        "UPDATE meta SET value = ?1 WHERE key = 'audit_head'",
        [format!("{}:{prev}", seqs.len())],
    )
    .unwrap();
}
