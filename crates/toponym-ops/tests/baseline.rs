//! Import of the investigation list into a real encrypted survey file, from the real
//! tables and from damaged copies of them written to disk.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns

use toponym_ops::baseline::{import_baseline, load_editions, load_reference_tables};
use toponym_ops::OpsError;
use toponym_reference::{builtin, RefError};
use toponym_store::{Actor, Closure, KdfParams, Passphrase, Store};

fn survey(dir: &tempfile::TempDir) -> Store {
    Store::create(
        dir.path().join("t.toponym"),
        &Passphrase::new("test pass"),
        KdfParams::insecure_for_tests(),
    )
    .unwrap()
}

#[test]
fn both_counties_get_one_entry_per_township_and_committee() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = survey(&dir);
    let (old, new) = load_editions(None, None).unwrap();
    let a = import_baseline(&mut s, "370902", &old, &new).unwrap();
    let b = import_baseline(&mut s, "370911", &old, &new).unwrap();
    // Union of town+village codes: 221 in 泰山区, 732 in 岱岳区 (see the reference tests).
    assert_eq!((a.added, b.added), (221, 732));
    assert!(a.skipped.is_empty() && b.skipped.is_empty());
    assert_eq!(s.investigation_list(Some("370902")).unwrap().len(), 221);
    assert_eq!(s.investigation_list(None).unwrap().len(), 953);
    // Importing again adds nothing.
    assert_eq!(
        import_baseline(&mut s, "370902", &old, &new).unwrap().added,
        0
    );
    let e = s.investigation_entry("370911111212").unwrap().unwrap();
    assert_eq!(
        (e.suggested_status.as_str(), e.old_name.as_deref()),
        ("修改", Some("老宫村委会"))
    );
}

#[test]
fn a_truncated_source_file_fails_with_file_and_line_and_leaves_the_survey_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = survey(&dir);
    let text = builtin::table("taian_2021").unwrap().1;
    let cut = &text[..text.len() - 7];
    let path = dir.path().join("taian_2021_cut.csv");
    std::fs::write(&path, cut).unwrap();
    let err = load_editions(None, Some(&path)).unwrap_err();
    match &err {
        OpsError::Reference(RefError::Truncated { file, line, .. }) => {
            assert!(file.ends_with("taian_2021_cut.csv"));
            assert_eq!(*line, cut.lines().count() as u64);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        err.to_string().contains("taian_2021_cut.csv, line 3846"),
        "{err}"
    );
    assert!(s.investigation_list(None).unwrap().is_empty());
    // A malformed row in the middle names its line too.
    let bad = text.replacen(
        "370902001001,东湖社区居委会",
        "37090200100X,东湖社区居委会",
        1,
    );
    let path = dir.path().join("taian_2021_bad.csv");
    std::fs::write(&path, bad).unwrap();
    let err = load_editions(None, Some(&path)).unwrap_err().to_string();
    assert!(
        err.contains("taian_2021_bad.csv, line 5:") && err.contains("37090200100X"),
        "{err}"
    );
    let _ = &mut s;
}

#[test]
fn entries_close_by_form_or_by_reason_only() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = survey(&dir);
    let (old, new) = load_editions(None, None).unwrap();
    import_baseline(&mut s, "370911", &old, &new).unwrap();
    let actor = Actor::new("王芳");
    let empty = Closure::NotFound {
        reason: "  ".into(),
    };
    let err = s
        .close_investigation_entry("370911001214", &empty, &actor)
        .unwrap_err()
        .to_string();
    assert!(err.contains("C-8"), "{err}");
    s.close_investigation_entry(
        "370911001214",
        &Closure::Abolished {
            reason: "2019年村改居，改设堰西社区居委会（370911001017）".into(),
        },
        &actor,
    )
    .unwrap();
    let ghost = Closure::Form {
        record_id: "019e19ea-8360-77bd-8a0d-e223160155e3".into(),
    };
    assert!(
        s.close_investigation_entry("370911001017", &ghost, &actor)
            .is_err(),
        "the record must exist"
    );
    let open = s.open_investigation_entries(Some("370911")).unwrap();
    assert_eq!(open.len(), 731);
}

#[test]
fn reference_tables_load_with_provenance_and_refuse_writes() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = survey(&dir);
    let loaded = load_reference_tables(&mut s, None).unwrap();
    assert_eq!(loaded.len(), 8);
    // Derived aliases: 泰山区's 简称, 岱岳区's former name 郊区, 襄阳市's former name 襄樊市.
    let taishan = s
        .reference_row("aliases_by_code", "370902")
        .unwrap()
        .unwrap();
    assert_eq!(taishan["short_name"], "泰山");
    let daiyue = s
        .reference_row("aliases_by_code", "370911")
        .unwrap()
        .unwrap();
    assert_eq!(daiyue["former_names"][0]["name"], "郊区");
    let xiangyang = s
        .reference_row("aliases_by_code", "420600")
        .unwrap()
        .unwrap();
    assert!(
        xiangyang["former_names"].to_string().contains("襄樊市"),
        "{xiangyang}"
    );
    let infos = s.reference_tables().unwrap();
    let hist = infos
        .iter()
        .find(|t| t.table_id == "county_code_history")
        .unwrap();
    assert_eq!(hist.row_count, 6_823);
    assert_eq!(hist.provenance["licence"], "CC0-1.0");
    let fences = infos
        .iter()
        .find(|t| t.table_id == "taian_boundaries")
        .unwrap();
    assert!(fences.provenance["conversion"]
        .as_str()
        .unwrap()
        .contains("GCJ-02"));
    let taishan = s
        .reference_row("divisions_2023", "370902")
        .unwrap()
        .unwrap();
    assert_eq!(taishan["full_name"], "泰山区");
    assert_eq!(
        s.reference_rows("divisions_2023", "370902").unwrap().len(),
        9
    );
    let err = s
        .execute_raw_for_tests("UPDATE ref_rows SET row = '{}' WHERE key = '370902'")
        .unwrap_err();
    assert!(err.to_string().contains("read-only"), "{err}");
    let err = s
        .execute_raw_for_tests("DELETE FROM ref_tables")
        .unwrap_err();
    assert!(err.to_string().contains("read-only"), "{err}");
}

#[test]
fn a_file_cut_inside_a_chinese_character_is_truncated_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = builtin::table("taian_2016").unwrap().1.as_bytes();
    // Cut one byte into the first multi-byte character after byte 100 000.
    let mut at = 100_000;
    while text[at] < 0x80 {
        at += 1;
    }
    let path = dir.path().join("cut.csv");
    std::fs::write(&path, &text[..at + 1]).unwrap();
    let line = text[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    match load_editions(Some(&path), None).unwrap_err() {
        OpsError::Reference(RefError::Truncated { file, line: l, .. }) => {
            assert!(file.ends_with("cut.csv"));
            assert_eq!(l, line);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_scoped_load_keeps_only_the_province_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = survey(&dir);
    load_reference_tables(&mut s, Some("37")).unwrap();
    let infos = s.reference_tables().unwrap();
    let d = infos
        .iter()
        .find(|t| t.table_id == "divisions_2023")
        .unwrap();
    assert!(d.provenance["scope"].as_str().unwrap().contains("37"));
    assert!(s
        .reference_row("divisions_2023", "370902")
        .unwrap()
        .is_some());
    assert!(s
        .reference_row("divisions_2023", "110101")
        .unwrap()
        .is_none());
    let h = infos
        .iter()
        .find(|t| t.table_id == "county_code_history")
        .unwrap();
    assert!(h.row_count > 100 && h.row_count < 1_000, "{}", h.row_count);
}
