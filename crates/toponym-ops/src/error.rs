//! The one error type of the toponym-ops use cases (survey, baseline import, samples).
//! A bad field value is a finding, never this; an `OpsError` means the use case could not
//! run at all (unreadable file, refused store write, unknown template …) and its message
//! names the file, record and field involved.

use std::path::PathBuf;

use toponym_reference::RefError;
use toponym_store::StoreError;

/// Why a use case failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpsError {
    /// A reference table is malformed or truncated (the inner error names file and line).
    #[error(transparent)]
    Reference(#[from] RefError),
    /// The survey store refused or failed (the inner error says where).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A file or folder cannot be read, written or removed.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// What was being done ("read", "write", "create folder", "remove").
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// An input file cannot be read (too large, not UTF-8, missing); the error names it.
    #[error(transparent)]
    Read(#[from] toponym_io::ReadError),
    /// A record file cannot be parsed.
    #[error("{path}: {detail}")]
    RecordFile {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the record number, line and column where known.
        detail: String,
    },
    /// One record id twice in one batch.
    #[error("record id {record_id} appears twice in this batch ({first} and {second}); nothing was stored")]
    DuplicateRecordId {
        /// The id.
        record_id: String,
        /// Where it appears first ("a.json record #3").
        first: String,
        /// Where it appears again.
        second: String,
    },
    /// A record id given by a person is not a UUID.
    #[error("{0:?} is not a record id (a UUID such as 0190…-…)")]
    BadRecordId(String),
    /// A record names a template the catalogue does not have.
    #[error(
        "{path}: record {record_id}: unknown template id {template_id:?}{}",
        closest_hint(closest)
    )]
    UnknownTemplate {
        /// The record file.
        path: PathBuf,
        /// The record.
        record_id: String,
        /// The template id it names.
        template_id: String,
        /// The closest catalogue ids, best first.
        closest: Vec<String>,
    },
    /// A record claims a template version or hash the catalogue does not ship.
    #[error(
        "{path}: record {record_id}: template {template_id} {found} does not match the \
         catalogue's {expected}"
    )]
    TemplateMismatch {
        /// The record file.
        path: PathBuf,
        /// The record.
        record_id: String,
        /// The template id.
        template_id: String,
        /// Version and hash the record claims ("1.0.0, hash 3f2a…").
        found: String,
        /// Version and hash of the catalogue's template.
        expected: String,
    },
    /// A division code that the 2023 division table does not have.
    #[error("unknown division code {code:?} (not in the 2023 division table; give 2, 4, 6 or 12 digits, e.g. 37 or 370902)")]
    UnknownDivision {
        /// The code as given.
        code: String,
    },
    /// A known division for which the reference tables ship no outline.
    #[error(
        "the reference tables ship no outline for {code} {name}, so its extent is unknown; \
         outlines exist for: {}; give the bounding box explicitly instead",
        available.join(", ")
    )]
    NoExtent {
        /// The code as given.
        code: String,
        /// The division's full name.
        name: String,
        /// The codes and names that have outlines.
        available: Vec<String>,
    },
    /// An output file was refused or could not be written (the error names the path).
    #[error(transparent)]
    Output(#[from] toponym_io::OutputError),
    /// A QA profile file cannot be read or is not valid.
    #[error("QA profile {path}: {detail}")]
    Profile {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// The county office's key file cannot be read as an age key.
    #[error("county office key {path}: {detail}")]
    OfficeKey {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// The sample generator could not make a record or photo (a bug in the generator).
    #[error("sample generator: {0}")]
    Generator(String),
    /// A record id the survey does not hold.
    #[error("record {record_id} is not in survey {survey}")]
    UnknownRecord {
        /// The id as given.
        record_id: String,
        /// The survey file.
        survey: PathBuf,
    },
    /// An override of a finding that is not open on the record now (fixed since, never
    /// raised, or named with another rule or path).
    #[error(
        "record {record_id}: no open {rule} finding at {path} to accept{}",
        open_hint(open)
    )]
    OverrideNotOpen {
        /// The record.
        record_id: String,
        /// The rule named.
        rule: String,
        /// The path named.
        path: String,
        /// The warnings that are open on the record ("R-4 at fields.standard_name").
        open: Vec<String>,
    },
    /// An override of an ERROR or BLOCKER: only a WARNING may be accepted by the surveyor.
    #[error(
        "record {record_id}: the {rule} finding at {path} is {severity}, which the surveyor \
         cannot accept; only a WARNING can be accepted with a reason. Fix the record, or ask \
         the county office for an exception"
    )]
    OverrideNotWarning {
        /// The record.
        record_id: String,
        /// The rule.
        rule: String,
        /// The path.
        path: String,
        /// `ERROR` or `BLOCKER`.
        severity: String,
    },
    /// The reason of an override is missing or too short to say anything.
    #[error(
        "record {record_id}: the reason for accepting the {rule} warning at {path} has \
         {found} character(s); write at least {min} saying why the warning does not apply"
    )]
    OverrideReasonTooShort {
        /// The record.
        record_id: String,
        /// The rule.
        rule: String,
        /// The path.
        path: String,
        /// Characters given (without surrounding and inner white space).
        found: usize,
        /// The fewest allowed.
        min: usize,
    },
}

fn open_hint(open: &[String]) -> String {
    if open.is_empty() {
        " (no warning is open on this record)".into()
    } else {
        format!(" (open warnings: {})", open.join("; "))
    }
}

impl OpsError {
    /// The stable code a UI branches on and translates (`survey.damaged`,
    /// `record.unknown_template` …); store and output errors keep their own codes.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Reference(_) => "reference.invalid",
            Self::Store(e) => e.code(),
            Self::Io { .. } => "file.io",
            Self::Read(_) => "file.unreadable",
            Self::RecordFile { .. } => "record.file_invalid",
            Self::DuplicateRecordId { .. } => "record.duplicate_id",
            Self::BadRecordId(_) => "record.bad_id",
            Self::UnknownTemplate { .. } => "form.unknown_template",
            Self::TemplateMismatch { .. } => "form.template_mismatch",
            Self::UnknownDivision { .. } => "extent.unknown_division",
            Self::NoExtent { .. } => "extent.no_outline",
            Self::Output(e) => e.code(),
            Self::Profile { .. } => "qa.bad_profile",
            Self::Generator(_) => "samples.generator",
            Self::OfficeKey { .. } => "office.bad_key",
            Self::UnknownRecord { .. } => "record.not_found",
            Self::OverrideNotOpen { .. } => "override.not_open",
            Self::OverrideNotWarning { .. } => "override.not_warning",
            Self::OverrideReasonTooShort { .. } => "override.reason_too_short",
        }
    }

    /// The message for a person at a terminal: the catalogue's Chinese text for the code
    /// (`schemas/messages/messages.json`, the same the UI shows), then the full English
    /// text naming file, record and field.
    pub fn bilingual(&self) -> String {
        match toponym_core::messages::render(self.code(), &self.params()) {
            Some((zh, _)) => format!("{zh}\n{self}"),
            None => self.to_string(),
        }
    }

    /// Named values for a translated message: the file (`path`), the record (`id`), the
    /// template (`template`) where the error has them, and always the full English text
    /// (`detail`).
    pub fn params(&self) -> std::collections::BTreeMap<&'static str, String> {
        let mut p = std::collections::BTreeMap::new();
        match self {
            Self::Store(
                StoreError::MemberRequired { members, .. }
                | StoreError::UnknownMember { members, .. },
            ) => {
                p.insert("members", members.join("、"));
            }
            Self::Io { path, .. }
            | Self::RecordFile { path, .. }
            | Self::Profile { path, .. }
            | Self::OfficeKey { path, .. } => {
                p.insert("path", path.display().to_string());
            }
            Self::UnknownTemplate {
                path,
                record_id,
                template_id,
                ..
            }
            | Self::TemplateMismatch {
                path,
                record_id,
                template_id,
                ..
            } => {
                p.insert("path", path.display().to_string());
                p.insert("id", record_id.clone());
                p.insert("template", template_id.clone());
            }
            Self::DuplicateRecordId { record_id, .. } => {
                p.insert("id", record_id.clone());
            }
            Self::BadRecordId(id) => {
                p.insert("id", id.clone());
            }
            Self::UnknownDivision { code } | Self::NoExtent { code, .. } => {
                p.insert("code", code.clone());
            }
            Self::Store(StoreError::DuplicateOverride(o)) => {
                p.insert("id", o.record_id.clone());
                p.insert("rule", o.rule.clone());
                p.insert("path", o.path.clone());
                p.insert("actor", o.actor.clone());
            }
            Self::UnknownRecord { record_id, survey } => {
                p.insert("id", record_id.clone());
                p.insert("path", survey.display().to_string());
            }
            Self::OverrideNotOpen {
                record_id,
                rule,
                path,
                ..
            }
            | Self::OverrideNotWarning {
                record_id,
                rule,
                path,
                ..
            } => {
                p.insert("id", record_id.clone());
                p.insert("rule", rule.clone());
                p.insert("path", path.clone());
            }
            Self::OverrideReasonTooShort {
                record_id,
                rule,
                path,
                found,
                min,
            } => {
                p.insert("id", record_id.clone());
                p.insert("rule", rule.clone());
                p.insert("path", path.clone());
                p.insert("found", found.to_string());
                p.insert("min", min.to_string());
            }
            _ => {}
        }
        p.insert("detail", self.to_string());
        p
    }
}

fn closest_hint(closest: &[String]) -> String {
    if closest.is_empty() {
        String::new()
    } else {
        format!(" (closest: {})", closest.join(", "))
    }
}

/// Result of the toponym-ops use cases.
pub type Result<T, E = OpsError> = std::result::Result<T, E>;
