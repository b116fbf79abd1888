//! The store's one error enum. Messages say what went wrong and where (file, record,
//! field) so the CLI can print them as they are.

use std::path::PathBuf;

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The passphrase does not decrypt the file (the sidecar's key check says so).
    #[error("wrong passphrase for {path} (the file cannot be decrypted with it)")]
    WrongPassphrase {
        /// The database file.
        path: PathBuf,
    },
    /// A survey made before key check values were recorded does not decrypt: the
    /// passphrase is wrong or the file's first page is damaged; they cannot be told apart.
    #[error(
        "{path} cannot be decrypted: the passphrase is wrong, or the file is damaged \
         (this survey predates the key check that tells the two apart)"
    )]
    WrongPassphraseOrDamaged {
        /// The database file.
        path: PathBuf,
    },
    /// The survey has several members and none was named.
    #[error("{path} has several members ({}); say who unlocks it (--member NAME)", .members.join(", "))]
    MemberRequired {
        /// The database file.
        path: PathBuf,
        /// The members with a key slot.
        members: Vec<String>,
    },
    /// No member of that name or id has a key slot.
    #[error("{path} has no member {member:?} (members: {})", .members.join(", "))]
    UnknownMember {
        /// The database file.
        path: PathBuf,
        /// The name given.
        member: String,
        /// The members with a key slot.
        members: Vec<String>,
    },
    /// The county office's key does not open the recovery slot.
    #[error("the county office key does not open {path}: {detail}")]
    WrongOfficeKey {
        /// The database file.
        path: PathBuf,
        /// What age said.
        detail: String,
    },
    /// A member or review action the rules forbid (a registrar reviewing their own record,
    /// a registrar accepting at all, a record not waiting for review, the last member
    /// removed …). `code` is stable, `detail` says which record or member and why.
    #[error("{detail}")]
    Refused {
        /// The stable code (`review.own_record`, `member.not_reviewer`, …).
        code: &'static str,
        /// What was refused and why.
        detail: String,
    },
    /// No passphrase was given.
    #[error("the passphrase is empty; give the survey's passphrase")]
    EmptyPassphrase,
    /// A new passphrase is too short.
    #[error(
        "the passphrase has {found} character(s); a new passphrase needs at least \
         {min_chars} (a phrase of several words is easy to remember and hard to guess)"
    )]
    WeakPassphrase {
        /// The minimum.
        min_chars: usize,
        /// How many characters it has.
        found: usize,
    },
    /// The file is not a survey: empty, a foreign file, or missing its key file.
    /// Nothing was written to it.
    #[error("{path} is not a survey file: {detail}; nothing was changed")]
    NotASurvey {
        /// The file.
        path: PathBuf,
        /// Why not.
        detail: String,
    },
    /// The survey file is damaged: truncated, or pages that fail their authentication
    /// or SQLite's checks. Nothing is written to a damaged survey.
    #[error(
        "{path} is damaged: {detail}. Nothing was written to it; restore it from a backup \
         or the last bundle, or ask the county office (`toponym survey verify` lists the damage)"
    )]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What is damaged.
        detail: String,
    },
    /// A write to a survey that was opened read-only (read-only media or permissions).
    #[error(
        "{path} is open read-only (read-only media or no write permission); it cannot be changed"
    )]
    ReadOnly {
        /// The file.
        path: PathBuf,
    },
    /// A read-only survey at an older schema cannot be upgraded in place.
    #[error(
        "{path} has schema version {found} and needs upgrading to {latest}, which cannot be \
         done on read-only media; copy it to a writable folder first"
    )]
    NeedsUpgrade {
        /// The file.
        path: PathBuf,
        /// Version in the file.
        found: i64,
        /// Version of this program.
        latest: i64,
    },
    /// `create` was asked to overwrite an existing survey.
    #[error("{path} already exists; refusing to overwrite a survey")]
    AlreadyExists {
        /// The existing file.
        path: PathBuf,
    },
    /// The database or its KDF sidecar is missing.
    #[error("{path} does not exist")]
    NotFound {
        /// The missing file.
        path: PathBuf,
    },
    /// The KDF sidecar cannot be read.
    #[error("key-derivation file {path} is unreadable: {detail}")]
    BadKdfFile {
        /// The sidecar.
        path: PathBuf,
        /// What is wrong with it.
        detail: String,
    },
    /// Argon2 rejected the parameters.
    #[error("key derivation failed: {0}")]
    Kdf(String),
    /// A record cannot be stored as given.
    #[error("record {record_id}: field {field}: {detail}")]
    InvalidRecord {
        /// The record.
        record_id: String,
        /// The field path, e.g. `geometry` or `fields.workflow_status`.
        field: String,
        /// What is wrong.
        detail: String,
    },
    /// A QA warning that is already accepted with a reason on this record and path (the
    /// override made then).
    #[error("{}", duplicate_override(.0))]
    DuplicateOverride(Box<crate::Override>),
    /// A query argument is unusable (e.g. a box with west > east).
    #[error("invalid query: {0}")]
    InvalidQuery(String),
    /// A stored value does not decode (the file was altered outside the store).
    #[error("stored data of {what} is corrupt: {detail}")]
    Corrupt {
        /// Which row or value.
        what: String,
        /// What is wrong.
        detail: String,
    },
    /// The file was written by a newer Toponym.
    #[error("{path} has schema version {found}, newer than this program's {supported}")]
    SchemaTooNew {
        /// The database file.
        path: PathBuf,
        /// Version in the file.
        found: i64,
        /// Highest version this build knows.
        supported: i64,
    },
    /// A GeoPackage export would put classified records into an unencrypted file.
    #[error(
        "{count} record(s) are classified above 公开 (内部/秘密); exporting them to an \
         unencrypted GeoPackage needs explicit permission"
    )]
    ClassifiedExport {
        /// How many records are above 公开.
        count: usize,
    },
    /// A file-system error.
    #[error("{path}: {source}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// An output file cannot be written where it was asked for.
    #[error(transparent)]
    Output(#[from] toponym_io::OutputError),
    /// An SQLite error not covered above.
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// An SQLite error in a named file.
    #[error("{path}: SQLite: {source}")]
    SqliteIn {
        /// The database file.
        path: PathBuf,
        /// The error.
        source: rusqlite::Error,
    },
}

fn duplicate_override(o: &crate::Override) -> String {
    let at =
        o.at.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
    format!(
        "record {}: the {} warning at {} was already accepted by {} on {at} (reason: {}); \
         an override is made once",
        o.record_id, o.rule, o.path, o.actor, o.reason
    )
}

impl StoreError {
    /// A stable code for the app and `--json` output.
    pub fn code(&self) -> &'static str {
        match self {
            Self::WrongPassphrase { .. } => "survey.wrong_passphrase",
            Self::WrongPassphraseOrDamaged { .. } => "survey.wrong_passphrase_or_damaged",
            Self::EmptyPassphrase => "survey.empty_passphrase",
            Self::MemberRequired { .. } => "survey.member_required",
            Self::UnknownMember { .. } => "survey.unknown_member",
            Self::WrongOfficeKey { .. } => "survey.wrong_office_key",
            Self::Refused { code, .. } => code,
            Self::WeakPassphrase { .. } => "survey.weak_passphrase",
            Self::NotASurvey { .. } => "survey.not_a_survey",
            Self::Damaged { .. } => "survey.damaged",
            Self::ReadOnly { .. } => "survey.read_only",
            Self::NeedsUpgrade { .. } => "survey.needs_upgrade",
            Self::AlreadyExists { .. } => "survey.exists",
            Self::NotFound { .. } => "survey.not_found",
            Self::BadKdfFile { .. } => "survey.bad_key_file",
            Self::Kdf(_) => "survey.kdf",
            Self::InvalidRecord { .. } => "record.invalid",
            Self::DuplicateOverride(_) => "override.exists",
            Self::InvalidQuery(_) => "store.invalid_query",
            Self::Corrupt { .. } => "survey.damaged",
            Self::SchemaTooNew { .. } => "survey.schema_too_new",
            Self::ClassifiedExport { .. } => "export.classified",
            Self::Io { .. } => "store.io",
            Self::Output(e) => e.code(),
            Self::Sqlite(_) | Self::SqliteIn { .. } => "store.sqlite",
        }
    }

    /// Names the file in an error that does not yet: SQLite's corruption errors become
    /// [`StoreError::Damaged`], a write refused by read-only media [`StoreError::ReadOnly`],
    /// and any other SQLite error [`StoreError::SqliteIn`].
    pub fn in_file(self, path: &std::path::Path) -> Self {
        use rusqlite::ErrorCode;
        match self {
            Self::Sqlite(e) => match e.sqlite_error_code() {
                Some(ErrorCode::DatabaseCorrupt) | Some(ErrorCode::NotADatabase) => Self::Damaged {
                    path: path.to_owned(),
                    detail: format!("SQLite reports {e}"),
                },
                Some(ErrorCode::ReadOnly) => Self::ReadOnly {
                    path: path.to_owned(),
                },
                _ => Self::SqliteIn {
                    path: path.to_owned(),
                    source: e,
                },
            },
            Self::Corrupt { what, detail } => Self::Damaged {
                path: path.to_owned(),
                detail: format!("stored data of {what} is corrupt: {detail}"),
            },
            other => other,
        }
    }
}
