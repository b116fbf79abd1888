//! QA rule S-1's project-area part from the command line: `validate --province <code>`
//! takes the extent from the shipped reference outlines, `--province-bbox` takes it as
//! given, and `survey add` applies the same flags before storing (real binary, real files,
//! a real encrypted survey).

// Tests may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used)]

use std::path::Path;

mod common;
use common::toponym;

use serde_json::Value;

/// A clean sample record (its point is inside 泰山区), moved to `p` when given.
fn record(dir: &Path, name: &str, p: Option<[f64; 2]>) -> String {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples/taishan/records/250-settlement.mining.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(src).unwrap()).unwrap();
    v.as_object_mut().unwrap().remove("_expect");
    if let Some(p) = p {
        v["fields"]["rep_point"] = serde_json::json!(p);
        v["geometry"]["coordinates"] = serde_json::json!(p);
    }
    let path = dir.join(name);
    std::fs::write(&path, v.to_string()).unwrap();
    path.to_string_lossy().into_owned()
}

/// (exit code, S-1 finding codes) of `toponym validate <file> --json <extra>`.
fn s1(file: &str, extra: &[&str]) -> (Option<i32>, Vec<String>) {
    let mut args = vec!["validate", file, "--json"];
    args.extend_from_slice(extra);
    let out = toponym(&args);
    let codes = serde_json::from_slice::<Value>(&out.stdout)
        .map(|v| {
            v["records"][0]["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["rule"] == "S-1")
                .map(|f| f["message"]["code"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default();
    (out.status.code(), codes)
}

#[test]
fn validate_flags_points_outside_the_named_area_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let home = record(dir.path(), "home.json", None);
    // 济南 (Jinan), inside Shandong but north of 泰安市.
    let jinan = record(dir.path(), "jinan.json", Some([117.0, 36.65]));

    assert_eq!(s1(&jinan, &[]), (Some(0), vec![]));
    assert_eq!(
        s1(&jinan, &["--province", "370900"]),
        (Some(1), vec!["point.outside_province".to_owned()])
    );
    assert_eq!(
        s1(&jinan, &["--province-bbox", "114.8,34.3,122.8,38.5"]),
        (Some(0), vec![])
    );
    assert_eq!(
        s1(&jinan, &["--province-bbox", "116.0,35.6,118.0,36.5"]),
        (Some(1), vec!["point.outside_province".to_owned()])
    );
    // The sample point lies in 泰山区: inside its own county and its prefecture (12 digits).
    assert_eq!(s1(&home, &["--province", "370902"]), (Some(0), vec![]));
    assert_eq!(
        s1(&home, &["--province", "370900000000"]),
        (Some(0), vec![])
    );
}

#[test]
fn an_area_without_an_outline_or_an_unknown_code_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let home = record(dir.path(), "home.json", None);
    let out = toponym(&["validate", &home, "--province", "37"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("山东省") && err.contains("370900"), "{err}");
    let out = toponym(&["validate", &home, "--province", "99"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("\"99\""), "{err}");
    // One way to give the area, not both.
    let out = toponym(&[
        "validate",
        &home,
        "--province",
        "370900",
        "--province-bbox",
        "116,35,118,37",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn survey_add_refuses_a_complete_record_outside_the_area() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.toponym");
    let db = db.to_str().unwrap();
    let out = toponym(&[
        "survey",
        "init",
        db,
        "--kdf-memory-kib",
        "64",
        "--kdf-passes",
        "1",
    ]);
    assert!(out.status.success());
    let path = dir.path().join("jinan.json");
    record(dir.path(), "jinan.json", Some([117.0, 36.65]));
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    v["workflow_status"] = Value::String("complete".into());
    std::fs::write(&path, v.to_string()).unwrap();
    let f = path.to_str().unwrap();

    let out = toponym(&["survey", "add", db, f, "--province", "370902", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["stored"], false);
    assert!(report["records"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "S-1"));
    // Without the area S-1 has no box to check (the survey is empty, so it covers no
    // county yet), but the QA engine's record stage still refuses the record: its point
    // lies outside the county its admin_areas name (S-3).
    let out = toponym(&["survey", "add", db, f, "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = report["records"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(!rules.contains(&"S-1"), "{rules:?}");
    assert!(rules.contains(&"S-3"), "{rules:?}");
    // Back inside the county, the same record is accepted.
    record(dir.path(), "jinan.json", Some([117.12, 36.2]));
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    v["workflow_status"] = Value::String("complete".into());
    std::fs::write(&path, v.to_string()).unwrap();
    let out = toponym(&["survey", "add", db, f, "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["written"], 1);
}
