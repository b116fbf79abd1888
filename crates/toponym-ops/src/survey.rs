//! Survey use cases shared by the CLI (`toponym survey …`) and the desktop app: create a
//! survey, add records from JSON files, list, show history, export a GeoPackage. Each is
//! a short function over `toponym_store::Store`; the adapters only parse arguments and
//! print.

use std::path::{Path, PathBuf};

use toponym_core::{Record, RecordId};
use toponym_qa::QaFinding;

use crate::save::{Incoming, OnRefusal, SaveRules};
// Re-exported so adapters (CLI, app) need not depend on the store crate themselves.
pub use toponym_io::OutputError;
pub use toponym_store::kdf::MIN_PASSPHRASE_CHARS;
pub use toponym_store::{
    unlock_slots, Actor, AuditEntry, AuditVerification, ExportReport, KdfParams, ListFilter,
    Member, NewMember, OfficeRecipient, Passphrase, RecordSummary, Review, ReviewComment, Role,
    SearchKeys, SlotInfo, Store, StoreError, WorkflowStatus,
};

use crate::{OpsError, Result};

/// The largest record file `add` and `validate` read: 32 MiB, about ten thousand
/// records with full narratives. A larger file is refused before it is read (split it).
pub const MAX_RECORD_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// The most bytes one `add` reads in all its files together: the records of a batch are
/// held in memory until the batch is written (about ten times their size in JSON), so the
/// whole batch is capped, not only each file.
pub const MAX_BATCH_BYTES: u64 = 64 * 1024 * 1024;

/// The most records one file may hold.
pub const MAX_RECORDS_PER_FILE: usize = 100_000;

/// Creates an empty encrypted survey.
pub fn init(path: &Path, pass: &Passphrase, kdf: KdfParams) -> Result<Store> {
    Ok(Store::create(path, pass, kdf)?)
}

/// Opens a survey.
pub fn open(path: &Path, pass: &Passphrase) -> Result<Store> {
    Ok(Store::open(path, pass)?)
}

/// Opens a survey as `member` (a name or member id; `None` when it has one member).
pub fn open_as(path: &Path, member: Option<&str>, pass: &Passphrase) -> Result<Store> {
    Ok(Store::open_as(path, member, pass)?)
}

/// Creates a survey whose first member is `first`, with a recovery slot for the county
/// office when its public key is given.
pub fn init_as(
    path: &Path,
    first: &toponym_store::NewMember,
    pass: &Passphrase,
    kdf: KdfParams,
    office: Option<&toponym_store::OfficeRecipient>,
) -> Result<Store> {
    Ok(Store::create_survey(path, first, pass, kdf, office)?)
}

/// Names the survey file in a store error that does not name it yet (SQLite's
/// corruption errors become "damaged").
fn at(store: &Store) -> impl Fn(StoreError) -> OpsError + '_ {
    |e| OpsError::Store(e.in_file(store.path()))
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
///
/// The file is read with a cap ([`MAX_RECORD_FILE_BYTES`]; `/dev/zero` or a pipe stops
/// there), a UTF-8 byte-order mark is accepted, and the records are parsed one by one
/// straight into [`Record`]s (no intermediate JSON tree of the whole file). Errors name
/// the file, the record number, line and column.
pub fn read_record_file(path: &Path) -> Result<Vec<Record>> {
    read_record_file_capped(path, MAX_RECORD_FILE_BYTES)
}

/// [`read_record_file`] with another size cap.
pub fn read_record_file_capped(path: &Path, cap: u64) -> Result<Vec<Record>> {
    let bad = |detail: String| OpsError::RecordFile {
        path: path.to_owned(),
        detail,
    };
    let text = toponym_io::read_capped_text(path, cap, "record files")?;
    parse_records(&text).map_err(bad)
}

/// Parses "one record or an array of records"; the error says which record and where.
pub fn parse_records(text: &str) -> std::result::Result<Vec<Record>, String> {
    use serde::de::{Deserializer as _, Error as _};
    struct OneOrMany<'c>(&'c std::cell::Cell<usize>);
    impl<'de> serde::de::Visitor<'de> for OneOrMany<'_> {
        type Value = Vec<Record>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a record object or an array of record objects")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            self.0.set(1);
            let r = <Record as serde::Deserialize>::deserialize(
                serde::de::value::MapAccessDeserializer::new(map),
            )?;
            Ok(vec![r])
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
            loop {
                self.0.set(out.len() + 1);
                if out.len() == MAX_RECORDS_PER_FILE {
                    return match seq.next_element::<serde::de::IgnoredAny>()? {
                        None => Ok(out),
                        Some(_) => Err(A::Error::custom(format!(
                            "more than {MAX_RECORDS_PER_FILE} records in one file; split it"
                        ))),
                    };
                }
                match seq.next_element::<Record>()? {
                    Some(r) => out.push(r),
                    None => return Ok(out),
                }
            }
        }
    }
    let current = std::cell::Cell::new(0usize);
    let mut de = serde_json::Deserializer::from_str(text);
    let records = de
        .deserialize_any(OneOrMany(&current))
        .and_then(|v| de.end().map(|()| v))
        .map_err(|e| match current.get() {
            0 => e.to_string(),
            n => format!("record #{n}: {e}"),
        })?;
    let mut records = records;
    for (i, r) in records.iter_mut().enumerate() {
        lift_legacy_status(r).map_err(|e| format!("record #{}: {e}", i + 1))?;
    }
    Ok(records)
}

/// Record files written before the status became a field of the envelope carry it as
/// `fields.workflow_status`; it is moved to the envelope (naming it in both places with
/// two different values is an error, since which one is meant would be a guess).
fn lift_legacy_status(r: &mut Record) -> std::result::Result<(), String> {
    let Some(old) = r.fields.remove("workflow_status") else {
        return Ok(());
    };
    let status = match &old {
        serde_json::Value::String(s) => s.parse::<WorkflowStatus>()?,
        other => return Err(format!("fields.workflow_status is not text: {other}")),
    };
    if !r.workflow_status.is_draft() && r.workflow_status != status {
        return Err(format!(
            "workflow_status is {} but fields.workflow_status is {}; give it once, in the \
             envelope",
            r.workflow_status, status
        ));
    }
    r.workflow_status = status;
    Ok(())
}

/// Refuses a batch in which one record id appears twice: which version should win would
/// be a guess, and counting it twice would misreport the import.
fn check_unique_ids(records: &[(&PathBuf, Record, usize)]) -> Result<()> {
    let mut seen: std::collections::HashMap<RecordId, (&PathBuf, usize)> =
        std::collections::HashMap::with_capacity(records.len());
    for (file, r, n) in records {
        if let Some((first_file, first_n)) = seen.insert(r.record_id, (file, *n)) {
            return Err(OpsError::DuplicateRecordId {
                record_id: r.record_id.to_string(),
                first: format!("{} record #{first_n}", first_file.display()),
                second: format!("{} record #{n}", file.display()),
            });
        }
    }
    Ok(())
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
    /// Its workflow status (draft when absent).
    pub workflow_status: WorkflowStatus,
    /// Whether this record stopped the batch (complete/reviewed with ERROR/BLOCKER findings).
    pub refused: bool,
    /// What the record-stage check found, worst first.
    pub findings: Vec<QaFinding>,
}

/// Adds (or updates) every record of every file, all in one transaction, through the one
/// save path ([`crate::save::save`]) with the whole batch refused if the completion gate
/// refuses any record of it.
pub fn add_files(
    store: &mut Store,
    files: &[PathBuf],
    actor: &Actor,
    reason: Option<&str>,
    rules: &SaveRules<'_>,
) -> Result<AddReport> {
    let mut numbered = Vec::new();
    let mut total: u64 = 0;
    for f in files {
        // A regular file's size is known before it is read; a pipe counts as the cap.
        let size = std::fs::metadata(f)
            .ok()
            .filter(std::fs::Metadata::is_file)
            .map_or(MAX_RECORD_FILE_BYTES, |m| m.len());
        total = total.saturating_add(size);
        if total > MAX_BATCH_BYTES {
            return Err(OpsError::RecordFile {
                path: f.clone(),
                detail: format!(
                    "the files of this batch reach {} MiB with this one; one add reads at \
                     most {} MiB in all (add the files in several batches)",
                    total >> 20,
                    MAX_BATCH_BYTES >> 20
                ),
            });
        }
        for (i, r) in read_record_file(f)?.into_iter().enumerate() {
            numbered.push((f, r, i + 1));
        }
    }
    check_unique_ids(&numbered)?;
    let read = numbered.len();
    let batch = numbered
        .into_iter()
        .map(|(f, record, _)| Incoming {
            record,
            file: Some(f.clone()),
        })
        .collect();
    let saved = crate::save::save(store, batch, actor, reason, rules, OnRefusal::RefuseBatch)?;
    Ok(AddReport {
        read,
        written: saved.written,
        unchanged: if saved.stored {
            read - saved.written
        } else {
            0
        },
        stored: saved.stored,
        records: saved
            .records
            .into_iter()
            .filter(|j| !j.findings.is_empty())
            .map(|j| RecordFindings {
                file: j.file.unwrap_or_default(),
                record_id: j.record_id.to_string(),
                template_id: j.template_id,
                workflow_status: j.asked,
                refused: j.refused,
                findings: j.findings,
            })
            .collect(),
    })
}

/// Lists records matching `filter`.
pub fn list(store: &Store, filter: &ListFilter) -> Result<Vec<RecordSummary>> {
    store.list(filter).map_err(at(store))
}

/// A record's audit history, oldest first.
pub fn history(store: &Store, record_id: &str) -> Result<Vec<AuditEntry>> {
    let id: RecordId = record_id
        .parse()
        .map_err(|_| OpsError::BadRecordId(record_id.to_owned()))?;
    store.history(&id).map_err(at(store))
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
    match at {
        None => store.get_record(&id),
        Some(t) => store.record_at(&id, t),
    }
    .map_err(self::at(store))
}

/// Writes the GeoPackage; an existing file at `out` is replaced only with `replace` (and
/// never when it is a survey, its key file or another database).
pub fn export_gpkg(
    store: &Store,
    out: &Path,
    allow_classified: bool,
    replace: bool,
) -> Result<ExportReport> {
    store
        .export_gpkg(out, allow_classified, replace)
        .map_err(at(store))
}

/// What `verify` found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct VerifyReport {
    /// The survey file.
    pub path: PathBuf,
    /// Whether everything checked out.
    pub ok: bool,
    /// `PRAGMA integrity_check` ("ok" or the problems), when the file could be read.
    pub integrity: Option<String>,
    /// The audit chain, when the file could be read.
    pub audit: Option<AuditVerification>,
    /// Damage that stopped the check (the file is not readable as a survey).
    pub damage: Option<String>,
}

/// Opens and checks a survey: its pages (integrity check) and its audit hash chain.
/// Damage is a report (`ok == false`), not an error; a wrong passphrase is an error.
pub fn verify(path: &Path, pass: &Passphrase) -> Result<VerifyReport> {
    verify_as(path, None, pass)
}

/// [`verify`], unlocked as `member` (a name or member id).
pub fn verify_as(path: &Path, member: Option<&str>, pass: &Passphrase) -> Result<VerifyReport> {
    let damaged = |detail: String| VerifyReport {
        path: path.to_owned(),
        ok: false,
        integrity: None,
        audit: None,
        damage: Some(detail),
    };
    let store = match Store::open_as(path, member, pass) {
        Ok(s) => s,
        Err(
            e @ (StoreError::Damaged { .. }
            | StoreError::WrongPassphraseOrDamaged { .. }
            | StoreError::NotASurvey { .. }),
        ) => return Ok(damaged(e.to_string())),
        Err(e) => return Err(e.into()),
    };
    let integrity = match store.integrity_check() {
        Ok(i) => i,
        Err(e) => return Ok(damaged(e.in_file(path).to_string())),
    };
    let audit = match store.verify_audit_chain() {
        Ok(a) => a,
        Err(e) => {
            let mut r = damaged(e.in_file(path).to_string());
            r.integrity = Some(integrity);
            return Ok(r);
        }
    };
    Ok(VerifyReport {
        path: path.to_owned(),
        ok: integrity == "ok" && audit.is_intact(),
        integrity: Some(integrity),
        audit: Some(audit),
        damage: None,
    })
}
