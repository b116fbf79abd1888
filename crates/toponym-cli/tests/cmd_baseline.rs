//! `toponym survey import-baseline` end to end through the real binary: counts on the real
//! tables, and a truncated source file that fails with file and line and changes nothing.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns

mod common;

use common::toponym;

fn init(dir: &std::path::Path) -> String {
    let s = dir.join("s.toponym").display().to_string();
    let o = toponym(&[
        "survey",
        "init",
        &s,
        "--kdf-memory-kib",
        "1024",
        "--kdf-passes",
        "1",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    s
}

#[test]
fn import_baseline_reports_counts_that_match_the_tables() {
    let dir = tempfile::tempdir().unwrap();
    let s = init(dir.path());
    let o = toponym(&[
        "survey",
        "import-baseline",
        &s,
        "--county",
        "370902",
        "--county",
        "370911",
        "--json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["counties"][0]["counts"]["entries"], 221);
    assert_eq!(v["counties"][1]["counts"]["entries"], 732);
    assert_eq!(v["counties"][1]["counts"]["by_status"]["注销"], 4);
}

#[test]
fn a_truncated_file_exits_2_naming_file_and_line_and_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let s = init(dir.path());
    let full = toponym_reference::builtin::table("taian_2021").unwrap().1;
    let cut = dir.path().join("2021.csv");
    // Cut at a character boundary in the middle of a line.
    let mut at = full.len() / 2;
    while !full.is_char_boundary(at) || full.as_bytes()[at - 1] == b'\n' {
        at += 1;
    }
    std::fs::write(&cut, &full[..at]).unwrap();
    let line = full[..at].lines().count();
    let o = toponym(&[
        "survey",
        "import-baseline",
        &s,
        "--county",
        "370902",
        "--new",
        cut.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!("2021.csv, line {line}: truncated")),
        "{err}"
    );
    let store = toponym_ops::survey::open(
        std::path::Path::new(&s),
        &toponym_ops::survey::Passphrase::new(common::PASS),
    )
    .unwrap();
    assert!(store.investigation_list(None).unwrap().is_empty());
    let o = toponym(&["survey", "import-baseline", &s, "--county", "3709"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "a 4-digit county is a usage error"
    );
}

#[test]
fn open_entries_exit_1_until_closed_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let s = init(dir.path());
    assert!(
        toponym(&["survey", "import-baseline", &s, "--county", "370911"])
            .status
            .success()
    );
    let o = toponym(&["survey", "investigation", &s, "--open", "--json"]);
    assert_eq!(o.status.code(), Some(1), "open entries are C-8 findings");
    let open: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(open.as_array().unwrap().len(), 732);
    let no_reason = toponym(&[
        "survey",
        "investigation",
        &s,
        "--close",
        "370911001214",
        "--as",
        "注销",
    ]);
    assert_eq!(no_reason.status.code(), Some(2));
    let blank = toponym(&[
        "survey",
        "investigation",
        &s,
        "--close",
        "370911001214",
        "--as",
        "注销",
        "--reason",
        " ",
    ]);
    assert_eq!(blank.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&blank.stderr).contains("C-8"));
    let ok = toponym(&[
        "survey",
        "investigation",
        &s,
        "--close",
        "370911001214",
        "--as",
        "注销",
        "--reason",
        "村改居，改设堰西社区居委会",
    ]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let o = toponym(&["survey", "investigation", &s, "--open", "--json"]);
    let open: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(open.as_array().unwrap().len(), 731);
}
