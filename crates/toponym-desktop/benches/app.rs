//! Benchmarks of the desktop app's use cases on a real encrypted survey file: cold start
//! to an unlocked home (key derivation reported separately, not counted), opening the
//! largest form, and saving a record, on a small survey and on a 100 000-record survey.
//!
//! `cargo bench -p toponym-ops --bench app` (set `TOPONYM_BENCH_N=2000` for a quick run).
//! The surveys are generated with a named seed into a temporary folder; the figures go to
//! docs/benchmarks/app.md by hand.
//!
//! `TOPONYM_BENCH_SURVEY_OUT=<file>` instead writes the `TOPONYM_BENCH_N`-record survey
//! to that file (passphrase `bench-passphrase`) and exits, for the window benchmark
//! (tests/e2e/bench.mjs) on a large survey.

use std::time::{Duration, Instant};

use serde_json::json;
use toponym_core::{
    FixedClock, Geometry, GeometryKind, IdGenerator, SeededIdGenerator, WorkflowStatus,
};
use toponym_desktop::dto::{EntryStatus, ListFilter};
use toponym_desktop::Session;
use toponym_forms::Catalog;
use toponym_store::{Actor, KdfParams, Passphrase, SearchKeys, Store};

const SEED: u64 = 0x00be_7c4a;
const PASS: &str = "bench-passphrase";

fn clock() -> FixedClock {
    FixedClock(time::macros::datetime!(2026-11-23 08:00 UTC))
}

/// Writes a survey of `n` records spread over every template and two counties.
fn make_survey(path: &std::path::Path, n: usize) {
    let cat = Catalog::builtin();
    let ids = SeededIdGenerator::new(1_795_000_000_000, SEED);
    let mut store = Store::create(path, &Passphrase::new(PASS), KdfParams::production())
        .expect("create survey");
    let actor = Actor::new("bench");
    let templates = cat.templates();
    let mut batch = Vec::with_capacity(5_000);
    for i in 0..n {
        let t = &templates[i % templates.len()];
        let mut r = cat
            .new_record(&t.id, ids.next_id(), &clock())
            .expect("template");
        let lon = 116.9 + (i % 500) as f64 * 0.001;
        let lat = 36.0 + (i / 500 % 400) as f64 * 0.001;
        r.fields
            .insert("standard_name".into(), json!(format!("测试地名{i}")));
        r.fields.insert("rep_point".into(), json!([lon, lat]));
        r.fields.insert(
            "admin_areas".into(),
            json!([if i % 2 == 0 { "370902001" } else { "370911100" }]),
        );
        if i % 3 == 0 {
            r.fields.insert("registrar".into(), json!("张三"));
        }
        r.workflow_status = [
            WorkflowStatus::Draft,
            WorkflowStatus::Complete,
            WorkflowStatus::Reviewed,
            WorkflowStatus::Returned,
        ][i % 4];
        r.geometry = Some(match t.geometry {
            GeometryKind::Point => Geometry::Point([lon, lat]),
            GeometryKind::Line => {
                Geometry::LineString(vec![[lon, lat], [lon + 0.002, lat + 0.001]])
            }
            GeometryKind::Polygon => Geometry::Polygon(vec![vec![
                [lon, lat],
                [lon + 0.001, lat],
                [lon + 0.001, lat + 0.001],
                [lon, lat + 0.001],
                [lon, lat],
            ]]),
        });
        let key = toponym_romanise::search_key(&format!("测试地名{i}"));
        batch.push((r, SearchKeys::new([key])));
        if batch.len() == 5_000 {
            store.put_records(&batch, &actor, None).expect("put batch");
            batch.clear();
        }
    }
    store.put_records(&batch, &actor, None).expect("put batch");
}

fn stats(mut v: Vec<Duration>) -> String {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let median = v[v.len() / 2];
    let p95 = v[(v.len() * 95 / 100).min(v.len() - 1)];
    format!(
        "median {:8.2} ms   p95 {:8.2} ms   (n = {})",
        ms(median),
        ms(p95),
        v.len()
    )
}

fn bench(label: &str, n: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bench.toponym");
    let t0 = Instant::now();
    make_survey(&path, n);
    println!(
        "\n== {label}: {n} records (generated in {:.1} s)",
        t0.elapsed().as_secs_f64()
    );

    // Cold start: unlock (key derivation reported apart) + catalogue + home summary + the
    // first page of the list, as the window does before it shows the home.
    let mut starts = Vec::new();
    let mut kdfs = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let s = Session::unlock(&path, PASS, false).expect("unlock");
        let kdf = s.unlock_timings().kdf;
        let _ = s.catalog().expect("catalog");
        let _ = s.home_summary().expect("home");
        starts.push(t.elapsed() - kdf);
        kdfs.push(kdf);
    }
    println!(
        "cold start to unlocked home (without KDF)  {}",
        stats(starts)
    );
    println!(
        "key derivation (Argon2id, reported apart)   {}",
        stats(kdfs)
    );

    let mut s = Session::unlock(&path, PASS, false).expect("unlock");
    let mut pages = Vec::new();
    for i in 0..20u32 {
        let t = Instant::now();
        let page = s
            .list_entries(&ListFilter::default(), i * 997 % (n as u32).max(1), 60)
            .expect("page");
        pages.push(t.elapsed());
        assert!(!page.rows.is_empty());
    }
    println!(
        "list page (60 rows, cached filter)          {}",
        stats(pages)
    );
    let mut searches = Vec::new();
    for i in 0..10 {
        let f = ListFilter {
            query: Some(format!("测试地名{}", i * 37)),
            ..Default::default()
        };
        let t = Instant::now();
        let _ = s.list_entries(&f, 0, 60).expect("search");
        searches.push(t.elapsed());
    }
    println!(
        "list search by name (new filter)            {}",
        stats(searches)
    );

    // The largest form: the template with the most fields, and a stored record of it.
    let cat = Catalog::builtin();
    let largest = cat
        .templates()
        .iter()
        .max_by_key(|t| cat.form_fields(&t.id).map_or(0, |f| f.len()))
        .expect("templates");
    let filter = ListFilter {
        template_id: Some(largest.id.clone()),
        ..Default::default()
    };
    let id = s.list_entries(&filter, 0, 1).expect("list").rows[0]
        .id
        .clone();
    let mut opens = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        let _ = s.form_spec(&largest.id).expect("spec");
        let _ = s.record_open(&id).expect("open");
        opens.push(t.elapsed());
    }
    println!(
        "open largest form ({}, {} fields)  {}",
        largest.id,
        cat.form_fields(&largest.id).map_or(0, |f| f.len()),
        stats(opens)
    );

    let mut saves = Vec::new();
    let mut rec = s.record_open(&id).expect("open").record;
    for i in 0..30 {
        rec.fields
            .insert("remarks".into(), json!(format!("第{i}次修改")));
        rec.status = EntryStatus::Draft;
        let t = Instant::now();
        let _ = s.record_save(rec.clone(), false).expect("save");
        saves.push(t.elapsed());
    }
    println!(
        "save a record (validate + store + audit)    {}",
        stats(saves)
    );
}

fn main() {
    let big: usize = std::env::var("TOPONYM_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    if let Some(out) = std::env::var_os("TOPONYM_BENCH_SURVEY_OUT") {
        let out = std::path::PathBuf::from(out);
        let t = Instant::now();
        make_survey(&out, big);
        println!(
            "wrote {big} records to {} in {:.1} s (passphrase {PASS})",
            out.display(),
            t.elapsed().as_secs_f64()
        );
        return;
    }
    bench("small survey", 300);
    bench("large survey", big);
}
