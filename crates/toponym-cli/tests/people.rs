//! `toponym member|review|recover|office` on real survey files: a registrar and a
//! reviewer, a return with a field comment, an acceptance, a refused self-review, a
//! changed passphrase, a recovery with the office key and a removed member.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const REG: &str = "王登记";
const REG_PASS: &str = "登记人的口令 one";
const REV: &str = "李审核";
const REV_PASS: &str = "审核人的口令 two";
const CHEAP: [&str; 4] = ["--kdf-memory-kib", "64", "--kdf-passes", "1"];

fn run(args: &[&str], member: Option<&str>, pass: &str, new_pass: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_toponym"));
    c.args(args).env("TOPONYM_PASSPHRASE", pass);
    c.env_remove("TOPONYM_MEMBER")
        .env_remove("TOPONYM_NEW_PASSPHRASE");
    if let Some(m) = member {
        c.env("TOPONYM_MEMBER", m);
    }
    if let Some(p) = new_pass {
        c.env("TOPONYM_NEW_PASSPHRASE", p);
    }
    c.output().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json(out: &Output) -> Value {
    serde_json::from_str(&ok(out)).unwrap()
}

fn sample_complete(dir: &Path) -> (String, String) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let text =
        std::fs::read_to_string(repo.join("samples/taishan/records/250-settlement.mining.json"))
            .unwrap();
    let mut v: Value = serde_json::from_str(&text).unwrap();
    v.as_object_mut().unwrap().remove("_expect");
    v["workflow_status"] = Value::String("complete".into());
    let id = v["record_id"].as_str().unwrap().to_owned();
    let p = dir.join("r.json");
    std::fs::write(&p, serde_json::to_string(&v).unwrap()).unwrap();
    (p.to_string_lossy().into_owned(), id)
}

struct Setup {
    _dir: tempfile::TempDir,
    dir: PathBuf,
    db: String,
    office_key: String,
    record: String,
}

fn setup() -> Setup {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_owned();
    let office_key = dir.join("office.key").to_string_lossy().into_owned();
    let k = json(&run(
        &["office", "keygen", &office_key, "--json"],
        None,
        "x",
        None,
    ));
    let public = k["public_key"].as_str().unwrap().to_owned();
    assert!(public.starts_with("age1"), "{k}");
    let db = dir.join("s.toponym").to_string_lossy().into_owned();
    let mut init = vec!["survey", "init", &db, "--name", REG, "--office", &public];
    init.extend(CHEAP);
    ok(&run(&init, None, REG_PASS, None));
    let mut add = vec![
        "member",
        "add",
        &db,
        "--name",
        REV,
        "--role",
        "审核人",
        "--json",
    ];
    add.extend(CHEAP);
    let m = json(&run(&add, Some(REG), REG_PASS, Some(REV_PASS)));
    assert_eq!(m["role"], "reviewer");
    let (file, record) = sample_complete(&dir);
    ok(&run(
        &["survey", "add", &db, &file],
        Some(REG),
        REG_PASS,
        None,
    ));
    Setup {
        _dir: tmp,
        dir,
        db,
        office_key,
        record,
    }
}

#[test]
fn return_fix_and_accept_with_signatures_that_verify() {
    let s = setup();
    let db = s.db.as_str();
    // Several members: the unlocking one must be named.
    let out = run(&["survey", "list", db], None, REG_PASS, None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(REV));

    let members = json(&run(
        &["member", "list", db, "--json"],
        Some(REG),
        REG_PASS,
        None,
    ));
    assert_eq!(members.as_array().unwrap().len(), 2);

    // The registrar cannot accept (role), and the queue shows the record.
    let out = run(
        &["review", "accept", db, "--all"],
        Some(REG),
        REG_PASS,
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("审核人"),
        "{out:?}"
    );
    let q = json(&run(
        &["review", "queue", db, "--json"],
        Some(REV),
        REV_PASS,
        None,
    ));
    assert_eq!(q[0]["summary"]["record_id"], s.record.as_str());

    // Returned with a field comment; the registrar sees it.
    ok(&run(
        &[
            "review",
            "return",
            db,
            &s.record,
            "--field",
            "fields.standard_name=名称用字请核对批复",
        ],
        Some(REV),
        REV_PASS,
        None,
    ));
    let back = json(&run(
        &["review", "returned", db, "--json"],
        Some(REG),
        REG_PASS,
        None,
    ));
    assert_eq!(
        back[0]["review"]["comments"][0]["path"],
        "fields.standard_name"
    );

    // Fixed and complete again, then accepted.
    let (file, _) = sample_complete(&s.dir);
    ok(&run(
        &["survey", "add", db, &file],
        Some(REG),
        REG_PASS,
        None,
    ));
    let done = json(&run(
        &["review", "accept", db, &s.record, "--json"],
        Some(REV),
        REV_PASS,
        None,
    ));
    assert_eq!(done[0]["reviewer"], REV);
    let v = json(&run(
        &["survey", "verify", db, "--json"],
        Some(REV),
        REV_PASS,
        None,
    ));
    assert_eq!(v["audit"]["first_bad_seq"], Value::Null, "{v}");
    let h = ok(&run(
        &["survey", "history", db, &s.record],
        Some(REG),
        REG_PASS,
        None,
    ));
    assert!(
        h.contains("review.accept") && h.contains("review.return"),
        "{h}"
    );
}

#[test]
fn passphrase_change_recovery_and_removal() {
    let s = setup();
    let db = s.db.as_str();
    let mut passwd = vec!["member", "passwd", db];
    passwd.extend(CHEAP);
    ok(&run(&passwd, Some(REG), REG_PASS, Some("新的口令 three")));
    assert_eq!(
        run(&["survey", "list", db], Some(REG), REG_PASS, None)
            .status
            .code(),
        Some(2),
        "the old passphrase no longer opens it"
    );
    ok(&run(
        &["survey", "list", db],
        Some(REG),
        "新的口令 three",
        None,
    ));

    // Lost again: the office recovers it.
    let mut recover = vec![
        "recover",
        db,
        "--office-key",
        &s.office_key,
        "--for",
        REG,
        "--json",
    ];
    recover.extend(CHEAP);
    let m = json(&run(&recover, None, "", Some("恢复后的口令 four")));
    assert_eq!(m["name"], REG);
    ok(&run(
        &["survey", "list", db],
        Some(REG),
        "恢复后的口令 four",
        None,
    ));

    // A removed member can no longer open it.
    ok(&run(
        &["member", "remove", db, REV],
        Some(REG),
        "恢复后的口令 four",
        None,
    ));
    let out = run(&["survey", "list", db], Some(REV), REV_PASS, None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("没有该成员"),
        "{out:?}"
    );
}
