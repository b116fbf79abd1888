//! `toponym survey …` end to end: the real binary on real files. init → add → list (box,
//! name) → history → verify → export-gpkg (refused for classified records without the
//! flag, then read back by GDAL's ogrinfo), and the exit codes for a wrong passphrase and
//! bad input.

// Tests may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

mod common;
use common::{toponym_as, PASS};

fn ok(args: &[&str]) -> String {
    let out = toponym_as(args, PASS);
    assert!(
        out.status.success(),
        "toponym {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The template reference the shipped catalogue gives `id` (survey add refuses others).
fn tref(id: &str) -> serde_json::Value {
    serde_json::to_value(toponym_forms::Catalog::builtin().template_ref(id).unwrap()).unwrap()
}

fn write_records(dir: &Path) -> (String, String) {
    let taishan = serde_json::json!({
        "record_id": "01890a5d-ac96-774b-bcce-b302099a8057",
        "template": tref("terrain.peak"),
        "fields": {"standard_name": "泰山", "rep_point": [117.1, 36.26], "secrecy": "公开",
                   "aliases": [{"name": "岱宗"}]},
        "geometry": {"type": "Point", "coordinates": [117.1, 36.26]}
    });
    let more = serde_json::json!([
        {
            "record_id": "01890a5d-ac96-774b-bcce-b302099a8058",
            "template": tref("water.river"),
            "fields": {"standard_name": "大汶河", "secrecy": "内部"},
            "geometry": {"type": "LineString", "coordinates": [[116.5, 35.9], [117.3, 36.0]]}
        },
        {
            "record_id": "01890a5d-ac96-774b-bcce-b302099a8059",
            "template": tref("terrain.peak"),
            "fields": {"standard_name": "徂徕山", "rep_point": [117.3, 36.0], "secrecy": "公开"}
        }
    ]);
    let a = dir.join("taishan.json");
    let b = dir.join("more.json");
    std::fs::write(&a, taishan.to_string()).unwrap();
    std::fs::write(&b, more.to_string()).unwrap();
    (
        a.to_string_lossy().into_owned(),
        b.to_string_lossy().into_owned(),
    )
}

#[test]
fn init_add_list_history_verify_export() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("taian.toponym");
    let db = db.to_str().unwrap();
    ok(&[
        "survey",
        "init",
        db,
        "--kdf-memory-kib",
        "64",
        "--kdf-passes",
        "1",
    ]);
    let (a, b) = write_records(dir.path());
    let added: serde_json::Value =
        serde_json::from_str(&ok(&["survey", "add", db, &a, &b, "--json"])).unwrap();
    assert_eq!(added["written"], 3);
    // Adding the same files again changes nothing.
    let again: serde_json::Value =
        serde_json::from_str(&ok(&["survey", "add", db, &a, "--json"])).unwrap();
    assert_eq!(
        (again["written"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(1))
    );

    let names = |args: &[&str]| -> Vec<String> {
        let mut full = vec!["survey", "list", db, "--json"];
        full.extend_from_slice(args);
        let v: serde_json::Value = serde_json::from_str(&ok(&full)).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["standard_name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&[]), ["泰山", "大汶河", "徂徕山"]);
    assert_eq!(names(&["--name", "岱宗"]), ["泰山"]);
    assert_eq!(names(&["--name", "山"]), ["泰山", "徂徕山"]);
    // Pinyin keys come from toponym-romanise when the CLI saves: toneless, with or
    // without spaces, and from aliases too.
    assert_eq!(names(&["--name", "taishan"]), ["泰山"]);
    assert_eq!(names(&["--name", "tai shan"]), ["泰山"]);
    assert_eq!(names(&["--name", "daizong"]), ["泰山"]);
    assert_eq!(names(&["--name", "dawenhe"]), ["大汶河"]);
    assert_eq!(names(&["--template", "water.river"]), ["大汶河"]);
    // The river crosses this box with no vertex in it: found by exact intersection.
    assert_eq!(names(&["--bbox", "116.9,35.9,117.0,36.1"]), ["大汶河"]);
    assert_eq!(
        names(&["--bbox", "117.0,36.2,117.2,36.3", "--name", "泰"]),
        ["泰山"]
    );

    let text = ok(&[
        "survey",
        "history",
        db,
        "01890a5d-ac96-774b-bcce-b302099a8057",
    ]);
    // The unlocked member (the survey's first, 登记人) made it, not a name from the
    // environment.
    assert!(
        text.contains("登记人") && text.contains("created"),
        "{text}"
    );

    // Rename 泰山, then show the record as it was at its creation time.
    let id = "01890a5d-ac96-774b-bcce-b302099a8057";
    let renamed = std::fs::read_to_string(&a)
        .unwrap()
        .replace("\"泰山\"", "\"泰山主峰\"");
    std::fs::write(&a, renamed).unwrap();
    ok(&["survey", "add", db, &a, "--reason", "更正"]);
    let hist: serde_json::Value =
        serde_json::from_str(&ok(&["survey", "history", db, id, "--json"])).unwrap();
    let created_at = hist[0]["at"].as_str().unwrap().to_owned();
    assert_eq!(hist[1]["field"], "fields.standard_name");
    assert_eq!(hist[1]["reason"], "更正");
    let then: serde_json::Value =
        serde_json::from_str(&ok(&["survey", "show", db, id, "--at", &created_at])).unwrap();
    let now: serde_json::Value = serde_json::from_str(&ok(&["survey", "show", db, id])).unwrap();
    assert_eq!(then["fields"]["standard_name"], "泰山");
    assert_eq!(now["fields"]["standard_name"], "泰山主峰");

    let verify = ok(&["survey", "verify", db, "--json"]);
    assert!(verify.contains("\"ok\": true"), "{verify}");

    // 大汶河 is 内部: the export is refused (exit 2) until the flag is given.
    let out_gpkg = dir.path().join("out.gpkg");
    let gpkg = out_gpkg.to_str().unwrap();
    let refused = toponym_as(&["survey", "export-gpkg", db, gpkg], PASS);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--allow-classified"));
    let exported = toponym_as(
        &["survey", "export-gpkg", db, gpkg, "--allow-classified"],
        PASS,
    );
    assert!(exported.status.success());
    assert!(String::from_utf8_lossy(&exported.stderr).contains("NOT encrypted"));
    let info = Command::new("ogrinfo")
        .args(["-ro", "-so", "-al", gpkg])
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(
        info.contains("Layer name: toponym_points") && info.contains("Feature Count: 2"),
        "{info}"
    );
    assert!(
        info.contains("Layer name: toponym_lines") && info.contains("Feature Count: 1"),
        "{info}"
    );
}

#[test]
fn wrong_passphrase_and_bad_input_exit_with_2() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.toponym");
    let db = db.to_str().unwrap();
    ok(&[
        "survey",
        "init",
        db,
        "--kdf-memory-kib",
        "64",
        "--kdf-passes",
        "1",
    ]);
    let wrong = toponym_as(&["survey", "list", db], "not the passphrase");
    assert_eq!(wrong.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("wrong passphrase"));

    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"record_id\": 5}").unwrap();
    let out = toponym_as(&["survey", "add", db, bad.to_str().unwrap()], PASS);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.json"));

    let out = toponym_as(&["survey", "list", db, "--bbox", "118,36,117,37"], PASS);
    assert_eq!(out.status.code(), Some(2));
    let out = toponym_as(&["survey", "history", db, "not-a-uuid"], PASS);
    assert_eq!(out.status.code(), Some(2));
}
