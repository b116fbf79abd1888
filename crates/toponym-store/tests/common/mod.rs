//! Shared helpers for the store's integration tests: real survey files in temporary
//! directories, cheap (but real) Argon2id parameters, a fixed clock, and records made
//! from a named seed.

// Tests may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used)]
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::json;
use time::macros::datetime;
use time::OffsetDateTime;
use toponym_core::{FixedClock, Geometry, IdGenerator, Record, SeededIdGenerator, TemplateRef};
use toponym_store::{KdfParams, Passphrase, Store};

pub const PASS: &str = "岱宗夫如何 齐鲁青未了";
pub const T0: OffsetDateTime = datetime!(2024-05-01 08:00:00 UTC);

pub fn pass() -> Passphrase {
    Passphrase::new(PASS)
}

pub struct Survey {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

pub fn new_survey() -> (Survey, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("taian.toponym");
    let mut store = Store::create(&path, &pass(), KdfParams::insecure_for_tests()).expect("create");
    store.set_clock(Arc::new(FixedClock(T0)));
    (Survey { dir, path }, store)
}

pub fn template(id: &str) -> TemplateRef {
    TemplateRef {
        id: id.into(),
        version: "1.0.0".into(),
        hash: "sha256:00".into(),
    }
}

pub fn point_record(ids: &SeededIdGenerator, name: &str, lon: f64, lat: f64) -> Record {
    let fields = json!({
        "standard_name": name,
        "rep_point": [lon, lat],
        "secrecy": "公开",
        "census_status": "新增",
    });
    Record {
        record_id: ids.next_id(),
        workflow_status: Default::default(),
        template: template("terrain.mountain"),
        fields: fields.as_object().cloned().unwrap_or_default(),
        geometry: Some(Geometry::Point([lon, lat])),
    }
}
