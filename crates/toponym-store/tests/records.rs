//! Records in a real encrypted survey file: create/open, wrong passphrase, insert and
//! update with audit entries, the record as it was, name search, bounding-box search with
//! exact confirmation, listing filters, and all-or-nothing batches.

// Tests may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::*;
use serde_json::json;
use time::Duration;
use toponym_core::{FixedClock, Geometry, SeededIdGenerator};
use toponym_store::{Actor, KdfParams, ListFilter, SearchKeys, Store, StoreError, WorkflowStatus};

#[test]
fn create_then_reopen_keeps_records_and_schema_version() {
    let (survey, mut store) = new_survey();
    let ids = SeededIdGenerator::new(1_714_550_400_000, 1);
    let r = point_record(&ids, "泰山", 117.1, 36.26);
    assert!(store
        .put_record(&r, &Actor::new("王测"), None, &SearchKeys::default())
        .unwrap());
    drop(store);
    let store = Store::open(&survey.path, &pass()).unwrap();
    assert_eq!(store.schema_version().unwrap(), 101);
    assert!(store.is_encrypted());
    assert_eq!(store.get_record(&r.record_id).unwrap(), Some(r));
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

#[test]
fn wrong_passphrase_is_a_clear_error() {
    let (survey, store) = new_survey();
    drop(store);
    let err = Store::open(&survey.path, &toponym_store::Passphrase::new("泰山")).unwrap_err();
    assert!(matches!(err, StoreError::WrongPassphrase { .. }), "{err:?}");
    assert!(err.to_string().contains("wrong passphrase"), "{err}");
    // The right one still works afterwards: the failed attempt changed nothing.
    Store::open(&survey.path, &pass()).unwrap();
}

#[test]
fn create_refuses_to_overwrite_and_open_reports_missing_files() {
    let (survey, store) = new_survey();
    drop(store);
    let again = Store::create(&survey.path, &pass(), KdfParams::insecure_for_tests()).unwrap_err();
    assert!(
        matches!(again, StoreError::AlreadyExists { .. }),
        "{again:?}"
    );
    let missing = Store::open(survey.dir.path().join("nope.toponym"), &pass()).unwrap_err();
    assert!(
        matches!(missing, StoreError::NotFound { .. }),
        "{missing:?}"
    );
    std::fs::remove_file(toponym_store::sidecar_path(&survey.path)).unwrap();
    let no_sidecar = Store::open(&survey.path, &pass()).unwrap_err();
    assert!(
        matches!(no_sidecar, StoreError::NotASurvey { ref detail, .. } if detail.contains(".toponym-kdf")),
        "{no_sidecar}"
    );
}

#[test]
fn updates_append_one_audit_entry_per_changed_field_and_history_rebuilds_the_past() {
    let (_survey, mut store) = new_survey();
    let ids = SeededIdGenerator::new(1_714_550_400_000, 2);
    let keys = SearchKeys::default();
    let mut r = point_record(&ids, "泰山", 117.1, 36.26);
    let v1 = r.clone();
    store
        .put_record(&r, &Actor::new("王测"), None, &keys)
        .unwrap();

    // Same record again: nothing changes, no entry.
    store.set_clock(Arc::new(FixedClock(T0 + Duration::hours(1))));
    assert!(!store
        .put_record(&r, &Actor::new("王测"), None, &keys)
        .unwrap());

    store.set_clock(Arc::new(FixedClock(T0 + Duration::hours(2))));
    r.fields.insert("standard_name".into(), json!("泰山主峰"));
    r.fields.insert("elevation_m".into(), json!(1532.7));
    r.fields.remove("census_status");
    r.geometry = Some(Geometry::Point([117.101, 36.256]));
    let v2 = r.clone();
    store
        .put_record(&r, &Actor::new("李审"), Some("实测更正"), &keys)
        .unwrap();

    let h = store.history(&r.record_id).unwrap();
    let fields: Vec<&str> = h.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "*",
            "geometry",
            "fields.standard_name",
            "fields.elevation_m",
            "fields.census_status"
        ]
    );
    let name = &h[2];
    assert_eq!(
        (name.actor.as_str(), name.reason.as_deref()),
        ("登记人", Some("实测更正")),
        "the unlocked member acts, whatever name the caller gives"
    );
    assert_eq!(
        (name.old_value.clone(), name.new_value.clone()),
        (Some(json!("泰山")), Some(json!("泰山主峰")))
    );
    assert_eq!(h[4].new_value, None);
    assert_eq!(h[1].at, T0 + Duration::hours(2));

    assert_eq!(
        store
            .record_at(&r.record_id, T0 - Duration::seconds(1))
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .record_at(&r.record_id, T0 + Duration::hours(1))
            .unwrap(),
        Some(v1)
    );
    assert_eq!(
        store
            .record_at(&r.record_id, T0 + Duration::hours(3))
            .unwrap(),
        Some(v2.clone())
    );
    assert_eq!(store.get_record(&r.record_id).unwrap(), Some(v2));
    assert!(store.verify_audit_chain().unwrap().is_intact());
}

#[test]
fn name_search_finds_characters_pinyin_spaced_pinyin_aliases_and_former_names() {
    let (_survey, mut store) = new_survey();
    let ids = SeededIdGenerator::new(1_714_550_400_000, 3);
    let actor = Actor::new("王测");
    let mut taishan = point_record(&ids, "泰山", 117.1, 36.26);
    taishan
        .fields
        .insert("aliases".into(), json!([{"name": "岱宗", "kind": "雅称"}]));
    taishan.fields.insert(
        "former_names".into(),
        json!([{"name": "东岳", "from_year": 1000}]),
    );
    let taishan_keys = SearchKeys::new(["taishan", "daizong", "dongyue"]);
    let taishan_city = point_record(&ids, "泰山区", 117.13, 36.19);
    let other = point_record(&ids, "徂徕山", 117.3, 36.0);
    store
        .put_record(&taishan, &actor, None, &taishan_keys)
        .unwrap();
    store
        .put_record(&taishan_city, &actor, None, &SearchKeys::new(["taishanqu"]))
        .unwrap();
    store
        .put_record(&other, &actor, None, &SearchKeys::new(["culaishan"]))
        .unwrap();

    fn found(store: &Store, q: &str) -> Vec<toponym_core::RecordId> {
        store
            .search_names(q, 10)
            .unwrap()
            .into_iter()
            .map(|h| h.summary.record_id)
            .collect()
    }
    let ids_for = |q: &str| found(&store, q);
    // Exact match ranks first; the longer name that starts the same comes after.
    for q in ["泰山", "taishan", "tai shan", "Tài Shān", "TAISHAN"] {
        assert_eq!(
            ids_for(q),
            vec![taishan.record_id, taishan_city.record_id],
            "{q}"
        );
    }
    assert_eq!(ids_for("岱宗"), vec![taishan.record_id]);
    assert_eq!(ids_for("东岳"), vec![taishan.record_id]);
    assert_eq!(ids_for("dongyue"), vec![taishan.record_id]);
    // Any part of a character name: 山 is in all three.
    assert_eq!(ids_for("山").len(), 3);
    assert_eq!(ids_for("徕"), vec![other.record_id]);
    assert!(ids_for("华山").is_empty());
    assert!(ids_for("  ").is_empty());
    let hit = &store.search_names("岱宗", 1).unwrap()[0];
    assert_eq!(
        (hit.kind.as_str(), hit.matched_key.as_str()),
        ("alias", "岱宗")
    );

    // A rename moves the keys: the old name no longer finds it.
    let mut renamed = other.clone();
    renamed
        .fields
        .insert("standard_name".into(), json!("徂徕山林场"));
    store
        .put_record(&renamed, &actor, None, &SearchKeys::default())
        .unwrap();
    assert!(found(&store, "culaishan").is_empty());
    assert_eq!(found(&store, "林场"), vec![other.record_id]);

    // New pinyin keys alone (the record unchanged) replace the old keys without an
    // audit entry: keys are derived data, not part of the record.
    let before = store.history(&taishan_city.record_id).unwrap().len();
    store
        .put_record(&taishan_city, &actor, None, &SearchKeys::new(["taian"]))
        .unwrap();
    assert_eq!(found(&store, "taian"), vec![taishan_city.record_id]);
    assert_eq!(found(&store, "taishanqu"), vec![]);
    assert_eq!(
        store.history(&taishan_city.record_id).unwrap().len(),
        before
    );
}

#[test]
fn bbox_query_confirms_candidates_exactly() {
    let (_survey, mut store) = new_survey();
    let ids = SeededIdGenerator::new(1_714_550_400_000, 4);
    let actor = Actor::new("王测");
    let keys = SearchKeys::default();
    let inside = point_record(&ids, "内点", 117.05, 36.05);
    let edge = point_record(&ids, "边点", 117.1, 36.1);
    let outside = point_record(&ids, "外点", 117.2, 36.2);
    // A diagonal river whose bounding box covers the query box's corner but whose line
    // passes well away from it: an R*Tree candidate that the exact test must drop.
    let mut river = point_record(&ids, "斜河", 117.0, 36.3);
    river.template = template("water.river");
    river.fields.remove("rep_point");
    river.geometry = Some(Geometry::LineString(vec![[116.95, 36.3], [117.3, 36.12]]));
    // A road crossing the box with no vertex inside it: found only by exact intersection.
    let mut road = point_record(&ids, "横路", 116.0, 36.07);
    road.template = template("transport.highway");
    road.fields.remove("rep_point");
    road.geometry = Some(Geometry::LineString(vec![[116.0, 36.07], [118.0, 36.07]]));
    for r in [&inside, &edge, &outside, &river, &road] {
        store.put_record(r, &actor, None, &keys).unwrap();
    }
    let mut found: Vec<_> = store
        .query_bbox([117.0, 36.0, 117.1, 36.1])
        .unwrap()
        .into_iter()
        .map(|s| s.record_id)
        .collect();
    found.sort();
    let mut want = vec![inside.record_id, edge.record_id, road.record_id];
    want.sort();
    assert_eq!(found, want);
    // The river's representative point is an interior point of the line, not its start.
    let summary = store.query_bbox([116.9, 36.0, 117.4, 36.4]).unwrap();
    let river_sum = summary
        .iter()
        .find(|s| s.record_id == river.record_id)
        .unwrap();
    assert_eq!(river_sum.bbox, Some([116.95, 36.12, 117.3, 36.3]));
    assert!(river_sum.rep_point.is_some());
    assert!(matches!(
        store.query_bbox([118.0, 36.0, 117.0, 37.0]),
        Err(StoreError::InvalidQuery(_))
    ));
}

#[test]
fn list_filters_by_template_category_status_text_and_bbox() {
    let (_survey, mut store) = new_survey();
    let ids = SeededIdGenerator::new(1_714_550_400_000, 5);
    let actor = Actor::new("王测");
    let keys = SearchKeys::default();
    let a = point_record(&ids, "泰山", 117.1, 36.26);
    let mut b = point_record(&ids, "泰安站", 117.06, 36.18);
    b.template = template("transport.railway_station");
    b.workflow_status = toponym_core::WorkflowStatus::Complete;
    let c = point_record(&ids, "徂徕山", 117.3, 36.0);
    for r in [&a, &b, &c] {
        store.put_record(r, &actor, None, &keys).unwrap();
    }
    let names = |f: ListFilter| -> Vec<String> {
        store
            .list(&f)
            .unwrap()
            .into_iter()
            .filter_map(|s| s.standard_name)
            .collect()
    };
    assert_eq!(names(ListFilter::default()), ["泰山", "泰安站", "徂徕山"]);
    assert_eq!(
        names(ListFilter {
            template: Some("terrain.mountain".into()),
            ..Default::default()
        }),
        ["泰山", "徂徕山"]
    );
    assert_eq!(
        names(ListFilter {
            category: Some("transport".into()),
            ..Default::default()
        }),
        ["泰安站"]
    );
    assert_eq!(
        names(ListFilter {
            status: Some(WorkflowStatus::Draft),
            ..Default::default()
        }),
        ["泰山", "徂徕山"]
    );
    assert_eq!(
        names(ListFilter {
            text: Some("泰".into()),
            ..Default::default()
        }),
        ["泰山", "泰安站"]
    );
    assert_eq!(
        names(ListFilter {
            text: Some("山".into()),
            bbox: Some([117.2, 35.9, 117.4, 36.1]),
            ..Default::default()
        }),
        ["徂徕山"]
    );
    assert_eq!(
        names(ListFilter {
            limit: Some(1),
            ..Default::default()
        }),
        ["泰山"]
    );
}

#[test]
fn a_failed_batch_leaves_the_store_as_it_was() {
    let (_survey, mut store) = new_survey();
    let ids = SeededIdGenerator::new(1_714_550_400_000, 6);
    let actor = Actor::new("王测");
    let first = point_record(&ids, "泰山", 117.1, 36.26);
    store
        .put_record(&first, &actor, None, &SearchKeys::default())
        .unwrap();
    let before = store.history(&first.record_id).unwrap();

    let mut changed = first.clone();
    changed.fields.insert("standard_name".into(), json!("改名"));
    let good = point_record(&ids, "良好", 117.0, 36.0);
    let mut bad = point_record(&ids, "坏点", 117.0, 36.0);
    bad.geometry = Some(Geometry::Point([f64::NAN, 36.0]));
    let err = store
        .put_records(
            &[
                (changed, SearchKeys::default()),
                (good.clone(), SearchKeys::default()),
                (bad.clone(), SearchKeys::default()),
            ],
            &actor,
            None,
        )
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::InvalidRecord { field, record_id, .. } if field == "geometry" && *record_id == bad.record_id.to_string()),
        "{err:?}"
    );
    assert_eq!(store.count().unwrap(), 1);
    assert_eq!(
        store.get_record(&first.record_id).unwrap(),
        Some(first.clone())
    );
    assert_eq!(store.get_record(&good.record_id).unwrap(), None);
    assert_eq!(store.history(&first.record_id).unwrap(), before);
    assert!(store.search_names("良好", 5).unwrap().is_empty());

    // A closure that fails half-way through a transaction rolls back as well.
    let r: Result<(), StoreError> = store.with_transaction(|tx| {
        tx.put_record(&good, &actor, None, &SearchKeys::default())?;
        Err(StoreError::Kdf("stop".into()))
    });
    assert!(r.is_err());
    assert_eq!(store.count().unwrap(), 1);

    // Unknown workflow status and secrecy are refused with the field named.
    let mut odd = point_record(&ids, "怪", 117.0, 36.0);
    odd.fields.insert("secrecy".into(), json!("绝密"));
    let e = store
        .put_record(&odd, &actor, None, &SearchKeys::default())
        .unwrap_err();
    assert!(e.to_string().contains("fields.secrecy"), "{e}");
    assert!(store.verify_audit_chain().unwrap().is_intact());
}

#[test]
fn migrations_are_recorded_and_a_newer_schema_is_refused() {
    let (survey, store) = new_survey();
    drop(store);
    let key = toponym_store::derive_key(&survey.path, &pass())
        .unwrap()
        .sqlcipher_pragmas()
        .unwrap();
    let conn = rusqlite::Connection::open(&survey.path).unwrap();
    conn.execute_batch(&key).unwrap();
    let applied: Vec<(i64, String)> = conn
        .prepare("SELECT version, name FROM schema_migrations ORDER BY version")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let versions: Vec<i64> = applied.iter().map(|a| a.0).collect();
    assert_eq!(versions, [1, 2, 3, 4, 5, 6, 7, 100, 101]);
    assert_eq!(applied[0].1, "0001_init");
    conn.execute_batch("PRAGMA user_version = 999;").unwrap();
    drop(conn);
    let err = Store::open(&survey.path, &pass()).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::SchemaTooNew {
                found: 999,
                supported: 101,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_version_1_file_is_upgraded_in_place_with_its_records_and_pinyin_keys() {
    // Build a survey file exactly as the first release wrote it: only 0001 applied.
    let (survey, store) = new_survey();
    drop(store);
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", survey.path.display()));
    }
    let key = toponym_store::derive_key(&survey.path, &pass())
        .unwrap()
        .sqlcipher_pragmas()
        .unwrap();
    let conn = rusqlite::Connection::open(&survey.path).unwrap();
    conn.execute_batch(&key).unwrap();
    conn.execute_batch(include_str!("../migrations/0001_init.sql"))
        .unwrap();
    conn.execute_batch(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
                                         applied_at_us INTEGER NOT NULL);
         INSERT INTO schema_migrations VALUES (1, '0001_init', 0);
         PRAGMA user_version = 1;
         INSERT INTO records (rid, record_id, template_id, template_version, template_hash,
             category, standard_name, workflow_status, secrecy, attributes, geom, rep_lon,
             rep_lat, min_x, min_y, max_x, max_y, revision, updated_at_us)
         VALUES (1, '01890a5d-ac96-774b-bcce-b302099a8057', 'terrain.mountain', '1.0.0',
             'sha256:00', 'terrain', '泰山', 'draft', '公开',
             '{\"standard_name\":\"泰山\",\"rep_point\":[117.1,36.26]}', NULL, 117.1, 36.26,
             117.1, 36.26, 117.1, 36.26, 1, 0);
         INSERT INTO records_rtree VALUES (1, 117.1, 117.1, 36.26, 36.26);
         INSERT INTO name_keys VALUES ('泰山', 1, 'standard', 0), ('山', 1, 'standard', 1),
                                      ('taishan', 1, 'pinyin', 0);",
    )
    .unwrap();
    drop(conn);

    let mut store = Store::open(&survey.path, &pass()).unwrap();
    assert_eq!(store.schema_version().unwrap(), 101);
    let id: toponym_core::RecordId = "01890a5d-ac96-774b-bcce-b302099a8057".parse().unwrap();
    let r = store.get_record(&id).unwrap().unwrap();
    assert_eq!(r.standard_name(), Some("泰山"));
    assert_eq!(store.search_names("tai shan", 5).unwrap().len(), 1);
    assert_eq!(
        store.query_bbox([117.0, 36.0, 117.2, 36.3]).unwrap().len(),
        1
    );
    // The carried-over pinyin key is replaced on the next write.
    store
        .put_record(&r, &Actor::new("王测"), None, &SearchKeys::new(["daizong"]))
        .unwrap();
    assert!(store.search_names("taishan", 5).unwrap().is_empty());
    assert_eq!(store.search_names("daizong", 5).unwrap().len(), 1);
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

#[test]
fn a_survey_made_before_page_sizes_were_recorded_still_opens() {
    // Earlier releases wrote 4 KiB SQLCipher pages with HMAC-SHA512 and recorded neither
    // in the sidecar.
    let (survey, store) = new_survey();
    drop(store);
    let sidecar = toponym_store::sidecar_path(&survey.path);
    let mut side: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sidecar).unwrap()).unwrap();
    assert_eq!(side["page_size"], 16384);
    assert_eq!(side["hmac"], "sha256");
    // The recorded HMAC is the one used: with another one the pages do not verify (and
    // since the key check says the passphrase is right, the file counts as damaged).
    let mut other = side.clone();
    other["hmac"] = serde_json::json!("sha512");
    std::fs::write(&sidecar, other.to_string()).unwrap();
    assert!(matches!(
        Store::open(&survey.path, &pass()),
        Err(StoreError::Damaged { .. })
    ));
    other["hmac"] = serde_json::json!("md5");
    std::fs::write(&sidecar, other.to_string()).unwrap();
    let err = Store::open(&survey.path, &pass()).unwrap_err();
    assert!(err.to_string().contains("hmac \"md5\""), "{err}");
    side.as_object_mut().unwrap().remove("page_size");
    side.as_object_mut().unwrap().remove("hmac");
    std::fs::write(&sidecar, side.to_string()).unwrap();
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", survey.path.display()));
    }
    let key = toponym_store::derive_key(&survey.path, &pass())
        .unwrap()
        .sqlcipher_key_pragma()
        .unwrap();
    let conn = rusqlite::Connection::open(&survey.path).unwrap();
    // An old survey's first schema table, so that the file is a survey to migrate.
    conn.execute_batch(&format!(
        "PRAGMA key = \"{key}\"; CREATE TABLE schema_migrations (version INTEGER PRIMARY \
         KEY, name TEXT NOT NULL, applied_at_us INTEGER NOT NULL);"
    ))
    .unwrap();
    drop(conn);
    let mut store = Store::open(&survey.path, &pass()).unwrap();
    let ids = SeededIdGenerator::new(1_714_550_400_000, 12);
    let r = point_record(&ids, "泰山", 117.1, 36.26);
    store
        .put_record(&r, &Actor::new("王测"), None, &SearchKeys::default())
        .unwrap();
    drop(store);
    let store = Store::open(&survey.path, &pass()).unwrap();
    assert_eq!(store.get_record(&r.record_id).unwrap(), Some(r));
    assert_eq!(store.integrity_check().unwrap(), "ok");
    // A nonsense page size is a clear error about the sidecar, not a crash.
    side["page_size"] = serde_json::json!(1000);
    std::fs::write(&sidecar, side.to_string()).unwrap();
    let err = Store::open(&survey.path, &pass()).unwrap_err();
    assert!(err.to_string().contains("page_size 1000"), "{err}");
}
