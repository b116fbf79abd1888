//! `toponym qa override` with the real binary on a survey of the sample records: a WARNING is
//! accepted with a reason, `toponym qa --json` then still lists it with the override
//! (reason, who, when) and counts it, the text report says so, the XLSX report read back
//! with calamine has the override columns filled; refusals (an ERROR, a short reason, a
//! finding that is not open, a repeat) exit 2 naming record, rule and path, and the exit
//! status of `toponym qa` stays 1 only because of the open errors.

mod common;

use std::path::{Path, PathBuf};

use calamine::{open_workbook, Data, Reader, Xlsx};
use serde_json::Value;

/// 聂囗村: N-4 (WARNING) on fields.standard_name.
const N4_RECORD: &str = "019e7044-8800-71b1-93ac-d602bd501630";
/// C-2 (ERROR) on fields.meaning.
const C2_RECORD: &str = "019e7044-8800-71b3-8945-708168f2d211";
const REASON: &str = "经实地核查，村名确为“聂囗村”，与1988年地名录一致";

/// A fresh survey (cheap key derivation, so each CLI call opens it in milliseconds) holding
/// every record of the sample survey, as drafts.
fn sample_copy(dir: &Path) -> PathBuf {
    let dst = dir.join("taishan.toponym");
    let db = dst.to_str().expect("utf-8 path");
    let (code, _, err) = run(&[
        "survey",
        "init",
        db,
        "--kdf-memory-kib",
        "64",
        "--kdf-passes",
        "1",
    ]);
    assert_eq!(code, 0, "{err}");
    let records = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/taishan/records");
    let mut files: Vec<String> = std::fs::read_dir(records)
        .expect("sample records")
        .map(|e| e.expect("entry").path().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut args = vec!["survey", "add", db];
    args.extend(files.iter().map(String::as_str));
    let (code, _, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    dst
}

fn run(args: &[&str]) -> (i32, String, String) {
    common::code_out_err(&common::toponym(args))
}

fn accept(
    survey: &str,
    record: &str,
    rule: &str,
    path: &str,
    reason: &str,
) -> (i32, String, String) {
    run(&[
        "qa", "override", survey, "--record", record, "--rule", rule, "--path", path, "--reason",
        reason,
    ])
}

fn n4_findings(rep: &Value) -> Vec<&Value> {
    rep["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["record_id"] == N4_RECORD && f["rule"] == "N-4")
        .collect()
}

#[test]
fn an_accepted_warning_is_listed_with_its_override_in_json_text_and_xlsx() {
    let dir = tempfile::tempdir().expect("tempdir");
    let survey = sample_copy(dir.path());
    let s = survey.to_str().expect("utf-8");

    let (code, before, err) = {
        let (c, out, err) = run(&["qa", s, "--json"]);
        (c, serde_json::from_str::<Value>(&out).expect("json"), err)
    };
    assert_eq!(code, 1, "{err}");
    assert_eq!(before["overridden"]["warnings"], 0);

    let (code, out, err) = run(&[
        "qa",
        "override",
        s,
        "--record",
        N4_RECORD,
        "--rule",
        "N-4",
        "--path",
        "fields.standard_name",
        "--reason",
        REASON,
        "--json",
    ]);
    assert_eq!(code, 0, "stdout: {out}\nstderr: {err}");
    let o: Value = serde_json::from_str(&out).expect("override json");
    assert_eq!(o["rule"], "N-4");
    assert_eq!(o["path"], "fields.standard_name");
    assert_eq!(o["record_id"], N4_RECORD);
    assert_eq!(o["actor"], "登记人", "the unlocked member accepts it");
    assert_eq!(o["reason"], REASON);

    let xlsx = dir.path().join("质检报告.xlsx");
    let (code, out, err) = run(&["qa", s, "--json", "--xlsx", xlsx.to_str().expect("utf-8")]);
    assert_eq!(code, 1, "open errors still exit 1; {err}");
    let rep: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(
        rep["findings"].as_array().map(Vec::len),
        before["findings"].as_array().map(Vec::len),
        "an overridden warning stays listed"
    );
    assert_eq!(rep["totals"], before["totals"]);
    let n4 = n4_findings(&rep);
    let marked: Vec<&&Value> = n4.iter().filter(|f| f.get("override").is_some()).collect();
    assert_eq!(marked.len(), 1, "{n4:?}");
    assert_eq!(marked[0]["path"], "fields.standard_name");
    assert_eq!(marked[0]["override"]["reason"], REASON);
    assert_eq!(marked[0]["override"]["actor"], "登记人");
    assert!(marked[0]["override"]["at"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));
    // The same rule at another path (fields.specific_part) is not accepted.
    assert!(n4
        .iter()
        .any(|f| f["path"] == "fields.specific_part" && f.get("override").is_none()));
    assert_eq!(rep["overridden"]["warnings"], 1);
    assert_eq!(rep["overridden"]["by_rule"]["N-4"], 1);

    // The XLSX report: override columns on the findings sheet, counts elsewhere.
    let mut wb: Xlsx<_> = open_workbook(&xlsx).expect("calamine opens the workbook");
    let rows = wb.worksheet_range("问题清单").expect("findings sheet");
    let header: Vec<String> = rows
        .rows()
        .next()
        .expect("header")
        .iter()
        .map(|c| c.to_string())
        .collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("column {name} in {header:?}"))
    };
    let (c_rule, c_id, c_path) = (col("规则"), col("记录标识"), col("字段"));
    let (c_how, c_reason, c_who, c_at) =
        (col("处理"), col("接受理由"), col("接受人"), col("接受时间"));
    let accepted: Vec<&[Data]> = rows
        .rows()
        .skip(1)
        .filter(|r| !r[c_how].to_string().is_empty())
        .collect();
    assert_eq!(accepted.len(), 1);
    let r = accepted[0];
    assert_eq!(r[c_rule].to_string(), "N-4");
    assert_eq!(r[c_id].to_string(), N4_RECORD);
    assert_eq!(r[c_path].to_string(), "fields.standard_name");
    assert!(r[c_how].to_string().contains("已说明理由接受"));
    assert_eq!(r[c_reason].to_string(), REASON);
    assert_eq!(r[c_who].to_string(), "登记人");
    assert_eq!(
        r[c_at].to_string(),
        marked[0]["override"]["at"].as_str().expect("at")
    );
    let summary = wb.worksheet_range("概况").expect("summary");
    let line = summary
        .rows()
        .find(|r| r[0].to_string().contains("WARNING overridden"))
        .expect("overridden row");
    assert_eq!(
        line[1].to_string(),
        "1",
        "the summary sheet keeps its values as text"
    );
    let by_rule = wb.worksheet_range("按规则").expect("by rule");
    let head: Vec<String> = by_rule
        .rows()
        .next()
        .expect("header")
        .iter()
        .map(|c| c.to_string())
        .collect();
    let c_acc = head
        .iter()
        .position(|h| h == "其中已接受")
        .expect("accepted column");
    let n4_row = by_rule.rows().find(|r| r[0] == "N-4").expect("N-4 row");
    assert_eq!(n4_row[c_acc], Data::Float(1.0));

    // Text output marks it as well.
    let (code, text, _) = run(&["qa", s]);
    assert_eq!(code, 1);
    assert!(text.contains("已说明理由接受 overridden 1"), "{text}");
    assert!(text.contains("已说明理由接受 accepted by 登记人"), "{text}");
    assert!(text.contains(REASON), "{text}");

    // The survey's audit chain verifies and holds the override.
    let (code, out, err) = run(&["survey", "verify", s]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn errors_short_reasons_absent_findings_and_repeats_are_refused_with_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let survey = sample_copy(dir.path());
    let s = survey.to_str().expect("utf-8");

    let (code, _, err) = accept(s, C2_RECORD, "C-2", "fields.meaning", REASON);
    assert_eq!(code, 2);
    for part in [
        C2_RECORD,
        "C-2",
        "fields.meaning",
        "is ERROR",
        "only a WARNING",
    ] {
        assert!(err.contains(part), "{part:?} missing: {err}");
    }
    let (code, _, err) = accept(s, N4_RECORD, "N-4", "fields.standard_name", "确认无误");
    assert_eq!(code, 2);
    assert!(
        err.contains("has 4 character(s); write at least 10"),
        "{err}"
    );
    let (code, _, err) = accept(s, N4_RECORD, "N-4", "fields.roman", REASON);
    assert_eq!(code, 2);
    assert!(err.contains("no open N-4 finding at fields.roman"), "{err}");
    assert!(
        err.contains("N-4 at fields.standard_name"),
        "the open warnings are listed: {err}"
    );

    let (code, _, err) = accept(s, N4_RECORD, "N-4", "fields.standard_name", REASON);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = accept(s, N4_RECORD, "N-4", "fields.standard_name", REASON);
    assert_eq!(code, 2);
    assert!(err.contains("already accepted by 登记人"), "{err}");

    // Record files hold no overrides.
    let rec = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples/taishan/records/433-settlement.village.json");
    let (code, _, err) = accept(
        rec.to_str().expect("utf-8"),
        N4_RECORD,
        "N-4",
        "fields.standard_name",
        REASON,
    );
    assert_eq!(code, 2);
    assert!(err.contains("not in record files"), "{err}");

    // A missing argument is a usage error naming it.
    let (code, _, err) = run(&["qa", "override", s, "--record", N4_RECORD, "--rule", "N-4"]);
    assert_eq!(code, 2);
    assert!(err.contains("--path") && err.contains("--reason"), "{err}");
}
