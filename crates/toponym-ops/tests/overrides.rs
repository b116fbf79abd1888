//! Accepting a QA warning with a reason, on a copy of the committed sample survey (whose
//! deliberate defects, samples/taishan/defects.json, give real open findings): a WARNING
//! open on the record is accepted and the survey-wide report marks it; an ERROR or
//! BLOCKER, a short reason, a finding that is not open (or of the bundle stage) and an
//! unknown record are refused with errors naming record, rule and path; a fixed finding's
//! override is no longer shown.

use std::path::{Path, PathBuf};

use serde_json::json;
use time::macros::datetime;
use toponym_forms::{Catalog, ValidateOptions};
use toponym_ops::overrides::{override_warning, OverrideRequest, MIN_REASON_CHARS};
use toponym_ops::qa;
use toponym_ops::OpsError;
use toponym_qa::{Engine, Stage};
use toponym_store::{Actor, Passphrase, SearchKeys, Store};

/// 聂囗村: N-4 (WARNING, 囗 where 口 is meant).
const N4_RECORD: &str = "019e7044-8800-71b1-93ac-d602bd501630";
/// A reservoir with L-4 (WARNING: 小(2)型 with 5 000 万m³).
const L4_RECORD: &str = "019e7044-8800-71b9-9e26-f592dcb79be2";
/// C-2 (ERROR): 地名含义 不详 without a reason.
const C2_RECORD: &str = "019e7044-8800-71b3-8945-708168f2d211";
/// C-1 (BLOCKER): 所在(跨)行政区 missing.
const C1_RECORD: &str = "019e7044-8800-71b2-8d11-13850cff2076";
/// S-8 (WARNING, bundle stage): a point copied from a GCJ-02 map.
const S8_RECORD: &str = "019e7044-8800-71b7-b8b2-30ff46de464c";
const REASON: &str = "经实地核查，村名确为“聂囗村”，与1988年地名录一致";

struct Sample {
    _dir: tempfile::TempDir,
    store: Store,
}

fn sample() -> Sample {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/taishan");
    let dir = tempfile::tempdir().expect("tempdir");
    let path: PathBuf = dir.path().join("taishan.toponym");
    std::fs::copy(root.join("taishan.toponym"), &path).expect("copy survey");
    std::fs::copy(
        root.join("taishan.toponym.toponym-kdf"),
        dir.path().join("taishan.toponym.toponym-kdf"),
    )
    .expect("copy sidecar");
    let mut store = Store::open(&path, &Passphrase::new("taishan-demo-2026")).expect("open");
    store.set_clock(std::sync::Arc::new(toponym_core::FixedClock(
        datetime!(2026-06-02 10:00 +08:00),
    )));
    Sample { _dir: dir, store }
}

fn options() -> ValidateOptions {
    ValidateOptions {
        now: Some(datetime!(2026-06-02 10:00 +08:00)),
        ..ValidateOptions::default()
    }
}

fn accept(
    store: &mut Store,
    record_id: &str,
    rule: &str,
    path: &str,
    reason: &str,
) -> Result<toponym_store::Override, OpsError> {
    override_warning(
        store,
        &OverrideRequest {
            record_id,
            rule,
            path,
            reason,
        },
        &Actor::new("李秀英"),
        Engine::builtin(),
        Catalog::builtin(),
        options(),
    )
}

fn report(store: &Store) -> qa::QaReport {
    qa::check_store(
        Engine::builtin(),
        store,
        Catalog::builtin(),
        options(),
        Stage::Bundle,
    )
    .expect("report")
}

#[test]
fn an_open_warning_is_accepted_and_the_report_still_lists_it_marked() {
    let mut s = sample();
    let before = report(&s.store);
    assert_eq!(before.overridden.warnings, 0);
    let o = accept(
        &mut s.store,
        N4_RECORD,
        "N-4",
        "fields.standard_name",
        REASON,
    )
    .expect("accepted");
    assert_eq!(
        (o.rule.as_str(), o.path.as_str(), o.actor.as_str()),
        ("N-4", "fields.standard_name", "登记人")
    );
    assert_eq!(o.reason, REASON);
    assert!(s.store.verify_audit_chain().expect("verify").is_intact());

    let after = report(&s.store);
    // Still listed, same totals, exit status unchanged; the N-4 finding is marked.
    assert_eq!(after.report.findings, before.report.findings);
    assert_eq!(after.report.totals, before.report.totals);
    assert_eq!(after.has_open_errors(), before.has_open_errors());
    let marked: Vec<usize> = (0..after.report.findings.len())
        .filter(|&i| after.override_of(i).is_some())
        .collect();
    assert!(!marked.is_empty());
    for &i in &marked {
        let f = &after.report.findings[i];
        assert_eq!(f.record_id.as_deref(), Some(N4_RECORD));
        assert_eq!(f.rule.as_deref(), Some("N-4"));
        assert_eq!(f.path, "fields.standard_name");
    }
    // N-4 also fires on fields.specific_part: another path, not accepted.
    assert!(after.report.findings.iter().enumerate().any(|(i, f)| {
        f.rule.as_deref() == Some("N-4")
            && f.path == "fields.specific_part"
            && after.override_of(i).is_none()
    }));
    assert_eq!(after.overridden.warnings, marked.len() as u64);
    assert_eq!(after.overridden.by_rule["N-4"], marked.len() as u64);
    assert_eq!(
        after.overridden.by_registrar.values().sum::<u64>(),
        marked.len() as u64
    );
    let township = after.report.subjects[N4_RECORD].township.clone();
    assert_eq!(after.overridden.by_township[&township], marked.len() as u64);

    // The JSON shape: the override on the finding, counts beside the totals.
    let v = serde_json::to_value(&after).expect("json");
    let f = &v["findings"][marked[0]];
    assert_eq!(f["override"]["reason"], REASON);
    assert_eq!(f["override"]["actor"], "登记人");
    assert_eq!(f["override"]["at"], "2026-06-02T02:00:00Z");
    assert_eq!(v["overridden"]["warnings"], json!(marked.len()));
    assert!(v["findings"][0].get("override").is_none() || marked[0] == 0);

    // Once is enough.
    let e = accept(
        &mut s.store,
        N4_RECORD,
        "N-4",
        "fields.standard_name",
        REASON,
    )
    .unwrap_err();
    assert_eq!(e.code(), "override.exists", "{e}");

    // A record-stage warning of another rule is accepted as well.
    accept(
        &mut s.store,
        L4_RECORD,
        "L-4",
        "fields.total_capacity_1e4m3",
        "库容数据来自水利局2020年注册登记，已核对",
    )
    .expect("L-4 accepted");
    assert_eq!(report(&s.store).overridden.by_rule.len(), 2);
}

#[test]
fn errors_and_blockers_cannot_be_accepted_by_the_surveyor() {
    let mut s = sample();
    let e = accept(&mut s.store, C2_RECORD, "C-2", "fields.meaning", REASON).unwrap_err();
    assert_eq!(e.code(), "override.not_warning", "{e}");
    let text = e.to_string();
    for part in [
        C2_RECORD,
        "C-2",
        "fields.meaning",
        "is ERROR",
        "only a WARNING",
    ] {
        assert!(text.contains(part), "{part:?} missing in: {text}");
    }
    let e = accept(&mut s.store, C1_RECORD, "C-1", "fields.admin_areas", REASON).unwrap_err();
    assert_eq!(e.code(), "override.not_warning", "{e}");
    assert!(e.to_string().contains("is BLOCKER"), "{e}");
    assert!(s.store.overrides().expect("overrides").is_empty());
}

#[test]
fn a_short_reason_is_refused_saying_how_long_it_must_be() {
    let mut s = sample();
    for reason in ["", "  ", "ok", "已核实 无误"] {
        let e = accept(
            &mut s.store,
            N4_RECORD,
            "N-4",
            "fields.standard_name",
            reason,
        )
        .unwrap_err();
        assert_eq!(e.code(), "override.reason_too_short", "{e}");
        let text = e.to_string();
        assert!(
            text.contains(&format!("at least {MIN_REASON_CHARS}")),
            "{text}"
        );
        assert!(
            text.contains(N4_RECORD)
                && text.contains("N-4")
                && text.contains("fields.standard_name"),
            "{text}"
        );
    }
    // White space does not count towards the length.
    let e = accept(
        &mut s.store,
        N4_RECORD,
        "N-4",
        "fields.standard_name",
        "已 核 实 无 误 。",
    )
    .unwrap_err();
    assert!(e.to_string().contains("has 6 character(s)"), "{e}");
    assert!(s.store.overrides().expect("overrides").is_empty());
}

#[test]
fn a_finding_that_is_not_open_now_is_refused() {
    let mut s = sample();
    // Wrong path: the open warnings are listed.
    let e = accept(&mut s.store, N4_RECORD, "N-4", "fields.roman", REASON).unwrap_err();
    assert_eq!(e.code(), "override.not_open", "{e}");
    let text = e.to_string();
    assert!(
        text.contains("no open N-4 finding at fields.roman"),
        "{text}"
    );
    assert!(text.contains("N-4 at fields.standard_name"), "{text}");
    // A rule that does not fire on the record.
    let e = accept(
        &mut s.store,
        N4_RECORD,
        "R-4",
        "fields.standard_name",
        REASON,
    )
    .unwrap_err();
    assert_eq!(e.code(), "override.not_open", "{e}");
    // A bundle-stage warning is not a record's to accept.
    let e = accept(&mut s.store, S8_RECORD, "S-8", "fields.rep_point", REASON).unwrap_err();
    assert_eq!(e.code(), "override.not_open", "{e}");
    // Unknown and malformed record ids.
    let e = accept(
        &mut s.store,
        "019e7044-8800-71b1-93ac-000000000000",
        "N-4",
        "fields.standard_name",
        REASON,
    )
    .unwrap_err();
    assert_eq!(e.code(), "record.not_found", "{e}");
    let e = accept(
        &mut s.store,
        "聂囗村",
        "N-4",
        "fields.standard_name",
        REASON,
    )
    .unwrap_err();
    assert_eq!(e.code(), "record.bad_id", "{e}");
    assert!(s.store.overrides().expect("overrides").is_empty());
}

#[test]
fn a_fixed_finding_keeps_its_override_unshown() {
    let mut s = sample();
    accept(
        &mut s.store,
        N4_RECORD,
        "N-4",
        "fields.standard_name",
        REASON,
    )
    .expect("accepted");
    let id = N4_RECORD.parse().expect("id");
    let mut r = s.store.get_record(&id).expect("read").expect("record");
    r.fields.insert("standard_name".into(), json!("聂口村"));
    r.fields.insert("specific_part".into(), json!("聂口"));
    s.store
        .put_record(
            &r,
            &Actor::new("李秀英"),
            Some("更正错字"),
            &SearchKeys::default(),
        )
        .expect("fix");
    let rep = report(&s.store);
    assert!(!rep
        .report
        .findings
        .iter()
        .any(|f| f.record_id.as_deref() == Some(N4_RECORD) && f.rule.as_deref() == Some("N-4")));
    assert_eq!(rep.overridden.warnings, 0);
    assert_eq!(
        s.store.overrides().expect("overrides").len(),
        1,
        "the override stays stored"
    );
    assert!(s.store.verify_audit_chain().expect("verify").is_intact());
}
