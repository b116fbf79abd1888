//! Malformed and truncated inputs, made from the real files: every error names the file,
//! the line and the reason.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns

use toponym_reference::geojson::Datum;
use toponym_reference::{
    builtin, Aliases, Boundaries, CodeHistory, DivisionTable, Edition, Provenance, RefError,
};

fn prov(id: &str, file: &str) -> Provenance {
    Provenance::ad_hoc(id, file, "none")
}

fn real(id: &str) -> &'static str {
    builtin::table(id).unwrap().1
}

#[test]
fn a_file_cut_in_the_middle_of_a_line_is_truncated_at_that_line() {
    let text = real("county_code_history");
    let cut = &text[..text.char_indices().nth(20_000).unwrap().0];
    let lines = cut.lines().count() as u64;
    let e = CodeHistory::parse(prov("h", "county_codes.csv"), cut).unwrap_err();
    assert_eq!(
        e,
        RefError::Truncated {
            file: "county_codes.csv".into(),
            line: lines,
            reason: "the last line has no line end, the file was cut short".into()
        }
    );
    assert!(e.to_string().starts_with("county_codes.csv, line "), "{e}");
}

#[test]
fn a_file_cut_at_a_line_end_inside_a_row_group_still_parses_only_whole_rows() {
    // Cutting exactly after a line end leaves a valid shorter table: nothing is invented.
    let text = real("taian_2021");
    let end = text.match_indices('\n').nth(99).unwrap().0 + 1;
    let e = Edition::parse_nbs(prov("t", "t.csv"), 2021, &text[..end]).unwrap();
    assert_eq!(e.units.len(), 99);
}

#[test]
fn a_bad_value_names_its_line_and_column() {
    let text = real("divisions_2023").replacen("\n370902,3709,2,", "\n37O902,3709,2,", 1);
    let line = text.lines().position(|l| l.contains("37O902")).unwrap() as u64 + 1;
    let e = DivisionTable::parse(prov("d", "divisions.csv"), &text).unwrap_err();
    match e {
        RefError::Malformed {
            file,
            line: l,
            reason,
        } => {
            assert_eq!((file.as_str(), l), ("divisions.csv", line));
            assert!(reason.contains("37O902"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_row_with_a_missing_field_is_reported() {
    let text = real("taian_2016");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[10] = lines[10].rsplit_once(',').unwrap().0.to_owned();
    let bad = lines.join("\n") + "\n";
    let e = Edition::parse_vonng(prov("v", "vonng.csv"), 2016, &bad).unwrap_err();
    assert_eq!(
        e,
        RefError::Malformed {
            file: "vonng.csv".into(),
            line: 11,
            reason: "expected 19 fields, found 18".into()
        }
    );
}

#[test]
fn a_wrong_header_and_an_empty_file_are_refused() {
    let e = CodeHistory::parse(prov("h", "h.csv"), real("taian_2021")).unwrap_err();
    assert!(matches!(e, RefError::Header { .. }), "{e:?}");
    let e = CodeHistory::parse(prov("h", "h.csv"), "").unwrap_err();
    assert!(matches!(e, RefError::Truncated { line: 1, .. }), "{e:?}");
}

#[test]
fn inconsistent_status_and_years_are_malformed() {
    let text = real("county_code_history").replacen(
        "130124,河北省,石家庄市,栾城县,县级,弃用,1986,2014",
        "130124,河北省,石家庄市,栾城县,县级,在用,1986,2014",
        1,
    );
    let e = CodeHistory::parse(prov("h", "h.csv"), &text).unwrap_err();
    assert!(e.to_string().contains("在用 must have no end year"), "{e}");
}

#[test]
fn truncated_geojson_is_truncated_with_a_line() {
    let text = real("taian_boundaries");
    let e = Boundaries::parse(
        prov("b", "fences.geojson"),
        &text[..text.len() / 2],
        Datum::Gcj02,
    )
    .unwrap_err();
    assert!(
        matches!(e, RefError::Truncated { ref file, .. } if file == "fences.geojson"),
        "{e:?}"
    );
}

#[test]
fn a_renaming_line_without_arrow_is_malformed() {
    let (ps, ts) = builtin::table("short_names").unwrap();
    let text = real("county_renamings").replacen("=>", "->", 1);
    let e = Aliases::parse(ps, ts, prov("r", "changes.tsv"), &text).unwrap_err();
    assert_eq!(
        e,
        RefError::Malformed {
            file: "changes.tsv".into(),
            line: 1,
            reason: "no `=>` between the old and the new hierarchy".into()
        }
    );
}
