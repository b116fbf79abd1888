//! The real `toponym` binary: `templates` lists the catalogue, `templates show` explains
//! one template, `validate` reports findings with the documented exit codes
//! (0 ok, 1 ERROR/BLOCKER findings, 2 usage or input error).

mod common;

use common::toponym;
use std::path::PathBuf;
use std::process::Output;

use serde_json::Value;

fn golden(rel: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../toponym-forms/tests/golden")
        .join(rel)
        .display()
        .to_string()
}

fn json_of(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).expect("stdout is JSON")
}

#[test]
fn templates_json_lists_75_templates_in_12_categories_in_census_order() {
    let o = toponym(&["templates", "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let v = json_of(&o);
    assert_eq!(v["count"], 75);
    let counts: Vec<u64> = v["categories"]
        .as_array()
        .expect("array")
        .iter()
        .map(|c| c["count"].as_u64().expect("n"))
        .collect();
    assert_eq!(counts, [5, 6, 6, 4, 3, 5, 4, 13, 12, 5, 6, 6]);
    let ts = v["templates"].as_array().expect("array");
    assert_eq!(ts.len(), 75);
    assert_eq!(ts[0]["id"], "marine.bay");
    assert_eq!(ts[5]["id"], "water.river");
    assert_eq!(ts[5]["class_code"], "12100");
    assert_eq!(ts[5]["geometry"], "line");
    assert_eq!(ts[74]["id"], "unit.social_org");
    // Categories appear in census order and each template sits in its category's block.
    let cats: Vec<&str> = v["categories"]
        .as_array()
        .expect("a")
        .iter()
        .map(|c| c["id"].as_str().expect("s"))
        .collect();
    let order: Vec<usize> = ts
        .iter()
        .map(|t| {
            cats.iter()
                .position(|c| *c == t["category"])
                .expect("known")
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn templates_show_gives_fields_and_names_close_ids_for_a_typo() {
    let o = toponym(&["templates", "show", "transport.highway", "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let v = json_of(&o);
    assert_eq!(v["template"]["id"], "transport.highway");
    let keys: Vec<&str> = v["fields"]
        .as_array()
        .expect("a")
        .iter()
        .map(|f| f["key"].as_str().expect("s"))
        .collect();
    assert!(keys.contains(&"admin_grade") && keys.contains(&"route_no"));
    let codes: Vec<&str> = v["class_codes"]
        .as_array()
        .expect("a")
        .iter()
        .map(|c| c["code"].as_str().expect("s"))
        .collect();
    assert!(codes.contains(&"23213") && codes.contains(&"23214"));

    let o = toponym(&["templates", "show", "transport.higway"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("transport.highway"), "{err}");
}

#[test]
fn validate_exit_codes_follow_the_findings() {
    let o = toponym(&["validate", &golden("water.river/valid-1.json")]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );

    let o = toponym(&[
        "validate",
        "--json",
        &golden("water.river/invalid-specific.json"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v = json_of(&o);
    let f = &v["records"][0]["findings"][0];
    assert_eq!(f["rule"], "C-4");
    assert_eq!(f["path"], "fields.length_km");
    assert!(f["message"]["zh"].as_str().expect("zh").contains("河长"));
}

#[test]
fn malformed_json_is_an_input_error_with_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("broken.json");
    std::fs::write(&p, "{\n  \"record_id\": \"x\",\n  oops\n}\n").expect("write");
    let o = toponym(&["validate", "--json", p.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(2));
    let v = json_of(&o);
    assert_eq!(v["input_errors"][0]["line"], 3);
    assert_eq!(v["input_errors"][0]["column"], 3);
}

#[test]
fn an_unknown_template_in_a_record_names_the_closest_ids() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(golden("water.lake/valid-1.json")).expect("read");
    let p = dir.path().join("typo.json");
    std::fs::write(&p, text.replace("\"water.lake\"", "\"water.lak\"")).expect("write");
    let o = toponym(&["validate", "--json", p.to_str().expect("utf8")]);
    assert_eq!(o.status.code(), Some(1));
    let f = &json_of(&o)["records"][0]["findings"][0];
    assert_eq!(f["message"]["code"], "template.unknown");
    assert!(f["message"]["params"]["closest"]
        .as_str()
        .expect("s")
        .starts_with("water.lake"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(toponym(&["validate"]).status.code(), Some(2));
    assert_eq!(toponym(&["templates", "--bogus"]).status.code(), Some(2));
}
