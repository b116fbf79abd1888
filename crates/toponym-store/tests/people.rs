//! Members, key slots, recovery and signed reviews, on real encrypted survey files.

#![allow(clippy::unwrap_used)]

mod common;

use std::fs;
use std::sync::Arc;

use common::*;
use toponym_core::{FixedClock, SeededIdGenerator, WorkflowStatus};
use toponym_store::{
    derive_key_as, unlock_slots, Actor, KdfParams, NewMember, OfficeIdentity, Passphrase,
    ReviewComment, Role, SearchKeys, Store, StoreError,
};

const REVIEWER_PASS: &str = "审核人的口令 second";

fn params() -> KdfParams {
    KdfParams::insecure_for_tests()
}

/// A survey with a registrar (the creator), a reviewer, and two complete records written
/// by the registrar.
fn survey_with_reviewer() -> (Survey, Vec<toponym_core::Record>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("taian.toponym");
    let office = OfficeIdentity::generate();
    fs::write(dir.path().join("office.key"), &*office.to_file_text("test")).unwrap();
    let mut store = Store::create_survey(
        &path,
        &NewMember::new("王登记", Role::Registrar),
        &pass(),
        params(),
        Some(&office.recipient()),
    )
    .unwrap();
    store.set_clock(Arc::new(FixedClock(T0)));
    store
        .add_member(
            &NewMember::new("李审核", Role::Reviewer),
            &Passphrase::new(REVIEWER_PASS),
            params(),
        )
        .unwrap();
    let ids = SeededIdGenerator::new(1_714_550_400_000, 7);
    let mut records = Vec::new();
    for (name, lon) in [("泰山", 117.1), ("徂徕山", 117.3)] {
        let mut r = point_record(&ids, name, lon, 36.2);
        r.workflow_status = WorkflowStatus::Complete;
        store
            .put_record(&r, &Actor::new("ignored"), None, &SearchKeys::default())
            .unwrap();
        records.push(r);
    }
    (Survey { dir, path }, records)
}

fn open_as(s: &Survey, who: &str, pass: &str) -> Result<Store, StoreError> {
    Store::open_as(&s.path, Some(who), &Passphrase::new(pass)).map(|mut st| {
        st.set_clock(Arc::new(FixedClock(T0 + time::Duration::hours(1))));
        st
    })
}

#[test]
fn the_unlock_screen_lists_members_and_a_member_must_be_named_when_several() {
    let (s, _) = survey_with_reviewer();
    let (slots, recoverable) = unlock_slots(&s.path).unwrap();
    let names: Vec<(&str, &str)> = slots
        .iter()
        .map(|m| (m.name.as_str(), m.role.as_str()))
        .collect();
    assert_eq!(names, [("王登记", "registrar"), ("李审核", "reviewer")]);
    assert!(recoverable);
    let e = Store::open(&s.path, &pass()).unwrap_err();
    assert!(matches!(e, StoreError::MemberRequired { .. }), "{e}");
    assert!(e.to_string().contains("李审核"), "{e}");
    let e = open_as(&s, "张三", PASS).unwrap_err();
    assert!(matches!(e, StoreError::UnknownMember { .. }), "{e}");
    // Each passphrase opens only its own slot.
    let e = open_as(&s, "李审核", PASS).unwrap_err();
    assert!(matches!(e, StoreError::WrongPassphrase { .. }), "{e}");
    let st = open_as(&s, "李审核", REVIEWER_PASS).unwrap();
    assert_eq!(st.member().unwrap().role, Role::Reviewer);
    let members = st.members().unwrap();
    assert_eq!(members.len(), 2);
    assert!(members
        .iter()
        .all(|m| m.fingerprint.starts_with("ed25519:")));
}

#[test]
fn every_write_names_the_unlocked_members_key() {
    let (s, records) = survey_with_reviewer();
    let st = open_as(&s, "王登记", PASS).unwrap();
    let me = st.member().unwrap().clone();
    let h = st.history(&records[0].record_id).unwrap();
    assert_eq!(h[0].actor, "王登记", "not the name the caller passed");
    assert_eq!(h[0].member_key.as_deref(), Some(me.fingerprint.as_str()));
}

#[test]
fn a_reviewers_acceptance_verifies_and_a_registrar_cannot_accept() {
    let (s, records) = survey_with_reviewer();
    let ids: Vec<_> = records.iter().map(|r| r.record_id).collect();

    let mut reg = open_as(&s, "王登记", PASS).unwrap();
    let e = reg.accept(&ids, None).unwrap_err();
    assert_eq!(e.code(), "review.not_reviewer", "{e}");
    drop(reg);

    let mut rev = open_as(&s, "李审核", REVIEWER_PASS).unwrap();
    let done = rev.accept(&ids, Some("核对无误")).unwrap();
    assert_eq!(done.len(), 2);
    for id in &ids {
        let r = rev.get_record(id).unwrap().unwrap();
        assert_eq!(r.workflow_status, WorkflowStatus::Reviewed);
        let review = rev.last_review(id).unwrap().unwrap();
        assert_eq!(review.reviewer, "李审核");
        assert_eq!(review.content_hash, toponym_store::review_digest(&r));
    }
    let v = rev.verify_audit_chain().unwrap();
    assert!(v.is_intact(), "{v:?}");
    // A second acceptance of a reviewed record is refused: it is not waiting for review.
    let e = rev.accept(&ids[..1], None).unwrap_err();
    assert_eq!(e.code(), "review.not_complete", "{e}");
}

#[test]
fn a_reviewer_cannot_review_a_record_their_own_key_wrote() {
    let (s, _) = survey_with_reviewer();
    let mut rev = open_as(&s, "李审核", REVIEWER_PASS).unwrap();
    let ids = SeededIdGenerator::new(1_714_550_400_000, 99);
    let mut own = point_record(&ids, "蒿里山", 117.12, 36.18);
    own.workflow_status = WorkflowStatus::Complete;
    rev.put_record(&own, &Actor::new("x"), None, &SearchKeys::default())
        .unwrap();
    let e = rev.accept(&[own.record_id], None).unwrap_err();
    assert_eq!(e.code(), "review.own_record", "{e}");
    assert!(e.to_string().contains("W-1"), "{e}");
    assert_eq!(
        rev.get_record(&own.record_id)
            .unwrap()
            .unwrap()
            .workflow_status,
        WorkflowStatus::Complete,
        "nothing changed"
    );
}

#[test]
fn a_returned_record_carries_field_comments_and_goes_back_through_review() {
    let (s, records) = survey_with_reviewer();
    let id = records[0].record_id;
    let mut rev = open_as(&s, "李审核", REVIEWER_PASS).unwrap();
    let e = rev.return_record(&id, &[]).unwrap_err();
    assert_eq!(e.code(), "review.comment_required");
    let comments = [
        ReviewComment {
            path: Some("fields.standard_name".into()),
            text: "名称用字与批复文件不一致".into(),
        },
        ReviewComment {
            path: None,
            text: "请补充照片".into(),
        },
    ];
    rev.return_record(&id, &comments).unwrap();
    drop(rev);

    let mut reg = open_as(&s, "王登记", PASS).unwrap();
    let mut r = reg.get_record(&id).unwrap().unwrap();
    assert_eq!(r.workflow_status, WorkflowStatus::Returned);
    assert_eq!(reg.last_review(&id).unwrap().unwrap().comments, comments);
    // Only a verdict sets reviewed or returned: a write that claims it is refused.
    let mut forged = r.clone();
    forged.workflow_status = WorkflowStatus::Reviewed;
    let e = reg
        .put_record(&forged, &Actor::new("x"), None, &SearchKeys::default())
        .unwrap_err();
    assert!(e.to_string().contains("reviewer's signed verdict"), "{e}");
    r.fields
        .insert("standard_name".into(), serde_json::json!("泰山主峰"));
    r.workflow_status = WorkflowStatus::Complete;
    reg.put_record(&r, &Actor::new("x"), None, &SearchKeys::default())
        .unwrap();
    drop(reg);

    let mut rev = open_as(&s, "李审核", REVIEWER_PASS).unwrap();
    rev.accept(&[id], None).unwrap();
    let reviews = rev.reviews(&id).unwrap();
    assert_eq!(reviews.len(), 2);
    assert!(rev.verify_audit_chain().unwrap().is_intact());
}

#[test]
fn an_edit_after_acceptance_cannot_stay_reviewed() {
    let (s, records) = survey_with_reviewer();
    let id = records[0].record_id;
    open_as(&s, "李审核", REVIEWER_PASS)
        .unwrap()
        .accept(&[id], None)
        .unwrap();
    let mut reg = open_as(&s, "王登记", PASS).unwrap();
    let mut r = reg.get_record(&id).unwrap().unwrap();
    r.fields
        .insert("elevation_m".into(), serde_json::json!(1545));
    let e = reg
        .put_record(&r, &Actor::new("x"), None, &SearchKeys::default())
        .unwrap_err();
    assert!(e.to_string().contains("W-2"), "{e}");
    r.workflow_status = WorkflowStatus::Complete;
    reg.put_record(&r, &Actor::new("x"), None, &SearchKeys::default())
        .unwrap();
    assert!(reg.verify_audit_chain().unwrap().is_intact());
}

/// Opens the file with SQLCipher directly (as a forger holding the data key would), runs
/// `sql` and recomputes the whole hash chain, so only the signatures can tell.
fn forge(s: &Survey, sql: &str) {
    let key = derive_key_as(&s.path, Some("李审核"), &Passphrase::new(REVIEWER_PASS)).unwrap();
    let conn = rusqlite::Connection::open(&s.path).unwrap();
    conn.execute_batch(&key.sqlcipher_pragmas().unwrap())
        .unwrap();
    conn.execute_batch(sql).unwrap();
    rechain(&conn);
}

fn verify(s: &Survey) -> toponym_store::AuditVerification {
    open_as(s, "李审核", REVIEWER_PASS)
        .unwrap()
        .verify_audit_chain()
        .unwrap()
}

#[test]
fn a_signature_moved_to_another_record_or_version_fails_verification() {
    // Two accepted records; the forger swaps their acceptances (content hash and
    // signature) and recomputes the chain: each signature names the other record.
    let (s, records) = survey_with_reviewer();
    let (a, b) = (records[0].record_id, records[1].record_id);
    let done = open_as(&s, "李审核", REVIEWER_PASS)
        .unwrap()
        .accept(&[a, b], None)
        .unwrap();
    assert!(verify(&s).is_intact());
    forge(
        &s,
        &format!(
            "UPDATE audit_log SET new_value = CASE seq
                 WHEN {sa} THEN (SELECT new_value FROM audit_log WHERE seq = {sb})
                 ELSE (SELECT new_value FROM audit_log WHERE seq = {sa}) END
             WHERE seq IN ({sa}, {sb});",
            sa = done[0].seq,
            sb = done[1].seq
        ),
    );
    let v = verify(&s);
    assert_eq!(v.first_bad_seq, Some(done[0].seq), "{v:?}");
    assert!(
        v.problem
            .as_deref()
            .unwrap_or("")
            .contains("does not verify"),
        "{v:?}"
    );

    // Another version: accepted, then edited (back to complete); the forger marks the new
    // version reviewed and makes the log say so. The acceptance signed the old content.
    let (s, records) = survey_with_reviewer();
    let a = records[0].record_id;
    open_as(&s, "李审核", REVIEWER_PASS)
        .unwrap()
        .accept(&[a], None)
        .unwrap();
    let mut reg = open_as(&s, "王登记", PASS).unwrap();
    let mut r = reg.get_record(&a).unwrap().unwrap();
    r.fields
        .insert("standard_name".into(), serde_json::json!("华山"));
    r.workflow_status = WorkflowStatus::Complete;
    reg.put_record(&r, &Actor::new("x"), None, &SearchKeys::default())
        .unwrap();
    drop(reg);
    forge(
        &s,
        &format!(
            "UPDATE records SET workflow_status = 'reviewed' WHERE record_id = '{a}';
             UPDATE audit_log SET new_value = '\"reviewed\"'
             WHERE seq = (SELECT max(seq) FROM audit_log WHERE field = 'workflow_status');"
        ),
    );
    let v = verify(&s);
    assert!(
        v.problem
            .as_deref()
            .unwrap_or("")
            .contains("not what the acceptance"),
        "{v:?}"
    );

    // A record marked reviewed without any signature, its log made to agree.
    let (s, records) = survey_with_reviewer();
    let b = records[1].record_id;
    forge(
        &s,
        &format!(
            "UPDATE records SET workflow_status = 'reviewed' WHERE record_id = '{b}';
             UPDATE audit_log SET new_value = json_set(new_value, '$.workflow_status', 'reviewed')
             WHERE field = '*' AND record_id = '{b}';"
        ),
    );
    let v = verify(&s);
    assert!(!v.is_intact(), "{v:?}");
}

#[test]
fn a_forged_signature_in_a_rechained_log_is_reported_by_record_and_entry() {
    // An insider alters one signature and recomputes the whole hash chain.
    let (s, records) = survey_with_reviewer();
    let a = records[0].record_id;
    let review = open_as(&s, "李审核", REVIEWER_PASS)
        .unwrap()
        .accept(&[a], None)
        .unwrap()
        .remove(0);
    let mut sig = hex::decode(&review.signature).unwrap();
    sig[0] ^= 1;
    forge(
        &s,
        &format!(
            "UPDATE audit_log SET new_value = replace(new_value, '{}', '{}') WHERE seq = {};",
            review.signature,
            hex::encode(sig),
            review.seq
        ),
    );
    let v = verify(&s);
    assert_eq!(v.first_bad_seq, Some(review.seq), "{v:?}");
    let p = v.problem.unwrap();
    assert!(
        p.contains(&a.to_string()) && p.contains("does not verify"),
        "{p}"
    );
}

#[test]
fn a_changed_passphrase_opens_the_file_and_the_old_one_does_not() {
    let (s, _) = survey_with_reviewer();
    let before = fs::read(&s.path).unwrap();
    let mut reg = open_as(&s, "王登记", PASS).unwrap();
    reg.change_passphrase(&Passphrase::new("a new passphrase 2026"), params())
        .unwrap();
    drop(reg);
    let e = open_as(&s, "王登记", PASS).unwrap_err();
    assert!(matches!(e, StoreError::WrongPassphrase { .. }), "{e}");
    let st = open_as(&s, "王登记", "a new passphrase 2026").unwrap();
    assert_eq!(st.count().unwrap(), 2);
    // The reviewer's slot is untouched.
    drop(open_as(&s, "李审核", REVIEWER_PASS).unwrap());
    // The database was not re-encrypted: its first page (salt and header) is the same.
    assert_eq!(fs::read(&s.path).unwrap()[..1024], before[..1024]);
}

#[test]
fn the_office_key_recovers_a_survey_with_a_lost_passphrase() {
    let (s, records) = survey_with_reviewer();
    let office =
        OfficeIdentity::parse(&fs::read_to_string(s.dir.path().join("office.key")).unwrap())
            .unwrap();
    let old_fp = open_as(&s, "王登记", PASS)
        .unwrap()
        .member()
        .unwrap()
        .fingerprint
        .clone();
    // Another office's key opens nothing.
    let e = Store::recover(
        &s.path,
        &OfficeIdentity::generate(),
        "王登记",
        &Passphrase::new("recovered passphrase"),
        params(),
    )
    .unwrap_err();
    assert!(matches!(e, StoreError::WrongOfficeKey { .. }), "{e}");

    let m = Store::recover(
        &s.path,
        &office,
        "王登记",
        &Passphrase::new("recovered passphrase"),
        params(),
    )
    .unwrap();
    assert_ne!(
        m.fingerprint, old_fp,
        "a recovered member gets a new signing key"
    );
    assert!(
        open_as(&s, "王登记", PASS).is_err(),
        "the lost passphrase is gone"
    );
    let st = open_as(&s, "王登记", "recovered passphrase").unwrap();
    assert_eq!(st.member().unwrap().fingerprint, m.fingerprint);
    assert!(st.get_record(&records[0].record_id).unwrap().is_some());
    let v = st.verify_audit_chain().unwrap();
    assert!(v.is_intact(), "{v:?}");
}

#[test]
fn a_removed_member_can_no_longer_open_the_file() {
    let (s, records) = survey_with_reviewer();
    let mut rev = open_as(&s, "李审核", REVIEWER_PASS).unwrap();
    rev.accept(&[records[0].record_id], None).unwrap();
    drop(rev);
    let mut reg = open_as(&s, "王登记", PASS).unwrap();
    let gone = reg.remove_member("李审核", Some("调离")).unwrap();
    assert!(gone.removed_at.is_some() && !gone.can_unlock);
    let e = reg.remove_member("王登记", None).unwrap_err();
    assert_eq!(e.code(), "member.last", "{e}");
    drop(reg);
    let e = open_as(&s, "李审核", REVIEWER_PASS).unwrap_err();
    assert!(matches!(e, StoreError::UnknownMember { .. }), "{e}");
    // What they signed still verifies.
    let st = Store::open(&s.path, &pass()).unwrap();
    assert!(st.verify_audit_chain().unwrap().is_intact());
}

#[test]
fn a_survey_from_before_key_slots_moves_to_slots_in_place() {
    // The committed sample survey's format: one passphrase, key = Argon2id(passphrase).
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples/taishan/taishan.toponym");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("taishan.toponym");
    fs::copy(&sample, &path).unwrap();
    fs::copy(
        toponym_store::sidecar_path(&sample),
        toponym_store::sidecar_path(&path),
    )
    .unwrap();
    let sample_pass = Passphrase::new("taishan-demo-2026");
    let before = Store::open_with_key(
        &path,
        &toponym_store::derive_key(&path, &sample_pass).unwrap(),
    )
    .map(|s| s.count().unwrap());
    let st = Store::open(&path, &sample_pass).unwrap();
    let me = st.member().unwrap().clone();
    assert_eq!(me.role, Role::Registrar);
    if let Ok(n) = before {
        assert_eq!(st.count().unwrap(), n);
    }
    assert!(st.verify_audit_chain().unwrap().is_intact());
    drop(st);
    let text = fs::read_to_string(toponym_store::sidecar_path(&path)).unwrap();
    assert!(
        text.contains("\"format_version\": 2") && text.contains("slots"),
        "{text}"
    );
    assert!(!text.contains("\"salt\": \"") || text.contains("slots"));
    let st = Store::open(&path, &sample_pass).unwrap();
    assert_eq!(st.member().unwrap().member_id, me.member_id);
    assert!(Store::open(&path, &Passphrase::new("wrong passphrase")).is_err());
}
