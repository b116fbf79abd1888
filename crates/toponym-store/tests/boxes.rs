//! The clustered box index and the bulk write path, in real encrypted survey files:
//! box queries over thousands of points, lines and polygons written in pipelined batches
//! agree with a brute-force `geo` test before and after records move and after a reopen;
//! a failing record deep in a big batch leaves nothing behind; listing columns are kept;
//! the background checkpointer copies the WAL into the database file while it stays open.

// Tests may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::*;
use geo::Intersects;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;
use toponym_core::{Geometry, Record, RecordId, SeededIdGenerator};
use toponym_store::{Actor, ListFilter, SearchKeys, Store, StoreError};

/// Named seed of this file's synthetic records.
const SEED: u64 = 0xB0C5_2026;

fn random_record(rng: &mut ChaCha8Rng, ids: &SeededIdGenerator) -> Record {
    let lon = 116.8 + rng.gen::<f64>() * 0.4;
    let lat = 36.0 + rng.gen::<f64>() * 0.4;
    let mut r = point_record(ids, "岱庙", lon, lat);
    r.geometry = Some(match rng.gen_range(0..10) {
        0 => Geometry::LineString(vec![[lon, lat], [lon + 0.02, lat + 0.01]]),
        1 => Geometry::Polygon(vec![vec![
            [lon, lat],
            [lon + 0.01, lat],
            [lon + 0.01, lat + 0.008],
            [lon, lat],
        ]]),
        _ => Geometry::Point([lon, lat]),
    });
    if !matches!(r.geometry, Some(Geometry::Point(_))) {
        // Lines and polygons are placed by their geometry, not a separate point.
        r.fields.remove("rep_point");
    }
    r
}

fn brute_force(records: &[Record], b: [f64; 4]) -> BTreeSet<RecordId> {
    let rect = geo::Rect::new(
        geo::coord! { x: b[0], y: b[1] },
        geo::coord! { x: b[2], y: b[3] },
    );
    records
        .iter()
        .filter(|r| r.geometry.as_ref().unwrap().to_geo().intersects(&rect))
        .map(|r| r.record_id)
        .collect()
}

fn check_boxes(store: &Store, records: &[Record], rng: &mut ChaCha8Rng) {
    let mut nonempty = 0;
    for _ in 0..60 {
        let w = 116.8 + rng.gen::<f64>() * 0.35;
        let s = 36.0 + rng.gen::<f64>() * 0.35;
        let side = 0.005 + rng.gen::<f64>() * 0.05;
        let b = [w, s, w + side, s + side];
        let want = brute_force(records, b);
        let got: BTreeSet<RecordId> = store
            .query_bbox(b)
            .unwrap()
            .into_iter()
            .map(|s| s.record_id)
            .collect();
        assert_eq!(got, want, "box {b:?}");
        let listed: BTreeSet<RecordId> = store
            .list(&ListFilter {
                bbox: Some(b),
                limit: Some(usize::MAX),
                ..Default::default()
            })
            .unwrap()
            .into_iter()
            .map(|s| s.record_id)
            .collect();
        assert_eq!(listed, want, "list box {b:?}");
        nonempty += usize::from(!want.is_empty());
    }
    assert!(nonempty > 30, "the boxes should mostly hit something");
}

#[test]
fn box_queries_over_big_batches_agree_with_brute_force_before_and_after_moves() {
    let (survey, mut store) = new_survey();
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let ids = SeededIdGenerator::new(1_714_550_400_000, SEED);
    let actor = Actor::new("王测");
    let mut records: Vec<Record> = (0..3000).map(|_| random_record(&mut rng, &ids)).collect();
    let batch: Vec<_> = records
        .iter()
        .map(|r| (r.clone(), SearchKeys::default()))
        .collect();
    assert_eq!(store.put_records(&batch, &actor, None).unwrap(), 3000);
    check_boxes(&store, &records, &mut rng);

    // Move every tenth record (and turn some points into lines): the old entries go.
    let mut moved = Vec::new();
    for r in records.iter_mut().step_by(10) {
        let mut m = random_record(&mut rng, &ids);
        m.record_id = r.record_id;
        *r = m;
        moved.push((r.clone(), SearchKeys::default()));
    }
    assert_eq!(
        store.put_records(&moved, &actor, None).unwrap(),
        moved.len()
    );
    check_boxes(&store, &records, &mut rng);
    drop(store);

    let store = Store::open(&survey.path, &pass()).unwrap();
    check_boxes(&store, &records, &mut rng);
    assert_eq!(store.count().unwrap(), 3000);
    assert_eq!(store.integrity_check().unwrap(), "ok");
    assert!(store.verify_audit_chain().unwrap().is_intact());
    // The revision of a moved record went up; its history has the creation and the move.
    let h = store.history(&records[0].record_id).unwrap();
    assert_eq!(h[0].field, "*");
    assert!(h.iter().any(|e| e.field == "geometry"), "{h:?}");
}

#[test]
fn a_bad_record_deep_in_a_big_batch_leaves_the_store_as_it_was() {
    let (_survey, mut store) = new_survey();
    let mut rng = ChaCha8Rng::seed_from_u64(SEED ^ 1);
    let ids = SeededIdGenerator::new(1_714_550_400_000, SEED ^ 1);
    let actor = Actor::new("王测");
    let first: Vec<_> = (0..100)
        .map(|_| (random_record(&mut rng, &ids), SearchKeys::default()))
        .collect();
    store.put_records(&first, &actor, None).unwrap();
    let mut batch: Vec<_> = (0..500)
        .map(|_| (random_record(&mut rng, &ids), SearchKeys::new(["daimiao"])))
        .collect();
    batch[400].0.geometry = Some(Geometry::Point([117.0, f64::INFINITY]));
    let bad = batch[400].0.record_id;
    let err = store.put_records(&batch, &actor, None).unwrap_err();
    assert!(
        matches!(&err, StoreError::InvalidRecord { field, record_id, .. }
            if field == "geometry" && *record_id == bad.to_string()),
        "{err:?}"
    );
    assert_eq!(store.count().unwrap(), 100);
    assert!(store.get_record(&batch[10].0.record_id).unwrap().is_none());
    assert!(store.search_names("daimiao", 5).unwrap().is_empty());
    assert!(store.query_bbox([116.0, 35.0, 118.0, 37.0]).unwrap().len() == 100);
    // The rids chosen for the failed batch are free again: the next batch works.
    batch[400].0.geometry = Some(Geometry::Point([117.0, 36.1]));
    assert_eq!(store.put_records(&batch, &actor, None).unwrap(), 500);
    assert_eq!(
        store.query_bbox([116.0, 35.0, 118.0, 37.0]).unwrap().len(),
        600
    );
    assert!(store.verify_audit_chain().unwrap().is_intact());
}

#[test]
fn listing_columns_follow_the_record() {
    let (_survey, mut store) = new_survey();
    let ids = SeededIdGenerator::new(1_714_550_400_000, SEED ^ 2);
    let actor = Actor::new("王测");
    let mut r = point_record(&ids, "岱庙", 117.13, 36.19);
    store
        .put_record(&r, &actor, None, &SearchKeys::default())
        .unwrap();
    let s = &store.query_bbox([117.0, 36.0, 117.2, 36.3]).unwrap()[0];
    assert_eq!((s.township.as_deref(), s.roman.as_deref()), (None, None));
    assert_eq!(s.registrar, None, "no registrar yet: still to do");

    r.fields.insert(
        "admin_areas".into(),
        json!(["370902", "370902001000", "370902002000"]),
    );
    r.fields.insert("roman".into(), json!("Dài Miào"));
    r.fields.insert("registrar".into(), json!("王测"));
    store
        .put_record(&r, &actor, None, &SearchKeys::default())
        .unwrap();
    for s in [
        store.query_bbox([117.0, 36.0, 117.2, 36.3]).unwrap()[0].clone(),
        store.list(&ListFilter::default()).unwrap()[0].clone(),
        store.search_names("岱庙", 1).unwrap()[0].summary.clone(),
    ] {
        assert_eq!(s.township.as_deref(), Some("370902001"));
        assert_eq!(s.roman.as_deref(), Some("Dài Miào"));
        assert_eq!(s.registrar.as_deref(), Some("王测"));
    }
}

#[test]
fn the_wal_reaches_the_database_file_while_the_store_stays_open() {
    let (survey, mut store) = new_survey();
    let mut rng = ChaCha8Rng::seed_from_u64(SEED ^ 3);
    let ids = SeededIdGenerator::new(1_714_550_400_000, SEED ^ 3);
    let size = || std::fs::metadata(&survey.path).unwrap().len();
    let before = size();
    let batch: Vec<_> = (0..2000)
        .map(|_| (random_record(&mut rng, &ids), SearchKeys::default()))
        .collect();
    store
        .put_records(&batch, &Actor::new("王测"), None)
        .unwrap();
    // The commit wrote the WAL only; the checkpointer copies it after a quiet moment.
    let deadline = Instant::now() + Duration::from_secs(30);
    while size() < before + 500_000 {
        assert!(
            Instant::now() < deadline,
            "the database file did not grow within 30 s ({} bytes)",
            size()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(store.count().unwrap(), 2000);
}

#[test]
fn a_packed_box_index_stays_correct_through_small_writes_moves_and_a_rebuild() {
    let (survey, mut store) = new_survey();
    let mut rng = ChaCha8Rng::seed_from_u64(SEED ^ 7);
    let ids = SeededIdGenerator::new(1_714_550_400_000, SEED ^ 7);
    let actor = Actor::new("王测");
    let batch = |rs: &[Record]| -> Vec<_> {
        rs.iter()
            .map(|r| (r.clone(), SearchKeys::default()))
            .collect()
    };
    // A first import into an empty index: written as a packed tree.
    let mut records: Vec<Record> = (0..5000).map(|_| random_record(&mut rng, &ids)).collect();
    store.put_records(&batch(&records), &actor, None).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    check_boxes(&store, &records, &mut rng);

    // A small batch and single records go into the packed tree entry by entry.
    let more: Vec<Record> = (0..200).map(|_| random_record(&mut rng, &ids)).collect();
    store.put_records(&batch(&more), &actor, None).unwrap();
    let one = random_record(&mut rng, &ids);
    store
        .put_record(&one, &actor, None, &SearchKeys::default())
        .unwrap();
    records.extend(more);
    records.push(one);
    // Moves delete entries from packed leaves (some underflow and are reinserted).
    for r in records.iter_mut().step_by(3) {
        let mut m = random_record(&mut rng, &ids);
        m.record_id = r.record_id;
        *r = m;
    }
    let moved: Vec<Record> = records.iter().step_by(3).cloned().collect();
    store.put_records(&batch(&moved), &actor, None).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    check_boxes(&store, &records, &mut rng);

    // A batch larger than the index rebuilds it packed, keeping the stored entries.
    let big: Vec<Record> = (0..6000).map(|_| random_record(&mut rng, &ids)).collect();
    store.put_records(&batch(&big), &actor, None).unwrap();
    records.extend(big);
    assert_eq!(store.integrity_check().unwrap(), "ok");
    check_boxes(&store, &records, &mut rng);
    drop(store);

    let store = Store::open(&survey.path, &pass()).unwrap();
    assert_eq!(store.count().unwrap(), records.len() as u64);
    assert_eq!(store.integrity_check().unwrap(), "ok");
    check_boxes(&store, &records, &mut rng);
    assert_eq!(
        store.query_bbox([116.0, 35.0, 118.0, 37.0]).unwrap().len(),
        records.len()
    );
}

/// The names a record can be found by, as exact matches of a search.
fn found_by(store: &Store, name: &str) -> BTreeSet<RecordId> {
    store
        .search_names(name, 10_000)
        .unwrap()
        .into_iter()
        .filter(|h| h.summary.standard_name.as_deref() == Some(name))
        .map(|h| h.summary.record_id)
        .collect()
}

#[test]
fn a_record_written_several_times_in_one_batch_keeps_only_its_last_entries() {
    let (survey, mut store) = new_survey();
    let mut rng = ChaCha8Rng::seed_from_u64(SEED ^ 11);
    let ids = SeededIdGenerator::new(1_714_550_400_000, SEED ^ 11);
    let actor = Actor::new("王测");
    // Stored before the batch: some of these are rewritten twice inside it.
    let mut records: Vec<Record> = (0..300).map(|_| random_record(&mut rng, &ids)).collect();
    for (i, r) in records.iter_mut().enumerate() {
        r.fields
            .insert("standard_name".into(), json!(format!("旧{i}号")));
    }
    let batch: Vec<_> = records
        .iter()
        .map(|r| (r.clone(), SearchKeys::new([format!("jiu{}", r.record_id)])))
        .collect();
    store.put_records(&batch, &actor, None).unwrap();

    // One batch (large enough to rebuild the box index packed): 2 000 new records, each
    // tenth written again further on under a new name and place, and each third stored
    // record rewritten twice.
    let fresh: Vec<Record> = (0..2000).map(|_| random_record(&mut rng, &ids)).collect();
    let mut batch: Vec<(Record, SearchKeys)> = Vec::new();
    let rename = |r: &Record, name: String, rng: &mut ChaCha8Rng| {
        let mut m = random_record(rng, &ids);
        m.record_id = r.record_id;
        m.fields.insert("standard_name".into(), json!(name));
        m
    };
    let mut finals: std::collections::BTreeMap<RecordId, Record> =
        records.iter().map(|r| (r.record_id, r.clone())).collect();
    for (i, r) in fresh.iter().enumerate() {
        let mut r = r.clone();
        r.fields
            .insert("standard_name".into(), json!(format!("新{i}号")));
        batch.push((r.clone(), SearchKeys::default()));
        finals.insert(r.record_id, r);
    }
    let mut superseded = Vec::new();
    for (i, r) in fresh.iter().enumerate().step_by(10) {
        superseded.push(format!("新{i}号"));
        let m = rename(r, format!("改{i}号"), &mut rng);
        batch.push((m.clone(), SearchKeys::default()));
        finals.insert(m.record_id, m);
    }
    for (i, r) in records.iter().enumerate().step_by(3) {
        superseded.push(format!("旧{i}号"));
        let first = rename(r, format!("中{i}号"), &mut rng);
        superseded.push(format!("中{i}号"));
        let last = rename(r, format!("终{i}号"), &mut rng);
        batch.push((first, SearchKeys::default()));
        batch.push((last.clone(), SearchKeys::default()));
        finals.insert(last.record_id, last);
    }
    store.put_records(&batch, &actor, None).unwrap();
    records = finals.into_values().collect();

    for store in [store, Store::open(&survey.path, &pass()).unwrap()] {
        assert_eq!(store.count().unwrap(), 2300);
        assert_eq!(store.integrity_check().unwrap(), "ok");
        // Every box entry is the record's last place: one entry per record, none left
        // behind by an earlier write.
        assert_eq!(
            store.query_bbox([116.0, 35.0, 118.0, 37.0]).unwrap().len(),
            2300
        );
        check_boxes(&store, &records, &mut rng);
        for name in &superseded {
            assert!(found_by(&store, name).is_empty(), "{name} still found");
        }
        for r in &records {
            let name = r.standard_name().unwrap();
            assert_eq!(
                found_by(&store, name),
                BTreeSet::from([r.record_id]),
                "{name}"
            );
        }
        assert!(store.verify_audit_chain().unwrap().is_intact());
    }
}
