//! Survey use cases shared by the CLI (`toponym survey …`) and the desktop app: create a
//! survey, add records from JSON files, list, show history, export a GeoPackage. Each is
//! a short function over `toponym_store::Store`; the adapters only parse arguments and
//! print.

use std::path::{Path, PathBuf};

use toponym_core::{Finding, Record, RecordId};
use toponym_forms::{Catalog, ValidateOptions};
// Re-exported so adapters (CLI, app) need not depend on the store crate themselves.
pub use toponym_store::{
    Actor, AuditEntry, AuditVerification, ExportReport, KdfParams, ListFilter, Passphrase,
    RecordSummary, SearchKeys, Store, StoreError, WorkflowStatus,
};

use crate::{OpsError, Result};

/// Creates an empty encrypted survey.
pub fn init(path: &Path, pass: &Passphrase, kdf: KdfParams) -> Result<Store> {
    Ok(Store::create(path, pass, kdf)?)
}

/// Opens a survey.
pub fn open(path: &Path, pass: &Passphrase) -> Result<Store> {
    Ok(Store::open(path, pass)?)
}

/// The toneless pinyin search keys (toponym-romanise `search_key`) of a record's standard
/// name, short name, aliases and former names, so that `taishan` or `tai shan` finds 泰山.
/// The CLI and the app both save through this one function.
pub fn search_keys(record: &Record) -> SearchKeys {
    let romaniser = toponym_romanise::Romaniser::builtin();
    let mut names: Vec<&str> = ["standard_name", "short_name"]
        .iter()
        .filter_map(|k| record.text(k))
        .collect();
    for k in ["aliases", "former_names"] {
        if let Some(items) = record.fields.get(k).and_then(serde_json::Value::as_array) {
            names.extend(
                items
                    .iter()
                    .filter_map(|i| i.get("name").and_then(serde_json::Value::as_str)),
            );
        }
    }
    let mut keys: Vec<String> = names
        .iter()
        .map(|n| romaniser.search_key(n))
        .filter(|k| !k.is_empty())
        .collect();
    keys.sort();
    keys.dedup();
    SearchKeys::new(keys)
}

/// Reads one record file: a single record object or an array of records.
pub fn read_record_file(path: &Path) -> Result<Vec<Record>> {
    let text = std::fs::read_to_string(path).map_err(|e| OpsError::RecordFile {
        path: path.to_owned(),
        detail: e.to_string(),
    })?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| OpsError::RecordFile {
            path: path.to_owned(),
            detail: e.to_string(),
        })?;
    let items = match value {
        serde_json::Value::Array(items) => items,
        one => vec![one],
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            serde_json::from_value(v).map_err(|e| OpsError::RecordFile {
                path: path.to_owned(),
                detail: format!("record #{}: {e}", i + 1),
            })
        })
        .collect()
}

/// How `add` went.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct AddReport {
    /// Records read from the files.
    pub read: usize,
    /// Records that were new or changed (0 when the batch was refused).
    pub written: usize,
    /// Records identical to what the survey already held.
    pub unchanged: usize,
    /// Whether the batch was stored. `false` when a record marked complete (or reviewed)
    /// has ERROR/BLOCKER findings: then nothing was written.
    pub stored: bool,
    /// Every record with at least one finding, in file order.
    pub records: Vec<RecordFindings>,
}

impl AddReport {
    /// The records that stopped the batch: marked complete or reviewed, yet with ERROR or
    /// BLOCKER findings.
    pub fn refused(&self) -> impl Iterator<Item = &RecordFindings> {
        self.records.iter().filter(|r| r.refused)
    }
}

/// The findings of one record read by `add`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RecordFindings {
    /// The file it came from.
    pub file: PathBuf,
    /// The record.
    pub record_id: String,
    /// Its template.
    pub template_id: String,
    /// Its `fields.workflow_status` (draft when absent).
    pub workflow_status: String,
    /// Whether this record stopped the batch (complete/reviewed with ERROR/BLOCKER findings).
    pub refused: bool,
    /// What record validation found, worst first.
    pub findings: Vec<Finding>,
}

/// Whether a record's `workflow_status` claims the form is finished. A draft, or a record
/// the reviewer returned, may still be incomplete; complete and reviewed records may not.
fn claims_complete(record: &Record) -> bool {
    matches!(
        record.text("workflow_status"),
        Some("complete") | Some("reviewed")
    )
}

/// Checks one record against the template catalogue: the template must exist (else the
/// closest ids are named) and the record's template version and hash must be the ones the
/// catalogue ships, since it can only be validated against those.
fn check_template(catalog: &Catalog, file: &Path, record: &Record) -> Result<()> {
    let t = &record.template;
    let Some(known) = catalog.template(&t.id) else {
        return Err(OpsError::UnknownTemplate {
            path: file.to_owned(),
            record_id: record.record_id.to_string(),
            template_id: t.id.clone(),
            closest: catalog.closest_ids(&t.id),
        });
    };
    if t.version != known.version || t.hash != known.hash {
        return Err(OpsError::TemplateMismatch {
            path: file.to_owned(),
            record_id: record.record_id.to_string(),
            template_id: t.id.clone(),
            found: format!("version {}, hash {}", t.version, t.hash),
            expected: format!("version {}, hash {}", known.version, known.hash),
        });
    }
    Ok(())
}

/// Adds (or updates) every record of every file, all in one transaction.
///
/// Each record is first checked against the template catalogue: an unknown template or a
/// template version/hash the catalogue does not ship is an error and nothing is written.
/// Then it is validated (with `opts`). The county office's rule decides what is stored:
/// a draft (or a returned record) may be incomplete, so it is stored with its findings
/// reported; a record marked `complete` or `reviewed` must have no ERROR or BLOCKER
/// finding, and if any such record has one the whole batch is refused (nothing written,
/// `stored == false`) so that the surveyor fixes it or marks it draft.
pub fn add_files(
    store: &mut Store,
    files: &[PathBuf],
    actor: &Actor,
    reason: Option<&str>,
    catalog: &Catalog,
    opts: &ValidateOptions,
) -> Result<AddReport> {
    let mut records = Vec::new();
    for f in files {
        for r in read_record_file(f)? {
            records.push((f, r));
        }
    }
    let mut report = AddReport {
        read: records.len(),
        ..AddReport::default()
    };
    for (file, r) in &records {
        check_template(catalog, file, r)?;
        // `workflow_status` belongs to the store's workflow, not to the form.
        let mut form = r.clone();
        form.fields.remove("workflow_status");
        let mut findings = toponym_forms::validate_with(catalog, &form, opts);
        if findings.is_empty() {
            continue;
        }
        findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
        let refused = claims_complete(r) && findings.iter().any(|f| f.severity.is_blocking());
        report.records.push(RecordFindings {
            file: (*file).clone(),
            record_id: r.record_id.to_string(),
            template_id: r.template.id.clone(),
            workflow_status: r.text("workflow_status").unwrap_or("draft").to_owned(),
            refused,
            findings,
        });
    }
    if report.refused().next().is_some() {
        return Ok(report);
    }
    let items: Vec<(Record, SearchKeys)> = records
        .into_iter()
        .map(|(_, r)| {
            let k = search_keys(&r);
            (r, k)
        })
        .collect();
    report.written = store.put_records(&items, actor, reason)?;
    report.unchanged = items.len() - report.written;
    report.stored = true;
    Ok(report)
}

/// Lists records matching `filter`.
pub fn list(store: &Store, filter: &ListFilter) -> Result<Vec<RecordSummary>> {
    Ok(store.list(filter)?)
}

/// A record's audit history, oldest first.
pub fn history(store: &Store, record_id: &str) -> Result<Vec<AuditEntry>> {
    let id: RecordId = record_id
        .parse()
        .map_err(|_| OpsError::BadRecordId(record_id.to_owned()))?;
    Ok(store.history(&id)?)
}

/// A record now, or as it was at `at` (rebuilt from the audit log).
pub fn show(
    store: &Store,
    record_id: &str,
    at: Option<time::OffsetDateTime>,
) -> Result<Option<Record>> {
    let id: RecordId = record_id
        .parse()
        .map_err(|_| OpsError::BadRecordId(record_id.to_owned()))?;
    Ok(match at {
        None => store.get_record(&id)?,
        Some(t) => store.record_at(&id, t)?,
    })
}

/// Writes the GeoPackage.
pub fn export_gpkg(store: &Store, out: &Path, allow_classified: bool) -> Result<ExportReport> {
    Ok(store.export_gpkg(out, allow_classified)?)
}
