//! The CLI (`toponym survey add`) and the app (`Session::record_save`) refuse and accept
//! exactly the same records: every record of the sample survey (clean ones and the
//! deliberately defective ones) is marked complete and saved through both, each into its
//! own fresh survey, and the outcomes (refused or not, and the blocking findings) are
//! compared record by record.

// Tests may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod common;
use common::{toponym, PASS};

use serde_json::Value;
use toponym_core::{FixedClock, Record, SeededIdGenerator};
use toponym_desktop::dto::{EntryStatus, GeometryDto, RecordDto};
use toponym_desktop::{Deps, Session};
use toponym_forms::Catalog;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn init(db: &Path) {
    let out = toponym(&[
        "survey",
        "init",
        db.to_str().unwrap(),
        "--kdf-memory-kib",
        "64",
        "--kdf-passes",
        "1",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_cli_and_the_app_refuse_and_accept_the_same_records() {
    let dir = tempfile::tempdir().unwrap();
    // The sample records, each marked complete, one file each.
    let mut files = Vec::new();
    let mut records: Vec<Record> = Vec::new();
    let mut src: Vec<PathBuf> = std::fs::read_dir(repo().join("samples/taishan/records"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    src.sort();
    for p in src {
        let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        v.as_object_mut().unwrap().remove("_expect");
        // Photos live in the sample's media store, not in these fresh surveys.
        v["fields"].as_object_mut().unwrap().remove("media");
        v["workflow_status"] = Value::String("complete".into());
        // What the form derives from the geometry (extent, 定位点, end points) is filled
        // in first, so both paths are given the very same record.
        let mut r: Record = serde_json::from_value(v).unwrap();
        if let Some(t) = Catalog::builtin().template(&r.template.id) {
            toponym_desktop::derive::fill_derived(&mut r, t.geometry);
        }
        let out = dir.path().join(p.file_name().unwrap());
        std::fs::write(&out, serde_json::to_string(&r).unwrap()).unwrap();
        files.push(out.to_string_lossy().into_owned());
        records.push(r);
    }
    assert!(records.len() > 400, "{} sample records", records.len());

    // The CLI: one batch; the report marks each record the gate refuses.
    let cli_db = dir.path().join("cli.toponym");
    init(&cli_db);
    let mut args = vec!["survey", "add", cli_db.to_str().unwrap()];
    args.extend(files.iter().map(String::as_str));
    args.push("--json");
    let out = toponym(&args);
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let mut cli: BTreeMap<String, (bool, Vec<String>)> = records
        .iter()
        .map(|r| (r.record_id.to_string(), (false, Vec::new())))
        .collect();
    for r in report["records"].as_array().unwrap() {
        let blocking = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| matches!(f["severity"].as_str(), Some("ERROR" | "BLOCKER")))
            .map(|f| {
                format!(
                    "{} {}",
                    f["rule"].as_str().unwrap_or("-"),
                    f["path"].as_str().unwrap()
                )
            })
            .collect();
        cli.insert(
            r["record_id"].as_str().unwrap().to_owned(),
            (r["refused"].as_bool().unwrap(), blocking),
        );
    }

    // The app: each record saved from its form with "mark complete".
    let app_db = dir.path().join("app.toponym");
    init(&app_db);
    let deps = Deps {
        clock: Arc::new(FixedClock(time::macros::datetime!(2026-12-03 09:00 UTC))),
        ids: Arc::new(SeededIdGenerator::new(1_764_000_000_000, 7)),
        actor: toponym_ops::survey::Actor::new("王测"),
    };
    let mut s = Session::unlock_with(&app_db, PASS, false, deps).unwrap();
    let mut app: BTreeMap<String, (bool, Vec<String>)> = BTreeMap::new();
    for r in &records {
        let dto = RecordDto {
            id: r.record_id.to_string(),
            template_id: r.template.id.clone(),
            status: EntryStatus::Draft,
            fields: r.fields.clone(),
            geometry: r.geometry.as_ref().map(GeometryDto::from),
        };
        let saved = s.record_save(dto, true).unwrap();
        let blocking = saved
            .findings
            .iter()
            .filter(|f| f.blocking)
            .map(|f| format!("{} {}", f.rule.as_deref().unwrap_or("-"), f.path))
            .collect();
        assert_eq!(
            saved.status == EntryStatus::Complete,
            !saved.refused,
            "{}",
            r.record_id
        );
        app.insert(r.record_id.to_string(), (saved.refused, blocking));
    }

    // The session's clock is the one it was given (Deps); the actor is the unlocked
    // member, whatever actor the session was given.
    let h = s.history(&records[0].record_id.to_string()).unwrap();
    assert_eq!(h[0].actor, "登记人");
    assert_eq!(h[0].at, "2026-12-03T09:00:00Z");

    let refused = cli.values().filter(|v| v.0).count();
    assert!(
        refused > 0,
        "no sample record is refused: the gate did not run"
    );
    assert!(refused < records.len(), "every sample record is refused");
    assert_eq!(
        report["stored"], false,
        "the CLI batch holds refused records"
    );
    for (id, c) in &cli {
        assert_eq!(Some(c), app.get(id), "record {id}: CLI vs app");
    }
}
