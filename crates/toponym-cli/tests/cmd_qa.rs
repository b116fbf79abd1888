//! `toponym qa` end to end on the committed sample survey: every deliberate defect of
//! samples/taishan/defects.json is found by its rule on its record, the other records
//! are clean, the XLSX report opens in a real reader (calamine) with its sheets, frozen
//! Chinese headers and all findings, profiles switch rules off, bad profiles are named.

mod common;

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use calamine::{open_workbook, Reader, Xlsx};
use serde_json::Value;

const SAMPLE_PASS: &str = "taishan-demo-2026";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A private copy of the sample survey (the CLI may add a key check to its sidecar).
fn sample_copy(dir: &Path) -> PathBuf {
    let src = root().join("samples/taishan/taishan.toponym");
    let dst = dir.join("taishan.toponym");
    std::fs::copy(&src, &dst).expect("copy survey");
    std::fs::copy(
        src.with_file_name("taishan.toponym.toponym-kdf"),
        dir.join("taishan.toponym.toponym-kdf"),
    )
    .expect("copy sidecar");
    dst
}

fn qa_json(args: &[&str]) -> (i32, Value, String) {
    let out = common::toponym_as(args, SAMPLE_PASS);
    let (code, stdout, stderr) = common::code_out_err(&out);
    let v: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("JSON report ({e}); stderr: {stderr}; stdout: {stdout}"));
    (code, v, stderr)
}

#[test]
fn every_sample_defect_is_found_by_its_rule_and_the_clean_records_are_clean() {
    let dir = tempfile::tempdir().expect("tempdir");
    let survey = sample_copy(dir.path());
    let (code, rep, err) = qa_json(&["qa", survey.to_str().expect("utf-8"), "--json"]);
    assert_eq!(code, 1, "open errors must exit 1; stderr: {err}");
    let defects: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(root().join("samples/taishan/defects.json")).expect("defects"),
    )
    .expect("defects.json");
    let findings = rep["findings"].as_array().expect("findings");
    let defective: BTreeSet<&str> = defects
        .iter()
        .filter_map(|d| d["record_id"].as_str())
        .collect();
    for d in &defects {
        let rule = d["rule"].as_str().expect("rule");
        // A record's defect is found on that record; a survey's (an open list entry, a
        // registrar's burst) on its subject, with no record.
        let found = match (d["record_id"].as_str(), d["subject"].as_str()) {
            (Some(id), _) => findings
                .iter()
                .any(|f| f["rule"] == rule && f["record_id"] == id),
            (None, Some(subject)) => findings
                .iter()
                .any(|f| f["rule"] == rule && f["path"] == subject && f["record_id"].is_null()),
            (None, None) => panic!("defect without record or subject: {d}"),
        };
        assert!(found, "defect {rule} ({}) not found: {d}", d["what"]);
    }
    let on_clean: Vec<&Value> = findings
        .iter()
        .filter(|f| {
            f["record_id"]
                .as_str()
                .is_some_and(|id| !defective.contains(id))
        })
        .collect();
    assert!(
        on_clean.is_empty(),
        "findings on clean records: {on_clean:#?}"
    );
    assert_eq!(rep["profile"]["id"], "default");
    let files = std::fs::read_dir(root().join("samples/taishan/records"))
        .expect("records")
        .count();
    assert_eq!(rep["records"], files as u64);
    // The coverage table lists every catalogue rule, and C-8 ran over the list.
    let cov = rep["coverage"].as_array().expect("coverage");
    assert!(cov.len() >= 70, "{}", cov.len());
    let c8 = cov.iter().find(|c| c["rule"] == "C-8").expect("C-8 row");
    assert_eq!(c8["status"], "ran");
}

#[test]
fn the_xlsx_report_opens_in_a_reader_with_every_finding_and_is_never_overwritten_silently() {
    let dir = tempfile::tempdir().expect("tempdir");
    let survey = sample_copy(dir.path());
    let xlsx = dir.path().join("质检报告.xlsx");
    let s = survey.to_str().expect("utf-8");
    let x = xlsx.to_str().expect("utf-8");
    let (code, rep, err) = qa_json(&["qa", s, "--json", "--xlsx", x]);
    assert_eq!(code, 1, "{err}");
    let mode = std::fs::metadata(&xlsx)
        .expect("written")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600, "the report holds classified names: owner only");
    let mut wb: Xlsx<_> = open_workbook(&xlsx).expect("calamine opens the workbook");
    assert_eq!(
        wb.sheet_names(),
        [
            "概况",
            "问题清单",
            "按规则",
            "按样表",
            "按乡镇",
            "按登记人",
            "检查覆盖"
        ]
    );
    let rows = wb.worksheet_range("问题清单").expect("findings sheet");
    let header: Vec<String> = rows
        .rows()
        .next()
        .expect("header")
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(header[0], "严重程度");
    assert_eq!(header[1], "规则");
    assert_eq!(
        rows.height(),
        rep["findings"].as_array().expect("findings").len() + 1
    );
    let rules: BTreeSet<String> = rows.rows().skip(1).map(|r| r[1].to_string()).collect();
    assert!(rules.contains("W-1") && rules.contains("N-4"), "{rules:?}");
    let cov = wb.worksheet_range("检查覆盖").expect("coverage sheet");
    assert!(cov.rows().any(|r| r[0] == "S-3"));

    // A second run without --replace refuses and leaves the file as it was.
    let before = std::fs::read(&xlsx).expect("read");
    let out = common::toponym_as(&["qa", s, "--xlsx", x], SAMPLE_PASS);
    let (code, _, err) = common::code_out_err(&out);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("质检报告.xlsx"),
        "the error names the file: {err}"
    );
    assert_eq!(std::fs::read(&xlsx).expect("read"), before);
    // The survey itself is never an output.
    let out = common::toponym_as(&["qa", s, "--xlsx", s, "--replace"], SAMPLE_PASS);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn record_files_run_without_a_list_and_say_what_they_could_not_check() {
    let dir = root().join("samples/taishan/records");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("records")
        .map(|e| e.expect("entry").path().display().to_string())
        .collect();
    files.sort();
    let mut args = vec!["qa".to_owned(), "--json".to_owned()];
    args.extend(files);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, rep, _) = qa_json(&args);
    assert_eq!(code, 1);
    let row = |id: &str| {
        rep["coverage"]
            .as_array()
            .expect("coverage")
            .iter()
            .find(|c| c["rule"] == id)
            .cloned()
            .expect("row")
    };
    assert_eq!(row("C-8")["status"], "not_checked");
    assert_eq!(row("W-6")["status"], "not_checked");
    assert_eq!(row("W-1")["status"], "ran");
}

#[test]
fn a_profile_switches_rules_off_and_a_bad_profile_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let survey = sample_copy(dir.path());
    let s = survey.to_str().expect("utf-8");
    let profile = dir.path().join("county.json");
    std::fs::write(
        &profile,
        r#"{"format_version": 1, "id": "泰山区", "version": "2", "disabled": ["W-1", "N-4"], "params": {"C-3": {"max_reuse": 1000}}}"#,
    )
    .expect("write profile");
    let (_, rep, err) = qa_json(&[
        "qa",
        s,
        "--json",
        "--profile",
        profile.to_str().expect("utf-8"),
    ]);
    assert_eq!(rep["profile"]["id"], "泰山区", "{err}");
    let findings = rep["findings"].as_array().expect("findings");
    assert!(!findings
        .iter()
        .any(|f| f["rule"] == "W-1" || f["rule"] == "N-4"));
    assert!(findings.iter().any(|f| f["rule"] == "N-1"));
    let w1 = rep["coverage"]
        .as_array()
        .expect("coverage")
        .iter()
        .find(|c| c["rule"] == "W-1")
        .cloned()
        .expect("row");
    assert_eq!(w1["status"], "disabled");

    std::fs::write(&profile, r#"{"format_version": 1, "id": "x", "version": "1", "params": {"C-3": {"max_reuse_typo": 2}}}"#)
        .expect("write profile");
    let out = common::toponym_as(
        &["qa", s, "--profile", profile.to_str().expect("utf-8")],
        SAMPLE_PASS,
    );
    let (code, _, err) = common::code_out_err(&out);
    assert_eq!(code, 2);
    assert!(
        err.contains("county.json") && err.contains("max_reuse_typo"),
        "{err}"
    );
}
