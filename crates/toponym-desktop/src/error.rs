//! The one error type of the app use cases. At the Tauri edge it serialises as
//! `{ code, message, params }` so the UI can translate it and branch on the code
//! (a wrong passphrase shows a message under the field; other errors show a banner).

use std::collections::BTreeMap;

use serde::ser::SerializeStruct;
use serde::Serialize;

/// Why an app use case failed. Bad field values are findings, never this.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// The passphrase does not open the survey file.
    #[error("wrong passphrase for survey file {path}")]
    WrongPassphrase { path: String },
    /// The survey file does not exist (and creation was not asked for).
    #[error("survey file not found: {path}")]
    SurveyNotFound { path: String },
    /// Creating a survey over an existing file was asked for.
    #[error("survey file already exists: {path}")]
    SurveyExists { path: String },
    /// A command that needs an open survey arrived before unlock.
    #[error("no survey is open; unlock a survey first")]
    NotUnlocked,
    /// The template id is not one of the 75.
    #[error("unknown template id {id}")]
    UnknownTemplate { id: String },
    /// No record with this id in the open survey.
    #[error("record {id} not found in the open survey")]
    RecordNotFound { id: String },
    /// An id string that is not a UUID.
    #[error("invalid record id {id:?}")]
    BadRecordId { id: String },
    /// A photo that cannot be read or decoded.
    #[error("photo {file} cannot be attached: {reason}")]
    BadPhoto { file: String, reason: String },
    /// A basemap file that is not a readable MBTiles/PMTiles file.
    /// `problem` is a stable key the UI translates (`unreadable`, `not_tiles`,
    /// `bad_mbtiles`, `vector`); `reason` is the detail in English.
    #[error("basemap {path} cannot be used: {reason}")]
    BadBasemap {
        path: String,
        problem: &'static str,
        reason: String,
    },
    /// The survey file cannot be used as asked: damaged, not a survey, read-only, a
    /// tampered key file, a passphrase that is empty or too short for a new survey. `code`
    /// is the store's stable code (`survey.damaged`, `survey.weak_passphrase` …).
    #[error("{message}")]
    Survey {
        code: &'static str,
        message: String,
        path: String,
        min_chars: Option<usize>,
    },
    /// The store failed (IO, SQL); the text says where.
    #[error("survey store error: {detail}")]
    Store {
        /// The store's stable code (`store.sqlite`, `record.invalid` …).
        code: &'static str,
        /// What failed, naming the file.
        detail: String,
    },
    /// A shared use case (`toponym_ops`) failed; `code` is its stable code.
    #[error("{message}")]
    Ops {
        /// The use case's stable code.
        code: &'static str,
        /// The full message (English), naming file, record and field.
        message: String,
        /// Named values for the translation.
        params: BTreeMap<&'static str, String>,
    },
}

impl From<toponym_ops::OpsError> for AppError {
    /// Store errors as the session maps them (a repeated override stays a coded refusal
    /// naming record, rule, path and who), an unknown or malformed record id as the app's
    /// own, everything else with the use case's code and parameters.
    fn from(e: toponym_ops::OpsError) -> Self {
        use toponym_ops::OpsError;
        match e {
            OpsError::Store(toponym_store::StoreError::DuplicateOverride(_)) => AppError::Ops {
                code: e.code(),
                message: e.to_string(),
                params: e.params(),
            },
            OpsError::Store(s) => crate::session::store_err(s),
            OpsError::UnknownRecord { record_id, .. } => AppError::RecordNotFound { id: record_id },
            OpsError::BadRecordId(id) => AppError::BadRecordId { id },
            other => AppError::Ops {
                code: other.code(),
                message: other.to_string(),
                params: other.params(),
            },
        }
    }
}

impl AppError {
    /// Stable code the UI translates.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::WrongPassphrase { .. } => "survey.wrong_passphrase",
            AppError::SurveyNotFound { .. } => "survey.not_found",
            AppError::SurveyExists { .. } => "survey.exists",
            AppError::NotUnlocked => "survey.not_unlocked",
            AppError::UnknownTemplate { .. } => "form.unknown_template",
            AppError::RecordNotFound { .. } => "record.not_found",
            AppError::BadRecordId { .. } => "record.bad_id",
            AppError::BadPhoto { .. } => "media.bad_photo",
            AppError::BadBasemap { .. } => "map.bad_basemap",
            AppError::Survey { code, .. } => code,
            AppError::Store { code, .. } | AppError::Ops { code, .. } => code,
        }
    }

    /// Named parameters for the UI's translation.
    pub fn params(&self) -> BTreeMap<&'static str, String> {
        let mut p = BTreeMap::new();
        match self {
            AppError::WrongPassphrase { path }
            | AppError::SurveyNotFound { path }
            | AppError::SurveyExists { path } => {
                p.insert("path", path.clone());
            }
            AppError::UnknownTemplate { id }
            | AppError::RecordNotFound { id }
            | AppError::BadRecordId { id } => {
                p.insert("id", id.clone());
            }
            AppError::BadPhoto { file, reason } => {
                p.insert("file", file.clone());
                p.insert("reason", reason.clone());
            }
            AppError::BadBasemap {
                path,
                problem,
                reason,
            } => {
                p.insert("path", path.clone());
                p.insert("problem", (*problem).to_owned());
                p.insert("reason", reason.clone());
            }
            AppError::Survey {
                message,
                path,
                min_chars,
                ..
            } => {
                p.insert("path", path.clone());
                p.insert("detail", message.clone());
                if let Some(n) = min_chars {
                    p.insert("min", n.to_string());
                }
            }
            AppError::Store { detail, .. } => {
                p.insert("detail", detail.clone());
            }
            AppError::Ops { params, .. } => {
                p.extend(params.iter().map(|(k, v)| (*k, v.clone())));
            }
            AppError::NotUnlocked => {}
        }
        p
    }
}

impl Serialize for AppError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("AppError", 3)?;
        st.serialize_field("code", self.code())?;
        st.serialize_field("message", &self.to_string())?;
        st.serialize_field("params", &self.params())?;
        st.end()
    }
}
