//! Tests of the shipped reference tables, read through the same loaders the app uses, with
//! expectations taken from the published sources (not from this code).
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns

use time::macros::date;
use toponym_reference::builtin;
use toponym_reference::history::Validity;
use toponym_reference::DivisionLevel;

#[test]
fn every_shipped_table_matches_its_manifest_hash() {
    let m = builtin::manifest().unwrap();
    assert_eq!(m.len(), 9);
    for p in m {
        let (prov, text) = builtin::table(&p.id).unwrap();
        assert!(!text.is_empty() && !prov.source.is_empty() && !prov.edition.is_empty());
        assert!(
            !prov.reference_date.is_empty(),
            "{} has no reference date",
            prov.id
        );
    }
}

#[test]
fn division_table_has_every_row_and_resolves_6_9_12_digit_codes() {
    let d = builtin::divisions().unwrap();
    // 43,119 lines including the header (SOURCES.md).
    assert_eq!(d.len(), 43_118);
    assert_eq!(d.get("370902").unwrap().full_name, "泰山区");
    assert_eq!(d.get("370902202").unwrap().full_name, "大津口乡");
    assert_eq!(
        d.get("370902202000").unwrap().level,
        DivisionLevel::Township
    );
    let towns: Vec<_> = d.children("370902").map(|t| t.full_name.as_str()).collect();
    assert_eq!(towns.len(), 8, "{towns:?}");
    assert!(towns.contains(&"岱庙街道") && towns.contains(&"邱家店镇"));
    assert!(
        d.get("3709021").is_none(),
        "7 digits is not a division code"
    );
    // The source gives 库伦街道 the township id 150524000 and its county's 12-digit code.
    assert_eq!(d.get("150524000").unwrap().full_name, "库伦街道");
    assert_eq!(d.get("150524000000").unwrap().full_name, "库伦旗");
    assert_eq!(d.get("370900000000").unwrap().full_name, "泰安市");
    // 济源 is a county-level unit directly under 河南 (id 419001 at deep 1).
    assert_eq!(d.get("419001").unwrap().level, DivisionLevel::County);
    assert_eq!(
        d.find_county("泰安市", "岱岳区").unwrap().short_code,
        "370911"
    );
}

#[test]
fn a_county_that_became_a_district_is_invalid_after_its_abolition() {
    let h = builtin::code_history().unwrap();
    // 130124 栾城县 was abolished in 2014 and became 130111 栾城区.
    assert_eq!(
        h.valid_on("130124", date!(2010 - 05 - 01)),
        Validity::Valid {
            name: "栾城县".into()
        }
    );
    match h.valid_on("130124", date!(2016 - 07 - 31)) {
        Validity::Abolished {
            name,
            year,
            successors,
        } => {
            assert_eq!((name.as_str(), year), ("栾城县", 2014));
            assert_eq!(
                successors,
                vec!["130111".to_owned()],
                "the [2001] partial transfer is not the successor"
            );
        }
        other => panic!("expected abolished, got {other:?}"),
    }
    assert!(matches!(
        h.valid_on("130124", date!(2014 - 03 - 01)),
        Validity::ChangedDuringYear {
            year: 2014,
            in_use_after: false
        }
    ));
    assert_eq!(h.successor("130124"), vec!["130111".to_owned()]);
    assert!(h.valid_on("130111", date!(2016 - 07 - 31)).is_valid());
    // 12-digit codes are judged by their county part.
    assert!(!h.valid_on("130124100000", date!(2020 - 01 - 01)).is_valid());
}

#[test]
fn renamed_codes_stay_valid_and_remember_their_former_names() {
    let h = builtin::code_history().unwrap();
    // 370911 was 郊区 from 1985 and has been 岱岳区 since 2000, under the same code.
    assert_eq!(
        h.valid_on("370911", date!(1990 - 01 - 01)),
        Validity::Valid {
            name: "郊区".into()
        }
    );
    assert_eq!(
        h.valid_on("370911", date!(2000 - 06 - 01)),
        Validity::Valid {
            name: "岱岳区".into()
        }
    );
    assert_eq!(
        h.former_names("370911"),
        vec![("郊区".to_owned(), 1985, 2000)]
    );
    assert!(
        h.successor("370911").is_empty(),
        "a code in use has no successor"
    );
    assert_eq!(
        h.valid_on("370983", date!(1990 - 01 - 01)),
        Validity::NotYetCreated { first_year: 1992 }
    );
    assert_eq!(
        h.valid_on("999999", date!(2020 - 01 - 01)),
        Validity::Unknown
    );
}

#[test]
fn successors_are_followed_to_the_code_valid_today() {
    let h = builtin::code_history().unwrap();
    // 372421 陵县 (德州地区) → 371421 陵县 (1994) → 371403 陵城区 (2014).
    assert_eq!(
        h.current_successors("372421", date!(2020 - 01 - 01)),
        vec!["371403".to_owned()]
    );
    // 140211 南郊区 was split in 2018.
    let mut s = h.current_successors("140211", date!(2020 - 01 - 01));
    s.sort();
    assert!(
        s.contains(&"140213".to_owned()) && s.contains(&"140214".to_owned()),
        "{s:?}"
    );
}

#[test]
fn township_changes_fill_merged_cells_and_keep_notes() {
    let t = builtin::township_changes().unwrap();
    assert_eq!(t.changes.len(), 7_642);
    let heshan: Vec<_> = t.by_old_code("370921201").collect();
    assert_eq!(heshan.len(), 1);
    let c = heshan[0];
    assert_eq!(
        (c.year, c.old_name.as_deref(), c.new_code.as_deref()),
        (2015, Some("鹤山乡"), Some("370921113"))
    );
    assert_eq!(c.approval_doc.as_deref(), Some("鲁政函民字〔2015〕35号"));
    assert!(
        c.reason.is_some(),
        "a blank reason is a merged cell and is filled from above"
    );
    assert_eq!(c.province_code, "37");
    // Within 2023 the province cell is merged: 南牛乡's row names 河北, the next row is blank.
    let shangfang = t.by_old_code("130125206").next().unwrap();
    assert_eq!(
        shangfang.province, "河北",
        "the merged province cell is filled from above"
    );
    // The source puts "并入拉马乡" in the new-code column: kept as a note, not a code.
    let haiba = t.by_old_code("513426216").next().unwrap();
    assert_eq!(
        (haiba.new_code.as_deref(), haiba.note.as_deref()),
        (None, Some("并入拉马乡"))
    );
    assert!(t.touching("3709").count() >= 2);
}

#[test]
fn short_names_and_renamings_resolve_to_codes_and_the_typo_surfaces() {
    let a = builtin::aliases().unwrap();
    let d = builtin::divisions().unwrap();
    assert_eq!(a.short_name_of("370902"), Some("泰山"));
    // 119 line ends plus a last line without one.
    assert_eq!(a.renamings.len(), 120);
    let (ok, bad) = a.resolve(&d);
    let xiangyang = ok.iter().find(|f| f.former_name == "襄樊市").unwrap();
    assert_eq!(
        (xiangyang.code.as_str(), xiangyang.name.as_str()),
        ("420600", "襄阳市")
    );
    assert!(bad.iter().any(|u| u.reason.contains("云岗区")), "{bad:?}");
    // The list also says 玉环县 became 玉环区; it became 玉环市 (331083), so this does not resolve.
    assert!(bad.iter().any(|u| u.reason.contains("玉环区")), "{bad:?}");
}
