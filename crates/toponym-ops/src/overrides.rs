//! Accepting a QA warning with a written reason (an override; `toponym qa override` and the
//! app's override dialog).
//!
//! A surveyor may accept a WARNING that does not apply (a rare character that is the
//! village's real name, a reading confirmed with the villagers) by saying why. ERROR and
//! BLOCKER findings cannot be accepted by the surveyor: they are fixed, or carry an
//! exception of the county office (a later issue). The override is attached to (record,
//! rule, finding path) and stored with a hash-chained audit entry (see the store's
//! `overrides.rs`); the survey-wide report ([`crate::qa::QaReport`]) still lists the
//! warning, marked with the reason, who and when, so reviewers see every override. When
//! the finding goes away (the record was fixed) the override is simply not shown; if the
//! same finding comes back, it is shown as accepted again.
//!
//! Only findings of the record stage can be accepted here: the use case runs the record's
//! checks (form validation and the record rules, as a save does) and refuses a finding
//! that is not open on the record right now. Bundle-stage warnings (W-6, C-3 …) concern
//! more than one record and go to the reviewer as they are.

use toponym_core::{RecordId, Severity};
use toponym_forms::{Catalog, ValidateOptions};
use toponym_qa::{Engine, Options};
use toponym_store::{Actor, Override, Store};

use crate::{OpsError, Result};

/// The fewest characters a reason must have (white space not counted): enough for a
/// sentence in Chinese ("读音经村委会核实为 dà"), not a token like "ok" or "同意".
pub const MIN_REASON_CHARS: usize = 10;

/// Which finding to accept, and why.
#[derive(Debug, Clone, Copy)]
pub struct OverrideRequest<'a> {
    /// The record's id (a UUID).
    pub record_id: &'a str,
    /// The finding's rule (`R-4`).
    pub rule: &'a str,
    /// The finding's path (`fields.standard_name`).
    pub path: &'a str,
    /// Why the warning does not apply.
    pub reason: &'a str,
}

/// How many characters of a reason count (white space does not).
pub fn reason_chars(reason: &str) -> usize {
    reason.chars().filter(|c| !c.is_whitespace()).count()
}

/// Accepts the warning `req` names on its record, for `req.reason`, as `actor`: refuses
/// unless that finding is open on the record now (by the record-stage checks of `engine`
/// with the built-in reference data), is a WARNING, and the reason has at least
/// [`MIN_REASON_CHARS`] characters; the store refuses a second override of the same
/// finding. Every refusal names the record, rule and path.
pub fn override_warning(
    store: &mut Store,
    req: &OverrideRequest<'_>,
    actor: &Actor,
    engine: &Engine,
    catalog: &Catalog,
    validate: ValidateOptions,
) -> Result<Override> {
    let id: RecordId = req
        .record_id
        .trim()
        .parse()
        .map_err(|_| OpsError::BadRecordId(req.record_id.to_owned()))?;
    let at = |e: toponym_store::StoreError| OpsError::Store(e.in_file(store.path()));
    let record = store
        .get_record(&id)
        .map_err(at)?
        .map(crate::qa::form_view)
        .ok_or_else(|| OpsError::UnknownRecord {
            record_id: id.to_string(),
            survey: store.path().to_owned(),
        })?;
    // The built-in reference data (`qa::builtin_refs`), parsed once per process.
    let refs = crate::qa::shared_refs();
    let findings = engine.check_record(catalog, refs, &Options { validate }, &record);
    let (rule, path) = (req.rule.trim(), req.path.trim());
    let named: Vec<_> = findings
        .iter()
        .filter(|f| f.rule.as_deref() == Some(rule) && f.path == path)
        .collect();
    let Some(worst) = named.iter().map(|f| f.severity).max() else {
        let mut open: Vec<String> = findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .map(|f| format!("{} at {}", f.rule.as_deref().unwrap_or("-"), f.path))
            .collect();
        open.dedup();
        return Err(OpsError::OverrideNotOpen {
            record_id: id.to_string(),
            rule: rule.to_owned(),
            path: path.to_owned(),
            open,
        });
    };
    if worst != Severity::Warning {
        return Err(OpsError::OverrideNotWarning {
            record_id: id.to_string(),
            rule: rule.to_owned(),
            path: path.to_owned(),
            severity: worst.as_str().to_owned(),
        });
    }
    let found = reason_chars(req.reason);
    if found < MIN_REASON_CHARS {
        return Err(OpsError::OverrideReasonTooShort {
            record_id: id.to_string(),
            rule: rule.to_owned(),
            path: path.to_owned(),
            found,
            min: MIN_REASON_CHARS,
        });
    }
    let path_of_store = store.path().to_owned();
    store
        .add_override(&id, rule, path, req.reason, actor)
        .map_err(|e| OpsError::Store(e.in_file(&path_of_store)))
}
