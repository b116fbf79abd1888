//! The input limits of validation (issue 12): a text over its length limit, a list with
//! too many items, a coordinate that is no position on the Earth, a geometry with too many
//! vertices, and a record with more findings than a report holds. Each is an ERROR
//! finding (so a record marked complete is refused) and costs no more than the limit.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use serde_json::{json, Value};
use toponym_core::Severity;
use toponym_forms::{limits, validate_json, Catalog};

fn valid(template: &str) -> Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(template)
        .join("valid-1.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn codes(v: &Value) -> Vec<(String, String, Severity)> {
    validate_json(Catalog::builtin(), v)
        .into_iter()
        .map(|f| (f.rule.unwrap_or(f.message.code.clone()), f.path, f.severity))
        .collect()
}

#[test]
fn a_valid_record_has_no_limit_findings() {
    let got = codes(&valid("water.river"));
    assert!(got.iter().all(|c| !c.0.starts_with("field.too")), "{got:?}");
}

#[test]
fn a_name_over_its_limit_is_one_error_and_no_other_name_finding() {
    let max = limits::builtin().text_max_chars.name;
    let mut v = valid("water.river");
    // Full-width digits would trip N-3 in a short name; over the limit only the length counts.
    v["fields"]["standard_name"] = json!("１".repeat(max + 1));
    let got = codes(&v);
    let on_name: Vec<_> = got
        .iter()
        .filter(|c| c.1 == "fields.standard_name")
        .collect();
    assert_eq!(on_name.len(), 1, "{got:?}");
    assert_eq!(on_name[0].0, "field.too_long");
    assert_eq!(on_name[0].2, Severity::Error);
    // At the limit exactly: no length finding.
    v["fields"]["standard_name"] = json!("河".repeat(max));
    assert!(codes(&v).iter().all(|c| c.0 != "field.too_long"));
}

#[test]
fn a_narrative_has_a_longer_limit_than_a_name() {
    let t = &limits::builtin().text_max_chars;
    let mut v = valid("water.river");
    v["fields"]["history"] = json!("史".repeat(t.name + 10));
    assert!(codes(&v).iter().all(|c| c.0 != "field.too_long"));
    v["fields"]["history"] = json!("史".repeat(t.narrative + 1));
    assert!(codes(&v)
        .iter()
        .any(|c| c.0 == "field.too_long" && c.1 == "fields.history"));
}

#[test]
fn a_list_with_too_many_items_is_an_error() {
    let max = limits::builtin().list_max_items;
    let mut v = valid("water.river");
    let items: Vec<Value> = (0..max + 5)
        .map(|i| json!({"name": format!("别名{i}")}))
        .collect();
    v["fields"]["aliases"] = Value::Array(items);
    let got = codes(&v);
    assert!(
        got.iter()
            .any(|c| c.0 == "field.too_many_items" && c.1 == "fields.aliases"),
        "{got:?}"
    );
}

#[test]
fn coordinates_beyond_the_earth_are_errors() {
    let mut v = valid("terrain.peak");
    v["fields"]["rep_point"] = json!([1e308, 36.2]);
    assert!(codes(&v)
        .iter()
        .any(|c| c.0 == "field.type" && c.1 == "fields.rep_point"));
    let mut v = valid("water.river");
    v["geometry"] = json!({"type": "LineString", "coordinates": [[117.0, 36.0], [117.1, 1e308]]});
    assert!(codes(&v).iter().any(|c| c.0 == "S-5"), "{:?}", codes(&v));
}

#[test]
fn a_geometry_with_too_many_vertices_is_an_error() {
    let n = toponym_core::limits::GEOMETRY_MAX_VERTICES + 1;
    let line: Vec<Value> = (0..n)
        .map(|i| json!([117.0 + i as f64 * 1e-7, 36.0]))
        .collect();
    let mut v = valid("water.river");
    v["geometry"] = json!({"type": "LineString", "coordinates": line});
    let got = validate_json(Catalog::builtin(), &v);
    assert!(
        got.iter()
            .any(|f| f.rule.as_deref() == Some("S-5") && f.message.en.contains("vertices")),
        "{got:?}"
    );
}

#[test]
fn a_record_with_a_million_bad_values_reports_a_bounded_number_of_findings() {
    let max = limits::builtin().findings_per_record_max;
    let mut v = valid("water.river");
    let fields = v["fields"].as_object_mut().unwrap();
    for i in 0..20_000 {
        fields.insert(format!("unknown_{i}"), json!(i));
    }
    let got = validate_json(Catalog::builtin(), &v);
    assert_eq!(got.len(), max + 1, "kept findings plus one summary");
    let last = got.last().unwrap();
    assert_eq!(last.message.code, "record.too_many_findings");
    assert_eq!(last.severity, Severity::Error);
}
