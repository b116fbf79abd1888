//! The sample survey: reproducible, complete, valid where it should be, defective where
//! it says so, with photos that carry their position and time.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns

use std::collections::{BTreeMap, BTreeSet};

use toponym_forms::{validate_with, Catalog, ValidateOptions};
use toponym_samples::{build, generate, sample_clock, DEMO_PASSPHRASE, REGISTRARS, REVIEWER};
use toponym_store::{KdfParams, Passphrase, Store};

fn opts() -> ValidateOptions {
    ValidateOptions {
        now: Some(toponym_core::Clock::now(&sample_clock())),
        ..Default::default()
    }
}

#[test]
fn two_generations_are_identical() {
    let a = generate().unwrap();
    let b = generate().unwrap();
    assert_eq!(
        serde_json::to_string(&a.records).unwrap(),
        serde_json::to_string(&b.records).unwrap()
    );
    assert_eq!(a.photos.len(), b.photos.len());
    assert!(a
        .photos
        .iter()
        .zip(&b.photos)
        .all(|(x, y)| x.bytes == y.bytes && x.file_name == y.file_name));
}

#[test]
fn the_survey_covers_every_template_with_valid_records_and_real_names() {
    let set = generate().unwrap();
    let catalog = Catalog::builtin();
    assert!(set.records.len() >= 300, "{}", set.records.len());
    let templates: BTreeSet<_> = set.records.iter().map(|r| r.template.id.clone()).collect();
    assert_eq!(templates.len(), catalog.templates().len());
    assert_eq!(templates.len(), 75);
    let defective: BTreeSet<_> = set
        .defects
        .iter()
        .filter_map(|d| d.record_id.clone())
        .collect();
    let mut problems = Vec::new();
    for r in set
        .records
        .iter()
        .filter(|r| !defective.contains(&r.record_id.to_string()))
    {
        for f in validate_with(catalog, r, &opts()) {
            if f.severity.is_blocking() {
                problems.push(format!(
                    "{} {} {}: {} {}",
                    r.template.id,
                    r.standard_name().unwrap_or(""),
                    f.path,
                    f.rule.unwrap_or_default(),
                    f.message.en
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    let people: BTreeSet<_> = set
        .records
        .iter()
        .filter_map(|r| r.text("registrar"))
        .collect();
    assert_eq!(people, REGISTRARS.iter().copied().collect());
    assert!(set
        .records
        .iter()
        .filter(|r| !defective.contains(&r.record_id.to_string()))
        .all(|r| r.text("reviewer") == Some(REVIEWER)));
    // Real names from the 2021 table: the township 岱庙街道 and the new 东郡社区.
    assert!(set
        .records
        .iter()
        .any(|r| r.standard_name() == Some("岱庙街道")));
    assert!(set
        .records
        .iter()
        .any(|r| r.standard_name() == Some("东郡社区居民委员会")));
}

#[test]
fn each_defect_trips_its_rule_where_validation_implements_it() {
    let set = generate().unwrap();
    let catalog = Catalog::builtin();
    let implemented: BTreeSet<&str> = toponym_forms::RULES.iter().map(|r| r.id).collect();
    let rules: BTreeSet<_> = set.defects.iter().map(|d| d.rule.as_str()).collect();
    for want in [
        "N-1", "N-2", "N-3", "N-4", "C-1", "C-2", "C-5", "S-1", "S-3", "S-8", "L-2", "L-4", "K-5",
        "R-2", "R-5", "W-1",
    ] {
        assert!(rules.contains(want), "no defect for {want}");
    }
    let by_id: BTreeMap<_, _> = set
        .records
        .iter()
        .map(|r| (r.record_id.to_string(), r))
        .collect();
    let mut checked = 0;
    for d in &set.defects {
        if !implemented.contains(d.rule.as_str()) {
            continue;
        }
        let Some(id) = &d.record_id else { continue };
        let found = validate_with(catalog, by_id[id], &opts());
        assert!(
            found
                .iter()
                .any(|f| f.rule.as_deref() == Some(d.rule.as_str())),
            "{} not flagged: {found:?}",
            d.rule
        );
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} defects are checkable now");
}

#[test]
fn photos_carry_exif_position_and_time_of_their_record() {
    let set = generate().unwrap();
    assert!(!set.photos.is_empty());
    let defective: BTreeSet<_> = set
        .defects
        .iter()
        .filter_map(|d| d.record_id.clone())
        .collect();
    let photo_of: BTreeMap<String, &toponym_core::Record> = set
        .records
        .iter()
        .filter(|r| !defective.contains(&r.record_id.to_string()))
        .filter_map(|r| {
            Some((
                r.fields
                    .get("media")?
                    .get(0)?
                    .get("file_name")?
                    .as_str()?
                    .to_owned(),
                r,
            ))
        })
        .collect();
    for p in &set.photos {
        let exif = exif::Reader::new()
            .read_from_container(&mut std::io::Cursor::new(&p.bytes))
            .unwrap();
        let deg = |tag| {
            let f = exif.get_field(tag, exif::In::PRIMARY).unwrap();
            match &f.value {
                exif::Value::Rational(v) => {
                    v[0].to_f64() + v[1].to_f64() / 60.0 + v[2].to_f64() / 3600.0
                }
                other => panic!("{other:?}"),
            }
        };
        let (lat, lon) = (deg(exif::Tag::GPSLatitude), deg(exif::Tag::GPSLongitude));
        let rp = photo_of[&p.file_name].rep_point().unwrap();
        assert!(
            (lon - rp[0]).abs() < 1e-6 && (lat - rp[1]).abs() < 1e-6,
            "{lon},{lat} vs {rp:?}"
        );
        let t = exif
            .get_field(exif::Tag::DateTimeOriginal, exif::In::PRIMARY)
            .unwrap();
        assert!(
            t.display_value().to_string().starts_with("2026-"),
            "{}",
            t.display_value()
        );
        image::load_from_memory(&p.bytes).unwrap();
    }
}

#[test]
fn build_writes_files_and_a_survey_that_opens_with_the_demo_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let report = build(dir.path(), KdfParams::insecure_for_tests()).unwrap();
    let first: Vec<_> = std::fs::read_dir(dir.path().join("taishan/records"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(first.len(), report.records);
    let one = std::fs::read(&first[0]).unwrap();
    let again = build(dir.path(), KdfParams::insecure_for_tests()).unwrap();
    assert_eq!(again.records, report.records);
    assert_eq!(std::fs::read(&first[0]).unwrap(), one);
    assert_eq!(
        report.open_entries, 1,
        "every investigation entry is closed by a form or a reason but the C-8 defect"
    );
    let s = Store::open(&report.survey, &Passphrase::new(DEMO_PASSPHRASE)).unwrap();
    assert_eq!(s.count().unwrap() as usize, report.records);
    assert!(Store::open(&report.survey, &Passphrase::new("wrong")).is_err());
    assert_eq!(s.investigation_list(Some("370902")).unwrap().len(), 221);
}

#[test]
fn build_never_replaces_a_survey_that_is_not_the_sample() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("taishan");
    std::fs::create_dir_all(&root).unwrap();
    let own = root.join("taishan.toponym");
    let pass = Passphrase::new("someone else's survey");
    drop(Store::create(&own, &pass, KdfParams::insecure_for_tests()).unwrap());
    let err = build(dir.path(), KdfParams::insecure_for_tests()).unwrap_err();
    assert!(err.to_string().contains("not the sample survey"), "{err}");
    Store::open(&own, &pass).expect("the other survey is intact");
    assert!(
        !root.join("records").exists(),
        "nothing was written beside it"
    );
}
