//! The audit log is tamper-evident: altering an entry, removing one from the middle, or
//! cutting entries off the end is detected by `verify_audit_chain`. The tampering is done
//! the way an attacker holding the passphrase would: with the sqlcipher key on the raw file.

// Tests may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use serde_json::json;
use toponym_core::SeededIdGenerator;
use toponym_store::{derive_key, Actor, SearchKeys, Store};

/// A survey with 3 records, one of them edited twice: 5 entries.
fn survey_with_history() -> Survey {
    let (survey, mut store) = new_survey();
    let ids = SeededIdGenerator::new(1_714_550_400_000, 11);
    let actor = Actor::new("王测");
    let mut r = point_record(&ids, "泰山", 117.1, 36.26);
    store
        .put_record(&r, &actor, None, &SearchKeys::default())
        .unwrap();
    store
        .put_record(
            &point_record(&ids, "徂徕山", 117.3, 36.0),
            &actor,
            None,
            &SearchKeys::default(),
        )
        .unwrap();
    r.fields.insert("standard_name".into(), json!("泰山主峰"));
    store
        .put_record(&r, &actor, Some("更正"), &SearchKeys::default())
        .unwrap();
    r.fields.insert("elevation_m".into(), json!(1545));
    store
        .put_record(&r, &actor, None, &SearchKeys::default())
        .unwrap();
    store
        .put_record(
            &point_record(&ids, "蒿里山", 117.12, 36.18),
            &actor,
            None,
            &SearchKeys::default(),
        )
        .unwrap();
    let v = store.verify_audit_chain().unwrap();
    assert!(v.is_intact(), "{v:?}");
    assert_eq!(v.entries, 6); // the first member's creation, then five record entries
    survey
}

fn tamper(survey: &Survey, sql: &str) -> toponym_store::AuditVerification {
    let key = derive_key(&survey.path, &pass())
        .unwrap()
        .sqlcipher_pragmas()
        .unwrap();
    let conn = rusqlite::Connection::open(&survey.path).unwrap();
    conn.execute_batch(&format!("{key} {sql}")).unwrap();
    drop(conn);
    Store::open(&survey.path, &pass())
        .unwrap()
        .verify_audit_chain()
        .unwrap()
}

#[test]
fn an_altered_value_is_detected_at_its_entry() {
    let s = survey_with_history();
    let v = tamper(
        &s,
        "UPDATE audit_log SET new_value = '\"华山\"' WHERE seq = 4",
    );
    assert_eq!(v.first_bad_seq, Some(4), "{v:?}");
    assert!(v.problem.unwrap().contains("altered"));
}

#[test]
fn an_altered_actor_or_time_is_detected() {
    let s = survey_with_history();
    assert_eq!(
        tamper(&s, "UPDATE audit_log SET actor = '李某' WHERE seq = 5").first_bad_seq,
        Some(5)
    );
    let s = survey_with_history();
    assert_eq!(
        tamper(&s, "UPDATE audit_log SET at_us = at_us - 1 WHERE seq = 3").first_bad_seq,
        Some(3)
    );
}

#[test]
fn a_removed_middle_entry_is_detected() {
    let s = survey_with_history();
    let v = tamper(&s, "DELETE FROM audit_log WHERE seq = 3");
    assert_eq!(v.first_bad_seq, Some(3), "{v:?}");
    assert!(v.problem.unwrap().contains("missing"));
}

#[test]
fn a_replaced_hash_is_detected_at_its_entry() {
    // Entry 4 gets another hash (its first byte changed): it no longer matches its content
    // and entry 3's hash.
    let s = survey_with_history();
    let v = tamper(
        &s,
        "UPDATE audit_log SET hash = unhex(printf('%02x', (unicode(hash) + 1) % 256)) || substr(hash, 2) WHERE seq = 4",
    );
    assert_eq!(v.first_bad_seq, Some(4), "{v:?}");
    assert!(v.problem.unwrap().contains("altered"));
}

#[test]
fn a_consistently_rewritten_entry_still_breaks_the_next_one() {
    // A forger with the key rewrites entry 4's reason and gives it the hash that matches
    // its new content; entry 5's hash covers entry 4's old hash, so the chain breaks there.
    let s = survey_with_history();
    let key = derive_key(&s.path, &pass())
        .unwrap()
        .sqlcipher_pragmas()
        .unwrap();
    let conn = rusqlite::Connection::open(&s.path).unwrap();
    conn.execute_batch(&key).unwrap();
    let hash_of = |seq: i64| -> Vec<u8> {
        conn.query_row("SELECT hash FROM audit_log WHERE seq = ?1", [seq], |r| {
            r.get(0)
        })
        .unwrap()
    };
    // The stored hashes follow the documented format (so files written before the hashes
    // were stored as bytes still verify).
    let h2 = hex::encode(hash_of(3));
    assert_eq!(entry_hash(&conn, 4, &h2), hash_of(4));
    conn.execute("UPDATE audit_log SET reason = '伪造' WHERE seq = 4", [])
        .unwrap();
    let forged = entry_hash(&conn, 4, &h2);
    conn.execute("UPDATE audit_log SET hash = ?1 WHERE seq = 4", [&forged])
        .unwrap();
    drop(conn);
    let v = Store::open(&s.path, &pass())
        .unwrap()
        .verify_audit_chain()
        .unwrap();
    assert_eq!(v.first_bad_seq, Some(5), "{v:?}");
}

#[test]
fn cutting_entries_off_the_end_is_detected_by_the_head() {
    let s = survey_with_history();
    let v = tamper(&s, "DELETE FROM audit_log WHERE seq >= 5");
    assert!(!v.is_intact());
    assert!(v.problem.unwrap().contains("cut off"));
}

#[test]
fn an_untouched_log_stays_intact_after_reopening() {
    let s = survey_with_history();
    let v = tamper(&s, "SELECT 1");
    assert!(v.is_intact(), "{v:?}");
}

#[test]
fn a_record_edited_outside_the_log_is_detected() {
    // The log itself is untouched; the current record no longer undoes to its creation.
    let s = survey_with_history();
    let v = tamper(
        &s,
        "UPDATE records SET attributes = json_set(attributes, '$.standard_name', '华山')
         WHERE standard_name = '徂徕山'",
    );
    assert_eq!(v.first_bad_seq, Some(3), "{v:?}");
    assert!(v.problem.unwrap().contains("outside the audit log"));
    // An edited record whose later changes are logged is caught at its creation too.
    let s = survey_with_history();
    let v = tamper(
        &s,
        "UPDATE records SET attributes = json_set(attributes, '$.elevation_m', 1532)
         WHERE standard_name = '泰山主峰'",
    );
    assert_eq!(v.first_bad_seq, Some(2), "{v:?}");
}

#[test]
fn creation_entries_keep_the_content_hash_not_a_second_copy() {
    let s = survey_with_history();
    let store = Store::open(&s.path, &pass()).unwrap();
    let hit = &store.search_names("泰山主峰", 1).unwrap()[0];
    let h = store.history(&hit.summary.record_id).unwrap();
    assert_eq!(h[0].field, "*");
    let created = h[0].new_value.as_ref().unwrap().as_str().unwrap();
    assert!(
        created.starts_with("sha256:") && created.len() == 71,
        "{created}"
    );
    // The later entries carry old and new values: that is what rebuilds the past.
    assert_eq!(h[1].old_value, Some(json!("泰山")));
    assert_eq!(h[1].new_value, Some(json!("泰山主峰")));
}

#[test]
fn a_survey_written_before_the_compact_log_is_migrated_and_still_verifies() {
    // tests/fixtures/old-audit.toponym was written by the CLI of commit b0c0827 (schema
    // before migration 0004: hex hashes, prev_hash, indexed by record id): `survey init`,
    // `survey add` of the first 40 sample records, then 5 of them again with 历史沿革
    // extended. Passphrase fixture-2025. Opening a copy migrates it.
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/old-audit.toponym");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.toponym");
    std::fs::copy(&fixture, &path).unwrap();
    std::fs::copy(
        toponym_store::sidecar_path(&fixture),
        toponym_store::sidecar_path(&path),
    )
    .unwrap();
    let key = derive_key(&path, &toponym_store::Passphrase::new("fixture-2025")).unwrap();
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute_batch(&key.sqlcipher_pragmas().unwrap())
        .unwrap();
    let old_entries: i64 = raw
        .query_row(
            "SELECT count(*) FROM audit_log WHERE length(prev_hash) = 64 AND length(hash) = 64",
            [],
            |r| r.get(0),
        )
        .unwrap();
    drop(raw);
    assert_eq!(old_entries, 45);

    let store = Store::open_with_key(&path, &key).unwrap();
    let v = store.verify_audit_chain().unwrap();
    assert!(v.is_intact(), "{v:?}");
    assert_eq!(v.entries, 45);
    let mut edited = 0;
    for s in store.list(&Default::default()).unwrap() {
        let h = store.history(&s.record_id).unwrap();
        assert_eq!(h[0].field, "*", "{h:?}");
        assert!(h
            .iter()
            .all(|e| e.hash.len() == 64 && e.record_id == s.record_id.to_string()));
        if let Some(change) = h.get(1) {
            assert_eq!(change.field, "fields.history");
            edited += 1;
        }
    }
    assert_eq!(edited, 5);
    assert_eq!(store.integrity_check().unwrap(), "ok");
}
