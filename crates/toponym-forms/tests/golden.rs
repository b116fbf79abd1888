//! Golden records: every template has at least one valid and one invalid record under
//! tests/golden/<template-id>/. Valid records must raise no finding at all; each invalid
//! record lists in `_expect` the exact (rule or code, path) findings it must raise, and
//! raising anything else is a failure too, so a rule that starts firing spuriously shows.

#![allow(clippy::unwrap_used)] // a broken golden file should stop the test loudly

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;
use toponym_forms::{validate_json_with, Catalog, ValidateOptions};

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// The options the golden records are written for: "today" is fixed, the project window is
/// the 2026 survey year, and the project province is Shandong.
fn opts() -> ValidateOptions {
    ValidateOptions {
        now: Some(time::macros::datetime!(2026-11-23 12:00 +08:00)),
        project_window: Some((
            time::macros::datetime!(2026-01-01 00:00 +08:00),
            time::macros::datetime!(2026-12-31 23:59 +08:00),
        )),
        province_bbox: Some([114.8, 34.3, 122.8, 38.4]),
        ..ValidateOptions::default()
    }
}

/// Splits a golden file into the record and its expectations (rule-or-code, path).
fn load(path: &Path) -> (Value, Option<BTreeSet<(String, String)>>) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut v: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let expect = v.as_object_mut().unwrap().remove("_expect").map(|e| {
        e.as_array()
            .unwrap()
            .iter()
            .map(|x| {
                let id = x
                    .get("rule")
                    .or_else(|| x.get("code"))
                    .and_then(Value::as_str)
                    .unwrap();
                (id.to_owned(), x["path"].as_str().unwrap().to_owned())
            })
            .collect()
    });
    (v, expect)
}

fn check(catalog: &Catalog, path: &Path) -> Result<(), String> {
    let (record, expect) = load(path);
    let findings = validate_json_with(catalog, &record, &opts());
    let got: BTreeSet<(String, String)> = findings
        .iter()
        .map(|f| {
            (
                f.rule.clone().unwrap_or_else(|| f.message.code.clone()),
                f.path.clone(),
            )
        })
        .collect();
    let name = path.file_name().unwrap().to_string_lossy();
    let want = match (name.starts_with("valid-"), expect) {
        (true, None) => BTreeSet::new(),
        (false, Some(e)) if !e.is_empty() => e,
        _ => {
            return Err(format!(
                "{}: valid-* must have no _expect, invalid-* a non-empty one",
                path.display()
            ))
        }
    };
    if got != want {
        let detail: Vec<String> = findings
            .iter()
            .map(|f| {
                format!(
                    "  {} {} {} — {}",
                    f.rule.as_deref().unwrap_or("-"),
                    f.severity,
                    f.path,
                    f.message.en
                )
            })
            .collect();
        return Err(format!(
            "{}:\n want {want:?}\n got  {got:?}\n{}",
            path.display(),
            detail.join("\n")
        ));
    }
    Ok(())
}

#[test]
fn every_golden_record_raises_exactly_its_expected_findings() {
    let catalog = Catalog::builtin();
    let mut failures = Vec::new();
    let mut count = 0;
    for t in catalog.templates() {
        let dir = golden_dir().join(&t.id);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("no golden folder for {}", t.id))
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        let valid = files
            .iter()
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("valid-")
            })
            .count();
        let invalid = files
            .iter()
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("invalid-")
            })
            .count();
        assert!(
            valid >= 1 && invalid >= 1,
            "{}: needs valid-* and invalid-* records",
            t.id
        );
        for f in files {
            count += 1;
            if let Err(e) = check(catalog, &f) {
                failures.push(e);
            }
        }
    }
    // No stray folders for templates that do not exist.
    for e in std::fs::read_dir(golden_dir()).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            catalog.template(&name).is_some(),
            "golden folder {name} names no template"
        );
    }
    assert!(
        failures.is_empty(),
        "{} of {count} golden files failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_catalogued_rule_is_tripped_by_some_golden_record() {
    let mut tripped = BTreeSet::new();
    for t in Catalog::builtin().templates() {
        for e in std::fs::read_dir(golden_dir().join(&t.id)).unwrap() {
            if let (_, Some(exp)) = load(&e.unwrap().path()) {
                tripped.extend(exp.into_iter().map(|(r, _)| r));
            }
        }
    }
    let missing: Vec<&str> = toponym_forms::RULES
        .iter()
        .map(|r| r.id)
        .filter(|id| !tripped.contains(*id))
        .collect();
    assert!(
        missing.is_empty(),
        "rules with no golden invalid record: {missing:?}"
    );
}
