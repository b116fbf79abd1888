//! The CLI under a careless user and a tampered file (issue 12), with the real binary on
//! real files: an export never replaces the survey or its key file; an empty file is not
//! a survey and stays empty; `verify` reports damage with exit 1 and `add` refuses to
//! write into a damaged survey, with no SQLCipher log lines on the terminal; an empty
//! passphrase is refused from the environment and a short one for a new survey; record
//! files are capped (`/dev/zero` stops), a byte-order mark is accepted, and a record id
//! repeated in one batch is reported.

// Tests may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

mod common;
use common::{code_out_err, toponym, toponym_as, PASS};

fn tref(id: &str) -> serde_json::Value {
    serde_json::to_value(toponym_forms::Catalog::builtin().template_ref(id).unwrap()).unwrap()
}

fn record(id: &str, name: &str) -> serde_json::Value {
    serde_json::json!({
        "record_id": id,
        "template": tref("terrain.peak"),
        "fields": {"standard_name": name, "rep_point": [117.1, 36.26], "secrecy": "公开"},
        "geometry": {"type": "Point", "coordinates": [117.1, 36.26]}
    })
}

fn new_survey(dir: &Path, records: usize) -> PathBuf {
    let s = dir.join("s.toponym");
    let p = s.to_str().unwrap();
    let (c, _, e) = code_out_err(&toponym(&[
        "survey",
        "init",
        p,
        "--kdf-memory-kib",
        "64",
        "--kdf-passes",
        "1",
    ]));
    assert_eq!(c, 0, "{e}");
    let batch: Vec<_> = (0..records)
        .map(|i| {
            record(
                &format!("01890a5d-ac96-774b-bcce-{:012x}", i + 1),
                &format!("山{i}"),
            )
        })
        .collect();
    let f = dir.join("batch.json");
    std::fs::write(&f, serde_json::Value::Array(batch).to_string()).unwrap();
    let (c, _, e) = code_out_err(&toponym(&["survey", "add", p, f.to_str().unwrap()]));
    assert_eq!(c, 0, "{e}");
    s
}

fn list_count(s: &Path) -> usize {
    let (c, out, e) = code_out_err(&toponym(&["survey", "list", s.to_str().unwrap(), "--json"]));
    assert_eq!(c, 0, "{e}");
    serde_json::from_str::<serde_json::Value>(&out)
        .unwrap()
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn export_gpkg_never_replaces_the_survey_or_its_key_file_and_asks_before_replacing() {
    let dir = tempfile::tempdir().unwrap();
    let s = new_survey(dir.path(), 3);
    let sp = s.to_str().unwrap();
    let side = format!("{sp}.toponym-kdf");
    for target in [sp, side.as_str(), "/dev/null"] {
        for extra in [None, Some("--replace")] {
            let mut args = vec!["survey", "export-gpkg", sp, target];
            args.extend(extra);
            let (c, _, e) = code_out_err(&toponym(&args));
            assert_eq!(c, 2, "{target} {extra:?}: {e}");
            assert!(e.contains("refusing"), "{e}");
        }
    }
    assert_eq!(list_count(&s), 3, "the survey must still open");
    let out = dir.path().join("out.gpkg");
    let op = out.to_str().unwrap();
    assert_eq!(
        code_out_err(&toponym(&["survey", "export-gpkg", sp, op])).0,
        0
    );
    let (c, _, e) = code_out_err(&toponym(&["survey", "export-gpkg", sp, op]));
    assert_eq!(c, 2, "{e}");
    assert!(e.contains("--replace"), "{e}");
    assert_eq!(
        code_out_err(&toponym(&["survey", "export-gpkg", sp, op, "--replace"])).0,
        0
    );
    // Nothing but the survey, its key file, WAL, inputs and the export is in the folder.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

#[test]
fn an_empty_file_is_not_a_survey_for_any_command_and_stays_empty() {
    let dir = tempfile::tempdir().unwrap();
    let s = new_survey(dir.path(), 1);
    let sp = s.to_str().unwrap();
    for ext in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{sp}{ext}"));
    }
    std::fs::write(&s, b"").unwrap();
    for cmd in [
        vec!["survey", "list", sp],
        vec![
            "survey",
            "history",
            sp,
            "01890a5d-ac96-774b-bcce-000000000001",
        ],
    ] {
        let (c, _, e) = code_out_err(&toponym(&cmd));
        assert_eq!(c, 2, "{cmd:?}: {e}");
        assert!(
            e.contains("not a survey file") && e.contains("s.toponym"),
            "{e}"
        );
    }
    let (c, out, _) = code_out_err(&toponym(&["survey", "verify", sp]));
    assert_eq!(c, 1, "{out}");
    assert!(
        out.contains("DAMAGED") || out.contains("not a survey"),
        "{out}"
    );
    assert_eq!(
        std::fs::metadata(&s).unwrap().len(),
        0,
        "the empty file was written"
    );
}

#[test]
fn damage_is_reported_by_verify_and_blocks_add_without_sqlcipher_log_lines() {
    let dir = tempfile::tempdir().unwrap();
    let s = new_survey(dir.path(), 300);
    let sp = s.to_str().unwrap();
    // `verify` checkpoints nothing; list once so the WAL is folded in, then damage the
    // middle of the file.
    let _ = list_count(&s);
    for ext in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{sp}{ext}"));
    }
    let mut bytes = std::fs::read(&s).unwrap();
    let at = (bytes.len() / 16384 / 2) * 16384 + 300;
    for b in &mut bytes[at..at + 32] {
        *b ^= 0xA5;
    }
    std::fs::write(&s, &bytes).unwrap();
    let (c, out, err) = code_out_err(&toponym(&["survey", "verify", sp, "--json"]));
    assert_eq!(c, 1, "{out} {err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["ok"], false);
    assert!(
        !err.contains("ERROR CORE"),
        "SQLCipher log on the terminal: {err}"
    );
    let f = dir.path().join("one.json");
    std::fs::write(
        &f,
        record("01890a5d-ac96-774b-bcce-0000000fffff", "新山").to_string(),
    )
    .unwrap();
    let (c, _, e) = code_out_err(&toponym(&["survey", "add", sp, f.to_str().unwrap()]));
    assert_eq!(c, 2, "{e}");
    assert!(e.contains("damaged"), "{e}");
    assert_eq!(
        std::fs::read(&s).unwrap(),
        bytes,
        "add wrote into a damaged survey"
    );
    // A damaged first page: damaged, not "wrong passphrase", and no log lines.
    bytes[40..48].copy_from_slice(b"XXXXXXXX");
    std::fs::write(&s, &bytes).unwrap();
    let (c, _, e) = code_out_err(&toponym(&["survey", "list", sp]));
    assert_eq!(c, 2);
    assert!(
        e.contains("damaged") && !e.contains("wrong passphrase"),
        "{e}"
    );
    assert!(!e.contains("ERROR CORE"), "{e}");
}

#[test]
fn empty_and_short_passphrases_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let s = new_survey(dir.path(), 1);
    let (c, _, e) = code_out_err(&toponym_as(&["survey", "list", s.to_str().unwrap()], ""));
    assert_eq!(c, 2);
    assert!(e.contains("TOPONYM_PASSPHRASE"), "{e}");
    let n = dir.path().join("n.toponym");
    let (c, _, e) = code_out_err(&toponym_as(
        &[
            "survey",
            "init",
            n.to_str().unwrap(),
            "--kdf-memory-kib",
            "64",
            "--kdf-passes",
            "1",
        ],
        "short",
    ));
    assert_eq!(c, 2);
    assert!(e.contains("at least 8"), "{e}");
    assert!(!n.exists());
    assert!(PASS.chars().count() >= 8);
}

#[test]
fn record_files_are_capped_bom_is_accepted_and_repeated_ids_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let s = new_survey(dir.path(), 0);
    let sp = s.to_str().unwrap();
    let (c, _, e) = code_out_err(&toponym(&["survey", "add", sp, "/dev/zero"]));
    assert_eq!(c, 2);
    assert!(e.contains("larger than the 32 MiB limit"), "{e}");
    let (c, _, e) = code_out_err(&toponym(&["validate", "/dev/zero"]));
    assert_eq!(c, 2);
    assert!(e.contains("32 MiB"), "{e}");
    let bom = dir.path().join("bom.json");
    let mut text = b"\xEF\xBB\xBF".to_vec();
    text.extend(
        record("01890a5d-ac96-774b-bcce-00000000000a", "泰山")
            .to_string()
            .bytes(),
    );
    std::fs::write(&bom, &text).unwrap();
    let (c, _, e) = code_out_err(&toponym(&["survey", "add", sp, bom.to_str().unwrap()]));
    assert_eq!(c, 0, "{e}");
    let twice = dir.path().join("twice.json");
    let id = "01890a5d-ac96-774b-bcce-00000000000b";
    std::fs::write(
        &twice,
        serde_json::json!([record(id, "甲山"), record(id, "乙山")]).to_string(),
    )
    .unwrap();
    let (c, _, e) = code_out_err(&toponym(&["survey", "add", sp, twice.to_str().unwrap()]));
    assert_eq!(c, 2);
    assert!(
        e.contains("appears twice") && e.contains("#1") && e.contains("#2"),
        "{e}"
    );
    assert_eq!(list_count(&s), 1, "nothing of the refused batch was stored");
    // A malformed record names its number, line and column.
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        format!(
            "[{},\n{{\"record_id\": 5}}]",
            record("01890a5d-ac96-774b-bcce-00000000000c", "丙山")
        ),
    )
    .unwrap();
    let (c, _, e) = code_out_err(&toponym(&["survey", "add", sp, bad.to_str().unwrap()]));
    assert_eq!(c, 2);
    assert!(
        e.contains("bad.json") && e.contains("record #2") && e.contains("line 2"),
        "{e}"
    );
}

#[test]
fn a_coordinate_beyond_the_earth_is_refused_by_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let s = new_survey(dir.path(), 0);
    let mut r = record("01890a5d-ac96-774b-bcce-00000000000d", "远山");
    r["geometry"] = serde_json::json!({"type": "Point", "coordinates": [1e308, 36.0]});
    r["fields"]["rep_point"] = serde_json::json!([1e308, 36.0]);
    let f = dir.path().join("far.json");
    std::fs::write(&f, r.to_string()).unwrap();
    let (c, out, e) = code_out_err(&toponym(&[
        "survey",
        "add",
        s.to_str().unwrap(),
        f.to_str().unwrap(),
    ]));
    assert_eq!(c, 2, "{out} {e}");
    assert!(e.contains("degree values"), "{e}");
}

#[test]
fn one_add_reads_at_most_64_mib_in_all_its_files() {
    let dir = tempfile::tempdir().unwrap();
    let s = new_survey(dir.path(), 0);
    // Three files of 30 MiB each (blank JSON arrays) exceed the batch cap before any is read.
    let mut args = vec![
        "survey".to_owned(),
        "add".into(),
        s.to_str().unwrap().into(),
    ];
    for i in 0..3 {
        let f = dir.path().join(format!("big{i}.json"));
        let mut text = vec![b' '; 30 << 20];
        text[0] = b'[';
        *text.last_mut().unwrap() = b']';
        std::fs::write(&f, text).unwrap();
        args.push(f.to_str().unwrap().into());
    }
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let (c, _, e) = code_out_err(&toponym(&argv));
    assert_eq!(c, 2, "{e}");
    assert!(e.contains("big2.json") && e.contains("64 MiB"), "{e}");
}
