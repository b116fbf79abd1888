//! The app's use cases on a real encrypted survey file, without a window: unlock (and a
//! wrong passphrase), save and reopen, the completion gate, the investigation list with
//! name and pinyin search, the home counts, the audit history and photos.

use serde_json::json;
use toponym_desktop::dto::{EntryStatus, GeometryDto, ListFilter};
use toponym_desktop::{AppError, Session};

const PASS: &str = "correct horse 泰山";

fn new_survey() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("t.toponym");
    Session::unlock(&path, PASS, true).expect("create survey");
    (dir, path)
}

#[test]
fn wrong_passphrase_is_a_coded_error_and_the_right_one_opens() {
    let (_dir, path) = new_survey();
    match Session::unlock(&path, "wrong", false) {
        Err(e @ AppError::WrongPassphrase { .. }) => {
            let v = serde_json::to_value(&e).unwrap();
            assert_eq!(v["code"], "survey.wrong_passphrase");
            assert!(v["message"].as_str().unwrap().contains("t.toponym"), "{v}");
        }
        Err(other) => panic!("expected WrongPassphrase, got {other:?}"),
        Ok(_) => panic!("a wrong passphrase opened the survey"),
    }
    let missing = path.with_file_name("missing.toponym");
    assert!(matches!(
        Session::unlock(&missing, PASS, false),
        Err(AppError::SurveyNotFound { .. })
    ));
    let s = Session::unlock(&path, PASS, false).expect("right passphrase");
    assert_eq!(s.info().record_count, 0);
}

#[test]
fn a_short_passphrase_or_a_damaged_file_is_a_coded_error_the_ui_can_translate() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("n.toponym");
    match Session::unlock(&path, "short", true) {
        Err(e @ AppError::Survey { .. }) => {
            let v = serde_json::to_value(&e).unwrap();
            assert_eq!(v["code"], "survey.weak_passphrase");
            assert_eq!(v["params"]["min"], "8");
        }
        Err(other) => panic!("expected a weak-passphrase error, got {other:?}"),
        Ok(_) => panic!("a 5-character passphrase made a survey"),
    }
    assert!(!path.exists());
    let (_d, path) = new_survey();
    for ext in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
    std::fs::write(&path, b"").unwrap();
    match Session::unlock(&path, PASS, false) {
        Err(e @ AppError::Survey { .. }) => {
            let v = serde_json::to_value(&e).unwrap();
            assert_eq!(v["code"], "survey.not_a_survey");
            assert!(
                v["params"]["path"].as_str().unwrap().ends_with("t.toponym"),
                "{v}"
            );
        }
        Err(other) => panic!("expected not-a-survey, got {other:?}"),
        Ok(_) => panic!("an empty file opened as a survey"),
    }
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
}

#[test]
fn a_saved_record_reopens_intact_and_completion_is_gated() {
    let (_dir, path) = new_survey();
    let mut s = Session::unlock(&path, PASS, false).unwrap();
    let opened = s.record_new("water.lake").unwrap();
    let mut rec = opened.record;
    assert!(
        opened.findings.iter().any(|f| f.blocking),
        "a blank form has open required fields"
    );
    rec.fields.insert("standard_name".into(), json!("天平湖"));
    rec.fields
        .insert("admin_areas".into(), json!(["370911100"]));
    rec.geometry = Some(GeometryDto::Polygon(vec![vec![
        [117.06, 36.23],
        [117.08, 36.23],
        [117.08, 36.245],
        [117.06, 36.245],
        [117.06, 36.23],
    ]]));
    let id = rec.id.clone();

    // Completing with required fields missing is refused, but the values are saved.
    let out = s.record_save(rec.clone(), true).unwrap();
    assert!(out.refused);
    assert_eq!(out.status, EntryStatus::Draft);
    assert!(
        out.findings
            .iter()
            .any(|f| f.blocking && f.path == "fields.area_km2"),
        "{:?}",
        out.findings
    );

    let back = Session::unlock(&path, PASS, false)
        .unwrap()
        .record_open(&id)
        .unwrap();
    assert_eq!(back.record.fields["standard_name"], json!("天平湖"));
    assert_eq!(back.record.geometry, rec.geometry);
    assert_eq!(back.record.status, EntryStatus::Draft);
    // The app derived the representative point (inside the polygon) and the extent.
    let p = back.record.fields["rep_point"].as_array().unwrap();
    let (x, y) = (p[0].as_f64().unwrap(), p[1].as_f64().unwrap());
    assert!(
        (117.06..=117.08).contains(&x) && (36.23..=36.245).contains(&y),
        "{p:?}"
    );
    assert_eq!(
        back.record.fields["extent"],
        json!([117.06, 36.23, 117.08, 36.245])
    );
    assert_eq!(
        back.record.fields["registrar"]
            .as_str()
            .map(|s| !s.is_empty()),
        Some(true)
    );
    assert!(!back.record.fields.contains_key("workflow_status"));
    assert_eq!(back.record.status, EntryStatus::Draft);

    // Each save is one history entry, newest first, naming what changed.
    let mut again = back.record.clone();
    again.fields.insert("remarks".into(), json!("湖边有石碑"));
    s.record_save(again, false).unwrap();
    let h = s.history(&id).unwrap();
    assert_eq!(h.len(), 2, "{h:?}");
    assert_eq!(h[0].action, "update");
    assert!(
        h[0].changes
            .iter()
            .any(|c| c.path.contains("remarks") && c.after == json!("湖边有石碑")),
        "{h:?}"
    );
    assert_eq!(h[1].action, "create");
}

#[test]
fn the_list_filters_and_finds_names_by_characters_and_pinyin() {
    let (_dir, path) = new_survey();
    let mut s = Session::unlock(&path, PASS, false).unwrap();
    for (tpl, name, town) in [
        ("water.spring", "王母池", "370902001"),
        ("water.river", "梳洗河", "370902001"),
        ("terrain.peak", "傲徕峰", "370902002"),
    ] {
        let mut r = s.record_new(tpl).unwrap().record;
        r.fields.insert("standard_name".into(), json!(name));
        r.fields.insert("admin_areas".into(), json!([town]));
        s.record_save(r, false).unwrap();
    }
    let all = s.list_entries(&ListFilter::default(), 0, 100).unwrap();
    assert_eq!(all.total, 3);
    let mut by = |f: ListFilter| {
        s.list_entries(&f, 0, 100)
            .map(|p| p.rows.iter().map(|r| r.name.clone()).collect::<Vec<_>>())
    };
    let q = |text: &str| ListFilter {
        query: Some(text.into()),
        ..Default::default()
    };
    assert_eq!(by(q("母池")).unwrap(), ["王母池"]);
    assert_eq!(by(q("shuxi")).unwrap(), ["梳洗河"]);
    assert_eq!(
        by(ListFilter {
            template_id: Some("terrain.peak".into()),
            ..Default::default()
        })
        .unwrap(),
        ["傲徕峰"]
    );
    assert_eq!(
        by(ListFilter {
            category: Some("water".into()),
            ..Default::default()
        })
        .unwrap()
        .len(),
        2
    );
    assert_eq!(
        by(ListFilter {
            township: Some("370902001".into()),
            ..Default::default()
        })
        .unwrap()
        .len(),
        2
    );
    assert_eq!(
        by(ListFilter {
            status: Some(EntryStatus::Complete),
            ..Default::default()
        })
        .unwrap()
        .len(),
        0
    );
    let home = s.home_summary().unwrap();
    assert_eq!(home.total.draft, 3);
    assert_eq!(
        home.categories
            .iter()
            .map(|c| c.category.as_str())
            .collect::<Vec<_>>(),
        ["water", "terrain"]
    );
    // Paging: a window of the filtered list.
    let page = s.list_entries(&ListFilter::default(), 1, 1).unwrap();
    assert_eq!((page.total, page.offset, page.rows.len()), (3, 1, 1));
}

#[test]
fn romanisation_is_live_and_photos_get_thumbnails() {
    let (_dir, path) = new_survey();
    let mut s = Session::unlock(&path, PASS, false).unwrap();
    let r = s.romanise("泰山", "terrain.peak", Some("370902"));
    assert_eq!(r.roman, "Tài Shān");
    let mut rec = s.record_new("terrain.peak").unwrap().record;
    rec.fields.insert("standard_name".into(), json!("泰山"));
    let id = rec.id.clone();
    let stale = rec.clone();
    s.record_save(rec, false).unwrap();

    // A real PNG, encoded here, goes in; a JPEG thumbnail comes out.
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 120]));
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let m = s.media_attach(&id, "泰山.png", &png).unwrap();
    assert!(
        m.thumbnail.starts_with("data:image/jpeg;base64,"),
        "{}",
        &m.thumbnail[..40]
    );
    assert_eq!(s.media_list(&id).unwrap().len(), 1);
    // Not an image: refused with a coded error, nothing attached.
    let err = s
        .media_attach(&id, "notes.png", b"not an image")
        .unwrap_err();
    assert_eq!(err.code(), "media.bad_photo");
    assert_eq!(s.media_list(&id).unwrap().len(), 1);
    // A save from the form as it was before the photo was attached (its copy has no
    // `media`) keeps the photo: the list belongs to media_attach, not to the form.
    s.record_save(stale, false).unwrap();
    assert_eq!(s.media_list(&id).unwrap().len(), 1);
}

#[test]
fn coordinates_parse_as_decimal_or_dms() {
    use toponym_desktop::parse_coords;
    let c = parse_coords("117°07′30″E 36°14′24″N");
    let [x, y] = c.lon_lat.unwrap();
    assert!((x - 117.125).abs() < 1e-9 && (y - 36.24).abs() < 1e-9);
    assert!(parse_coords("117.1 36.2").lon_lat.is_some());
    assert!(parse_coords("north of the temple").lon_lat.is_none());
}

#[test]
fn a_live_check_gives_the_findings_a_save_would_and_stores_nothing() {
    let (_dir, path) = new_survey();
    let mut s = Session::unlock(&path, PASS, false).unwrap();
    let mut rec = s.record_new("water.river").unwrap().record;
    rec.fields.insert("standard_name".into(), json!("梳洗河"));
    let geometry_findings = |f: &[toponym_desktop::dto::FindingDto]| {
        f.iter()
            .filter(|f| f.path == "geometry")
            .map(|f| f.message.code.clone())
            .collect::<Vec<_>>()
    };
    // No line yet: the check reports the missing geometry, as a save would.
    let before = s.record_check(&rec).unwrap();
    assert!(!geometry_findings(&before).is_empty(), "{before:?}");
    rec.geometry = Some(GeometryDto::LineString(vec![
        [117.09, 36.18],
        [117.11, 36.2],
        [117.13, 36.215],
    ]));
    let checked = s.record_check(&rec).unwrap();
    assert!(geometry_findings(&checked).is_empty(), "{checked:?}");
    assert_eq!(s.info().record_count, 0, "a check stores nothing");
    let saved = s.record_save(rec, false).unwrap();
    let codes = |f: &[toponym_desktop::dto::FindingDto]| {
        let mut v: Vec<_> = f
            .iter()
            .map(|f| (f.path.clone(), f.message.code.clone()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(codes(&checked), codes(&saved.findings));
}
