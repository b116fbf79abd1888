//! `toponym survey add` checks records against the template catalogue before storing, on
//! real encrypted survey files with the real binary: an unknown template or a foreign
//! template version/hash is an input error (exit 2, nothing stored); a draft with ERROR
//! findings is stored (a surveyor's draft may be incomplete); a record marked complete with
//! ERROR findings stops the whole batch (exit 1, nothing stored).

// Tests may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

mod common;
use common::toponym;

use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A sample record (generated, see samples/README.md), without its `_expect` list.
fn sample(file: &str) -> Value {
    let path = repo().join("samples/taishan/records").join(file);
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v.as_object_mut().unwrap().remove("_expect");
    v
}

fn with_status(mut v: Value, status: &str) -> Value {
    v["workflow_status"] = Value::String(status.into());
    v
}

fn new_survey(dir: &Path) -> String {
    let db = dir.join("gate.toponym").to_string_lossy().into_owned();
    let out = toponym(&[
        "survey",
        "init",
        &db,
        "--kdf-memory-kib",
        "64",
        "--kdf-passes",
        "1",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    db
}

fn write(dir: &Path, name: &str, v: &Value) -> String {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_string_pretty(v).unwrap()).unwrap();
    p.to_string_lossy().into_owned()
}

/// (record id, workflow status) of every stored record.
fn stored(db: &str) -> Vec<(String, String)> {
    let out = toponym(&["survey", "list", db, "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut rows: Vec<(String, String)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["record_id"].as_str().unwrap().to_owned(),
                r["workflow_status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    rows.sort();
    rows
}

fn id_of(v: &Value) -> String {
    v["record_id"].as_str().unwrap().to_owned()
}

#[test]
fn unknown_template_is_exit_2_with_closest_ids_and_nothing_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_survey(dir.path());
    let good = write(
        dir.path(),
        "good.json",
        &sample("250-settlement.mining.json"),
    );
    let mut bad = sample("437-transport.bridge.json");
    bad["template"]["id"] = Value::String("transport.brige".into());
    let bad = write(dir.path(), "bad.json", &bad);
    let out = toponym(&["survey", "add", &db, &good, &bad]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("transport.brige")
            && err.contains("closest")
            && err.contains("transport.bridge"),
        "{err}"
    );
    assert!(err.contains("bad.json"), "the error names the file: {err}");
    // The Chinese line comes from the message catalogue the UI shows too.
    assert!(err.contains("未知样表"), "{err}");
    assert!(
        stored(&db).is_empty(),
        "the good record must not be stored either"
    );
}

#[test]
fn template_version_or_hash_not_in_the_catalogue_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_survey(dir.path());
    for (key, value) in [("version", "0.9.0"), ("hash", "sha256:00")] {
        let mut r = sample("250-settlement.mining.json");
        r["template"][key] = Value::String(value.into());
        let f = write(dir.path(), "r.json", &r);
        let out = toponym(&["survey", "add", &db, &f]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{key}: {err}");
        assert!(err.contains(value) && err.contains("catalogue"), "{err}");
    }
    assert!(stored(&db).is_empty());
}

#[test]
fn a_draft_with_errors_is_stored_and_a_complete_record_with_errors_stops_the_batch() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_survey(dir.path());
    // 309 lacks 所在(跨)行政区 (C-1, a BLOCKER): fine in a draft, not in a complete record.
    let defective = sample("434-settlement.urban.json");
    let clean = with_status(sample("250-settlement.mining.json"), "complete");

    // Complete + ERROR in the same batch as a clean complete record: nothing is stored.
    let a = write(dir.path(), "clean.json", &clean);
    let b = write(
        dir.path(),
        "bad.json",
        &with_status(defective.clone(), "complete"),
    );
    let out = toponym(&["survey", "add", &db, &a, &b, "--json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["stored"], false);
    assert_eq!(report["written"], 0);
    let refused: Vec<&Value> = report["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["refused"] == true)
        .collect();
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0]["record_id"], id_of(&defective));
    assert!(refused[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "C-1" && f["severity"] == "BLOCKER"));
    assert!(stored(&db).is_empty(), "a refused batch writes nothing");

    // The same defective record as a draft: stored, with its findings reported, exit 0.
    let b = write(dir.path(), "bad.json", &defective);
    let out = toponym(&["survey", "add", &db, &a, &b]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("C-1") && text.contains("[draft]"), "{text}");
    let mut want = vec![
        (id_of(&clean), "complete".to_owned()),
        (id_of(&defective), "draft".to_owned()),
    ];
    want.sort();
    assert_eq!(stored(&db), want);

    // Returned is a reviewer's signed verdict (toponym review return), never a file's
    // claim: the batch is refused and nothing changes.
    let b = write(
        dir.path(),
        "bad.json",
        &with_status(defective.clone(), "returned"),
    );
    let out = toponym(&["survey", "add", &db, &b]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("reviewer's signed verdict"), "{err}");
    assert_eq!(stored(&db), want);
}

#[test]
fn a_record_file_of_an_older_version_with_the_status_in_its_fields_is_read_into_the_envelope() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_survey(dir.path());
    let mut old = sample("250-settlement.mining.json");
    old["fields"]["workflow_status"] = Value::String("complete".into());
    let f = write(dir.path(), "old.json", &old);
    let out = toponym(&["survey", "add", &db, &f]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stored(&db), vec![(id_of(&old), "complete".to_owned())]);
    // Two different statuses, one in each place: which is meant would be a guess.
    old["workflow_status"] = Value::String("reviewed".into());
    let f = write(dir.path(), "both.json", &old);
    let out = toponym(&["survey", "add", &db, &f]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("both.json") && err.contains("record #1") && err.contains("give it once"),
        "{err}"
    );
}
