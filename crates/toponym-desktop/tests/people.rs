//! Members and review in the app, on a copy of the sample survey, without a window: the
//! unlock screen's member list, unlocking as a chosen member, adding a reviewer, the
//! reviewer's queue, a return with a field comment, the registrar's returned records and
//! the comment by the field, completion back into the queue, acceptance, coded refusals
//! (a registrar reviewing, a reviewer reviewing their own record) and a changed passphrase.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use toponym_desktop::dto::{EntryStatus, ListFilter};
use toponym_desktop::people::{NewMemberDto, ReviewCommentDto};
use toponym_desktop::{unlock_slots, AppError, Session};
use toponym_store::KdfParams;

const SAMPLE_PASS: &str = "taishan-demo-2026";
const REV: &str = "李审核";
const REV_PASS: &str = "审核人的口令 two";
/// 大津口矿区, a draft in the sample with no blocking finding.
const RECORD: &str = "019e7044-8800-70fa-ad19-56e9ce178036";

fn sample_copy() -> (tempfile::TempDir, PathBuf) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/taishan");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("taishan.toponym");
    std::fs::copy(root.join("taishan.toponym"), &path).expect("copy");
    std::fs::copy(
        root.join("taishan.toponym.toponym-kdf"),
        dir.path().join("taishan.toponym.toponym-kdf"),
    )
    .expect("copy sidecar");
    (dir, path)
}

fn code(e: &AppError) -> String {
    serde_json::to_value(e).unwrap()["code"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn status(s: &mut Session, name: &str) -> EntryStatus {
    let page = s
        .list_entries(
            &ListFilter {
                query: Some(name.to_owned()),
                ..Default::default()
            },
            0,
            50,
        )
        .expect("list");
    page.rows
        .iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("{name} not listed: {page:?}"))
        .status
}

/// The sample opened once (moved to key slots, one registrar), with a reviewer added.
fn with_reviewer() -> (tempfile::TempDir, PathBuf, String) {
    let (dir, path) = sample_copy();
    let mut s = Session::unlock_as(&path, None, SAMPLE_PASS, false).expect("unlock the sample");
    let me = s
        .me()
        .expect("a survey with key slots has a member signed in");
    assert_eq!(me.role, "registrar");
    assert!(me.me);
    let added = s
        .member_add_with(
            &NewMemberDto {
                name: REV.into(),
                role: "reviewer".into(),
                unit: "泰山区民政局".into(),
                passphrase: REV_PASS.into(),
            },
            KdfParams::insecure_for_tests(),
        )
        .expect("add reviewer");
    assert_eq!(added.role, "reviewer");
    assert!(!added.me);
    assert!(!added.fingerprint.is_empty());
    let members = s.members().expect("members");
    assert_eq!(members.len(), 2, "{members:?}");
    assert_eq!(members.iter().filter(|m| m.me).count(), 1);
    assert_eq!(
        members
            .iter()
            .find(|m| m.name == REV)
            .map(|m| m.unit.as_str()),
        Some("泰山区民政局")
    );
    // The same name again is refused with a code the UI translates.
    let again = s
        .member_add_with(
            &NewMemberDto {
                name: REV.into(),
                role: "reviewer".into(),
                unit: String::new(),
                passphrase: REV_PASS.into(),
            },
            KdfParams::insecure_for_tests(),
        )
        .expect_err("a second 李审核");
    assert_eq!(code(&again), "member.exists");
    (dir, path, me.name)
}

#[test]
fn the_unlock_screen_lists_the_members_and_unlocks_as_the_chosen_one() {
    let (_dir, path, registrar) = with_reviewer();
    let slots = unlock_slots(&path).expect("slots");
    let mut listed: Vec<(String, String)> = slots
        .members
        .iter()
        .map(|m| (m.name.clone(), m.role.clone()))
        .collect();
    listed.sort();
    let mut want = vec![
        (registrar.clone(), "registrar".to_owned()),
        (REV.to_owned(), "reviewer".to_owned()),
    ];
    want.sort();
    assert_eq!(listed, want);

    // Two members: no choice is a coded error, the choice opens as that member.
    let e = Session::unlock_as(&path, None, REV_PASS, false)
        .err()
        .expect("no member chosen");
    assert_eq!(code(&e), "survey.member_required");
    let e = Session::unlock_as(&path, Some(REV), SAMPLE_PASS, false)
        .err()
        .expect("the registrar's passphrase does not open the reviewer's slot");
    assert_eq!(code(&e), "survey.wrong_passphrase");
    let s = Session::unlock_as(&path, Some(REV), REV_PASS, false).expect("as reviewer");
    assert_eq!(s.info().member.expect("member").name, REV);
    let id = slots
        .members
        .iter()
        .find(|m| m.name == registrar)
        .unwrap()
        .member_id
        .clone();
    let s = Session::unlock_as(&path, Some(&id), SAMPLE_PASS, false).expect("by member id");
    assert_eq!(s.me().unwrap().name, registrar);

    let missing = path.with_file_name("missing.toponym");
    assert!(matches!(
        unlock_slots(&missing),
        Err(AppError::SurveyNotFound { .. })
    ));
}

#[test]
fn return_with_a_field_comment_then_fix_and_accept() {
    let (_dir, path, registrar) = with_reviewer();

    // The registrar marks the record complete: it is in the queue.
    let mut reg = Session::unlock_as(&path, Some(&registrar), SAMPLE_PASS, false).unwrap();
    let opened = reg.record_open(RECORD).expect("open");
    let name = opened.record.fields["standard_name"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = reg.record_save(opened.record, true).expect("save");
    assert_eq!(out.status, EntryStatus::Complete, "{:?}", out.findings);
    // A registrar cannot review.
    let e = reg
        .review_accept(&[RECORD.to_owned()], None)
        .expect_err("a registrar accepting");
    assert_eq!(code(&e), "review.not_reviewer");
    assert!(reg.returned(100).unwrap().is_empty());
    drop(reg);

    // The reviewer sees it in the queue and returns it with a comment on the name.
    let mut rev = Session::unlock_as(&path, Some(REV), REV_PASS, false).unwrap();
    let queue = rev.review_queue(100).expect("queue");
    let item = queue
        .iter()
        .find(|q| q.record_id == RECORD)
        .unwrap_or_else(|| panic!("not queued: {queue:?}"));
    assert_eq!(item.name, name);
    assert!(item.last_review.is_none());
    assert!(item.findings.iter().all(|f| !f.blocking), "{item:?}");
    let e = rev
        .review_return(
            RECORD,
            &[ReviewCommentDto {
                path: None,
                text: "  ".into(),
            }],
        )
        .expect_err("a return without a comment");
    assert_eq!(code(&e), "review.comment_required");
    let review = rev
        .review_return(
            RECORD,
            &[
                ReviewCommentDto {
                    path: Some("fields.standard_name".into()),
                    text: "名称与门牌不符，请核实".into(),
                },
                ReviewCommentDto {
                    path: None,
                    text: "请补充照片".into(),
                },
            ],
        )
        .expect("return");
    assert_eq!(review.verdict, "return");
    assert_eq!(review.reviewer, REV);
    assert_eq!(status(&mut rev, &name), EntryStatus::Returned);
    assert!(rev
        .review_queue(100)
        .unwrap()
        .iter()
        .all(|q| q.record_id != RECORD));
    drop(rev);

    // The registrar sees it among the returned records with the field comment.
    let mut reg = Session::unlock_as(&path, Some(&registrar), SAMPLE_PASS, false).unwrap();
    let returned = reg.returned(100).expect("returned");
    assert_eq!(returned.len(), 1, "{returned:?}");
    assert_eq!(returned[0].record_id, RECORD);
    let comments = &returned[0].review.as_ref().expect("review").comments;
    assert_eq!(comments.len(), 2);
    let on_field = reg
        .record_review(RECORD)
        .unwrap()
        .expect("last review")
        .comments
        .into_iter()
        .find(|c| c.path.as_deref() == Some("fields.standard_name"))
        .expect("field comment");
    assert_eq!(on_field.text, "名称与门牌不符，请核实");
    assert_eq!(status(&mut reg, &name), EntryStatus::Returned);
    // A draft save keeps it returned; marking it complete sends it back to the queue.
    let opened = reg.record_open(RECORD).unwrap();
    assert_eq!(opened.record.status, EntryStatus::Returned);
    let out = reg.record_save(opened.record, false).unwrap();
    assert_eq!(out.status, EntryStatus::Returned);
    let out = reg.record_save(reg.record_open(RECORD).unwrap().record, true);
    assert_eq!(out.unwrap().status, EntryStatus::Complete);
    assert!(reg.returned(100).unwrap().is_empty());
    drop(reg);

    // The reviewer accepts it: 已审核, and the queue showed the earlier return.
    let mut rev = Session::unlock_as(&path, Some(REV), REV_PASS, false).unwrap();
    let queue = rev.review_queue(100).unwrap();
    let item = queue.iter().find(|q| q.record_id == RECORD).expect("back");
    assert_eq!(
        item.last_review.as_ref().map(|r| r.verdict.as_str()),
        Some("return")
    );
    let accepted = rev
        .review_accept(&[RECORD.to_owned()], Some("核实无误"))
        .expect("accept");
    assert_eq!(accepted.len(), 1);
    assert_eq!(accepted[0].verdict, "accept");
    assert_eq!(status(&mut rev, &name), EntryStatus::Reviewed);
    assert_eq!(
        rev.record_open(RECORD).unwrap().record.status,
        EntryStatus::Reviewed
    );
    let e = rev
        .review_accept(&[RECORD.to_owned()], None)
        .expect_err("accepting a reviewed record");
    assert_eq!(code(&e), "review.not_complete");
}

#[test]
fn a_reviewer_cannot_review_a_record_they_wrote() {
    let (_dir, path, _registrar) = with_reviewer();
    let mut rev = Session::unlock_as(&path, Some(REV), REV_PASS, false).unwrap();
    // Only the status moved: no content of the reviewer's, so this is reviewable.
    let opened = rev.record_open(RECORD).unwrap();
    let out = rev.record_save(opened.record, true).unwrap();
    assert_eq!(out.status, EntryStatus::Complete);
    // Now the reviewer writes content: their key wrote the record, they cannot review it.
    let mut opened = rev.record_open(RECORD).unwrap();
    let history = opened.record.fields["history"].as_str().unwrap().to_owned();
    opened
        .record
        .fields
        .insert("history".into(), format!("{history}（审核人补记）").into());
    let out = rev.record_save(opened.record, true).unwrap();
    assert_eq!(out.status, EntryStatus::Complete, "{:?}", out.findings);
    let e = rev
        .review_accept(&[RECORD.to_owned()], None)
        .expect_err("a reviewer accepting their own save");
    assert_eq!(code(&e), "review.own_record");
}

#[test]
fn a_member_changes_their_passphrase() {
    let (_dir, path, _registrar) = with_reviewer();
    let mut rev = Session::unlock_as(&path, Some(REV), REV_PASS, false).unwrap();
    let e = rev
        .passphrase_change_with("short", KdfParams::insecure_for_tests())
        .expect_err("a weak passphrase");
    assert_eq!(code(&e), "survey.weak_passphrase");
    rev.passphrase_change_with("新的审核口令 three", KdfParams::insecure_for_tests())
        .expect("change");
    drop(rev);
    let e = Session::unlock_as(&path, Some(REV), REV_PASS, false)
        .err()
        .expect("the old passphrase");
    assert_eq!(code(&e), "survey.wrong_passphrase");
    let s = Session::unlock_as(&path, Some(REV), "新的审核口令 three", false).unwrap();
    assert_eq!(s.me().unwrap().name, REV);
}
