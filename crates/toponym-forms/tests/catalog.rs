//! The shipped catalogue: 75 templates in 12 categories in census order, consistent
//! class codes, and loading errors that name the file and the JSON path.

#![allow(clippy::unwrap_used)] // test helpers may panic on broken fixtures

use std::path::PathBuf;

use toponym_core::{FixedClock, IdGenerator, SeededIdGenerator};
use toponym_forms::{validate, Catalog, FormsError};

fn schemas_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemas")
}

#[test]
fn builtin_has_75_templates_in_census_order_with_the_documented_category_counts() {
    assert_eq!(Catalog::builtin_error(), None);
    let c = Catalog::builtin();
    assert_eq!(c.templates().len(), 75);
    let cats: Vec<&str> = c.categories().iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        cats,
        [
            "marine",
            "water",
            "terrain",
            "admin",
            "selfgov",
            "nonadmin",
            "settlement",
            "transport",
            "infra",
            "memorial",
            "building",
            "unit"
        ]
    );
    let counts: Vec<usize> = cats
        .iter()
        .map(|id| c.templates().iter().filter(|t| t.category == *id).count())
        .collect();
    assert_eq!(counts, [5, 6, 6, 4, 3, 5, 4, 13, 12, 5, 6, 6]);
    let seqs: Vec<u32> = c.templates().iter().map(|t| t.seq).collect();
    assert_eq!(
        seqs,
        (1..=75).collect::<Vec<_>>(),
        "census order is the seq order"
    );
    assert_eq!(
        c.template("water.river").map(|t| t.name_zh.as_str()),
        Some("河流")
    );
}

#[test]
fn load_dir_agrees_with_the_embedded_catalogue() {
    let disk = Catalog::load_dir(&schemas_dir()).expect("schemas load");
    let builtin = Catalog::builtin();
    assert_eq!(disk.templates(), builtin.templates());
}

#[test]
fn sub_type_selects_the_class_code() {
    let c = Catalog::builtin();
    let clock = FixedClock(time::macros::datetime!(2026-05-01 09:00 +08:00));
    let ids = SeededIdGenerator::new(1_777_000_000_000, 35);
    let t = c.template("transport.highway").unwrap();
    let mut r = c
        .new_record("transport.highway", ids.next_id(), &clock)
        .unwrap();
    assert_eq!(
        c.class_code_for(t, &r),
        "2321x",
        "no grade chosen yet: placeholder"
    );
    for (grade, code) in [
        ("国道", "23211"),
        ("省道", "23212"),
        ("县道", "23213"),
        ("乡道", "23214"),
    ] {
        r.fields.insert("admin_grade".into(), grade.into());
        assert_eq!(c.class_code_for(t, &r), code);
    }
    let p = c.template("building.pavilion").unwrap();
    let mut r = c
        .new_record("building.pavilion", ids.next_id(), &clock)
        .unwrap();
    for (kind, code) in [
        ("亭", "26210"),
        ("台", "26220"),
        ("碑", "26230"),
        ("塔", "26240"),
    ] {
        r.fields.insert("structure_kind".into(), kind.into());
        assert_eq!(c.class_code_for(p, &r), code);
    }
}

#[test]
fn a_blank_record_is_stamped_and_reports_what_is_missing() {
    let c = Catalog::builtin();
    let clock = FixedClock(time::macros::datetime!(2026-05-01 09:00 +08:00));
    let r = c
        .new_record(
            "water.river",
            SeededIdGenerator::new(1_777_000_000_000, 6).next_id(),
            &clock,
        )
        .unwrap();
    assert_eq!(r.template.hash, c.template("water.river").unwrap().hash);
    assert!(r.template.hash.starts_with("sha256:") && r.template.hash.len() == 71);
    assert_eq!(r.fields["class_code"], "12100");
    assert_eq!(r.fields["secrecy"], "秘密");
    assert_eq!(r.fields["registered_at"], "2026-05-01T09:00:00+08:00");
    let f = validate(c, &r);
    let missing: Vec<&str> = f
        .iter()
        .filter(|f| f.message.code == "field.required")
        .map(|f| f.path.as_str())
        .collect();
    for p in [
        "fields.standard_name",
        "fields.length_km",
        "fields.start_point",
        "fields.roman",
        "geometry",
    ] {
        assert!(
            missing.contains(&p),
            "{p} not reported missing: {missing:?}"
        );
    }
    assert!(c.new_record("water.rivr", r.record_id, &clock).is_none());
    assert_eq!(
        c.closest_ids("water.rivr").first().map(String::as_str),
        Some("water.river")
    );
    assert!(c.closest_ids("river").contains(&"water.river".to_owned()));
}

fn copy_schemas(to: &std::path::Path) {
    fn cp(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            let dest = to.join(e.file_name());
            if e.path().is_dir() {
                cp(&e.path(), &dest);
            } else {
                std::fs::copy(e.path(), dest).unwrap();
            }
        }
    }
    cp(&schemas_dir().join("templates"), &to.join("templates"));
    std::fs::copy(
        schemas_dir().join("class-codes.json"),
        to.join("class-codes.json"),
    )
    .unwrap();
}

#[test]
fn a_malformed_template_file_names_the_file_and_the_json_path() {
    let dir = tempfile::tempdir().unwrap();
    copy_schemas(dir.path());
    let f = dir.path().join("templates/water/river.json");
    let text = std::fs::read_to_string(&f).unwrap();
    // Break the kind of the third field.
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["fields"][2]["kind"] = "decimal".into();
    std::fs::write(&f, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    match Catalog::load_dir(dir.path()) {
        Err(FormsError::Schema {
            path, json_path, ..
        }) => {
            assert_eq!(path, "templates/water/river.json");
            assert_eq!(json_path, "fields[2].kind");
        }
        other => panic!("expected a schema error, got {other:?}"),
    }
    // Broken JSON syntax gives line and column.
    std::fs::write(&f, "{\n  \"id\": \"water.river\",\n  oops\n}").unwrap();
    match Catalog::load_dir(dir.path()) {
        Err(FormsError::Json { path, line, .. }) => {
            assert_eq!(path, "templates/water/river.json");
            assert_eq!(line, 3);
        }
        other => panic!("expected a JSON error, got {other:?}"),
    }
}

#[test]
fn a_class_code_key_missing_from_the_table_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    copy_schemas(dir.path());
    let f = dir.path().join("templates/building/pavilion.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
    v["class_code"]["values"]["塔"] = "building.pavilion#宝塔".into();
    std::fs::write(&f, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let e = Catalog::load_dir(dir.path()).unwrap_err().to_string();
    assert!(
        e.contains("templates/building/pavilion.json") && e.contains("宝塔"),
        "{e}"
    );
}

#[test]
fn a_condition_on_a_missing_field_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    copy_schemas(dir.path());
    let f = dir.path().join("templates/infra/well.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
    v["photo_required"]["field"] = "usage_kind".into();
    std::fs::write(&f, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let e = Catalog::load_dir(dir.path()).unwrap_err().to_string();
    assert!(
        e.contains("templates/infra/well.json") && e.contains("usage_kind"),
        "{e}"
    );
}
