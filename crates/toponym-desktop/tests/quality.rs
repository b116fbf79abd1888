//! The quality screen's and the override dialog's use cases on a copy of the sample
//! survey, without a window: the survey-wide report grouped by rule and by township with
//! the coverage gaps, a record's quality findings, accepting a WARNING (then marked in the
//! report, on the record and in its history), and coded refusals the UI translates.

use std::sync::Arc;

use time::macros::datetime;
use toponym_core::{FixedClock, SeededIdGenerator};
use toponym_desktop::quality::QualityGroupDto;
use toponym_desktop::{AppError, Deps, Session};
use toponym_store::Actor;

/// 聂囗村: N-4 (WARNING) on fields.standard_name.
const N4_RECORD: &str = "019e7044-8800-71b1-93ac-d602bd501630";
/// C-2 (ERROR) on fields.meaning.
const C2_RECORD: &str = "019e7044-8800-71b3-8945-708168f2d211";
const REASON: &str = "经实地核查，村名确为“聂囗村”，与1988年地名录一致";

fn open_sample() -> (tempfile::TempDir, Session) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/taishan");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("taishan.toponym");
    std::fs::copy(root.join("taishan.toponym"), &path).expect("copy");
    std::fs::copy(
        root.join("taishan.toponym.toponym-kdf"),
        dir.path().join("taishan.toponym.toponym-kdf"),
    )
    .expect("copy sidecar");
    let deps = Deps {
        clock: Arc::new(FixedClock(datetime!(2026-06-02 10:00 +08:00))),
        ids: Arc::new(SeededIdGenerator::new(1_780_000_000_000, 3)),
        actor: Actor::new("李秀英"),
    };
    let s = Session::unlock_with(&path, "taishan-demo-2026", false, deps).expect("unlock");
    (dir, s)
}

fn grouped(g: &[QualityGroupDto]) -> usize {
    g.iter().map(|g| g.findings.len()).sum()
}

#[test]
fn the_report_groups_by_rule_and_township_and_an_accepted_warning_is_marked_everywhere() {
    let (_dir, mut s) = open_sample();
    let rep = s.quality_report().expect("report");
    assert_eq!(rep.records, 452);
    assert_eq!(rep.stage, "bundle");
    assert_eq!(rep.min_reason_chars, 10);
    let n = rep.findings.len();
    assert_eq!(grouped(&rep.by_rule), n, "every finding in one rule group");
    assert_eq!(
        grouped(&rep.by_township),
        n,
        "every finding in one township group"
    );
    let t = &rep.totals;
    assert_eq!((t.blocker + t.error + t.warning + t.info) as usize, n);
    assert_eq!(t.overridden, 0);
    // Rule groups follow the catalogue: C before N before W.
    let pos = |k: &str| rep.by_rule.iter().position(|g| g.key == k).expect(k);
    assert!(pos("C-1") < pos("N-4") && pos("N-4") < pos("W-1"));
    // The N-4 group holds 聂囗村 with its record, template, township and path.
    let g = &rep.by_rule[pos("N-4")];
    assert_eq!(g.title_en, "Look-alike characters");
    let f = g
        .findings
        .iter()
        .map(|&i| &rep.findings[i as usize])
        .find(|f| f.record_id.as_deref() == Some(N4_RECORD) && f.path == "fields.standard_name")
        .expect("N-4 on 聂囗村");
    assert_eq!(f.severity, "WARNING");
    assert_eq!(f.name, "聂囗村");
    assert_eq!(f.template_id, "settlement.village");
    assert!(f.township.starts_with("370902"), "{}", f.township);
    assert!(!f.township_name.is_empty());
    assert!(f.can_override && f.overridden.is_none());
    // Errors and bundle-stage warnings are not offered for acceptance.
    assert!(rep
        .findings
        .iter()
        .filter(|f| f.severity != "WARNING" || f.stage == "bundle")
        .all(|f| !f.can_override));
    // The coverage gaps say why (S-10 has no elevation model here).
    let s10 = rep
        .coverage
        .iter()
        .find(|c| c.rule == "S-10")
        .expect("S-10 gap");
    assert!(
        matches!(s10.status.as_str(), "partly" | "not_checked"),
        "{s10:?}"
    );
    assert!(!s10.reasons.is_empty());

    // The record's own quality findings include N-4 (not a form-validation rule).
    let q = s.record_quality(N4_RECORD).expect("record quality");
    assert!(q
        .iter()
        .any(|f| f.rule.as_deref() == Some("N-4") && f.overridden.is_none()));

    let o = s
        .finding_override(N4_RECORD, "N-4", "fields.standard_name", REASON)
        .expect("accepted");
    // The sample, opened once, has key slots: the actor is its first member (登记人, as
    // the sample has several registrars), not the login name given in Deps.
    let me = s.me().expect("signed in as the sample's member").name;
    assert_eq!(me, "登记人");
    assert_eq!(o.actor, me);
    assert_eq!(o.reason, REASON);
    assert_eq!(o.at, "2026-06-02T02:00:00Z");

    let rep = s.quality_report().expect("report");
    assert_eq!(rep.totals.overridden, 1);
    assert_eq!(rep.findings.len(), n, "still listed");
    let f = rep
        .findings
        .iter()
        .find(|f| {
            f.record_id.as_deref() == Some(N4_RECORD)
                && f.rule.as_deref() == Some("N-4")
                && f.path == "fields.standard_name"
        })
        .expect("still listed");
    assert_eq!(f.overridden.as_ref(), Some(&o));
    assert!(!f.can_override);
    let g = rep
        .by_rule
        .iter()
        .find(|g| g.key == "N-4")
        .expect("N-4 group");
    assert_eq!(g.counts.overridden, 1);
    let q = s.record_quality(N4_RECORD).expect("record quality");
    let marked: Vec<_> = q.iter().filter(|f| f.overridden.is_some()).collect();
    assert_eq!(marked.len(), 1);
    assert_eq!(marked[0].path, "fields.standard_name");

    // A save through the form writes the store's workflow_status; the quality rules do
    // not take it for an unknown field of the template, and the override stays.
    let opened = s.record_open(N4_RECORD).expect("open");
    s.record_save(opened.record, false).expect("save");
    let q = s.record_quality(N4_RECORD).expect("record quality");
    assert!(
        !q.iter().any(|f| f.path.contains("workflow_status")),
        "{q:?}"
    );
    assert_eq!(q.iter().filter(|f| f.overridden.is_some()).count(), 1);
    let rep = s.quality_report().expect("report");
    assert!(!rep
        .findings
        .iter()
        .any(|f| f.path.contains("workflow_status")));
    assert_eq!(rep.totals.overridden, 1);

    // The record's history shows the acceptance with its reason.
    let h = s.history(N4_RECORD).expect("history");
    let h: Vec<_> = h.into_iter().filter(|e| e.action == "override").collect();
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].actor, me);
    assert_eq!(h[0].changes[0].after["reason"], REASON);
    assert_eq!(h[0].changes[0].after["rule"], "N-4");
}

#[test]
fn refusals_are_coded_errors_naming_record_rule_and_path() {
    let (_dir, mut s) = open_sample();
    let code = |e: &AppError| serde_json::to_value(e).expect("json")["code"].clone();
    let e = s
        .finding_override(C2_RECORD, "C-2", "fields.meaning", REASON)
        .unwrap_err();
    assert_eq!(code(&e), "override.not_warning");
    let v = serde_json::to_value(&e).expect("json");
    assert_eq!(v["params"]["id"], C2_RECORD);
    assert_eq!(v["params"]["rule"], "C-2");
    assert_eq!(v["params"]["path"], "fields.meaning");

    let e = s
        .finding_override(N4_RECORD, "N-4", "fields.standard_name", "已核实")
        .unwrap_err();
    assert_eq!(code(&e), "override.reason_too_short");
    let v = serde_json::to_value(&e).expect("json");
    assert_eq!(v["params"]["min"], "10");
    assert_eq!(v["params"]["found"], "3");

    let e = s
        .finding_override(N4_RECORD, "R-4", "fields.standard_name", REASON)
        .unwrap_err();
    assert_eq!(code(&e), "override.not_open");

    let e = s
        .finding_override(
            "019e7044-8800-71b1-93ac-000000000000",
            "N-4",
            "fields.standard_name",
            REASON,
        )
        .unwrap_err();
    assert_eq!(code(&e), "record.not_found");

    s.finding_override(N4_RECORD, "N-4", "fields.standard_name", REASON)
        .expect("accepted");
    let e = s
        .finding_override(N4_RECORD, "N-4", "fields.standard_name", REASON)
        .unwrap_err();
    assert_eq!(code(&e), "override.exists");
}
