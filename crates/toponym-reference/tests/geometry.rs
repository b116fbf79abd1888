//! The Tai'an outlines (converted from GCJ-02) and the Yellow River line, checked against
//! each other and against the 2016 village centres.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns

use toponym_core::Geometry;
use toponym_reference::builtin;

#[test]
fn converted_village_centres_fall_inside_their_converted_county() {
    let b = builtin::taian_boundaries().unwrap();
    let old = builtin::taian_2016().unwrap();
    assert_eq!(b.areas.len(), 7);
    assert!(b
        .provenance
        .conversion
        .as_deref()
        .unwrap_or("")
        .contains("GCJ-02"));
    let mut total = 0;
    let mut inside = 0;
    for u in old
        .units
        .values()
        .filter(|u| u.point.is_some() && u.code[6..] != *"000000")
    {
        let county = &u.code[..6];
        if b.area(county).is_none() {
            continue;
        }
        total += 1;
        if b.within(county, u.point.unwrap(), 50.0) == Some(true) {
            inside += 1;
        }
    }
    assert!(total > 200, "{total}");
    // Both layers were shifted by the same formula, so nearly all points agree.
    assert!(inside * 100 >= total * 97, "{inside}/{total}");
}

#[test]
fn containing_and_distance_answer_in_metres() {
    let b = builtin::taian_boundaries().unwrap();
    let old = builtin::taian_2016().unwrap();
    let taishan = old.units["370902000000"].point.unwrap();
    let codes: Vec<_> = b
        .containing(taishan)
        .iter()
        .map(|a| a.code.as_str())
        .collect();
    assert_eq!(codes, vec!["370902", "370900"]);
    assert_eq!(b.distance_m("370902", taishan), Some(0.0));
    // 济南 趵突泉 (117.016, 36.661) is ~30 km north of 泰安's northern edge.
    let d = b.distance_m("370900", [117.016, 36.661]).unwrap();
    assert!(d > 5_000.0 && d < 60_000.0, "{d}");
    assert_eq!(b.within("370902", [117.016, 36.661], 25.0), Some(false));
    assert_eq!(b.distance_m("110101", taishan), None);
}

#[test]
fn yellow_river_is_a_line_that_crosses_dongping() {
    use geo::Intersects;
    let (p, river) = builtin::yellow_river().unwrap();
    assert_eq!(p.crs, "WGS84");
    let Geometry::MultiLineString(parts) = &river.geometry else {
        panic!("not a MultiLineString")
    };
    assert_eq!(parts.iter().map(Vec::len).sum::<usize>(), 210);
    let b = builtin::taian_boundaries().unwrap();
    // The Yellow River runs along the north-west of 东平县 (370923), not through 泰山区.
    let dongping = b.area("370923").unwrap().geometry.to_geo();
    let taishan = b.area("370902").unwrap().geometry.to_geo();
    let line = river.geometry.to_geo();
    assert!(line.intersects(&dongping));
    assert!(!line.intersects(&taishan));
    // S-4: the counties the line crosses, counties before the prefecture.
    let crossed: Vec<_> = b
        .crossed(&river.geometry)
        .iter()
        .map(|a| a.code.as_str())
        .collect();
    assert!(
        crossed.contains(&"370923") && !crossed.contains(&"370902"),
        "{crossed:?}"
    );
    assert_eq!(crossed.last(), Some(&"370900"));
}
