//! Survey use cases shared by the CLI (`toponym survey …`) and the desktop app: create a
//! survey, add records from JSON files, list, show history, export a GeoPackage. Each is
//! a short function over `toponym_store::Store`; the adapters only parse arguments and
//! print.

use std::path::{Path, PathBuf};

use toponym_core::{Record, RecordId};
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
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct AddReport {
    /// Records read from the files.
    pub read: usize,
    /// Records that were new or changed.
    pub written: usize,
    /// Records identical to what the survey already held.
    pub unchanged: usize,
}

/// Adds (or updates) every record of every file, all in one transaction: if any file or
/// record is bad, nothing is written.
pub fn add_files(
    store: &mut Store,
    files: &[PathBuf],
    actor: &Actor,
    reason: Option<&str>,
) -> Result<AddReport> {
    let mut records = Vec::new();
    for f in files {
        records.extend(read_record_file(f)?);
    }
    let items: Vec<(Record, SearchKeys)> = records
        .into_iter()
        .map(|r| {
            let k = search_keys(&r);
            (r, k)
        })
        .collect();
    let written = store.put_records(&items, actor, reason)?;
    Ok(AddReport {
        read: items.len(),
        written,
        unchanged: items.len() - written,
    })
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
