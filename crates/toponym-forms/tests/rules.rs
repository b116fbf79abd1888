//! Targeted rule behaviour that the one-defect-per-file golden records do not pin down:
//! exemptions (reason_unknown, route numbers, an empty 语种), options (clock, province box,
//! project window, export stage), nested paths, and independence from key order.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use serde_json::{json, Value};
use toponym_core::Finding;
use toponym_forms::{validate_json, validate_json_with, Catalog, Stage, ValidateOptions};

fn valid(template: &str) -> Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(template)
        .join("valid-1.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn with(template: &str, edits: &[(&str, Value)]) -> Value {
    let mut v = valid(template);
    for (k, x) in edits {
        if x.is_null() {
            v["fields"].as_object_mut().unwrap().remove(*k);
        } else {
            v["fields"][*k] = x.clone();
        }
    }
    v
}

fn hits(f: &[Finding]) -> Vec<(String, String)> {
    f.iter()
        .map(|f| {
            (
                f.rule.clone().unwrap_or_else(|| f.message.code.clone()),
                f.path.clone(),
            )
        })
        .collect()
}

fn check(v: &Value) -> Vec<(String, String)> {
    hits(&validate_json(Catalog::builtin(), v))
}

fn pair(r: &str, p: &str) -> (String, String) {
    (r.to_owned(), p.to_owned())
}

#[test]
fn placeholders_pass_when_the_reason_is_given() {
    let v = with("water.river", &[("meaning", json!("不详"))]);
    assert_eq!(check(&v), [pair("C-2", "fields.meaning")]);
    let v = with(
        "water.river",
        &[
            ("meaning", json!("不详")),
            ("reason_unknown", json!("当地老人均已不知其得名缘由")),
        ],
    );
    assert_eq!(check(&v), []);
    // Order of keys does not matter: reason_unknown placed before the narrative.
    let mut v2 = valid("water.river");
    let f = v2["fields"].as_object_mut().unwrap();
    let mut reordered = serde_json::Map::new();
    reordered.insert("reason_unknown".into(), json!("当地老人均已不知其得名缘由"));
    for (k, x) in f.iter() {
        reordered.insert(
            k.clone(),
            if k == "meaning" {
                json!("无")
            } else {
                x.clone()
            },
        );
    }
    *f = reordered;
    assert_eq!(check(&v2), []);
}

#[test]
fn minority_script_is_required_only_for_a_non_chinese_language() {
    assert_eq!(
        check(&with("settlement.village", &[("language", json!(""))])),
        []
    );
    assert_eq!(
        check(&with("settlement.village", &[("language", json!("汉语"))])),
        []
    );
    assert_eq!(
        check(&with(
            "settlement.village",
            &[("language", json!("蒙古语"))]
        )),
        [pair("C-10", "fields.minority_name")]
    );
    assert_eq!(
        check(&with(
            "settlement.village",
            &[
                ("language", json!("蒙古语")),
                ("minority_name", json!("ᠬᠣᠶᠢᠲᠤ"))
            ]
        )),
        []
    );
}

#[test]
fn names_in_aliases_are_checked_with_nested_paths() {
    let v = with(
        "water.river",
        &[(
            "aliases",
            json!([{"name": "汶水", "kind": "旧写法"}, {"name": "大汶 河", "kind": "俗称"}]),
        )],
    );
    assert_eq!(check(&v), [pair("N-2", "fields.aliases[1].name")]);
    let v = with("water.river", &[("aliases", json!([{"kind": "俗称"}]))]);
    assert_eq!(check(&v), [pair("C-4", "fields.aliases[0].name")]);
}

#[test]
fn route_numbers_are_not_latin_letter_findings_but_other_letters_are() {
    assert_eq!(
        check(&with(
            "transport.highway",
            &[("standard_name", json!("G104"))]
        )),
        []
    );
    assert_eq!(
        check(&with(
            "transport.highway",
            &[("standard_name", json!("ABC大道"))]
        )),
        [pair("N-12", "fields.standard_name")]
    );
}

#[test]
fn dms_text_is_reported_with_its_decimal_value() {
    let v = with(
        "water.spring",
        &[("rep_point", json!(["117°08′27.6″E", 36.208]))],
    );
    let f = validate_json(Catalog::builtin(), &v);
    assert_eq!(hits(&f), [pair("S-2", "fields.rep_point[0]")]);
    assert_eq!(f[0].message.code, "coord.dms_text");
    assert_eq!(f[0].message.params["decimal"], "117.1410000");
}

#[test]
fn options_bring_in_the_clock_the_province_and_the_export_stage() {
    let c = Catalog::builtin();
    // A registration stamped in the future only counts when a clock is given.
    let v = with(
        "water.spring",
        &[
            ("registered_at", json!("2027-01-05T09:00:00+08:00")),
            ("reviewed_at", json!("2027-02-01T09:00:00+08:00")),
        ],
    );
    assert_eq!(check(&v), []);
    let now = ValidateOptions {
        now: Some(time::macros::datetime!(2026-11-23 12:00 UTC)),
        ..Default::default()
    };
    assert_eq!(
        hits(&validate_json_with(c, &v, &now)),
        [pair("W-3", "fields.registered_at")]
    );
    // Inside China but outside Shandong.
    let v = with("water.spring", &[("rep_point", json!([104.06, 30.67]))]);
    assert_eq!(check(&v), []);
    let sd = ValidateOptions {
        province_bbox: Some([114.8, 34.3, 122.8, 38.4]),
        ..Default::default()
    };
    assert_eq!(
        hits(&validate_json_with(c, &v, &sd)),
        [pair("S-1", "fields.rep_point")]
    );
    // Before export the review fields are required.
    let v = with(
        "water.spring",
        &[
            ("reviewer", Value::Null),
            ("reviewed_at", Value::Null),
            ("review_result", Value::Null),
        ],
    );
    assert_eq!(check(&v), []);
    let export = ValidateOptions {
        stage: Stage::Export,
        ..Default::default()
    };
    let got = hits(&validate_json_with(c, &v, &export));
    assert_eq!(
        got,
        [
            pair("C-4", "fields.reviewer"),
            pair("C-4", "fields.reviewed_at"),
            pair("C-4", "fields.review_result")
        ]
    );
}

#[test]
fn unknown_fields_suggest_the_closest_key_and_derived_fields_must_agree() {
    let v = with("water.river", &[("lenght_km", json!(12.0))]);
    let f = validate_json(Catalog::builtin(), &v);
    assert_eq!(hits(&f), [pair("field.unknown", "fields.lenght_km")]);
    assert_eq!(f[0].message.params["closest"], "length_km");
    let v = with("water.river", &[("class_code", json!("12200"))]);
    assert_eq!(
        check(&v),
        [pair("field.derived_mismatch", "fields.class_code")]
    );
}

#[test]
fn structural_problems_are_findings() {
    let mut v = valid("water.lake");
    v.as_object_mut().unwrap().remove("record_id");
    assert_eq!(check(&v), [pair("record.id_missing", "record_id")]);
    let mut v = valid("water.lake");
    v["record_id"] = json!("01890a5d-ac96-4d3e-9a3b-8f2c6f9b1a11"); // a v4 UUID
    assert_eq!(check(&v), [pair("record.id_not_v7", "record_id")]);
    let mut v = valid("water.lake");
    v["template"]["version"] = json!("0.9.0");
    assert_eq!(
        check(&v),
        [pair("template.version_mismatch", "template.version")]
    );
    let mut v = valid("water.lake");
    v["geometry"] = json!({"type": "Polygon", "coordinates": "nope"});
    assert_eq!(check(&v), [pair("S-5", "geometry")]);
    let mut v = valid("water.lake");
    v["geometry"] = json!({"type": "Polygon", "coordinates": [[[117.05, 36.23], [117.06, 36.24], [117.06, 36.23], [117.05, 36.24], [117.05, 36.23]]]});
    assert_eq!(check(&v), [pair("S-5", "geometry")], "bowtie polygon");
}

#[test]
fn future_years_and_former_name_order_are_l_1() {
    let opts = ValidateOptions {
        now: Some(time::macros::datetime!(2026-11-23 12:00 UTC)),
        ..Default::default()
    };
    let v = with("nonadmin.dev_zone", &[("established_year", json!(2031))]);
    assert_eq!(
        hits(&validate_json_with(Catalog::builtin(), &v, &opts)),
        [pair("L-1", "fields.established_year")]
    );
    let v = with(
        "water.river",
        &[
            (
                "former_names",
                json!([{"name": "汶水", "from_year": 1990, "to_year": 1950}]),
            ),
            (
                "sources",
                json!([{"kind": "文献", "detail": "《泰安县志》"}]),
            ),
        ],
    );
    assert_eq!(check(&v), [pair("L-1", "fields.former_names[0].from_year")]);
}
