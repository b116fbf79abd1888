//! QA overrides (a warning accepted with a reason) on a real encrypted survey: stored with
//! a hash-chained audit entry in one transaction, shown in the record's history, read back
//! after reopening, not an edit of the record (its past and its verification are
//! unchanged), refused when they can never be right, and tamper-evident both ways.

// Tests may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use serde_json::json;
use toponym_core::{Record, SeededIdGenerator};
use toponym_store::{derive_key, Actor, SearchKeys, Store, StoreError};

fn survey_with_record() -> (Survey, Store, Record) {
    let (survey, mut store) = new_survey();
    let ids = SeededIdGenerator::new(1_714_550_400_000, 7);
    let r = point_record(&ids, "大汶口", 117.1, 36.0);
    store
        .put_record(&r, &Actor::new("李秀英"), None, &SearchKeys::default())
        .unwrap();
    (survey, store, r)
}

const REASON: &str = "读音经村委会核实为 dà，与地名录一致";

#[test]
fn an_override_is_stored_with_its_audit_entry_verifies_and_survives_reopening() {
    let (survey, mut store, mut r) = survey_with_record();
    let o = store
        .add_override(
            &r.record_id,
            "R-4",
            "fields.standard_name",
            &format!("  {REASON}\n"),
            &Actor::new("李秀英"),
        )
        .unwrap();
    assert_eq!(o.rule, "R-4");
    assert_eq!(o.path, "fields.standard_name");
    assert_eq!(o.reason, REASON, "the reason is kept trimmed");
    assert_eq!(
        o.actor, "登记人",
        "the unlocked member acts, whatever name the caller gives"
    );
    assert_eq!(o.at, T0);
    assert_eq!(
        o.seq, 3,
        "the first member's creation is entry 1, the record's entry 2"
    );

    // In the record's history, as its own entry with rule, path and reason.
    let h = store.history(&r.record_id).unwrap();
    assert_eq!(h.len(), 2, "{h:?}");
    assert_eq!(h[1].field, "qa.override");
    assert_eq!(h[1].seq, o.seq);
    assert_eq!(h[1].reason.as_deref(), Some(REASON));
    assert_eq!(h[1].actor, "登记人");
    assert!(h[1]
        .member_key
        .as_deref()
        .is_some_and(|k| k.starts_with("ed25519:")));
    assert_eq!(
        h[1].new_value,
        Some(json!({"rule": "R-4", "path": "fields.standard_name"}))
    );
    assert_eq!(h[1].old_value, None);

    // Not an edit: the chain and the record against its history verify, the past is the
    // present, and a later real edit still verifies.
    let v = store.verify_audit_chain().unwrap();
    assert!(v.is_intact(), "{v:?}");
    assert_eq!(v.entries, 3);
    assert_eq!(
        store.record_at(&r.record_id, T0).unwrap().as_ref(),
        Some(&r)
    );
    r.fields.insert("elevation_m".into(), json!(120));
    store
        .put_record(&r, &Actor::new("李秀英"), None, &SearchKeys::default())
        .unwrap();
    let v = store.verify_audit_chain().unwrap();
    assert!(v.is_intact(), "{v:?}");
    assert_eq!(v.entries, 4);
    drop(store);

    let store = Store::open(&survey.path, &pass()).unwrap();
    assert_eq!(store.overrides().unwrap(), vec![o.clone()]);
    assert_eq!(store.overrides_of(&r.record_id).unwrap(), vec![o]);
    assert!(store.verify_audit_chain().unwrap().is_intact());
    // The bundle-stage log summary carries the override entry for W-2 to judge.
    let fields: Vec<String> = store
        .changes()
        .unwrap()
        .into_iter()
        .map(|c| c.field)
        .collect();
    assert_eq!(
        fields,
        ["member.add", "*", "qa.override", "fields.elevation_m"]
    );
}

#[test]
fn unknown_records_empty_reasons_and_a_second_override_are_refused_and_change_nothing() {
    let (_survey, mut store, r) = survey_with_record();
    let actor = Actor::new("张建国");
    let other = SeededIdGenerator::new(1_714_550_400_000, 99);
    let unknown = toponym_core::IdGenerator::next_id(&other);
    let e = store
        .add_override(&unknown, "R-4", "fields.standard_name", REASON, &actor)
        .unwrap_err();
    assert!(matches!(e, StoreError::InvalidRecord { .. }), "{e}");
    assert!(e.to_string().contains(&unknown.to_string()), "{e}");
    assert!(e.to_string().contains("no such record"), "{e}");

    let e = store
        .add_override(&r.record_id, "R-4", "fields.standard_name", " \n ", &actor)
        .unwrap_err();
    assert!(e.to_string().contains("needs a written reason"), "{e}");
    assert!(e.to_string().contains("fields.standard_name"), "{e}");

    let long = "理".repeat(toponym_store::MAX_OVERRIDE_REASON_CHARS + 1);
    let e = store
        .add_override(&r.record_id, "R-4", "fields.standard_name", &long, &actor)
        .unwrap_err();
    assert!(e.to_string().contains("at most 2000"), "{e}");

    store
        .add_override(&r.record_id, "R-4", "fields.standard_name", REASON, &actor)
        .unwrap();
    let e = store
        .add_override(
            &r.record_id,
            "R-4",
            "fields.standard_name",
            "另一个理由也很充分",
            &actor,
        )
        .unwrap_err();
    assert_eq!(e.code(), "override.exists");
    assert!(e.to_string().contains("already accepted by 登记人"), "{e}");
    // The same rule at another path is another finding.
    store
        .add_override(&r.record_id, "R-4", "fields.roman", REASON, &actor)
        .unwrap();
    assert_eq!(store.overrides().unwrap().len(), 2);
    let v = store.verify_audit_chain().unwrap();
    assert!(v.is_intact(), "{v:?}");
    assert_eq!(v.entries, 4, "refused overrides wrote no entry");
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

fn survey_with_override() -> Survey {
    let (survey, mut store, r) = survey_with_record();
    store
        .add_override(
            &r.record_id,
            "N-6",
            "fields.standard_name",
            REASON,
            &Actor::new("李秀英"),
        )
        .unwrap();
    assert!(store.verify_audit_chain().unwrap().is_intact());
    survey
}

#[test]
fn a_reworded_removed_or_forged_override_is_detected() {
    let s = survey_with_override();
    let v = tamper(&s, "UPDATE qa_overrides SET reason = '随便写的'");
    assert_eq!(v.first_bad_seq, Some(3), "{v:?}");
    assert!(v.problem.unwrap().contains("differs from its audit entry"));

    let s = survey_with_override();
    let v = tamper(&s, "UPDATE qa_overrides SET actor = '刘玉兰'");
    assert!(v.problem.unwrap().contains("differs from its audit entry"));

    let s = survey_with_override();
    let v = tamper(&s, "DELETE FROM qa_overrides");
    assert_eq!(v.first_bad_seq, Some(3), "{v:?}");
    assert!(v.problem.unwrap().contains("has no override row"));

    // A row without an entry (another rule slipped in beside the logged one).
    let s = survey_with_override();
    let v = tamper(
        &s,
        "INSERT INTO qa_overrides (seq, rid, record_id, rule, path, reason, actor, at_us)
         SELECT 7, rid, record_id, 'R-4', path, reason, actor, at_us FROM qa_overrides",
    );
    assert_eq!(v.first_bad_seq, Some(7), "{v:?}");
    assert!(v.problem.unwrap().contains("has no audit entry 7"));

    // The log entry itself is chained like any other.
    let s = survey_with_override();
    let v = tamper(
        &s,
        "UPDATE audit_log SET reason = '随便写的' WHERE field = 'qa.override'",
    );
    assert_eq!(v.first_bad_seq, Some(3), "{v:?}");
    assert!(v.problem.unwrap().contains("altered"));
}
