//! GeoPackage export opened by GDAL's own `ogrinfo` (gdal-bin): layer names, feature
//! counts, geometry types and the CGCS2000 SRS must be what the survey holds; classified
//! records are refused without the explicit flag.

// Tests may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;

use common::*;
use serde_json::json;
use toponym_core::{Geometry, SeededIdGenerator};
use toponym_store::{Actor, SearchKeys, StoreError};

fn ogrinfo(path: &std::path::Path, extra: &[&str]) -> String {
    let out = Command::new("ogrinfo")
        .args(["-ro", "-so", "-al"])
        .args(extra)
        .arg(path)
        .output()
        .expect("ogrinfo (apt install gdal-bin) must be installed");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "ogrinfo failed: {err}\n{text}");
    // GDAL prints warnings (bad header, bad SRS, rtree problems) to stderr.
    assert!(
        !err.contains("ERROR") && !err.contains("Warning"),
        "ogrinfo complained: {err}"
    );
    text
}

/// `Feature Count: N` of the layer whose block starts with `Layer name: <layer>`.
fn feature_count(info: &str, layer: &str) -> Option<usize> {
    let block = info.split("Layer name: ").find(|b| b.starts_with(layer))?;
    block
        .lines()
        .find_map(|l| l.strip_prefix("Feature Count: ")?.trim().parse().ok())
}

#[test]
fn ogrinfo_opens_the_export_and_counts_features_per_layer() {
    let (survey, mut store) = new_survey();
    let ids = SeededIdGenerator::new(1_714_550_400_000, 31);
    let actor = Actor::new("王测");
    let mut n_points = 0;
    for i in 0..7 {
        store
            .put_record(
                &point_record(&ids, &format!("点{i}"), 117.0 + i as f64 * 0.01, 36.1),
                &actor,
                None,
                &SearchKeys::default(),
            )
            .unwrap();
        n_points += 1;
    }
    for i in 0..3 {
        let mut r = point_record(&ids, &format!("河{i}"), 117.0, 36.0);
        r.template = template("water.river");
        r.geometry = Some(if i == 0 {
            Geometry::MultiLineString(vec![
                vec![[117.0, 36.0], [117.1, 36.1]],
                vec![[117.2, 36.2], [117.3, 36.2]],
            ])
        } else {
            Geometry::LineString(vec![[117.0, 36.0 + i as f64 * 0.01], [117.2, 36.1]])
        });
        store
            .put_record(&r, &actor, None, &SearchKeys::default())
            .unwrap();
    }
    for i in 0..2 {
        let mut r = point_record(&ids, &format!("湖{i}"), 117.0, 36.0);
        r.template = template("water.lake");
        let d = i as f64 * 0.1;
        r.geometry = Some(Geometry::Polygon(vec![vec![
            [117.0 + d, 36.0],
            [117.05 + d, 36.0],
            [117.05 + d, 36.05],
            [117.0 + d, 36.0],
        ]]));
        store
            .put_record(&r, &actor, None, &SearchKeys::default())
            .unwrap();
    }
    // A record with only a 定位点 goes to the point layer; one with neither is skipped.
    let mut only_point = point_record(&ids, "仅定位点", 117.5, 36.5);
    only_point.geometry = None;
    store
        .put_record(&only_point, &actor, None, &SearchKeys::default())
        .unwrap();
    n_points += 1;
    let mut nowhere = point_record(&ids, "无坐标", 0.0, 0.0);
    nowhere.geometry = None;
    nowhere.fields.remove("rep_point");
    store
        .put_record(&nowhere, &actor, None, &SearchKeys::default())
        .unwrap();

    let out = survey.dir.path().join("taian export.gpkg");
    let report = store.export_gpkg(&out, false, false).unwrap();
    assert_eq!(report.skipped_without_location, 1);
    assert!(report.warnings.is_empty());

    let info = ogrinfo(&out, &[]);
    assert_eq!(
        feature_count(&info, "toponym_points"),
        Some(n_points),
        "{info}"
    );
    assert_eq!(feature_count(&info, "toponym_lines"), Some(3), "{info}");
    assert_eq!(feature_count(&info, "toponym_polygons"), Some(2), "{info}");
    assert!(info.contains("Geometry: Multi Line String"), "{info}");
    assert!(info.contains("Geometry: Multi Polygon"), "{info}");
    assert!(
        info.contains("ID[\"EPSG\",4490]"),
        "SRS is not EPSG:4490:\n{info}"
    );
    assert!(info.contains("standard_name: String"), "{info}");

    // GDAL reads the attribute values and uses the R-tree for a spatial filter.
    let one = ogrinfo(
        &out,
        &[
            "-spat",
            "117.035",
            "36.09",
            "117.045",
            "36.11",
            "-where",
            "standard_name = '点4'",
        ],
    );
    assert_eq!(feature_count(&one, "toponym_points"), Some(1), "{one}");

    // The file is a GeoPackage by its header, not an encrypted blob.
    let head = std::fs::read(&out).unwrap();
    assert_eq!(&head[..16], b"SQLite format 3\0");
    assert_eq!(&head[68..72], &1_196_444_487u32.to_be_bytes());
}

#[test]
fn classified_records_need_the_explicit_flag_and_bring_a_warning() {
    let (survey, mut store) = new_survey();
    let ids = SeededIdGenerator::new(1_714_550_400_000, 32);
    let actor = Actor::new("王测");
    let mut secret = point_record(&ids, "某设施", 117.0, 36.0);
    secret.fields.insert("secrecy".into(), json!("秘密"));
    let mut unmarked = point_record(&ids, "无密级", 117.1, 36.0);
    unmarked.fields.remove("secrecy"); // the census form defaults to 秘密
    store
        .put_record(&secret, &actor, None, &SearchKeys::default())
        .unwrap();
    store
        .put_record(&unmarked, &actor, None, &SearchKeys::default())
        .unwrap();
    store
        .put_record(
            &point_record(&ids, "公开点", 117.2, 36.0),
            &actor,
            None,
            &SearchKeys::default(),
        )
        .unwrap();

    let out = survey.dir.path().join("out.gpkg");
    let err = store.export_gpkg(&out, false, false).unwrap_err();
    assert!(
        matches!(err, StoreError::ClassifiedExport { count: 2 }),
        "{err:?}"
    );
    assert!(!out.exists(), "a refused export must not leave a file");

    let report = store.export_gpkg(&out, true, false).unwrap();
    assert_eq!(report.classified, 2);
    assert_eq!(report.warnings.len(), 1);
    assert!(report.warnings[0].en.contains("NOT encrypted"));
    assert_eq!(
        feature_count(&ogrinfo(&out, &[]), "toponym_points"),
        Some(3)
    );
}
