//! The one save path. `toponym survey add` and the app's save both end here: the same
//! template check, the same record-stage quality check (form validation, the entry rules
//! over every name field and the record rules of the QA engine, under the same options),
//! the same completion gate, and one write transaction.
//!
//! A reviewed record that is edited goes back to complete (待审核, W-2); reviewed and
//! returned are otherwise set only by a reviewer's signed verdict (`toponym_store`'s
//! `accept` and `return_record`), which the store enforces.
//!
//! The gate is the county office's rule: a draft (or a record the reviewer returned) may
//! be incomplete, so it is stored with its findings; a record whose workflow status claims
//! the form is finished (complete, or reviewed) may not have an ERROR or BLOCKER finding
//! open. What happens to a refused record depends on who asks ([`OnRefusal`]): a batch of
//! files is refused whole (the files stay on disk, nothing is half-imported), a form typed
//! in the app is kept as a draft (nothing typed is lost).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use toponym_core::{Clock, Record, RecordId, WorkflowStatus};
use toponym_forms::{Catalog, ValidateOptions};
use toponym_qa::{Engine, Options, QaFinding, Refs};
use toponym_store::{Actor, SearchKeys, Store};

use crate::{OpsError, Result};

/// What the record-stage check runs with: the catalogue, the engine (its profile), the
/// reference data and the validation options.
pub struct SaveRules<'a> {
    /// The template catalogue.
    pub catalog: &'a Catalog,
    /// The QA engine (the county's profile, or the default one).
    pub engine: &'a Engine,
    /// Reference data for the record rules.
    pub refs: &'a Refs,
    /// Clock, project window, province extent.
    pub options: Options,
}

impl SaveRules<'static> {
    /// The built-in catalogue, default profile and shipped reference data, with "today"
    /// from `clock` and the project area's bounding box (S-1) if known.
    pub fn standard(clock: &dyn Clock, province_bbox: Option<[f64; 4]>) -> SaveRules<'static> {
        SaveRules {
            catalog: Catalog::builtin(),
            engine: Engine::builtin(),
            refs: crate::qa::shared_refs(),
            options: Options {
                validate: ValidateOptions {
                    now: Some(clock.now()),
                    province_bbox,
                    ..ValidateOptions::default()
                },
            },
        }
    }
}

impl SaveRules<'_> {
    /// The record-stage findings of one record, worst first.
    pub fn check(&self, record: &Record) -> Vec<QaFinding> {
        let mut f = self
            .engine
            .check_record(self.catalog, self.refs, &self.options, record);
        f.sort_by_key(|f| std::cmp::Reverse(f.severity));
        f
    }

    /// Whether `findings` stop a record with `status` (the completion gate).
    pub fn refuses(status: WorkflowStatus, findings: &[QaFinding]) -> bool {
        status.claims_complete() && findings.iter().any(|f| f.severity.is_blocking())
    }
}

/// The project area's bounding box for S-1 from the counties a survey covers: the county's
/// outline when the survey covers one county, the prefecture's when it covers several of
/// one prefecture; `None` (S-1 not checked) when no shipped outline covers them.
pub fn survey_extent(counties: &BTreeSet<String>) -> Option<[f64; 4]> {
    let code = match counties.len() {
        0 => return None,
        1 => counties.first()?.clone(),
        _ => {
            let first = counties.first()?;
            let prefecture = first.get(..4)?;
            if !counties.iter().all(|c| c.starts_with(prefecture)) {
                return None;
            }
            prefecture.to_owned()
        }
    };
    crate::extent::province_extent(&code).ok().map(|e| e.bbox)
}

/// The counties (6-digit codes) whose townships the survey's records name.
pub fn survey_counties(store: &Store) -> Result<BTreeSet<String>> {
    let all = store
        .list(&toponym_store::ListFilter {
            limit: Some(usize::MAX),
            ..Default::default()
        })
        .map_err(|e| OpsError::Store(e.in_file(store.path())))?;
    Ok(all
        .into_iter()
        .filter_map(|s| s.township.and_then(|t| t.get(..6).map(str::to_owned)))
        .collect())
}

/// What to do with a record the gate refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnRefusal {
    /// Store nothing of the batch (`survey add`: the files stay where they are).
    RefuseBatch,
    /// Store the record as a draft (or returned, if it was) and say it was refused (the
    /// app: what was typed is kept).
    KeepAsDraft,
}

/// One record to save, with the file it came from (if any) for errors and reports.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// The record.
    pub record: Record,
    /// The file it was read from (`survey add`); `None` from a form.
    pub file: Option<PathBuf>,
}

impl From<Record> for Incoming {
    fn from(record: Record) -> Self {
        Incoming { record, file: None }
    }
}

/// One record as the save path judged it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Judged {
    /// The file it came from.
    pub file: Option<PathBuf>,
    /// The record.
    pub record_id: RecordId,
    /// Its template.
    pub template_id: String,
    /// The workflow status it is (or would be) stored with.
    pub status: WorkflowStatus,
    /// The workflow status asked for.
    pub asked: WorkflowStatus,
    /// Whether the gate refused the status asked for.
    pub refused: bool,
    /// The record-stage findings, worst first.
    pub findings: Vec<QaFinding>,
}

/// The outcome of one save.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Saved {
    /// Every record, in the order given.
    pub records: Vec<Judged>,
    /// Whether anything was stored (false when the batch was refused).
    pub stored: bool,
    /// Records new or changed.
    pub written: usize,
}

/// The status a record refused by the gate is kept with under [`OnRefusal::KeepAsDraft`]:
/// a returned record stays returned (the reviewer's word still stands), anything else is a
/// draft.
fn demoted(previous: Option<WorkflowStatus>) -> WorkflowStatus {
    match previous {
        Some(WorkflowStatus::Returned) => WorkflowStatus::Returned,
        _ => WorkflowStatus::Draft,
    }
}

/// Judges and stores `records` in one transaction.
///
/// Each record's template must be one the catalogue ships, in the version and content hash
/// the record names (else an error, nothing stored). A record without 密级 gets its
/// template's. Then the record-stage check runs and the gate applies (see the module docs). The search keys are the record's names and
/// their pinyin.
pub fn save(
    store: &mut Store,
    records: Vec<Incoming>,
    actor: &Actor,
    reason: Option<&str>,
    rules: &SaveRules<'_>,
    on_refusal: OnRefusal,
) -> Result<Saved> {
    for r in &records {
        check_template(rules.catalog, r.file.as_deref(), &r.record)?;
    }
    let mut judged = Vec::with_capacity(records.len());
    let mut items: Vec<(Record, SearchKeys)> = Vec::with_capacity(records.len());
    for Incoming { mut record, file } in records {
        // 密级 defaults to the template's (a domain decision, so here, not in the store).
        if record.text("secrecy").is_none() {
            if let Some(t) = rules.catalog.template(&record.template.id) {
                record.fields.insert(
                    "secrecy".into(),
                    serde_json::Value::String(t.secrecy.clone()),
                );
            }
        }
        // W-2: a reviewed record that is edited goes back to complete (待审核) for a new
        // review; only a reviewer's signed verdict sets it reviewed again.
        if record.workflow_status == WorkflowStatus::Reviewed {
            let stored = store
                .get_record(&record.record_id)
                .map_err(|e| OpsError::Store(e.in_file(store.path())))?;
            if let Some(stored) = stored.filter(|s| s.workflow_status == WorkflowStatus::Reviewed) {
                if toponym_store::review_digest(&stored) != toponym_store::review_digest(&record) {
                    record.workflow_status = WorkflowStatus::Complete;
                }
            }
        }
        let findings = rules.check(&record);
        let asked = record.workflow_status;
        let refused = SaveRules::refuses(asked, &findings);
        if refused && on_refusal == OnRefusal::KeepAsDraft {
            let previous = store
                .get_record(&record.record_id)
                .map_err(|e| OpsError::Store(e.in_file(store.path())))?
                .map(|r| r.workflow_status);
            record.workflow_status = demoted(previous);
        }
        judged.push(Judged {
            file,
            record_id: record.record_id,
            template_id: record.template.id.clone(),
            status: record.workflow_status,
            asked,
            refused,
            findings,
        });
        let keys = crate::survey::search_keys(&record);
        items.push((record, keys));
    }
    if on_refusal == OnRefusal::RefuseBatch && judged.iter().any(|j| j.refused) {
        return Ok(Saved {
            records: judged,
            stored: false,
            written: 0,
        });
    }
    let written = store
        .put_records(&items, actor, reason)
        .map_err(|e| OpsError::Store(e.in_file(store.path())))?;
    Ok(Saved {
        records: judged,
        stored: true,
        written,
    })
}

/// Checks one record against the template catalogue: the template must exist (else the
/// closest ids are named) and the record's template version and hash must be the ones the
/// catalogue ships, since it can only be validated against those.
fn check_template(catalog: &Catalog, file: Option<&Path>, record: &Record) -> Result<()> {
    let t = &record.template;
    let path = file.map(Path::to_owned).unwrap_or_default();
    let Some(known) = catalog.template(&t.id) else {
        return Err(OpsError::UnknownTemplate {
            path,
            record_id: record.record_id.to_string(),
            template_id: t.id.clone(),
            closest: catalog.closest_ids(&t.id),
        });
    };
    if t.version != known.version || t.hash != known.hash {
        return Err(OpsError::TemplateMismatch {
            path,
            record_id: record.record_id.to_string(),
            template_id: t.id.clone(),
            found: format!("version {}, hash {}", t.version, t.hash),
            expected: format!("version {}, hash {}", known.version, known.hash),
        });
    }
    Ok(())
}
