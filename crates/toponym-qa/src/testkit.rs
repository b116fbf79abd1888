//! Helpers for the rules' own tests: records of any template from a few fields, and a
//! run of one rule over a record or a survey through the real engine.

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{json, Value};
use toponym_core::{IdGenerator, Record, SeededIdGenerator};
use toponym_forms::Catalog;

use crate::{
    Change, Engine, ListEntry, MediaItem, Options, QaFinding, Refs, Report, Stage, SurveyInput,
};

static SEED: AtomicU64 = AtomicU64::new(1);

/// A record of `template` with `fields` (a JSON object) and an optional geometry.
pub fn record(template: &str, fields: Value, geometry: Option<Value>) -> Record {
    let catalog = Catalog::builtin();
    let ids = SeededIdGenerator::new(1_780_000_000_000, SEED.fetch_add(1, Ordering::Relaxed));
    let mut v = json!({
        "record_id": ids.next_id().to_string(),
        "template": catalog.template_ref(template).expect("template exists"),
        "fields": fields,
    });
    if let Some(g) = geometry {
        v["geometry"] = g;
    }
    serde_json::from_value(v).expect("test record parses")
}

/// Reference data holding only the shipped county outlines of 泰安市 (S-3, S-4).
pub fn taian_outlines() -> Refs {
    Refs {
        boundaries: vec![toponym_reference::builtin::taian_boundaries().expect("outlines")],
        ..Refs::default()
    }
}

/// The findings of one rule on one record (record stage, default profile).
pub fn findings(rule: &str, r: &Record) -> Vec<QaFinding> {
    findings_with(rule, r, &Refs::default())
}

/// The findings of one rule on one record with reference data.
pub fn findings_with(rule: &str, r: &Record, refs: &Refs) -> Vec<QaFinding> {
    Engine::builtin()
        .check_record(Catalog::builtin(), refs, &Options::default(), r)
        .into_iter()
        .filter(|f| f.rule.as_deref() == Some(rule))
        .collect()
}

/// A bundle-stage run over records (no list, media or log).
pub fn survey(records: &[Record]) -> Report {
    survey_full(records, &[], &[], &[], false)
}

/// A bundle-stage run with an investigation list, media and changes.
pub fn survey_full(
    records: &[Record],
    list: &[ListEntry],
    media: &[MediaItem],
    changes: &[Change],
    has_store: bool,
) -> Report {
    let refs = Refs::default();
    let options = Options::default();
    let input = SurveyInput {
        records,
        list,
        media,
        changes,
        has_store,
        catalog: Catalog::builtin(),
        refs: &refs,
        options: &options,
    };
    Engine::builtin().run(&input, Stage::Bundle)
}

/// A bundle-stage run over records with reference data.
pub fn survey_refs(records: &[Record], refs: &Refs) -> Report {
    let options = Options::default();
    let input = SurveyInput {
        records,
        list: &[],
        media: &[],
        changes: &[],
        has_store: false,
        catalog: Catalog::builtin(),
        refs,
        options: &options,
    };
    Engine::builtin().run(&input, Stage::Bundle)
}
