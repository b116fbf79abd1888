//! The store's one error enum. Messages say what went wrong and where (file, record,
//! field) so the CLI can print them as they are.

use std::path::PathBuf;

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The passphrase does not decrypt the file.
    #[error("wrong passphrase for {path} (the file cannot be decrypted with it)")]
    WrongPassphrase {
        /// The database file.
        path: PathBuf,
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
    /// An SQLite error not covered above.
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
}
