//! The committed JSON Schemas (schemas/json-schema/, draft 2020-12) agree with the
//! validator on record shape: checked with an independent implementation (the
//! `jsonschema` crate), every valid golden record passes its template's schema, and the
//! golden defects that are about shape (a missing required field, a value outside an enum,
//! a zero length, a wrong geometry type) fail it. Content rules (name characters, date
//! order, extents) are deliberately left to `validate`.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use serde_json::Value;
use toponym_forms::Catalog;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(p: PathBuf) -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
    )
    .unwrap()
}

#[test]
fn golden_records_agree_with_the_committed_json_schemas() {
    let mut checked = 0;
    for t in Catalog::builtin().templates() {
        let schema = read(
            root()
                .join("schemas/json-schema")
                .join(format!("{}.json", t.id)),
        );
        let v = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap_or_else(|e| panic!("{}: {e}", t.id));
        let dir = root().join("crates/toponym-forms/tests/golden").join(&t.id);
        for e in std::fs::read_dir(&dir).unwrap() {
            let path = e.unwrap().path();
            let mut rec = read(path.clone());
            let expect = rec.as_object_mut().unwrap().remove("_expect");
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let errors: Vec<String> = v
                .iter_errors(&rec)
                .map(|e| format!("{} at {}", e, e.instance_path))
                .collect();
            if name.starts_with("valid-") {
                assert!(
                    errors.is_empty(),
                    "{}: valid record fails its schema: {errors:?}",
                    path.display()
                );
            } else {
                let shape_rules = ["C-1", "C-4", "C-5", "C-10", "L-2", "L-6", "S-5"];
                let shape = expect
                    .unwrap()
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|x| shape_rules.contains(&x["rule"].as_str().unwrap_or("")));
                if shape {
                    assert!(
                        !errors.is_empty(),
                        "{}: shape defect passes the schema",
                        path.display()
                    );
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 225);
}
